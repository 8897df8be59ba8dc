/** Reading the harvested docs and their templates. */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { HarvestedDocs, Templates } from "../core/harvest.js";
import { readTextIfExists } from "../infra/fs.js";
import { templatesDir } from "../infra/paths.js";
import { harvestTargets, type Workspace } from "./workspace.js";

/** Templates a repository can override: `.claude/memory-templates/<name>.md`. */
export const TEMPLATE_OVERRIDES = ".claude/memory-templates";

/** The markdown files of a docs folder (not its subfolders), by name, with their texts; empty when it does not exist. */
export async function readFolder(dir: string): Promise<Map<string, string>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const texts = new Map<string, string>();
  for (const name of names.filter((n) => n.endsWith(".md")).sort()) texts.set(name, await readFile(join(dir, name), "utf8"));
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
