/** `memory add`: append an entry to the buffer of its type. */
import { createEntry, serializeBuffer } from "../core/entries.js";
import { bufferConfig, bufferLabel, entryTypes, resolveType, suggestType } from "../core/config.js";
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

export async function add(options: AddOptions): Promise<AddResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  const match = resolveType(ws.config, options.type);
  if (!match) {
    const hint = suggestType(ws.config, options.type);
    throw new MemoryError(
      "usage",
      `unknown entry type "${options.type}"${hint ? ` (did you mean "${hint}"?)` : ""}; use one of: ${entryTypes(ws.config).join(", ")}`,
    );
  }
  const { type, buffer: name } = match;
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
    const cfg = bufferConfig(ws.config, name);
    return { id: entry.id, file: file.rel, status: bufferStatus(name, bufferLabel(cfg), file.rel, cfg, doc, ws.config.near) };
  }, options.onWait);
}

