/** `memory show` and `memory list`: one entry with its relations, and the bank's entries, newest first. */
import { now } from "../core/clock.js";
import { MemoryError } from "../core/errors.js";
import { filterItems, findItem, type Item, type ItemFilter } from "../core/query.js";
import { isExpired } from "../core/recall.js";
import { readItems } from "../bank/query.js";
import type { IndexedItem } from "../bank/recall-index.js";
import { openWorkspace, type Workspace } from "../bank/workspace.js";

export interface ShowResult {
  item: Item;
  /** The entries this one replaces (one, or the group consolidate made it from), and the entries that replace it. */
  supersedes: Link[];
  supersededBy: Link[];
  /** Entries it names as related, and entries that name it. */
  related: Link[];
  relatedBy: Link[];
  /** The docs that hold its id (where it was harvested to). */
  harvestedTo: Link[];
  expired: boolean;
}

export interface Link {
  id: string;
  title: string;
  file: string;
  line: number;
  source: Item["source"];
}

/** Each id once, the first item read for it (the buffers' copy before the archive's). */
const once = (items: Item[]): Item[] => items.filter((i, k) => items.findIndex((j) => j.id === i.id) === k);

const link = (i: Item): Link => ({ id: i.id, title: i.title, file: i.file, line: i.line, source: i.source });

export async function show(options: { cwd?: string; env?: NodeJS.ProcessEnv; id: string }): Promise<ShowResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  // The archive too: an entry cleanup moved there is still shown, and so are its relations.
  const items = await readItems(ws, "worktree", { archive: true });
  const item = findItem(items, options.id);
  if (!item || item.id === item.file) throw new MemoryError("not-found", `no entry or harvested doc with id "${options.id}"`);
  const named = (id: string) => items.find((i) => i.id === id && i.source === "bank") ?? items.find((i) => i.id === id);
  const entry = (i: Item) => i.source === "bank" || i.source === "archive";
  return {
    item,
    supersedes: (item.supersedes ?? []).map((id) => {
      const found = named(id);
      return found ? link(found) : { id, title: "", file: "", line: 0, source: "bank" as const };
    }),
    supersededBy: once(items.filter((i) => entry(i) && i.id !== item.id && i.supersedes?.includes(item.id))).map(link),
    related: (item.related ?? []).map((id) => named(id)).filter((i): i is Item => !!i).map(link),
    relatedBy: once(items.filter((i) => entry(i) && i.related?.includes(item.id))).map(link),
    harvestedTo: items.filter((i) => i.source === "docs" && i.id === item.id && i !== item).map(link),
    expired: isExpired(item, now(ws.env).getTime()),
  };
}

export async function list(options: { cwd?: string; env?: NodeJS.ProcessEnv; filter?: ItemFilter }): Promise<IndexedItem[]> {
  const ws: Workspace = await openWorkspace(options.cwd, options.env);
  const items = filterItems(await readItems(ws, "worktree", { docs: options.filter?.in !== undefined && options.filter.in !== "bank" }), { in: "bank", ...options.filter });
  return items
    .sort((a, b) => (a.at > b.at ? -1 : a.at < b.at ? 1 : a.id > b.id ? -1 : 1))
    .map(({ text: _text, ...rest }) => rest);
}

