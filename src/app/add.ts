/** `memory add`: append an entry to the buffer of its type. */
import { appendText, createEntry, unclosedFence } from "../core/entries.js";
import { bufferConfig, bufferLabel, entryTypes, resolveType, suggestType } from "../core/config.js";
import { isoSeconds, now } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { bufferStatus, type BufferStatus } from "../core/thresholds.js";
import { MemoryError, ParseError } from "../core/errors.js";
import type { Persona } from "../core/persona.js";
import { writeBytesAtomic } from "../infra/fs.js";
import { loadBuffer } from "../bank/files.js";
import { openWorkspace, requireBank, requirePersona } from "../bank/workspace.js";
import { locked } from "./session.js";

export interface AddOptions {
  cwd?: string;
  type: string;
  title: string;
  body?: string;
  tags?: string[];
  persona?: string;
  env?: NodeJS.ProcessEnv;
  onWait?: (holder: string) => void;
  onPersona?: (persona: Persona) => void;
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
  const found = requirePersona(ws, options.persona);
  options.onPersona?.(found);
  const author = found.name;
  const at = now(ws.env);

  return locked(ws, options, async () => {
    const vars = { persona: author, now: isoSeconds(at) };
    const { file, doc, bytes } = await loadBuffer(ws, name, vars);
    const open = unclosedFence(bytes.toString("latin1"));
    if (open) {
      throw new ParseError(file.rel, open, "a code fence opens here and never closes, so a new entry would land inside it", "close the fence (a line of ```), then add again");
    }
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
    // Appended as bytes: latin1 maps each byte to one character and back, so other entries' bytes are
    // written exactly as read, valid UTF-8 or not; the new entry itself is encoded as UTF-8.
    const appended = appendText(bytes.toString("latin1"), { ...entry, lines: entry.lines.map((l) => Buffer.from(l, "utf8").toString("latin1")) });
    await writeBytesAtomic(file.abs, Buffer.from(appended, "latin1"));
    const cfg = bufferConfig(ws.config, name);
    return { id: entry.id, file: file.rel, status: bufferStatus(name, bufferLabel(cfg), file.rel, cfg, doc, ws.config.near) };
  });
}

