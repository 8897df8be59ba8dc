/**
 * The query API over the bank: every entry of every buffer and every harvested doc, read from the work
 * tree or from any commit, and what changed between two of those. Recall, briefings, the digest of
 * `start` and the MCP server all ask here; filtering and diffing are pure (core/query.ts).
 */
import { join } from "node:path";
import { bufferConfig, defaultType, type HarvestKind } from "../core/config.js";
import { archiveItems, bufferItems, diffItems, docItem, filterItems, findItem, type Item, type ItemChanges, type ItemFilter } from "../core/query.js";
import { changedBetween, readBlobs, revParse } from "../git/repo.js";
import type { ObjectSession } from "../git/run.js";
import { defaultBranch } from "../git/remote.js";
import { listTree, openDiff, type CommitDiff } from "../git/blobs.js";
import { countsAfter, digestItems, type FileVersions } from "../core/digest.js";
import type { BufferCounts } from "../core/thresholds.js";
import { countedAlready, rememberCounts, soundAlready } from "../core/parse-once.js";
import { countsBefore } from "./checked.js";
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

/** Which files a reading takes: the buffers (in their order), the archive, the reference files and the doc folders. */
interface Reading {
  buffers: ReturnType<typeof bufferFiles>;
  archive: string | null;
  references: string[];
  folders: Array<{ dir: string; type: string }>;
}

function readingOf(ws: Workspace, options: ReadOptions): Reading {
  const withDocs = options.docs !== false;
  return {
    buffers: bufferFiles(ws).filter((f) => !options.buffers || options.buffers.includes(f.buffer)),
    archive: options.archive ? archiveFile(ws).rel : null,
    references: withDocs ? harvestTargets(ws, "reference") : [],
    folders: withDocs ? docFolders(ws) : [],
  };
}

/** The bank files' and docs' texts in the work tree. */
async function worktreeTexts(ws: Workspace, r: Reading): Promise<Map<string, string | null>> {
  const texts = new Map<string, string | null>();
  for (const path of [...r.buffers.map((f) => f.rel), ...(r.archive ? [r.archive] : []), ...r.references]) texts.set(path, await readTextIfExists(join(ws.root, path)));
  for (const { dir } of r.folders) {
    for (const [name, text] of await readFolder(join(ws.root, dir))) texts.set(`${dir}/${name}`, text);
  }
  return texts;
}

/**
 * The texts of `own` (bank files) at `commit` and of the docs at `docsAt`: the docs' folders listed by one
 * `ls-tree`, and everything read by one `cat-file` (the docs by blob id: a `<commit>:<path>` name per doc
 * costs the square of a folder's size).
 */
async function textsAt(ws: Workspace, r: Reading, commit: string, own: readonly string[], docsAt: string, read = (names: readonly string[]) => readBlobs(ws.root, names), listing?: Listing): Promise<Map<string, string | null>> {
  const texts = new Map<string, string | null>();
  const ids = new Map<string, string>();
  if (r.references.length || r.folders.length) {
    const listed = await (listing ?? docsListing(ws, r, docsAt));
    const docs = [...r.references, ...[...(listed?.keys() ?? [])].filter((p) => r.folders.some((f) => isDirectChild(p, f.dir)))];
    for (const p of docs) {
      texts.set(p, null);
      const entry = listed?.get(p);
      if (entry?.type === "blob") ids.set(p, entry.id);
    }
  }
  const names = [...own.map((p) => `${commit}:${p}`), ...new Set(ids.values())];
  const blobs = names.length ? await read(names) : new Map<string, string | null>();
  for (const p of own) texts.set(p, blobs.get(`${commit}:${p}`) ?? null);
  for (const [p, id] of ids) texts.set(p, blobs.get(id) ?? null);
  return texts;
}

type Listing = ReturnType<typeof listTree>;

/** The docs' files at a commit, as `textsAt` reads them (kept by commit id in `trees.json`). */
function docsListing(ws: Workspace, r: Reading, at: string, objects?: ObjectSession): Listing {
  // A file at the top is named itself (its folder, the root, would list the whole tree).
  const specs = [...new Set([...r.references.map((p) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : p)), ...r.folders.map((f) => f.dir)])];
  return listTree(ws.root, at, specs, join(ws.gitDir, "memory", "trees.json"), objects);
}

/** The items of the texts read: bank entries in buffer order, then the archive's, then docs by target and name. */
function itemsOf(ws: Workspace, r: Reading, texts: ReadonlyMap<string, string | null>): Item[] {
  const items: Item[] = [];
  for (const f of r.buffers) items.push(...bufferItems(texts.get(f.rel) ?? null, f.rel, f.buffer, defaultType(ws.config, f.buffer)));
  if (r.archive) items.push(...archiveItems(texts.get(r.archive) ?? null, r.archive));
  for (const path of r.references) {
    const owner = bufferFiles(ws).find((f) => bufferConfig(ws.config, f.buffer).target.replace(/\/+$/, "") === path);
    const type = owner ? defaultType(ws.config, owner.buffer) : "pattern";
    items.push(...bufferItems(texts.get(path) ?? null, path, "", type, "docs"));
  }
  for (const { dir, type } of r.folders) {
    const paths = [...texts.keys()].filter((p) => isDirectChild(p, dir) && p.endsWith(".md")).sort();
    for (const p of paths) items.push(docItem(texts.get(p) ?? "", p, type));
  }
  return items;
}

/** Every item at a moment: bank entries in buffer order, then the archive's (when asked), then docs by target and name. */
export async function readItems(ws: Workspace, at: Moment = "worktree", options: ReadOptions = {}): Promise<Item[]> {
  const r = readingOf(ws, options);
  if (at === "worktree") return itemsOf(ws, r, await worktreeTexts(ws, r));
  const own = [...r.buffers.map((f) => f.rel), ...(r.archive ? [r.archive] : [])];
  const same = options.sameAs && options.sameAs !== at.commit ? await unchangedPaths(ws.root, at.commit, options.sameAs, own) : new Set(options.sameAs ? own : []);
  const texts = await textsAt(ws, r, at.commit, own.filter((p) => !same.has(p)), at.docs ?? at.commit);
  for (const p of same) texts.set(p, await readTextIfExists(join(ws.root, p)));
  return itemsOf(ws, r, texts);
}

/**
 * What `start`'s digest compares: the bank and docs at `since` (the docs at `docsSince`), and as this clone sees
 * them now (`readItemsWithDefaultDocs`), read in proportion to what changed: of the buffers that changed since,
 * the entries the two versions do not share; of the others, nothing (core/digest.ts). Diffed, and their handoffs
 * and tasks listed, they give what the two full readings give; when that cannot be told, they are those readings.
 * `head`: the bank's tip, which the work tree holds.
 */
export async function readDigest(ws: Workspace, since: string, docsSince: string | undefined, head: string, docsTip: string, objects?: ObjectSession): Promise<{ then: Item[]; now: Item[] }> {
  const r = readingOf(ws, { archive: true });
  const own = [...r.buffers.map((f) => f.rel), ...(r.archive ? [r.archive] : [])];
  // The docs' listing then (a process, unless kept) is asked while what changed is.
  const docsAt = docsSince ?? since;
  const listing = r.references.length || r.folders.length ? docsListing(ws, r, docsAt, objects) : undefined;
  listing?.catch(() => undefined); // (told where it is awaited)
  // What changed and its earlier texts, from one git process.
  const diff = head && head !== since ? await openDiff(ws.root, since, head, own, objects) : null;
  try {
    return await digestOf(ws, r, own, since, docsSince, head, docsTip, diff, listing, objects);
  } finally {
    diff?.close();
  }
}

async function digestOf(ws: Workspace, r: Reading, own: readonly string[], since: string, docsSince: string | undefined, head: string, docsTip: string, diff: CommitDiff | null, listing?: Listing, objects?: ObjectSession): Promise<{ then: Item[]; now: Item[] }> {
  const changed = head ? (head === since ? [] : (diff?.changed ?? (await changedBetween(ws.root, since, head, own)))) : [...own];
  const docsAt = docsSince ?? since;
  const [here, thenTexts] = await Promise.all([worktreeTexts(ws, r), textsAt(ws, r, since, changed, docsAt, diff?.read, listing)]);
  for (const p of own) if (!changed.includes(p)) thenTexts.set(p, here.get(p) ?? null);
  const docsOnly: Reading = { ...r, buffers: [], archive: null };
  const docsThen = itemsOf(ws, docsOnly, thenTexts);
  // The docs on the default branch: those read for `then` when it is the same commit.
  const there = !docsTip ? null : docsTip === docsAt ? docsThen : itemsOf(ws, docsOnly, await textsAt(ws, docsOnly, docsTip, [], docsTip, diff?.read, docsListing(ws, docsOnly, docsTip, objects)));
  // Earlier texts found sound by an earlier command (the checks before the sync took their files' kept counts).
  const before = new Map<string, BufferCounts>();
  for (const p of changed) {
    const text = thenTexts.get(p);
    const counts = text ? await countsBefore(ws.gitDir, text, diff?.before.get(p)) : null;
    if (counts) before.set(p, counts);
  }
  const sound = new Set(before.keys());
  const files: FileVersions[] = [...r.buffers.map((f) => ({ f, type: defaultType(ws.config, f.buffer) })).map(({ f, type }) => versions(f.rel, f.buffer, type, "bank", thenTexts, here, WHOLE.includes(f.buffer) || WHOLE.includes(type), sound))];
  if (r.archive) files.push(versions(r.archive, "", "note", "archive", thenTexts, here, false, sound));
  const digest = digestItems(files, { then: docsThen, now: itemsOf(ws, docsOnly, here), there });
  if (digest) {
    // How full each changed buffer is now, from its counts before and the window the digest read: the check
    // after the sync then neither scans nor hashes the megabytes the merge just wrote.
    for (const [file, window] of digest.windows) {
      const was = before.get(file) ?? countedAlready(thenTexts.get(file) ?? "");
      const text = here.get(file);
      if (was && text) rememberCounts(text, countsAfter(was, window));
    }
    return { then: digest.then, now: digest.now };
  }
  const [then, now] = await Promise.all([readItems(ws, { commit: since, ...(docsSince ? { docs: docsSince } : {}) }, { archive: true, ...(head ? { sameAs: head } : {}) }), readItemsWithDefaultDocs(ws, docsTip)]);
  return { then, now };
}

/** The buffers the digest reads whole on both sides: it lists their entries as they are. */
const WHOLE = ["handoffs", "tasks", "handoff", "task"];

function versions(file: string, buffer: string, type: string, source: FileVersions["source"], then: ReadonlyMap<string, string | null>, now: ReadonlyMap<string, string | null>, whole: boolean, sound: ReadonlySet<string>): FileVersions {
  const before = then.get(file) ?? null;
  return { file, buffer, defaultType: type, source, then: before, now: now.get(file) ?? null, thenSound: before === null || sound.has(file) || soundAlready(before), whole };
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

