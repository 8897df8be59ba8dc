/**
 * `memory edit` and `memory forget`: one entry changed or removed by id, in its buffer, as a hand edit
 * would; the next save commits it and the merges treat it as they treat any edit or removal (the union
 * driver keeps an edit made elsewhere over a removal made here).
 */
import { createEntry, serializeBuffer, type Entry } from "../core/entries.js";
import { MemoryError } from "../core/errors.js";
import { findItem, type Item } from "../core/query.js";
import { writeTextAtomic } from "../infra/fs.js";
import { loadBuffer } from "../bank/files.js";
import { readItems } from "../bank/query.js";
import { openWorkspace, requireBank, type Workspace } from "../bank/workspace.js";
import { locked } from "./session.js";

export interface EditOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  id: string;
  title?: string;
  body?: string;
  tags?: string[];
  onWait?: (holder: string) => void;
}

export interface EditResult {
  id: string;
  file: string;
  /** false when the entry already read so (nothing written). */
  changed: boolean;
}

export async function edit(options: EditOptions): Promise<EditResult> {
  if (options.title === undefined && options.body === undefined && options.tags === undefined) {
    throw new MemoryError("usage", "edit needs --title, -m or --tags");
  }
  return change(options, (e) =>
    createEntry({
      ...e,
      title: options.title ?? e.title,
      body: options.body ?? e.body,
      tags: options.tags ?? e.tags,
    }),
  );
}

export async function forget(options: Omit<EditOptions, "title" | "body" | "tags">): Promise<EditResult & { title: string }> {
  let title = "";
  const res = await change(options, (e) => {
    title = e.title;
    return null;
  });
  return { ...res, title };
}

/** Finds the entry (id or unique prefix) in the bank and rewrites its buffer with it replaced or removed. */
async function change(options: Omit<EditOptions, "title" | "body" | "tags">, replace: (e: Entry) => Entry | null): Promise<EditResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  return locked(ws, options, async () => {
    const item = await locate(ws, options.id);
    const { file, doc } = await loadBuffer(ws, item.buffer!);
    const at = doc.entries.findIndex((e) => e.id === item.id);
    if (at < 0) throw new MemoryError("not-found", `no entry with id "${item.id}" in ${file.rel}`);
    const old = doc.entries[at]!;
    const next = replace(old);
    if (next && next.lines.join("\n") === old.lines.join("\n")) return { id: old.id, file: file.rel, changed: false };
    const entries = next ? doc.entries.map((e, i) => (i === at ? next : e)) : doc.entries.filter((_, i) => i !== at);
    await writeTextAtomic(file.abs, serializeBuffer({ ...doc, entries }));
    return { id: old.id, file: file.rel, changed: true };
  });
}

/** The bank entry an id (or unique prefix) names; a harvested one is pointed to its doc, an archived one to the archive. */
async function locate(ws: Workspace, id: string): Promise<Item> {
  const items = await readItems(ws, "worktree", { archive: true });
  const item = findItem(items, id);
  if (!item || item.id === item.file) throw new MemoryError("not-found", `no entry with id "${id}"`);
  if (item.source === "archive") {
    throw new MemoryError("archived", `entry ${item.id} ("${item.title}") was archived into ${item.file}; the buffers no longer hold it`, { file: item.file });
  }
  if (item.source !== "bank") {
    throw new MemoryError("harvested", `entry ${item.id} ("${item.title}") was harvested into ${item.file}; the bank no longer holds it`, { file: item.file });
  }
  return item;
}
