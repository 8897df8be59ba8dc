/**
 * What `consolidate` and `cleanup` write, pure: the one entry that replaces a group of near-duplicates, and
 * an entry as the archive keeps it. Entries in, entries out.
 */
import { createEntry, normalizeTags, type BufferDoc, type Entry } from "./entries.js";
import { quoteValue } from "./marker.js";
import { isoSeconds } from "./clock.js";

/** The line above the list of the entries a consolidated entry was made from. */
export const CONSOLIDATED_FROM = "Consolidated from:";

/**
 * One entry for a group of near-duplicates (oldest first): the newest one's type, title and body, then,
 * under `Consolidated from:`, a line for each other entry with its title, id, author and day (so whoever
 * reads it can find every one), the tags of them all, and `supersedes=` every id of the group. An entry
 * consolidated before keeps its list, and the new lines join it.
 */
export function consolidatedEntry(group: readonly Entry[], fields: { id: string; author: string; createdAt: string }): Entry {
  if (group.length < 2) throw new Error("bug: a group to consolidate needs two entries or more");
  const newest = group[group.length - 1]!;
  const others = group.slice(0, -1).map((e) => `- ${e.title} (\`${e.id}\`, ${e.author}${e.createdAt ? `, ${e.createdAt.slice(0, 10)}` : ""})`);
  const lines = newest.body === "" ? [] : newest.body.split("\n");
  const listAt = lines.lastIndexOf(CONSOLIDATED_FROM);
  const listed = listAt >= 0 && lines.slice(listAt + 1).every((l) => /^- /.test(l));
  const body = listed ? [...lines, ...others] : [...lines, ...(lines.length ? [""] : []), CONSOLIDATED_FROM, ...others];
  return createEntry({
    id: fields.id,
    type: newest.type,
    author: fields.author,
    createdAt: fields.createdAt,
    title: newest.title,
    tags: normalizeTags(group.flatMap((e) => e.tags)),
    body: body.join("\n"),
    supersedes: group.map((e) => e.id),
  });
}

/**
 * An entry as the archive keeps it: its text as it was, with `archived=<time>` added to its marker (and
 * `type=` when the marker named none, since the archive has no type of its own to give it). Every other
 * byte of the marker stays as written.
 */
export function archivedEntry(entry: Entry, at: string): Entry {
  const marker = entry.lines[0]!;
  const close = marker.lastIndexOf("-->");
  let head = marker.slice(0, close).replace(/\s+$/, "");
  const tail = marker.slice(close);
  const value = quoteValue(at);
  const existing = /(\sarchived=)("(?:[^"\\]|\\.)*"|[^\s"]+)/;
  if (existing.test(head)) head = head.replace(existing, (_, key: string) => `${key}${value}`);
  else head = `${head}${/\stype=/.test(head) || entry.type === "" ? "" : ` type=${quoteValue(entry.type)}`} archived=${value}`;
  return { ...entry, attrs: { ...entry.attrs, archived: at }, lines: [`${head} ${tail}`, ...entry.lines.slice(1)] };
}

/**
 * The archive with `moved` in it: an entry whose id the archive holds already (archived before, then edited
 * in a buffer by a clone that had not seen it go) takes that one's place; the others come after the
 * entries there, oldest first.
 */
export function withArchived(archive: BufferDoc, moved: readonly Entry[]): BufferDoc {
  const byId = new Map(moved.map((e) => [e.id, e]));
  const entries = archive.entries.map((e) => byId.get(e.id) ?? e);
  const held = new Set(archive.entries.map((e) => e.id));
  const fresh = moved.filter((e) => !held.has(e.id)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  return { ...archive, entries: [...entries, ...fresh] };
}

/** Why an entry may leave the buffers: it expired, or newer entries replace it. */
export type CleanupReason = "expired" | "superseded";

/**
 * When an entry stopped being current: the time of the earliest entry that supersedes it, or the end of its
 * expiry day (its expiry time), whichever came first; undefined when neither is known. This is what
 * `archived=` records, rather than the moment of the cleanup, so two clones that archive the same entry
 * write the same bytes and the archive merges without a second copy.
 */
export function retiredAt(expires: string | undefined, superseders: ReadonlyArray<{ at: string }>): string | undefined {
  const times = superseders.map((s) => Date.parse(s.at)).filter((t) => !Number.isNaN(t));
  if (expires) {
    const t = Date.parse(expires.length === 10 ? `${expires}T23:59:59Z` : expires);
    if (!Number.isNaN(t)) times.push(t);
  }
  return times.length ? isoSeconds(new Date(Math.min(...times))) : undefined;
}
