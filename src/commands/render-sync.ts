import type { SyncReport } from "../app/sync.js";
import type { Output } from "../ui/output.js";

/** How a sync went, on stderr: merged, pushed, or why the push is pending. */
export function renderSync(sync: SyncReport, out: Output): void {
  if (!sync.upstream) return out.info("no remote: the bank stays in this clone");
  if (sync.undoneHarvests.length > 0) {
    out.warn(`a harvest of yours that was never pushed was undone: another clone published docs meanwhile. Its entries are back in the buffers; run \`memory harvest\` again`);
  }
  if (sync.skippedUntil) {
    const n = sync.pendingPush;
    return out.info(`offline: ${sync.upstream} skipped (${sync.unreachable}; --retry-now tries now)${n ? `; ${n} commit${n === 1 ? "" : "s"} kept here` : ""}`);
  }
  if (sync.unreachable) {
    const n = sync.pendingPush;
    return out.warn(`push pending: ${sync.upstream} is unreachable (${sync.unreachable}); ${n} commit${n === 1 ? "" : "s"} kept here, the next start or save delivers ${n === 1 ? "it" : "them"}`);
  }
  if (sync.merged !== "none") out.info(`merged ${sync.upstream} (${sync.merged})`);
  if (sync.pushed && sync.writerRef) out.success(`pushed to ${sync.remote} ${sync.writerRef.replace(/^refs\//, "")}: another clone took ${sync.upstream} first; the next sync that lands there takes it in`);
  else if (sync.pushed) out.success(`pushed to ${sync.upstream}${sync.attempts > 1 ? ` after ${sync.attempts} attempts` : ""}`);
  else if (sync.pendingPush > 0) out.info(`${sync.pendingPush} commit${sync.pendingPush === 1 ? "" : "s"} not pushed yet`);
}
