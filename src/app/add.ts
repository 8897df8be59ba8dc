/** `memory add`: append an entry to the buffer of its type. */
import { createEntry, serializeBuffer } from "../core/entries.js";
import { bufferLabel, TYPE_TO_BUFFER } from "../core/config.js";
import { isoSeconds, now } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { bufferStatus, type BufferStatus } from "../core/thresholds.js";
import { MemoryError } from "../core/errors.js";
import { writeTextAtomic } from "../infra/fs.js";
import { withLock } from "../infra/lock.js";
import { loadBuffer } from "../bank/files.js";
import { openWorkspace, requireBank, requirePersona } from "../bank/workspace.js";

export interface AddOptions {
  cwd?: string;
  type: string;
  title: string;
  body?: string;
  tags?: string[];
  persona?: string;
  env?: NodeJS.ProcessEnv;
  onWait?: (holder: string) => void;
}

export interface AddResult {
  id: string;
  /** Repo-relative path of the buffer written. */
  file: string;
  status: BufferStatus;
}

export const ADD_TYPES = Object.keys(TYPE_TO_BUFFER);

export async function add(options: AddOptions): Promise<AddResult> {
  const type = options.type.toLowerCase();
  const name = TYPE_TO_BUFFER[type];
  if (!name) {
    throw new MemoryError("usage", `unknown entry type "${options.type}"; use one of: ${ADD_TYPES.join(", ")}`);
  }
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  const author = requirePersona(ws, options.persona).name;
  const at = now(ws.env);

  return withLock(ws.commonDir, async () => {
    const vars = { persona: author, now: isoSeconds(at) };
    const { file, doc } = await loadBuffer(ws, name, vars);
    const entry = createEntry({
      id: newId(at.getTime()),
      type,
      author,
      createdAt: isoSeconds(at),
      title: options.title,
      tags: options.tags ?? [],
      body: options.body ?? "",
    });
    doc.entries.push(entry);
    await writeTextAtomic(file.abs, serializeBuffer(doc));
    const cfg = ws.config.buffers[name];
    return { id: entry.id, file: file.rel, status: bufferStatus(name, bufferLabel(cfg), file.rel, cfg, doc, ws.config.near) };
  }, options.onWait);
}

