/**
 * Setting a clone up, shared by `init` (which does all of it) and `doctor --fix` (which repairs a part):
 * bank files from templates, the merge attributes, the drivers in this clone's git config, the persona.
 */
import { mkdir, readFile } from "../infra/quick-fs.js";
import { join } from "node:path";
import { ensureAttributes, type AttributesChange } from "../core/attributes.js";
import { isoSeconds, now } from "../core/clock.js";
import { driverName, driverSettings } from "../git/drivers.js";
import { headCommit, readBlobs, setLocalConfig } from "../git/repo.js";
import { fetchUpstream, findUpstream } from "../git/remote.js";
import { networkTimeoutMs } from "../git/run.js";
import { exists, readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import { templatesDir } from "../infra/paths.js";
import { renderTemplate } from "../bank/files.js";
import { bankUpstream, ensureExcluded, infoAttributesFile, resolveLine } from "../bank/line.js";
import { adoptBank, bankTip, hasBase, takeBank } from "../git/bank-ref.js";
import { readSeen, writeSeen } from "../bank/seen.js";
import { attributeLines, bankFiles, harvestTargets, openWorkspace, requirePersona, type BankFile, type PlannedBank, type Workspace } from "../bank/workspace.js";

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
  /** Bank files written because they were missing: from this branch, the remote, or a template (repo-relative). */
  created: string[];
  attributes: { added: string[]; updated: string[] };
  /** Where the bank is synced, and the file its merge attributes went to (repo-relative, or under .git). */
  sync: { mode: "branch" | "current"; branch: string | null; attributesFile: string };
  /** git config keys written in this clone. */
  configured: string[];
  /** The CI workflow written (repo-relative), or null. */
  ci: string | null;
}

export const CI_WORKFLOW = ".github/workflows/memory-harvest.yml";

export async function init(options: InitOptions = {}): Promise<InitResult> {
  let ws = await openWorkspace(options.cwd, options.env);
  const persona = requirePersona(ws, options.persona);
  await fetchBeforeInit(ws);
  // What was fetched may say where the bank is (committed on the remote's code branch).
  ws.line = await resolveLine(ws, ws.config, ws.codeBranch);
  // The bank taken from its branch may bring the team's config: read again, it says what to set up.
  if (ws.line.bank && (await holdBankOnItsBranch(ws))) ws = await openWorkspace(options.cwd, options.env);
  const created = await createMissingBankFiles(ws, persona.name);
  const attributes = await ensureBankAttributes(ws);
  const configured = await registerDrivers(ws, [["memory.persona", persona.name]]);
  // The clone's own state (never committed) lives here; with it in place, answers can be kept from the first
  // command on (git's config among them, ADR-021).
  await mkdir(join(ws.commonDir, "memory"), { recursive: true });
  await startLooking(ws);
  const ci = options.ci ? await writeWorkflow(ws) : null;
  const sync = { mode: ws.line.mode, branch: ws.line.branch, attributesFile: ws.line.bank ? ".git/info/attributes" : ".gitattributes" };
  return { persona: persona.name, bank: ws.config.bank, created, attributes, sync, configured, ci };
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
  const code = await headCommit(ws);
  const head = ws.line.bank ? ((await bankTip(ws.line.bank)) ?? "") : code;
  if (head) await writeSeen(ws.gitDir, { commit: head, at: isoSeconds(now(ws.env)), ...(ws.line.bank && code ? { docs: code } : {}) });
}

/**
 * A bank on its own branch: the code branches ignore its files (`.git/info/exclude`, this clone only),
 * and when the remote has the bank branch and this clone does not, the clone takes it as it is there.
 */
async function holdBankOnItsBranch(ws: Workspace): Promise<boolean> {
  await ensureExcluded(ws.commonDir, ws.config);
  const bank = ws.line.bank!;
  const up = bankUpstream(ws.gitConfig, ws.line, ws.codeBranch);
  const local = await bankTip(bank);
  // A new work tree of a clone that has the bank branch: its files come from the branch as it is now.
  if (local && !(await hasBase(bank))) {
    await adoptBank(bank, local);
    return true;
  }
  if (local || !up) return false;
  const remoteTip = await bankTip({ root: ws.root, ref: up.trackingRef });
  if (!remoteTip) return false;
  await takeBank(bank, remoteTip);
  return true;
}


/**
 * Writes each missing bank file; never touches one that exists. A file is only ever created from its
 * (empty) template when neither this branch nor the remote has it: otherwise it is restored from there,
 * so a sparse checkout, a deleted file or a fresh clone never publishes a blank copy over the team's.
 */
export async function createMissingBankFiles(ws: Workspace, persona: string): Promise<string[]> {
  const missing: BankFile[] = [];
  for (const file of bankFiles(ws)) if (!(await exists(file.abs))) missing.push(file);
  if (missing.length === 0) return [];
  const up = bankUpstream(ws.gitConfig, ws.line, ws.codeBranch);
  const revs = [ws.line.ref, ...(up ? [up.trackingRef] : [])];
  const known = await readBlobs(ws.root, missing.flatMap((f) => revs.map((r) => `${r}:${f.rel}`)));
  await mkdir(join(ws.root, ws.config.bank), { recursive: true });
  const vars = { persona, now: isoSeconds(now(ws.env)) };
  for (const file of missing) {
    const kept = revs.map((r) => known.get(`${r}:${file.rel}`)).find((t) => t !== null && t !== undefined);
    await writeTextAtomic(file.abs, kept ?? (await renderTemplate(ws, file.key, vars)));
  }
  return missing.map((f) => f.rel);
}

/** Fetches the branch's remote before `init` creates anything, so a bank the team already has is found. */
async function fetchBeforeInit(ws: Workspace): Promise<void> {
  // The code branch's upstream (a bank committed there) and the bank branch, if the bank has its own.
  // Offline is fine: the files come from what is known, and merges keep every entry either way.
  const code = findUpstream(ws.gitConfig, ws.codeBranch ?? "");
  const bank = ws.line.bank ? bankUpstream(ws.gitConfig, ws.line, ws.codeBranch) : undefined;
  for (const up of [code, bank]) if (up) await fetchUpstream(ws.root, up, networkTimeoutMs(ws.env));
}

/** What `.gitattributes` needs so every merged file names its driver (the rest of the file is kept). */
async function attributesChange(ws: Workspace, only?: (path: string) => boolean, planned: PlannedBank = {}, file = attributesFile(ws)): Promise<AttributesChange> {
  const wanted = (await attributeLines(ws, planned)).map((l) => ({ path: l.path, driver: driverName(l.merge), glob: l.glob }));
  return ensureAttributes(await readTextIfExists(file), wanted, only && ((w) => only(w.path)));
}

/**
 * Where the bank's attribute lines live: `.gitattributes` when the bank is committed on the code branch;
 * `.git/info/attributes` when it has its own branch (merge-tree reads both; no code branch gets a commit).
 */
export const attributesFile = (ws: Workspace): string => (ws.line.bank ? infoAttributesFile(ws.commonDir) : join(ws.root, ".gitattributes"));

/** The text `.gitattributes` should have for the bank (as it is, or as `planned` will make it), or null when it has it already. */
export async function plannedAttributes(ws: Workspace, planned: PlannedBank = {}, only?: (path: string) => boolean): Promise<string | null> {
  const change = await attributesChange(ws, only, planned, join(ws.root, ".gitattributes"));
  return change.changed ? change.text : null;
}

/** Adds or corrects the bank's lines in `.gitattributes` (all of them, or those `only` picks). */
export async function ensureBankAttributes(ws: Workspace, only?: (path: string) => boolean): Promise<{ added: string[]; updated: string[] }> {
  const change = await attributesChange(ws, only);
  if (change.changed) await writeTextAtomic(attributesFile(ws), change.text);
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

