/**
 * The sections of markdown a person wrote, found from its outline: the top-level blocks a markdown parser
 * saw (bank/markdown.ts), so that a `##` inside a code fence, a list item or a table is never a section.
 * Two shapes are read:
 *
 *   ## Title (2025-07-15)           headings: each `##`/`###` with what follows it; a `##` holding only
 *   ### Problem                     `###` sections is a group, whose name becomes their tag
 *
 *   [2025-07-15 10:00:00] - Title   a log: each dated line with what follows it (Roo Code's decisionLog,
 *   [2025-07-15] Topic: … → …       hand-kept lessons); a heading right above dated lines is a group
 *
 * Pure: lines and outline in, sections out.
 */
import { isoSeconds } from "./clock.js";
import { slugify } from "./harvest.js";
import { FenceTracker, isBlank, trimLeadingBlank, trimTrailingBlank } from "./text.js";

/** A block at the top level of a document, as the markdown parser saw it. */
export interface OutlineBlock {
  /** The mdast node type: `heading`, `paragraph`, `code`, `list`, `table`, `html`, `thematicBreak`… */
  type: string;
  /** For headings: 1 to 6. */
  depth?: number;
  /** 1-based first and last line. */
  start: number;
  end: number;
}

export interface Section {
  title: string;
  /** 1-based line of its heading or dated line. */
  line: number;
  /** Its text after the title (the rest of a dated line, then the lines up to the next section), trimmed. */
  body: string;
  /** The time written in it (in its title line, or a `Date:` field), ISO 8601 UTC. */
  written?: string;
  /** Names of the groups it is under. */
  tags: string[];
  /**
   * A heading with no text of its own, only sections under it: its name is their tag, and it is an entry
   * only where every line must belong to one (a doc marked in place).
   */
  group: boolean;
  /** For headings: the heading's level. */
  depth?: number;
}

export interface Sections {
  style: "headings" | "log" | "none";
  sections: Section[];
}

/** `[2025-07-15 10:00:00] - …`, `[2025-07-15] Topic: …`: a dated log line. */
const DATED = /^\[(\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?)\][ \t]*(.*)$/;
/** An ATX heading the bank's own reader takes for a title too (no indent, some text). */
const ATX = /^#{1,6}[ \t]+\S/;

/** The sections of a text (LF lines, no BOM) given its outline. */
export function findSections(lines: readonly string[], outline: readonly OutlineBlock[]): Sections {
  const skip = frontmatterLength(lines);
  const inFence = fenceLines(lines, skip);
  const blocks = outline.filter((b) => b.start > skip && b.start <= lines.length && !inFence[b.start - 1]);
  const dated = blocks.filter((b) => b.type === "paragraph" && DATED.test(lines[b.start - 1]!));
  if (dated.length > 0) return { style: "log", sections: logSections(lines, blocks) };
  const sections = headingSections(lines, blocks);
  return { style: sections.length > 0 ? "headings" : "none", sections };
}

function isHeading(lines: readonly string[], b: OutlineBlock): boolean {
  return b.type === "heading" && ATX.test(lines[b.start - 1]!);
}

function headingSections(lines: readonly string[], blocks: readonly OutlineBlock[]): Section[] {
  const headings = blocks.filter((b) => isHeading(lines, b));
  // The document's title (its one `#` heading, first) is not a section.
  const titles = headings.filter((h) => h.depth === 1);
  const candidates = titles.length === 1 && headings[0] === titles[0] ? headings.slice(1) : headings;
  if (candidates.length === 0) return [];
  const top = Math.min(...candidates.map((h) => h.depth ?? 6));
  const starts = candidates.filter((h) => (h.depth ?? 6) <= top + 1);
  const depth = (h: OutlineBlock) => h.depth ?? top;
  const title = (h: OutlineBlock) => headingText(lines[h.start - 1]!);
  const lastLine = footerStart(blocks, starts[starts.length - 1]!, lines.length);

  // Each top heading with the headings one level down that follow it.
  const tree: Array<{ head: OutlineBlock; children: OutlineBlock[] }> = [];
  for (const h of starts) {
    if (depth(h) === top || tree.length === 0) tree.push({ head: h, children: [] });
    else tree[tree.length - 1]!.children.push(h);
  }
  // A top heading whose subsections are the parts of one thing (`## Title (2025-07-15)` + `### Problem`,
  // `### Solution`) is one section; otherwise it is a group and its subsections are the sections.
  const seen = new Map<string, Set<OutlineBlock>>();
  for (const node of tree) for (const c of node.children) seen.set(partKey(title(c)), (seen.get(partKey(title(c))) ?? new Set()).add(node.head));
  const isWhole = (node: (typeof tree)[number]) =>
    node.children.length === 0 ||
    dateIn(title(node.head), true) !== undefined ||
    node.children.some((c) => PARTS.has(partKey(title(c))) || (seen.get(partKey(title(c)))?.size ?? 0) > 1);

  const sections: Section[] = [];
  const add = (h: OutlineBlock, until: number, tags: string[], group: boolean) => {
    const bodyLines = lines.slice(h.start, Math.min(until, lastLine));
    const heading = title(h);
    const written = dateIn(heading, true) ?? fieldDate(bodyLines);
    sections.push({ title: heading, line: h.start, body: tidyBody(bodyLines), ...(written ? { written } : {}), tags, group, depth: depth(h) });
  };
  tree.forEach((node, k) => {
    const end = (tree[k + 1]?.head.start ?? lines.length + 1) - 1;
    // Subsections before any top heading: each a section of its own.
    if (depth(node.head) !== top) {
      const run = [node.head, ...node.children];
      run.forEach((h, i) => add(h, (run[i + 1]?.start ?? end + 1) - 1, [], false));
      return;
    }
    if (isWhole(node)) return add(node.head, end, [], false);
    const intro = lines.slice(node.head.start, node.children[0]!.start - 1);
    add(node.head, node.children[0]!.start - 1, [], intro.every(isBlank));
    const tag = tagOf(title(node.head));
    node.children.forEach((c, i) => add(c, (node.children[i + 1]?.start ?? end + 1) - 1, [tag], false));
  });
  return sections;
}

/** Names of the parts of one lesson or decision, as people title them (`### Problem`, `### Root Cause`). */
const PARTS = new Set([
  "problem", "problems", "issue", "symptom", "symptoms", "cause", "root cause", "causes", "solution", "solutions", "fix", "the fix",
  "workaround", "resolution", "lesson", "lessons", "lessons learned", "key insight", "key insights", "insight", "insights",
  "takeaway", "takeaways", "prevention", "what to do instead", "what not to do", "what worked", "what didn t work", "debugging",
  "context", "decision", "decision outcome", "rationale", "consequences", "alternatives", "alternatives considered", "options",
  "considered options", "status", "impact", "implementation", "implementation details", "outcome", "result", "results",
  "trade offs", "tradeoffs", "notes", "example", "examples", "usage", "why", "how", "background", "details", "references",
]);

/** A subsection's title as compared with PARTS and with its namesakes: lower case, words only, no parenthesis. */
function partKey(title: string): string {
  return title.toLowerCase().replace(/\([^)]*\)/g, " ").replace(/[^a-z0-9]+/g, " ").trim();
}

/**
 * The line (exclusive) where the document's footer starts: a last thematic break after the last section,
 * followed only by paragraphs (`---` then `*Last updated…*`). The footer belongs to no section's body.
 */
function footerStart(blocks: readonly OutlineBlock[], last: OutlineBlock, lineCount: number): number {
  const after = blocks.filter((b) => b.start > last.start);
  const rule = after.map((b) => b.type).lastIndexOf("thematicBreak");
  const tail = after.slice(rule + 1);
  if (rule < 0 || tail.length === 0 || !tail.every((b) => b.type === "paragraph" || b.type === "html")) return lineCount;
  if (tail.reduce((n, b) => n + b.end - b.start + 1, 0) > 3) return lineCount;
  return after[rule]!.start - 1;
}

const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;

/** A body without blank lines at its edges or the `---` separators that end it. */
function tidyBody(lines: readonly string[]): string {
  let body = trimTrailingBlank(trimLeadingBlank(lines));
  while (body.length > 0 && THEMATIC_BREAK.test(body[body.length - 1]!)) body = trimTrailingBlank(body.slice(0, -1));
  return body.join("\n");
}

function logSections(lines: readonly string[], blocks: readonly OutlineBlock[]): Section[] {
  const isDated = (b: OutlineBlock | undefined) => b !== undefined && b.type === "paragraph" && DATED.test(lines[b.start - 1]!);
  // A heading is a group when the first block after it that is not a heading is a dated line.
  const groups = new Set<OutlineBlock>();
  const titles = blocks.filter((b) => isHeading(lines, b) && b.depth === 1);
  blocks.forEach((b, i) => {
    // The document's title (its one `#` heading) names no group.
    if (!isHeading(lines, b) || (titles.length === 1 && titles[0] === b)) return;
    let j = i + 1;
    while (j < blocks.length && isHeading(lines, blocks[j]!)) j++;
    if (isDated(blocks[j])) groups.add(b);
  });
  const bounds = blocks.filter((b) => isDated(b) || groups.has(b));
  const sections: Section[] = [];
  let tags: string[] = [];
  let lastWasGroup = false;
  bounds.forEach((b, k) => {
    if (groups.has(b)) {
      const tag = tagOf(headingText(lines[b.start - 1]!));
      tags = lastWasGroup ? [...tags, tag] : [tag];
      lastWasGroup = true;
      return;
    }
    lastWasGroup = false;
    const end = (bounds[k + 1]?.start ?? lines.length + 1) - 1;
    const [, date, rest] = DATED.exec(lines[b.start - 1]!)!;
    const { title, first } = logTitle(rest!);
    const bodyLines = [...(first ? [first] : []), ...lines.slice(b.start, end)];
    const written = dateIn(date!, false);
    sections.push({
      title,
      line: b.start,
      body: tidyBody(bodyLines),
      ...(written ? { written } : {}),
      tags,
      group: false,
    });
  });
  return sections;
}

const TITLE_MAX = 100;

/**
 * The title in the rest of a dated line: `- **Title**` (Roo Code), `Topic: what → why` (the topic; the
 * rest opens the body), or the line itself, cut at a word when it is long (the whole line then opens the body).
 */
function logTitle(rest: string): { title: string; first?: string } {
  const text = rest.replace(/^[-–—:|][ \t]*/, "").trim();
  const bold = /^\*\*(.+?)\*\*[ \t]*$/.exec(text);
  if (bold) return { title: bold[1]!.trim() };
  const topic = /^([^:→*`[\]]{1,80}?):[ \t]+(\S.*)$/.exec(text);
  if (topic) return { title: topic[1]!.trim(), first: topic[2]! };
  if (text === "") return { title: "Log entry" };
  if (text.length <= TITLE_MAX) return { title: text };
  const cut = text.slice(0, TITLE_MAX);
  return { title: `${cut.slice(0, cut.lastIndexOf(" ") > 40 ? cut.lastIndexOf(" ") : TITLE_MAX).trimEnd()}…`, first: text };
}

/** A heading line's text: without its `#`s and an optional closing sequence. */
export function headingText(line: string): string {
  return line.replace(/^ {0,3}#{1,6}[ \t]*/, "").replace(/[ \t]+#+[ \t]*$/, "").trim();
}

/** A tag for a group's name: `🔧 Recent Patterns (TD_039)` → `recent-patterns-td-039`. */
export function tagOf(title: string): string {
  const slug = slugify(title, "");
  return slug || title.replace(/[*_`]/g, "").trim().toLowerCase().replace(/[\s,]+/g, "-");
}

const LABEL = /^[ \t]*(?:[-*+][ \t]+)?(?:date|added|created|fixed|decided|resolved|updated|discovered|learned|recorded|when)[ \t]*:[ \t]*(.*)$/i;

/** The first `Date: 2025-07-15` (or Added, Fixed, Created…, bold or not) field of a section's lines. */
function fieldDate(lines: readonly string[]): string | undefined {
  const fence = new FenceTracker();
  for (const line of lines) {
    if (fence.feed(line)) continue;
    const m = LABEL.exec(line.replace(/\*\*|__/g, ""));
    const at = m ? dateIn(m[1]!, true) : undefined;
    if (at) return at;
  }
  return undefined;
}

const DATE = /(?<![\d-])(\d{4})-(\d{2})(?:-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?)?(?!\d)/g;

/**
 * The first valid date or time written in a text, as ISO 8601 UTC: `2025-07-15`, `2025-07-15 10:00`,
 * `2025-07-15T10:00:00`; a month alone (`2025-08`) when `month` allows it. Undefined when there is none.
 */
export function dateIn(text: string, month: boolean): string | undefined {
  for (const m of text.matchAll(DATE)) {
    const [, y, mo, d, h = "0", mi = "0", s = "0"] = m;
    if (d === undefined && !month) continue;
    const [year, mon, day] = [Number(y), Number(mo), Number(d ?? "1")];
    if (year < 1971 || year > 2200 || mon < 1 || mon > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) continue;
    const t = new Date(Date.UTC(year, mon - 1, day, Number(h), Number(mi), Number(s)));
    if (t.getUTCDate() !== day) continue; // 2025-02-30
    return isoSeconds(t);
  }
  return undefined;
}

/** For each line (0-based), whether it is inside a code fence or is a fence line, as the bank's reader sees it. */
function fenceLines(lines: readonly string[], skip: number): boolean[] {
  const fence = new FenceTracker();
  return lines.map((line, i) => (i < skip ? false : fence.feed(line)));
}

/** Lines of a YAML frontmatter block at the top, or 0. */
export function frontmatterLength(lines: readonly string[]): number {
  if (lines[0] !== "---") return 0;
  const end = lines.findIndex((l, i) => i > 0 && (l === "---" || l === "..."));
  return end < 0 ? 0 : end + 1;
}
