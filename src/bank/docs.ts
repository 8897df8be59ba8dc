/** Reading the harvested docs and their templates. */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { HarvestedDocs, Templates } from "../core/harvest.js";
import { readTextIfExists } from "../infra/fs.js";
import { templatesDir } from "../infra/paths.js";
import { harvestTargets, TEMPLATE_OVERRIDES, type Workspace } from "./workspace.js";


/** The markdown files of a docs folder (not its subfolders), by name, with their texts; empty when it does not exist. */
export async function readFolder(dir: string): Promise<Map<string, string>> {
  // Regular files only: a symbolic link in a docs folder is never followed (it could lead anywhere).
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries.filter((e) => e.isFile() && e.name.endsWith(".md")).map((e) => e.name).sort();
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


/** What every harvest target holds now: reference files' texts, folders' markdown files. */
export async function readHarvestedDocs(ws: Workspace): Promise<HarvestedDocs> {
  const docs: HarvestedDocs = { references: new Map(), folders: new Map() };
  for (const target of harvestTargets(ws, "reference")) docs.references.set(target, await readTextIfExists(join(ws.root, target)));
  for (const target of [...harvestTargets(ws, "post-mortem"), ...harvestTargets(ws, "adr")]) {
    docs.folders.set(target, await readFolder(join(ws.root, target)));
  }
  return docs;
}
