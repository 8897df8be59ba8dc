/** `memory recall`: ranked search over the bank and the docs (show and list are in lookup.ts). */
import { isoSeconds, now } from "../core/clock.js";
import { MemoryError } from "../core/errors.js";
import { filterItems, type ItemFilter } from "../core/query.js";
import { DEFAULT_HALF_LIVES, isExpired, RANKED_DOWN, recency, snippet } from "../core/recall.js";
import { openIndex, type IndexedItem, type RecallIndex } from "../bank/recall-index.js";
import { openWorkspace, type Workspace } from "../bank/workspace.js";

export interface RecallOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  query: string;
  filter?: ItemFilter;
  limit?: number;
  /** Also superseded and expired items (ranked down). */
  all?: boolean;
  /** Also the entries cleanup moved to the bank's archive (ranked down, as superseded or expired ones are). */
  archived?: boolean;
}

export interface RecallResult {
  id: string;
  title: string;
  type: string;
  author: string;
  at: string;
  tags: string[];
  /** `archive`: an entry cleanup moved to the bank's archive (shown with --archived only). */
  source: "bank" | "docs" | "private" | "archive";
  file: string;
  line: number;
  score: number;
  snippet: string;
  /** Set when a newer entry supersedes it, or it has expired (shown with --all only). */
  supersededBy?: string;
  expired?: boolean;
  /** Set for an entry of the archive (shown with --archived only). */
  archived?: boolean;
}

export interface RecallReport {
  query: string;
  results: RecallResult[];
  /** Matches left out by --limit. */
  more: number;
}

export async function recall(options: RecallOptions): Promise<RecallReport> {
  if (options.query.trim() === "") throw new MemoryError("usage", "recall needs words to look for");
  const ws = await openWorkspace(options.cwd, options.env);
  return recallIn(ws, await openIndex(ws), options);
}

/** Recall over an index already open and up to date (the MCP server keeps one warm). */
export function recallIn(ws: Workspace, index: RecallIndex, options: Omit<RecallOptions, "cwd" | "env">): RecallReport {
  const query = options.query.trim();
  if (query === "") throw new MemoryError("usage", "recall needs words to look for");
  const at = now(ws.env).getTime();
  const halfLives = { ...DEFAULT_HALF_LIVES, ...ws.config.recall.halfLife };
  // Which entry supersedes each id (the first one read, when several do); archived entries count too.
  const supersedes = new Map<string, string>();
  for (const i of index.items.values()) for (const old of i.supersedes ?? []) if (old !== i.id && !supersedes.has(old)) supersedes.set(old, i.id);
  const hits = index.search.search(query, {
    boost: { title: 3, tags: 2, body: 1 },
    prefix: (term) => term.length >= 3,
    fuzzy: (term) => (term.length >= 4 ? 0.2 : false),
    combineWith: "OR",
  });
  const filter = options.filter ?? {};
  const filtering = Object.values(filter).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0));
  const limit = options.limit ?? 10;
  type Scored = { item: IndexedItem; score: number; terms: string[]; by: string | undefined; expired: boolean; archived: boolean };
  const scored: Scored[] = [];
  let eligible = 0;
  // Hits come best first by text score, and recency only ever lowers a score: once a hit's text score is
  // below the weakest of a full top list, no later hit can enter it. Later hits are only counted.
  let floor = -Infinity;
  for (const hit of hits) {
    const item = index.items.get(String(hit.id));
    if (!item) continue;
    // The archive is searched only when asked; what it holds is shown then, superseded and expired as it mostly is.
    const archived = item.source === "archive";
    if (archived && !options.archived) continue;
    if (filtering && filterItems([{ ...item, text: "" }], filter).length === 0) continue;
    // Superseded: a newer entry says so, or the doc's own status does (an ADR marked by a later harvest).
    const by = supersedes.get(item.id) ?? /^superseded by\s+(.+)$/i.exec(item.status ?? "")?.[1];
    const expired = isExpired(item, at);
    if ((by || expired) && !options.all && !archived) continue;
    eligible++;
    if (hit.score < floor) continue;
    const score = hit.score * recency(item.at, at, item.type, halfLives) * (by || expired || archived ? RANKED_DOWN : 1);
    scored.push({ item, score, terms: hit.terms, by, expired, archived });
    if (scored.length >= limit * 4) {
      scored.sort((a, b) => b.score - a.score);
      scored.length = limit;
      floor = scored[limit - 1]!.score;
    }
  }
  scored.sort((a, b) => b.score - a.score || (a.item.at > b.item.at ? -1 : 1));
  // Snippets only for what is shown.
  const results: RecallResult[] = scored.slice(0, limit).map(({ item, score, terms, by, expired, archived }) => ({
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
    ...(archived ? { archived: true } : {}),
  }));
  return { query, results, more: Math.max(0, eligible - limit) };
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
