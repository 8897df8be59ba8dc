/**
 * Ranking and snippets for `memory recall`, pure. The text score comes from the index (BM25+ with field
 * boosts, prefix and fuzzy matches); here it is weighed by how recent the item is (an exponential
 * half-life per type, with a floor so that an old answer that fits still beats a new one that barely
 * does) and ranked down when a newer entry supersedes it or it has expired.
 */
import type { Item } from "./query.js";

/** Half-lives in days, by entry type; `default` for the rest. */
export type HalfLives = Record<string, number>;

export const DEFAULT_HALF_LIVES: HalfLives = { default: 90, pattern: 180, decision: 365, lesson: 120, doc: 365 };

/** Share of the text score an item keeps however old it is. */
const RECENCY_FLOOR = 0.3;
/** What a superseded or expired item keeps of its score (when shown at all, with `--all`). */
export const RANKED_DOWN = 0.1;

/** 1 for an item written now, falling towards the floor with the type's half-life; items without a date count as half-way. */
export function recency(at: string, now: number, type: string, halfLives: HalfLives = DEFAULT_HALF_LIVES): number {
  const t = at ? Date.parse(at.length === 10 ? `${at}T00:00:00Z` : at) : Number.NaN;
  const half = halfLives[type] ?? halfLives.default ?? DEFAULT_HALF_LIVES.default!;
  const decay = Number.isNaN(t) ? 0.5 : 2 ** (-Math.max(0, now - t) / 86_400_000 / half);
  return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * decay;
}

/** Whether an item's `expires` day or time has passed. */
export function isExpired(item: Pick<Item, "expires">, now: number): boolean {
  if (!item.expires) return false;
  const t = Date.parse(item.expires.length === 10 ? `${item.expires}T23:59:59Z` : item.expires);
  return !Number.isNaN(t) && t < now;
}

/**
 * One line of the item's text around the first place any of `terms` occurs (case-insensitive), about
 * `width` characters, with `…` where it was cut; the start of the body when none occurs.
 */
export function snippet(text: string, terms: readonly string[], width = 160): string {
  const flat = text.replace(/<!--[\s\S]*?-->/g, " ").replace(/[#>*_`|]+/g, " ").replace(/\s+/g, " ").trim();
  if (flat.length <= width) return flat;
  const lower = flat.toLowerCase();
  let at = -1;
  for (const t of terms) {
    const i = lower.indexOf(t.toLowerCase());
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at < 0) return `${flat.slice(0, width).trimEnd()}…`;
  const start = Math.max(0, at - Math.floor(width / 3));
  const end = Math.min(flat.length, start + width);
  return `${start > 0 ? "…" : ""}${flat.slice(start, end).trim()}${end < flat.length ? "…" : ""}`;
}

/**
 * The sections of a markdown file people wrote (a doc under Docs/ that harvest did not make), one per
 * `#`/`##` heading outside code fences, each an item with the file's path and heading as its id. Text
 * before the first heading is a section titled by the file's name.
 */
export function sectionItems(text: string, file: string): Item[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: Item[] = [];
  let fence: string | null = null;
  let title = file.split("/").pop()!.replace(/\.md$/i, "");
  let start = 0;
  let headed = false;
  const flush = (end: number) => {
    const body = lines.slice(headed ? start + 1 : start, end).join("\n").trim();
    if (body === "" && !headed) return; // nothing before the first heading
    const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "section";
    const id = `${file}#${slug}`;
    const taken = out.filter((i) => i.id === id || i.id.startsWith(`${id}-`)).length;
    out.push({ id: taken ? `${id}-${taken + 1}` : id, type: "doc", author: "", at: "", title, tags: [], body, source: "docs", file, line: start + 1, text: body });
  };
  lines.forEach((line, i) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) fence = fence === null ? f[1]![0]! : fence === f[1]![0] ? null : fence;
    if (fence !== null || f) return;
    const h = /^(#{1,2})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!h) return;
    if (i > start || headed) flush(i);
    title = h[2]!;
    start = i;
    headed = true;
  });
  flush(lines.length);
  return out;
}
