/**
 * Planning a harvest. Pure: the bank, the config, the existing docs and templates in; every file to write
 * and every entry to remove out. The plan is what `--dry-run` prints and what `harvest` applies in one commit.
 */
import { createEntry, parseBuffer, serializeBuffer, type BufferDoc, type Entry } from "./entries.js";
import { adrNumber } from "./adr.js";
import { bufferLabel, BUFFER_NAMES, DEFAULT_TYPE, type BufferName, type Config } from "./config.js";
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
  /** Patterns reference text, or null when it does not exist yet. */
  patternsDoc: string | null;
  /** File names in the post-mortems folder, with their texts. */
  postMortems: Map<string, string>;
  /** File names in the ADR folder, with their texts. */
  adrs: Map<string, string>;
  templates: Templates;
  /** Today, ISO date (YYYY-MM-DD). */
  date: string;
  /** Harvest every non-empty buffer, not only those at their threshold. */
  all?: boolean;
  /** Only this buffer. */
  only?: BufferName;
  /** Decisions accepted to become ADRs; the others stay in the inbox. */
  acceptDecision: (entry: Entry) => boolean;
}

export interface PlannedFile {
  path: string;
  action: "create" | "update";
  kind: "patterns" | "post-mortem" | "adr";
  /** Entry ids this file receives. */
  entries: string[];
  /** ADR number, for ADRs. */
  number?: number;
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
}

export interface HarvestPlan {
  buffers: BufferPlan[];
  files: PlannedFile[];
  /** True when nothing would change. */
  empty: boolean;
}

/** Decisions this harvest would turn into ADRs if accepted: for asking, before planning. */
export function decisionCandidates(input: Omit<HarvestInput, "acceptDecision">): Entry[] {
  const doc = parseBuffer(input.buffers.decisions.text, { file: input.buffers.decisions.path, defaultType: DEFAULT_TYPE.decisions });
  if (!isSelected(input, "decisions", doc)) return [];
  const done = harvestedTexts(input);
  return doc.entries.filter((e) => !done.has(e.id));
}

export function planHarvest(input: HarvestInput): HarvestPlan {
  const { config } = input;
  const done = harvestedTexts(input);
  const files: PlannedFile[] = [];
  const buffers: BufferPlan[] = [];

  for (const name of BUFFER_NAMES) {
    const { path, text } = input.buffers[name];
    const doc = parseBuffer(text, { file: path, defaultType: DEFAULT_TYPE[name] });
    const cfg = config.buffers[name];
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
    buffers.push(plan);
    if (!plan.selected) continue;

    const take: Entry[] = [];
    for (const e of doc.entries) {
      const harvestedAs = done.get(e.id);
      if (harvestedAs !== undefined) (stillTheSame(e, harvestedAs) ? plan.alreadyHarvested : plan.editedSinceHarvest).push(e.id);
      else if (name === "decisions" && !input.acceptDecision(e)) plan.kept.push(e.id);
      else take.push(e);
    }
    plan.harvested = take.map((e) => e.id);
    if (take.length > 0) files.push(...writeTargets(name, take, input, files));
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
  const cfg = input.config.buffers[name];
  return (cfg.unit === "lines" ? countLines(doc) : doc.entries.length) >= cfg.threshold;
}

/**
 * What the docs already hold, by entry id: the Patterns.md entry's text, or the whole post-mortem or ADR
 * that names the id in a `source:` line.
 */
export function harvestedTexts(input: Pick<HarvestInput, "patternsDoc" | "postMortems" | "adrs">): Map<string, string> {
  const found = new Map<string, string>();
  if (input.patternsDoc) {
    for (const e of readEntriesLoosely(input.patternsDoc)) found.set(e.id, e.lines.join("\n"));
  }
  for (const text of [...input.postMortems.values(), ...input.adrs.values()]) {
    for (const id of sourceIds(text)) found.set(id, text);
  }
  return found;
}

/** The entry ids a post-mortem or ADR names in `source:` lines: how a doc records what it was made from. */
export function sourceIds(text: string): string[] {
  return [...text.matchAll(/^source:[ \t]*["']?([^\s"']+)/gm)].map((m) => m[1]!);
}

export const harvestedIds = (input: Pick<HarvestInput, "patternsDoc" | "postMortems" | "adrs">): Set<string> =>
  new Set(harvestedTexts(input).keys());

/** Whether the docs' copy still holds the entry's title and body as they are now (templates add around them). */
function stillTheSame(e: Entry, harvestedAs: string): boolean {
  const normalize = (t: string) => t.replace(/\r\n/g, "\n");
  const doc = normalize(harvestedAs);
  return doc.includes(e.title) && (e.body === "" || doc.includes(normalize(e.body)));
}

/** Entries of Patterns.md; a file people broke by hand still yields the entries that can be read. */
function readEntriesLoosely(text: string): Entry[] {
  try {
    return parseBuffer(text).entries;
  } catch {
    return [];
  }
}

function writeTargets(name: BufferName, entries: Entry[], input: HarvestInput, planned: PlannedFile[]): PlannedFile[] {
  const target = input.config.buffers[name].target.replace(/\/+$/, "");
  if (name === "patterns") return [patternsFile(target, entries, input)];
  if (name === "lessons") return lessonFiles(target, entries, input, planned);
  return adrFiles(target, entries, input);
}

function patternsFile(path: string, entries: Entry[], input: HarvestInput): PlannedFile {
  const doc = parseBuffer(input.patternsDoc ?? input.templates.patterns, { file: path });
  for (const e of entries) {
    const provenance = `_Pattern by ${e.author}, ${e.createdAt}, harvested ${input.date}._`;
    doc.entries.push(createEntry({ ...e, body: e.body ? `${e.body}\n\n${provenance}` : provenance }));
  }
  return { path, action: input.patternsDoc === null ? "create" : "update", kind: "patterns", entries: entries.map((e) => e.id), content: serializeBuffer(doc) };
}

function lessonFiles(dir: string, entries: Entry[], input: HarvestInput, planned: PlannedFile[]): PlannedFile[] {
  const taken = new Set([...input.postMortems.keys(), ...planned.map((f) => f.path.split("/").pop()!)]);
  return entries.map((e) => {
    const base = `${(e.createdAt || input.date).slice(0, 10)}-${slugify(e.title, "lesson")}`;
    let name = `${base}.md`;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}.md`;
    taken.add(name);
    return { path: `${dir}/${name}`, action: "create", kind: "post-mortem", entries: [e.id], content: render(input.templates.postMortem, vars(e, input.date)) };
  });
}

function adrFiles(dir: string, entries: Entry[], input: HarvestInput): PlannedFile[] {
  let next = Math.max(0, ...[...input.adrs.keys()].map((n) => adrNumber(n) ?? 0)) + 1;
  const digits = input.config.adr.digits;
  return entries.map((e) => {
    const number = next++;
    const padded = String(number).padStart(digits, "0");
    const path = `${dir}/ADR-${padded}-${slugify(e.title, "decision")}.md`;
    const content = render(input.templates.adr, { ...vars(e, input.date), number: padded });
    return { path, action: "create", kind: "adr", entries: [e.id], number, content };
  });
}

function vars(e: Entry, date: string): Record<string, string> {
  return {
    id: e.id,
    title: e.title,
    author: e.author,
    created: e.createdAt,
    type: e.type,
    date,
    body: e.body || "_No details were given._",
    tags: e.tags.length ? `, tags: ${e.tags.join(", ")}` : "",
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
