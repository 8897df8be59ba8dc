/** Reading and writing the bank's files: the edge between the pure core and the disk. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseBuffer, type BufferDoc } from "../core/entries.js";
import { bufferLabel, DEFAULT_TYPE, type BufferName } from "../core/config.js";
import { bufferStatus, type BufferStatus } from "../core/thresholds.js";
import { readTextIfExists } from "../infra/fs.js";
import { templatesDir } from "../infra/paths.js";
import { bankFile, type BankFile, type BankFileKey, type Workspace } from "./workspace.js";

export const TEMPLATE_FILES: Record<BankFileKey, string> = {
  context: "activeContext.md",
  patterns: "patterns-buffer.md",
  lessons: "lessons-buffer.md",
  decisions: "decisions-inbox.md",
  log: "SESSION_LOG.md",
};

export interface LoadedBuffer {
  file: BankFile;
  /** The file's entries, or the template's when the file does not exist yet. */
  doc: BufferDoc;
}

export async function loadBuffer(ws: Workspace, name: BufferName, vars?: TemplateVars): Promise<LoadedBuffer> {
  const file = bankFile(ws, name);
  const text = await readTextIfExists(file.abs);
  const source = text ?? (await renderTemplate(name, vars ?? { persona: "", now: "" }));
  return { file, doc: parseBuffer(source, { file: file.rel, defaultType: DEFAULT_TYPE[name] }) };
}

export async function loadBufferStatus(ws: Workspace, name: BufferName): Promise<BufferStatus> {
  const { file, doc } = await loadBuffer(ws, name);
  const cfg = ws.config.buffers[name];
  return bufferStatus(name, bufferLabel(cfg), file.rel, cfg, doc, ws.config.near);
}

export interface TemplateVars {
  persona: string;
  now: string;
}

export async function renderTemplate(key: BankFileKey, vars: TemplateVars): Promise<string> {
  const text = await readFile(join(templatesDir, "bank", TEMPLATE_FILES[key]), "utf8");
  return text.replace(/\{\{(persona|now)\}\}/g, (_, name: keyof TemplateVars) => vars[name]);
}
