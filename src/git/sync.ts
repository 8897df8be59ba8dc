/**
 * The git steps of a sync, each a small function: refuse bad states, commit only bank paths, fetch,
 * merge through the drivers, push. The loop that strings them together lives in ../sync.ts.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { MemoryError } from "../errors.js";
import { git, GitError } from "./run.js";
import { unmergedPaths } from "./repo.js";
import type { Upstream } from "./remote.js";

const NETWORK_TIMEOUT_MS = 60_000;

const IN_PROGRESS: Array<[string, string]> = [
  ["MERGE_HEAD", "a merge"],
  ["rebase-merge", "a rebase"],
  ["rebase-apply", "a rebase or `git am`"],
  ["CHERRY_PICK_HEAD", "a cherry-pick"],
  ["REVERT_HEAD", "a revert"],
];

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** Refuses when HEAD is detached or another git operation is half done; nothing is touched. */
export async function refuseBadState(gitDir: string, branch: string | null): Promise<string> {
  for (const [file, what] of IN_PROGRESS) {
    if (await exists(join(gitDir, file))) {
      const fix = file === "MERGE_HEAD" ? "; if only bank files conflict, `memory doctor --fix` finishes it" : "";
      throw new MemoryError(`${what} is in progress in this clone; finish it or abort it (e.g. \`git merge --abort\`), then run memory again${fix}`);
    }
  }
  if (!branch) throw new MemoryError("HEAD is detached; check out a branch (`git switch main`), then run memory again");
  if (await exists(join(gitDir, "index.lock"))) {
    throw new MemoryError(`another git process is using this clone (${join(gitDir, "index.lock")} exists); wait for it, or delete that file if no git is running`);
  }
  return branch;
}

/** Bank paths with changes in the work tree or index (new files included), relative to the root. */
export async function changedPaths(root: string, paths: readonly string[]): Promise<string[]> {
  const { stdout } = await git(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", ...paths], { cwd: root });
  return stdout.split("\0").filter((r) => r.length > 3).map((r) => r.slice(3));
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
  return (await git(["rev-parse", "HEAD"], { cwd: root })).stdout.trim();
}

export type FetchResult = { kind: "ok" } | { kind: "no-branch" } | { kind: "unreachable"; reason: string };

/** Fetches the branch into its remote-tracking ref. A branch the remote lacks is not an error (first push). */
export async function fetchUpstream(root: string, up: Upstream): Promise<FetchResult> {
  const res = await git(
    ["fetch", "--no-tags", "--no-recurse-submodules", "--quiet", up.remote, `+refs/heads/${up.branch}:${up.trackingRef}`],
    { cwd: root, okCodes: [1, 128], timeoutMs: NETWORK_TIMEOUT_MS },
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
  /** git would not start: local changes or untracked files would be overwritten. Nothing was touched. */
  | { kind: "refused"; reason: string }
  /** Conflicts: the merge was aborted and the tree is as it was before. */
  | { kind: "conflict"; files: string[] };

/** Merges `ref` into HEAD through the drivers; on any conflict aborts, so nothing is left half done. */
export async function mergeRef(root: string, gitDir: string, ref: string, message: string): Promise<MergeResult> {
  // One process answers both "is the remote already in HEAD?" and "can HEAD fast-forward to it?".
  const counts = await git(["rev-list", "--left-right", "--count", `HEAD...${ref}`, "--"], { cwd: root });
  const [ahead, behind] = counts.stdout.trim().split(/\s+/).map(Number);
  if (behind === 0) return { kind: "up-to-date" };
  const fastForward = ahead === 0;
  // Unrelated histories happen when two clones of an empty repository each made the first commit.
  const res = await git(["merge", "--no-edit", "--no-verify", "--quiet", "--allow-unrelated-histories", "-m", message, ref], {
    cwd: root,
    okCodes: [1, 2, 128],
  });
  if (res.code === 0) return { kind: "merged", fastForward };
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
    timeoutMs: NETWORK_TIMEOUT_MS,
  }).catch((err: unknown) => {
    if (err instanceof MemoryError && !(err instanceof GitError)) return { code: -1, stdout: "", stderr: err.message };
    throw err;
  });
  const status = res.stdout.split("\n").find((l) => /^[ +\-*!=]\t/.test(l));
  if (res.code === 0) return status?.startsWith("=") ? { kind: "up-to-date" } : { kind: "pushed" };
  if (status?.startsWith("!")) return { kind: "rejected" };
  if (res.code === 128 || res.code === -1) return { kind: "unreachable", reason: lastLine(res.stderr) };
  return { kind: "failed", reason: lastLine(res.stderr) || "git push failed" };
}

const lastLine = (text: string): string =>
  text.trim().split("\n").filter((l) => l.trim() !== "").pop()?.replace(/^(fatal|error): /, "") ?? "";

function summarizeRefusal(text: string): string {
  const files = text.split("\n").filter((l) => /^\t/.test(l)).map((l) => l.trim());
  if (/would be overwritten by merge/.test(text) && files.length) {
    const untracked = /untracked working tree files/.test(text);
    return `${untracked ? "untracked files" : "your uncommitted changes to"} ${files.join(", ")} would be overwritten by the merge`;
  }
  return lastLine(text);
}
