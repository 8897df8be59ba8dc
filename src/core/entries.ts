/**
 * The buffer file format: a free-form header, then entries. Pure: strings in, strings out.
 *
 *   # Patterns buffer                                  ← header (anything, kept verbatim)
 *
 *   <!-- entry id=01JD… type=pattern by=dev at=2026-11-22T10:04:05Z tags=git,sync -->
 *   ## Retry pushes with jitter                        ← title
 *
 *   Body: any markdown, with its own headings and code fences.
 *
 * An entry starts at a marker line outside code fences and runs to the next one. The marker is an HTML
 * comment, so rendered markdown shows only the title and body; `##` lines in a body never split an entry.
 */
import { MemoryError } from "./errors.js";
import { writeMarker } from "./marker.js";
import { ID_PATTERN } from "./ids.js";
import { LineCounter, entryCreatedAt, lineBreaks, isMarkerLine, scanBuffer, spanAttrs, spanLines, titleOf, type EntrySpan } from "./scan.js";
import {
  FenceTracker,
  isBlank,
  joinLines,
  splitLines,
  trimLeadingBlank,
  trimTrailingBlank,
  type TextShape,
} from "./text.js";

export { isIsoTime, isMarkerLine, unclosedFence } from "./scan.js";

export interface EntryFields {
  id: string;
  type: string;
  /** The persona that wrote it. */
  author: string;
  /** ISO 8601 UTC creation time. */
  createdAt: string;
  title: string;
  tags: string[];
  /** Markdown, LF line endings, no leading or trailing blank lines. */
  body: string;
  /**
   * Relations and lifetime, written once in the marker: the ids this entry replaces (`supersedes=a,b`: one,
   * or a group that `consolidate` made it from), ids it relates to, the day it expires.
   */
  supersedes?: string[] | undefined;
  related?: string[] | undefined;
  /** ISO date (YYYY-MM-DD) or time after which the entry counts as expired. */
  expires?: string | undefined;
  /** Other `key=value` attributes of the marker, kept as written (a handoff's `to=`, `accepted=`). */
  attrs?: Record<string, string> | undefined;
}

export interface Entry extends EntryFields {
  /** The entry's text as lines, from its marker to its last non-blank line: what is compared and written. */
  lines: string[];
  /** 1-based line of the marker in the file it was read from; 0 for an entry not read from a file. */
  line: number;
}

export interface BufferDoc {
  shape: TextShape;
  /** Lines before the first entry (title, intro, frontmatter), without trailing blank lines. */
  header: string[];
  entries: Entry[];
}

export interface ParseOptions {
  /** Named in errors. */
  file?: string;
  /** Type given to entries whose marker has none (hand-written ones). */
  defaultType?: string;
}

/** Parses a buffer file. Throws a ParseError naming the file and line when it cannot be read. */
export function parseBuffer(source: string, options: ParseOptions = {}): BufferDoc {
  const defaultType = options.defaultType ?? "";
  const entries: Entry[] = [];
  // Line numbers counted on from entry to entry: its own lines, then the line breaks before the next one.
  let line = 0;
  const doc = scanBuffer(source, {
    ...(options.file === undefined ? {} : { file: options.file }),
    each: (span, attrs) => {
      if (entries.length === 0) line = new LineCounter(span.doc.text).at(span.start);
      const entry = entryOf(span, defaultType, line, attrs);
      line += entry.lines.length - 1 + lineBreaks(span.doc.text, span.end, span.stop);
      entries.push(entry);
    },
  });
  return { shape: doc.shape, header: doc.header, entries };
}

/** The entry a scanned span holds, every field read; `line` is its marker's, when known; `attrs` its marker's. */
export function entryOf(span: EntrySpan, defaultType = "", line = 0, attrs: ReadonlyMap<string, string> = spanAttrs(span)): Entry {
  const { id } = span;
  const lines = spanLines(span);
  let b = span.heading + 1;
  while (b < lines.length && isBlank(lines[b]!)) b++;
  return {
    id,
    type: attrs.get("type") ?? defaultType,
    author: attrs.get("by") ?? "unknown",
    createdAt: entryCreatedAt(span),
    title: titleOf(lines[span.heading]!),
    tags: normalizeTags([attrs.get("tags") ?? ""]),
    body: lines.slice(b).join("\n"),
    ...relations(attrs),
    lines,
    line,
  };
}

/**
 * The bytes to append to a buffer file to add `entry` after what is there, in the file's own line endings:
 * the existing bytes are never decoded and written back, so nothing in them (bytes that are not UTF-8) changes.
 */
export function appendText(existing: string, entry: Entry): string {
  const { eol } = splitLines(existing);
  const body = entry.lines.join(eol) + eol;
  if (existing === "" || existing === "\uFEFF") return existing + body;
  const ended = existing.endsWith("\n") ? existing : existing + eol;
  const blankAtEnd = /(\r?\n)[ \t]*\r?\n$/.test(ended) || ended.trim() === "";
  return ended + (blankAtEnd ? "" : eol) + body;
}

/** The entries of a text that may be an old or broken version: none when it does not parse. */
export function readEntries(text: string | null | undefined, defaultType?: string): Entry[] {
  if (!text) return [];
  try {
    return parseBuffer(text, defaultType === undefined ? {} : { defaultType }).entries;
  } catch {
    return [];
  }
}

/** Writes a buffer file: header, then entries separated by one blank line, ending with a newline. */
export function serializeBuffer(doc: BufferDoc): string {
  const out = [...doc.header];
  for (const entry of doc.entries) {
    if (out.length > 0 && !isBlank(out[out.length - 1]!)) out.push("");
    out.push(...entry.lines);
  }
  return joinLines(out, doc.shape);
}

/** Builds an entry from its fields, normalizing title, tags and body so that it reads back the same. */
export function createEntry(fields: EntryFields): Entry {
  const title = fields.title.replace(/\s+/g, " ").trim();
  if (title === "") throw new MemoryError("entry", "an entry needs a title", { missing: "title" });
  if (!ID_PATTERN.test(fields.id)) throw new MemoryError("entry", `not a valid entry id: "${fields.id}"`);
  const tags = normalizeTags(fields.tags);
  const bodyLines = normalizeBody(fields.body);
  const marker = entryMarker({ ...fields, tags });
  const lines = [marker, `## ${title}`, ...(bodyLines.length > 0 ? ["", ...bodyLines] : [])];
  return { ...fields, title, tags, body: bodyLines.join("\n"), lines, line: 0 };
}

/** The marker line of an entry: `<!-- entry id=… type=… by=… at=… tags=… -->`. */
export function entryMarker(fields: Pick<EntryFields, "id" | "type" | "author" | "createdAt" | "tags" | "supersedes" | "related" | "expires" | "attrs">): string {
  // Empty values are left out: `at=""` would not read back (a hand-written entry may have no time).
  const attrs = ([
    ["id", fields.id],
    ["type", fields.type],
    ["by", fields.author],
    ["at", fields.createdAt],
    ["tags", normalizeTags(fields.tags).join(",")],
    ["supersedes", (fields.supersedes ?? []).join(",")],
    ["related", (fields.related ?? []).join(",")],
    ["expires", fields.expires ?? ""],
    ...Object.entries(fields.attrs ?? {}).filter(([key]) => !KNOWN_ATTRS.has(key)),
  ] as Array<[string, string]>).filter(([key, value]) => key === "id" || value !== "");
  return writeMarker("entry", attrs);
}

/** Splits a comma-separated tag list; trims, drops empties and repeats. */
export function normalizeTags(tags: readonly string[]): string[] {
  if (tags.length === 0 || (tags.length === 1 && tags[0] === "")) return [];
  const out: string[] = [];
  for (const raw of tags.flatMap((t) => t.split(","))) {
    const tag = raw.replace(/\s+/g, " ").trim();
    if (tag !== "" && !out.includes(tag)) out.push(tag);
  }
  return out;
}

const KNOWN_ATTRS = new Set(["id", "type", "by", "at", "tags", "supersedes", "related", "expires"]);

/** The relations, lifetime and other attributes a marker holds (absent ones are left out, so old entries read as before). */
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

/** Non-blank lines of all entries: the "lines" that thresholds count. */
export function countLines(doc: BufferDoc): number {
  let n = 0;
  for (const e of doc.entries) for (const l of e.lines) if (!isBlank(l)) n++;
  return n;
}

/**
 * Makes a body safe to store: trims blank edges, indents lines that would read as an entry marker or
 * a conflict marker (one space keeps them rendering the same), and closes a code fence left open so
 * it cannot swallow the entries after it.
 */
function normalizeBody(body: string): string[] {
  const lines = trimTrailingBlank(trimLeadingBlank(body.split(/\r\n|\r|\n/)));
  const fence = new FenceTracker();
  const out = lines.map((line) => {
    const inFence = fence.feed(line);
    // Conflict markers are looked for everywhere, fences included: a real conflict can cut through one.
    return (!inFence && isMarkerLine(line)) || line.startsWith("<<<<<<<") || line.startsWith(">>>>>>>") ? ` ${line}` : line;
  });
  if (fence.open) out.push(fence.closer());
  return out;
}

/**
 * How a reference doc (Patterns.md) merges: by entry when it does not exist yet (harvest will write it in
 * entry format) or holds nothing but entries under a title and an intro; as text when a person wrote it:
 * a section heading or a code fence outside entries, or text that does not read as entries. The entry
 * driver would take a hand-written section for part of the entry above it.
 */
export function referenceMerge(text: string | null): "union" | "text" {
  if (text === null) return "union";
  let header: string[];
  try {
    header = parseBuffer(text).header;
  } catch {
    return "text";
  }
  const fence = new FenceTracker();
  return header.some((line) => fence.feed(line) || /^ {0,3}#{2,6}(?:[ \t]|$)/.test(line)) ? "text" : "union";
}
