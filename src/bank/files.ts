/** Reading and writing the bank's files: the edge between the pure core and the disk. */
import { readFile } from "../infra/quick-fs.js";
import { join } from "node:path";
import { appendText, countLines, unclosedFence, type BufferDoc, type Entry } from "../core/entries.js";
import { countBufferOnce, parseBufferOnce, parsedAlready } from "../core/parse-once.js";
import { checkedBuffer, checkedCounts } from "./checked.js";
import { newSection, parseContext } from "../core/context.js";
import { ParseError } from "../core/errors.js";
import { conflictMarkerLine, splitLines } from "../core/text.js";
import { bufferConfig, bufferLabel, defaultType, type BufferName } from "../core/config.js";
import { bufferStatus, type BufferCounts, type BufferStatus } from "../core/thresholds.js";
import { readBytesIfExists, readTextIfExists, writeBytesAtomic } from "../infra/fs.js";
import { templatesDir } from "../infra/paths.js";
import { bankFile, type BankFile, type BankFileKey, type Workspace } from "./workspace.js";

/** The template of each of the tool's own bank files; a team's own buffer gets a generated header. */
export const TEMPLATE_FILES: Readonly<Record<string, string>> = {
  context: "activeContext.md",
  patterns: "patterns-buffer.md",
  lessons: "lessons-buffer.md",
  decisions: "decisions-inbox.md",
  handoffs: "handoffs.md",
  tasks: "tasks.md",
  log: "SESSION_LOG.md",
};

export interface LoadedBuffer {
  file: BankFile;
  /** The file's entries, or the template's when the file does not exist yet. */
  doc: BufferDoc;
  /** The file's bytes as they are (the template's when it does not exist yet). */
  bytes: Buffer;
}

export async function loadBuffer(ws: Workspace, name: BufferName, vars?: TemplateVars): Promise<LoadedBuffer> {
  const file = bankFile(ws, name);
  const stored = await readBytesIfExists(file.abs);
  const bytes = stored ?? Buffer.from(await renderTemplate(ws, name, vars ?? { persona: "", now: "" }), "utf8");
  return { file, bytes, doc: parseBufferOnce(bytes.toString("utf8"), { file: file.rel, defaultType: defaultType(ws.config, name) }) };
}

/**
 * Appends `entry` to a buffer file (made from its template when missing), as bytes: what is there is written
 * back exactly as read, valid UTF-8 or not, and the entry itself is UTF-8. The file is checked first as a
 * parse checks it, without building its entries: one found sound before is known by its identity, or by the
 * entries appended since (`checkedBuffer`). Refuses a file whose code fence never closes (the entry would
 * land inside it). Returns the file and how full the buffer is with the entry.
 */
export async function appendEntry(ws: Workspace, name: BufferName, entry: Entry, vars: TemplateVars): Promise<{ file: BankFile; counts: BufferCounts }> {
  const file = bankFile(ws, name);
  const found = await checkedBuffer(ws.gitDir, file.abs, file.rel);
  const bytes = (found ? await readBytesIfExists(file.abs) : null) ?? Buffer.from(await renderTemplate(ws, name, vars), "utf8");
  // latin1 maps each byte to one character and back.
  const existing = bytes.toString("latin1");
  const open = unclosedFence(existing);
  if (open) {
    throw new ParseError(file.rel, open, "a code fence opens here and never closes, so a new entry would land inside it", "close the fence (a line of ```), then add again");
  }
  const before = found?.counts ?? countBufferOnce(bytes.toString("utf8"), { file: file.rel });
  await writeBytesAtomic(file.abs, Buffer.from(appendText(existing, { ...entry, lines: entry.lines.map((l) => Buffer.from(l, "utf8").toString("latin1")) }), "latin1"));
  return { file, counts: { lines: before.lines + countLines({ shape: { bom: false, eol: "\n" }, header: [], entries: [entry] }), items: before.items + 1, unmarked: before.unmarked } };
}

/** How full a buffer is: from the parse the command already made of it, else counted without building its entries. */
export async function loadBufferStatus(ws: Workspace, name: BufferName): Promise<BufferStatus> {
  const file = bankFile(ws, name);
  const cfg = bufferConfig(ws.config, name);
  const counts = async (): Promise<BufferDoc | BufferCounts> => {
    const found = await checkedBuffer(ws.gitDir, file.abs, file.rel);
    if (found) return found.counts;
    const text = await renderTemplate(ws, name, { persona: "", now: "" });
    return parsedAlready(text, defaultType(ws.config, name)) ?? (await checkedCounts(ws.gitDir, text, file.rel));
  };
  return bufferStatus(name, bufferLabel(cfg), file.rel, cfg, await counts(), ws.config.near);
}

export interface TemplateVars {
  persona: string;
  now: string;
}

export async function renderTemplate(ws: Workspace, key: BankFileKey, vars: TemplateVars): Promise<string> {
  const own = TEMPLATE_FILES[key];
  if (own === undefined) {
    const cfg = bufferConfig(ws.config, key);
    const title = bufferLabel(cfg).replace(/[-_]+/g, " ").replace(/^./, (c) => c.toUpperCase());
    return `# ${title}\n\nEntries of type ${cfg.types.join(", ")}, added with \`memory add ${cfg.types[0]} "…"\`; merged by entry across clones.\n`;
  }
  const text = await readFile(join(templatesDir, "bank", own), "utf8");
  // {{section}}: the persona's own section of activeContext (its marker quotes what needs quoting).
  const section = newSection(vars.persona, vars.now || undefined).join("\n");
  return text.replace(/\{\{(persona|now|section)\}\}/g, (_, name: keyof TemplateVars | "section") => (name === "section" ? section : vars[name]));
}

/** Why a bank file cannot be used as it is: gone, conflict markers in it, or entries or sections that do not read. */
export type FileProblem = { kind: "missing"; file: string } | { kind: "markers" | "parse"; file: string; error: ParseError };

/**
 * Reads a bank file and says what stands in the way of using it, if anything. One check for everything
 * that refuses (start, save, harvest) and for `doctor`, which lists the same problems.
 */
export async function inspectBankFile(ws: Workspace, f: BankFile): Promise<{ text: string | null; problem?: FileProblem }> {
  const text = await readTextIfExists(f.abs);
  return inspectText(ws, f, text);
}

/**
 * As `inspectBankFile`, for the checks before a sync, which need no text: a big buffer whose file is the one
 * last found sound is not read again (`checkedBuffer`).
 */
export async function checkBankFile(ws: Workspace, f: BankFile): Promise<FileProblem | undefined> {
  if (!f.buffer) return (await inspectBankFile(ws, f)).problem;
  try {
    const found = await checkedBuffer(ws.gitDir, f.abs, f.rel);
    return found ? undefined : { kind: "missing", file: f.rel };
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    return { kind: err.kind === "markers" ? "markers" : "parse", file: f.rel, error: err };
  }
}

async function inspectText(ws: Workspace, f: BankFile, text: string | null): Promise<{ text: string | null; problem?: FileProblem }> {
  if (text === null) return { text, problem: { kind: "missing", file: f.rel } };
  // A buffer is checked as a parse checks it (conflict markers first), without building its entries: a
  // command that needs them parses then.
  if (!f.buffer) {
    const line = conflictMarkerLine(splitLines(text).lines);
    if (line) return { text, problem: { kind: "markers", file: f.rel, error: new ParseError(f.rel, line, "git conflict markers", undefined, "markers") } };
  }
  try {
    if (f.buffer) await checkedCounts(ws.gitDir, text, f.rel);
    else if (f.key === "context") parseContext(text, { file: f.rel });
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    return { text, problem: { kind: err.kind === "markers" ? "markers" : "parse", file: f.rel, error: err } };
  }
  return { text };
}
