/**
 * The config file: versioned, validated, every setting optional. Pure: an object in, a resolved config out.
 * An absent file means the defaults; a bad value is an error naming the setting and the fix.
 */
import { MemoryError } from "./errors.js";

export const CONFIG_FILE = ".claude/memory.config.json";
export const CONFIG_VERSION = 1;

export type MergeStrategy = "union" | "latest" | "log";
export type BufferName = "patterns" | "lessons" | "decisions";
export type Unit = "lines" | "items";

export interface FileConfig {
  /** Path inside the bank folder. */
  file: string;
  merge: MergeStrategy;
}

export interface BufferConfig extends FileConfig {
  threshold: number;
  unit: Unit;
  /** Where harvest writes: a file for patterns, a folder for lessons and decisions. Relative to the repo root. */
  target: string;
}

export interface Config {
  version: number;
  /** The bank folder, relative to the repository root. */
  bank: string;
  context: FileConfig;
  log: FileConfig;
  buffers: Record<BufferName, BufferConfig>;
  adr: { digits: number };
  /** Share of a threshold at which a buffer counts as near it. */
  near: number;
}

export const BUFFER_NAMES: readonly BufferName[] = ["patterns", "lessons", "decisions"];

/** Entry types `memory add` accepts, and the buffer each goes to. */
export const TYPE_TO_BUFFER: Readonly<Record<string, BufferName>> = {
  pattern: "patterns",
  lesson: "lessons",
  solution: "lessons",
  bug: "lessons",
  gotcha: "lessons",
  decision: "decisions",
};

/** The type given to a hand-written entry whose marker names none, by the buffer it is in. */
export const DEFAULT_TYPE: Readonly<Record<BufferName, string>> = { patterns: "pattern", lessons: "lesson", decisions: "decision" };

export function defaultConfig(): Config {
  return {
    version: CONFIG_VERSION,
    bank: ".claude/memory-bank",
    context: { file: "activeContext.md", merge: "latest" },
    log: { file: "SESSION_LOG.md", merge: "log" },
    buffers: {
      patterns: { file: "patterns-buffer.md", merge: "union", threshold: 20, unit: "lines", target: "Docs/03-Reference/Patterns.md" },
      lessons: { file: "lessons-buffer.md", merge: "union", threshold: 15, unit: "lines", target: "Docs/06-PostMortems" },
      decisions: { file: "decisions-inbox.md", merge: "union", threshold: 5, unit: "items", target: "Docs/03-Reference/ADR" },
    },
    adr: { digits: 3 },
    near: 0.8,
  };
}

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
  const merge = oneOf("union", "latest", "log");
  const fileInBank = str((s) => (relativePathProblem(s) ?? (s.includes("/") ? "must be a file name inside the bank folder" : undefined)));
  const repoPath = str(relativePathProblem);

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
  const bufferShape: Shape = { ...fileShape, threshold: int(1, 1_000_000), unit: oneOf("lines", "items"), target: repoPath };
  const version = (raw as Record<string, unknown>).version;
  if (version === undefined) fail("version", `is missing; add "version": ${CONFIG_VERSION}`);
  if (typeof version === "number" && version > CONFIG_VERSION) {
    fail("version", `is ${version}, newer than this memory understands (${CONFIG_VERSION}); upgrade memory`);
  }
  apply(config as unknown as Record<string, unknown>, raw, {
    version: int(CONFIG_VERSION, CONFIG_VERSION),
    bank: repoPath,
    context: fileShape,
    log: fileShape,
    buffers: { patterns: bufferShape, lessons: bufferShape, decisions: bufferShape },
    adr: { digits: int(1, 9) },
    near: (v, path) => (typeof v === "number" && v > 0 && v <= 1 ? v : fail(path, "must be a number above 0 and at most 1")),
  }, "");

  const files = [config.context.file, config.log.file, ...BUFFER_NAMES.map((b) => config.buffers[b].file)];
  const twice = files.find((f, i) => files.indexOf(f) !== i);
  if (twice) fail("files", `name "${twice}" twice; each bank file needs its own name`);
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

/** Finds a buffer by its key (`patterns`) or its label (`patterns-buffer`). */
export function findBuffer(config: Config, name: string): BufferName | undefined {
  return BUFFER_NAMES.find((b) => b === name || bufferLabel(config.buffers[b]) === name);
}

function relativePathProblem(p: string): string | undefined {
  if (p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p)) return "must be relative to the repository root";
  if (p.split(/[\\/]/).includes("..")) return "may not contain '..'";
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
