/** `memory add`: append an entry to the buffer of its type. */
import { appendText, createEntry, isIsoTime, parseBuffer } from "../core/entries.js";
import { findItem } from "../core/query.js";
import { readItems } from "../bank/query.js";
import { bufferConfig, bufferLabel, entryTypes, resolveType, suggestType } from "../core/config.js";
import { isoSeconds, now } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { bufferStatus, type BufferStatus } from "../core/thresholds.js";
import { MemoryError } from "../core/errors.js";
import type { Persona } from "../core/persona.js";
import { readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import { PRIVATE_HEADER, PRIVATE_PLACE, privateFile } from "../bank/private.js";
import { appendEntry } from "../bank/files.js";
import { openWorkspace, requireBank, requirePersona, type Workspace } from "../bank/workspace.js";
import { locked } from "./session.js";

export interface AddOptions {
  cwd?: string;
  type: string;
  title: string;
  body?: string;
  tags?: string[];
  /** An entry this one replaces (id or unique prefix). */
  supersedes?: string;
  /** Entries this one relates to (ids or unique prefixes). */
  related?: string[];
  /** A day (YYYY-MM-DD), a time, or a count of days from now (`30d`). */
  expires?: string;
  /** Keep it in this clone only (the git dir), never shared. */
  private?: boolean;
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

/** The full ids of the entries named by `--supersedes` and `--related` (each must exist, here or in the docs). */
async function resolveLinks(ws: Workspace, options: AddOptions): Promise<{ supersedes?: string[]; related?: string[] }> {
  const wanted = [...(options.supersedes !== undefined ? [options.supersedes] : []), ...(options.related ?? [])];
  if (wanted.length === 0) return {};
  // Archived entries count: a new entry may supersede or relate to one that cleanup moved to the archive.
  const items = await readItems(ws, "worktree", { archive: true });
  const resolve = (key: string, flag: string): string => {
    const found = findItem(items, key);
    if (!found || found.id === found.file) throw new MemoryError("usage", `no entry with id "${key}" for ${flag} (in the bank or the docs)`);
    return found.id;
  };
  const out: { supersedes?: string[]; related?: string[] } = {};
  if (options.supersedes !== undefined) out.supersedes = [resolve(options.supersedes, "--supersedes")];
  if (options.related?.length) out.related = [...new Set(options.related.map((r) => resolve(r, "--related")))];
  return out;
}

/** `2027-01-31`, an ISO time, or `30d` (days from `at`): the day or time an entry expires. */
export function expiryDay(value: string, at: Date): string {
  const days = /^(\d{1,5})d$/.exec(value.trim());
  if (days) return new Date(at.getTime() + Number(days[1]) * 86_400_000).toISOString().slice(0, 10);
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)) return v;
  if (isIsoTime(v)) return v;
  throw new MemoryError("usage", `--expires takes a day like 2027-01-31, an ISO time, or a count of days like 30d, not "${value}"`);
}

/** A private note: the same entry format, in the git dir. */
async function addPrivate(ws: Workspace, options: AddOptions, e: { type: string; author: string; at: Date; name: string }): Promise<AddResult> {
  const path = privateFile(ws);
  const before = (await readTextIfExists(path)) ?? PRIVATE_HEADER;
  const entry = createEntry({
    id: newId(e.at.getTime()),
    type: e.type,
    author: e.author,
    createdAt: isoSeconds(e.at),
    title: options.title,
    tags: options.tags ?? [],
    body: options.body ?? "",
    ...(options.expires !== undefined ? { expires: expiryDay(options.expires, e.at) } : {}),
  });
  await writeTextAtomic(path, appendText(before, entry));
  const cfg = bufferConfig(ws.config, e.name);
  const doc = parseBuffer(appendText(before, entry), { file: PRIVATE_PLACE });
  return { id: entry.id, file: PRIVATE_PLACE, status: { ...bufferStatus(e.name, bufferLabel(cfg), PRIVATE_PLACE, cfg, doc, ws.config.near), near: false, ready: false } };
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
    if (options.private) return addPrivate(ws, options, { type, author, at, name });
    const links = await resolveLinks(ws, options);
    const entry = createEntry({
      id: newId(at.getTime()),
      type,
      author,
      createdAt: isoSeconds(at),
      title: options.title,
      tags: options.tags ?? [],
      body: options.body ?? "",
      ...links,
      ...(options.expires !== undefined ? { expires: expiryDay(options.expires, at) } : {}),
    });
    const { file, counts } = await appendEntry(ws, name, entry, vars);
    const cfg = bufferConfig(ws.config, name);
    return { id: entry.id, file: file.rel, status: bufferStatus(name, bufferLabel(cfg), file.rel, cfg, counts, ws.config.near) };
  });
}

