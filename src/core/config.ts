/**
 * The config file: versioned, validated, every setting optional. Pure: an object in, a resolved config out.
 * An absent file means the defaults; a bad value is an error naming the setting and the fix.
 */
import { MemoryError } from "./errors.js";

export const CONFIG_FILE = ".claude/memory.config.json";
export const CONFIG_VERSION = 1;

/**
 * How git merges a file: by entry id (`union`), by persona section and stamp (`latest`), log lines by time
 * (`log`), or line by line keeping both sides of a conflict (`text`).
 */
export type MergeStrategy = "union" | "latest" | "log" | "text";
export const MERGE_STRATEGIES: readonly MergeStrategy[] = ["union", "latest", "log", "text"];
/** A buffer's key in the config (`patterns`, or a team's own, e.g. `preferences`). */
export type BufferName = string;
export type Unit = "lines" | "items";
/**
 * What harvest makes of a buffer's entries: sections of one reference file in entry format (`reference`),
 * one post-mortem per entry in a folder, one numbered ADR per entry in a folder, or nothing.
 */
export type HarvestKind = "reference" | "post-mortem" | "adr" | "none";
export const HARVEST_KINDS: readonly HarvestKind[] = ["reference", "post-mortem", "adr", "none"];

export interface FileConfig {
  /** Path inside the bank folder. */
  file: string;
  merge: MergeStrategy;
}

export interface BufferConfig extends FileConfig {
  /** The entry types this buffer holds; the first is given to hand-written entries whose marker names none. */
  types: string[];
  harvest: HarvestKind;
  threshold: number;
  unit: Unit;
  /** Where harvest writes: a file for `reference`, a folder otherwise. Relative to the repo root; "" for `none`. */
  target: string;
}

/** Another markdown file in the bank folder (Cline's progress.md, say): how git merges it. */
export interface OtherFileConfig {
  merge: MergeStrategy;
}

export interface Config {
  version: number;
  /** The bank folder, relative to the repository root. */
  bank: string;
  context: FileConfig;
  log: FileConfig;
  buffers: Record<BufferName, BufferConfig>;
  /** The bank folder's other files, by name; any `*.md` there not named is merged as `text`. */
  files: Record<string, OtherFileConfig>;
  adr: { digits: number };
  /** Share of a threshold at which a buffer counts as near it. */
  near: number;
  /**
   * Where the bank is synced: `branch` names a branch of its own (`memory`), or `"current"` for the
   * checked-out branch (the original layout). Unset: a bank already committed on the checked-out branch
   * stays there; otherwise the `memory` branch.
   */
  sync: { branch?: string };
  /** Recall: half-lives in days by entry type (`default` for the rest), for ranking recent items up. */
  recall: { halfLife: Record<string, number> };
  /** Consolidate: the similarity (above 0, at most 1) at which two entries count as near-duplicates. */
  consolidate: { threshold: number };
}

/** The bank's archive, in the bank folder: entries `cleanup` moved out of the buffers, merged by entry. */
export const ARCHIVE_FILE = "archive.md";

/** How similar two entries must be for `consolidate` to propose them as one, unless the config says otherwise. */
export const DEFAULT_CONSOLIDATE_THRESHOLD = 0.6;


/** The default branch the bank is synced on, when the config names none and no code branch holds it. */
export const DEFAULT_BANK_BRANCH = "memory";

/** A branch name git accepts (a plain subset: letters, digits, `.`, `_`, `-`, `/` between parts). */
export function isBranchName(s: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/.test(s) && !s.includes("..") && !s.endsWith(".lock") && !s.endsWith(".") && s !== "HEAD";
}

export function defaultConfig(): Config {
  return {
    version: CONFIG_VERSION,
    bank: ".claude/memory-bank",
    context: { file: "activeContext.md", merge: "latest" },
    log: { file: "SESSION_LOG.md", merge: "log" },
    buffers: {
      patterns: {
        file: "patterns-buffer.md", merge: "union", types: ["pattern"],
        harvest: "reference", threshold: 20, unit: "lines", target: "Docs/03-Reference/Patterns.md",
      },
      lessons: {
        file: "lessons-buffer.md", merge: "union", types: ["lesson", "solution", "bug", "gotcha"],
        harvest: "post-mortem", threshold: 15, unit: "lines", target: "Docs/06-PostMortems",
      },
      decisions: {
        file: "decisions-inbox.md", merge: "union", types: ["decision"],
        harvest: "adr", threshold: 5, unit: "items", target: "Docs/03-Reference/ADR",
      },
      handoffs: {
        file: "handoffs.md", merge: "union", types: ["handoff"],
        harvest: "none", threshold: 20, unit: "items", target: "",
      },
      tasks: {
        file: "tasks.md", merge: "union", types: ["task"],
        harvest: "none", threshold: 50, unit: "items", target: "",
      },
    },
    files: {},
    adr: { digits: 3 },
    near: 0.8,
    sync: {},
    recall: { halfLife: {} },
    consolidate: { threshold: DEFAULT_CONSOLIDATE_THRESHOLD },
  };
}

/** How the bank folder's other `*.md` files merge when the config names none. */
export const OTHER_FILES_MERGE: MergeStrategy = "text";

type Check = (value: unknown, path: string) => unknown;
interface Shape {
  [key: string]: Check | Shape;
}

/** Validates a parsed config file and lays it over the defaults. `where` names the file in errors. */
export function resolveConfig(raw: unknown, where = CONFIG_FILE): Config {
  const fail = (path: string, what: string): never => {
    throw new MemoryError("config", `${where}: ${path} ${what}; fix it, or delete the file to use the defaults`);
  };
  const config = defaultConfig();
  if (!isObject(raw)) return fail("the file", "must hold a JSON object");

  const str = (check?: (s: string) => string | undefined): Check => (v, path) => {
    if (typeof v !== "string" || v.trim() === "") return fail(path, "must be a non-empty string");
    const problem = check?.(v);
    return problem ? fail(path, problem) : v;
  };
  const oneOf = (...values: string[]): Check => (v, path) =>
    typeof v === "string" && values.includes(v) ? v : fail(path, `must be one of ${values.map((x) => `"${x}"`).join(", ")}`);
  const int = (min: number, max: number): Check => (v, path) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? v : fail(path, `must be a whole number from ${min} to ${max}`);
  const merge = oneOf(...MERGE_STRATEGIES);
  const share: Check = (v, path) => (typeof v === "number" && v > 0 && v <= 1 ? v : fail(path, "must be a number above 0 and at most 1"));
  const fileInBank = str((s) =>
    relativePathProblem(s) ?? (s.includes("/") || s.includes("\\") || s === "." ? "must be a file name inside the bank folder" : undefined),
  );
  const repoPath: Check = (v, path) => {
    const raw = str(relativePathProblem)(v, path) as string;
    const normal = normalizeRepoPath(raw);
    const problem = ownedPathProblem(normal);
    return problem ? fail(path, problem) : normal;
  };

  const apply = (target: Record<string, unknown>, value: unknown, shape: Shape, path: string): undefined => {
    if (!isObject(value)) return fail(path, "must be an object");
    for (const [key, v] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      const rule = shape[key];
      if (rule === undefined) {
        const hint = closest(key, Object.keys(shape));
        return fail(at, `is not a known setting${hint ? ` (did you mean "${hint}"?)` : ""}`);
      }
      if (typeof rule === "function") target[key] = rule(v, at);
      else apply(target[key] as Record<string, unknown>, v, rule, at);
    }
    return undefined;
  };

  const fileShape: Shape = { file: fileInBank, merge };
  const typeName = /^[a-z][a-z0-9-]*$/;
  const types: Check = (v, path) =>
    Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === "string" && typeName.test(t))
      ? [...v]
      : fail(path, 'must be a non-empty list of lowercase names, e.g. ["preference"]');
  const target: Check = (v, path) => (v === "" ? "" : repoPath(v, path));
  const bufferShape: Shape = {
    ...fileShape,
    types,
    harvest: oneOf(...HARVEST_KINDS),
    threshold: int(1, 1_000_000),
    unit: oneOf("lines", "items"),
    target,
  };
  // A team's own buffer: any name; it needs its file and types, and is never harvested unless it says how.
  const rawBuffers = isObject((raw as Record<string, unknown>).buffers) ? ((raw as Record<string, unknown>).buffers as Record<string, unknown>) : {};
  const bufferShapes: Shape = { patterns: bufferShape, lessons: bufferShape, decisions: bufferShape, handoffs: bufferShape, tasks: bufferShape };
  for (const [name, value] of Object.entries(rawBuffers)) {
    if (name in config.buffers) continue;
    if (!/^[a-z][a-z0-9-]*$/.test(name) || name === "context" || name === "log") {
      fail(`buffers.${name}`, "is not a buffer name (lowercase letters, digits and dashes; not context or log)");
    }
    if (!isObject(value) || value.file === undefined || value.types === undefined) {
      fail(`buffers.${name}`, 'needs at least "file" and "types", e.g. { "file": "preferences.md", "types": ["preference"] }');
    }
    config.buffers[name] = { file: "", merge: "union", types: [], harvest: "none", threshold: 20, unit: "items", target: "" };
    bufferShapes[name] = bufferShape;
  }
  // The bank folder's other files: any file name there, each with its merge.
  const rawFiles = isObject((raw as Record<string, unknown>).files) ? ((raw as Record<string, unknown>).files as Record<string, unknown>) : {};
  const fileShapes: Shape = {};
  for (const name of Object.keys(rawFiles)) {
    fileInBank(name, `files.${name}`);
    config.files[name] = { merge: OTHER_FILES_MERGE };
    fileShapes[name] = { merge };
  }
  const version = (raw as Record<string, unknown>).version;
  // Every setting may be left out, `version` too: a file without one is read as this version.
  if (typeof version === "number" && version > CONFIG_VERSION) {
    fail("version", `is ${version}, newer than this memory understands (${CONFIG_VERSION}); upgrade memory`);
  }
  apply(config as unknown as Record<string, unknown>, raw, {
    version: int(CONFIG_VERSION, CONFIG_VERSION),
    bank: repoPath,
    context: fileShape,
    log: fileShape,
    buffers: bufferShapes,
    files: fileShapes,
    adr: { digits: int(1, 9) },
    near: share,
    sync: { branch: str((s) => (s === "current" || isBranchName(s) ? undefined : 'must be "current" or a branch name such as "memory"')) },
    recall: {
      halfLife: (v, path) => {
        if (!isObject(v)) return fail(path, 'must be an object of days by type, e.g. { "decision": 365, "default": 90 }');
        for (const [k, days] of Object.entries(v)) int(1, 100_000)(days, `${path}.${k}`);
        return { ...v };
      },
    },
    consolidate: { threshold: share },
  }, "");

  const files = [config.context.file, config.log.file, ...bufferNames(config).map((b) => config.buffers[b]!.file)];
  const twice = files.find((f, i) => files.indexOf(f) !== i);
  if (twice) fail("files", `name "${twice}" twice; each bank file needs its own name`);
  const own = Object.keys(config.files).find((f) => files.includes(f));
  if (own) fail(`files.${own}`, "is one of the bank's own files; set its merge where the config defines it");
  // The archive is the bank's too: it merges by entry, and no other file may take its name.
  if (ARCHIVE_FILE in config.files) fail(`files.${ARCHIVE_FILE}`, "is the bank's archive, which always merges by entry");
  if (files.includes(ARCHIVE_FILE)) fail("files", `name "${ARCHIVE_FILE}", the bank's archive; give that file another name`);
  const owner = new Map<string, string>();
  for (const name of bufferNames(config)) {
    const b = config.buffers[name]!;
    for (const t of b.types) {
      const other = owner.get(t);
      if (other) fail(`buffers.${name}.types`, `names "${t}", which buffers.${other} holds already; a type goes to one buffer`);
      owner.set(t, name);
    }
    if (b.harvest !== "none" && b.target === "") fail(`buffers.${name}.target`, `is needed to harvest it as "${b.harvest}"`);
  }
  return config;
}

/** Parses the text of a config file (JSON). */
export function parseConfig(text: string, where = CONFIG_FILE): Config {
  // An empty file is what `memory config --json > file` leaves for a moment (the shell truncates first).
  if (text.trim() === "") return defaultConfig();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MemoryError("config", `${where}: not valid JSON (${(err as Error).message}); fix it, or delete the file to use the defaults`);
  }
  return resolveConfig(raw, where);
}

/** The buffer's name as people see it: its file name without `.md` (`patterns-buffer`). */
export function bufferLabel(buffer: FileConfig): string {
  return buffer.file.replace(/\.md$/i, "");
}

/** The buffers in config order: the defaults first, then a team's own. */
export function bufferNames(config: Config): BufferName[] {
  return Object.keys(config.buffers);
}

/** The config of a buffer known to exist. */
export function bufferConfig(config: Config, name: BufferName): BufferConfig {
  const b = config.buffers[name];
  if (!b) throw new Error(`no buffer "${name}" in the config`);
  return b;
}

/** The type given to a hand-written entry in this buffer whose marker names none. */
export const defaultType = (config: Config, name: BufferName): string => bufferConfig(config, name).types[0] ?? name;

/** Every entry type the config knows, in config order. */
export const entryTypes = (config: Config): string[] => bufferNames(config).flatMap((b) => config.buffers[b]!.types);

/** A word as people type it (`Patterns`, `gotchas`) in the forms to look up: itself, then without a plural ending. */
function forms(word: string): string[] {
  const w = word.trim().toLowerCase();
  const out = [w];
  if (w.endsWith("ies")) out.push(`${w.slice(0, -3)}y`);
  if (w.endsWith("es")) out.push(w.slice(0, -2));
  if (w.endsWith("s")) out.push(w.slice(0, -1));
  return out;
}

export interface TypeMatch {
  type: string;
  buffer: BufferName;
}

/** An entry type by name, singular or plural (`gotchas` → gotcha in lessons); undefined when unknown. */
export function resolveType(config: Config, word: string): TypeMatch | undefined {
  for (const form of forms(word)) {
    for (const buffer of bufferNames(config)) {
      if (config.buffers[buffer]!.types.includes(form)) return { type: form, buffer };
    }
  }
  return undefined;
}

/** The known type nearest a typo (`patern` → pattern), for "did you mean". */
export function suggestType(config: Config, word: string): string | undefined {
  return closest(word, entryTypes(config));
}

/** Finds a buffer by its key (`patterns`), its label (`patterns-buffer`) or one of its types (`pattern`, `gotchas`). */
export function findBuffer(config: Config, name: string): BufferName | undefined {
  const lower = name.trim().toLowerCase();
  return (
    bufferNames(config).find((b) => b === lower || bufferLabel(config.buffers[b]!).toLowerCase() === lower) ??
    resolveType(config, lower)?.buffer
  );
}

function relativePathProblem(p: string): string | undefined {
  if (p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p)) return "must be relative to the repository root";
  if (p.split(/[\\/]/).includes("..")) return "may not contain '..'";
  return undefined;
}

/** `./.claude//memory-bank/` → `.claude/memory-bank`: one spelling per path, so comparisons and git agree. */
export function normalizeRepoPath(p: string): string {
  return p
    .split(/[\\/]+/)
    .filter((part) => part !== "" && part !== ".")
    .join("/");
}

/** Paths a bank or harvest target may never be: the repository itself, git's own folder, files memory keeps. */
function ownedPathProblem(p: string): string | undefined {
  if (p === "") return "must name a file or folder inside the repository, not its root";
  if (p.split("/").some((part) => part.toLowerCase() === ".git")) return "may not be inside .git";
  if (p === ".gitattributes" || p === CONFIG_FILE) return `may not be ${p}, a file memory writes itself`;
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The known key nearest to a typo (edit distance at most 2). */
function closest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
