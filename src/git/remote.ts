/** Which remote and branch a clone syncs with, from git config alone (no process). */
import { readFile } from "../infra/quick-fs.js";
import { join } from "node:path";
import { readRef, type GitConfig, type RepoPaths } from "./repo.js";
import { MemoryError } from "../core/errors.js";
import { git, GitError, gitReason } from "./run.js";

export interface Upstream {
  remote: string;
  /** Branch name on the remote. */
  branch: string;
  /** Local remote-tracking ref, e.g. `refs/remotes/origin/main`. */
  trackingRef: string;
}

/** The remote of the branch's upstream, else `origin`, else the only remote; undefined when there is none. */
export function findUpstream(gitConfig: GitConfig, branch: string): Upstream | undefined {
  const remotes = [...gitConfig.keys()]
    .map((k) => /^remote\.(.+)\.url$/.exec(k)?.[1])
    .filter((r): r is string => r !== undefined);
  const configured = gitConfig.get(`branch.${branch}.remote`);
  const remote = configured && remotes.includes(configured)
    ? configured
    : remotes.includes("origin") ? "origin" : remotes.length === 1 ? remotes[0] : undefined;
  if (!remote) return undefined;
  const merge = remote === configured ? gitConfig.get(`branch.${branch}.merge`) : undefined;
  const remoteBranch = merge?.replace(/^refs\/heads\//, "") ?? branch;
  return { remote, branch: remoteBranch, trackingRef: `refs/remotes/${remote}/${remoteBranch}` };
}

export type FetchResult = { kind: "ok" } | { kind: "no-branch" } | { kind: "rewritten" } | { kind: "unreachable"; reason: string };

/**
 * Fetches the branch into its remote-tracking ref. A branch the remote lacks is not an error (first push).
 * Never forced: when the remote's history was rewritten (the ref would not fast-forward), the tracking ref
 * stays where it was and the answer is `rewritten`, every time, until someone moves it on purpose.
 */
export async function fetchUpstream(root: string, up: Upstream, timeoutMs: number, also: readonly string[] = [], prune = false, signal?: AbortSignal): Promise<FetchResult> {
  const res = await git(
    // --refmap= : no opportunistic update through the configured (forced) fetch refspec. Not --quiet: it
    // would hide the "[rejected] (non-fast-forward)" line that says the remote was rewritten. `also`: more
    // refspecs in the same round trip (forced ones, `+…`, so that they never read as a rewrite). `prune`:
    // a ref that `also` mirrors with a pattern goes when the remote's goes (writer refs taken in).
    // (`--atomic` with `prune`: the refs pruned and updated move together, or none do, so a fetch stopped
    // half way never leaves a writer ref gone unseen.)
    ["fetch", "--no-tags", "--no-recurse-submodules", ...(prune ? ["--prune", "--atomic"] : []), "--refmap=", up.remote, `refs/heads/${up.branch}:${up.trackingRef}`, ...also],
    { cwd: root, okCodes: [1, 128], timeoutMs, ...(signal ? { signal } : {}) },
  ).catch((err: unknown) => {
    if (err instanceof MemoryError && !(err instanceof GitError)) return { code: -1, stdout: "", stderr: err.message };
    throw err;
  });
  if (res.code === 0) return { kind: "ok" };
  if (/couldn't find remote ref/i.test(res.stderr)) return { kind: "no-branch" };
  if (/\[rejected\].*non-fast-forward|\(non-fast-forward\)/i.test(res.stderr)) return { kind: "rewritten" };
  return { kind: "unreachable", reason: gitReason(res.stderr) };
}

export type PushResult = { kind: "pushed" } | { kind: "up-to-date" } | { kind: "rejected" } | { kind: "unreachable"; reason: string } | { kind: "failed"; reason: string };

/** Pushes HEAD (or `source`) to the branch; never forces. A rejection (someone pushed first) is for the caller to retry. */
export async function pushHead(root: string, up: Upstream, timeoutMs: number, source = "HEAD"): Promise<PushResult> {
  return push(root, up.remote, [`${source}:refs/heads/${up.branch}`], timeoutMs);
}

/**
 * Pushes `source` to the branch and, in the same atomic push, deletes the writer refs it took in, each only
 * if it still points at the commit that was taken in (another push to it since makes the whole push fail,
 * as a rejection). A server without atomic pushes gets the branch alone; the writer refs wait.
 */
export async function pushFolding(root: string, up: Upstream, timeoutMs: number, source: string, taken: ReadonlyArray<{ remoteRef: string; commit: string }>): Promise<PushResult> {
  const branch = `${source}:refs/heads/${up.branch}`;
  if (taken.length === 0) return push(root, up.remote, [branch], timeoutMs);
  const leases = taken.map((t) => `--force-with-lease=${t.remoteRef}:${t.commit}`);
  const res = await push(root, up.remote, ["--atomic", ...leases, branch, ...taken.map((t) => `:${t.remoteRef}`)], timeoutMs);
  if ((res.kind === "failed" || res.kind === "unreachable") && /does not support --atomic/i.test(res.reason)) return push(root, up.remote, [branch], timeoutMs);
  return res;
}

/**
 * Pushes `source` to the branch only if the remote's branch is still `expected` (what this clone last
 * fetched, and holds): a save with nothing new on the remote needs no fetch first.
 */
export async function pushIfUnmoved(root: string, up: Upstream, timeoutMs: number, source: string, expected: string): Promise<PushResult> {
  return push(root, up.remote, [`--force-with-lease=refs/heads/${up.branch}:${expected}`, `${source}:refs/heads/${up.branch}`], timeoutMs);
}

/** Pushes a commit to a ref only this clone writes (its writer ref): a fast-forward of what it pushed there before. */
export async function pushWriterRef(root: string, remote: string, source: string, ref: string, timeoutMs: number): Promise<PushResult> {
  return push(root, remote, [`${source}:${ref}`], timeoutMs);
}

async function push(root: string, remote: string, args: readonly string[], timeoutMs: number): Promise<PushResult> {
  const res = await git(["push", "--porcelain", remote, ...args], {
    cwd: root,
    okCodes: [1, 128],
    timeoutMs,
  }).catch((err: unknown) => {
    if (err instanceof MemoryError && !(err instanceof GitError)) return { code: -1, stdout: "", stderr: err.message };
    throw err;
  });
  const statuses = res.stdout.split("\n").filter((l) => /^[ +\-*!=]\t/.test(l));
  const status = statuses[0];
  if (res.code === 0) return status?.startsWith("=") ? { kind: "up-to-date" } : { kind: "pushed" };
  const refused = statuses.filter((l) => l.startsWith("!")).map((l) => l.split("\t")[2] ?? "");
  if (refused.length > 0) {
    // Someone pushed first: "[rejected] (fetch first)", "(non-fast-forward)", or, when two pushes meet
    // on the server, a ref that moved under it (a lease that no longer holds fails an atomic push whole).
    // Anything else the server refused (a hook, a protected branch) is not a race: retrying would not help.
    const race = (summary: string) => /^\[rejected\]|failed to (update|lock) ref|cannot lock ref|incorrect old value|stale info/i.test(summary);
    const other = refused.find((summary) => !race(summary) && !/atomic (push|transaction) failed/i.test(summary));
    if (!other && (refused.some(race) || /cannot lock ref|but expected/i.test(res.stderr))) return { kind: "rejected" };
    const summary = other ?? refused[0]!;
    return { kind: "failed", reason: `${summary.replace(/^\[remote rejected\]\s*/, "rejected by the remote ")}${remoteMessage(res.stderr)}` };
  }
  if (res.code === 128 || res.code === -1) return { kind: "unreachable", reason: gitReason(res.stderr) };
  return { kind: "failed", reason: gitReason(res.stderr) || "git push failed" };
}

/** What a server hook printed (`remote: …` lines), as a short suffix. */
function remoteMessage(stderr: string): string {
  const said = stderr.split("\n").filter((l) => l.startsWith("remote: ")).map((l) => l.slice(8).trim()).filter(Boolean);
  return said.length ? `: ${said.join(" ").slice(0, 200)}` : "";
}

/**
 * The pending harvest branches' prefix on the remote (`memory-harvest/<date>`). Not `memory/harvest-…`:
 * git keeps refs as paths, so no branch can live under `memory/` while a branch `memory` exists.
 */
export const HARVEST_BRANCH_PREFIX = "memory-harvest/";

/**
 * Fetches every pending harvest branch (`refs/heads/memory/harvest-*`) into its tracking ref, pruning the
 * ones merged and deleted; returns their tracking refs. Offline, the ones known are used.
 */
export async function fetchHarvestBranches(root: string, remote: string, timeoutMs: number): Promise<string[]> {
  const local = `refs/remotes/${remote}/${HARVEST_BRANCH_PREFIX}`;
  await git(["fetch", "--no-tags", "--no-recurse-submodules", "--prune", "--refmap=", remote, `+refs/heads/${HARVEST_BRANCH_PREFIX}*:${local}*`], {
    cwd: root,
    okCodes: [1, 128],
    timeoutMs,
  }).catch(() => undefined);
  const listed = await git(["for-each-ref", "--format=%(refname)", local], { cwd: root });
  return listed.stdout.split("\n").filter(Boolean);
}

/** The remote's default branch as this clone knows it (`origin/HEAD`, else main, else master), or null. */
export async function defaultBranch(repo: Pick<RepoPaths, "root" | "commonDir" | "refFiles">, remote: string): Promise<string | null> {
  if (repo.refFiles) {
    // origin/HEAD is a symbolic ref: a file `ref: refs/remotes/origin/main` (clone writes it loose).
    const head = (await readFile(join(repo.commonDir, "refs", "remotes", remote, "HEAD"), "utf8").catch(() => "")).trim();
    const named = new RegExp(`^ref: refs/remotes/${remote.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/(.+)$`).exec(head)?.[1];
    if (named) return named;
    if (head === "") {
      for (const name of ["main", "master"]) if (await readRef(repo, `refs/remotes/${remote}/${name}`)) return name;
      return null;
    }
  }
  const head = await git(["symbolic-ref", "--quiet", "--short", `refs/remotes/${remote}/HEAD`], { cwd: repo.root, okCodes: [1, 128] });
  if (head.code === 0 && head.stdout.trim()) return head.stdout.trim().slice(remote.length + 1);
  const known = await git(["for-each-ref", "--format=%(refname:short)", `refs/remotes/${remote}/main`, `refs/remotes/${remote}/master`], { cwd: repo.root });
  const names = known.stdout.split("\n").filter(Boolean).map((n) => n.slice(remote.length + 1));
  return names.includes("main") ? "main" : (names[0] ?? null);
}

/** Pushes a commit to a new branch on the remote; never forces. */
export async function pushCommit(root: string, remote: string, commit: string, branch: string, timeoutMs: number): Promise<PushResult> {
  return pushHead(root, { remote, branch, trackingRef: `refs/remotes/${remote}/${branch}` }, timeoutMs, commit);
}
