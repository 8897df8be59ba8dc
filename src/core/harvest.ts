/**
 * Planning a harvest. Pure: the bank, the config, the existing docs and templates in; every file to write
 * and every entry to remove out. The plan is what `--dry-run` prints and what `harvest` applies in one commit.
 */
import { sourceIds } from "./docs.js";
import { joinLines, splitLines } from "./text.js";
import { createEntry, parseBuffer, readEntries, serializeBuffer, type BufferDoc, type Entry } from "./entries.js";
import { parseBufferOnce } from "./parse-once.js";
import {
  adrFileName,
  adrHeading,
  adrLabel,
  describeAdrDoc,
  highestAdrNumber,
  inferAdrStyle,
  inferHeadingStyle,
  isAdrIndex,
  sharedFrontmatter,
  splitFrontmatter,
  withoutLeadingDay,
  writtenLabel,
  yamlScalar,
  type AdrDoc,
  type AdrHeadingStyle,
  type AdrStyle,
  type SharedKey,
} from "./adr.js";
import { addToAdrIndex, type IndexedAdr } from "./adr-index.js";
import { unmarkedSections } from "./unmarked.js";
import { shortHash } from "./merge.js";
import { bufferConfig, bufferLabel, bufferNames, defaultType, type BufferName, type Config, type HarvestKind } from "./config.js";
import { countLines } from "./entries.js";

export interface Templates {
  patterns: string;
  postMortem: string;
  adr: string;
}

export interface HarvestInput {
  config: Config;
  /** Each buffer's text and repo-relative path. */
  buffers: Record<BufferName, { path: string; text: string }>;
  /** What the harvest targets hold now. */
  docs: HarvestedDocs;
  templates: Templates;
  /** Today, ISO date (YYYY-MM-DD). */
  date: string;
  /** Repo-relative paths with edits not yet committed (or never committed): an ADR folder's index among them is left alone. */
  unsaved?: ReadonlySet<string>;
  /** Harvest every non-empty buffer, not only those at their threshold. */
  all?: boolean;
  /** Only this buffer. */
  only?: BufferName;
  /** Decisions accepted to become ADRs; the others stay in the inbox. */
  acceptDecision: (entry: Entry) => boolean;
}

/** The docs harvest writes to, as they are: keyed by the target path in the config. */
export interface HarvestedDocs {
  /** Each `reference` target's text, or null when it does not exist yet. */
  references: Map<string, string | null>;
  /** Each folder target's markdown files (name → text). */
  folders: Map<string, Map<string, string>>;
  /**
   * What each ADR folder's docs say about themselves (title, status, day, frontmatter), read with a YAML
   * parser by the caller; without it, titles come from headings and frontmatter is not read.
   */
  adrDocs?: Map<string, Map<string, AdrDoc>>;
}

export interface PlannedFile {
  path: string;
  action: "create" | "update";
  /** `index`: an ADR folder's README.md or index.md, which gains a line per new ADR. */
  kind: "patterns" | "post-mortem" | "adr" | "index";
  /** Entry ids this file receives. */
  entries: string[];
  /** ADR number, for ADRs in a numbered folder (date-named ADRs have none). */
  number?: number;
  /** For an index: the entry ids of the ADRs it gains lines for. */
  lists?: string[];
  content: string;
}

export interface BufferPlan {
  name: BufferName;
  label: string;
  path: string;
  /** Lines or items, against the threshold. */
  count: number;
  threshold: number;
  unit: "lines" | "items";
  /** Whether this buffer is harvested in this run. */
  selected: boolean;
  /** Entries moved to the docs. */
  harvested: string[];
  /** Entries the docs already hold, unchanged: removed from the buffer, written nowhere. */
  alreadyHarvested: string[];
  /** Entries the docs already hold but that were edited since (a merge kept the edit): left in the buffer. */
  editedSinceHarvest: string[];
  /** Decisions not accepted: they stay in the inbox. */
  kept: string[];
  /** The buffer's new text, when it changes. */
  content?: string;
  /** Hand-written sections without an entry marker, which harvest cannot take (present only when there are some). */
  unmarked?: number;
}

export interface HarvestPlan {
  buffers: BufferPlan[];
  files: PlannedFile[];
  /** True when nothing would change. */
  empty: boolean;
}

/** Buffers harvested into ADRs, in config order. */
const adrBuffers = (config: Config): BufferName[] => bufferNames(config).filter((b) => bufferConfig(config, b).harvest === "adr");

/** Decisions this harvest would turn into ADRs if accepted: for asking, before planning. */
export function decisionCandidates(input: Omit<HarvestInput, "acceptDecision">): Entry[] {
  const done = harvestedTexts(input.docs);
  return adrBuffers(input.config).flatMap((name) => {
    const buffer = input.buffers[name];
    if (!buffer) return [];
    const doc = parseBufferOnce(buffer.text, { file: buffer.path, defaultType: defaultType(input.config, name) });
    return isSelected(input, name, doc) ? doc.entries.filter((e) => !done.has(e.id)) : [];
  });
}

export function planHarvest(input: HarvestInput): HarvestPlan {
  const { config } = input;
  const done = harvestedTexts(input.docs);
  const files: PlannedFile[] = [];
  const buffers: BufferPlan[] = [];

  for (const name of bufferNames(config)) {
    const cfg = bufferConfig(config, name);
    const buffer = input.buffers[name];
    if (cfg.harvest === "none" || !buffer) continue;
    const { path, text } = buffer;
    const doc = parseBufferOnce(text, { file: path, defaultType: defaultType(config, name) });
    const plan: BufferPlan = {
      name,
      label: bufferLabel(cfg),
      path,
      count: cfg.unit === "lines" ? countLines(doc) : doc.entries.length,
      threshold: cfg.threshold,
      unit: cfg.unit,
      selected: isSelected(input, name, doc),
      harvested: [],
      alreadyHarvested: [],
      editedSinceHarvest: [],
      kept: [],
    };
    const unmarked = unmarkedSections(doc).length;
    if (unmarked > 0) plan.unmarked = unmarked;
    buffers.push(plan);
    if (!plan.selected) continue;

    const take: Entry[] = [];
    for (const e of doc.entries) {
      const harvestedAs = done.get(e.id);
      if (harvestedAs !== undefined) (stillTheSame(e, harvestedAs) ? plan.alreadyHarvested : plan.editedSinceHarvest).push(e.id);
      else if (cfg.harvest === "adr" && !input.acceptDecision(e)) plan.kept.push(e.id);
      else take.push(e);
    }
    plan.harvested = take.map((e) => e.id);
    if (take.length > 0) files.push(...writeTargets(cfg.harvest, cfg.target.replace(/\/+$/, ""), take, input, files));
    if (plan.harvested.length + plan.alreadyHarvested.length > 0) {
      const gone = new Set([...plan.harvested, ...plan.alreadyHarvested]);
      plan.content = serializeBuffer({ ...doc, entries: doc.entries.filter((e) => !gone.has(e.id)) });
    }
  }
  return { buffers, files, empty: files.length === 0 && buffers.every((b) => b.content === undefined) };
}

function isSelected(input: Pick<HarvestInput, "config" | "all" | "only">, name: BufferName, doc: BufferDoc): boolean {
  if (input.only && input.only !== name) return false;
  if (doc.entries.length === 0) return false;
  if (input.all) return true;
  const cfg = bufferConfig(input.config, name);
  return (cfg.unit === "lines" ? countLines(doc) : doc.entries.length) >= cfg.threshold;
}

/**
 * What the docs already hold, by entry id: the Patterns.md entry's text, or the whole post-mortem or ADR
 * that names the id in a `source:` line.
 */
export function harvestedTexts(docs: HarvestedDocs): Map<string, string> {
  const found = new Map<string, string>();
  for (const text of docs.references.values()) {
    for (const e of readEntries(text)) found.set(e.id, e.lines.join("\n"));
    // A second text of an entry kept by a merge (`<id>.edit-<hash>`) also means the entry is in the docs.
    for (const e of readEntries(text)) {
      const base = editedFrom(e.id);
      if (base !== e.id && !found.has(base)) found.set(base, e.lines.join("\n"));
    }
  }
  for (const folder of docs.folders.values()) {
    for (const text of folder.values()) for (const id of sourceIds(text)) found.set(id, text);
  }
  return found;
}


export const harvestedIds = (docs: HarvestedDocs): Set<string> => new Set(harvestedTexts(docs).keys());

/**
 * The buffers without the entries that `docs` (the default branch's) already hold unchanged: what a bank
 * on its own branch lets go once a harvest's docs have landed there. An entry edited since it was
 * harvested stays. Only buffers that change are returned.
 */
export function settleHarvested(config: Config, buffers: HarvestInput["buffers"], docs: HarvestedDocs): Array<{ path: string; content: string; removed: string[] }> {
  const done = harvestedTexts(docs);
  if (done.size === 0) return [];
  const out: Array<{ path: string; content: string; removed: string[] }> = [];
  for (const name of bufferNames(config)) {
    const buffer = buffers[name];
    if (!buffer || bufferConfig(config, name).harvest === "none") continue;
    const doc = parseBufferOnce(buffer.text, { file: buffer.path, defaultType: defaultType(config, name) });
    const removed = doc.entries.filter((e) => done.has(e.id) && stillTheSame(e, done.get(e.id)!)).map((e) => e.id);
    if (removed.length === 0) continue;
    const gone = new Set(removed);
    out.push({ path: buffer.path, content: serializeBuffer({ ...doc, entries: doc.entries.filter((e) => !gone.has(e.id)) }), removed });
  }
  return out;
}

/**
 * Whether the docs' copy was made from the entry as it is now. A section of a reference file is compared
 * exactly (its body is the entry's, then the provenance line); a post-mortem or ADR made from the default
 * templates carries the digest of the title and body it was made from (`source-digest: {{digest}}`). So an edit that only removes text (a redacted
 * password line) counts as an edit. A doc without one (older, or from a template that leaves it out) falls back to "holds the title and the body".
 */
function stillTheSame(e: Entry, harvestedAs: string): boolean {
  const normalize = (t: string) => t.replace(/\r\n/g, "\n");
  const section = readEntries(harvestedAs).find((x) => editedFrom(x.id) === e.id);
  if (section) return section.title === e.title && withoutProvenance(normalize(section.body)) === normalize(e.body);
  const digest = /^source-digest:[ \t]*([0-9a-f]{8})\b/m.exec(harvestedAs)?.[1];
  if (digest) return digest === entryDigest(e);
  const doc = normalize(harvestedAs);
  return doc.includes(e.title) && (e.body === "" || doc.includes(normalize(e.body)));
}

/** The id an entry's second text was kept under by a merge (`<id>.edit-<hash>`, even repeated) comes from. */
export const editedFrom = (id: string): string => id.replace(/(?:\.edit-[0-9a-f]{8})+$/, "");

/** What a harvested doc remembers of its entry: a short hash of its title and body (line endings aside). */
export const entryDigest = (e: Pick<Entry, "title" | "body">): string => shortHash(`${e.title}\n${e.body.replace(/\r\n/g, "\n")}`);

const PROVENANCE = /^_Pattern by .*, harvested \d{4}-\d{2}-\d{2}\._$/;

/** A Patterns.md section's body without the provenance line harvest added under it. */
function withoutProvenance(body: string): string {
  const lines = body.split("\n");
  if (lines.length > 0 && PROVENANCE.test(lines[lines.length - 1]!)) lines.pop();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  return lines.join("\n");
}



function writeTargets(kind: HarvestKind, target: string, entries: Entry[], input: HarvestInput, planned: PlannedFile[]): PlannedFile[] {
  if (kind === "reference") return [referenceFile(target, entries, input, planned)];
  if (kind === "post-mortem") return lessonFiles(target, entries, input, planned);
  return adrFiles(target, entries, input, planned);
}

/** Sections of a reference file in entry format; two buffers with one target add to the same planned file. */
function referenceFile(path: string, entries: Entry[], input: HarvestInput, planned: PlannedFile[]): PlannedFile {
  const at = planned.findIndex((f) => f.path === path);
  const earlier = at >= 0 ? planned.splice(at, 1)[0] : undefined;
  const existing = input.docs.references.get(path) ?? null;
  const doc = parseBuffer(earlier?.content ?? existing ?? input.templates.patterns, { file: path });
  for (const e of entries) {
    const provenance = `_Pattern by ${e.author}, ${e.createdAt}, harvested ${input.date}._`;
    doc.entries.push(createEntry({ ...e, body: e.body ? `${e.body}\n\n${provenance}` : provenance }));
  }
  const ids = [...(earlier?.entries ?? []), ...entries.map((e) => e.id)];
  return { path, action: existing === null ? "create" : "update", kind: "patterns", entries: ids, content: serializeBuffer(doc) };
}

function lessonFiles(dir: string, entries: Entry[], input: HarvestInput, planned: PlannedFile[]): PlannedFile[] {
  const taken = new Set([...(input.docs.folders.get(dir)?.keys() ?? []), ...planned.filter((f) => f.path.startsWith(`${dir}/`)).map((f) => f.path.split("/").pop()!)]);
  return entries.map((e) => {
    const day = dayOf(e, input.date);
    // A title that starts with the day (`2025-07-15 Outage`) does not write it twice.
    const base = `${day}-${withoutLeadingDay(slugify(e.title, "lesson"), day) || "lesson"}`;
    let name = `${base}.md`;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}.md`;
    taken.add(name);
    return { path: `${dir}/${name}`, action: "create", kind: "post-mortem", entries: [e.id], content: render(input.templates.postMortem, vars(e, input.date)) };
  });
}

/** The entry's own day; only a plain date ever goes into a file name (an entry's attributes are text anyone could have written). */
const dayOf = (e: Entry, fallback: string): string => /^\d{4}-\d{2}-\d{2}/.exec(e.createdAt)?.[0] ?? fallback;

/** The style a new or empty ADR folder gets: `ADR-` and the configured digits. */
export const configuredAdrStyle = (config: Config): AdrStyle => ({ kind: "number", prefix: "ADR-", width: config.adr.digits, separator: "-" });

/**
 * One ADR per decision, named and headed the way the folder already names and heads its ADRs (see
 * core/adr.ts), numbered after the highest number any ADR there has; then the folder's index, if it lists them.
 */
function adrFiles(dir: string, entries: Entry[], input: HarvestInput, planned: PlannedFile[]): PlannedFile[] {
  const existing = input.docs.folders.get(dir) ?? new Map<string, string>();
  const docs = new Map(input.docs.adrDocs?.get(dir) ?? [...existing].map(([name, text]) => [name, describeAdrDoc(name, {}, splitFrontmatter(text).content)] as const));
  const plannedHere = planned.filter((f) => f.kind === "adr" && f.path.startsWith(`${dir}/`));
  const taken = new Set([...existing.keys(), ...plannedHere.map((f) => f.path.slice(dir.length + 1))]);
  const style = inferAdrStyle(existing.keys(), configuredAdrStyle(input.config));
  const headings = inferHeadingStyle(docs.values(), defaultHeading(style));
  const shared = sharedFrontmatter(docs.values());
  let next = Math.max(0, highestAdrNumber(taken)) + 1;
  const indexed: Array<IndexedAdr & { id: string }> = [];
  const files = entries.map((e): PlannedFile => {
    const slug = slugify(e.title, "decision");
    const day = dayOf(e, input.date);
    let name: string;
    let number: number | undefined;
    let label: string;
    if (style.kind === "number") {
      number = next++;
      name = adrFileName(style, { number }, slug);
      label = adrLabel(style, number);
    } else {
      name = adrFileName(style, { day }, slug);
      for (let n = 2; taken.has(name); n++) name = adrFileName(style, { day }, `${slug}-${n}`);
      label = name.slice(0, style.dashed ? 10 : 8);
    }
    taken.add(name);
    const heading = adrHeading(headings, label, number, e.title);
    const digits = style.kind === "number" ? label.slice(style.prefix.length) : label;
    const content = withSharedKeys(render(input.templates.adr, { ...vars(e, input.date), number: digits, label, heading }), shared, number);
    indexed.push({ id: e.id, name, label, title: e.title, day, status: "proposed", ...(number !== undefined ? { number } : {}) });
    docs.set(name, { name, title: e.title, heading, status: "proposed", day, data: {} });
    return { path: `${dir}/${name}`, action: "create", kind: "adr", entries: [e.id], ...(number !== undefined ? { number } : {}), content };
  });
  const updates = supersede(dir, entries, files, existing, indexed);
  return [...files, ...updates, ...indexFiles(dir, existing, docs, indexed, input, planned)];
}

/**
 * A decision that supersedes others (`supersedes=` in its marker: one id, or the group `consolidate` made it
 * from) says so in its ADR ("Supersedes ADR-003 and ADR-005"), and the ADR of each one it replaces, already
 * in the folder or made in this harvest, gets the status `superseded by ADR-007`, MADR style (in its
 * frontmatter, or in its `## Status` section).
 */
function supersede(dir: string, entries: Entry[], files: PlannedFile[], existing: ReadonlyMap<string, string>, indexed: ReadonlyArray<{ id: string; name: string; label: string }>): PlannedFile[] {
  const updates = new Map<string, PlannedFile>();
  entries.forEach((e, i) => {
    if (!e.supersedes?.length) return;
    const mine = files[i]!;
    const label = indexed[i]!.label;
    const refs: string[] = [];
    for (const id of e.supersedes) {
      const planned = files.find((f) => f !== mine && f.entries.includes(id));
      const name = planned
        ? planned.path.slice(dir.length + 1)
        : [...existing].find(([n, text]) => !n.match(/^(readme|index)\.md$/i) && sourceIds(text).includes(id))?.[0];
      if (!name) {
        refs.push(`entry \`${id}\``);
        continue;
      }
      const old = planned ?? updates.get(name);
      const text = old ? old.content : existing.get(name)!;
      const oldLabel = indexed.find((x) => x.name === name)?.label ?? writtenLabel(name) ?? name.replace(/\.md$/i, "");
      refs.push(`[${oldLabel}](${name})`);
      const marked = supersededStatus(text, label);
      if (old) old.content = marked;
      else updates.set(name, { path: `${dir}/${name}`, action: "update", kind: "adr", entries: [], content: marked });
    }
    mine.content = afterHeading(mine.content, `Supersedes ${listed(refs)}.`);
  });
  return [...updates.values()];
}

/** `a`, `a and b`, `a, b and c`. */
const listed = (parts: readonly string[]): string => (parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`);

/** The text with a paragraph after its first `#` heading (after its frontmatter). */
function afterHeading(text: string, paragraph: string): string {
  const { lines, ...shape } = splitLines(text);
  const at = lines.findIndex((l) => /^#\s/.test(l));
  if (at < 0) return joinLines([paragraph, "", ...lines], shape);
  return joinLines([...lines.slice(0, at + 1), "", paragraph, ...lines.slice(at + 1)], shape);
}

/** An ADR's status made `superseded by <label>`: its frontmatter's `status:`, else its `## Status` section's first line. */
export function supersededStatus(text: string, label: string): string {
  const { lines, ...shape } = splitLines(text);
  const status = `superseded by ${label}`;
  if (lines[0]?.trimEnd() === "---") {
    const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
    const at = lines.findIndex((l, i) => i > 0 && i < end && /^status:/i.test(l));
    if (at > 0) return joinLines(lines.map((l, i) => (i === at ? `status: ${status}` : l)), shape);
  }
  const section = lines.findIndex((l) => /^##\s+status\s*$/i.test(l));
  if (section >= 0) {
    const first = lines.findIndex((l, i) => i > section && l.trim() !== "");
    if (first > 0 && !/^#/.test(lines[first]!)) return joinLines(lines.map((l, i) => (i === first ? `Superseded by ${label}` : l)), shape);
  }
  return afterHeading(text, `Status: ${status}.`);
}

/**
 * How a new ADR is headed when no ADR of the folder tells: by its label (`ADR-004: Title`), as adr-tools
 * heads bare numbers (`4. Title`), or, dated, by its title alone (log4brains).
 */
function defaultHeading(style: AdrStyle): AdrHeadingStyle {
  if (style.kind === "date") return { kind: "title" };
  return style.prefix === "" ? { kind: "ordinal" } : { kind: "label", joiner: ": " };
}

/** The folder's index files (README.md, index.md) that list ADRs, with lines for the new ones; those with unsaved edits are left alone. */
function indexFiles(dir: string, existing: ReadonlyMap<string, string>, docs: ReadonlyMap<string, AdrDoc>, added: Array<IndexedAdr & { id: string }>, input: HarvestInput, planned: PlannedFile[]): PlannedFile[] {
  const out: PlannedFile[] = [];
  for (const [name, text] of existing) {
    const path = `${dir}/${name}`;
    if (!isAdrIndex(name) || input.unsaved?.has(path)) continue;
    const at = planned.findIndex((f) => f.path === path);
    const earlier = at >= 0 ? planned.splice(at, 1)[0] : undefined;
    const updated = addToAdrIndex(earlier?.content ?? text, docs, added);
    if (updated === null) {
      if (earlier) out.push(earlier);
      continue;
    }
    out.push({ path, action: "update", kind: "index", entries: [], lists: [...(earlier?.lists ?? []), ...added.map((a) => a.id)], content: updated });
  }
  return out;
}

/** Frontmatter keys the folder's ADRs all carry (`parent: Decisions`, `nav_order: <number>`), added to a new ADR that lacks them. */
function withSharedKeys(content: string, shared: readonly SharedKey[], number: number | undefined): string {
  if (shared.length === 0) return content;
  const m = /^---\r?\n([\s\S]*?)^---[ \t]*$/m.exec(content);
  if (!m || m.index !== 0) return content;
  const has = new Set([...m[1]!.matchAll(/^([A-Za-z_][\w-]*)\s*:/gm)].map((k) => k[1]!.toLowerCase()));
  const eol = content.includes("\r\n") ? "\r\n" : "\n";
  const lines = shared.flatMap((k) => {
    if (has.has(k.key.toLowerCase())) return [];
    if ("number" in k) return number === undefined ? [] : [`${k.key}: ${number}`];
    return [`${k.key}: ${yamlScalar(k.value)}`];
  });
  if (lines.length === 0) return content;
  const end = 4 + (content.startsWith("---\r\n") ? 1 : 0) + m[1]!.length;
  return content.slice(0, end) + lines.map((l) => l + eol).join("") + content.slice(end);
}

function vars(e: Entry, date: string): Record<string, string> {
  return {
    id: e.id,
    title: e.title,
    author: e.author,
    created: e.createdAt,
    day: dayOf(e, date),
    type: e.type,
    date,
    body: e.body || "_No details were given._",
    tags: e.tags.length ? `, tags: ${e.tags.join(", ")}` : "",
    digest: entryDigest(e),
  };
}

/** Fills `{{name}}` placeholders in one pass, so text inside a value is never expanded again. */
export function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/**
 * A file-name-safe slug: ASCII letters and digits joined by single dashes, at most 60 characters.
 * Whatever the title holds (`../`, quotes, `$(...)`, slashes), the result cannot leave its folder.
 */
export function slugify(title: string, fallback: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || fallback;
}
