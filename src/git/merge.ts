/** Merging a ref into HEAD through the drivers, touching nothing when it would conflict. */
import type { PathMerger } from "../core/fold.js";
import { join } from "node:path";
import { MemoryError } from "../core/errors.js";
import { exists } from "../infra/fs.js";
import { git, GitError, gitReason, type ObjectSession } from "./run.js";
import { unmergedPaths } from "./repo.js";

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
  /**
   * The bank on its own branch: merges a file both sides changed in this process, as its driver would (null:
   * not here). Given, the branch and all writer refs are merged in one step and one commit (ADR-017).
   */
  mergePath?: PathMerger;
  /**
   * What is merged into (HEAD, or the bank branch) is known to be in the incoming ref's history: it was where
   * the ref was before a fetch moved it on. A fast-forward, with no count or merge base asked.
   */
  behind?: boolean;
  /** The object store session the command keeps open (the bank on its own branch reads incoming trees through it). */
  objects?: ObjectSession;
}

export async function mergeRef(root: string, gitDir: string, ref: string, message: string, options: MergeOptions = {}): Promise<MergeResult> {
  if (options.behind) return moveTo(root, ref, true);
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
    throw new MemoryError("commit-failed", `git could not make the merge commit (${gitReason(err.result.stderr)}); nothing was merged`, { cause: "commit signing?" });
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

function summarizeRefusal(text: string): string {
  // git lists the files indented (a tab, or spaces in some versions) under its message.
  const files = text.split("\n").filter((l) => /^(\t| {2,})\S/.test(l)).map((l) => l.trim());
  if (/would be overwritten by merge/.test(text) && files.length) {
    const untracked = /untracked working tree files/.test(text);
    return `${untracked ? "untracked files" : "your uncommitted changes to"} ${files.join(", ")} would be overwritten by the merge`;
  }
  return gitReason(text);
}
