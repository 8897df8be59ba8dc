/** Whether the clone is in a state a sync may start from: on a branch, no git operation half done. */
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { MemoryError } from "../core/errors.js";
import { exists } from "../infra/fs.js";

const IN_PROGRESS: Array<[string, string, string]> = [
  ["MERGE_HEAD", "a merge", "`git merge --abort`"],
  ["rebase-merge", "a rebase", "`git rebase --continue` or `git rebase --abort`"],
  ["rebase-apply", "a rebase or `git am`", "`git rebase --abort` or `git am --abort`"],
  ["CHERRY_PICK_HEAD", "a cherry-pick", "`git cherry-pick --continue` or `git cherry-pick --abort`"],
  ["REVERT_HEAD", "a revert", "`git revert --continue` or `git revert --abort`"],
];

/** Refuses when HEAD is detached or another git operation is half done; nothing is touched. */
export async function refuseBadState(gitDir: string, branch: string | null, indexLockWaitMs = 5_000): Promise<string> {
  for (const [file, what, how] of IN_PROGRESS) {
    if (await exists(join(gitDir, file))) {
      throw new MemoryError("repo-state", `${what} is in progress in this clone`, { how, operation: file });
    }
  }
  if (!branch) throw new MemoryError("repo-state", "HEAD is detached", { detached: "yes" });
  // Another git (an editor's, a hook's, one a stopped command left running) usually finishes in moments.
  const lock = join(gitDir, "index.lock");
  for (let waited = 0; await exists(lock); waited += 50) {
    if (waited >= indexLockWaitMs) throw new MemoryError("index-locked", `another git process is using this clone (${lock} exists)`);
    await sleep(50);
  }
  return branch;
}
