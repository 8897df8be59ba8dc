/** What start, save and harvest check before touching anything, and helpers they share. */
import { CONFIG_FILE } from "../core/config.js";
import { MemoryError } from "../core/errors.js";
import type { Persona } from "../core/persona.js";
import { headCommit } from "../git/repo.js";
import { bankBase, bankTip, lookAfterMerge, stageBank } from "../git/bank-ref.js";
import { refuseBadState } from "../git/state.js";
import { indexLockWaitMs } from "../git/run.js";
import { indexHolds, pathStatus, type PathStatus } from "../git/worktree.js";
import { keepClean, lookedClean, stampLook } from "../git/clean-look.js";
import { exists, readTextIfExists, removeStaleTemps, writeTextAtomic } from "../infra/fs.js";
import { dirname, join } from "node:path";
import { withLock } from "../infra/lock.js";
import { recoverHarvest } from "./harvest-journal.js";
import { checkBankFile } from "../bank/files.js";
import { archiveFile, bankFiles, harvestTargets, openWorkspace, requireBank, requirePersona, type BankFile, type Workspace } from "../bank/workspace.js";
import { countBufferOnce } from "../core/parse-once.js";

export interface Session {
  ws: Workspace;
  branch: string;
  persona: string;
  files: BankFile[];
}

export interface SessionOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  persona?: string;
  /** Hears once when another memory process in this clone makes this one wait. */
  onWait?: (holder: string) => void;
  /** Hears which persona writes, and where that came from (a fallback to git's user.name is worth saying). */
  onPersona?: (persona: Persona) => void;
}

/** Runs `work` holding the clone's lock, telling `onWait` when another memory process makes it wait. */
export function locked<T>(ws: Workspace, options: Pick<SessionOptions, "onWait">, work: () => Promise<T>): Promise<T> {
  return withLock(
    ws.commonDir,
    async () => {
      // What a stopped command left: a harvest half landed is rolled forward, its temporary files removed.
      await recoverHarvest(ws);
      for (const dir of new Set([ws.config.bank, ...harvestTargets(ws).map((t) => (t.endsWith(".md") ? dirname(t) : t))])) {
        await removeStaleTemps(join(ws.root, dir));
      }
      return work();
    },
    options.onWait,
    lockWaitMs(ws.env),
  );
}

/** How long to wait for another memory command in this clone: `MEMORY_LOCK_WAIT` seconds (hooks set a few), else 180. */
export function lockWaitMs(env: NodeJS.ProcessEnv): number | undefined {
  const seconds = Number(env.MEMORY_LOCK_WAIT);
  return env.MEMORY_LOCK_WAIT !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Opens the clone and refuses the states the spec lists, before anything is written. */
export async function openSession(options: SessionOptions): Promise<Session> {
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  const found = requirePersona(ws, options.persona);
  options.onPersona?.(found);
  const persona = found.name;
  // A bank on its own branch never touches HEAD or the index: it syncs mid-rebase, or on a detached HEAD.
  const branch = ws.line.bank ? (ws.codeBranch ?? "detached HEAD") : await refuseBadState(ws.gitDir, ws.codeBranch, indexLockWaitMs(ws.env));
  return { ws, branch, persona, files: bankFiles(ws) };
}

/**
 * Refuses unmerged bank files, conflict markers and buffers that do not parse (naming file and line).
 * Returns the bank's git status, which the bank commit goes on to use.
 */
export async function checkBank(session: Session, afterLook?: (status: BankStatus) => Promise<void>): Promise<BankStatus> {
  const { ws, files } = session;
  const status = await bankStatus(session);
  // (What git said of the files, before each is read: a save with nothing to commit fetches meanwhile.)
  await afterLook?.(status);
  const unmerged = status.unmerged.filter((p) => files.some((f) => f.rel === p));
  if (unmerged.length > 0) {
    throw new MemoryError("unmerged", `${unmerged.join(", ")} ${unmerged.length === 1 ? "is" : "are"} left unmerged by a git merge`);
  }
  for (const f of files) {
    const problem = await checkBankFile(ws, f);
    // A deleted bank file: committing the deletion would push it to every clone, and block their next merge.
    if (problem?.kind === "missing") throw new MemoryError("missing-file", `${f.rel} is missing`, { file: f.rel });
    if (problem) throw problem.error;
  }
  // The archive, once there is one, must read as entries too (its conflict markers included).
  const archive = archiveFile(ws);
  if (status.unmerged.includes(archive.rel)) throw new MemoryError("unmerged", `${archive.rel} is left unmerged by a git merge`);
  const text = await readTextIfExists(archive.abs);
  if (text !== null) countBufferOnce(text, { file: archive.rel });
  return status;
}

export interface BankStatus extends PathStatus {
  /** The commit the bank's changes are counted from: the bank branch's tip (null before its first commit), or HEAD's. */
  tip: string | null;
  /** The paths the bank on its own branch was looked at under (its checks keep their answer for these). */
  paths?: string[];
}

/**
 * The bank's files against the commit they were last committed in. On the bank's own branch every file is
 * recorded in its index as it is (new, changed, deleted), so `changed` is complete and nothing is untracked.
 */
async function bankStatus(session: Session): Promise<BankStatus> {
  const { ws } = session;
  const bank = ws.line.bank;
  if (!bank) {
    const { found, keep } = await worktreeLook(session);
    await keep?.();
    return { ...found, tip: "HEAD" };
  }
  // Compared with what this work tree's files were last synced to: another work tree may have moved the branch.
  const tip = await bankBase(bank);
  // A config the code branch tracks is the code branch's (a team set sync.branch there): not the bank's.
  // (No config file here, none tracked either: the commonest case costs no process.)
  const configOnCode = (await exists(join(ws.root, CONFIG_FILE))) && (await indexHolds(ws.root, ws.gitDir, CONFIG_FILE, ws.env));
  const paths = configOnCode ? [ws.config.bank] : bankPaths(session);
  const changed = await stageBank(bank, tip, paths);
  return { unmerged: [], untracked: [], ignored: [], changed, tip, paths };
}

/**
 * The bank's files on the checked-out branch against HEAD and the index: `git status`, or nothing when a look
 * that found nothing is kept and nothing it read moved (as on the bank's own branch, `stageBank`). `keep`
 * keeps a look that found nothing.
 */
async function worktreeLook(session: Session, refresh = true): Promise<{ found: PathStatus; keep: (() => Promise<void>) | null }> {
  const { ws } = session;
  const paths = bankPaths(session);
  const head = ws.refFiles && !ws.env.GIT_INDEX_FILE && !process.env.GIT_INDEX_FILE ? await headCommit(ws) : "";
  const clean = join(ws.gitDir, "memory", "worktree-clean");
  const look = () => (head ? stampLook(ws.root, join(ws.gitDir, "index"), head, paths) : Promise.resolve(null));
  const before = await look();
  if (await lookedClean(clean, before)) return { found: { unmerged: [], untracked: [], ignored: [], changed: [] }, keep: null };
  const found = await pathStatus(ws.root, paths, { refresh });
  if (!Object.values(found).every((list) => list.length === 0)) return { found, keep: null };
  const after = await look();
  return { found, keep: () => keepClean(clean, before, after) };
}

/**
 * After a sync merged into the bank's files: the look the next command's checks would take, taken now (it may
 * run while the caller reads on) and, when it finds nothing, how to keep it (called last, so the file
 * system's clock has moved on from the merge's writes). The next start or save then hands nothing to git.
 */
export async function lookAfterSync(session: Session, status: BankStatus): Promise<(() => Promise<void>) | null> {
  const bank = session.ws.line.bank;
  if (bank) return status.paths ? lookAfterMerge(bank, status.paths) : null;
  // (git's status refreshes the index it reads, which would move the look while it is taken: not here.)
  return (await worktreeLook(session, false)).keep;
}

/** The commit the bank is at: the bank branch's tip, or HEAD's ("" before either has one). */
export async function lineTip(ws: Workspace): Promise<string> {
  return ws.line.bank ? ((await bankTip(ws.line.bank)) ?? "") : headCommit(ws);
}

/** Appends one line to the session log, keeping its line endings. */
export async function appendLog(session: Session, line: string): Promise<void> {
  const log = session.files.find((f) => f.key === "log")!;
  await writeTextAtomic(log.abs, withLine((await readTextIfExists(log.abs)) ?? "", line));
}

/** A text with one more line at its end, in its own line endings. */
export function withLine(text: string, line: string): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const body = text === "" || text.endsWith("\n") ? text : text + eol;
  return `${body}${line}${eol}`;
}

/**
 * What a bank commit takes: the bank folder, `.gitattributes`, and the config file, which says how every
 * clone reads and merges the bank (a team's own buffer must reach the clones that will merge it).
 */
export const bankPaths = (session: Session): string[] =>
  session.ws.line.mode === "branch" ? [session.ws.config.bank, CONFIG_FILE] : [session.ws.config.bank, ".gitattributes", CONFIG_FILE];

/** The files the tool itself writes or reads in a bank commit (the archive too, once cleanup made it). */
export const ownFiles = (session: Session): string[] => [...session.files.map((f) => f.rel), archiveFile(session.ws).rel, ".gitattributes", CONFIG_FILE];

