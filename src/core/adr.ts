/**
 * Architecture decision record folders as teams keep them. Pure: file names and parsed docs in, styles,
 * names and duplicate numbers out.
 *
 * Names seen in real folders: `ADR-004-slug.md` (this tool's default), `ADR-0004-…`, `0004-…` (adr-tools,
 * MADR), `ADR025-…`, `adr001-…`, unpadded `4-slug.md`, and date-named `20200924-slug.md` (log4brains).
 * Templates (`template.md`, `adr-template.md`, `ADR-0000-template.md`, `ADRXXX-…`) and indexes (`README.md`,
 * `index.md`) are not ADRs.
 */

/** An ADR's file name, read. */
export type AdrName =
  | {
      kind: "number";
      /** What comes before the digits, as written: `ADR-`, `ADR`, `adr`, `` … */
      prefix: string;
      number: number;
      /** The digits as written (`025`, `7`). */
      digits: string;
      /** Between the digits and the slug (`-`), or "" when there is no slug. */
      separator: string;
      slug: string;
    }
  | {
      kind: "date";
      /** ISO day (YYYY-MM-DD). */
      day: string;
      /** Written `2020-09-24` rather than `20200924`. */
      dashed: boolean;
      separator: string;
      slug: string;
    };

/** How a folder names its ADRs. */
export type AdrStyle =
  | { kind: "number"; prefix: string; /** Digits at least (1: unpadded). */ width: number; separator: string }
  | { kind: "date"; dashed: boolean; separator: string };

/** How a folder writes an ADR's first heading. */
export type AdrHeadingStyle =
  /** `ADR-004: Title`: the name's label, then `joiner`. */
  | { kind: "label"; joiner: string }
  /** `4. Title` (adr-tools). */
  | { kind: "ordinal" }
  /** `Title` (MADR, log4brains). */
  | { kind: "title" };

/** What a doc people wrote says about itself, read from its frontmatter or its text. */
export interface AdrDoc {
  name: string;
  /** The title without its number (`Use Redis`, not `ADR-004: Use Redis`); "" when it has none. */
  title: string;
  /** The first `#` heading as written; "" when none. */
  heading: string;
  status?: string;
  /** ISO day, when it says one. */
  day?: string;
  /** Its frontmatter, parsed (empty when it has none). */
  data: Record<string, unknown>;
}

const NUMBERED = /^(?:(adr)([-_ ]?))?(\d+)(?:([-_])(.*))?\.md$/i;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})(?:([-_])(.*))?\.md$/;
const DASHED_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:([-_])(.*))?\.md$/;
const INDEX = /^(readme|index|_index|toc|summary)\.md$/i;
/** Words a template's name may hold besides "template". */
const TEMPLATE_WORDS = new Set(["adr", "architecture", "architectural", "decision", "decisions", "record", "records", "madr", "nygard", "default", "blank", "md"]);

/** Whether this file is a template (any name whose words, fillers aside, are just "template"). */
export function isAdrTemplate(fileName: string): boolean {
  const words = (fileName.replace(/\.md$/i, "").toLowerCase().match(/[a-z]+|\d+/g) ?? []).filter((w) => !/^\d+$/.test(w) && !/^(adr)?[xn]+$/.test(w));
  const rest = words.filter((w) => !TEMPLATE_WORDS.has(w));
  return rest.length > 0 && rest.every((w) => w === "template" || w === "tmpl");
}

export const isAdrIndex = (fileName: string): boolean => INDEX.test(fileName);

const validDay = (y: string, m: string, d: string): boolean => {
  const [year, month, day] = [Number(y), Number(m), Number(d)];
  return year >= 1970 && year <= 2199 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
};

/** An ADR file name read, or undefined for anything that is not an ADR (templates, indexes, other notes). */
export function parseAdrName(fileName: string): AdrName | undefined {
  if (isAdrIndex(fileName) || isAdrTemplate(fileName)) return undefined;
  for (const [re, dashed] of [[DASHED_DATE, true], [COMPACT_DATE, false]] as const) {
    const m = re.exec(fileName);
    if (m && validDay(m[1]!, m[2]!, m[3]!)) return { kind: "date", day: `${m[1]}-${m[2]}-${m[3]}`, dashed, separator: m[4] ?? "", slug: m[5] ?? "" };
  }
  const m = NUMBERED.exec(fileName);
  if (!m) return undefined;
  return { kind: "number", prefix: (m[1] ?? "") + (m[2] ?? ""), number: Number(m[3]), digits: m[3]!, separator: m[4] ?? "", slug: m[5] ?? "" };
}

/** The number of a numbered ADR's file, whatever its style; undefined for everything else. */
export function adrNumber(fileName: string): number | undefined {
  const name = parseAdrName(fileName);
  return name?.kind === "number" ? name.number : undefined;
}

/** The style a folder's ADR names follow; an empty folder (or one without ADRs) gets `fallback`. */
export function inferAdrStyle(fileNames: Iterable<string>, fallback: AdrStyle): AdrStyle {
  const numbered = new Map<string, Array<Extract<AdrName, { kind: "number" }>>>();
  const dated: Array<Extract<AdrName, { kind: "date" }>> = [];
  for (const file of fileNames) {
    const name = parseAdrName(file);
    if (!name) continue;
    if (name.kind === "date") dated.push(name);
    else {
      const key = `${name.prefix}\0${name.separator || "-"}`;
      numbered.set(key, [...(numbered.get(key) ?? []), name]);
    }
  }
  // The shape most files have; a tie goes to the one holding the highest number (the newest habit).
  const groups = [...numbered.values()].sort((a, b) => b.length - a.length || highest(b) - highest(a));
  const best = groups[0];
  if (dated.length > 0 && dated.length >= (best?.length ?? 0)) {
    const dashed = dated.filter((d) => d.dashed).length * 2 > dated.length;
    const seps = dated.map((d) => d.separator).filter(Boolean);
    return { kind: "date", dashed, separator: mostCommon(seps) ?? "-" };
  }
  if (!best) return fallback;
  const first = best[0]!;
  // Padding shows in a number written with leading zeros; without any, the folder does not pad.
  const width = Math.max(1, ...best.filter((n) => n.digits.length > 1 && n.digits.startsWith("0")).map((n) => n.digits.length));
  return { kind: "number", prefix: first.prefix, width, separator: first.separator || "-" };
}

const highest = (names: ReadonlyArray<{ number: number }>): number => Math.max(-1, ...names.map((n) => n.number));

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** An ADR's label in a numbered style: `ADR-004`, `ADR025`, `0004`, `7`. */
export function adrLabel(style: Extract<AdrStyle, { kind: "number" }>, n: number): string {
  return `${style.prefix}${String(n).padStart(style.width, "0")}`;
}

/** The highest number any ADR of the folder has (every style counts), or -1 when none has one. */
export function highestAdrNumber(fileNames: Iterable<string>): number {
  let max = -1;
  for (const f of fileNames) max = Math.max(max, adrNumber(f) ?? -1);
  return max;
}

/**
 * A new ADR's file name in the folder's style: the next number, or the entry's day (a date already at the
 * start of the slug is not written twice). The caller makes a dated name unique.
 */
export function adrFileName(style: AdrStyle, at: { number: number } | { day: string }, slug: string): string {
  if (style.kind === "number") {
    const n = "number" in at ? at.number : 0;
    return `${adrLabel(style, n)}${style.separator}${slug}.md`;
  }
  const day = "day" in at ? at.day : "1970-01-01";
  const written = style.dashed ? day : day.replace(/-/g, "");
  return `${written}${style.separator}${withoutLeadingDay(slug, day) || "decision"}.md`;
}

/** A slug without the day it starts with (`2025-07-15-outage` → `outage` for 2025-07-15), so no name holds one date twice. */
export function withoutLeadingDay(slug: string, day: string): string {
  const compact = day.replace(/-/g, "");
  for (const form of [day, compact]) {
    if (slug === form) return "";
    if (slug.startsWith(`${form}-`)) return slug.slice(form.length + 1);
  }
  return slug;
}

/**
 * Numbers more than one ADR file uses, each with its files in name order. Templates, indexes and
 * date-named files never count.
 */
export function duplicateAdrNumbers(fileNames: readonly string[]): Map<number, string[]> {
  const byNumber = new Map<number, string[]>();
  for (const name of [...fileNames].sort()) {
    const n = adrNumber(name);
    if (n === undefined) continue;
    byNumber.set(n, [...(byNumber.get(n) ?? []), name]);
  }
  return new Map([...byNumber].filter(([, files]) => files.length > 1));
}

/** A renamed ADR: the same name with another number, in the folder's style when it has a numbered one. */
export function renumberedName(fileName: string, n: number, style: AdrStyle): string {
  const name = parseAdrName(fileName);
  if (name?.kind !== "number") return fileName;
  const own: Extract<AdrStyle, { kind: "number" }> =
    style.kind === "number" ? style : { kind: "number", prefix: name.prefix, width: name.digits.startsWith("0") ? name.digits.length : 1, separator: name.separator || "-" };
  return name.slug === "" ? `${adrLabel(own, n)}.md` : `${adrLabel(own, n)}${name.separator || own.separator}${name.slug}.md`;
}

/** The label of a numbered file as written (`ADR025`, `0009`), or undefined. */
export function writtenLabel(fileName: string): string | undefined {
  const name = parseAdrName(fileName);
  return name?.kind === "number" ? `${name.prefix}${name.digits}` : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Mentions of a number in text: `ADR025`, `ADR-025`, `ADR 25`, and at the start of a title `25.` / `0025`.


/** Writes `to` in the form a mention of another number was written: `025` → `048`, `25` → `48`. */
const sameForm = (digits: string, to: number): string => (digits.length > 1 && digits.startsWith("0") ? String(to).padStart(digits.length, "0") : String(to));

/** `ADR025` / `ADR-25` / `adr 0025` mentions of `from`, rewritten to `to` in the same form. */
export function replaceAdrMentions(text: string, from: number, to: number): string {
  return text.replace(new RegExp(`(?<![A-Za-z0-9])(adr[-_ ]?)(0*${from})(?!\\d)`, "gi"), (_, pre: string, digits: string) => `${pre}${sameForm(digits, to)}`);
}


/**
 * A title's leading number (`ADR-025: …`, `25. …`, `0025 …`) rewritten from `from` to `to`; text that does
 * not start with that number is returned as it was.
 */
export function replaceLeadingNumber(text: string, from: number, to: number): string {
  const re = new RegExp(`^(\\s*(?:\\*\\*|__)?)((?:adr[-_ ]?)?)(0*${from})(?!\\d)`, "i");
  return text.replace(re, (_, lead: string, pre: string, digits: string) => `${lead}${pre}${sameForm(digits, to)}`);
}

// ---------------------------------------------------------------------------------------------------------
// Reading docs people wrote.

/**
 * What a doc says about itself: title, heading, status and day, from its parsed frontmatter (`title`,
 * `status`, `date`) or, failing that, from its text: the first `#` heading, a `## Status` section, a
 * `- Status:` / `Status:` line (log4brains, Nygard), a `Date:` line. `content` is the text after the frontmatter.
 */
export function describeAdrDoc(name: string, data: Record<string, unknown>, content: string): AdrDoc {
  const lines = content.split(/\r?\n/);
  const heading = lines.find((l) => /^#\s+\S/.test(l))?.replace(/^#\s+/, "").replace(/\s+#*\s*$/, "").trim() ?? "";
  const parsed = parseAdrName(name);
  const fromFront = typeof data.title === "string" ? data.title.trim() : "";
  const title = fromFront || stripHeadingNumber(heading, parsed?.kind === "number" ? parsed.number : undefined);
  const status = scalar(data.status) ?? statusInText(lines);
  const day = dayOf(data.date) ?? dayInText(lines);
  return { name, title, heading, data, ...(status ? { status } : {}), ...(day ? { day } : {}) };
}

/** A heading without its number: `ADR-004: Use Redis` → `Use Redis`, `4. Help` → `Help`. */
export function stripHeadingNumber(heading: string, n: number | undefined): string {
  if (n === undefined) return heading;
  const m = new RegExp(`^(?:adr[-_ ]?)?0*${n}(?!\\d)\\s*(?:[:.\\-–—]\\s*|\\s+)(.*)$`, "i").exec(heading);
  return m && m[1]!.trim() !== "" ? m[1]!.trim() : heading;
}

const scalar = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : typeof v === "number" ? String(v) : undefined);

function dayOf(v: unknown): string | undefined {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
  if (typeof v === "string") return /^\d{4}-\d{2}-\d{2}/.exec(v.trim())?.[0];
  return undefined;
}

function statusInText(lines: readonly string[]): string | undefined {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const inline = /^\s*(?:[-*+]\s+|>\s*)?(?:\*\*|__)?status(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+?)\s*$/i.exec(line);
    if (inline) return cleanStatus(inline[1]!);
    if (/^#{2,3}\s+status\s*$/i.test(line)) {
      const next = lines.slice(i + 1).find((l) => l.trim() !== "" && !/^>\s*$/.test(l));
      if (next && !/^#/.test(next)) return cleanStatus(next);
    }
  }
  return undefined;
}

const cleanStatus = (s: string): string | undefined => {
  const word = s.replace(/^[>\s*_]+/, "").replace(/[*_]+/g, "").replace(/<!--.*?-->/g, "").trim();
  return word || undefined;
};

function dayInText(lines: readonly string[]): string | undefined {
  for (const line of lines.slice(0, 40)) {
    const m = /^\s*(?:[-*+]\s+|>\s*)?(?:\*\*|__)?date(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(\d{4}-\d{2}-\d{2})/i.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** How a doc's heading is written, given its name; undefined when it tells nothing (no heading, no number). */
function headingStyleOf(doc: AdrDoc): AdrHeadingStyle | undefined {
  const name = parseAdrName(doc.name);
  if (!doc.heading || !name) return undefined;
  if (name.kind === "date") return { kind: "title" };
  const m = new RegExp(`^(adr[-_ ]?)?(0*${name.number})(?!\\d)(\\s*(?:[:.\\-–—]\\s*|\\s+))\\S`, "i").exec(doc.heading);
  if (!m) return { kind: "title" };
  const bare = m[1] === undefined && !(m[2]!.length > 1 && m[2]!.startsWith("0"));
  if (bare && m[3]!.trim() === ".") return { kind: "ordinal" };
  return { kind: "label", joiner: m[3]! };
}

/** The heading style most of a folder's ADRs use (the newest breaks a tie); `fallback` when none tells. */
export function inferHeadingStyle(docs: Iterable<AdrDoc>, fallback: AdrHeadingStyle): AdrHeadingStyle {
  const votes = new Map<string, { style: AdrHeadingStyle; count: number; newest: number }>();
  for (const doc of docs) {
    const style = headingStyleOf(doc);
    if (!style) continue;
    const key = JSON.stringify(style);
    const at = adrNumber(doc.name) ?? 0;
    const vote = votes.get(key) ?? { style, count: 0, newest: -1 };
    votes.set(key, { style, count: vote.count + 1, newest: Math.max(vote.newest, at) });
  }
  return [...votes.values()].sort((a, b) => b.count - a.count || b.newest - a.newest)[0]?.style ?? fallback;
}

/** A new ADR's heading text in a folder's heading style. */
export function adrHeading(style: AdrHeadingStyle, label: string, n: number | undefined, title: string): string {
  if (style.kind === "ordinal" && n !== undefined) return `${n}. ${title}`;
  if (style.kind === "label" && label !== "") return `${label}${style.joiner}${title}`;
  return title;
}

/** A frontmatter key a new ADR should carry: one value for all, or its own number. */
export type SharedKey = { key: string; value: string | number | boolean } | { key: string; number: true };

/** Keys that say something of one doc only: never carried over. */
const OWN_KEYS = new Set(["title", "status", "date", "source", "source-digest", "decision-makers", "author", "id", "tags", "type"]);

/**
 * Frontmatter keys every ADR of the folder that has frontmatter carries, with either one value for all
 * (`parent: Decisions`, seen in at least two) or its own number (`nav_order: 13`): what a new ADR there
 * carries too.
 */
export function sharedFrontmatter(docs: Iterable<AdrDoc>): SharedKey[] {
  const withFront = [...docs].filter((d) => Object.keys(d.data).length > 0 && parseAdrName(d.name) !== undefined);
  if (withFront.length === 0) return [];
  const out: SharedKey[] = [];
  for (const key of Object.keys(withFront[0]!.data)) {
    if (!/^[A-Za-z_][\w-]*$/.test(key) || OWN_KEYS.has(key.toLowerCase())) continue;
    const values = withFront.map((d) => d.data[key]);
    if (!values.every((v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")) continue;
    const numbers = withFront.map((d) => adrNumber(d.name));
    if (values.every((v, i) => typeof v === "number" && v === numbers[i])) out.push({ key, number: true });
    else if (withFront.length >= 2 && values.every((v) => v === values[0])) out.push({ key, value: values[0] as string | number | boolean });
  }
  return out;
}

/** A YAML scalar for a frontmatter line: plain when it reads back as the same string, quoted otherwise. */
export function yamlScalar(value: string | number | boolean): string {
  if (typeof value !== "string") return String(value);
  const plain = /^[A-Za-z][\w ./()-]*$/.test(value) && !/^(true|false|yes|no|on|off|null|~)$/i.test(value) && !/\s$/.test(value);
  return plain ? value : JSON.stringify(value);
}

/** A doc's frontmatter block (between `---` lines at its top; `---yaml`, `---json` name a language) and the text after it. */
export function splitFrontmatter(text: string): { front: string | null; content: string } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const m = /^---[A-Za-z]*[ \t]*\r?\n([\s\S]*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m.exec(body);
  if (!m || m.index !== 0) return { front: null, content: body };
  return { front: m[1]!, content: body.slice(m[0].length) };
}
