/**
 * `memory migrate --to-branch`: a bank committed on the code branch (the original layout) moves to a branch
 * of its own. Two commits: the bank branch's first, holding the bank exactly as the code branch has it
 * (merged with the remote's bank branch when another clone moved first), and one on the code branch that
 * stops tracking the bank folder (the files stay where they are, now ignored). Every other clone follows
 * with `git pull` and `memory init`, which takes the bank from its branch.
 */
import { CONFIG_FILE, DEFAULT_BANK_BRANCH } from "../core/config.js";
import { MemoryError } from "../core/errors.js";
import { bankCommitFrom, bankTip, dropBankRef, mergeIntoBank, setBankRef } from "../git/bank-ref.js";
import { fetchUpstream } from "../git/remote.js";
import { headCommit, listFiles } from "../git/repo.js";
import { networkTimeoutMs } from "../git/run.js";
import { commitWithout, moveHead, untrackPaths } from "../git/snapshot.js";
import { changedPaths, stageFiles } from "../git/worktree.js";
import { readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import { bankUpstream, ensureExcluded, resolveLine } from "../bank/line.js";
import { signsCommits, type Workspace } from "../bank/workspace.js";
import { ensureBankAttributes } from "./setup.js";
import { syncWithRemote, type SyncReport } from "./sync.js";

export interface MoveResult {
  /** The bank branch. */
  branch: string;
  /** The bank's files that move (repo-relative). */
  files: string[];
  /** The bank branch's commit, and the code branch's (null on a dry run). */
  bankCommit: string | null;
  codeCommit: string | null;
  /** What pushing each did (null without a remote, on a dry run, or with --no-push). */
  bankSync: SyncReport | null;
  codeSync: SyncReport | null;
  /** Why the code branch's commit was not pushed (a protected branch): it goes through a pull request then. */
  codeRefused: string | null;
}

export async function moveToBranch(ws: Workspace, persona: string, options: { dryRun?: boolean; push?: boolean }): Promise<MoveResult> {
  if (ws.line.mode === "branch") {
    throw new MemoryError("usage", `the bank is already synced on its own branch, ${ws.line.branch}`);
  }
  const branch = ws.config.sync.branch && ws.config.sync.branch !== "current" ? ws.config.sync.branch : DEFAULT_BANK_BRANCH;
  const bankDir = ws.config.bank.replace(/\/+$/, "");
  const tip = await headCommit(ws);
  const files = tip ? await listFiles(ws.root, tip, [bankDir]) : [];
  if (files.length === 0) throw new MemoryError("no-bank", `no memory bank is committed at ${bankDir} on this branch`);
  const result: MoveResult = { branch, files, bankCommit: null, codeCommit: null, bankSync: null, codeSync: null, codeRefused: null };
  if (options.dryRun) return result;
  const dirty = await changedPaths(ws.root, [bankDir]);
  if (dirty.length > 0) throw new MemoryError("dirty-target", `${dirty[0]} has changes not saved yet; run memory save first`);
  // What the other clones saved on this branch comes first, so the move takes it along and its commit
  // merges cleanly wherever the branch goes.
  if (options.push !== false) await syncWithRemote(ws, ws.line, { persona, push: true, command: "migrate" });
  const head = await headCommit(ws);

  // The config says "current"? It stops saying so (the rest of it stays as it is).
  const config = await readTextIfExists(`${ws.root}/${CONFIG_FILE}`);
  const configTracked = head ? (await listFiles(ws.root, head, [CONFIG_FILE])).length > 0 : false;
  const rewritten = config !== null && ws.config.sync.branch === "current" ? withoutCurrent(config) : null;

  // The bank branch: its first commit from the code branch's bank, merged with the remote's if it has one.
  const moved = await resolveLine(ws, { ...ws.config, sync: { branch } }, ws.codeBranch);
  const bank = moved.bank!;
  if (await bankTip(bank)) throw new MemoryError("usage", `a branch named ${branch} exists in this clone already; set sync.branch to another name, or remove it`);
  const paths = configTracked ? [bankDir, CONFIG_FILE] : [bankDir];
  const sign = signsCommits(ws);
  const first = await bankCommitFrom(bank, head, paths, `memory: the bank moves to its own branch (${persona})`, { sign });
  await setBankRef(bank, first, null, "memory: the bank moves to its own branch");
  result.bankCommit = first;

  // The bank branch reaches the remote first (merged with another clone's move, if one came first). Should
  // that fail, the bank branch made here is removed again and nothing else has changed.
  const up = bankUpstream(ws.gitConfig, moved, ws.codeBranch);
  try {
    if (up) {
      const fetched = await fetchUpstream(ws.root, up, networkTimeoutMs(ws.env));
      if (fetched.kind === "ok") {
        const merged = await mergeIntoBank(bank, up.trackingRef, `memory: merge ${up.remote}/${branch} (${persona})`, { sign });
        if (merged.kind === "conflict" || merged.kind === "refused") {
          throw new MemoryError("merge-refused", `cannot merge ${up.remote}/${branch} into the bank moved here (${merged.kind === "conflict" ? merged.files.join(", ") : merged.reason})`);
        }
      }
    }
    if (options.push !== false && up) result.bankSync = await syncWithRemote(ws, moved, { persona, push: true, command: "migrate" });
  } catch (err) {
    await dropBankRef(bank);
    throw err;
  }

  // Code branches stop tracking it: one commit, HEAD moved; the index drops the folder, the files stay.
  const message = `memory: the bank is synced on the ${branch} branch from now on (${persona})`;
  const code = await commitWithout(ws.root, ws.gitDir, head, [bankDir], rewritten !== null && configTracked ? [{ path: CONFIG_FILE, content: rewritten }] : [], message, { sign });
  await moveHead(ws.root, head, code, message);
  await untrackPaths(ws.root, [bankDir]);
  if (rewritten !== null) {
    await writeTextAtomic(`${ws.root}/${CONFIG_FILE}`, rewritten);
    if (configTracked) await stageFiles(ws.root, [CONFIG_FILE]);
  }
  result.codeCommit = code;

  // This clone from now on: the folder ignored by code branches, the attributes in .git/info.
  await ensureExcluded(ws.commonDir, ws.config);
  ws.config = { ...ws.config, sync: rewritten !== null ? {} : ws.config.sync };
  ws.line = await resolveLine(ws, ws.config, ws.codeBranch);
  if (ws.line.mode !== "branch") ws.line = moved;
  await ensureBankAttributes(ws);

  if (options.push !== false && up) {
    const current = { mode: "current" as const, branch: ws.codeBranch, ref: "HEAD", bank: null, chosenBy: "config" as const };
    try {
      result.codeSync = await syncWithRemote(ws, current, { persona, push: true, command: "migrate" });
    } catch (err) {
      if (!(err instanceof MemoryError && err.kind === "push-failed")) throw err;
      result.codeRefused = err.message;
    }
  }
  return result;
}

/** The config text without `sync.branch: "current"` (an emptied `sync` goes too); formatting of the rest is JSON's. */
function withoutCurrent(text: string): string {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const sync = { ...(raw.sync as Record<string, unknown> | undefined) };
  delete sync.branch;
  if (Object.keys(sync).length === 0) delete raw.sync;
  else raw.sync = sync;
  return `${JSON.stringify(raw, null, 2)}\n`;
}
