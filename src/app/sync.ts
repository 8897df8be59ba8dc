/**
 * The one sync loop, shared by start, save and harvest: fetch, merge through the drivers, let the caller
 * add its commit (harvest plans here, on what was just merged), push; when the push is rejected because
 * another clone pushed first, let the caller undo its commit, back off with jitter and go round again, a
 * bounded number of times. Never force-pushes. An unreachable remote leaves the local commits in place
 * ("push pending"); the next sync delivers them.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { MemoryError } from "../core/errors.js";
import { fetchUpstream, pushFolding, pushHead, pushIfUnmoved, pushWriterRef, type FetchResult, type Upstream } from "../git/remote.js";
import { heldDroppedWriter, ownWriterTracking, recordDroppedWriters, setWriterTracking, writerName, writerPrefix, writerRefspec, writerTips, type WriterTip } from "../git/writers.js";
import { bankCounts, bankTip, mergeIntoBank } from "../git/bank-ref.js";
import { bankUpstream, type BankLine } from "../bank/line.js";
import { checkAttr, droppedTip, headCommit, headIsAt, holdsDropped, isAncestor, remoteCounts, revParse } from "../git/repo.js";
import { driverName } from "../git/drivers.js";
import { mergeRef } from "../git/merge.js";
import { networkTimeoutMs, type ObjectSession } from "../git/run.js";
import { mergedFiles, type MergedFile, type Workspace, signsCommits } from "../bank/workspace.js";
import { undoStaleHarvests } from "./harvest-undo.js";
import { ensureBankAttributes } from "./setup.js";
import { closeBreaker, coolDownMs, isOpen, readBreaker, tripBreaker } from "../bank/breaker.js";
import { addPendingLog } from "../bank/pending-log.js";
import { isoSeconds, now } from "../core/clock.js";
import { logLine, MERGERS } from "../core/merge.js";
import type { PathMerger } from "../core/fold.js";

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
  /**
   * The bank on its own branch, when another clone took the branch's tip first: the ref of this clone's own
   * that the commits went to instead (delivered; the next push that lands on the branch takes them in).
   */
  writerRef: string | null;
  /** Writer refs of other clones (or this one's) taken into the branch by this sync's push. */
  folded: number;
  /** Harvest commits of ours, never pushed, undone because the remote published docs meanwhile. */
  undoneHarvests: string[];
  /** Set when the network was skipped: the remote was unreachable a moment ago (until when it is skipped). */
  skippedUntil: string | null;
}

export interface SyncOptions {
  persona: string;
  /** false: fetch and merge only (and `prepare`, if given). */
  push: boolean;
  progress?: (message: string) => void;
  /**
   * Runs after each fetch and merge (also when the remote is unreachable), before the push: the place to
   * make a commit that must be planned on the latest remote state. Told which attempt this is.
   */
  prepare?: (attempt: number) => Promise<void>;
  /** Runs when a push was rejected because another clone pushed first, before merging again. */
  rejected?: () => Promise<void>;
  /** Which command syncs, for the words of a failure. */
  command?: string;
  /** Push only when there are local commits the remote lacks. */
  onlyIfAhead?: boolean;
  /** More refspecs fetched in the same round trip (forced: `+refs/heads/main:refs/remotes/origin/main`). */
  alsoFetch?: string[];
  /** Try the remote even while the breaker says it was unreachable a moment ago. */
  retryNow?: boolean;
  /** The commit the caller just made and the commit it was made on top of: the ancestry needs no look-up. */
  made?: { commit: string; on: string | null };
  /** The first fetch, started before the caller's own checks (`fetchEarly`): taken as this sync's first. */
  early?: EarlyFetch | null;
  /** The caller's object store session: the merge reads incoming trees through it. */
  objects?: ObjectSession;
}

/** A fetch started early, with what was read before it that the sync needs. */
export interface EarlyFetch {
  fetched: Promise<FetchResult>;
  /** The writer refs as fetched last time, and HEAD where the remote's branch was (see syncOnce). */
  known: WriterTip[];
  headWas: string;
  /** Stops the fetch when the command ends without syncing (a refused check): it is not waited for. */
  cancel: () => void;
}

/**
 * Starts the sync's first fetch now, so that it runs while the caller checks the bank (a start): the same
 * fetch, with the same refs read before it, as `syncWithRemote` would run a moment later. Null when that
 * sync would not fetch first (no remote, or one found unreachable a moment ago). The caller holds the clone's
 * lock, so nothing else of ours moves the refs meanwhile.
 */
export async function fetchEarly(ws: Workspace, line: BankLine, options: Pick<SyncOptions, "alsoFetch" | "retryNow" | "command">): Promise<EarlyFetch | null> {
  const up = bankUpstream(ws.gitConfig, line, ws.codeBranch);
  if (!up) return null;
  if (!options.retryNow && options.command !== "harvest" && isOpen(await readBreaker(ws.commonDir), up.remote, Date.now())) return null;
  const writers = line.bank ? { remote: up.remote, branch: line.branch! } : null;
  const { known, headWas, also } = await beforeFetch(ws, up, line, writers, options.alsoFetch);
  const stop = new AbortController();
  const fetched = fetchUpstream(ws.root, up, networkTimeoutMs(ws.env), also, writers !== null, stop.signal).then(async (result) => {
    // Writer refs the fetch pruned are looked at as soon as it ends, whether the sync takes it or a refused
    // check lets it go: one deleted by hand (a purge) is never missed. (Pruned with the rest in one
    // transaction: a fetch that is stopped moves no ref.)
    if (result.kind === "ok" && writers) await recordDroppedWriters(ws.root, ws.commonDir, up.trackingRef, known, await writerTips(ws, writers.remote, writers.branch));
    return result;
  });
  // (A fetch stopped or failed is told when the sync takes it; one nobody takes is let go.)
  fetched.catch(() => undefined);
  return { fetched, known, headWas, cancel: () => stop.abort() };
}

/** What a fetch needs read before it moves the refs. */
async function beforeFetch(ws: Workspace, up: Upstream, line: BankLine, writers: { remote: string; branch: string } | null, alsoFetch: readonly string[] = []) {
  // The writer refs as fetched last time: one that goes without being taken in was deleted by hand (a purge).
  const known = writers ? await writerTips(ws, writers.remote, writers.branch) : [];
  const also = [...alsoFetch, ...(writers ? [writerRefspec(writers.remote, writers.branch)] : [])];
  // HEAD (or the bank branch) where the remote's branch was before this fetch (read from files): after a
  // fetch that moved it on without a rewrite, it is in the new tip's history, with no commit of its own to
  // count or look at.
  const tracking = await revParse(ws, up.trackingRef);
  const at = line.bank ? ((await bankTip(line.bank)) ?? "") : await headCommit(ws);
  const headWas = at !== "" && at === tracking ? at : "";
  return { known, headWas, also };
}

/**
 * Syncs the bank where it is held (`ws.line`): its own branch, or the checked-out one. `line` overrides it
 * (harvest syncs the code branch its docs go to).
 */
export async function syncWithRemote(ws: Workspace, line: BankLine, options: SyncOptions): Promise<SyncReport> {
  // Every sync that goes to a remote leaves a log line (duration, attempts, merge, outcome); it waits in the
  // git dir and travels with the next commit of the bank, so measuring a sync adds no commit.
  const started = Date.now();
  const note = (outcome: string, report?: SyncReport) =>
    addPendingLog(ws.gitDir, logLine(isoSeconds(now(ws.env)), options.persona, "sync", syncDetail(options.command ?? "save", Date.now() - started, report, outcome))).catch(() => undefined);
  try {
    const report = await syncOnce(ws, line, options);
    if (report.remote) await note(report.skippedUntil ? "skipped" : report.unreachable ? "offline" : report.pushed ? "pushed" : report.pendingPush ? "pending" : "up-to-date", report);
    return report;
  } catch (err) {
    await note(`failed:${err instanceof MemoryError ? err.kind : "error"}`);
    throw err;
  }
}

/** `save 820ms 1x merge pushed`: what a sync log line says after the persona. */
export function syncDetail(command: string, ms: number, report: SyncReport | undefined, outcome: string): string {
  return `${command} ${ms}ms ${report?.attempts ?? 0}x ${report?.merged ?? "none"} ${outcome}`;
}

async function syncOnce(ws: Workspace, line: BankLine, options: SyncOptions): Promise<SyncReport> {
  const up = bankUpstream(ws.gitConfig, line, ws.codeBranch);
  const report: SyncReport = {
    remote: up?.remote ?? null,
    upstream: up ? `${up.remote}/${up.branch}` : null,
    merged: "none",
    pushed: false,
    pendingPush: 0,
    unreachable: null,
    attempts: 0,
    writerRef: null,
    folded: 0,
    undoneHarvests: [],
    skippedUntil: null,
  };
  // The bank on its own branch merges every writer's ref and, when the branch's tip was taken first, pushes to
  // a ref of its own (ADR-017). A sync that plans a commit on the latest state (`prepare`) always lands on
  // the branch.
  const writers = line.bank && up ? { remote: up.remote, branch: line.branch! } : null;
  if (!up) {
    await options.prepare?.(1);
    return report;
  }
  const timeout = networkTimeoutMs(ws.env);
  const detail = { upstream: report.upstream!, command: options.command ?? "save" };
  // The remote was unreachable a moment ago: no network until the cool-down ends (or --retry-now).
  const breaker = await readBreaker(ws.commonDir);
  // (A harvest always tries: a plan made offline is a plan made on stale docs.)
  if (!options.early && !options.retryNow && options.command !== "harvest" && isOpen(breaker, up.remote, Date.now())) {
    report.unreachable = `${breaker.reason}; not tried again until ${breaker.until.slice(11, 19)} UTC`;
    report.skippedUntil = breaker.until;
    await options.prepare?.(1);
    report.pendingPush = await pending(ws, up, line);
    return report;
  }
  const unreachable = async (reason: string) => {
    report.unreachable = reason;
    await tripBreaker(ws.commonDir, up.remote, reason, Date.now(), coolDownMs(ws.env));
  };

  // A save pushes first: when the remote's branch is still where this clone last fetched it (and merged it),
  // there is nothing to fetch or merge, and the push lands. Else the loop below. (Not on a detached HEAD.)
  if (options.push && options.command === "save" && !options.prepare && !options.alsoFetch && (line.bank || line.branch)) {
    const tracking = await revParse(ws, up.trackingRef);
    const local = line.bank ? await bankTip(line.bank) : await revParse(ws, `refs/heads/${line.branch}`);
    const refused = !!(await droppedTip(ws.commonDir, up.trackingRef)) || (line.bank !== null && !!(await heldDroppedWriter(ws.root, ws.commonDir, line.ref)));
    const known = options.made !== undefined && options.made.commit === local && options.made.on === tracking;
    if (tracking && local && local !== tracking && !refused && (known || (await isAncestor(ws.root, tracking, local)))) {
      report.attempts++;
      options.progress?.(`pushing to ${report.upstream}`);
      const pushed = await pushIfUnmoved(ws.root, up, timeout, line.ref, tracking);
      if (pushed.kind === "pushed" || pushed.kind === "up-to-date") {
        if (breaker) await closeBreaker(ws.commonDir);
        report.pushed = pushed.kind === "pushed";
        return report;
      }
      if (pushed.kind === "unreachable") {
        await unreachable(pushed.reason);
        report.pendingPush = await pending(ws, up, line);
        return report;
      }
    }
  }

  for (let attempt = 1; attempt <= MAX_PUSH_ATTEMPTS; attempt++) {
    options.progress?.(attempt === 1 ? `fetching ${report.upstream}` : `${report.upstream} moved; merging again (attempt ${attempt})`);
    // (The first fetch may have been started early, while the caller checked the bank.)
    const early = attempt === 1 ? options.early : null;
    const before = early ?? (await beforeFetch(ws, up, line, writers, options.alsoFetch));
    const { known, headWas } = before;
    const fetched = await ("fetched" in before ? before.fetched : fetchUpstream(ws.root, up, timeout, before.also, writers !== null));
    if (fetched.kind === "unreachable") await unreachable(fetched.reason);
    else if (breaker) await closeBreaker(ws.commonDir);
    if (fetched.kind === "rewritten") refuseRewrittenRemote(ws, up, line);
    const tips = fetched.kind === "ok" && writers ? await writerTips(ws, writers.remote, writers.branch) : [];
    if (fetched.kind === "ok" && writers && !early) await recordDroppedWriters(ws.root, ws.commonDir, up.trackingRef, known, tips);
    if (fetched.kind === "ok") await refuseHistoryTheRemoteDropped(ws, up, line, tips);
    if (fetched.kind === "ok") await mergeRemote(ws, up, line, options.persona, report, tips, headWas, options.objects);
    // The bank on its own branch keeps its attribute lines in this clone's .git/info/attributes: a file that
    // came with the merge (the archive, another clone's notes) gets its line now, not at the next commit.
    if (line.bank && report.merged !== "none") await ensureBankAttributes(ws);
    await options.prepare?.(attempt);
    if (!options.push || report.unreachable) {
      report.pendingPush = await pending(ws, up, line);
      return report;
    }
    // Nothing of ours to publish (a quiet start): no push, so no network round trip for nothing. (Writer refs
    // already taken in elsewhere are still deleted by a push.)
    if (options.onlyIfAhead && fetched.kind === "ok" && tips.length === 0 && (await pending(ws, up, line)) === 0) return report;
    // A bank branch with no commit yet has nothing to push.
    if (line.bank && !(await bankTip(line.bank))) return report;
    report.attempts++;
    options.progress?.(`pushing to ${report.upstream}`);
    let pushed = writers ? await pushFolding(ws.root, up, timeout, line.ref, tips) : await pushHead(ws.root, up, timeout, line.ref);
    if (pushed.kind === "pushed" || pushed.kind === "up-to-date") {
      report.pushed = pushed.kind === "pushed";
      report.folded = tips.length;
      report.pendingPush = 0;
      return report;
    }
    // Another clone took the branch's tip first: this clone's commits go to its own writer ref instead, which
    // no one else writes, so it lands on the first try, with no fetch and merge again.
    if (pushed.kind === "rejected" && writers && !options.prepare) {
      const name = await writerName(ws.commonDir, options.persona);
      const ref = `${writerPrefix(writers.branch)}${name}`;
      report.attempts++;
      options.progress?.(`${report.upstream} moved; pushing to this clone's writer ref`);
      pushed = await pushWriterRef(ws.root, up.remote, line.ref, ref, timeout);
      if (pushed.kind === "pushed" || pushed.kind === "up-to-date") {
        await setWriterTracking(ws.root, writers.remote, writers.branch, name, (await bankTip(line.bank!))!);
        report.pushed = true;
        report.writerRef = ref;
        report.pendingPush = 0;
        return report;
      }
    }
    if (pushed.kind === "unreachable") {
      await unreachable(pushed.reason);
      report.pendingPush = await pending(ws, up, line);
      return report;
    }
    if (pushed.kind === "failed") {
      throw new MemoryError("push-failed", `push to ${report.upstream} failed (${pushed.reason})`, detail);
    }
    await options.rejected?.();
    await sleep(backoff(attempt));
  }
  throw new MemoryError(
    "push-exhausted",
    `push to ${report.upstream} was rejected ${MAX_PUSH_ATTEMPTS} times (other clones kept pushing first)`,
    detail,
  );
}

/**
 * The remote branch's history was rewritten since this clone fetched it (a force-push, often to purge a
 * leaked secret): merging it would bring every removed commit back and push it again. Nothing is merged;
 * the tip this clone had is remembered, so that a later forced fetch alone does not let it back in.
 */
function refuseRewrittenRemote(ws: Workspace, up: Upstream, line: BankLine): never {
  const remote = `${up.remote}/${up.branch}`;
  throw new MemoryError(
    "history-rewritten",
    `${remote} was rewritten (force-pushed): its history no longer holds what this clone fetched before, so merging it would bring back what was removed; nothing was merged`,
    // (The bank on its own branch has its own way back: the checked-out code branch must not move.)
    { upstream: remote, remote: up.remote, branch: up.branch, bank: ws.config.bank, layout: line.bank ? "branch" : "current" },
  );
}

/**
 * After someone fetched the rewritten branch by force, HEAD may still hold commits the remote dropped:
 * those are the tracking ref's old tips that are in HEAD and no longer in the remote's history.
 */
async function refuseHistoryTheRemoteDropped(ws: Workspace, up: Upstream, line: BankLine, tips: readonly WriterTip[]): Promise<void> {
  // A writer ref deleted by hand, not taken in: the bank branch here must not publish what it held.
  if (line.bank && (await heldDroppedWriter(ws.root, ws.commonDir, line.ref))) {
    const remote = `${up.remote}/${up.branch}`;
    throw new MemoryError(
      "history-rewritten",
      `a writer ref was deleted on ${up.remote} without being taken into ${remote} (a purge?), and the bank branch here holds what it held; nothing was merged or pushed`,
      { upstream: remote, remote: up.remote, branch: up.branch, bank: ws.config.bank, layout: "branch" },
    );
  }
  const dropped = await droppedTip(ws.commonDir, up.trackingRef);
  if (!dropped) return;
  if (await holdsDropped(ws.root, dropped, line.ref, up.trackingRef)) refuseRewrittenRemote(ws, up, line);
  // A writer ref made before the rewrite still holds what was removed: it is not merged.
  for (const tip of tips) {
    if (await holdsDropped(ws.root, dropped, tip.commit, up.trackingRef)) {
      throw new MemoryError(
        "writer-ref-rewritten",
        `${up.remote}/${up.branch} was rewritten (force-pushed), but the writer ref ${tip.remoteRef} on ${up.remote} still holds what was removed; nothing was merged`,
        { upstream: `${up.remote}/${up.branch}`, remote: up.remote, ref: tip.remoteRef, tracking: tip.tracking, bank: ws.config.bank },
      );
    }
  }
}

async function mergeRemote(ws: Workspace, up: Upstream, line: BankLine, persona: string, report: SyncReport, tips: readonly WriterTip[], headWas = "", objects?: ObjectSession): Promise<void> {
  const remote = `${up.remote}/${up.branch}`;
  const message = `memory: merge ${remote} (${persona})`;
  const options = { sign: signsCommits(ws), beforeMerge: () => refuseForeignMergeAttributes(ws), ...(line.bank ? { mergePath: await pathMerger(ws) } : {}), ...(objects ? { objects } : {}) };
  let merged;
  // (The bank branch where the remote's was before the fetch, and still, with no writer ref to take in: a
  // fast-forward, with no look at the ancestry.)
  if (line.bank) merged = await mergeIntoBank(line.bank, [up.trackingRef, ...tips.map((t) => t.commit)], message, { ...options, behind: headWas !== "" && tips.length === 0 && (await bankTip(line.bank)) === headWas });
  else {
    // (HEAD where the remote's branch was before the fetch, and still: no commit of ours, nothing to undo.)
    const behind = headWas !== "" && (await headCommit(ws)) === headWas;
    if (!behind) report.undoneHarvests.push(...(await undoStaleHarvests(ws, up)));
    // HEAD where the remote's branch is: nothing to merge, no process asked.
    merged = (await headIsAt(ws, up.trackingRef)) ? { kind: "up-to-date" as const } : await mergeRef(ws.root, ws.gitDir, up.trackingRef, message, { ...options, behind });
  }
  if (merged.kind === "merged") report.merged = merged.fastForward ? "fast-forward" : "merge";
  else if (merged.kind === "conflict") {
    const files = merged.files.length ? merged.files.join(", ") : "files outside the bank";
    throw new MemoryError("merge-conflict", `merging ${remote} conflicts in ${files}; nothing was merged and your files are as they were`, { upstream: remote });
  } else if (merged.kind === "refused") {
    throw new MemoryError("merge-refused", `cannot merge ${remote}: ${merged.reason}`, { upstream: remote });
  }
}

/** Merges a bank file in this process exactly as its driver would (null for a file no driver merges). */
async function pathMerger(ws: Workspace): Promise<PathMerger> {
  const strategies = new Map((await mergedFiles(ws)).map((f) => [f.rel, f.merge]));
  return (path, base, ours, theirs) => {
    const strategy = strategies.get(path);
    return strategy ? MERGERS[strategy]({ base, ours, theirs, file: path }) : null;
  };
}

/**
 * The drivers only run where the attributes name them. An override (`.git/info/attributes`, a later
 * `.gitattributes` line such as `*.md merge=union`) would merge bank files with git's own union, which
 * glues entries together, and the result would be pushed. Refuse instead, before anything is merged.
 */
async function refuseForeignMergeAttributes(ws: Workspace): Promise<void> {
  const files = await mergedFiles(ws);
  const attrs = await checkAttr(ws.root, "merge", files.map((f) => f.rel));
  // A reference doc merged by entry or as text loses nothing either way; which one fits follows its
  // content (a person may have just written a section into it), and doctor keeps that in step.
  const lossless = [driverName("union"), driverName("text")];
  const accepted = (f: MergedFile, attr: string | undefined) =>
    attr === driverName(f.merge) || (f.role === "reference" && attr !== undefined && lossless.includes(attr));
  const wrong = files.find((f) => !accepted(f, attrs.get(f.rel)));
  if (wrong) {
    throw new MemoryError(
      "foreign-attributes",
      `${wrong.rel} would be merged with "${attrs.get(wrong.rel) ?? "unspecified"}", not ${driverName(wrong.merge)} (an override in .git/info/attributes or .gitattributes?); nothing was merged`,
    );
  }
}

async function pending(ws: Workspace, up: Upstream, line: BankLine): Promise<number> {
  // The branch where the remote's is (read from the ref files): nothing waits, and no process asked.
  if (line.bank && (await bankTip(line.bank)) === ((await revParse(ws, up.trackingRef)) || null)) return 0;
  if (line.bank) return (await bankCounts(ws.root, line.ref, up.trackingRef, await ownWriterTracking(ws.commonDir, up.remote, line.branch!))).ahead;
  if (await headIsAt(ws, up.trackingRef)) return 0;
  return (await remoteCounts(ws.root, up.remote, up.trackingRef)).ahead;
}

/** 50 ms doubling to 1.6 s, times a random 0.5–1.5 so racing clones spread out. */
export function backoff(attempt: number, random = Math.random()): number {
  return Math.round(50 * 2 ** Math.min(attempt - 1, 5) * (0.5 + random));
}

