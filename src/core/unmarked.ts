/**
 * Text a person wrote in a buffer without an entry marker: a `##` or `###` section in the part of the file
 * before the first entry. It is not an entry (no id, so it cannot merge by id or be harvested), but it is
 * never ignored: it is counted, shown, and `doctor --fix` adopts it as entries. Pure.
 */
import { createEntry, type BufferDoc, type Entry } from "./entries.js";
import { isoSeconds } from "./clock.js";
import { FenceTracker, trimLeadingBlank, trimTrailingBlank } from "./text.js";

export interface UnmarkedSection {
  /** The heading's text. */
  title: string;
  /** 1-based line of the heading in the file. */
  line: number;
  /** The lines under the heading, up to the next section or the first entry. */
  body: string[];
}

const SECTION = /^(#{2,3})[ \t]+(.*\S)[ \t]*$/;

/** The hand-written sections in a buffer's header (the file's title and intro are not sections). */
export function unmarkedSections(doc: BufferDoc): UnmarkedSection[] {
  const sections: UnmarkedSection[] = [];
  const fence = new FenceTracker();
  const offset = frontmatterLength(doc.header);
  doc.header.forEach((line, i) => {
    if (i < offset) return;
    const inFence = fence.feed(line);
    const m = inFence ? null : SECTION.exec(line);
    if (m) sections.push({ title: m[2]!, line: i + 1, body: [] });
    else sections[sections.length - 1]?.body.push(line);
  });
  return sections;
}

/** The header without its sections: what stays above the entries once they are adopted. */
export function headerWithoutSections(doc: BufferDoc): string[] {
  const first = unmarkedSections(doc)[0];
  return first ? trimTrailingBlank(doc.header.slice(0, first.line - 1)) : doc.header;
}

export interface Provenance {
  /** Who wrote the heading line, from history; undefined when it was never committed. */
  author?: string;
  /** When, ISO 8601. */
  at?: string;
}

export interface AdoptOptions {
  /** Entry type for the buffer. */
  type: string;
  /** Author when neither the text nor history says. */
  persona: string;
  /** Time when neither the text nor history says. */
  now: Date;
  /** Where history puts each section's heading line (by 1-based line). */
  history?: ReadonlyMap<number, Provenance>;
  /** A fresh id for a time. */
  newId: (timeMs: number) => string;
}

const DATE = /\b(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?\b/;

/**
 * A date written in the section (`## 2025-07-15 …`, `**Date**: 2025-07-15`, `[2025-07-15 10:00:00]`),
 * the heading first, as ISO 8601 UTC; undefined when there is none.
 */
export function writtenDate(section: UnmarkedSection): string | undefined {
  for (const line of [section.title, ...section.body]) {
    const m = DATE.exec(line);
    if (!m) continue;
    const [, y, mo, d, h = "00", mi = "00", s = "00"] = m;
    const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    if (!Number.isNaN(t) && Number(mo) >= 1 && Number(mo) <= 12 && Number(d) >= 1 && Number(d) <= 31) return isoSeconds(new Date(t));
  }
  return undefined;
}

/** The sections as entries, in their order: `at` from the text, else history, else now; `by` from history, else the persona. */
export function adoptSections(sections: readonly UnmarkedSection[], options: AdoptOptions): Entry[] {
  return sections.map((section) => {
    const known = options.history?.get(section.line);
    const at = writtenDate(section) ?? known?.at ?? isoSeconds(options.now);
    const body = trimTrailingBlank(trimLeadingBlank(section.body)).join("\n");
    return createEntry({
      id: options.newId(Date.parse(at)),
      type: options.type,
      author: known?.author ?? options.persona,
      createdAt: at,
      title: section.title,
      tags: [],
      body,
    });
  });
}

/** Lines of a YAML frontmatter block at the top, or 0. */
function frontmatterLength(lines: readonly string[]): number {
  if (lines[0] !== "---") return 0;
  const end = lines.findIndex((l, i) => i > 0 && (l === "---" || l === "..."));
  return end < 0 ? 0 : end + 1;
}
