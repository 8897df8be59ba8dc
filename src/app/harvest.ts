/**
 * `memory harvest`: plan on the latest remote state, write the plan, commit it as one commit, push. The sync
 * loop calls back here after each merge (plan and commit) and after a rejected push (undo the commit), so
 * two clones harvesting at once never publish the same ADR number.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { isoSeconds, now } from "../core/clock.js";
import { bufferConfig, bufferNames, findBuffer, type BufferName } from "../core/config.js";
import type { Entry } from "../core/entries.js";
import { MemoryError } from "../core/errors.js";
import { decisionCandidates, planHarvest, type HarvestedDocs, type HarvestInput, type HarvestPlan } from "../core/harvest.js";
import { logLine } from "../core/merge.js";
import { changedPaths, pathStatus, undoLastCommit } from "../git/worktree.js";
import { isAdrIndex } from "../core/adr.js";
import { headCommit } from "../git/repo.js";
import { commitFiles, type FileContent } from "../git/snapshot.js";
import { readTextIfExists, withPath } from "../infra/fs.js";
import { loadDocTemplates, readAdrDocs, readHarvestedDocs } from "../bank/docs.js";
import { harvestBesideTheBank, type PullRequest } from "./harvest-branch.js";
import { bufferFiles, harvestTargets, signsCommits } from "../bank/workspace.js";
import { commitBank } from "./bank-commit.js";
import { HARVEST_SUBJECT } from "./harvest-undo.js";
import { checkBank, locked, openSession, withLine, type Session, type SessionOptions } from "./session.js";
import { land } from "./harvest-journal.js";
import { plannedAttributes } from "./setup.js";
import { syncWithRemote, type SyncReport } from "./sync.js";

export interface HarvestOptions extends SessionOptions {
  dryRun?: boolean;
  /** Accept every decision without asking. */
  yes?: boolean;
  all?: boolean;
  /** Only this buffer: its name, label, or one of its types (singular or plural). */
  only?: string;
  push?: boolean;
  /** Asks a yes/no question in a terminal; absent when there is none (then nothing waits for input). */
  ask?: (question: string) => Promise<boolean>;
  progress?: (message: string) => void;
}

export interface HarvestResult {
  dryRun: boolean;
  plan: HarvestPlan;
  /** The harvest commit, or null (dry run, or nothing to do). */
  commit: string | null;
  sync: SyncReport | null;
  /** Decisions left in the inbox because nobody could be asked (no terminal, or they arrived after the questions). */
  unasked: number;
  attempts: number;
  /** With the bank on its own branch and a code branch that refuses pushes: the branch to open a pull request from. */
  pullRequest?: PullRequest | null;
  /** With the bank on its own branch: entries that left the buffers because their docs are on the default branch. */
  settled?: string[];
}

export async function harvest(options: HarvestOptions = {}): Promise<HarvestResult> {
  const session = await openSession(options);
  const { ws, persona } = session;
  const only = options.only === undefined ? undefined : findBuffer(ws.config, options.only);
  if (options.only !== undefined && !only) {
    const harvested = bufferNames(ws.config).filter((b) => bufferConfig(ws.config, b).harvest !== "none");
    throw new MemoryError("usage", `no buffer named "${options.only}"; use ${harvested.join(", ")} (or one of their types)`);
  }
  const answers = new Map<string, boolean>();
  // Asked before the lock is taken: a person may take minutes to answer, and agents' adds must not wait
  // for them. Decisions that arrive with the sync afterwards were not asked about and stay in the inbox.
  if (options.ask && !options.yes && !options.dryRun) {
    const input = await readInput(session, { ...options, only });
    const candidates = decisionCandidates(input);
    // The number a yes would give, counting the yeses so far (a hint: a clone publishing first moves it on).
    const first = planHarvest({ ...input, acceptDecision: () => true }).files.find((f) => f.kind === "adr")?.number;
    let accepted = 0;
    for (const [i, e] of candidates.entries()) {
      const hint = first !== undefined ? `    (a yes makes it ADR ${first + accepted}, unless another clone publishes one first)\n` : "";
      const yes = await options.ask(`${excerpt(e.body)}${hint}Create ADR for decision #${i + 1} "${e.title}" (by ${e.author})? (y/N) `);
      answers.set(e.id, yes);
      if (yes) accepted++;
    }
  }
  return locked(ws, options, async () => {
    const status = await checkBank(session);
    let unasked = 0;
    const decide = (e: Entry): void => {
      if (answers.has(e.id)) return;
      answers.set(e.id, !!options.yes);
      if (!options.yes) unasked++;
    };
    const plan = async (pending: HarvestedDocs[] = []): Promise<HarvestPlan> => {
      const input = await readInput(session, { ...options, only }, pending);
      for (const e of decisionCandidates(input)) decide(e);
      return planHarvest({ ...input, acceptDecision: (e) => answers.get(e.id) ?? false });
    };

    if (options.dryRun) return { dryRun: true, plan: await plan(), commit: null, sync: null, unasked, attempts: 0 };

    // A rejected push resets the harvest commit: it must never hold someone's unsaved edits to a target.
    const refuseDirty = async (): Promise<void> => {
      const references = harvestTargets(ws, "reference");
      const dirty = references.length ? await changedPaths(ws.root, references) : [];
      if (dirty.length > 0) throw new MemoryError("dirty-target", `${dirty[0]} has uncommitted changes`);
    };
    if (ws.line.bank) {
      const done = await harvestBesideTheBank(session, { push: options.push !== false, progress: options.progress, plan, refuseDirty });
      return { dryRun: false, plan: done.plan, commit: done.commit, sync: done.sync, unasked, attempts: done.attempts, pullRequest: done.pullRequest, settled: done.settled };
    }
    await refuseDirty();
    await commitBank(session, status, { at: isoSeconds(now(ws.env)), message: `memory: save before harvest (${persona})` });
    let planned: HarvestPlan | undefined;
    let commit: string | null = null;
    let attempts = 0;
    // Always sync first, --no-push included: a plan made on a stale clone would reuse ADR numbers.
    const sync = await syncWithRemote(ws, ws.line, {
      persona,
      push: options.push !== false,
      progress: options.progress,
      command: "harvest",
      prepare: async (attempt) => {
        attempts = attempt;
        planned = await plan();
        commit = planned.empty ? null : await apply(session, planned);
      },
      rejected: async () => {
        // Someone pushed first: undo our commit, take theirs, and plan again, so ADR numbers never collide.
        if (commit) await undoLastCommit(ws.root);
        commit = null;
        options.progress?.("the remote moved; planning the harvest again");
      },
    });
    return { dryRun: false, plan: planned!, commit, sync, unasked, attempts };
  });
}

async function readInput(session: Session, options: { all?: boolean; only?: BufferName }, pending: HarvestedDocs[] = []): Promise<Omit<HarvestInput, "acceptDecision">> {
  const { ws } = session;
  const buffers: HarvestInput["buffers"] = {};
  for (const f of bufferFiles(ws)) buffers[f.buffer] = { path: f.rel, text: (await readTextIfExists(f.abs)) ?? "" };
  const docs = await readHarvestedDocs(ws);
  if (pending.length) await countPending(docs, pending);
  return {
    config: ws.config,
    buffers,
    docs,
    unsaved: await unsavedIndexes(ws.root, docs),
    templates: await loadDocTemplates(ws.root),
    date: isoSeconds(now(ws.env)).slice(0, 10),
    all: options.all,
    only: options.only,
  };
}

/**
 * The docs of harvests waiting in pull requests count as published: their entries are not harvested again
 * and their ADR numbers are taken. Their reference texts are kept under keys of their own (only read for
 * entry ids); their folder files join the folder, where a name is not already there.
 */
async function countPending(docs: HarvestedDocs, pending: HarvestedDocs[]): Promise<void> {
  pending.forEach((p, i) => {
    for (const [target, text] of p.references) if (text !== null && text !== docs.references.get(target)) docs.references.set(`${target}#pending-${i + 1}`, text);
    for (const [dir, files] of p.folders) {
      const folder = docs.folders.get(dir) ?? new Map<string, string>();
      for (const [name, text] of files) if (!folder.has(name)) folder.set(name, text);
      docs.folders.set(dir, folder);
    }
  });
  for (const dir of docs.adrDocs?.keys() ?? []) docs.adrDocs!.set(dir, await readAdrDocs(docs.folders.get(dir) ?? new Map()));
}

/**
 * ADR folder indexes (README.md, index.md) with edits not committed, or never committed: the harvest commit
 * must not take a person's unsaved text along, so their lines are left for them to add.
 */
async function unsavedIndexes(root: string, docs: HarvestInput["docs"]): Promise<Set<string>> {
  const indexes = [...(docs.adrDocs?.keys() ?? [])].flatMap((dir) => [...(docs.folders.get(dir)?.keys() ?? [])].filter(isAdrIndex).map((name) => `${dir}/${name}`));
  if (indexes.length === 0) return new Set();
  const status = await pathStatus(root, indexes);
  return new Set([...status.changed, ...status.untracked, ...status.unmerged]);
}

/**
 * Commits the plan (buffers, docs, the log line, `.gitattributes`) as one commit made off to the side,
 * then lands it: branch, index, files. Any failure before it lands changes nothing; a stop while it lands
 * is rolled forward by the next command (see harvest-journal.ts).
 */
async function apply(session: Session, plan: HarvestPlan): Promise<string> {
  const { ws, persona } = session;
  const summary = describePlan(plan);
  const log = session.files.find((f) => f.key === "log")!;
  const files: FileContent[] = [
    ...plan.buffers.filter((b) => b.content !== undefined).map((b) => ({ path: b.path, content: b.content! })),
    ...plan.files.map((f) => ({ path: f.path, content: f.content })),
    { path: log.rel, content: withLine((await readTextIfExists(log.abs)) ?? "", logLine(isoSeconds(now(ws.env)), persona, "harvest", summary)) },
  ];
  const attributes = await plannedAttributes(ws);
  if (attributes !== null) files.push({ path: ".gitattributes", content: attributes });
  await refuseUnwritable(ws.root, files.map((f) => f.path));
  const head = await headCommit(ws);
  const message = `${HARVEST_SUBJECT}${persona}): ${summary}`;
  const sign = signsCommits(ws);
  const { commit, blobs } = await commitFiles(ws.root, ws.gitDir, head, files, message, { sign });
  await land(ws, { from: head, to: commit, message, files: [...blobs] }, new Map(files.map((f) => [f.path, f.content])));
  return commit;
}

/**
 * Every file the harvest writes must be a file or nothing, under folders that are folders or nothing:
 * checked before anything changes, so a file standing where the ADR folder should be stops the harvest
 * with nothing done. Each folder is checked and listed once (thousands of docs share a few folders).
 */
export async function refuseUnwritable(root: string, paths: readonly string[]): Promise<void> {
  const refuse = (rel: string, code: "EISDIR" | "ENOTDIR"): never => {
    throw withPath(Object.assign(new Error(`${code}: ${rel}`), { code }), join(root, rel));
  };
  const byFolder = new Map<string, string[]>();
  for (const p of paths) {
    const cut = p.lastIndexOf("/");
    const [folder, name] = cut < 0 ? ["", p] : [p.slice(0, cut), p.slice(cut + 1)];
    const names = byFolder.get(folder);
    if (names) names.push(name);
    else byFolder.set(folder, [name]);
  }
  const folders = new Map<string, boolean>(); // folder → exists
  const folderExists = async (rel: string): Promise<boolean> => {
    if (rel === "") return true;
    const known = folders.get(rel);
    if (known !== undefined) return known;
    const parent = rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "";
    const info = (await folderExists(parent)) ? await stat(join(root, rel)).catch(() => null) : null;
    if (info && !info.isDirectory()) refuse(rel, "ENOTDIR");
    folders.set(rel, info !== null);
    return info !== null;
  };
  for (const [folder, names] of byFolder) {
    if (!(await folderExists(folder))) continue;
    const listed = await readdir(join(root, folder), { withFileTypes: true }).catch(() => null);
    const entries = new Map(listed?.map((e) => [e.name, e]));
    for (const name of names) {
      const entry = entries.get(name);
      if (listed && (!entry || entry.isFile())) continue;
      // Anything else is looked at itself: a symbolic link counts as what it leads to (a dangling one as nothing).
      const rel = folder ? `${folder}/${name}` : name;
      const info = await stat(join(root, rel)).catch(() => null);
      if (info && !info.isFile()) refuse(rel, "EISDIR");
    }
  }
}


/** The first lines of a decision's body, indented, to read before answering (empty when it has none). */
function excerpt(body: string, max = 6): string {
  const lines = body.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0) return "";
  const shown = lines.slice(0, max).map((l) => `    ${l}`);
  if (lines.length > max) shown.push(`    … (${lines.length - max} more line${lines.length - max === 1 ? "" : "s"})`);
  return `\n${shown.join("\n")}\n`;
}

export function describePlan(plan: HarvestPlan): string {
  const parts: string[] = [];
  const count = (kind: string) => plan.files.filter((f) => f.kind === kind).reduce((n, f) => n + f.entries.length, 0);
  const patterns = count("patterns");
  const lessons = count("post-mortem");
  const adrs = plan.files.filter((f) => f.kind === "adr");
  if (patterns) parts.push(`${patterns} pattern${patterns === 1 ? "" : "s"}`);
  if (lessons) parts.push(`${lessons} lesson${lessons === 1 ? "" : "s"}`);
  if (adrs.length) parts.push(adrs.map((f) => f.path.split("/").pop()!.replace(/\.md$/, "")).join(", "));
  const old = plan.buffers.reduce((n, b) => n + b.alreadyHarvested.length, 0);
  if (old) parts.push(`${old} already harvested removed`);
  return parts.join(", ") || "nothing";
}

