/**
 * Reads a buffer file's structure without cutting it into one string per line: which lines open entries,
 * and each entry's marker attributes and title, all checked, with the entries as offsets into the text.
 * `parseBuffer` builds entries from them; the union merge compares and writes entries as slices of the three
 * files (a 3 MB buffer is ~70,000 lines, and only the few that can be structure are ever looked at alone).
 * Pure. The rules of the format live here once; entries.ts re-exports what its callers use.
 *
 * A merge scans three versions of one file, mostly the same entries: ours and theirs are scanned against the
 * base, and an entry whose text (to the next marker) is the base's, byte for byte, is that entry: it would read
 * the same, so it is not read again, only noted (see `ScannedBuffer.inLike`).
 *
 * Lines are splitLines' lines: split at LF or CRLF, a final newline makes no empty last line; any other CR
 * is text. Only lines that may be structure are read as strings: those opening with `<!--` (entry marker),
 * seven `<` or `>` (conflict marker), or up to three spaces and three backticks or tildes (code fence).
 */
import { ParseError } from "./errors.js";
import { readMarker } from "./marker.js";
import { ID_PATTERN, idTime } from "./ids.js";
import { isoSeconds } from "./clock.js";
import { FenceTracker, conflictMarkerLine, isBlank, type TextShape } from "./text.js";

const MARKER = /^<!--\s*entry(?=\s|-->)/;
const HEADING = /^#{1,6}[ \t]+(.*\S)[ \t]*$/;

export const isMarkerLine = (line: string): boolean => line.startsWith("<!--") && MARKER.test(line);

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or time as milliseconds, strictly (Date.parse alone takes text like "../../1"); NaN when it is not one. */
export const isoTime = (value: string): number => (ISO_TIME.test(value) ? Date.parse(value) : Number.NaN);

/** An ISO 8601 date or time, strictly. */
export const isIsoTime = (value: string): boolean => !Number.isNaN(isoTime(value));

/** What an entry's marker says that a merge needs of every entry: its id and `at=`, both checked. */
export interface EntryHead {
  id: string;
  at: string | undefined;
  /** `at=` in milliseconds; NaN without one. */
  time: number;
}

export interface EntrySpan extends EntryHead {
  /** The file it was read from. */
  doc: ScannedBuffer;
  /** Offsets in the scanned text: where the marker line starts, where the entry's last non-blank line ends (before its break). */
  start: number;
  end: number;
  /** Where the next entry's marker line starts (or the text ends): the entry's lines with the blank ones after it. */
  stop: number;
  /** Where the marker line ends. */
  markerEnd: number;
  /** The title heading's line, counted from the marker's (1 when it comes right after it). */
  heading: number;
  /** Its place among the entries read. */
  index: number;
  /** Scanned like another file: the place of the entry with its id there, or -1. */
  inLike: number;
}

export interface ScannedBuffer {
  /** The file's text without its BOM; every offset is into it. */
  text: string;
  shape: TextShape;
  /** Whether the text holds a CR (CRLF line ends, a stray CR): slices then need their breaks normalized. */
  cr: boolean;
  /** Lines before the first entry (title, intro, frontmatter), without trailing blank lines. */
  header: string[];
  /** The entries read, in order: all of them, or, scanned like another file, those that are no copy of its entries. */
  entries: EntrySpan[];
  /** `entries` by id. */
  byId: Map<string, EntrySpan>;
  /**
   * Scanned like another file: for each of its entries, where the entry with its id starts here (-1: not here), and
   * whether it is a copy, byte for byte (then it is no span of `entries`: it is that file's). Scanned alone: empty.
   */
  inLike: { at: Int32Array; copy: Uint8Array };
  /** Whether a code fence is open at the end of the text (the last entry's, swallowing anything after it). */
  openAtEnd: boolean;
}

export interface ScanOptions {
  /** Named in errors. */
  file?: string;
  /**
   * Called with each entry as it is read (in a file scanned alone), with its marker's attributes: what a parser
   * builds from them is made at once, while they are new to the engine's collector, not kept to the end of the scan.
   */
  each?: (span: EntrySpan, attrs: ReadonlyMap<string, string>) => void;
  /** A version of the file scanned before (a merge's base), which this one likely shares most entries with. */
  like?: ScannedBuffer;
}

/** An entry's text: its lines joined by LF, whatever the file's line ends (what merges compare and hash). */
export function spanText(span: EntrySpan): string {
  const doc = span.doc;
  const text = doc.text.slice(span.start, span.end);
  // Every CR right before a LF is part of a line break; any other CR is text.
  return doc.cr ? text.replace(/\r\n/g, "\n") : text;
}

/** An entry's lines. */
export function spanLines(span: EntrySpan): string[] {
  return span.doc.text.slice(span.start, span.end).split(span.doc.cr ? /\r?\n/ : "\n");
}

/** An entry's marker attributes, read again (a merge needs them only for the few entries its rules look into). */
export function spanAttrs(span: EntrySpan): ReadonlyMap<string, string> {
  return readMarker(span.doc.text.slice(span.start, span.markerEnd), "entry", 0, "");
}

/** An entry's title, from its heading line. */
export const titleOf = (heading: string): string => HEADING.exec(heading)![1]!.trim();

/** When an entry was written: its `at=`, else the time in its id (a ULID), to the second; else "". */
export function entryCreatedAt(head: Pick<EntryHead, "id" | "at">): string {
  const { at } = head;
  if (at !== undefined) return at;
  const t = idTime(head.id);
  return t === undefined ? "" : isoSeconds(new Date(t));
}

/** `entryCreatedAt` in milliseconds, 0 when it has none. */
export function entryTime(head: EntryHead): number {
  if (head.at !== undefined) return head.time;
  const t = Date.parse(entryCreatedAt(head));
  return Number.isNaN(t) ? 0 : t;
}

/** Counts lines forward through a text: the 1-based line of an offset, for offsets in increasing order. */
export class LineCounter {
  private pos = 0;
  private line = 1;
  constructor(private readonly text: string) {}

  at(offset: number): number {
    if (offset < this.pos) [this.pos, this.line] = [0, 1];
    for (let nl = this.text.indexOf("\n", this.pos); nl >= 0 && nl < offset; nl = this.text.indexOf("\n", nl + 1)) this.line++;
    this.pos = offset;
    return this.line;
  }
}

const lineNumber = (text: string, offset: number): number => new LineCounter(text).at(offset);

/** How many line breaks [from, to) holds. */
export function lineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let nl = text.indexOf("\n", from); nl >= 0 && nl < to; nl = text.indexOf("\n", nl + 1)) n++;
  return n;
}

/**
 * Scans a buffer file (see entries.ts for the format) and checks it as `parseBuffer` reads it: conflict markers
 * anywhere first, then each entry in order (its marker, id, time and title heading, and an id used twice).
 * Throws a ParseError naming the file and line.
 */
export function scanBuffer(source: string, options: ScanOptions = {}): ScannedBuffer {
  const file = options.file ?? "buffer";
  const bom = source.charCodeAt(0) === 0xfeff;
  const text = bom ? source.slice(1) : source;
  const firstBreak = text.indexOf("\n");
  const eol = firstBreak > 0 && text.charCodeAt(firstBreak - 1) === 13 ? "\r\n" : "\n";
  // Every field has its final kind of value from the start: one shape of object for the engine, however scanned.
  const n = options.like?.entries.length ?? 0;
  const inLike = { at: new Int32Array(n).fill(-1), copy: new Uint8Array(n) };
  const doc: ScannedBuffer = { text, shape: { bom, eol }, cr: text.includes("\r"), header: [], entries: [], byId: new Map(), inLike, openAtEnd: false };
  const conflictError = (at: number) => new ParseError(file, lineNumber(text, at), "git conflict markers", undefined, "markers");
  try {
    scanEntries(doc, file, options, conflictError);
    return doc;
  } catch (err) {
    // Conflict markers are the first thing wrong with a file, wherever they are.
    const conflict = err instanceof ParseError && err.kind === "parse" ? conflictAt(text) : -1;
    throw conflict >= 0 ? conflictError(conflict) : err;
  }
}

/** Reads the header and entries of `doc`'s text (see scanBuffer); conflict markers in it are thrown with `conflictError`. */
function scanEntries(doc: ScannedBuffer, file: string, options: ScanOptions, conflictError: (at: number) => ParseError): void {
  const scan = new EntryScan(doc, file, options, conflictError);
  const start = scan.first();
  if (options.like) scan.walkLike(start, options.like);
  else scan.walkAlone(start);
}

/** The walk of scanEntries through one text, entry by entry. */
class EntryScan {
  private readonly text: string;
  private readonly lines: StructureLines;
  private readonly inLike: { at: Int32Array; copy: Uint8Array };
  private readonly each: ScanOptions["each"];
  /** The attributes of the marker `read` read last (undefined when its head was known). */
  private attrs: Map<string, string> | undefined;
  /** The entry of `like` the next one here likely is. */
  private next = 0;
  /** The entry of `like` the one at the next start is a copy of, found while looking past the one before; or -1. */
  private ahead = -1;
  /** Where the text not yet looked at for conflict markers starts (a copy holds none). */
  private unchecked = 0;
  /** Where the next seven '<' or '>' at or after `unchecked` are (see sevenAt), or -1 before the first search. */
  private seven = -1;

  constructor(
    private readonly doc: ScannedBuffer,
    private readonly file: string,
    options: ScanOptions,
    private readonly conflictError: (at: number) => ParseError,
  ) {
    this.text = doc.text;
    this.lines = new StructureLines(doc.text);
    this.each = options.each;
    this.inLike = doc.inLike;
  }

  /** Reads the header; the first entry's start, or -1. */
  first(): number {
    const { doc, text, lines } = this;
    const start = lines.nextMarker(frontmatterEnd(text));
    doc.openAtEnd = start < 0 && lines.open;
    doc.header = linesBefore(text, start < 0 ? text.length : start, doc.cr);
    while (doc.header.length > 0 && isBlank(doc.header[doc.header.length - 1]!)) doc.header.pop();
    return start;
  }

  /*
   * The walks: one call per entry (a short method the engine optimizes after a few hundred entries, not a long
   * loop body). A file scanned alone and one scanned like another take separate paths, each optimized for its
   * own. `start`: where the first entry's marker starts, or -1.
   */
  walkAlone(start: number): void {
    this.checkConflicts(start < 0 ? this.text.length : start);
    while (start >= 0) start = this.entryAlone(start);
  }

  walkLike(start: number, like: ScannedBuffer): void {
    this.checkConflicts(start < 0 ? this.text.length : start);
    while (start >= 0) start = this.entryLike(start, like);
  }

  /** Takes the entry whose marker line starts at `start` (no fence is open there); the next one's start, or -1. */
  private entryAlone(start: number): number {
    const span = this.read(start, undefined);
    const prior = this.doc.byId.get(span.id);
    if (prior !== undefined) this.usedTwice(span.id, start, prior.start);
    this.add(span);
    this.each?.(span, this.attrs!);
    return this.checked(this.after);
  }

  private entryLike(start: number, like: ScannedBuffer): number {
    const text = this.text;
    let k = this.ahead >= 0 ? this.ahead : copied(text, start, like, this.next);
    this.ahead = -1;
    if (k >= 0) {
      const same = like.entries[k]!;
      const stop = start + same.stop - same.start;
      if (stop < text.length) {
        // A copy ends where a marker starts: the next entry is a copy too (its first line is a marker there), or
        // the line there reads as a marker; else this one runs on past it, and is no copy.
        this.ahead = copied(text, stop, like, k + 1);
        if (this.ahead < 0 && !this.lines.isMarker(stop)) {
          this.lines.marker = text.slice(start, start + same.markerEnd - same.start);
          k = -1;
        }
      }
      if (k >= 0) return this.copy(start, stop, same, like);
    }
    // Not a copy of the next entries there. Its marker may be that of the next one there (an edit): then its head
    // is known, only its lines are read.
    const marker = this.lines.marker;
    const same = this.next < like.entries.length ? like.entries[this.next] : undefined;
    const head = same && same.markerEnd - same.start === marker.length && like.text.slice(same.start, same.markerEnd) === marker ? headOf(same) : undefined;
    const span = this.read(start, head);
    const inLike = this.inLike;
    span.inLike = head ? same!.index : like.byId.get(span.id)?.index ?? -1;
    if (span.inLike >= 0) {
      if (inLike.at[span.inLike]! >= 0) this.usedTwice(span.id, start, inLike.at[span.inLike]!);
      inLike.at[span.inLike] = start;
      this.next = span.inLike + 1;
    } else {
      const prior = this.doc.byId.get(span.id);
      if (prior !== undefined) this.usedTwice(span.id, start, prior.start);
    }
    this.add(span);
    return this.checked(this.after);
  }

  /**
   * `next` (where the next entry starts, or -1), once the text up to there is known to hold no conflict marker;
   * the text after the last entry too. Positions only grow: the text is searched once.
   */
  private checked(next: number): number {
    const length = this.text.length;
    this.checkConflicts(next < 0 ? length : next);
    return next;
  }

  /** Notes the copy of `like`'s entry `same` that runs from `start` to `stop`; where the next entry starts, or -1. */
  private copy(start: number, stop: number, same: EntrySpan, like: ScannedBuffer): number {
    const inLike = this.inLike;
    this.checkConflicts(start);
    this.unchecked = stop;
    const k = same.index;
    if (inLike.at[k]! >= 0) this.usedTwice(same.id, start, inLike.at[k]!);
    inLike.at[k] = start;
    inLike.copy[k] = 1;
    this.next = k + 1;
    if (stop < this.text.length) return this.checked(stop);
    this.doc.openAtEnd = like.openAtEnd && same.stop === like.text.length;
    return this.checked(-1);
  }

  /** Where the entry `read` read last ends: the next marker's start, or -1. */
  private after = -1;

  /** Reads the entry at `start` (`head`: what its marker holds, when known); its end goes to `after`. */
  private read(start: number, head: EntryHead | undefined): EntrySpan {
    const { doc, text, lines } = this;
    // No fence is open at a marker: the next marker is the next one outside a fence from the line after it.
    const marker = lines.marker;
    const after = lines.nextMarker(nextLine(text, start));
    doc.openAtEnd = after < 0 && lines.open;
    this.after = after;
    const line = () => lineNumber(text, start);
    this.attrs = head ? undefined : readAttrs(marker, this.file, line);
    return readSpan(doc, start, marker, after < 0 ? text.length : after, this.file, head ?? readHead(this.attrs!, this.file, line));
  }

  private add(span: EntrySpan): void {
    this.doc.byId.set(span.id, span);
    this.doc.entries.push(span);
  }

  /** Throws for a conflict marker line in [unchecked, to) (a copy holds none: `unchecked` moves past it). */
  private checkConflicts(to: number): void {
    const { text, unchecked } = this;
    let seven = this.seven;
    if (seven < unchecked) seven = sevenAt(text, unchecked);
    for (; seven < to; seven = sevenAt(text, seven + 1)) {
      if (isConflictLine(text, seven)) throw this.conflictError(seven);
    }
    this.seven = seven;
  }

  private usedTwice(id: string, at: number, first: number): never {
    const { text } = this;
    throw new ParseError(this.file, lineNumber(text, at), `entry id ${id} is used twice (first at line ${lineNumber(text, first)})`, "give one of them a new id");
  }
}

/**
 * Which of `like`'s entries i and i + 1 the lines at `start` are, up to where that one ends, byte for byte: the
 * entry there reads as that one does (the same lines, from a marker, where no fence is open), so it is not read
 * again, nor its lines looked at one by one. Whether a marker follows it, as one follows that one, is for the
 * caller to see; a fence that one left open at the end of its text would run on. -1 for neither.
 */
function copied(text: string, start: number, like: ScannedBuffer, i: number): number {
  const { openAtEnd } = like;
  for (let k = i; k <= i + 1 && k < like.entries.length; k++) {
    const same = like.entries[k]!;
    const stop = start + same.stop - same.start;
    if (stop > text.length || (same.stop === like.text.length && openAtEnd && stop < text.length)) continue;
    // Compared as two slices: a native comparison (an optimized startsWith compares character by character).
    if (text.slice(start, stop) === like.text.slice(same.start, same.stop)) return k;
  }
  return -1;
}

/**
 * The 1-based line of a code fence that opens and never closes (outside entries' own fences too), or 0.
 * Anything appended after it would be inside the fence: a new entry there would not be an entry.
 */
export function unclosedFence(source: string): number {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lines = new StructureLines(text);
  lines.nextMarker(frontmatterEnd(text), true);
  return lines.open ? lineNumber(text, lines.opened) : 0;
}

/**
 * Where the first git conflict marker line is (anywhere: frontmatter and fences too, since a real conflict can cut
 * through them), or -1.
 */
function conflictAt(text: string): number {
  for (let s = sevenAt(text, 0); s !== NONE; s = sevenAt(text, s + 1)) if (isConflictLine(text, s)) return s;
  return -1;
}

/**
 * Where the next seven '<' or '>' at or after `from` are, or NONE. They are rare in text: a search finds the few
 * lines to look at (a regular expression: its native search for two literals is ten times faster than two indexOf).
 */
function sevenAt(text: string, from: number): number {
  SEVEN.lastIndex = from;
  return SEVEN.test(text) ? SEVEN.lastIndex - 7 : NONE;
}

const SEVEN = /<<<<<<<|>>>>>>>/g;

const isConflictLine = (text: string, s: number): boolean =>
  (s === 0 || text.charCodeAt(s - 1) === 10) && conflictMarkerLine([text.slice(s, lineEnd(text, s))]) > 0;

/**
 * Walks the lines that may be structure, found with indexOf (a native search, far cheaper than looking at
 * every line): those opening with `<!--`, or with up to three spaces and ``` or ~~~. Other lines neither open
 * nor close a fence nor mark an entry. Each kind's next line is kept: positions only grow, so the text is
 * searched once.
 */
class StructureLines {
  /** The marker line `nextMarker` found last. */
  marker = "";
  /** Whether a fence is open where the last walk ended, and the line start that opened it. */
  open = false;
  opened = -1;
  // The next line start of each kind at or after the last position asked for: -1 before the first search, NONE for none.
  private markerAt = -1;
  private ticksAt = -1;
  private tildesAt = -1;

  constructor(private readonly text: string) {
    // The first line has no line break before it: looked at here, so that no search needs a case for it. The
    // fences are searched for here too: a file without any (most) never searches again.
    this.markerAt = text.startsWith("<!--") ? 0 : -1;
    this.ticksAt = this.findFence("```", 0);
    this.tildesAt = this.findFence("~~~", 0);
  }

  /**
   * The start of the first entry marker line at or after `from` (a line start, where no fence is open), outside
   * code fences; -1 when there is none (or, with `all`, always: the walk then tells whether a fence is left open).
   */
  nextMarker(from: number, all = false): number {
    const text = this.text;
    let fence: FenceTracker | undefined; // most entries hold no fence
    let found = -1;
    let opened = -1;
    for (let s = from < 0 ? -1 : this.next(from); s >= 0; s = this.next(s + 1)) {
      const line = text.slice(s, lineEnd(text, s));
      if (text.charCodeAt(s) === 60) {
        if (!all && !fence?.open && isMarkerLine(line)) {
          this.marker = line;
          found = s;
          break;
        }
      } else {
        fence ??= new FenceTracker();
        const wasOpen = fence.open;
        fence.feed(line);
        if (!wasOpen && fence.open) opened = s;
      }
    }
    this.open = found < 0 && fence !== undefined && fence.open;
    this.opened = opened;
    return found;
  }

  /** Whether the line starting at `s` is an entry marker (where no fence is open); if so it becomes `marker`. */
  isMarker(s: number): boolean {
    if (!this.text.startsWith("<!--", s)) return false;
    const line = this.text.slice(s, lineEnd(this.text, s));
    if (!isMarkerLine(line)) return false;
    this.marker = line;
    return true;
  }

  /** The first line start at or after `from` that may be structure, or -1. */
  private next(from: number): number {
    if (this.markerAt < from) this.markerAt = this.findMarker(from);
    if (this.ticksAt < from) this.ticksAt = this.findFence("```", from);
    if (this.tildesAt < from) this.tildesAt = this.findFence("~~~", from);
    const first = Math.min(this.markerAt, this.ticksAt, this.tildesAt);
    return first === NONE ? -1 : first;
  }

  /** The first line start after the first line, at or after `from`, opening with `<!--`. */
  private findMarker(from: number): number {
    const at = this.text.indexOf("\n<!--", from - 1);
    return at < 0 ? NONE : at + 1;
  }

  /** The first line start at or after `from` of a fence line: the fence after at most three spaces. */
  private findFence(fence: string, from: number): number {
    const text = this.text;
    for (let at = text.indexOf(fence, from); at >= 0; at = text.indexOf(fence, at + 1)) {
      let s = at;
      while (s > 0 && s > at - 3 && text.charCodeAt(s - 1) === 32) s--;
      if ((s === 0 || text.charCodeAt(s - 1) === 10) && s >= from) return s;
    }
    return NONE;
  }
}

/** No such line: further than any offset (a string is shorter), and a small integer, as offsets are, for the engine. */
const NONE = 2 ** 30 - 1;

/** Where the line starting at `start` ends, before its break. */
function lineEnd(text: string, start: number): number {
  const nl = text.indexOf("\n", start);
  if (nl < 0) return text.length;
  return nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}

/** Where the line after the one starting at `start` starts, or -1 when it is the last. */
function nextLine(text: string, start: number): number {
  const nl = text.indexOf("\n", start);
  return nl < 0 || nl + 1 === text.length ? -1 : nl + 1;
}

/** Where the line ending right before `stop` (a line's start, or the end of the text) starts. */
function lineBefore(text: string, stop: number): number {
  const k = text.charCodeAt(stop - 1) === 10 ? stop - 2 : stop - 1;
  return k < 0 ? 0 : text.lastIndexOf("\n", k) + 1;
}

/**
 * Where the line before `stop` (a line's start, or the end of the text) ends, or the one before it when that one
 * is empty, when it ends with a printable ASCII character (so it is not blank, and has no CR at its end); else -1.
 */
function printableBefore(text: string, stop: number): number {
  let e = text.charCodeAt(stop - 1) === 10 ? stop - 1 : stop;
  if (e < stop && text.charCodeAt(e - 1) === 10) e--;
  const c = text.charCodeAt(e - 1);
  return c > 32 && c < 127 ? e : -1;
}

/** The lines before `stop` (a line's start, or the end of the text). */
function linesBefore(text: string, stop: number, cr: boolean): string[] {
  if (stop === 0) return [];
  const lines = text.slice(0, stop).split(cr ? /\r?\n/ : "\n");
  if (text.charCodeAt(stop - 1) === 10) lines.pop();
  return lines;
}

/** Where the line after a YAML frontmatter block at the top of the text starts (or the text ends), or 0 without one. */
function frontmatterEnd(text: string): number {
  const isLine = (start: number, line: string) => text.startsWith(line, start) && lineEnd(text, start) === start + line.length;
  if (!isLine(0, "---")) return 0;
  for (let s = nextLine(text, 0); s >= 0; s = nextLine(text, s)) {
    if (isLine(s, "---") || isLine(s, "...")) return nextLine(text, s) < 0 ? text.length : nextLine(text, s);
  }
  return 0;
}

/**
 * The entry whose marker line starts at `start`, running to `stop` (the next marker's line, or the end of the
 * text) less its trailing blank lines, with what its marker holds (`head`, read and checked): its title heading found.
 */
function readSpan(doc: ScannedBuffer, start: number, marker: string, stop: number, file: string, head: EntryHead): EntrySpan {
  const text = doc.text;
  const markerEnd = start + marker.length;
  // Where its last non-blank line ends: a line of text, then at most one empty line, before most markers.
  let end = printableBefore(text, stop);
  if (end < 0) {
    let last = lineBefore(text, stop);
    end = lineEnd(text, last);
    while (last > start && isBlank(text.slice(last, end))) {
      last = lineBefore(text, last);
      end = lineEnd(text, last);
    }
  }

  // The title: the first non-blank line after the marker (a line starting with '#' is not blank).
  let h = 1;
  let at = nextLine(text, start);
  let title = at >= 0 && at < end ? text.slice(at, lineEnd(text, at)) : "";
  while (at >= 0 && at < end && title.charCodeAt(0) !== 35 && isBlank(title)) {
    h++;
    at = nextLine(text, at);
    title = at >= 0 && at < end ? text.slice(at, lineEnd(text, at)) : "";
  }
  if (at < 0 || at >= end || !HEADING.test(title)) {
    const where = at >= 0 && at < end ? at : lineBefore(text, end);
    throw new ParseError(file, lineNumber(text, where), `entry ${head.id} has no title heading`, "put a line like `## Title` right after its marker");
  }
  return { id: head.id, at: head.at, time: head.time, doc, start, end, stop, markerEnd, heading: h, index: doc.entries.length, inLike: -1 };
}

/** A marker line's attributes; a ParseError naming the line (found only then: it costs a walk from the top). */
function readAttrs(marker: string, file: string, line: () => number): Map<string, string> {
  try {
    return readMarker(marker, "entry", 0, file);
  } catch (err) {
    if (err instanceof ParseError) throw new ParseError(file, line(), err.reason, err.fix);
    throw err;
  }
}

/** What a span's marker holds, as readHead makes it (one shape of object where readSpan reads it). */
const headOf = (span: EntrySpan): EntryHead => ({ id: span.id, at: span.at, time: span.time });

/** Checks a marker's id and time (when it has one: ISO 8601). */
function readHead(attrs: ReadonlyMap<string, string>, file: string, line: () => number): EntryHead {
  const id = attrs.get("id");
  if (id === undefined) throw new ParseError(file, line(), "entry marker has no id=…", "add one, e.g. id=note-1");
  if (!ID_PATTERN.test(id)) throw new ParseError(file, line(), `entry id "${id}" may only hold letters, digits, '.', '_' and '-'`);
  const at = attrs.get("at");
  const time = at === undefined ? Number.NaN : isoTime(at);
  if (at !== undefined && Number.isNaN(time)) {
    throw new ParseError(file, line(), `entry ${id} has at="${at}", which is not an ISO 8601 time`, "write it like 2026-01-31T09:30:00Z");
  }
  return { id, at, time };
}

/**
 * Entry marker lines as scanBuffer finds them, without reading them: from the first entry's (`from` -1) or from
 * the line after the marker line starting at `from`, each start to `each` until it returns false. `text` has no BOM.
 */
export function walkMarkers(text: string, from: number, each: (start: number) => boolean): void {
  const lines = new StructureLines(text);
  let s = lines.nextMarker(from < 0 ? frontmatterEnd(text) : nextLine(text, from));
  while (s >= 0 && each(s)) s = lines.nextMarker(nextLine(text, s));
}

/**
 * The start of the last entry marker line whose line, with its break, ends before `limit`; -1 for none. Without
 * a fence before `limit` every marker line after the frontmatter is an entry's, found from `limit` backwards;
 * else the lines are walked from the top, as a scan walks them. `text` has no BOM.
 */
export function lastMarkerBefore(text: string, limit: number): number {
  const ticks = text.indexOf("```");
  const tildes = text.indexOf("~~~");
  if ((ticks < 0 || ticks >= limit) && (tildes < 0 || tildes >= limit)) {
    const top = frontmatterEnd(text);
    for (let at = limit; at > 0; ) {
      const k = text.lastIndexOf("\n<!--", at - 1);
      const s = k >= 0 ? k + 1 : text.startsWith("<!--") ? 0 : -1;
      if (s < top) return -1;
      const nl = text.indexOf("\n", s);
      if (nl >= 0 && nl < limit && isMarkerLine(text.slice(s, lineEnd(text, s)))) return s;
      at = k;
    }
    return -1;
  }
  let last = -1;
  walkMarkers(text, -1, (s) => {
    const nl = text.indexOf("\n", s);
    if (nl < 0 || nl >= limit) return false;
    last = s;
    return true;
  });
  return last;
}
