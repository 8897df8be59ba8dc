import { createEntry, serializeBuffer } from "../core/entries.js";
import { TYPE_TO_BUFFER } from "../core/config.js";
import { isoSeconds, now } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { bufferStatus, thresholdWarning, type BufferStatus } from "../core/thresholds.js";
import { bufferLabel } from "../core/config.js";
import { ExitCode, MemoryError } from "../errors.js";
import { writeTextAtomic } from "../fs.js";
import { loadBuffer } from "../bank.js";
import { withLock } from "../lock.js";
import { openWorkspace, requireBank, requirePersona } from "../workspace.js";
import { json, type Output } from "../ui.js";

export interface AddOptions {
  cwd?: string;
  type: string;
  title: string;
  body?: string;
  tags?: string[];
  persona?: string;
  env?: NodeJS.ProcessEnv;
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
    throw new MemoryError(`unknown entry type "${options.type}"; use one of: ${ADD_TYPES.join(", ")}`, ExitCode.Usage);
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
  });
}

export function renderAdd(result: AddResult, out: Output, asJson: boolean): void {
  if (asJson) out.data(json({ id: result.id, file: result.file }));
  else out.data(result.id);
  const warning = thresholdWarning(result.status);
  if (warning) out.warn(warning);
}
