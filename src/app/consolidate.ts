/**
 * `memory consolidate`: entries of one buffer and type that read nearly alike are proposed as one new
 * entry that supersedes them all. The plan is made first; with a yes (every group with `yes`, or each one
 * asked in a terminal before the clone's lock is taken) the new entries are appended to their buffers,
 * committed once and synced as `save` does. The old entries stay in the bank, superseded: recall hides
 * them, `memory cleanup` moves them to the archive.
 */
import { isoSeconds, now } from "../core/clock.js";
import { bufferConfig, bufferLabel } from "../core/config.js";
import { consolidatedEntry } from "../core/consolidate.js";
import { appendText, unclosedFence, type Entry } from "../core/entries.js";
import { MemoryError, ParseError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { logLine } from "../core/merge.js";
import { isExpired } from "../core/recall.js";
import { nearDuplicateGroups, similarity } from "../core/similarity.js";
import { writeBytesAtomic } from "../infra/fs.js";
import { loadBuffer } from "../bank/files.js";
import { readItems } from "../bank/query.js";
import { bufferFiles, type Workspace } from "../bank/workspace.js";
import { commitBank } from "./bank-commit.js";
import { finishPendingDocs } from "./harvest-branch.js";
import { HANDOFF_BUFFER } from "./handoff.js";
import { checkBank, locked, openSession, type Session, type SessionOptions } from "./session.js";
import { syncWithRemote, type SyncReport } from "./sync.js";

export interface TeamOptions extends SessionOptions {
  /** Plan only: nothing is written, nothing is asked. */
  dryRun?: boolean;
  /** Apply the whole plan without asking. */
  yes?: boolean;
  /** Asks a yes/no question (a terminal); without it and without `yes`, only the plan is made. */
  ask?: (question: string) => Promise<boolean>;
  /** Try the remote even while the breaker says it was unreachable a moment ago. */
  retryNow?: boolean;
  progress?: (message: string) => void;
}

export interface ConsolidateOptions extends TeamOptions {
  /** Similarity (above 0, at most 1) from which entries count as near-duplicates; the config's by default. */
  threshold?: number;
}

export interface GroupMember {
  id: string;
  title: string;
  author: string;
  at: string;
  /** How alike it reads to the newest entry of its group (1 for that one). */
  similarity: number;
}

export interface ConsolidationGroup {
  /** The buffer's key, its label and its file. */
  buffer: string;
  label: string;
  file: string;
  type: string;
  /** The entries, oldest first; the newest gives the new entry its title and body. */
  entries: GroupMember[];
  /** The pairs found alike enough, with their similarity: what joined the group. */
  links: Array<{ a: string; b: string; similarity: number }>;
  /** The new entry: its title and tags, and the ids it supersedes (every entry of the group). */
  title: string;
  tags: string[];
  supersedes: string[];
  /** The new entry's id, once written. */
  id: string | null;
}

export interface ConsolidateResult {
  dryRun: boolean;
  /** Whether new entries were written (and committed). */
  applied: boolean;
  threshold: number;
  groups: ConsolidationGroup[];
  /** Groups of the plan not written: declined, or found only after the questions were asked. */
  skipped: number;
  commit: string | null;
  sync: SyncReport | null;
}

interface Planned extends ConsolidationGroup {
  members: Entry[];
}

export async function consolidate(options: ConsolidateOptions = {}): Promise<ConsolidateResult> {
  const session = await openSession(options);
  const { ws, persona } = session;
  const threshold = options.threshold ?? ws.config.consolidate.threshold;
  if (!(typeof threshold === "number" && threshold > 0 && threshold <= 1)) throw new MemoryError("usage", `the threshold must be a number above 0 and at most 1, not ${threshold}`);
  const at = now(ws.env);
  const result = (groups: Planned[], fields: Partial<ConsolidateResult> = {}): ConsolidateResult => ({
    dryRun: !!options.dryRun,
    applied: false,
    threshold,
    groups: groups.map(({ members: _m, ...g }) => g),
    skipped: 0,
    commit: null,
    sync: null,
    ...fields,
  });
  const first = await plan(ws, threshold, at.getTime());
  if (options.dryRun || first.length === 0 || (!options.yes && !options.ask)) return result(first);
  // The questions come before the lock: agents' commands never wait for a person's answer.
  const accepted = new Set<string>();
  if (!options.yes) {
    for (const g of first) {
      const question = `Consolidate ${g.entries.length} ${g.type} entries of ${g.label} into one, "${g.title}"? (y/N) `;
      if (await options.ask!(question)) accepted.add(keyOf(g));
    }
    if (accepted.size === 0) return result(first, { skipped: first.length });
  }
  return locked(ws, options, async () => {
    await checkBank(session);
    // Planned again on the bank as it is now, under the lock; only what was accepted is written.
    const groups = await plan(ws, threshold, at.getTime());
    const chosen = options.yes ? groups : groups.filter((g) => accepted.has(keyOf(g)));
    if (chosen.length === 0) return result(groups, { skipped: groups.length });
    const createdAt = isoSeconds(at);
    for (const buffer of new Set(chosen.map((g) => g.buffer))) {
      const { file, bytes } = await loadBuffer(ws, buffer);
      let text = bytes.toString("latin1");
      const open = unclosedFence(text);
      if (open) throw new ParseError(file.rel, open, "a code fence opens here and never closes, so a new entry would land inside it", "close the fence (a line of ```), then run it again");
      for (const g of chosen.filter((x) => x.buffer === buffer)) {
        const entry = consolidatedEntry(g.members, { id: newId(at.getTime()), author: persona, createdAt });
        g.id = entry.id;
        // Appended as bytes, as `add` does: the other entries' bytes are written exactly as read.
        text = appendText(text, { ...entry, lines: entry.lines.map((l) => Buffer.from(l, "utf8").toString("latin1")) });
      }
      await writeBytesAtomic(file.abs, Buffer.from(text, "latin1"));
    }
    const merged = chosen.reduce((n, g) => n + g.entries.length, 0);
    const { commit, sync } = await landBankChange(session, options, "consolidate", `${merged} entries into ${chosen.length}`);
    return result(groups, { applied: true, groups: chosen.map(({ members: _m, ...g }) => g), skipped: groups.length - chosen.length, commit, sync });
  });
}

/** A group by its entries: what a yes in a terminal was given to, recognized again under the lock. */
const keyOf = (g: ConsolidationGroup): string => g.supersedes.slice().sort().join(",");

/**
 * The groups of near-duplicates in the buffers (not the handoffs: each one is addressed to someone), leaving
 * out entries already superseded (by an entry, an archived entry or a harvested one) and expired ones.
 */
async function plan(ws: Workspace, threshold: number, at: number): Promise<Planned[]> {
  const superseded = new Set<string>();
  for (const item of await readItems(ws, "worktree", { archive: true })) for (const id of item.supersedes ?? []) if (id !== item.id) superseded.add(id);
  const candidates: Array<{ entry: Entry; id: string; type: string; at: string; title: string; body: string; buffer: string; supersedes: string[] | undefined }> = [];
  const files = new Map<string, string>();
  for (const f of bufferFiles(ws)) {
    if (f.buffer === HANDOFF_BUFFER) continue;
    // Read strictly: a buffer that does not parse is refused with its file and line, never planned around.
    const { doc } = await loadBuffer(ws, f.buffer);
    files.set(f.buffer, f.rel);
    for (const e of doc.entries) {
      if (isExpired(e, at)) continue;
      candidates.push({ entry: e, id: e.id, type: e.type, at: e.createdAt, title: e.title, body: e.body, buffer: f.buffer, supersedes: e.supersedes });
    }
  }
  return nearDuplicateGroups(candidates, threshold, { superseded }).map((g) => {
    const members = g.entries.map((c) => c.entry);
    const newest = members[members.length - 1]!;
    const text = (e: Entry) => `${e.title}\n${e.body}`;
    return {
      buffer: g.buffer,
      label: bufferLabel(bufferConfig(ws.config, g.buffer)),
      file: files.get(g.buffer)!,
      type: g.type,
      entries: members.map((e) => ({ id: e.id, title: e.title, author: e.author, at: e.createdAt, similarity: e === newest ? 1 : round(similarity(text(e), text(newest))) })),
      links: g.links.map((l) => ({ ...l, similarity: round(l.similarity) })),
      title: newest.title,
      tags: [...new Set(members.flatMap((e) => e.tags))],
      supersedes: members.map((e) => e.id),
      id: null,
      members,
    };
  });
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * What consolidate and cleanup end with, as `save` does: the bank's changes recorded (checked again, so a
 * file this command wrote that would not read is refused before it is committed), one commit with a log
 * line, then the sync: fetch, merge through the drivers, push.
 */
export async function landBankChange(session: Session, options: TeamOptions, event: string, detail: string): Promise<{ commit: string | null; sync: SyncReport }> {
  const { ws, persona } = session;
  const status = await checkBank(session);
  const at = isoSeconds(now(ws.env));
  const { commit } = await commitBank(session, status, {
    at,
    message: `memory: ${event} (${persona})`,
    logLine: (changes) => (changes.paths.length > 0 ? logLine(at, persona, event, detail) : undefined),
  });
  const sync = await syncWithRemote(ws, ws.line, { persona, push: true, progress: options.progress, command: event, retryNow: options.retryNow });
  await finishPendingDocs(session, options.progress);
  return { commit, sync };
}
