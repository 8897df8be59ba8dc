/**
 * The git steps of a sync, each a small function: refuse bad states, commit only bank paths, fetch,
 * merge through the drivers, push. The loop that strings them together lives in ../sync.ts.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { MemoryError } from "../errors.js";
import { git, GitError, networkTimeoutMs } from "./run.js";
import { headCommit, unmergedPaths } from "./repo.js";
import type { Upstream } from "./remote.js";


const IN_PROGRESS: Array<[string, string, string]> = [
  ["MERGE_HEAD", "a merge", "`git merge --abort`; if only bank files conflict, `memory doctor --fix` finishes it"],
  ["rebase-merge", "a rebase", "`git rebase --continue` or `git rebase --abort`"],
  ["rebase-apply", "a rebase or `git am`", "`git rebase --abort` or `git am --abort`"],
  ["CHERRY_PICK_HEAD", "a cherry-pick", "`git cherry-pick --continue` or `git cherry-pick --abort`"],
  ["REVERT_HEAD", "a revert", "`git revert --continue` or `git revert --abort`"],
];

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** Refuses when HEAD is detached or another git operation is half done; nothing is touched. */
export async function refuseBadState(gitDir: string, branch: string | null): Promise<string> {
  for (const [file, what, how] of IN_PROGRESS) {
    if (await exists(join(gitDir, file))) {
      throw new MemoryError(`${what} is in progress in this clone; finish it or abort it (${how}), then run memory again`);
    }
  }
  if (!branch) throw new MemoryError("HEAD is detached; check out a branch (`git switch main`), then run memory again");
  if (await exists(join(gitDir, "index.lock"))) {
    throw new MemoryError(`another git process is using this clone (${join(gitDir, "index.lock")} exists); wait for it, or delete that file if no git is running`);
  }
  return branch;
}

/**
 * Paths under `paths` with changes in the work tree or index, relative to the root. Untracked files are
 * not changes: our own new files are recorded first (`trackFiles`), and an editor's swap file or a stray
 * note in the bank folder must neither be committed nor block the commit.
 */
export async function changedPaths(root: string, paths: readonly string[]): Promise<string[]> {
  const { stdout } = await git(["status", "--porcelain=v1", "-z", "--untracked-files=no", "--no-renames", "--", ...paths], { cwd: root });
  return stdout.split("\0").filter((r) => r.length > 3).map((r) => r.slice(3));
}

export interface PathStatus {
  /** Left conflicted by a merge. */
  unmerged: string[];
  /** Not in the index: untracked, or hidden by an ignore rule. */
  untracked: string[];
  /** Modified, added or deleted in the index or the work tree. */
  changed: string[];
}

const UNMERGED = new Set(["DD", "AU", "UD", "UA", "DU", "AA", "UU"]);

/** Everything start and save need to know about the bank's files, from one git process. */
export async function pathStatus(root: string, paths: readonly string[]): Promise<PathStatus> {
  const { stdout } = await git(
    ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=traditional", "--no-renames", "--", ...paths],
    { cwd: root },
  );
  const status: PathStatus = { unmerged: [], untracked: [], changed: [] };
  for (const record of stdout.split("\0")) {
    if (record.length < 4) continue;
    const [code, path] = [record.slice(0, 2), record.slice(3)];
    if (UNMERGED.has(code)) status.unmerged.push(path);
    else if (code === "??" || code === "!!") status.untracked.push(path);
    else status.changed.push(path);
  }
  return status;
}

/**
 * Makes new files known to the index (`add -N`: recorded, content not staged) so that `commitOnly` can
 * take them. `--force`: these are the tool's own files, shared even where a .gitignore rule (a common
 * `.claude/` line) would hide them.
 */
export async function trackFiles(root: string, files: readonly string[]): Promise<void> {
  const present: string[] = [];
  for (const f of files) if (await exists(join(root, f))) present.push(f);
  if (present.length > 0) await git(["add", "--intent-to-add", "--force", "--", ...present], { cwd: root });
}

/**
 * Commits the given paths only. The user's other staged changes stay staged and out of the commit;
 * unstaged and untracked work elsewhere is not touched. `known`: the changed paths, when the caller has
 * just listed them (saves a git process). Returns the new commit, or null when nothing changed.
 */
export async function commitOnly(root: string, paths: readonly string[], message: string, known?: readonly string[]): Promise<string | null> {
  const changed = known ?? (await changedPaths(root, paths));
  if (changed.length === 0) return null;
  // --no-verify: a bank commit holds no code, and the user's pre-commit hook may itself call memory.
  try {
    await git(["commit", "--only", "--no-verify", "--quiet", "-m", message, "--", ...changed], { cwd: root });
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    throw new MemoryError(
      `git could not commit the bank (${lastLine(err.result.stderr) || `exit ${err.result.code}`}); your changes are still in the files. Fix the cause (git identity? commit signing?) and run memory again`,
    );
  }
  return headCommit(root);
}

export type FetchResult = { kind: "ok" } | { kind: "no-branch" } | { kind: "unreachable"; reason: string };

/** Fetches the branch into its remote-tracking ref. A branch the remote lacks is not an error (first push). */
export async function fetchUpstream(root: string, up: Upstream): Promise<FetchResult> {
  const res = await git(
    ["fetch", "--no-tags", "--no-recurse-submodules", "--quiet", up.remote, `+refs/heads/${up.branch}:${up.trackingRef}`],
    { cwd: root, okCodes: [1, 128], timeoutMs: networkTimeoutMs() },
  ).catch((err: unknown) => {
    if (err instanceof MemoryError && !(err instanceof GitError)) return { code: -1, stdout: "", stderr: err.message };
    throw err;
  });
  if (res.code === 0) return { kind: "ok" };
  if (/couldn't find remote ref/i.test(res.stderr)) return { kind: "no-branch" };
  return { kind: "unreachable", reason: lastLine(res.stderr) };
}

export type MergeResult =
  | { kind: "up-to-date" }
  | { kind: "merged"; fastForward: boolean }
  /** git would not move: local changes or untracked files would be overwritten. Nothing was touched. */
  | { kind: "refused"; reason: string }
  /** The merge would conflict: nothing was touched (or, with an old git, the merge was aborted). */
  | { kind: "conflict"; files: string[] };

/**
 * Merges `ref` into HEAD through the drivers. The merge is computed with `merge-tree --write-tree`,
 * which touches neither index nor work tree, then HEAD moves to the merge commit the way a fast-forward
 * does: so staged work of the user's (which makes `git merge` refuse outright) stays staged, a conflict
 * changes nothing, and there is never a half-done merge to abort.
 */
export interface MergeOptions {
  /** Sign the merge commit (`commit.gpgsign`): `commit-tree` does not read that setting itself. */
  sign?: boolean;
  /** Runs before a real (not fast-forward) merge, when drivers are about to run; may refuse by throwing. */
  beforeMerge?: () => Promise<void>;
}

export async function mergeRef(root: string, gitDir: string, ref: string, message: string, options: MergeOptions = {}): Promise<MergeResult> {
  // One process answers both "is the remote already in HEAD?" and "can HEAD fast-forward to it?".
  const counts = await git(["rev-list", "--left-right", "--count", `HEAD...${ref}`, "--"], { cwd: root });
  const [ahead, behind] = counts.stdout.trim().split(/\s+/).map(Number);
  if (behind === 0) return { kind: "up-to-date" };
  if (ahead === 0) return moveTo(root, ref, true);
  await options.beforeMerge?.();

  // Unrelated histories happen when two clones of an empty repository each made the first commit.
  const tree = await git(["merge-tree", "--write-tree", "--name-only", "-z", "--allow-unrelated-histories", "HEAD", ref], {
    cwd: root,
    okCodes: [1, 128, 129],
  });
  if (tree.code >= 128) return mergeInPlace(root, gitDir, ref, message); // git older than 2.38
  const [oid, ...rest] = tree.stdout.split("\0");
  if (tree.code === 1) return { kind: "conflict", files: rest.slice(0, rest.indexOf("")) };
  const commit = await git(["commit-tree", ...(options.sign ? ["-S"] : []), oid!, "-p", "HEAD", "-p", ref, "-m", message], { cwd: root }).catch((err: unknown) => {
    if (!(err instanceof GitError)) throw err;
    throw new MemoryError(`git could not make the merge commit (${lastLine(err.result.stderr)}); nothing was merged. Fix the cause (commit signing?) and run memory again`);
  });
  return moveTo(root, commit.stdout.trim(), false);
}

/** Fast-forwards HEAD, index and work tree to `target`; git refuses (touching nothing) if local changes are in the way. */
async function moveTo(root: string, target: string, fastForward: boolean): Promise<MergeResult> {
  // --no-autostash: with merge.autoStash set, git would stash the user's changes and could leave them conflicted.
  const res = await git(["merge", "--ff-only", "--no-autostash", "--quiet", target], { cwd: root, okCodes: [1, 128] });
  if (res.code === 0) return { kind: "merged", fastForward };
  return { kind: "refused", reason: summarizeRefusal(res.stderr || res.stdout) };
}

/** For git before 2.38: a real merge, aborted on any conflict so nothing is left half done. */
async function mergeInPlace(root: string, gitDir: string, ref: string, message: string): Promise<MergeResult> {
  const res = await git(["merge", "--no-edit", "--no-verify", "--quiet", "--no-ff", "--no-autostash", "--allow-unrelated-histories", "-m", message, ref], {
    cwd: root,
    okCodes: [1, 2, 128],
  });
  if (res.code === 0) return { kind: "merged", fastForward: false };
  const conflicted = await unmergedPaths(root, []);
  if (conflicted.length > 0 || (await exists(join(gitDir, "MERGE_HEAD")))) {
    await git(["merge", "--abort"], { cwd: root }).catch(() => git(["reset", "--merge"], { cwd: root }));
    return { kind: "conflict", files: conflicted };
  }
  return { kind: "refused", reason: summarizeRefusal(res.stderr || res.stdout) };
}

export type PushResult = { kind: "pushed" } | { kind: "up-to-date" } | { kind: "rejected" } | { kind: "unreachable"; reason: string } | { kind: "failed"; reason: string };

/** Pushes HEAD to the branch; never forces. A rejection (someone pushed first) is for the caller to retry. */
export async function pushHead(root: string, up: Upstream): Promise<PushResult> {
  const res = await git(["push", "--porcelain", up.remote, `HEAD:refs/heads/${up.branch}`], {
    cwd: root,
    okCodes: [1, 128],
    timeoutMs: networkTimeoutMs(),
  }).catch((err: unknown) => {
    if (err instanceof MemoryError && !(err instanceof GitError)) return { code: -1, stdout: "", stderr: err.message };
    throw err;
  });
  const status = res.stdout.split("\n").find((l) => /^[ +\-*!=]\t/.test(l));
  if (res.code === 0) return status?.startsWith("=") ? { kind: "up-to-date" } : { kind: "pushed" };
  if (status?.startsWith("!")) {
    const summary = status.split("\t")[2] ?? "";
    // Someone pushed first: "[rejected] (fetch first)", "(non-fast-forward)", or, when two pushes meet
    // on the server, a ref that moved under it. Anything else the server refused (a hook, a protected
    // branch) is not a race: retrying would not help.
    if (/^\[rejected\]|failed to (update|lock) ref|cannot lock ref|incorrect old value|stale info/i.test(summary)) return { kind: "rejected" };
    return { kind: "failed", reason: `${summary.replace(/^\[remote rejected\]\s*/, "rejected by the remote ")}${remoteMessage(res.stderr)}` };
  }
  if (res.code === 128 || res.code === -1) return { kind: "unreachable", reason: lastLine(res.stderr) };
  return { kind: "failed", reason: lastLine(res.stderr) || "git push failed" };
}

/** git's reason in one line: its first `fatal:` line if there is one, else its last line. */
const lastLine = (text: string): string => {
  const lines = text.trim().split("\n").filter((l) => l.trim() !== "");
  return (lines.find((l) => l.startsWith("fatal: ")) ?? lines.pop())?.replace(/^(fatal|error): /, "") ?? "";
};

/** What a server hook printed (`remote: …` lines), as a short suffix. */
function remoteMessage(stderr: string): string {
  const said = stderr.split("\n").filter((l) => l.startsWith("remote: ")).map((l) => l.slice(8).trim()).filter(Boolean);
  return said.length ? `: ${said.join(" ").slice(0, 200)}` : "";
}

function summarizeRefusal(text: string): string {
  // git lists the files indented (a tab, or spaces in some versions) under its message.
  const files = text.split("\n").filter((l) => /^(\t| {2,})\S/.test(l)).map((l) => l.trim());
  if (/would be overwritten by merge/.test(text) && files.length) {
    const untracked = /untracked working tree files/.test(text);
    return `${untracked ? "untracked files" : "your uncommitted changes to"} ${files.join(", ")} would be overwritten by the merge`;
  }
  return lastLine(text);
}

export interface CommitInfo {
  sha: string;
  subject: string;
  body: string;
}

/** Commits in HEAD and not in `ref` (newest first); null when `ref` does not exist. */
export async function commitsNotIn(root: string, ref: string): Promise<CommitInfo[] | null> {
  const res = await git(["log", "--format=%H%x00%s%x00%b%x1e", `${ref}..HEAD`, "--"], { cwd: root, okCodes: [128] });
  if (res.code !== 0) return null;
  return res.stdout
    .split("\x1e")
    .map((record) => record.trim().split("\0"))
    .filter((fields) => fields.length >= 2)
    .map(([sha, subject, body]) => ({ sha: sha!, subject: subject!, body: body ?? "" }));
}

/** Whether `ref` changed any of `paths` since it and HEAD parted. */
export async function changedOnOtherSide(root: string, ref: string, paths: readonly string[]): Promise<boolean> {
  const res = await git(["diff", "--name-only", `HEAD...${ref}`, "--", ...paths], { cwd: root });
  return res.stdout.trim() !== "";
}

/** Reverts one commit (through the drivers); on failure aborts, so nothing is left half done. */
export async function revertCommit(root: string, sha: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const res = await git(["revert", "--no-edit", sha], { cwd: root, okCodes: [1, 128] });
  if (res.code === 0) return { ok: true };
  await git(["revert", "--abort"], { cwd: root, okCodes: [128] }).catch(() => undefined);
  return { ok: false, reason: lastLine(res.stderr || res.stdout) };
}

/** Drops the last commit, keeping the user's unrelated changes (`reset --keep` refuses rather than lose them). */
export async function undoLastCommit(root: string): Promise<void> {
  await git(["reset", "--quiet", "--keep", "HEAD~1"], { cwd: root });
}

/** Stages whole files (after a repaired merge). */
export async function stageFiles(root: string, paths: readonly string[]): Promise<void> {
  if (paths.length > 0) await git(["add", "--", ...paths], { cwd: root });
}

/** Commits a merge whose conflicts were all resolved and staged. */
export async function concludeMerge(root: string): Promise<void> {
  await git(["commit", "--no-edit", "--no-verify", "--quiet"], { cwd: root });
}

/** Removes a file from the index if it is there (the work tree copy is the caller's business). */
export async function untrack(root: string, path: string): Promise<void> {
  const tracked = (await git(["ls-files", "--error-unmatch", "--", path], { cwd: root, okCodes: [1] })).code === 0;
  if (tracked) await git(["rm", "--quiet", "--cached", "--", path], { cwd: root });
}

