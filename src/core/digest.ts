/**
 * What `start`'s digest reads of two versions of the bank, in proportion to what changed. Two versions of a
 * buffer mostly share their text: the part before the first change and the part after the last one are the
 * same bytes, and from an entry's marker on, the same bytes read as the same entries. Only the entries between
 * (a window from the last marker before the change to the first one after it) are parsed, on each side; the
 * rest, and the files that did not change, stay unread. The items given back diff, and list handoffs and
 * tasks, as the full readings do, or the answer is null and the caller reads everything: when the earlier
 * version is not known to read, when an id of the read items may occur in the unread text (an id used twice
 * reads differently in full), or when the unread text may hold a handoff (the digest lists every open one). Pure.
 */
import { parseBufferOnce } from "./parse-once.js";
import { lastMarkerBefore, lineBreaks, walkMarkers } from "./scan.js";
import { entryItems, type Item } from "./query.js";
import { countBuffer, type BufferCounts } from "./thresholds.js";

/** One bank file (a buffer, or the archive) as it was and as it is. */
export interface FileVersions {
  file: string;
  /** The buffer it holds ("" for the archive). */
  buffer: string;
  defaultType: string;
  source: "bank" | "archive";
  /** Its text then and now (null: no such file). */
  then: string | null;
  now: string | null;
  /** Whether `then` is known to read (a command checked it already): the unread part of `now` is then sound too. */
  thenSound: boolean;
  /** Read in full on both sides (the buffers of handoffs and tasks, which the digest lists as they are). */
  whole?: boolean;
}

/** The items of one file outside the part both versions share, and the text of `now` left unread. */
export interface FileChange {
  then: Item[];
  now: Item[];
  /** `now`'s text (without a BOM) and the ranges of it that were not read; null when all of it was. */
  unread: { text: string; ranges: Array<[number, number]> } | null;
  /**
   * The window read on each side, when it opens at an entry's marker (the header lies in the shared start):
   * `now`'s counts are then `then`'s less the `then` window's plus the `now` window's (`countsAfter`).
   */
  window?: { then: string; now: string };
}

const BOM = 0xfeff;

/** Both versions read in full. */
function readWhole(f: FileVersions): FileChange {
  const items = (text: string | null) => (text === null ? [] : parsedItems(text, f, 0) ?? []);
  return { then: items(f.then), now: items(f.now), unread: null };
}

/** A text's (or a window's) items, `lines` line breaks into the file; undefined when it does not parse. */
function parsedItems(text: string, f: FileVersions, lines: number): Item[] | undefined {
  try {
    return entryItems(parseBufferOnce(text, { defaultType: f.defaultType }).entries, f.file, f.buffer, f.source, lines);
  } catch {
    return undefined;
  }
}

/** How many characters `a` and `b` share from the start (compared in blocks: native comparisons). */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let p = 0;
  for (let step = 4096; p < n; ) {
    const q = Math.min(n, p + step);
    if (a.slice(p, q) === b.slice(p, q)) p = q;
    else if (q - p > 16) step = Math.max(16, (q - p) >> 2);
    else {
      while (p < q && a.charCodeAt(p) === b.charCodeAt(p)) p++;
      return p;
    }
  }
  return p;
}

/** How many characters `a` and `b` share at the end, at most `max`. */
export function commonSuffix(a: string, b: string, max: number): number {
  let s = 0;
  for (let step = 4096; s < max; ) {
    const r = Math.min(max, s + step);
    if (a.slice(a.length - r, a.length - s) === b.slice(b.length - r, b.length - s)) s = r;
    else if (r - s > 16) step = Math.max(16, (r - s) >> 2);
    else {
      while (s < r && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
      return s;
    }
  }
  return s;
}

/** The first entry marker at or after `min`, walking from the marker at `from` (-1: from the top); -1 for none. */
function markerFrom(text: string, from: number, min: number): number {
  let found = -1;
  walkMarkers(text, from, (s) => {
    if (s < min) return true;
    found = s;
    return false;
  });
  return found;
}

/** Whether `word` occurs in one of `ranges` of `text` (wholly inside it). */
function occursIn(text: string, ranges: ReadonlyArray<readonly [number, number]>, word: string): boolean {
  for (const [from, to] of ranges) {
    const at = text.indexOf(word, from);
    if (at >= 0 && at + word.length <= to) return true;
  }
  return false;
}

/**
 * The entries of `f` that its two versions do not share byte for byte, as items of each side (their `line`s
 * those of the whole file), with what of `now` was left unread; both read in full when that cannot be told.
 */
export function changedEntries(f: FileVersions): FileChange {
  if (f.whole || f.defaultType === "handoff") return readWhole(f);
  if (f.then === f.now) return { then: [], now: [], unread: f.now === null ? null : { text: f.now, ranges: [[0, f.now.length]] } };
  if (f.then === null || f.now === null || !f.thenSound) return readWhole(f);
  const bom = f.then.charCodeAt(0) === BOM;
  if (bom !== (f.now.charCodeAt(0) === BOM)) return readWhole(f);
  const t = bom ? f.then.slice(1) : f.then;
  const n = bom ? f.now.slice(1) : f.now;
  const p = commonPrefix(t, n);
  const s = commonSuffix(t, n, Math.min(t.length, n.length) - p);
  // The window opens at the last marker whose line lies in the shared start (the file's top without one): all
  // before it reads alike. It closes at the first marker of the shared end that both versions reach at the same
  // place from there: all after it reads alike too, since no fence is open at a marker.
  const from = lastMarkerBefore(t, p);
  const a = Math.max(0, from);
  const endN = markerFrom(n, from, Math.max(a + 1, n.length - s));
  const endT = endN < 0 ? -1 : markerFrom(t, from, Math.max(a + 1, t.length - s));
  const closes = endN >= 0 && endT >= 0 && n.length - endN === t.length - endT;
  const [bT, bN] = closes ? [endT, endN] : [t.length, n.length];
  const lines = a > 0 ? lineBreaks(t, 0, a) : 0;
  const thenItems = parsedItems(t.slice(a, bT), f, lines);
  const nowItems = parsedItems(n.slice(a, bN), f, lines);
  if (!thenItems || !nowItems) return readWhole(f);
  // Now's window reads; the whole file does unless one of its ids is used again in the shared part.
  const unread: Array<[number, number]> = [[0, a], [bN, n.length]];
  if (escapedIds(n, unread) || nowItems.some((i) => occursIn(n, unread, i.id))) return readWhole(f);
  return { then: thenItems, now: nowItems, unread: { text: n, ranges: unread }, ...(from >= 0 ? { window: { then: t.slice(a, bT), now: n.slice(a, bN) } } : {}) };
}

/**
 * A buffer's counts after a change, from its counts before and the window the change lies in (`FileChange`'s):
 * lines and items are counted entry by entry, and an entry's span ends where the next marker begins, so the
 * entries outside the window count the same; the unmarked sections lie in the header, which the window leaves
 * alone. Pure; the windows parsed already, so they count without an error.
 */
export function countsAfter(before: BufferCounts, window: { then: string; now: string }): BufferCounts {
  const was = countBuffer(window.then);
  const is = countBuffer(window.now);
  return { lines: before.lines - was.lines + is.lines, items: before.items - was.items + is.items, unmarked: before.unmarked };
}

/** Whether a quoted marker value in these ranges may spell an id with escapes (`id="\u0041"`). */
function escapedIds(text: string, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  return occursIn(text, ranges, "\\u");
}

/** Docs as the digest reads them: then, now in the work tree, and (the bank on its own branch) on the default branch. */
export interface DocsVersions {
  then: Item[];
  now: Item[];
  /** The docs on the default branch, before those the work tree has are left out; null without one. */
  there: Item[] | null;
}

/** Above this many ids to look for, the unread text's ids are gathered once instead of searched for one by one. */
const SEARCHED = 32;

/**
 * The items the digest compares, the files' changed entries and every doc: diffed (`diffItems`), and their
 * handoffs and tasks listed, they give what the full readings give (`then` as `readItems` at the earlier moment,
 * `now` as `readItemsWithDefaultDocs`), or null when that cannot be told without reading everything.
 * `files`: the buffers in their order, then the archive.
 */
export function digestItems(files: readonly FileVersions[], docs: DocsVersions): { then: Item[]; now: Item[]; windows: Map<string, { then: string; now: string }> } | null {
  const changes = files.map(changedEntries);
  const windows = new Map(changes.flatMap((c, i) => (c.window ? [[files[i]!.file, c.window] as const] : [])));
  const then = [...changes.flatMap((c) => c.then), ...docs.then];
  const here = [...changes.flatMap((c) => c.now), ...docs.now];
  const unread = changes.flatMap((c) => (c.unread && c.unread.ranges.some(([a, b]) => b > a) ? [c.unread] : []));
  // The unread entries are the same on both sides: they change nothing, unless they hold a handoff (listed
  // whole) or an id the read items hold too (which of the two the full readings keep differs).
  if (unread.some((u) => occursIn(u.text, u.ranges, "handoff") || escapedIds(u.text, u.ranges))) return null;
  const ids = new Set<string>();
  for (const i of [...then, ...here, ...(docs.there ?? [])]) if (!i.id.includes("/")) ids.add(i.id);
  if (ids.size > SEARCHED) {
    const found = unreadIds(unread);
    for (const id of ids) if (found.has(id)) return null;
  } else {
    for (const id of ids) if (unread.some((u) => occursIn(u.text, u.ranges, id))) return null;
  }
  let now = here;
  if (docs.there) {
    const files = new Set(here.filter((i) => i.source === "docs").map((i) => i.file));
    const held = new Set(here.map((i) => i.id));
    now = [...here, ...docs.there.filter((i) => i.source === "docs" && !files.has(i.file) && !held.has(i.id))];
  }
  return { then, now, windows };
}

/** Every word after `id=` in the unread text: more than its entries' ids, never fewer (escapes are ruled out before). */
function unreadIds(unread: ReadonlyArray<{ text: string; ranges: ReadonlyArray<readonly [number, number]> }>): Set<string> {
  const found = new Set<string>();
  const re = /id="?([0-9A-Za-z_.-]+)/g;
  for (const { text, ranges } of unread) {
    for (const [from, to] of ranges) {
      re.lastIndex = from;
      for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) if (m.index + m[0].length <= to) found.add(m[1]!);
    }
  }
  return found;
}
