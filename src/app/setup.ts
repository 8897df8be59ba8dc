/**
 * Setting a clone up, shared by `init` (which does all of it) and `doctor --fix` (which repairs a part):
 * bank files from templates, the merge attributes, the drivers in this clone's git config, the persona.
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ensureAttributes } from "../core/attributes.js";
import { isoSeconds, now } from "../core/clock.js";
import { driverName, driverSettings } from "../git/drivers.js";
import { headCommit, setLocalConfig } from "../git/repo.js";
import { exists, readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import { templatesDir } from "../infra/paths.js";
import { renderTemplate } from "../bank/files.js";
import { readSeen, writeSeen } from "../bank/seen.js";
import { attributeLines, bankFiles, harvestTargets, openWorkspace, requirePersona, type Workspace } from "../bank/workspace.js";

export interface InitOptions {
  cwd?: string;
  persona?: string;
  /** Also write the GitHub Actions harvest workflow. */
  ci?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface InitResult {
  persona: string;
  bank: string;
  /** Bank files created from templates (repo-relative). */
  created: string[];
  attributes: { added: string[]; updated: string[] };
  /** git config keys written in this clone. */
  configured: string[];
  /** The CI workflow written (repo-relative), or null. */
  ci: string | null;
}

export const CI_WORKFLOW = ".github/workflows/memory-harvest.yml";

export async function init(options: InitOptions = {}): Promise<InitResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  const persona = requirePersona(ws, options.persona);
  const created = await createMissingBankFiles(ws, persona.name);
  const attributes = await ensureBankAttributes(ws);
  const configured = await registerDrivers(ws, [["memory.persona", persona.name]]);
  await startLooking(ws);
  const ci = options.ci ? await writeWorkflow(ws) : null;
  return { persona: persona.name, bank: ws.config.bank, created, attributes, configured, ci };
}

/** Copies the harvest workflow into `.github/workflows/` unless one is there already. */
async function writeWorkflow(ws: Workspace): Promise<string | null> {
  const path = join(ws.root, CI_WORKFLOW);
  if ((await readTextIfExists(path)) !== null) return null;
  await writeTextAtomic(path, await readFile(join(templatesDir, "ci", "memory-harvest.yml"), "utf8"));
  return CI_WORKFLOW;
}

/** Records the current commit as where this clone started looking, so its first start reports all it missed. */
async function startLooking(ws: Workspace): Promise<void> {
  if (await readSeen(ws.gitDir)) return;
  const head = await headCommit(ws.root);
  if (head) await writeSeen(ws.gitDir, { commit: head, at: isoSeconds(now(ws.env)) });
}

/** Writes each missing bank file from its template; never touches one that exists. */
export async function createMissingBankFiles(ws: Workspace, persona: string): Promise<string[]> {
  const created: string[] = [];
  await mkdir(join(ws.root, ws.config.bank), { recursive: true });
  const vars = { persona, now: isoSeconds(now(ws.env)) };
  for (const file of bankFiles(ws)) {
    if (await exists(file.abs)) continue;
    await writeTextAtomic(file.abs, await renderTemplate(ws, file.key, vars));
    created.push(file.rel);
  }
  return created;
}

/** Adds or corrects the bank's lines in `.gitattributes` (all of them, or those `only` picks). */
export async function ensureBankAttributes(ws: Workspace, only?: (path: string) => boolean): Promise<{ added: string[]; updated: string[] }> {
  const path = join(ws.root, ".gitattributes");
  const change = ensureAttributes(
    await readTextIfExists(path),
    (await attributeLines(ws)).map((l) => ({ path: l.path, driver: driverName(l.merge), glob: l.glob })),
    only && ((w) => only(w.path)),
  );
  if (change.changed) await writeTextAtomic(path, change.text);
  return { added: change.added, updated: change.updated };
}

/**
 * The lines for the bank folder's other files, when missing: the pattern line (once the bank holds such a
 * file) and the lines of files the config names. What a bank commit adds before merging, so that a file
 * new in the bank folder is merged by a driver from its first concurrent edit. The bank's own lines are
 * never touched here: a changed one is refused by the sync, and repaired by doctor.
 */
export async function ensureOtherFileAttributes(ws: Workspace): Promise<string[]> {
  const own = new Set([...bankFiles(ws).map((f) => f.rel)]);
  const references = new Set(harvestTargets(ws, "reference"));
  return (await ensureBankAttributes(ws, (p) => !own.has(p) && !references.has(p))).added;
}

/** Writes the driver settings (and any extra ones) that differ from this clone's config; returns the keys written. */
export async function registerDrivers(ws: Workspace, extra: Array<[string, string]> = []): Promise<string[]> {
  const written: string[] = [];
  for (const [key, value] of [...driverSettings(), ...extra]) {
    if (ws.gitConfig.get(key) === value) continue;
    await setLocalConfig(ws.root, key, value);
    ws.gitConfig.set(key, value);
    written.push(key);
  }
  return written;
}

