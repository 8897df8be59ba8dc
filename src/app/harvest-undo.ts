/**
 * A harvest commit kept here (`--no-push`, an unreachable remote) was planned against the remote as it
 * was then. If the remote has since changed the docs, merging it could publish an entry twice or reuse an
 * ADR number: revert it instead (the union driver brings its entries back into the buffers), so the next
 * harvest plans them against what was really published. The sync loop runs this before every merge.
 */
import { MemoryError } from "../core/errors.js";
import type { Upstream } from "../git/remote.js";
import { changedOnOtherSide, commitsNotIn } from "../git/history.js";
import { revertCommit } from "../git/worktree.js";
import { headIsAt } from "../git/repo.js";
import { harvestTargets, type Workspace } from "../bank/workspace.js";

/** The subject every harvest commit starts with: how a later sync tells one among the local commits. */
export const HARVEST_SUBJECT = "memory: harvest (";

export async function undoStaleHarvests(ws: Workspace, up: Upstream): Promise<string[]> {
  // HEAD where the remote's branch is: no commit of ours to look at.
  if (await headIsAt(ws, up.trackingRef)) return [];
  const local = await commitsNotIn(ws.root, up.trackingRef);
  if (!local) return [];
  const reverted = new Set(local.flatMap((c) => [...c.body.matchAll(/This reverts commit ([0-9a-f]{40})/g)].map((m) => m[1]!)));
  const stale = local.filter((c) => c.subject.startsWith(HARVEST_SUBJECT) && !reverted.has(c.sha));
  if (stale.length === 0) return [];
  if (!(await changedOnOtherSide(ws.root, up.trackingRef, harvestTargets(ws)))) return [];
  for (const c of stale) {
    const undone = await revertCommit(ws.root, c.sha);
    if (!undone.ok) {
      throw new MemoryError(
        "undo-failed",
        `your harvest ${c.sha.slice(0, 7)} was never pushed and the remote has changed the docs since; undoing it failed (${undone.reason})`,
        { sha: c.sha.slice(0, 7) },
      );
    }
  }
  return stale.map((c) => c.sha);
}
