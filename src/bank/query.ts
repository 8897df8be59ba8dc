/**
 * The query API over the bank: every entry of every buffer and every harvested doc, read from the work
 * tree or from any commit, and what changed between two of those. Recall, briefings, the digest of
 * `start` and the MCP server all ask here; filtering and diffing are pure (core/query.ts).
 */
import { join } from "node:path";
import { bufferConfig, defaultType, type HarvestKind } from "../core/config.js";
import { archiveItems, bufferItems, diffItems, docItem, filterItems, findItem, type Item, type ItemChanges, type ItemFilter } from "../core/query.js";
import { changedBetween, listFiles, readBlobs, revParse } from "../git/repo.js";
import { defaultBranch } from "../git/remote.js";
import { readFilesAt } from "../git/blobs.js";
import { bankUpstream } from "./line.js";
import { readTextIfExists } from "../infra/fs.js";
import { readFolder } from "./docs.js";
import { archiveFile, bufferFiles, harvestTargets, type Workspace } from "./workspace.js";

/**
 * The work tree, or a commit (any revision git understands). `docs`: another commit to read the harvested
 * docs from (the bank on its own branch, the docs on the code branch).
 */
export type Moment = { commit: string; docs?: string } | "worktree";

export interface ReadOptions {
  /** Also read the harvested docs (default true). */
  docs?: boolean;
  /** Also read the bank's archive (default false): its entries come with `source: "archive"`. */
  archive?: boolean;
  /** Only these buffers (default: all). */
  buffers?: readonly string[];
  /**
   * Reading at a commit: a commit whose bank files the work tree holds as they are (the bank's tip right after
   * a sync). A bank file the two commits hold alike is read from the work tree, where the command likely
   * read and parsed it already, instead of out of git.
   */
  sameAs?: string;
}

/** Of `paths`, those `a` and `b` hold alike (both without one counts as alike). */
async function unchangedPaths(root: string, a: string, b: string, paths: readonly string[]): Promise<Set<string>> {
  const changed = new Set(await changedBetween(root, a, b, paths));
  return new Set(paths.filter((p) => !changed.has(p)));
}

/** Every item at a moment: bank entries in buffer order, then the archive's (when asked), then docs by target and name. */
export async function readItems(ws: Workspace, at: Moment = "worktree", options: ReadOptions = {}): Promise<Item[]> {
  const withDocs = options.docs !== false;
  const archive = options.archive ? archiveFile(ws).rel : null;
  const buffers = bufferFiles(ws).filter((f) => !options.buffers || options.buffers.includes(f.buffer));
  const references = withDocs ? harvestTargets(ws, "reference") : [];
  const folders = withDocs ? docFolders(ws) : [];
  const texts = new Map<string, string | null>();
  if (at === "worktree") {
    for (const path of [...buffers.map((f) => f.rel), ...(archive ? [archive] : []), ...references]) texts.set(path, await readTextIfExists(join(ws.root, path)));
    for (const { dir } of folders) {
      for (const [name, text] of await readFolder(join(ws.root, dir))) texts.set(`${dir}/${name}`, text);
    }
  } else {
    const docsAt = at.docs ?? at.commit;
    const inFolders = folders.length ? await listFiles(ws.root, docsAt, folders.map((f) => f.dir)) : [];
    const docs = [...references, ...inFolders.filter((p) => folders.some((f) => isDirectChild(p, f.dir)))];
    const own = [...buffers.map((f) => f.rel), ...(archive ? [archive] : [])];
    const same = options.sameAs && options.sameAs !== at.commit ? await unchangedPaths(ws.root, at.commit, options.sameAs, own) : new Set(options.sameAs ? own : []);
    const fromGit = own.filter((p) => !same.has(p));
    // The docs by blob id (`readFilesAt`): a `<commit>:<path>` name per doc costs the square of a folder's size.
    const [blobs, docTexts] = await Promise.all([readBlobs(ws.root, fromGit.map((p) => `${at.commit}:${p}`)), readFilesAt(ws.root, docsAt, docs)]);
    for (const p of fromGit) texts.set(p, blobs.get(`${at.commit}:${p}`) ?? null);
    for (const p of same) texts.set(p, await readTextIfExists(join(ws.root, p)));
    for (const p of docs) texts.set(p, docTexts.get(p) ?? null);
  }
  const items: Item[] = [];
  for (const f of buffers) items.push(...bufferItems(texts.get(f.rel) ?? null, f.rel, f.buffer, defaultType(ws.config, f.buffer)));
  if (archive) items.push(...archiveItems(texts.get(archive) ?? null, archive));
  for (const path of references) {
    const owner = bufferFiles(ws).find((f) => bufferConfig(ws.config, f.buffer).target.replace(/\/+$/, "") === path);
    const type = owner ? defaultType(ws.config, owner.buffer) : "pattern";
    items.push(...bufferItems(texts.get(path) ?? null, path, "", type, "docs"));
  }
  for (const { dir, type } of folders) {
    const paths = [...texts.keys()].filter((p) => isDirectChild(p, dir) && p.endsWith(".md")).sort();
    for (const p of paths) items.push(docItem(texts.get(p) ?? "", p, type));
  }
  return items;
}

/** Items at a moment that a filter lets through, newest first. */
export async function listItems(ws: Workspace, filter: ItemFilter = {}, at: Moment = "worktree"): Promise<Item[]> {
  const items = await readItems(ws, at, { docs: filter.in !== "bank" });
  return filterItems(items, filter).sort((a, b) => (a.at > b.at ? -1 : a.at < b.at ? 1 : a.id > b.id ? -1 : 1));
}

/** One item by id or unique id prefix, in the work tree. */
export async function getItem(ws: Workspace, idOrPrefix: string): Promise<Item | undefined> {
  return findItem(await readItems(ws), idOrPrefix);
}

/** What changed in the bank (and, with docs, where entries were harvested to) between two moments. */
export async function changesBetween(ws: Workspace, from: Moment, to: Moment, options: ReadOptions = {}): Promise<ItemChanges> {
  const [before, after] = await Promise.all([readItems(ws, from, options), readItems(ws, to, options)]);
  return diffItems(before, after);
}

/** The folders harvest writes one doc per entry into, with the type their docs hold. */
function docFolders(ws: Workspace): Array<{ dir: string; type: string }> {
  const kinds: HarvestKind[] = ["post-mortem", "adr"];
  const out: Array<{ dir: string; type: string }> = [];
  for (const f of bufferFiles(ws)) {
    const cfg = bufferConfig(ws.config, f.buffer);
    const dir = cfg.target.replace(/\/+$/, "");
    if (kinds.includes(cfg.harvest) && !out.some((o) => o.dir === dir)) out.push({ dir, type: defaultType(ws.config, f.buffer) });
  }
  return out;
}

const isDirectChild = (path: string, dir: string): boolean => path.startsWith(`${dir}/`) && !path.slice(dir.length + 1).includes("/");

/**
 * The bank and docs as this clone sees them now: the work tree, and with the bank on its own branch also the
 * docs on the default branch that the work tree does not have yet (harvested there, not pulled here).
 */
export async function readItemsWithDefaultDocs(ws: Workspace, docsTip: string): Promise<Item[]> {
  const here = await readItems(ws, "worktree", { archive: true });
  if (!docsTip) return here;
  const files = new Set(here.filter((i) => i.source === "docs").map((i) => i.file));
  const ids = new Set(here.map((i) => i.id));
  const there = (await readItems(ws, { commit: docsTip })).filter((i) => i.source === "docs" && !files.has(i.file) && !ids.has(i.id));
  return [...here, ...there];
}

export async function defaultDocsRef(ws: Workspace): Promise<{ branch: string; ref: string } | null> {
  if (!ws.line.bank) return null;
  const up = bankUpstream(ws.gitConfig, ws.line, ws.codeBranch);
  const branch = up ? await defaultBranch(ws, up.remote) : null;
  return up && branch ? { branch, ref: `refs/remotes/${up.remote}/${branch}` } : null;
}


/** The items as this clone sees them, with the docs on the default branch as last fetched (see above). */
export async function readItemsSeen(ws: Workspace): Promise<Item[]> {
  const ref = await defaultDocsRef(ws);
  const tip = ref ? await revParse(ws, ref.ref) : "";
  return readItemsWithDefaultDocs(ws, tip);
}

