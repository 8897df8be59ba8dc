/**
 * The recall index: every bank entry, harvested doc and section of the other docs under the docs folders,
 * in a MiniSearch index (BM25+, prefix and fuzzy matching). It is a cache, never committed: kept in
 * `.git/memory/recall-index.json` with the hash of every file it was built from, brought up to date on
 * each use from the files as they are (only the files whose bytes changed are read into it again), and
 * rebuilt when missing, unreadable or from another version. So it is right after a merge, a checkout, a
 * hand edit or an external `git pull`. MiniSearch is imported here only, by the commands that search.
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { readdir, readFile } from "../infra/quick-fs.js";
import { join, relative, sep } from "node:path";
import { bufferConfig, defaultType, type HarvestKind } from "../core/config.js";
import { archiveItems, bufferItems, docItem, type Item } from "../core/query.js";
import { sectionItems } from "../core/recall.js";
import { writeTextAtomic } from "../infra/fs.js";
import { archiveFile, bufferFiles, harvestTargets, type Workspace } from "./workspace.js";
import { PRIVATE_PLACE, privateFile, privateItems } from "./private.js";

// 4: `supersedes` is a list of ids; the archive's entries are read (source "archive").
const VERSION = 4;
const indexFile = (ws: Workspace): string => join(ws.gitDir, "memory", "recall-index.json");

/** What the index keeps of each item besides its text (all of an item but its raw text). */
export type IndexedItem = Omit<Item, "text">;

interface Cache {
  version: number;
  /** Repo-relative path → what it was (size, mtime, hash of its bytes) and the keys of the items read from it. */
  files: Record<string, { hash: string; size: number; mtime: number; keys: string[] }>;
  /** When the cache was written (ms): a file changed in the same moment is read again whatever its stat says. */
  written: number;
  items: Record<string, IndexedItem>;
  index: unknown;
}

type MiniSearchT = import("minisearch").default<IndexedItem & { key: string }>;

export interface RecallIndex {
  search: MiniSearchT;
  items: Map<string, IndexedItem>;
  /** What each file was when read (kept by a long-running process, which then never reads the saved copy). */
  files: Cache["files"];
  written: number;
  /** How the index was brought up to date: files read again, and whether it was built from nothing. */
  refreshed: { files: number; rebuilt: boolean };
}

const FIELDS = ["title", "tags", "body"];

async function newIndex(): Promise<MiniSearchT> {
  const { default: MiniSearch } = await import("minisearch");
  return new MiniSearch<IndexedItem & { key: string }>({ idField: "key", fields: FIELDS, extractField: extract });
}

function extract(doc: Record<string, unknown>, field: string): string {
  const v = doc[field];
  return Array.isArray(v) ? v.join(" ") : typeof v === "string" ? v : "";
}

/**
 * The index, up to date with the files as they are now. `held`: the index a long-running process (the MCP
 * server) already holds: brought up to date the same way, without reading the saved copy.
 */
export async function openIndex(ws: Workspace, held?: RecallIndex): Promise<RecallIndex> {
  const sources = await sourceFiles(ws);
  const cache: Pick<Cache, "files" | "written"> | null = held ? { files: held.files, written: held.written } : await loadCache(ws);
  // A file whose size and mtime are as recorded, and not changed in the moment the cache was written (as
  // git's index treats "racy" files), is taken as read; any other is read and hashed.
  const where = (src: Source) => src.abs ?? join(ws.root, src.rel);
  const stats = new Map(sources.map((src) => [src.rel, statOf(where(src))]));
  let racy = 0;
  const bytes = new Map<string, Buffer>();
  const hashes = new Map<string, string>();
  await Promise.all(
    sources.map(async (src) => {
      const st = stats.get(src.rel)!;
      const known = cache?.files[src.rel];
      if (known && known.size === st.size && known.mtime === st.mtime && st.mtime < cache!.written - 2000) {
        hashes.set(src.rel, known.hash);
        return;
      }
      const b = await readFile(where(src)).catch(() => Buffer.alloc(0));
      bytes.set(src.rel, b);
      hashes.set(src.rel, createHash("sha1").update(b).digest("hex"));
      if (known && known.hash === hashes.get(src.rel)) racy++;
    }),
  );

  const { default: MiniSearch } = await import("minisearch");
  let search: MiniSearchT;
  let files: Cache["files"] = {};
  let items = new Map<string, IndexedItem>();
  let rebuilt = false;
  if (held) {
    search = held.search;
    files = held.files;
    items = held.items;
  } else if (cache) {
    const saved = cache as Cache;
    search = MiniSearch.loadJS(saved.index as never, { idField: "key", fields: FIELDS, extractField: extract }) as MiniSearchT;
    files = saved.files;
    for (const [k, v] of Object.entries(saved.items)) items.set(k, v);
  } else {
    search = await newIndex();
    rebuilt = true;
  }
  let changed = 0;
  let discarded = 0;
  let written = cache?.written ?? 0;
  // Files gone or changed: their items leave the index; changed and new files are read into it again.
  for (const [rel, entry] of Object.entries(files)) {
    if (hashes.get(rel) === entry.hash) continue;
    for (const key of entry.keys) {
      if (items.delete(key)) {
        search.discard(key);
        discarded++;
      }
    }
    delete files[rel];
  }
  // Discarded items leave their terms behind until a vacuum, and those would skew every score.
  if (discarded > 0) await search.vacuum({ batchSize: 1_000_000, batchWait: 0 });
  for (const source of sources) {
    if (files[source.rel]) {
      const st = stats.get(source.rel)!;
      // Same bytes, a new stat (a checkout rewrote it): remembered, so the next look needs no read.
      if (files[source.rel]!.mtime !== st.mtime || files[source.rel]!.size !== st.size) {
        files[source.rel] = { ...files[source.rel]!, ...st };
        changed++;
      }
      continue;
    }
    changed++;
    const text = (bytes.get(source.rel) ?? (await readFile(where(source)).catch(() => Buffer.alloc(0)))).toString("utf8");
    const read = source.read(text);
    const keys: string[] = [];
    for (const item of read) {
      const key = `${item.file}:${item.line}:${item.id}`;
      if (items.has(key)) continue;
      const { text: _text, ...kept } = item;
      // The body is kept for snippets, cut: a long doc's tail would only make the cache slower to read.
      if (kept.body.length > BODY_KEPT) kept.body = kept.body.slice(0, BODY_KEPT);
      items.set(key, kept);
      search.add({ ...kept, key });
      keys.push(key);
    }
    files[source.rel] = { hash: hashes.get(source.rel)!, ...stats.get(source.rel)!, keys };
  }
  // Files read again only because they changed in the moment the cache was written: a fresh cache stops
  // that once they are older.
  if (changed > 0 || rebuilt || racy > 0) {
    written = Date.now();
    const saved: Cache = { version: VERSION, files, written, items: Object.fromEntries(items), index: search.toJSON() };
    await writeTextAtomic(indexFile(ws), JSON.stringify(saved)).catch(() => undefined); // a read-only .git: search anyway
  }
  return { search, items, files, written, refreshed: { files: changed, rebuilt } };
}

const BODY_KEPT = 2000;

function statOf(path: string): { size: number; mtime: number } {
  try {
    const st = statSync(path);
    return { size: st.size, mtime: st.mtimeMs };
  } catch {
    return { size: -1, mtime: -1 };
  }
}

async function loadCache(ws: Workspace): Promise<Cache | null> {
  try {
    const cache = JSON.parse(await readFile(indexFile(ws), "utf8")) as Cache;
    return cache.version === VERSION && cache.files && cache.items && cache.index && typeof cache.written === "number" ? cache : null;
  } catch {
    return null;
  }
}

interface Source {
  rel: string;
  /** Where it is, when not in the work tree (a private note file in the git dir). */
  abs?: string;
  read: (text: string) => Item[];
}

/**
 * The files recall reads: the buffers; the bank's archive (its items are left out of results unless asked
 * for); the reference docs (entries); the post-mortem and ADR folders (one doc each); every other markdown
 * file under the folders the docs live in (sections by heading).
 */
async function sourceFiles(ws: Workspace): Promise<Source[]> {
  const out: Source[] = [];
  for (const f of bufferFiles(ws)) out.push({ rel: f.rel, read: (t) => bufferItems(t, f.rel, f.buffer, defaultType(ws.config, f.buffer)) });
  const archive = archiveFile(ws).rel;
  out.push({ rel: archive, read: (t) => archiveItems(t, archive) });
  out.push({ rel: PRIVATE_PLACE, abs: privateFile(ws), read: (t) => privateItems(t) });
  const seen = new Set(out.map((s) => s.rel));
  const folderKinds = new Map<string, string>();
  for (const f of bufferFiles(ws)) {
    const cfg = bufferConfig(ws.config, f.buffer);
    const target = cfg.target.replace(/\/+$/, "");
    if (!target) continue;
    if (cfg.harvest === "reference" && !seen.has(target)) {
      seen.add(target);
      out.push({ rel: target, read: (t) => bufferItems(t, target, "", defaultType(ws.config, f.buffer), "docs") });
    } else if ((["post-mortem", "adr"] as HarvestKind[]).includes(cfg.harvest)) folderKinds.set(target, defaultType(ws.config, f.buffer));
  }
  const roots = [...new Set([...harvestTargets(ws)].map((t) => t.split("/")[0]!).filter(Boolean))];
  for (const root of roots) {
    const entries = await readdir(join(ws.root, root), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isFile() || !/\.md$/i.test(e.name)) continue;
      const rel = relative(ws.root, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split(sep).join("/");
      if (seen.has(rel)) continue;
      seen.add(rel);
      const dir = rel.slice(0, rel.lastIndexOf("/"));
      const type = folderKinds.get(dir);
      out.push({ rel, read: type !== undefined ? (t) => [docItem(t, rel, type)] : (t) => sectionItems(t, rel) });
    }
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : 1));
}
