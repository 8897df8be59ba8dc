/** Reading the harvested docs and their templates. */
import { readdir, readFile } from "../infra/quick-fs.js";
import { join } from "node:path";
import { describeAdrDoc, splitFrontmatter, type AdrDoc } from "../core/adr.js";
import type { HarvestedDocs, Templates } from "../core/harvest.js";
import { readTextIfExists } from "../infra/fs.js";
import { listFiles } from "../git/repo.js";
import { readFilesAt } from "../git/blobs.js";
import { templatesDir } from "../infra/paths.js";
import { harvestTargets, TEMPLATE_OVERRIDES, type Workspace } from "./workspace.js";


/** The names of a docs folder's markdown files, sorted; regular files only: a symbolic link there is never followed. */
export async function markdownNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith(".md")).map((e) => e.name).sort();
}

/** The markdown files of a docs folder (not its subfolders), by name, with their texts; empty when it does not exist. */
export async function readFolder(dir: string): Promise<Map<string, string>> {
  const names = await markdownNames(dir);
  const texts = new Map<string, string>();
  for (const name of names) texts.set(name, await readFile(join(dir, name), "utf8"));
  return texts;
}

/** The doc templates, each from the repository's override folder when it has one. */
export async function loadDocTemplates(root: string): Promise<Templates> {
  const load = async (name: string) =>
    (await readTextIfExists(join(root, TEMPLATE_OVERRIDES, name))) ?? (await readFile(join(templatesDir, "docs", name), "utf8"));
  return { patterns: await load("patterns.md"), postMortem: await load("post-mortem.md"), adr: await load("adr.md") };
}


/** What every harvest target holds now: reference files' texts, folders' markdown files, what ADRs say of themselves. */
export async function readHarvestedDocs(ws: Workspace): Promise<HarvestedDocs> {
  const docs: HarvestedDocs = { references: new Map(), folders: new Map(), adrDocs: new Map() };
  for (const target of harvestTargets(ws, "reference")) docs.references.set(target, await readTextIfExists(join(ws.root, target)));
  for (const target of [...harvestTargets(ws, "post-mortem"), ...harvestTargets(ws, "adr")]) {
    docs.folders.set(target, await readFolder(join(ws.root, target)));
  }
  for (const target of harvestTargets(ws, "adr")) docs.adrDocs!.set(target, await readAdrDocs(docs.folders.get(target)!));
  return docs;
}

/** The harvest targets as a commit holds them (the default branch's, a pending harvest branch's): no frontmatter read. */
export async function readHarvestedDocsAt(ws: Workspace, commit: string): Promise<HarvestedDocs> {
  const docs: HarvestedDocs = { references: new Map(), folders: new Map() };
  const references = harvestTargets(ws, "reference");
  const folders = [...harvestTargets(ws, "post-mortem"), ...harvestTargets(ws, "adr")];
  const inFolders = folders.length ? await listFiles(ws.root, commit, folders) : [];
  const paths = [...references, ...inFolders.filter((p) => p.endsWith(".md"))];
  // By blob id: a `<commit>:<path>` name costs a walk of the path's folder, seconds for thousands of docs.
  const blobs = await readFilesAt(ws.root, commit, paths);
  for (const r of references) docs.references.set(r, blobs.get(r) ?? null);
  for (const dir of folders) {
    const files = new Map<string, string>();
    for (const p of inFolders) {
      const text = blobs.get(p);
      if (p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes("/") && typeof text === "string") files.set(p.slice(dir.length + 1), text);
    }
    docs.folders.set(dir, files);
  }
  return docs;
}

/**
 * What each doc of an ADR folder says about itself (title, status, day, frontmatter). The folder is
 * written by people too (MADR's `parent:`/`nav_order:`, any YAML), so its frontmatter is read with
 * gray-matter, loaded here only, and only when a doc has frontmatter: start and save never pay for it.
 */
export async function readAdrDocs(texts: ReadonlyMap<string, string>): Promise<Map<string, AdrDoc>> {
  const out = new Map<string, AdrDoc>();
  for (const [name, text] of texts) {
    const { data, content } = splitFrontmatter(text).front === null ? { data: {}, content: text } : await readFrontmatter(text);
    out.set(name, describeAdrDoc(name, data, content));
  }
  return out;
}

type Matter = (input: string, options: object) => { data: unknown; content: string };
let matter: Matter | undefined;

/** A JavaScript or CoffeeScript frontmatter block would be run as code by gray-matter's own engines: never. */
const NOT_READ = { parse: (): never => { throw new Error("only YAML and JSON frontmatter is read"); } };

/** A doc's frontmatter as data (YAML or JSON; anything else, or YAML that does not parse, reads as none) and the text after it. */
export async function readFrontmatter(text: string): Promise<{ data: Record<string, unknown>; content: string }> {
  matter ??= (await import("gray-matter")).default as unknown as Matter;
  try {
    // Options given: gray-matter then keeps no cache of every text it read.
    const { data, content } = matter(text, { engines: { javascript: NOT_READ, coffee: NOT_READ } });
    const plain = data !== null && typeof data === "object" && !Array.isArray(data);
    return { data: plain ? (data as Record<string, unknown>) : {}, content };
  } catch {
    return { data: {}, content: splitFrontmatter(text).content };
  }
}
