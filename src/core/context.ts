/**
 * activeContext.md: what each persona is working on now. Pure: strings in, strings out.
 *
 *   ---
 *   updated: 2026-11-22T10:30:00Z                          ← the file's last save (any section)
 *   by: qa
 *   ---
 *   # Active context                                        ← shared text: merged line by line
 *
 *   <!-- context persona=dev updated=2026-11-22T10:00:00Z -->
 *   ## dev                                                  ← dev's section, to the next marker
 *   ...
 *   <!-- context persona=qa updated=2026-11-22T10:30:00Z -->
 *   ## qa
 *   ...
 *
 * A section starts at a `<!-- context persona=… -->` line outside a code fence and runs to the next one; its
 * `updated=` stamp decides which copy is newest when two clones changed it. `by=` names who changed it when
 * that was not its persona. The frontmatter stamp is the file's: the last save of any part.
 *
 * Older files read too: one with a frontmatter stamp and no sections is one context for the whole file
 * (latest wins by that stamp); one with neither is unstamped (merged as text, reported by doctor).
 */
import { ParseError } from "./errors.js";
import { FenceTracker, conflictMarkerLine, joinLines, splitLines, trimTrailingBlank, type TextShape } from "./text.js";
import { quoteValue, readMarker, writeMarker } from "./marker.js";

export interface ContextStamp {
  /** The `updated:` value as written, or undefined. */
  updated: string | undefined;
  by: string | undefined;
  /** 1-based line of `updated:` (0 when absent), for error messages. */
  line: number;
  /** Whether the file opens with a frontmatter block at all. */
  hasFrontmatter: boolean;
}

/** Reads `updated:` and `by:` from the frontmatter without a YAML parser: the merge driver must start fast. */
export function readStamp(text: string): ContextStamp {
  const { lines } = splitLines(text);
  const stamp: ContextStamp = { updated: undefined, by: undefined, line: 0, hasFrontmatter: false };
  if (lines[0]?.trimEnd() !== "---") return stamp;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trimEnd() === "---" || line.trimEnd() === "...") {
      stamp.hasFrontmatter = true;
      break;
    }
    const m = STAMP_LINE.exec(line);
    if (!m) continue;
    const value = unquote(m[2]!);
    if (m[1] === "updated") [stamp.updated, stamp.line] = [value, i + 1];
    else stamp.by = value;
  }
  if (!stamp.hasFrontmatter) return { updated: undefined, by: undefined, line: 0, hasFrontmatter: false };
  return stamp;
}

const STAMP_LINE = /^(updated|by):[ \t]*(.*?)[ \t]*$/;

/** A YAML scalar as `stampContext` writes it: bare, 'single' or "double" quoted (with JSON escapes). */
function unquote(raw: string): string {
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length > 1) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }
  if (raw.startsWith("'") && raw.endsWith("'") && raw.length > 1) return raw.slice(1, -1).replace(/''/g, "'");
  return raw;
}

/** The stamp as milliseconds, or undefined when it is missing or not a time. */
export function stampTime(stamp: { updated?: string | undefined }): number | undefined {
  if (!stamp.updated) return undefined;
  const ms = Date.parse(stamp.updated);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The file without its `updated:` and `by:` lines: what decides whether the content changed. */
export function withoutStamp(text: string): string {
  const { lines } = splitLines(text);
  const end = frontmatterEnd(lines);
  if (end < 0) return lines.join("\n");
  return lines.filter((l, i) => i === 0 || i >= end || !/^(updated|by):/.test(l)).join("\n");
}

/** Sets `updated:` and `by:` in the frontmatter (adding one if the file has none), keeping everything else. */
export function stampContext(text: string, updated: string, by: string): string {
  const { lines, ...shape } = splitLines(text);
  const end = frontmatterEnd(lines);
  if (end < 0) return joinLines(["---", ...stampLines(updated, by), "---", ...lines], shape);
  const front = lines.slice(1, end).filter((l) => !/^(updated|by):/.test(l));
  return joinLines(["---", ...stampLines(updated, by), ...front, ...lines.slice(end)], shape);
}

function stampLines(updated: string | undefined, by: string | undefined): string[] {
  const quoteIfNeeded = (v: string) => (/^[\w .@+-]*$/.test(v) && !/^\s|\s$/.test(v) ? v : JSON.stringify(v));
  return [...(updated !== undefined ? [`updated: ${updated}`] : []), ...(by !== undefined ? [`by: ${quoteIfNeeded(by)}`] : [])];
}

/** The index of the line closing the frontmatter, or -1 when the file opens with none. */
function frontmatterEnd(lines: readonly string[]): number {
  if (lines[0]?.trimEnd() !== "---") return -1;
  return lines.findIndex((l, i) => i > 0 && (l.trimEnd() === "---" || l.trimEnd() === "..."));
}

// ---------------------------------------------------------------------------------------------
// Sections

export interface ContextSection {
  /** Whose section it is: the key the merge matches sections by. */
  persona: string;
  /** The `updated=` stamp as written, or undefined (a section added by hand and not saved yet). */
  updated: string | undefined;
  /** Who last changed it, when that was not its persona. */
  by: string | undefined;
  /** The marker line, then the section's text, without trailing blank lines. */
  lines: string[];
  /** 1-based line of the marker in the file it was read from. */
  line: number;
}

export interface ContextDoc {
  shape: TextShape;
  /** The frontmatter's `updated:` and `by:`. */
  stamp: { updated: string | undefined; by: string | undefined };
  /** Lines before the first section (title, frontmatter without its stamp lines), without trailing blank lines. */
  shared: string[];
  sections: ContextSection[];
}

/**
 * How a context file merges: by persona section; as one context, latest wins by the frontmatter stamp
 * (a file from before sections); or as text (no stamp to tell the newest copy by).
 */
export type ContextKind = "sections" | "single" | "unstamped";

export function contextKind(doc: ContextDoc): ContextKind {
  if (doc.sections.length > 0) return "sections";
  return stampTime(doc.stamp) === undefined ? "unstamped" : "single";
}

const MARKER = /^<!--\s*context(?=\s|-->)/;

export const isSectionMarker = (line: string): boolean => line.startsWith("<!--") && MARKER.test(line);

/** Reads an activeContext file. Throws a ParseError naming the file and line when a marker cannot be read. */
export function parseContext(source: string, options: { file?: string } = {}): ContextDoc {
  const file = options.file ?? "activeContext.md";
  const { lines, ...shape } = splitLines(source);
  const conflict = conflictMarkerLine(lines);
  if (conflict) throw new ParseError(file, conflict, "git conflict markers", undefined, "markers");

  const end = frontmatterEnd(lines);
  const stampAt = new Set<number>();
  const stamp: ContextDoc["stamp"] = { updated: undefined, by: undefined };
  for (let i = 1; i < end; i++) {
    const m = STAMP_LINE.exec(lines[i]!);
    if (!m) continue;
    stampAt.add(i);
    stamp[m[1] as "updated" | "by"] = unquote(m[2]!);
  }

  const starts: number[] = [];
  const fence = new FenceTracker();
  for (let i = end + 1; i < lines.length; i++) {
    if (fence.feed(lines[i]!)) continue;
    if (isSectionMarker(lines[i]!)) starts.push(i);
  }
  const shared = trimTrailingBlank(lines.slice(0, starts[0] ?? lines.length).filter((_, i) => !stampAt.has(i)));
  const sections: ContextSection[] = [];
  const seen = new Map<string, number>();
  starts.forEach((start, k) => {
    const attrs = readMarker(lines[start]!, "context", start + 1, file);
    const persona = attrs.get("persona");
    if (persona === undefined || persona.trim() === "") {
      throw new ParseError(file, start + 1, "context marker has no persona=…", "name whose section it is, e.g. persona=dev");
    }
    const updated = attrs.get("updated");
    if (updated !== undefined && Number.isNaN(Date.parse(updated))) {
      throw new ParseError(file, start + 1, `section ${persona} has updated="${updated}", which is not an ISO 8601 time`, "write it like 2026-01-31T09:30:00Z");
    }
    const first = seen.get(persona);
    if (first !== undefined) {
      throw new ParseError(file, start + 1, `persona ${persona} has two sections (the first at line ${first})`, "merge them into one");
    }
    seen.set(persona, start + 1);
    const region = trimTrailingBlank(lines.slice(start, starts[k + 1] ?? lines.length));
    sections.push({ persona, updated, by: attrs.get("by"), lines: region, line: start + 1 });
  });
  return { shape, stamp, shared, sections };
}

/** Writes a context file: frontmatter stamp, shared text, then the sections separated by a blank line. */
export function serializeContext(doc: ContextDoc): string {
  const out = [...doc.shared];
  const stamp = stampLines(doc.stamp.updated, doc.stamp.by);
  if (stamp.length > 0) {
    if (frontmatterEnd(out) > 0) out.splice(1, 0, ...stamp);
    else out.unshift("---", ...stamp, "---");
  }
  for (const s of doc.sections) {
    if (out.length > 0 && out[out.length - 1]!.trim() !== "") out.push("");
    out.push(...s.lines);
  }
  return joinLines(out, doc.shape);
}

/** A section's text without its marker: what decides whether it changed. */
export const sectionBody = (s: ContextSection): string => s.lines.slice(1).join("\n");

/**
 * What a section says, for a briefing or a handoff: its text without its own `## persona` heading, or ""
 * when it holds nothing but headings (a template nobody filled in).
 */
export function sectionSays(s: ContextSection): string {
  const lines = s.lines.slice(1);
  while (lines.length && (lines[0]!.trim() === "" || lines[0]!.trim() === `## ${s.persona}`)) lines.shift();
  return lines.some((l) => l.trim() !== "" && !/^#{1,6}\s/.test(l.trim())) ? lines.join("\n").trim() : "";
}

/** The marker of a section: `<!-- context persona=dev updated=… -->`, `by=` only when someone else changed it. */
export function sectionMarker(persona: string, updated: string | undefined, by?: string): string {
  const attrs: Array<[string, string]> = [["persona", persona]];
  if (updated !== undefined) attrs.push(["updated", updated]);
  if (by !== undefined && by !== persona) attrs.push(["by", by]);
  return writeMarker("context", attrs);
}

/** A new section for a persona: its marker and a heading with its name. */
export function newSection(persona: string, updated: string | undefined): string[] {
  return [sectionMarker(persona, updated), `## ${persona.replace(/\s+/g, " ").trim()}`];
}

/**
 * What `save` and `start` write before committing: the sections whose text changed since the last commit
 * (`head`) get a new stamp, `by=` the persona saving when the section is someone else's; the frontmatter
 * stamp (if the file has one) follows any change. A file from before sections is stamped as a whole, as it
 * always was; an unstamped file is left as it is (it merges as text; `doctor --fix` stamps it).
 */
export function stampEdits(work: string, head: string | null, at: string, persona: string): string {
  const doc = parseContext(work);
  let before: ContextDoc | null = null;
  try {
    before = head === null ? null : parseContext(head);
  } catch {
    before = null; // a broken committed copy: everything counts as changed
  }
  const kind = contextKind(doc);
  if (kind === "unstamped") return work;
  if (kind === "single") return withoutStamp(work) !== withoutStamp(head ?? "") ? stampContext(work, at, persona) : work;

  const old = new Map((before?.sections ?? []).map((s) => [s.persona, sectionBody(s)]));
  const { lines, ...shape } = splitLines(work);
  let changed = before === null || before.sections.length !== doc.sections.length || before.shared.join("\n") !== doc.shared.join("\n");
  for (const s of doc.sections) {
    if (old.get(s.persona) === sectionBody(s)) continue;
    lines[s.line - 1] = restamp(lines[s.line - 1]!, s.persona, at, persona);
    changed = true;
  }
  if (!changed) return work;
  const text = joinLines(lines, shape);
  return doc.stamp.updated !== undefined ? stampContext(text, at, persona) : text;
}

/** A marker with a new `updated=` and `by=`, keeping any other attribute it holds. */
function restamp(marker: string, persona: string, at: string, by: string): string {
  const attrs = readMarker(marker, "context", 0, "");
  const extra = [...attrs].filter(([k]) => k !== "persona" && k !== "updated" && k !== "by");
  const base = sectionMarker(persona, at, by);
  if (extra.length === 0) return base;
  return `${base.slice(0, -4)} ${extra.map(([k, v]) => `${k}=${quoteValue(v)}`).join(" ")} -->`;
}

/**
 * Gives an unstamped file (none of the 13 real banks we looked at has a stamp) a stamp, by making its text
 * the section of the persona fixing it: a title line at the top stays shared, the rest is that persona's
 * context, word for word. A file that has sections, or a frontmatter stamp, only has a bad stamp replaced.
 */
export function adoptContext(text: string, at: string, persona: string): string {
  const doc = parseContext(text);
  if (contextKind(doc) !== "unstamped") {
    const badStamp = doc.stamp.updated !== undefined && stampTime(doc.stamp) === undefined;
    return badStamp ? stampContext(text, at, persona) : text;
  }
  const { lines, ...shape } = splitLines(stampContext(text, at, persona));
  // The section starts after the frontmatter and a title line (`# …`), if there is one.
  let start = frontmatterEnd(lines) + 1;
  const skipBlank = () => {
    while (start < lines.length && lines[start]!.trim() === "") start++;
  };
  skipBlank();
  if (start < lines.length && /^#[ \t]/.test(lines[start]!)) {
    start++;
    skipBlank();
  }
  const head = trimTrailingBlank(lines.slice(0, start));
  return joinLines([...head, ...(head.length > 0 ? [""] : []), sectionMarker(persona, at), ...lines.slice(start)], shape);
}

/** What doctor says about a context that reads: a stamp that is not a time, or no stamp at all. */
export function contextProblem(rel: string, text: string): string | undefined {
  const stamp = readStamp(text);
  if (stamp.updated !== undefined && stampTime(stamp) === undefined) {
    return `${rel}:${stamp.line}: updated: "${stamp.updated}" is not an ISO 8601 time`;
  }
  if (contextKind(parseContext(text, { file: rel })) === "unstamped") {
    return `${rel}:1: no updated: stamp and no persona sections, so concurrent edits can only be merged line by line`;
  }
  return undefined;
}


