/**
 * `memory cleanup`: expired entries, and entries a newer one supersedes, move from the buffers to the bank's
 * archive (`archive.md` in the bank folder, merged by entry like a buffer), each with its text and marker
 * as they were plus `archived=` (when it stopped being current). Nothing is deleted: `recall --archived`
 * searches the archive and `show` shows its entries. Planned first; with a yes, the archive is written
 * before the buffers lose anything, then one commit and a sync, as `save` does.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isoSeconds, now } from "../core/clock.js";
import { bufferConfig, bufferLabel } from "../core/config.js";
import { archivedEntry, retiredAt, withArchived, type CleanupReason } from "../core/consolidate.js";
import { parseBuffer, serializeBuffer, type BufferDoc, type Entry } from "../core/entries.js";
import { isExpired } from "../core/recall.js";
import { readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import { templatesDir } from "../infra/paths.js";
import { loadBuffer } from "../bank/files.js";
import { readItems } from "../bank/query.js";
import { archiveFile, bufferFiles, type Workspace } from "../bank/workspace.js";
import { landBankChange, type TeamOptions } from "./consolidate.js";
import { checkBank, locked, openSession } from "./session.js";
import type { SyncReport } from "./sync.js";

export type CleanupOptions = TeamOptions;

export interface PlannedMove {
  id: string;
  title: string;
  type: string;
  author: string;
  at: string;
  /** The buffer it leaves (its key and label) and its file. */
  buffer: string;
  label: string;
  from: string;
  reasons: CleanupReason[];
  /** The entries that supersede it (empty when it only expired). */
  supersededBy: string[];
  /** Its expiry, when it has one. */
  expires: string | null;
  /** What `archived=` says: when it stopped being current (see `retiredAt`). */
  archived: string;
}

export interface CleanupResult {
  dryRun: boolean;
  /** Whether the entries were moved (and committed). */
  applied: boolean;
  /** The archive, repo-relative. */
  archive: string;
  moves: PlannedMove[];
  commit: string | null;
  sync: SyncReport | null;
}

export async function cleanup(options: CleanupOptions = {}): Promise<CleanupResult> {
  const session = await openSession(options);
  const { ws } = session;
  const at = now(ws.env).getTime();
  const archive = archiveFile(ws);
  const result = (moves: PlannedMove[], fields: Partial<CleanupResult> = {}): CleanupResult => ({
    dryRun: !!options.dryRun,
    applied: false,
    archive: archive.rel,
    moves,
    commit: null,
    sync: null,
    ...fields,
  });
  const first = await plan(ws, at);
  if (options.dryRun || first.moves.length === 0 || (!options.yes && !options.ask)) return result(first.moves);
  // Asked before the lock is taken, so agents' commands never wait for a person's answer.
  if (!options.yes) {
    const n = first.moves.length;
    if (!(await options.ask!(`Move ${n} entr${n === 1 ? "y" : "ies"} to ${archive.rel}? (y/N) `))) return result(first.moves);
  }
  return locked(ws, options, async () => {
    await checkBank(session);
    const { moves, buffers } = await plan(ws, at);
    if (moves.length === 0) return result(moves);
    const leaving = new Map(moves.map((m) => [`${m.buffer}\0${m.id}`, m]));
    const goes = (buffer: string, e: Entry) => leaving.get(`${buffer}\0${e.id}`);
    // The archive first: should anything stop between the two writes, an entry is in both places, never in neither.
    const before = await readTextIfExists(archive.abs);
    const doc: BufferDoc = parseBuffer(before ?? (await readFile(join(templatesDir, "bank", "archive.md"), "utf8")), { file: archive.rel });
    const moved: Entry[] = [];
    for (const [name, { doc: buffer }] of buffers) for (const e of buffer.entries) if (goes(name, e)) moved.push(archivedEntry(e, goes(name, e)!.archived));
    await writeTextAtomic(archive.abs, serializeBuffer(withArchived(doc, moved)));
    for (const [name, { abs, doc: buffer }] of buffers) {
      const kept = buffer.entries.filter((e) => !goes(name, e));
      if (kept.length !== buffer.entries.length) await writeTextAtomic(abs, serializeBuffer({ ...buffer, entries: kept }));
    }
    const { commit, sync } = await landBankChange(session, options, "cleanup", `${moves.length} entr${moves.length === 1 ? "y" : "ies"} archived`);
    return result(moves, { applied: true, commit, sync });
  });
}

/**
 * The entries to move: in every buffer, those past their `expires` and those another entry supersedes (an
 * entry of the buffers, of the archive, or one harvested into a reference doc), in buffer order.
 */
async function plan(ws: Workspace, at: number): Promise<{ moves: PlannedMove[]; buffers: Map<string, { abs: string; doc: BufferDoc }> }> {
  const superseders = new Map<string, Array<{ id: string; at: string }>>();
  for (const item of await readItems(ws, "worktree", { archive: true })) {
    for (const id of item.supersedes ?? []) {
      if (id === item.id) continue;
      const list = superseders.get(id) ?? [];
      if (!list.some((s) => s.id === item.id)) list.push({ id: item.id, at: item.at });
      superseders.set(id, list);
    }
  }
  const moves: PlannedMove[] = [];
  const planned = new Set<string>();
  const buffers = new Map<string, { abs: string; doc: BufferDoc }>();
  for (const f of bufferFiles(ws)) {
    // Read strictly: a buffer that does not parse is refused with its file and line.
    const { doc } = await loadBuffer(ws, f.buffer);
    buffers.set(f.buffer, { abs: f.abs, doc });
    for (const e of doc.entries) {
      // An id two buffers hold (written by hand) moves once; the other copy stays where it is.
      if (planned.has(e.id)) continue;
      const expired = isExpired(e, at);
      const by = superseders.get(e.id) ?? [];
      if (!expired && by.length === 0) continue;
      planned.add(e.id);
      moves.push({
        id: e.id,
        title: e.title,
        type: e.type,
        author: e.author,
        at: e.createdAt,
        buffer: f.buffer,
        label: bufferLabel(bufferConfig(ws.config, f.buffer)),
        from: f.rel,
        reasons: [...(expired ? ["expired" as const] : []), ...(by.length ? ["superseded" as const] : [])],
        supersededBy: by.map((s) => s.id),
        expires: e.expires ?? null,
        archived: retiredAt(expired ? e.expires : undefined, by) ?? isoSeconds(new Date(at)),
      });
    }
  }
  return { moves, buffers };
}
