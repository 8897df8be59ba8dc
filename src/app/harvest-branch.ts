/**
 * Harvest when the bank has its own branch: the docs land on the code branch as one ordinary commit (pushed
 * where the branch accepts it; when the server refuses, as a `memory-harvest/<date>` branch to open a pull
 * request from), and the harvested entries leave the buffers only once their docs are on the default
 * branch. Until then the docs of the pending harvest branches count: their ADR numbers are taken and their
 * entries are not harvested twice.
 */
import { rm, stat } from "../infra/quick-fs.js";
import { join } from "node:path";
import { isoSeconds, now } from "../core/clock.js";
import { MemoryError } from "../core/errors.js";
import { harvestedTexts, settleHarvested, type HarvestedDocs, type HarvestInput, type HarvestPlan } from "../core/harvest.js";
import { logLine } from "../core/merge.js";
import { headCommit, isAncestor, revParse } from "../git/repo.js";
import { defaultBranch, fetchHarvestBranches, HARVEST_BRANCH_PREFIX, pushCommit } from "../git/remote.js";
import { git, indexLockWaitMs, networkTimeoutMs } from "../git/run.js";
import { commitFiles, type FileContent } from "../git/snapshot.js";
import { refuseBadState } from "../git/state.js";
import { undoLastCommit } from "../git/worktree.js";
import { fileIdentity, readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import { readHarvestedDocsAt } from "../bank/docs.js";
import { defaultDocsRef } from "../bank/query.js";
import { bankUpstream, type BankLine } from "../bank/line.js";
import { bankFiles, bufferFiles, harvestTargets, openWorkspace, requireBank, requirePersona, signsCommits, type Workspace } from "../bank/workspace.js";
import { inspectBankFile } from "../bank/files.js";
import { commitBank } from "./bank-commit.js";
import { land } from "./harvest-journal.js";
import { HARVEST_SUBJECT } from "./harvest-undo.js";
import { checkBank, locked, type Session } from "./session.js";
import { plannedAttributes } from "./setup.js";
import { syncWithRemote, type SyncReport } from "./sync.js";

export interface PullRequest {
  /** The branch pushed, e.g. `memory-harvest/2026-11-29`. */
  branch: string;
  base: string;
  commit: string;
  /** The command that opens the pull request. */
  command: string;
}

export interface BesideResult {
  plan: HarvestPlan;
  /** The docs commit on the code branch, or on the pull-request branch. */
  commit: string | null;
  sync: SyncReport | null;
  attempts: number;
  pullRequest: PullRequest | null;
  /** Entries that left the buffers because their docs are on the default branch. */
  settled: string[];
}

export interface BesideOptions {
  push: boolean;
  progress?: (message: string) => void;
  /** Plans on the buffers and docs as they are, counting the pending harvest branches' docs as published. */
  plan: (pending: HarvestedDocs[]) => Promise<HarvestPlan>;
  refuseDirty: () => Promise<void>;
}

export async function harvestBesideTheBank(session: Session, options: BesideOptions): Promise<BesideResult> {
  const { ws, persona } = session;
  const branch = await refuseBadState(ws.gitDir, ws.codeBranch, indexLockWaitMs(ws.env));
  await options.refuseDirty();
  // The bank first: what others learned is merged before planning, and this clone's entries are saved.
  await commitBank(session, await checkBank(session), { at: isoSeconds(now(ws.env)), message: `memory: save before harvest (${persona})` });
  await syncWithRemote(ws, ws.line, { persona, push: options.push, progress: options.progress, command: "harvest" });

  const code: BankLine = { mode: "current", branch, ref: "HEAD", bank: null, chosenBy: "config" };
  const up = bankUpstream(ws.gitConfig, code, branch);
  const timeout = networkTimeoutMs(ws.env);
  const pendingDocs = async () => (up ? await Promise.all((await fetchHarvestBranches(ws.root, up.remote, timeout)).map((r) => readHarvestedDocsAt(ws, r))) : []);
  let pending = await pendingDocs();

  let planned: HarvestPlan | undefined;
  let commit: string | null = null;
  let attempts = 0;
  let sync: SyncReport | null = null;
  let pullRequest: PullRequest | null = null;
  try {
    sync = await syncWithRemote(ws, code, {
      persona,
      push: options.push,
      progress: options.progress,
      command: "harvest",
      onlyIfAhead: true,
      prepare: async (attempt) => {
        attempts = attempt;
        planned = await options.plan(pending);
        commit = planned.files.length ? await landDocs(session, planned) : null;
        // Remembered until it is pushed: a harvest stopped here is finished by the next start or save.
        if (commit) await writeTextAtomic(pendingDocsFile(ws), `${commit}\n`);
      },
      rejected: async () => {
        if (commit) await undoLastCommit(ws.root);
        commit = null;
        await rm(pendingDocsFile(ws), { force: true });
        pending = await pendingDocs();
        options.progress?.("the remote moved; planning the harvest again");
      },
    });
  } catch (err) {
    // The server refused the code branch (a protected main): the docs go to a branch of their own.
    if (!(err instanceof MemoryError && err.kind === "push-failed" && commit && up)) throw err;
    await undoLastCommit(ws.root);
    await rm(pendingDocsFile(ws), { force: true });
    commit = null;
    const base = (await defaultBranch(ws, up.remote)) ?? up.branch;
    for (let attempt = 1; attempt <= 5 && !pullRequest; attempt++) {
      pending = await pendingDocs();
      planned = await options.plan(pending);
      if (planned.files.length === 0) break;
      const name = await freeBranchName(ws, up.remote, isoSeconds(now(ws.env)).slice(0, 10));
      const parent = (await git(["rev-parse", "--verify", "--quiet", `refs/remotes/${up.remote}/${base}`], { cwd: ws.root, okCodes: [1] })).stdout.trim() || (await headCommit(ws));
      const snapshot = await commitFiles(ws.root, ws.gitDir, parent, await docFiles(session, planned), message(persona, planned), { sign: signsCommits(ws) });
      options.progress?.(`${up.remote}/${up.branch} refuses pushes; pushing the docs to ${name}`);
      const pushed = await pushCommit(ws.root, up.remote, snapshot.commit, name, timeout);
      if (pushed.kind === "pushed" || pushed.kind === "up-to-date") {
        commit = snapshot.commit;
        pullRequest = { branch: name, base, commit: snapshot.commit, command: `gh pr create --base ${base} --head ${name} --fill` };
      } else if (pushed.kind !== "rejected") {
        throw new MemoryError("push-failed", `push to ${up.remote}/${name} failed (${pushed.reason})`, { upstream: `${up.remote}/${name}`, command: "harvest" });
      }
    }
    attempts++;
    if (!pullRequest && planned && planned.files.length > 0) {
      throw new MemoryError("push-exhausted", `pushing the docs to a ${HARVEST_BRANCH_PREFIX} branch on ${up.remote} was rejected 5 times`, { upstream: `${up.remote}/${HARVEST_BRANCH_PREFIX}`, command: "harvest" });
    }
  }
  if (sync && sync.pendingPush === 0 && !sync.unreachable) await rm(pendingDocsFile(ws), { force: true });
  const settled = await settleBank(session, options.push);
  return { plan: planned!, commit, sync, attempts, pullRequest, settled };
}

const pendingDocsFile = (ws: Workspace): string => join(ws.gitDir, "memory", "pending-docs");

/**
 * A harvest's docs commit that never reached the remote (offline, or the command was stopped before its
 * push): the next start or save syncs the code branch once, through the same loop as harvest. So it is
 * pushed, or undone when another clone published docs meanwhile (its entries are still in the buffers and
 * are harvested again against what was published), before a plain `git pull` could merge two harvests of
 * one entry. Says why when it cannot (returns null when there was nothing to finish).
 */
export async function finishPendingDocs(session: Session, progress?: (message: string) => void): Promise<SyncReport | null> {
  const { ws, persona } = session;
  const file = pendingDocsFile(ws);
  const commit = (await readTextIfExists(file))?.trim();
  if (!commit || !ws.line.bank) return null;
  if (!ws.codeBranch || !(await isAncestor(ws.root, commit, "HEAD"))) {
    await rm(file, { force: true }); // reset away, or another branch checked out: nothing of ours to push here
    return null;
  }
  const branch = await refuseBadState(ws.gitDir, ws.codeBranch, indexLockWaitMs(ws.env)).catch(() => null);
  if (!branch) return null; // mid-rebase or the like: the next command tries again
  const code: BankLine = { mode: "current", branch, ref: "HEAD", bank: null, chosenBy: "config" };
  // Only ours to push: when the branch holds commits of the person's own beyond its upstream, pushing would
  // publish their work; they push it themselves (and the docs with it).
  const up = bankUpstream(ws.gitConfig, code, branch);
  const since = up && (await revParse(ws, up.trackingRef)) ? up.trackingRef : commit;
  const subjects = (await git(["log", "--format=%s", `${since}..HEAD`], { cwd: ws.root })).stdout.split("\n").filter(Boolean);
  if (subjects.some((s) => !s.startsWith(HARVEST_SUBJECT) && !s.startsWith(`Revert "${HARVEST_SUBJECT}`))) return null;
  const sync = await syncWithRemote(ws, code, { persona, push: true, progress, command: "finish-harvest", onlyIfAhead: true });
  if (!sync.unreachable && (sync.pendingPush === 0 || sync.undoneHarvests.length > 0)) await rm(file, { force: true });
  return sync;
}

/** `memory-harvest/<date>`, or `-2`, `-3`… when a pending harvest of that day has the name. */
async function freeBranchName(ws: Workspace, remote: string, date: string): Promise<string> {
  const taken = new Set(
    (await git(["for-each-ref", "--format=%(refname)", `refs/remotes/${remote}/${HARVEST_BRANCH_PREFIX}`], { cwd: ws.root })).stdout
      .split("\n")
      .filter(Boolean)
      .map((r) => r.slice(`refs/remotes/${remote}/`.length)),
  );
  for (let n = 1; ; n++) {
    const name = `${HARVEST_BRANCH_PREFIX}${date}${n === 1 ? "" : `-${n}`}`;
    if (!taken.has(name)) return name;
  }
}

const message = (persona: string, plan: HarvestPlan): string => {
  const adrs = plan.files.filter((f) => f.kind === "adr").map((f) => f.path.split("/").pop()!.replace(/\.md$/, ""));
  const entries = new Set(plan.files.flatMap((f) => f.entries)).size;
  return `${HARVEST_SUBJECT}${persona}): ${entries} entr${entries === 1 ? "y" : "ies"} to the docs${adrs.length ? `, ${adrs.join(", ")}` : ""}`;
};

/** The docs of a plan (no bank file: the bank is on its own branch), with `.gitattributes` lines for a reference doc. */
async function docFiles(session: Session, plan: HarvestPlan): Promise<FileContent[]> {
  const files: FileContent[] = plan.files.map((f) => ({ path: f.path, content: f.content }));
  const references = new Set(plan.files.filter((f) => f.kind === "patterns").map((f) => f.path));
  const attributes = references.size ? await plannedAttributes(session.ws, {}, (p) => references.has(p)) : null;
  if (attributes !== null) files.push({ path: ".gitattributes", content: attributes });
  return files;
}

/** The docs commit, made off to the side on HEAD and landed (branch, index, files) through the journal. */
async function landDocs(session: Session, plan: HarvestPlan): Promise<string> {
  const { ws } = session;
  const files = await docFiles(session, plan);
  const head = await headCommit(ws);
  const msg = message(session.persona, plan);
  const { commit, blobs } = await commitFiles(ws.root, ws.gitDir, head, files, msg, { sign: signsCommits(ws) });
  await land(ws, { from: head, to: commit, message: msg, files: [...blobs] }, new Map(files.map((f) => [f.path, f.content])));
  return commit;
}

/**
 * Lets go of the entries whose docs are on the default branch (as this clone last fetched it), in one bank
 * commit, synced. Remembers the default branch's commit it looked at, so an unmoved branch costs no reading.
 */
export async function settleBank(session: Session, push: boolean, network = true, known?: { branch: string; ref: string } | null): Promise<string[]> {
  const { ws, persona } = session;
  if (!ws.line.bank) return [];
  // The default branch's tracking ref (start passes the one it just fetched); with no remote, a local main.
  const docs = known !== undefined ? known : await defaultDocsRef(ws);
  const local = ws.codeBranch === "main" || ws.codeBranch === "master" ? ws.codeBranch : null;
  const name = docs?.branch ?? local;
  if (!name) return [];
  const tip = await revParse(ws, docs?.ref ?? "HEAD");
  if (!tip) return [];
  const state = `${ws.gitDir}/memory/settled`;
  // The buffers as they were when last settled against this tip (each file's identity): nothing to read.
  const ids: string[] = [];
  for (const f of bufferFiles(ws)) {
    const s = await stat(f.abs, { bigint: true }).catch(() => null);
    ids.push(s ? fileIdentity(s) : "-");
  }
  const key = `${tip} ${ids.join(",")}`;
  if ((await readTextIfExists(state))?.trim() === key) return [];
  // Docs at a commit never change: when those at this tip harvested no entry at all (no harvest yet), nothing
  // can leave the buffers whatever they hold, and the docs are not read again until the tip moves.
  const none = `${ws.gitDir}/memory/settled-none`;
  const noneKey = `${tip} ${JSON.stringify([harvestTargets(ws, "reference"), harvestTargets(ws, "post-mortem"), harvestTargets(ws, "adr")])}`;
  if ((await readTextIfExists(none))?.trim() === noneKey) {
    await writeTextAtomic(state, `${key}\n`);
    return [];
  }
  const buffers: HarvestInput["buffers"] = {};
  for (const f of bufferFiles(ws)) buffers[f.buffer] = { path: f.rel, text: (await readTextIfExists(f.abs)) ?? "" };
  const harvested = await readHarvestedDocsAt(ws, tip);
  if (harvestedTexts(harvested).size === 0) await writeTextAtomic(none, `${noneKey}\n`);
  const changes = settleHarvested(ws.config, buffers, harvested);
  if (changes.length > 0) {
    for (const c of changes) await writeTextAtomic(`${ws.root}/${c.path}`, c.content);
    const removed = changes.flatMap((c) => c.removed);
    const at = isoSeconds(now(ws.env));
    await commitBank(session, await checkBank(session), {
      at,
      message: `memory: ${removed.length} harvested entr${removed.length === 1 ? "y leaves" : "ies leave"} the buffers (${persona})`,
      logLine: () => logLine(at, persona, "harvest", `${removed.length} entr${removed.length === 1 ? "y" : "ies"} now in the docs on ${name} left the buffers`),
    });
    if (network) await syncWithRemote(ws, ws.line, { persona, push, command: "settle" });
  }
  await writeTextAtomic(state, `${key}\n`);
  return changes.flatMap((c) => c.removed);
}

/**
 * After a plain `git pull`, merge or checkout (git's hooks): what stands in the way of using the bank
 * (markers or a file that does not parse), else, with the bank on its own branch, the entries whose docs
 * the pull brought to the default branch leave the buffers in a local bank commit (the next save pushes
 * it). No network. Returns the problem, or null.
 */
export async function settleLocally(options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<string | null> {
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  for (const f of bankFiles(ws)) {
    const { problem } = await inspectBankFile(ws, f);
    if (problem && problem.kind !== "missing") return problem.error.message;
  }
  if (!ws.line.bank) return null;
  const session: Session = { ws, branch: ws.codeBranch ?? "", persona: requirePersona(ws).name, files: bankFiles(ws) };
  await locked(ws, {}, () => settleBank(session, false, false));
  return null;
}
