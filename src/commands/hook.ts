/**
 * `memory hook git-sync`: what git's post-merge, post-rewrite and post-checkout hooks run. Local and quiet:
 * it says (on stderr) when a merge left a bank file conflicted or with markers, and, with the bank on its own
 * branch, lets go of entries whose harvested docs the pull just brought to the default branch. It never fails
 * the git command that ran it.
 */
import { settleLocally } from "../app/harvest-branch.js";
import { MemoryError } from "../core/errors.js";
import { describe } from "../ui/messages.js";
import type { Output } from "../ui/output.js";

export async function gitSyncHook(where: { cwd: string; env: NodeJS.ProcessEnv }, out: Output): Promise<void> {
  try {
    // A git command must never wait long for us: another memory command busy in this clone settles later.
    const problem = await settleLocally({ ...where, env: { ...where.env, MEMORY_LOCK_WAIT: where.env.MEMORY_LOCK_WAIT ?? "2" } });
    if (problem) out.warn(`${problem}; run \`memory doctor --fix\``);
  } catch (err) {
    if (err instanceof MemoryError && (err.kind === "no-bank" || err.kind === "not-a-repo" || err.kind === "no-persona" || err.kind === "locked")) return;
    out.warn(err instanceof MemoryError ? describe(err) : String(err));
  }
}
