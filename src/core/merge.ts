/**
 * The merges git runs on bank files. Pure: base, ours and theirs as text in, the result out.
 * Every result is the same whichever side is "ours", because `git pull --rebase` swaps the sides.
 */
import { entryOf, type Entry } from "./entries.js";
import { entryTime, scanBuffer, spanText, type EntrySpan, type ScannedBuffer } from "./scan.js";
import { contextKind, parseContext, sectionBody, serializeContext, stampTime, type ContextDoc, type ContextSection } from "./context.js";
import { ID_PATTERN } from "./ids.js";
import { mergeText, mergeTextLines, textShape } from "./text-merge.js";
import { isBlank, joinLines, sameLines, splitLines, type TextShape } from "./text.js";
import type { MergeStrategy } from "./config.js";
import { mergeTask } from "./tasks.js";

export interface MergeInput {
  base: string;
  ours: string;
  theirs: string;
  /** Path, for error messages. */
  file?: string;
}

// ---------------------------------------------------------------------------------------------
// Buffers: union by entry id

/**
 * 3-way merge of two buffers by entry id:
 * - deleted on one side and unchanged on the other → deleted (a drained buffer stays drained);
 * - changed on one side → the change; edited on one side and deleted on the other → the edit (nothing lost);
 * - changed on both sides differently → both kept: the smaller text keeps the id, the other is kept as
 *   a second entry with id `<id>.edit-<hash>`, so the next person can fold them together;
 * - new on either side → kept.
 * Order: kept base entries in base order, then new entries by (time, id).
 */
export function mergeBuffers({ base, ours, theirs, file }: MergeInput): string {
  const opts = { file: file ?? "buffer" };
  // Most entries of ours and theirs are the base's, byte for byte: read once, there.
  const b = scanBuffer(base, opts);
  const o = scanBuffer(ours, { ...opts, like: b });
  const t = scanBuffer(theirs, { ...opts, like: b });

  // What is kept, by id (the first kept wins): the base's ids at their place there, other ids (new, edit ids) by id.
  const keptAt: Array<Kept | undefined> = new Array<Kept | undefined>(b.entries.length).fill(undefined);
  const keptElse = new Map<string, Kept>();
  const placeOf = (id: string): number => b.byId.get(id)?.index ?? -1;
  const keptOf = (id: string, at = placeOf(id)): Kept | undefined => (at >= 0 ? keptAt[at] : keptElse.get(id));
  const keep = (k: Kept, at = placeOf(k.id)): void => {
    if (keptOf(k.id, at) !== undefined) return;
    if (at >= 0) keptAt[at] = k;
    else keptElse.set(k.id, k);
  };
  /** A side's version of the base's entry i: the base's own span when it holds a copy of it, its own span, or none. */
  const versionOf = (side: ScannedBuffer, i: number): EntrySpan | undefined =>
    side.inLike.copy[i] ? b.entries[i] : side.inLike.at[i]! >= 0 ? side.byId.get(b.entries[i]!.id) : undefined;

  // A span that is the base's (a side's copy of it) holds the base's text: no need to compare.
  const settle = (bs: EntrySpan | undefined, os: EntrySpan | undefined, ts: EntrySpan | undefined, at: number): void => {
    if (os && ts) {
      if (os === ts || ts === bs) return keep(os, at);
      const ot = spanText(os);
      const tt = spanText(ts);
      const bt = bs && (os === bs ? ot : spanText(bs));
      if (ot === tt || tt === bt) return keep(os, at);
      if (ot === bt) return keep(ts, at);
      const [be, oe, te] = [bs && entryOf(bs), entryOf(os), entryOf(ts)];
      // Two changes of one task: one task, decided by the queue's rules (claims, done, assignments).
      if (oe.type === "task" && te.type === "task") return keep(new Made(mergeTask(be, oe, te)), at);
      // Two acceptances of one handoff: one, the earlier (then the persona that sorts first).
      if (oe.type === "handoff" && te.type === "handoff" && oe.attrs?.accepted && te.attrs?.accepted) return keep(new Made(earlierAcceptance(oe, te)), at);
      const [first, second] = bothChanged(new Made(oe), new Made(te));
      keep(first, at);
      // The edit's id is derived from its text; should another entry hold it already, derive again.
      let alt = second;
      for (let k = keptOf(alt.id); k !== undefined && textOf(k) !== alt.text; k = keptOf(alt.id)) alt = withEditId(alt, first.id, `${alt.id}\n${alt.text}`);
      keep(alt);
    } else if (os) {
      // Theirs lacks it: new on our side, or deleted there (honoured only if we left it unchanged).
      if (!bs || (os !== bs && spanText(os) !== spanText(bs))) keep(os, at);
    } else if (ts) {
      if (!bs || (ts !== bs && spanText(ts) !== spanText(bs))) keep(ts, at);
    }
  };
  // Every id once, in the order base, ours, theirs first hold it.
  for (let i = 0; i < b.entries.length; i++) settle(b.entries[i], versionOf(o, i), versionOf(t, i), i);
  for (const os of o.entries) if (os.inLike < 0) settle(undefined, os, t.byId.get(os.id), -1);
  for (const ts of t.entries) if (ts.inLike < 0 && !o.byId.has(ts.id)) settle(undefined, undefined, ts, -1);

  const ordered = keptAt.filter((k): k is Kept => k !== undefined);
  ordered.push(...sortByTimeThenId([...keptElse.values()]));
  const header = mergeTextLines(b.header, o.header, t.header);
  return writeBuffer(header, ordered, textShape(b.shape, o.shape, t.shape, base));
}

/** An entry a rule made (or read in full for one): its text is its lines joined by LF. */
class Made {
  readonly id: string;
  readonly text: string;
  constructor(readonly entry: Entry) {
    this.id = entry.id;
    this.text = entry.lines.join("\n");
  }
}

/** What the merge keeps of an entry: a side's span (written as its text), or an entry a rule made. */
type Kept = EntrySpan | Made;

const textOf = (k: Kept): string => (k instanceof Made ? k.text : spanText(k));

/** When an entry was written, in milliseconds (0 when unknown): what orders new entries. */
function timeOf(k: Kept): number {
  if (!(k instanceof Made)) return entryTime(k);
  const t = Date.parse(k.entry.createdAt);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * What serializeBuffer writes for a header and entries (one blank line before each entry), from the entries'
 * texts. Every entry's last line is not blank: a parsed entry ends at its last non-blank line, a made one
 * at its title or body. Entries that follow one another in a file, one blank line apart (most of a merge's),
 * are written as one slice of it when its line ends are the result's.
 */
function writeBuffer(header: readonly string[], entries: readonly Kept[], shape: TextShape): string {
  const parts = [...header];
  let separated = header.length === 0 || isBlank(header[header.length - 1]!);
  for (let i = 0; i < entries.length; i++) {
    if (!separated) parts.push("");
    separated = false;
    const e = entries[i]!;
    if (e instanceof Made || e.doc.cr || shape.eol !== "\n") {
      const text = textOf(e);
      parts.push(shape.eol === "\n" ? text : text.replace(/\n/g, shape.eol));
      continue;
    }
    const { text } = e.doc;
    let last = e;
    for (let next = entries[i + 1]; next && !(next instanceof Made) && next.doc === e.doc && next.start === last.end + 2; next = entries[i + 1]) {
      if (text.charCodeAt(last.end) !== 10 || text.charCodeAt(last.end + 1) !== 10) break;
      last = next;
      i++;
    }
    parts.push(text.slice(e.start, last.end));
  }
  if (parts.length === 0) return shape.bom ? "\uFEFF" : "";
  return (shape.bom ? "\uFEFF" : "") + parts.join(shape.eol) + shape.eol;
}

function sortByTimeThenId(kept: Kept[]): Kept[] {
  const keyed = kept.map((k) => ({ k, t: timeOf(k) }));
  keyed.sort((a, b) => a.t - b.t || (a.k.id < b.k.id ? -1 : a.k.id > b.k.id ? 1 : 0));
  return keyed.map((x) => x.k);
}

function earlierAcceptance(a: Entry, b: Entry): Entry {
  const key = (e: Entry) => `${e.attrs?.accepted ?? ""} ${e.attrs?.["accepted-by"] ?? ""} ${e.lines.join("\n")}`;
  return key(a) <= key(b) ? a : b;
}

/** Both sides changed one entry: keep both texts, in an order that does not depend on the side. */
function bothChanged(a: Made, b: Made): [Made, Made] {
  const [first, second] = a.text <= b.text ? [a, b] : [b, a];
  return [first, withEditId(second, first.id, second.text)];
}

/** The longest id the parser reads back (see ID_PATTERN). */
const MAX_ID = 128;

/**
 * An entry under the id `<id>.edit-<hash of hashed>`, which always reads back: when the id is so long that the
 * suffix would pass the limit, the id is cut short and the hash covers the whole id as well, so two long ids
 * that share their first characters still get different edit ids.
 */
function withEditId(made: Made, id: string, hashed: string): Made {
  const suffix = (h: string) => `.edit-${h}`;
  let altId = `${id}${suffix(shortHash(hashed))}`;
  if (altId.length > MAX_ID) {
    const s = suffix(shortHash(`${id}\n${hashed}`));
    altId = `${id.slice(0, MAX_ID - s.length)}${s}`;
  }
  if (!ID_PATTERN.test(altId)) throw new Error(`bug: edit id ${altId} would not read back`);
  const entry = made.entry;
  const marker = entry.lines[0]!.replace(/(\bid=)("(?:[^"\\]|\\.)*"|[^\s"]+)/, `$1${altId}`);
  return new Made({ ...entry, id: altId, lines: [marker, ...entry.lines.slice(1)] });
}

/** FNV-1a, 32 bits, as 8 hex digits: a stable short name for a text, not a security measure. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

// ---------------------------------------------------------------------------------------------
// activeContext: latest wins, per persona section

export interface ContextMergeResult {
  text: string;
  /** Which input the result is ("ours" or "theirs"; "ours" when both were equal), or "both" when it mixes them. */
  from: "ours" | "theirs" | "both";
}

/**
 * - Sections (one per persona) are matched by persona. Changed on one side: the change. Changed on both: the
 *   copy with the later `updated=` stamp, when both sides stamped their change; otherwise (equal stamps, an
 *   edit nobody stamped) the two texts are merged line by line, so neither is dropped. Only one side has it:
 *   kept, unless the other deleted it unchanged. Order: the base's, then new sections by (stamp, persona).
 * - Text outside sections is merged line by line (see text-merge.ts); the frontmatter stamp is the later one.
 * - A file without sections (from before them) is one context: the later frontmatter stamp wins when both
 *   sides stamped their change; otherwise (unstamped files, a hand edit nobody stamped) it merges as text.
 * Decided by the stamps and the texts, never by side.
 */
export function mergeContext({ base, ours, theirs, file }: MergeInput): ContextMergeResult {
  if (ours === theirs || theirs === base) return { text: ours, from: "ours" };
  if (ours === base) return { text: theirs, from: "theirs" };
  const opts = { file: file ?? "activeContext.md" };
  const [b, o, t] = [parseContext(base, opts), parseContext(ours, opts), parseContext(theirs, opts)];
  const from = (text: string): ContextMergeResult => ({ text, from: text === ours ? "ours" : text === theirs ? "theirs" : "both" });

  if (contextKind(o) !== "sections" && contextKind(t) !== "sections") {
    const winner = laterStamp(stampTime(b.stamp), stampTime(o.stamp), stampTime(t.stamp));
    if (winner) return winner === "ours" ? { text: ours, from: "ours" } : { text: theirs, from: "theirs" };
    return from(mergeText({ base, ours, theirs }));
  }

  const baseBy = new Map(b.sections.map((s) => [s.persona, s]));
  const oursBy = new Map(o.sections.map((s) => [s.persona, s]));
  const theirsBy = new Map(t.sections.map((s) => [s.persona, s]));
  const kept = new Map<string, ContextSection>();
  for (const persona of new Set([...baseBy.keys(), ...oursBy.keys(), ...theirsBy.keys()])) {
    const [bs, os, ts] = [baseBy.get(persona), oursBy.get(persona), theirsBy.get(persona)];
    const merged = os && ts ? mergeSection(bs, os, ts) : (os ?? ts)!;
    const survivor = os ?? ts;
    // Only one side has it: new there, or deleted on the other side (honoured only if left unchanged here).
    if (!(os && ts) && bs && survivor && sameLines(survivor.lines, bs.lines)) continue;
    if (os || ts) kept.set(persona, merged);
  }
  const sections = b.sections.filter((s) => kept.has(s.persona)).map((s) => kept.get(s.persona)!);
  const fresh = [...kept.values()].filter((s) => !baseBy.has(s.persona));
  fresh.sort((x, y) => (stampTime(x) ?? 0) - (stampTime(y) ?? 0) || compareStrings(x.persona, y.persona));
  sections.push(...fresh);

  const doc: ContextDoc = {
    shape: textShape(b.shape, o.shape, t.shape, base),
    stamp: laterOf(o.stamp, t.stamp),
    shared: mergeTextLines(b.shared, o.shared, t.shared),
    sections,
  };
  return from(serializeContext(doc));
}

/** One persona's section, changed on both sides or new on both. */
function mergeSection(bs: ContextSection | undefined, os: ContextSection, ts: ContextSection): ContextSection {
  const [bb, ob, tb] = [bs ? sectionBody(bs) : undefined, sectionBody(os), sectionBody(ts)];
  if (ob === tb) return laterOf(os, ts);
  if (tb === bb) return os;
  if (ob === bb) return ts;
  const winner = laterStamp(bs ? stampTime(bs) : undefined, stampTime(os), stampTime(ts));
  if (winner) return winner === "ours" ? os : ts;
  const marker = laterOf(os, ts).lines[0]!;
  const body = mergeTextLines(bs ? bs.lines.slice(1) : [], os.lines.slice(1), ts.lines.slice(1));
  return { ...laterOf(os, ts), lines: [marker, ...body] };
}

/**
 * Which side's copy wins when both changed one context: the later stamp, when both sides stamped their
 * change (a stamp equal to the base's was not renewed by this change). A side that removed the stamp the
 * base had yields to one that stamped its change. Otherwise none: the texts are merged.
 */
function laterStamp(sb: number | undefined, so: number | undefined, st: number | undefined): "ours" | "theirs" | undefined {
  const renewedO = so !== undefined && so !== sb;
  const renewedT = st !== undefined && st !== sb;
  if (renewedO && renewedT) return so > st! ? "ours" : st! > so ? "theirs" : undefined;
  if (renewedO && st === undefined && sb !== undefined) return "ours";
  if (renewedT && so === undefined && sb !== undefined) return "theirs";
  return undefined;
}

/** Of two stamped things, the one with the later stamp; equal stamps go to the greater text, whichever side. */
function laterOf<T extends { updated: string | undefined; by: string | undefined; lines?: string[] }>(x: T, y: T): T {
  const [tx, ty] = [stampTime(x) ?? -Infinity, stampTime(y) ?? -Infinity];
  if (tx !== ty) return tx > ty ? x : y;
  const key = (v: T) => `${v.updated ?? ""}\n${v.by ?? ""}\n${(v.lines ?? []).join("\n")}`;
  return compareStrings(key(x), key(y)) >= 0 ? x : y;
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Session log: union of lines, ordered by time

const LOG_TIME = /^- (\d{4}-\d\d-\d\dT[0-9:.]+Z)\b/;

/**
 * The header (lines before the first timestamped one) merges as text. After it, each timestamped line is an
 * event, with the untimed lines a person wrote under it: every event of either side once, ordered by its
 * timestamp; an event in the base that one side deleted and the other left unchanged is dropped. The lines
 * under an event merge as text when both sides changed them, so a timestamped line is never written twice
 * and no line is lost.
 */
export function mergeLog({ base, ours, theirs }: MergeInput): string {
  const [b, o, t] = [splitLog(base), splitLog(ours), splitLog(theirs)];
  const [inBase, inOurs, inTheirs] = [byKey(b.events), byKey(o.events), byKey(t.events)];
  const kept: LogEvent[] = [];
  const settle = (oe: LogEvent | undefined, te: LogEvent | undefined, be: LogEvent | undefined): void => {
    if (oe && te) {
      // Lines under it the same on both sides (most events), or changed on one side only: that side's.
      const baseTail = be?.tail ?? NO_TAIL;
      if (sameLines(oe.tail, te.tail) || sameLines(te.tail, baseTail)) kept.push(oe);
      else if (sameLines(oe.tail, baseTail)) kept.push(te);
      else kept.push({ ...oe, tail: mergeTextLines(baseTail, oe.tail, te.tail) });
      return;
    }
    const only = (oe ?? te)!;
    if (be && sameLines(only.tail, be.tail)) return; // deleted on the other side, unchanged here
    kept.push(only);
  };
  for (const oe of o.events) settle(oe, inTheirs.get(oe.key), inBase.get(oe.key));
  for (const te of t.events) if (!inOurs.has(te.key)) settle(undefined, te, inBase.get(te.key));
  kept.sort((x, y) => x.time - y.time || compareStrings(x.key, y.key));
  const lines = mergeTextLines(b.header, o.header, t.header);
  if (kept.length > 0 && lines.length > 0 && !isBlank(lines[lines.length - 1]!)) lines.push("");
  for (const e of kept) {
    lines.push(e.line);
    for (const l of e.tail) lines.push(l);
  }
  return joinLines(lines, textShape(b.shape, o.shape, t.shape, base));
}

interface LogEvent {
  /** The timestamped line, and which occurrence of it in its file (a line written twice stays twice). */
  key: string;
  time: number;
  line: string;
  /** Untimed lines under it, up to the next timestamped line, without trailing blank lines. */
  tail: string[];
}

/** The tail of the many events with no lines under them: one shared empty list, replaced on the first line. */
const NO_TAIL: string[] = [];

function byKey(events: readonly LogEvent[]): Map<string, LogEvent> {
  const map = new Map<string, LogEvent>();
  for (const e of events) map.set(e.key, e);
  return map;
}

function splitLog(text: string): { shape: TextShape; header: string[]; events: LogEvent[] } {
  const { lines, ...shape } = splitLines(text);
  const first = lines.findIndex((l) => LOG_TIME.test(l));
  const headerEnd = first < 0 ? lines.length : first;
  let end = headerEnd;
  while (end > 0 && isBlank(lines[end - 1]!)) end--;
  const events: LogEvent[] = [];
  const seen = new Map<string, number>();
  for (let i = headerEnd; i < lines.length; i++) {
    const line = lines[i]!;
    const m = LOG_TIME.exec(line);
    if (!m) {
      const last = events[events.length - 1]!;
      if (last.tail === NO_TAIL) last.tail = [line];
      else last.tail.push(line);
      continue;
    }
    const n = (seen.get(line) ?? 0) + 1;
    seen.set(line, n);
    events.push({ key: n === 1 ? line : `${line}\n#${n}`, time: Date.parse(m[1]!) || 0, line, tail: NO_TAIL });
  }
  for (const e of events) while (e.tail.length > 0 && isBlank(e.tail[e.tail.length - 1]!)) e.tail.pop();
  return { shape, header: lines.slice(0, end), events };
}

/** A session log line: `- 2026-11-22T10:04:05Z · dev · save · 2 entries`. */
export function logLine(at: string, persona: string, event: string, detail?: string): string {
  return `- ${at} · ${persona} · ${event}${detail ? ` · ${detail.replace(/\s+/g, " ").trim()}` : ""}`;
}


/** The merge for each strategy a bank file can name in the config. */
export const MERGERS: Record<MergeStrategy, (input: MergeInput) => string> = {
  union: mergeBuffers,
  latest: (input) => mergeContext(input).text,
  log: mergeLog,
  text: mergeText,
};
