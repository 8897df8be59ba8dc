/**
 * The buffer parser, union merge and log merge as they were before the offsets scanner (src/core/scan.ts): every
 * line a string, every entry read in full, every event copied. Kept only as the reference the new code's results
 * are held to: the same entries, the same errors (file, line, words), the same merged bytes. Built from the same
 * rules (marker, fence, conflict, time) the product uses, so it checks the new code's use of them, not the rules.
 */
import { ParseError } from "../../src/core/errors.js";
import { readMarker } from "../../src/core/marker.js";
import { ID_PATTERN, idTime } from "../../src/core/ids.js";
import { isoSeconds } from "../../src/core/clock.js";
import { FenceTracker, conflictMarkerLine, isBlank, joinLines, sameLines, splitLines, trimLeadingBlank, trimTrailingBlank, type TextShape } from "../../src/core/text.js";
import { isIsoTime, isMarkerLine, normalizeTags, serializeBuffer, type BufferDoc, type Entry, type EntryFields } from "../../src/core/entries.js";
import { mergeTextLines, textShape } from "../../src/core/text-merge.js";
import { mergeTask } from "../../src/core/tasks.js";
import { shortHash, type MergeInput } from "../../src/core/merge.js";

const HEADING = /^#{1,6}[ \t]+(.*\S)[ \t]*$/;

export function parseBufferByLines(source: string, options: { file?: string; defaultType?: string } = {}): BufferDoc {
  const file = options.file ?? "buffer";
  const { lines, ...shape } = splitLines(source);
  const markerLine = conflictMarkerLine(lines);
  if (markerLine) throw new ParseError(file, markerLine, "git conflict markers", undefined, "markers");
  const starts: number[] = [];
  const fence = new FenceTracker();
  for (let i = frontmatterEnd(lines); i < lines.length; i++) {
    const line = lines[i]!;
    if (fence.feed(line)) continue;
    if (isMarkerLine(line)) starts.push(i);
  }
  const header = trimTrailingBlank(lines.slice(0, starts[0] ?? lines.length));
  const entries: Entry[] = [];
  const seen = new Map<string, number>();
  starts.forEach((start, k) => {
    let end = starts[k + 1] ?? lines.length;
    while (end > start + 1 && isBlank(lines[end - 1]!)) end--;
    const entry = readEntry(lines.slice(start, end), start + 1, file, options.defaultType ?? "");
    const first = seen.get(entry.id);
    if (first !== undefined) {
      throw new ParseError(file, start + 1, `entry id ${entry.id} is used twice (first at line ${first})`, "give one of them a new id");
    }
    seen.set(entry.id, start + 1);
    entries.push(entry);
  });
  return { shape, header, entries };
}

export function unclosedFenceByLines(source: string): number {
  const { lines } = splitLines(source);
  const fence = new FenceTracker();
  let opened = 0;
  for (let i = frontmatterEnd(lines); i < lines.length; i++) {
    const wasOpen = fence.open;
    fence.feed(lines[i]!);
    if (!wasOpen && fence.open) opened = i + 1;
  }
  return fence.open ? opened : 0;
}

function frontmatterEnd(lines: readonly string[]): number {
  if (lines[0] !== "---") return 0;
  for (let i = 1; i < lines.length; i++) if (lines[i] === "---" || lines[i] === "...") return i + 1;
  return 0;
}

const KNOWN_ATTRS = new Set(["id", "type", "by", "at", "tags", "supersedes", "related", "expires"]);

function relations(attrs: ReadonlyMap<string, string>): Pick<EntryFields, "supersedes" | "related" | "expires" | "attrs"> {
  const out: Pick<EntryFields, "supersedes" | "related" | "expires" | "attrs"> = {};
  const other = [...attrs].filter(([k]) => !KNOWN_ATTRS.has(k));
  if (other.length) out.attrs = Object.fromEntries(other);
  const supersedes = normalizeTags([attrs.get("supersedes") ?? ""]);
  if (supersedes.length) out.supersedes = supersedes;
  const related = normalizeTags([attrs.get("related") ?? ""]);
  if (related.length) out.related = related;
  const expires = attrs.get("expires");
  if (expires) out.expires = expires;
  return out;
}

function readEntry(region: string[], lineNo: number, file: string, defaultType: string): Entry {
  const attrs = readMarker(region[0]!, "entry", lineNo, file);
  const id = attrs.get("id");
  if (id === undefined) throw new ParseError(file, lineNo, "entry marker has no id=…", "add one, e.g. id=note-1");
  if (!ID_PATTERN.test(id)) throw new ParseError(file, lineNo, `entry id "${id}" may only hold letters, digits, '.', '_' and '-'`);
  let createdAt = attrs.get("at");
  if (createdAt !== undefined && !isIsoTime(createdAt)) {
    throw new ParseError(file, lineNo, `entry ${id} has at="${createdAt}", which is not an ISO 8601 time`, "write it like 2026-01-31T09:30:00Z");
  }
  if (createdAt === undefined) {
    const t = idTime(id);
    createdAt = t === undefined ? "" : isoSeconds(new Date(t));
  }
  let h = 1;
  while (h < region.length && isBlank(region[h]!)) h++;
  const heading = h < region.length ? HEADING.exec(region[h]!) : null;
  if (!heading || !heading[1]) {
    throw new ParseError(file, lineNo + Math.min(h, region.length - 1), `entry ${id} has no title heading`, "put a line like `## Title` right after its marker");
  }
  return {
    id,
    type: attrs.get("type") ?? defaultType,
    author: attrs.get("by") ?? "unknown",
    createdAt,
    title: heading[1].trim(),
    tags: normalizeTags([attrs.get("tags") ?? ""]),
    body: trimLeadingBlank(region.slice(h + 1)).join("\n"),
    ...relations(attrs),
    lines: region,
    line: lineNo,
  };
}

export function mergeBuffersByLines({ base, ours, theirs, file }: MergeInput): string {
  const opts = { file: file ?? "buffer" };
  const [b, o, t] = [parseBufferByLines(base, opts), parseBufferByLines(ours, opts), parseBufferByLines(theirs, opts)];
  const baseById = indexById(b.entries);
  const oursById = indexById(o.entries);
  const theirsById = indexById(t.entries);
  const kept = new Map<string, Entry>();
  const keep = (e: Entry): void => {
    if (!kept.has(e.id)) kept.set(e.id, e);
  };
  for (const id of new Set([...baseById.keys(), ...oursById.keys(), ...theirsById.keys()])) {
    const [be, oe, te] = [baseById.get(id), oursById.get(id), theirsById.get(id)];
    if (oe && te) {
      if (sameText(oe, te) || (be && sameText(te, be))) keep(oe);
      else if (be && sameText(oe, be)) keep(te);
      else if (oe.type === "task" && te.type === "task") keep(mergeTask(be, oe, te));
      else if (oe.type === "handoff" && te.type === "handoff" && oe.attrs?.accepted && te.attrs?.accepted) keep(earlierAcceptance(oe, te));
      else {
        const [first, second] = bothChanged(oe, te);
        keep(first);
        let alt = second;
        while (kept.has(alt.id) && !sameText(kept.get(alt.id)!, alt)) alt = withEditId(alt, first.id, `${alt.id}\n${textOf(alt)}`);
        keep(alt);
      }
    } else if (oe) {
      if (!be || !sameText(oe, be)) keep(oe);
    } else if (te) {
      if (!be || !sameText(te, be)) keep(te);
    }
  }
  const ordered: Entry[] = [];
  for (const e of b.entries) {
    const k = kept.get(e.id);
    if (k) ordered.push(k);
  }
  ordered.push(...sortByTimeThenId([...kept.values()].filter((e) => !baseById.has(e.id))));
  return serializeBuffer({ shape: textShape(b.shape, o.shape, t.shape, base), header: mergeTextLines(b.header, o.header, t.header), entries: ordered });
}

const indexById = (entries: readonly Entry[]) => new Map(entries.map((e) => [e.id, e]));
const textOf = (e: Entry): string => e.lines.join("\n");
const sameText = (a: Entry, b: Entry): boolean => textOf(a) === textOf(b);

function sortByTimeThenId(entries: Entry[]): Entry[] {
  const keyed = entries.map((e) => {
    const t = Date.parse(e.createdAt);
    return { e, t: Number.isNaN(t) ? 0 : t };
  });
  keyed.sort((a, b) => a.t - b.t || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0));
  return keyed.map((k) => k.e);
}

function earlierAcceptance(a: Entry, b: Entry): Entry {
  const key = (e: Entry) => `${e.attrs?.accepted ?? ""} ${e.attrs?.["accepted-by"] ?? ""} ${textOf(e)}`;
  return key(a) <= key(b) ? a : b;
}

function bothChanged(a: Entry, b: Entry): [Entry, Entry] {
  const [first, second] = textOf(a) <= textOf(b) ? [a, b] : [b, a];
  return [first, withEditId(second, first.id, textOf(second))];
}

function withEditId(entry: Entry, id: string, hashed: string): Entry {
  const suffix = (h: string) => `.edit-${h}`;
  let altId = `${id}${suffix(shortHash(hashed))}`;
  if (altId.length > 128) {
    const s = suffix(shortHash(`${id}\n${hashed}`));
    altId = `${id.slice(0, 128 - s.length)}${s}`;
  }
  const marker = entry.lines[0]!.replace(/(\bid=)("(?:[^"\\]|\\.)*"|[^\s"]+)/, `$1${altId}`);
  return { ...entry, id: altId, lines: [marker, ...entry.lines.slice(1)] };
}

const LOG_TIME = /^- (\d{4}-\d\d-\d\dT[0-9:.]+Z)\b/;
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function mergeLogByLines({ base, ours, theirs }: MergeInput): string {
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
    if (be && sameLines(only.tail, be.tail)) continue;
    kept.push(only);
  }
  kept.sort((x, y) => x.time - y.time || compareStrings(x.key, y.key));
  const lines = mergeTextLines(b.header, o.header, t.header);
  if (kept.length > 0 && lines.length > 0 && !isBlank(lines[lines.length - 1]!)) lines.push("");
  for (const e of kept) lines.push(e.line, ...e.tail);
  return joinLines(lines, textShape(b.shape, o.shape, t.shape, base));
}

interface LogEvent {
  key: string;
  time: number;
  line: string;
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
