/**
 * `memory handoff`: work handed from one persona to another, as an entry of the handoffs buffer (merged by
 * entry like every buffer): what to do next, why, the critical facts, the tasks it covers, and a copy of
 * the sender's context section as it was. The receiver sees it first in `start` and `context` until it
 * accepts it; accepting writes `accepted=` and `accepted-by=` into the entry's marker.
 */
import { isoSeconds, now } from "../core/clock.js";
import { parseContext, sectionSays } from "../core/context.js";
import { createEntry, serializeBuffer } from "../core/entries.js";
import { MemoryError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { findItem, type Item } from "../core/query.js";
import { readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import { appendEntry, loadBuffer } from "../bank/files.js";
import { readItems } from "../bank/query.js";
import { bankFile, openWorkspace, requireBank, requirePersona, type Workspace } from "../bank/workspace.js";
import { locked } from "./session.js";
import { addPendingLog } from "../bank/pending-log.js";
import { logLine } from "../core/merge.js";

export const HANDOFF_BUFFER = "handoffs";

export interface HandoffOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  persona?: string;
  to: string;
  next?: string;
  reason?: string;
  /** `KEY=VALUE` each. */
  facts?: string[];
  /** Task ids (or unique prefixes) it covers. */
  tasks?: string[];
  onWait?: (holder: string) => void;
}

export interface Handoff {
  id: string;
  from: string;
  to: string;
  at: string;
  title: string;
  body: string;
  file: string;
  accepted: string | null;
  acceptedBy: string | null;
}

export interface HandoffResult {
  handoff: Handoff;
  /** True when nobody has written as the receiver yet: it waits for them. */
  newPersona: boolean;
}

export async function handoff(options: HandoffOptions): Promise<HandoffResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  const from = requirePersona(ws, options.persona).name;
  const to = options.to.trim();
  if (!/^[\w.@-][\w .@-]*$/.test(to)) throw new MemoryError("usage", `"${options.to}" is not a persona name`);
  const facts = (options.facts ?? []).map((f) => {
    const m = /^([^=]+)=(.*)$/s.exec(f);
    if (!m || m[1]!.trim() === "") throw new MemoryError("usage", `--fact takes KEY=VALUE, not "${f}"`);
    return [m[1]!.trim(), m[2]!.trim()] as const;
  });
  if (!options.next?.trim() && !options.reason?.trim() && facts.length === 0) {
    throw new MemoryError("usage", "a handoff needs -m NEXT_STEPS, --reason or --fact: what the receiver should know");
  }
  const at = now(ws.env);
  return locked(ws, options, async () => {
    const items = await readItems(ws, "worktree", { docs: false });
    const tasks = (options.tasks ?? []).map((t) => {
      const found = findItem(items, t);
      if (!found) throw new MemoryError("usage", `no entry with id "${t}" for --task`);
      return found.id;
    });
    const known = await personas(ws, items);
    const snapshot = await contextOf(ws, from);
    const body = [
      ...(options.next?.trim() ? ["**Next steps:**", "", options.next.trim(), ""] : []),
      ...(options.reason?.trim() ? [`**Reason:** ${options.reason.trim()}`, ""] : []),
      ...(facts.length ? ["**Facts:**", "", ...facts.map(([k, v]) => `- ${k}: ${v}`), ""] : []),
      ...(tasks.length ? [`**Tasks:** ${tasks.join(", ")}`, ""] : []),
      ...(snapshot ? [`**${from}'s context when handed over:**`, "", ...snapshot.split("\n").map((l) => (l ? `> ${l}` : ">")), ""] : []),
    ].join("\n");
    const summary = (options.reason?.trim() || options.next?.trim().split("\n")[0] || "work").slice(0, 80);
    const entry = createEntry({
      id: newId(at.getTime()),
      type: "handoff",
      author: from,
      createdAt: isoSeconds(at),
      title: `Handoff to ${to}: ${summary}`,
      tags: [],
      body,
      related: tasks.length ? tasks : undefined,
      attrs: { to },
    });
    const { file } = await appendEntry(ws, HANDOFF_BUFFER, entry, { persona: from, now: isoSeconds(at) });
    await addPendingLog(ws.gitDir, logLine(isoSeconds(at), from, "handoff", `to ${to} ${entry.id}`));
    return { handoff: toHandoff({ ...itemOf(entry, file.rel) }), newPersona: !known.has(to) };
  });
}

export async function listHandoffs(options: { cwd?: string; env?: NodeJS.ProcessEnv; open?: boolean; to?: string }): Promise<Handoff[]> {
  const ws = await openWorkspace(options.cwd, options.env);
  return handoffsOf(await readItems(ws, "worktree", { docs: false }), options);
}

/** The handoffs among the bank's items, newest first; `open`: not accepted; `to`: addressed to this persona. */
export function handoffsOf(items: readonly Item[], options: { open?: boolean; to?: string } = {}): Handoff[] {
  return items
    .filter((i) => i.type === "handoff" && i.source === "bank")
    .map(toHandoff)
    .filter((h) => (!options.open || !h.accepted) && (!options.to || h.to === options.to))
    .sort((a, b) => (a.at > b.at ? -1 : a.at < b.at ? 1 : 0));
}

export async function acceptHandoff(options: { cwd?: string; env?: NodeJS.ProcessEnv; persona?: string; id: string; onWait?: (holder: string) => void }): Promise<{ handoff: Handoff; already: boolean; notYours: boolean }> {
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  const persona = requirePersona(ws, options.persona).name;
  const at = isoSeconds(now(ws.env));
  return locked(ws, options, async () => {
    const items = await readItems(ws, "worktree", { docs: false });
    const item = findItem(items.filter((i) => i.type === "handoff"), options.id);
    if (!item) throw new MemoryError("not-found", `no handoff with id "${options.id}"`);
    const { file, doc } = await loadBuffer(ws, item.buffer!);
    const at_ = doc.entries.findIndex((e) => e.id === item.id);
    const old = doc.entries[at_]!;
    if (old.attrs?.accepted) return { handoff: toHandoff(item), already: true, notYours: false };
    const next = createEntry({ ...old, attrs: { ...old.attrs, accepted: at, "accepted-by": persona } });
    await writeTextAtomic(file.abs, serializeBuffer({ ...doc, entries: doc.entries.map((e, i) => (i === at_ ? next : e)) }));
    await addPendingLog(ws.gitDir, logLine(at, persona, "handoff", `accept ${item.id}`));
    return { handoff: toHandoff(itemOf(next, file.rel)), already: false, notYours: (old.attrs?.to ?? "") !== persona };
  });
}

function itemOf(e: ReturnType<typeof createEntry>, file: string): Item {
  return { id: e.id, type: e.type, author: e.author, at: e.createdAt, title: e.title, tags: e.tags, body: e.body, source: "bank", file, line: e.line, text: e.lines.join("\n"), ...(e.attrs ? { attrs: e.attrs } : {}) };
}

function toHandoff(i: Item): Handoff {
  return {
    id: i.id,
    from: i.author,
    to: i.attrs?.to ?? "",
    at: i.at,
    title: i.title,
    body: i.body,
    file: i.file,
    accepted: i.attrs?.accepted ?? null,
    acceptedBy: i.attrs?.["accepted-by"] ?? null,
  };
}

/** Everyone who has written to the bank: entry authors, context sections, and this clone's own persona. */
async function personas(ws: Workspace, items: readonly Item[]): Promise<Set<string>> {
  const out = new Set(items.map((i) => i.author));
  const ctx = await readTextIfExists(bankFile(ws, "context").abs);
  if (ctx) {
    try {
      for (const s of parseContext(ctx).sections) out.add(s.persona);
    } catch {
      // a context that does not parse names nobody; doctor reports it
    }
  }
  const log = await readTextIfExists(bankFile(ws, "log").abs);
  for (const m of log?.matchAll(/^- \S+ · ([^·\n]+?) · /gm) ?? []) out.add(m[1]!);
  return out;
}

/** The sender's section of activeContext as it is now (its text without the marker), or null. */
async function contextOf(ws: Workspace, persona: string): Promise<string | null> {
  const text = await readTextIfExists(bankFile(ws, "context").abs);
  if (!text) return null;
  try {
    const section = parseContext(text).sections.find((s) => s.persona === persona);
    const body = section ? sectionSays(section) : "";
    return body || null;
  } catch {
    return null;
  }
}
