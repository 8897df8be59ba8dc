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
  // Most entries of ours and theirs are the base's: read once, there.
  const b = scanBuffer(base, opts);
  const [o, t] = [scanBuffer(ours, { ...opts, like: b }), scanBuffer(theirs, { ...opts, like: b })];
  const [baseById, oursById, theirsById] = [b.byId, o.byId, t.byId];

  const kept = new Map<string, Copy>();
  const keep = (c: Copy): void => {
    if (!kept.has(c.id)) kept.set(c.id, c);
  };
  const copy = (doc: ScannedBuffer, span: EntrySpan, text = spanText(doc, span)): Copy => ({ id: span.id, text, from: { doc, span } });
  const settle = (id: string): void => {
    const bs = baseById.get(id);
    const os = oursById.get(id);
    const ts = theirsById.get(id);
    if (os && ts) {
      // A copy of the base's entry, byte for byte, is known to hold the base's text without comparing.
      const oIsBase = bs !== undefined && os.same === bs;
      const tIsBase = bs !== undefined && ts.same === bs;
      if (oIsBase && tIsBase) return keep(copy(o, os));
      const bt = bs && spanText(b, bs);
      const ot = spanText(o, os);
      const tt = spanText(t, ts);
      if (tIsBase || ot === tt || tt === bt) return keep(copy(o, os, ot));
      if (oIsBase || ot === bt) return keep(copy(t, ts, tt));
      const [be, oe, te] = [bs && entryOf(b, bs), entryOf(o, os), entryOf(t, ts)];
      // Two changes of one task: one task, decided by the queue's rules (claims, done, assignments).
      if (oe.type === "task" && te.type === "task") return keep(entryCopy(mergeTask(be, oe, te)));
      // Two acceptances of one handoff: one, the earlier (then the persona that sorts first).
      if (oe.type === "handoff" && te.type === "handoff" && oe.attrs?.accepted && te.attrs?.accepted) return keep(entryCopy(earlierAcceptance(oe, te)));
      const [first, second] = bothChanged(entryCopy(oe), entryCopy(te));
      keep(first);
      // The edit's id is derived from its text; should another entry hold it already, derive again.
      let alt = second;
      while (kept.has(alt.id) && kept.get(alt.id)!.text !== alt.text) alt = withEditId(alt, first.id, `${alt.id}\n${alt.text}`);
      keep(alt);
    } else if (os) {
      // Theirs lacks it: new on our side, or deleted there (honoured only if we left it unchanged).
      if (!bs) return keep(copy(o, os));
      if (os.same !== bs && spanText(o, os) !== spanText(b, bs)) keep(copy(o, os));
    } else if (ts) {
      if (!bs) return keep(copy(t, ts));
      if (ts.same !== bs && spanText(t, ts) !== spanText(b, bs)) keep(copy(t, ts));
    }
  };
  // Every id once, in the order base, ours, theirs first hold it.
  for (const span of b.entries) settle(span.id);
  for (const span of o.entries) if (!baseById.has(span.id)) settle(span.id);
  for (const span of t.entries) if (!baseById.has(span.id) && !oursById.has(span.id)) settle(span.id);

  const ordered: Copy[] = [];
  for (const span of b.entries) {
    const k = kept.get(span.id);
    if (k) ordered.push(k);
  }
  const fresh = [...kept.values()].filter((c) => !baseById.has(c.id));
  ordered.push(...sortByTimeThenId(fresh));

  const header = mergeTextLines(b.header, o.header, t.header);
  return writeBuffer(header, ordered, textShape(b.shape, o.shape, t.shape, base));
}

/**
 * One side's copy of an entry: its text (lines joined by LF) and where it came from, a span of a scanned
 * file (read as a whole entry only when a rule needs its fields) or an entry a rule made.
 */
interface Copy {
  id: string;
  text: string;
  from: Entry | { doc: ScannedBuffer; span: EntrySpan };
}

const entryCopy = (e: Entry): Copy => ({ id: e.id, text: e.lines.join("\n"), from: e });
const entryOfCopy = (c: Copy): Entry => ("span" in c.from ? (c.from = entryOf(c.from.doc, c.from.span)) : c.from);
/** When an entry was written, in milliseconds (0 when unknown): what orders new entries. */
function timeOf(c: Copy): number {
  if ("span" in c.from) return entryTime(c.from.span);
  const t = Date.parse(c.from.createdAt);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * What serializeBuffer writes for a header and entries (one blank line before each entry), from the entries'
 * texts. Every entry's last line is not blank: a parsed entry ends at its last non-blank line, a made one
 * at its title or body.
 */
function writeBuffer(header: readonly string[], entries: readonly Copy[], shape: TextShape): string {
  const parts = [...header];
  let separated = header.length === 0 || isBlank(header[header.length - 1]!);
  for (const e of entries) {
    if (!separated) parts.push("");
    parts.push(shape.eol === "\n" ? e.text : e.text.replace(/\n/g, shape.eol));
    separated = false;
  }
  if (parts.length === 0) return shape.bom ? "\uFEFF" : "";
  return (shape.bom ? "\uFEFF" : "") + parts.join(shape.eol) + shape.eol;
}

function sortByTimeThenId(copies: Copy[]): Copy[] {
  const keyed = copies.map((c) => ({ c, t: timeOf(c) }));
  keyed.sort((a, b) => a.t - b.t || (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0));
  return keyed.map((k) => k.c);
}

function earlierAcceptance(a: Entry, b: Entry): Entry {
  const key = (e: Entry) => `${e.attrs?.accepted ?? ""} ${e.attrs?.["accepted-by"] ?? ""} ${e.lines.join("\n")}`;
  return key(a) <= key(b) ? a : b;
}

/** Both sides changed one entry: keep both texts, in an order that does not depend on the side. */
function bothChanged(a: Copy, b: Copy): [Copy, Copy] {
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
function withEditId(copy: Copy, id: string, hashed: string): Copy {
  const suffix = (h: string) => `.edit-${h}`;
  let altId = `${id}${suffix(shortHash(hashed))}`;
  if (altId.length > MAX_ID) {
    const s = suffix(shortHash(`${id}\n${hashed}`));
    altId = `${id.slice(0, MAX_ID - s.length)}${s}`;
  }
  if (!ID_PATTERN.test(altId)) throw new Error(`bug: edit id ${altId} would not read back`);
  const entry = entryOfCopy(copy);
  const marker = entry.lines[0]!.replace(/(\bid=)("(?:[^"\\]|\\.)*"|[^\s"]+)/, `$1${altId}`);
  return entryCopy({ ...entry, id: altId, lines: [marker, ...entry.lines.slice(1)] });
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
  const [inBase, inOurs, inTheirs] = [b, o, t].map((x) => new Map(x.events.map((e) => [e.key, e])));
  const kept: LogEvent[] = [];
  for (const key of new Set([...inOurs!.keys(), ...inTheirs!.keys()])) {
    const [be, oe, te] = [inBase!.get(key), inOurs!.get(key), inTheirs!.get(key)];
    if (oe && te) {
      kept.push({ ...oe, tail: mergeTextLines(be?.tail ?? [], oe.tail, te.tail) });
      continue;
    }
    const only = (oe ?? te)!;
    if (be && sameLines(only.tail, be.tail)) continue; // deleted on the other side, unchanged here
    kept.push(only);
  }
  kept.sort((x, y) => x.time - y.time || compareStrings(x.key, y.key));
  const lines = mergeTextLines(b.header, o.header, t.header);
  if (kept.length > 0 && lines.length > 0 && !isBlank(lines[lines.length - 1]!)) lines.push("");
  for (const e of kept) lines.push(e.line, ...e.tail);
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
      events[events.length - 1]!.tail.push(line);
      continue;
    }
    const n = (seen.get(line) ?? 0) + 1;
    seen.set(line, n);
    events.push({ key: n === 1 ? line : `${line}\n#${n}`, time: Date.parse(m[1]!) || 0, line, tail: [] });
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
