/**
 * The sync loop shared by start, save and harvest: fetch, merge through the drivers, push; when the push
 * is rejected because another clone pushed first, back off with jitter and go round again, a bounded
 * number of times. Never force-pushes. An unreachable remote leaves the local commits in place
 * ("push pending"); the next sync delivers them.
 */
import { ExitCode, MemoryError } from "./errors.js";
import { findUpstream, type Upstream } from "./git/remote.js";
import { checkAttr, remoteCounts } from "./git/repo.js";
import { driverName } from "./git/drivers.js";
import { changedOnOtherSide, commitsNotIn, fetchUpstream, mergeRef, pushHead, revertCommit } from "./git/sync.js";
import { mergedFiles, type Workspace } from "./workspace.js";

export const MAX_PUSH_ATTEMPTS = 12;

export interface SyncReport {
  /** `origin`, or null when the clone has no remote. */
  remote: string | null;
  upstream: string | null;
  /** What merging the remote did. */
  merged: "none" | "fast-forward" | "merge";
  pushed: boolean;
  /** Local commits the remote does not have (yet). */
  pendingPush: number;
  /** Why the remote could not be reached, when it could not. */
  unreachable: string | null;
  /** Push attempts made (more than 1 when other clones pushed first). */
  attempts: number;
  /** Harvest commits of ours, never pushed, undone because the remote published docs meanwhile. */
  undoneHarvests: string[];
}

/** The subject every harvest commit starts with (see commands/harvest.ts). */
export const HARVEST_SUBJECT = "memory: harvest (";

export interface SyncOptions {
  persona: string;
  /** false: fetch and merge only. */
  push: boolean;
  progress?: (message: string) => void;
}

export async function syncWithRemote(ws: Workspace, branch: string, options: SyncOptions): Promise<SyncReport> {
  const up = findUpstream(ws.gitConfig, branch);
  const report: SyncReport = {
    remote: up?.remote ?? null,
    upstream: up ? `${up.remote}/${up.branch}` : null,
    merged: "none",
    pushed: false,
    pendingPush: 0,
    unreachable: null,
    attempts: 0,
    undoneHarvests: [],
  };
  if (!up) return report;

  for (let attempt = 1; attempt <= MAX_PUSH_ATTEMPTS; attempt++) {
    options.progress?.(attempt === 1 ? `fetching ${report.upstream}` : `${report.upstream} moved; merging again (attempt ${attempt})`);
    const fetched = await fetchUpstream(ws.root, up);
    if (fetched.kind === "unreachable") {
      report.unreachable = fetched.reason;
      report.pendingPush = await pending(ws.root, up);
      return report;
    }
    if (fetched.kind === "ok") await mergeRemote(ws, up, options.persona, report);
    if (!options.push) {
      report.pendingPush = await pending(ws.root, up);
      return report;
    }
    report.attempts = attempt;
    const pushed = await pushHead(ws.root, up);
    if (pushed.kind === "pushed" || pushed.kind === "up-to-date") {
      report.pushed = pushed.kind === "pushed";
      report.pendingPush = 0;
      return report;
    }
    if (pushed.kind === "unreachable") {
      report.unreachable = pushed.reason;
      report.pendingPush = await pending(ws.root, up);
      return report;
    }
    if (pushed.kind === "failed") {
      throw new MemoryError(`push to ${report.upstream} failed (${pushed.reason}); your commit is kept here, fix the cause (a hook? branch protection?) and run memory save again`);
    }
    await sleep(backoff(attempt));
  }
  throw new MemoryError(
    `push to ${report.upstream} was rejected ${MAX_PUSH_ATTEMPTS} times (other clones kept pushing first); your commit is kept here, run memory save again`,
    ExitCode.Failed,
  );
}

async function mergeRemote(ws: Workspace, up: Upstream, persona: string, report: SyncReport): Promise<void> {
  report.undoneHarvests.push(...(await undoStaleHarvests(ws, up)));
  const merged = await mergeRef(ws.root, ws.gitDir, up.trackingRef, `memory: merge ${up.remote}/${up.branch} (${persona})`, {
    sign: /^(true|yes|on|1)$/i.test(ws.gitConfig.get("commit.gpgsign") ?? ""),
    beforeMerge: () => refuseForeignMergeAttributes(ws),
  });
  if (merged.kind === "merged") report.merged = merged.fastForward ? "fast-forward" : "merge";
  else if (merged.kind === "conflict") {
    const files = merged.files.length ? merged.files.join(", ") : "files outside the bank";
    throw new MemoryError(
      `merging ${up.remote}/${up.branch} conflicts in ${files}; nothing was merged and your files are as they were. Merge it yourself (\`git merge ${up.remote}/${up.branch}\`), then run memory again`,
    );
  } else if (merged.kind === "refused") {
    throw new MemoryError(`cannot merge ${up.remote}/${up.branch}: ${merged.reason}; commit or stash them, then run memory again (nothing was changed)`);
  }
}

/**
 * A harvest commit kept here (`--no-push`, an unreachable remote) was planned against the remote as it
 * was then. If the remote has since changed the docs, merging it could publish an entry twice or reuse an
 * ADR number: revert it instead (the union driver brings its entries back into the buffers), so the next
 * harvest plans them against what was really published.
 */
async function undoStaleHarvests(ws: Workspace, up: Upstream): Promise<string[]> {
  const local = await commitsNotIn(ws.root, up.trackingRef);
  if (!local) return [];
  const reverted = new Set(local.flatMap((c) => [...c.body.matchAll(/This reverts commit ([0-9a-f]{40})/g)].map((m) => m[1]!)));
  const stale = local.filter((c) => c.subject.startsWith(HARVEST_SUBJECT) && !reverted.has(c.sha));
  if (stale.length === 0) return [];
  const targets = Object.values(ws.config.buffers).map((b) => b.target);
  if (!(await changedOnOtherSide(ws.root, up.trackingRef, targets))) return [];
  for (const c of stale) {
    const undone = await revertCommit(ws.root, c.sha);
    if (!undone.ok) {
      throw new MemoryError(
        `your harvest ${c.sha.slice(0, 7)} was never pushed and the remote has changed the docs since; undoing it failed (${undone.reason}). Revert it yourself (\`git revert ${c.sha.slice(0, 7)}\`), then run memory again`,
      );
    }
  }
  return stale.map((c) => c.sha);
}

/**
 * The drivers only run where the attributes name them. An override (`.git/info/attributes`, a later
 * `.gitattributes` line such as `*.md merge=union`) would merge bank files with git's own union, which
 * glues entries together, and the result would be pushed. Refuse instead, before anything is merged.
 */
async function refuseForeignMergeAttributes(ws: Workspace): Promise<void> {
  const files = mergedFiles(ws);
  const attrs = await checkAttr(ws.root, "merge", files.map((f) => f.rel));
  const wrong = files.find((f) => attrs.get(f.rel) !== driverName(f.merge));
  if (wrong) {
    throw new MemoryError(
      `${wrong.rel} would be merged with "${attrs.get(wrong.rel) ?? "unspecified"}", not ${driverName(wrong.merge)} (an override in .git/info/attributes or .gitattributes?); nothing was merged. Run \`memory doctor\` to see it, \`memory doctor --fix\` to restore the bank's lines`,
    );
  }
}

async function pending(root: string, up: Upstream): Promise<number> {
  return (await remoteCounts(root, up.remote, up.trackingRef)).ahead;
}

/** 50 ms doubling to 1.6 s, times a random 0.5–1.5 so racing clones spread out. */
export function backoff(attempt: number, random = Math.random()): number {
  return Math.round(50 * 2 ** Math.min(attempt - 1, 5) * (0.5 + random));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
