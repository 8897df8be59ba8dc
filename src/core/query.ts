/**
 * Questions over the bank's entries and the harvested docs: which items there are (filtered by type,
 * author, time, tags, place), one item by id or unique id prefix, and what changed between two moments.
 * Pure: items in, items out. Reading them from files or commits is bank/query.ts.
 */
import { readEntriesOnce } from "./parse-once.js";
import type { Entry } from "./entries.js";
import { MemoryError } from "./errors.js";
import { sourceIds } from "./docs.js";
import { splitLines } from "./text.js";

/** One entry of a buffer, or one harvested doc (a Patterns.md section, a post-mortem, an ADR). */
export interface Item {
  /** The entry id; for a doc, the id of the entry it was harvested from (or its path when it names none). */
  id: string;
  type: string;
  author: string;
  /** ISO 8601 time it was written ("" when unknown). */
  at: string;
  title: string;
  tags: string[];
  body: string;
  /**
   * `private`: a note of this clone's (`add --private`), never shared; `archive`: an entry `cleanup` moved
   * out of the buffers into the bank's archive (its marker says when, `archived=`).
   */
  source: "bank" | "docs" | "private" | "archive";
  /** Repo-relative path of the file holding it. */
  file: string;
  /** 1-based line where it starts. */
  line: number;
  /** The buffer holding a bank item. */
  buffer?: string;
  /** The exact text, for telling an edit. */
  text: string;
  /** From the entry's marker: the ids it replaces, the ids it relates to, when it expires. */
  supersedes?: string[];
  related?: string[];
  expires?: string;
  /** A doc's status as its frontmatter says it (`proposed`, `superseded by ADR-007`…). */
  status?: string;
  /** Other attributes of the entry's marker (a handoff's `to=`, `accepted=`). */
  attrs?: Record<string, string>;
}

export interface ItemFilter {
  type?: string | undefined;
  author?: string | undefined;
  /** Items written at or after this ISO time. */
  since?: string | undefined;
  /** Items written before this ISO time. */
  until?: string | undefined;
  /** Every tag must be present. */
  tags?: readonly string[] | undefined;
  in?: "bank" | "docs" | "all" | undefined;
}

/** The items a filter lets through, in the order given. */
export function filterItems(items: readonly Item[], filter: ItemFilter): Item[] {
  const since = filter.since ? Date.parse(filter.since) : undefined;
  const until = filter.until ? Date.parse(filter.until) : undefined;
  const tags = (filter.tags ?? []).map((t) => t.toLowerCase());
  return items.filter((item) => {
    // Private notes and archived entries are the bank's too (a clone's own, and entries moved out of the buffers).
    if (filter.in && filter.in !== "all" && item.source !== filter.in && !(filter.in === "bank" && (item.source === "private" || item.source === "archive"))) return false;
    if (filter.type && item.type !== filter.type) return false;
    if (filter.author && item.author !== filter.author) return false;
    const t = item.at ? Date.parse(item.at) : Number.NaN;
    if (since !== undefined && !(t >= since)) return false;
    if (until !== undefined && !(t < until)) return false;
    const own = item.tags.map((x) => x.toLowerCase());
    return tags.every((tag) => own.includes(tag));
  });
}

/**
 * The item with this id, or the one item whose id starts with it. A bank entry wins over a doc harvested
 * from it. Undefined when none; a refusal naming the candidates when the prefix fits several entries.
 */
export function findItem(items: readonly Item[], idOrPrefix: string): Item | undefined {
  const key = idOrPrefix.trim();
  if (key === "") return undefined;
  const exact = items.filter((i) => i.id === key);
  if (exact.length > 0) return exact.find((i) => i.source === "bank") ?? exact[0];
  const upper = key.toUpperCase();
  const matches = items.filter((i) => i.id.startsWith(key) || i.id.startsWith(upper));
  const ids = [...new Set(matches.map((i) => i.id))];
  if (ids.length > 1) {
    const shown = ids.slice(0, 5).join(", ");
    throw new MemoryError("usage", `id prefix "${key}" fits ${ids.length} entries (${shown}${ids.length > 5 ? ", …" : ""}); give more of the id`);
  }
  return matches.find((i) => i.source === "bank") ?? matches[0];
}

export interface ItemChanges {
  /** Bank entries present now and not before. */
  added: Item[];
  /** Bank entries in both, with different text (the item as it is now). */
  edited: Item[];
  /** Bank entries gone from the bank, and not in the docs either. */
  removed: Item[];
  /** Bank entries gone from the bank into the docs: the doc that holds each now. */
  harvested: Array<{ entry: Item; doc: Item }>;
  /** Bank entries gone from the buffers into the bank's archive (`cleanup`), as they were in the buffers. */
  archived: Item[];
}

/**
 * What changed between two readings of the bank and docs, by entry id. An entry that left the buffers is
 * harvested when the docs hold it after, archived when the archive does (read with `archive: true`), and
 * removed otherwise.
 */
export function diffItems(before: readonly Item[], after: readonly Item[]): ItemChanges {
  const bankBefore = new Map(before.filter((i) => i.source === "bank").map((i) => [i.id, i]));
  const bankAfter = new Map(after.filter((i) => i.source === "bank").map((i) => [i.id, i]));
  const docsAfter = new Map(after.filter((i) => i.source === "docs").map((i) => [i.id, i]));
  const docsBefore = new Set(before.filter((i) => i.source === "docs").map((i) => i.id));
  const archiveAfter = new Set(after.filter((i) => i.source === "archive").map((i) => i.id));
  const changes: ItemChanges = { added: [], edited: [], removed: [], harvested: [], archived: [] };
  for (const [id, item] of bankAfter) {
    const old = bankBefore.get(id);
    if (!old) {
      if (!docsBefore.has(id)) changes.added.push(item);
    } else if (old.text !== item.text) changes.edited.push(item);
  }
  for (const [id, item] of bankBefore) {
    if (bankAfter.has(id)) continue;
    const doc = docsAfter.get(id);
    if (doc) changes.harvested.push({ entry: item, doc });
    else if (archiveAfter.has(id)) changes.archived.push(item);
    else changes.removed.push(item);
  }
  const byTime = (a: Item, b: Item) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  changes.added.sort(byTime);
  changes.edited.sort(byTime);
  changes.removed.sort(byTime);
  changes.archived.sort(byTime);
  changes.harvested.sort((a, b) => byTime(a.entry, b.entry));
  return changes;
}

/** The items of a buffer's text (none when it does not parse: an old or broken version). */
export function bufferItems(text: string | null, file: string, buffer: string, defaultType: string, source: Item["source"] = "bank"): Item[] {
  return entryItems(readEntriesOnce(text, defaultType), file, buffer, source);
}

/** Parsed entries as items; `lines`: line breaks before the text they were parsed from (a part of the file). */
export function entryItems(entries: readonly Entry[], file: string, buffer: string, source: Item["source"] = "bank", lines = 0): Item[] {
  return entries.map((e) => ({
    id: e.id,
    type: e.type,
    author: e.author,
    at: e.createdAt,
    title: e.title,
    tags: e.tags,
    body: e.body,
    source,
    file,
    line: e.line + lines,
    ...(source === "bank" ? { buffer } : {}),
    text: e.lines.join("\n"),
    ...(e.supersedes?.length ? { supersedes: e.supersedes } : {}),
    ...(e.related?.length ? { related: e.related } : {}),
    ...(e.expires ? { expires: e.expires } : {}),
    ...(e.attrs ? { attrs: e.attrs } : {}),
  }));
}

/** The entries of the bank's archive as items (`source: "archive"`); none when it is absent or does not read. */
export function archiveItems(text: string | null, file: string): Item[] {
  return bufferItems(text, file, "", ARCHIVED_TYPE, "archive");
}

/** The type of an archived entry whose marker names none (cleanup writes the type of every entry it moves). */
const ARCHIVED_TYPE = "note";

/**
 * A harvested doc as an item: its id from its `source:` line (the entry it was made from), its title from
 * its first heading, author and date from its frontmatter (`author`, `decision-makers`, `date`).
 */
export function docItem(text: string, file: string, defaultType: string): Item {
  const { lines } = splitLines(text);
  const front = frontmatter(lines);
  const start = front.end;
  const headingAt = lines.findIndex((l, i) => i >= start && /^#\s+\S/.test(l));
  const title = headingAt >= 0 ? lines[headingAt]!.replace(/^#\s+/, "").trim() : file.split("/").pop()!.replace(/\.md$/i, "");
  const body = lines.slice(headingAt >= 0 ? headingAt + 1 : start).join("\n").trim();
  const tags = (front.values.get("tags") ?? "").replace(/^\[|\]$/g, "").split(",").map((t) => t.trim()).filter(Boolean);
  return {
    id: sourceIds(text)[0] ?? file,
    type: front.values.get("type") ?? defaultType,
    author: front.values.get("author") ?? front.values.get("decision-makers") ?? "unknown",
    at: front.values.get("date") ?? "",
    title,
    tags,
    body,
    source: "docs",
    file,
    line: 1,
    text,
    ...(front.values.get("status") ? { status: front.values.get("status")! } : {}),
  };
}

/** The simple `key: value` lines of a frontmatter block (the ones our templates write), and where it ends. */
function frontmatter(lines: readonly string[]): { values: Map<string, string>; end: number } {
  const values = new Map<string, string>();
  if (lines[0]?.trimEnd() !== "---") return { values, end: 0 };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trimEnd() === "---" || line.trimEnd() === "...") return { values, end: i + 1 };
    const m = /^([A-Za-z][\w-]*):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (m && m[2] !== "") values.set(m[1]!.toLowerCase(), m[2]!.replace(/^(["'])(.*)\1$/, "$2"));
  }
  return { values: new Map(), end: 0 };
}
