/** `memory recall`, `memory show` and `memory list`: the bank and the docs, read back. */
import { isoSeconds, now } from "../core/clock.js";
import { MemoryError } from "../core/errors.js";
import { filterItems, findItem, type Item, type ItemFilter } from "../core/query.js";
import { DEFAULT_HALF_LIVES, isExpired, RANKED_DOWN, recency, snippet } from "../core/recall.js";
import { openIndex, type IndexedItem } from "../bank/recall-index.js";
import { readItems } from "../bank/query.js";
import { openWorkspace, type Workspace } from "../bank/workspace.js";

export interface RecallOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  query: string;
  filter?: ItemFilter;
  limit?: number;
  /** Also superseded and expired items (ranked down). */
  all?: boolean;
}

export interface RecallResult {
  id: string;
  title: string;
  type: string;
  author: string;
  at: string;
  tags: string[];
  source: "bank" | "docs";
  file: string;
  line: number;
  score: number;
  snippet: string;
  /** Set when a newer entry supersedes it, or it has expired (shown with --all only). */
  supersededBy?: string;
  expired?: boolean;
}

export interface RecallReport {
  query: string;
  results: RecallResult[];
  /** Matches left out by --limit. */
  more: number;
}

export async function recall(options: RecallOptions): Promise<RecallReport> {
  const query = options.query.trim();
  if (query === "") throw new MemoryError("usage", "recall needs words to look for");
  const ws = await openWorkspace(options.cwd, options.env);
  const index = await openIndex(ws);
  const at = now(ws.env).getTime();
  const halfLives = { ...DEFAULT_HALF_LIVES, ...ws.config.recall.halfLife };
  const supersedes = new Map<string, string>();
  for (const i of index.items.values()) if (i.supersedes && !supersedes.has(i.supersedes)) supersedes.set(i.supersedes, i.id);
  const hits = index.search.search(query, {
    boost: { title: 3, tags: 2, body: 1 },
    prefix: (term) => term.length >= 3,
    fuzzy: (term) => (term.length >= 4 ? 0.2 : false),
    combineWith: "OR",
  });
  const filter = options.filter ?? {};
  const filtering = Object.values(filter).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0));
  const scored: Array<{ item: IndexedItem; score: number; terms: string[]; by: string | undefined; expired: boolean }> = [];
  for (const hit of hits) {
    const item = index.items.get(String(hit.id));
    if (!item) continue;
    if (filtering && filterItems([{ ...item, text: "" }], filter).length === 0) continue;
    // Superseded: a newer entry says so, or the doc's own status does (an ADR marked by a later harvest).
    const by = supersedes.get(item.id) ?? /^superseded by\s+(.+)$/i.exec(item.status ?? "")?.[1];
    const expired = isExpired(item, at);
    if ((by || expired) && !options.all) continue;
    const score = hit.score * recency(item.at, at, item.type, halfLives) * (by || expired ? RANKED_DOWN : 1);
    scored.push({ item, score, terms: hit.terms, by, expired });
  }
  scored.sort((a, b) => b.score - a.score || (a.item.at > b.item.at ? -1 : 1));
  const limit = options.limit ?? 10;
  // Snippets only for what is shown.
  const results: RecallResult[] = scored.slice(0, limit).map(({ item, score, terms, by, expired }) => ({
    id: item.id,
    title: item.title,
    type: item.type,
    author: item.author,
    at: item.at,
    tags: item.tags,
    source: item.source,
    file: item.file,
    line: item.line,
    score: Math.round(score * 1000) / 1000,
    snippet: snippet(item.body || item.title, [...terms, ...query.split(/\s+/)]),
    ...(by ? { supersededBy: by } : {}),
    ...(expired ? { expired: true } : {}),
  }));
  return { query, results, more: Math.max(0, scored.length - limit) };
}

export interface ShowResult {
  item: Item;
  /** The entry this one replaces, and the entries that replace it. */
  supersedes: Link | null;
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
  source: "bank" | "docs";
}

const link = (i: Item): Link => ({ id: i.id, title: i.title, file: i.file, line: i.line, source: i.source });

export async function show(options: { cwd?: string; env?: NodeJS.ProcessEnv; id: string }): Promise<ShowResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  const items = await readItems(ws);
  const item = findItem(items, options.id);
  if (!item || item.id === item.file) throw new MemoryError("not-found", `no entry or harvested doc with id "${options.id}"`);
  const named = (id: string | undefined) => (id ? items.find((i) => i.id === id && i.source === "bank") ?? items.find((i) => i.id === id) : undefined);
  const sup = named(item.supersedes);
  return {
    item,
    supersedes: sup ? link(sup) : item.supersedes ? { id: item.supersedes, title: "", file: "", line: 0, source: "bank" } : null,
    supersededBy: items.filter((i) => i.supersedes === item.id && i.source === "bank").map(link),
    related: (item.related ?? []).map((id) => named(id)).filter((i): i is Item => !!i).map(link),
    relatedBy: items.filter((i) => i.source === "bank" && i.related?.includes(item.id)).map(link),
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

/** `7d`, `2026-11-01` or an ISO time: the ISO time it means, counted back from now for `Nd`. */
export function sinceTime(value: string, env: NodeJS.ProcessEnv): string {
  const v = value.trim();
  const days = /^(\d{1,5})d$/.exec(v);
  if (days) return isoSeconds(new Date(now(env).getTime() - Number(days[1]) * 86_400_000));
  const day = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v;
  if (Number.isNaN(Date.parse(day))) throw new MemoryError("usage", `--since takes a day like 2026-11-01, an ISO time, or a count of days like 7d, not "${value}"`);
  return isoSeconds(new Date(Date.parse(day)));
}
