/**
 * A bank held on a branch of its own (`refs/heads/memory`) while the work tree has a code branch checked
 * out. The bank's files stay in the work tree, ignored by the code branches; a private index in the git
 * dir records them against the bank branch, so commits and merges of the bank never touch HEAD, the
 * user's index or any file outside the bank. Merges go through `merge-tree`, which reads the drivers'
 * attributes from `.git/info/attributes`, and the merged files are written with `read-tree -m -u`, which
 * only changes files that still hold what the bank branch had.
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from "../infra/quick-fs.js";
import { dirname, join, relative, sep } from "node:path";
import { MemoryError } from "../core/errors.js";
import { git, GitError, gitObjects, gitReason, type GitObject, type ObjectSession } from "./run.js";
import { foldFiles, planFold, type FileVersion, type PathMerger } from "../core/fold.js";
import type { MergeOptions, MergeResult } from "./merge.js";
import { bankCommitFailed } from "./worktree.js";
import { readRef } from "./repo.js";
import { keepClean, lookedClean, stampLook } from "./clean-look.js";

export interface BankRef {
  root: string;
  /** The full ref: `refs/heads/memory`. */
  ref: string;
  /** This work tree's index of the bank (in its git dir). */
  index: string;
  /** The top-level names a bank branch's tree may hold (`.claude`): a branch with anything else is not one. */
  tops: readonly string[];
  /** Where refs live, to read the branch's tip without a process (see `readRef`). */
  commonDir?: string;
  refFiles?: boolean;
}

/**
 * Refuses a commit whose tree holds more than the bank (a code branch that happens to be named `memory`, or
 * a `sync.branch` naming a code branch): committing the bank on it would delete the code, and push that.
 */
export async function refuseForeignBank(b: BankRef, commit: string, name: string, objects?: ObjectSession): Promise<void> {
  // (Through a session the command has open, when it has one: its tree, read and parsed here.)
  const tree = objects ? await objects.get().then((o) => o.read([`${commit}^{tree}`]), () => null).catch(() => null) : null;
  const listed = tree?.[0]?.type === "tree" ? parseTree(tree[0].data).map((e) => e.name) : (await git(["ls-tree", "--name-only", "-z", commit], { cwd: b.root })).stdout.split("\0").filter(Boolean);
  refuseForeignNames(b, listed, name);
}

function refuseForeignNames(b: BankRef, listed: readonly string[], name: string): void {
  const other = listed.filter((n) => !b.tops.includes(n));
  if (other.length > 0) {
    throw new MemoryError(
      "not-a-bank-branch",
      `${name} holds other files (${other.slice(0, 3).join(", ")}${other.length > 3 ? ", …" : ""}): it is not a bank branch, and the bank is never committed on it`,
      { branch: b.ref.replace(/^refs\/heads\//, "") },
    );
  }
}

export const bankIndexFile = (gitDir: string): string => join(gitDir, "memory", "bank-index");

/** What editors and the tool's own atomic writes leave in a folder: never part of the bank. */
const JUNK = /(\.sw[po]|~|\.tmp)$|^\.DS_Store$|^#.*#$/;

async function junkFiles(root: string, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const entries = await readdir(join(root, p), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isFile() && JUNK.test(e.name)) out.push(relative(root, join(e.parentPath ?? e.path, e.name)).split(sep).join("/"));
  }
  return out;
}

const env = (b: BankRef) => ({ GIT_INDEX_FILE: b.index });

/** The bank branch's commit, or null before its first commit. */
export async function bankTip(b: Pick<BankRef, "root" | "ref" | "commonDir" | "refFiles">): Promise<string | null> {
  return readRef(refsOf(b), b.ref);
}

/** Where `readRef` finds refs for this bank branch (files only when the clone was found to keep them so). */
const refsOf = (b: Pick<BankRef, "root" | "commonDir" | "refFiles">) => ({ root: b.root, commonDir: b.commonDir ?? "", refFiles: b.refFiles === true && b.commonDir !== undefined });

/**
 * Records every file under `paths` as it is in the work tree (new, changed, deleted; ignore rules do
 * not hide the bank's own files) and returns the paths that differ from `tip`. Two processes.
 */
export async function stageBank(b: BankRef, tip: string | null, paths: readonly string[]): Promise<string[]> {
  // Nothing touched since a look that found nothing to record: the same answer, without git.
  const clean = join(dirname(b.index), "bank-clean");
  const before = tip ? await stampLook(b.root, b.index, tip, paths) : null;
  if (await lookedClean(clean, before)) return [];
  const changed = await recordBank(b, tip, paths);
  if (tip && changed.length === 0) await keepClean(clean, before, await stampLook(b.root, b.index, tip, paths));
  return changed;
}

/**
 * After a merge of ours wrote the bank's files (`read-tree -m -u` from an index that held what the files were
 * synced to), whether the files are now exactly what the index holds: one `ls-files` of what is modified,
 * deleted or new (junk aside), which may run while the caller goes on. Returns how to keep that answer as
 * `stageBank`'s look (called last, so the file system's tick has moved on from the merge's writes), or null
 * when something differs: the next command's checks then need no `add` and `diff-index`.
 */
export async function lookAfterMerge(b: BankRef, paths: readonly string[]): Promise<(() => Promise<void>) | null> {
  const tip = await bankBase(b);
  if (!tip) return null;
  const before = await stampLook(b.root, b.index, tip, paths);
  if (!before) return null;
  const listed = await git(["ls-files", "-z", "-m", "-d", "-o", "--", ...paths], { cwd: b.root, env: env(b) });
  if (listed.stdout.split("\0").some((p) => p !== "" && !JUNK.test(p.slice(p.lastIndexOf("/") + 1)))) return null;
  const after = await stampLook(b.root, b.index, tip, paths);
  return () => keepClean(join(dirname(b.index), "bank-clean"), before, after);
}

/** `git add` of the bank's paths into the private index, and the paths that differ from `tip`. Two processes. */
async function recordBank(b: BankRef, tip: string | null, paths: readonly string[]): Promise<string[]> {
  // A pathspec that matches nothing (a config file not written yet) would fail the whole add.
  const present = await existing(b.root, paths);
  await mkdir(dirname(b.index), { recursive: true });
  if (present.length) await git(["add", "--all", "--force", "--", ...present], { cwd: b.root, env: env(b) });
  // (An exclude pathspec would stop `--force` from reaching into the ignored folder: junk is dropped after.)
  const junk = await junkFiles(b.root, present);
  if (junk.length) await git(["rm", "--cached", "--quiet", "--ignore-unmatch", "--", ...junk], { cwd: b.root, env: env(b) });
  if (!tip) {
    const listed = await git(["ls-files", "-z", "--", ...paths], { cwd: b.root, env: env(b) });
    return listed.stdout.split("\0").filter(Boolean);
  }
  const diff = await git(["diff-index", "--cached", "--name-only", "-z", "--no-renames", tip, "--", ...paths], { cwd: b.root, env: env(b) });
  return diff.stdout.split("\0").filter(Boolean);
}

async function existing(root: string, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) if (await stat(join(root, p)).catch(() => null)) out.push(p);
  return out;
}

/**
 * What this work tree's bank files were last synced to: the bank branch's commit it last committed, merged
 * or took (kept per work tree: several work trees of one clone share the branch). Null before any.
 */
export async function bankBase(b: BankRef): Promise<string | null> {
  const recorded = (await readFile(baseFile(b), "utf8").catch(() => "")).trim();
  const tip = await bankTip(b);
  // The usual case, the branch where this work tree left it, needs no look at the object store.
  if (recorded && (recorded === tip || (await git(["cat-file", "-e", `${recorded}^{commit}`], { cwd: b.root, okCodes: [1, 128] })).code === 0)) return recorded;
  if (tip) await refuseForeignBank(b, tip, b.ref.replace(/^refs\/heads\//, ""));
  return tip;
}

const baseFile = (b: BankRef): string => join(dirname(b.index), "bank-base");
const setBase = (b: BankRef, commit: string): Promise<void> => writeFile(baseFile(b), `${commit}\n`);

/**
 * Commits the bank index (after re-recording `paths`, which the caller changed since staging) on top of
 * `base`, what this work tree's files were synced to. When the shared branch moved since (another work tree
 * of this clone committed), the two are merged through the drivers first, so neither loses anything.
 * Returns the branch's new commit.
 */
export async function commitBankIndex(b: BankRef, base: string | null, paths: readonly string[], message: string, options: { sign?: boolean } = {}): Promise<string> {
  let commit: string;
  try {
    const present = await existing(b.root, paths);
    if (present.length) await git(["add", "--all", "--force", "--", ...present], { cwd: b.root, env: env(b) });
    const tree = (await git(["write-tree"], { cwd: b.root, env: env(b) })).stdout.trim();
    const parents = base ? ["-p", base] : [];
    commit = (await git(["commit-tree", ...(options.sign ? ["-S"] : []), tree, ...parents, "-m", message], { cwd: b.root })).stdout.trim();
  } catch (err) {
    throw bankCommitFailed(err);
  }
  const shared = await bankTip(b);
  if (shared === base) {
    await git(["update-ref", "-m", message, b.ref, commit, base ?? ""], { cwd: b.root });
    await setBase(b, commit);
    return commit;
  }
  // Another work tree moved the branch: ours and theirs merge, then the branch moves to the merge.
  const merged = await advance(b, commit, [shared!], `memory: merge the bank of another work tree`, options);
  if (merged.kind === "conflict" || merged.kind === "refused") {
    throw new MemoryError("merge-refused", `the bank branch moved in another work tree of this clone and could not be merged here (${merged.kind === "conflict" ? merged.files.join(", ") : merged.reason}); your changes are still in the files`);
  }
  await git(["update-ref", "-m", message, b.ref, merged.to, shared ?? ""], { cwd: b.root });
  await setBase(b, merged.to);
  return merged.to;
}

/**
 * Merges `other` (one commit or ref, or several: the remote's branch and its writer refs) into the bank branch through the drivers and writes what changed to the bank's files.
 * Nothing moves on a conflict, or when a bank file was edited after it was recorded (the caller records
 * and commits first, under the clone's lock). A bank branch not made yet simply takes `other`; one that
 * another work tree moved since this one last synced is merged in too.
 */
export async function mergeIntoBank(b: BankRef, other: string | readonly string[], message: string, options: MergeOptions = {}): Promise<MergeResult> {
  const shared = await bankTip(b);
  const base = await bankBase(b);
  const targets = [...(shared && shared !== base ? [shared] : []), ...(typeof other === "string" ? [other] : other)];
  // (`behind` holds for the branch's tip: only where this work tree's files are at it too.)
  const fold = { ...options, behind: options.behind === true && base === shared };
  const res = (options.mergePath && base ? await foldHeads(b, base, targets, message, options.mergePath, fold) : null) ?? (await advance(b, base, targets, message, options));
  if (res.kind === "conflict" || res.kind === "refused") return res;
  if (res.to === base && res.to === shared) return { kind: "up-to-date" };
  await git(["update-ref", "-m", res.fastForward ? "memory: fast-forward the bank" : "memory: merge the bank", b.ref, res.to, shared ?? ""], { cwd: b.root });
  await setBase(b, res.to);
  return res.to === base ? { kind: "up-to-date" } : { kind: "merged", fastForward: res.fastForward };
}

type Advance = { kind: "moved"; to: string; fastForward: boolean } | Extract<MergeResult, { kind: "conflict" } | { kind: "refused" }>;

/**
 * From `ours` (what the files hold), takes each target in turn: skipped when already in, a fast-forward
 * when ours is in it, else a merge commit made with merge-tree. The files follow each step through the
 * bank index (`read-tree -m -u`, which only writes files that still hold what the step started from).
 * The branch itself is not moved here.
 */
async function advance(b: BankRef, ours: string | null, targets: readonly string[], message: string, options: MergeOptions): Promise<Advance> {
  let at = ours;
  let fastForward = true;
  for (const target of targets) {
    // A ref (the remote-tracking one) moves: each step is taken to the commit it names now.
    const other = (await git(["rev-parse", "--verify", `${target}^{commit}`], { cwd: b.root })).stdout.trim();
    if (at === other) continue;
    if (!at) {
      await refuseForeignBank(b, other, target.replace(/^refs\/(heads|remotes)\//, ""));
      const step = await writeStep(b, null, other);
      if (step) return step;
      at = other;
      continue;
    }
    const counts = await git(["rev-list", "--left-right", "--count", `${at}...${other}`, "--"], { cwd: b.root });
    const [ahead, behind] = counts.stdout.trim().split(/\s+/).map(Number);
    if (behind === 0) continue;
    await refuseForeignBank(b, other, target.replace(/^refs\/(heads|remotes)\//, ""));
    if (ahead === 0) {
      const step = await writeStep(b, at, other);
      if (step) return step;
      at = other;
      continue;
    }
    await options.beforeMerge?.();
    const tree = await git(["merge-tree", "--write-tree", "--name-only", "-z", "--allow-unrelated-histories", at, other], { cwd: b.root, okCodes: [1] });
    const [oid, ...rest] = tree.stdout.split("\0");
    if (tree.code === 1) return { kind: "conflict", files: rest.slice(0, rest.indexOf("")) };
    const commit = await git(["commit-tree", ...(options.sign ? ["-S"] : []), oid!, "-p", at, "-p", other, "-m", message], { cwd: b.root }).catch((err: unknown) => {
      if (!(err instanceof GitError)) throw err;
      throw new MemoryError("commit-failed", `git could not make the merge commit (${gitReason(err.result.stderr)}); nothing was merged`, { cause: "commit signing?" });
    });
    const merged = commit.stdout.trim();
    const step = await writeStep(b, at, merged);
    if (step) return step;
    at = merged;
    fastForward = false;
  }
  return { kind: "moved", to: at ?? ours ?? "", fastForward };
}

/** The files (and the bank index) from `from`'s tree to `to`'s; a refusal when one was edited since. */
async function writeStep(b: BankRef, from: string | null, to: string): Promise<Extract<MergeResult, { kind: "refused" }> | null> {
  const args = from ? ["read-tree", "-m", "-u", from, to] : ["read-tree", "-m", "-u", to];
  const res = await git(args, { cwd: b.root, env: env(b), okCodes: [128] });
  return res.code === 0 ? null : { kind: "refused", reason: refusal(res.stderr) };
}

function refusal(stderr: string): string {
  const files = stderr.split("\n").filter((l) => /^\t\S/.test(l)).map((l) => l.trim());
  if (files.length) return `your changes to ${files.join(", ")} would be overwritten by the merge`;
  return gitReason(stderr);
}

/** Makes the bank index hold `commit`'s tree (stat data refreshed from the files), e.g. after init took the remote's bank. */
export async function resetBankIndex(b: BankRef, commit: string | null): Promise<void> {
  await mkdir(dirname(b.index), { recursive: true });
  if (commit) await git(["read-tree", commit], { cwd: b.root, env: env(b) });
  else await git(["read-tree", "--empty"], { cwd: b.root, env: env(b) });
}

/** Commits on `ref` the remote-tracking ref lacks, and the reverse; behind is null when the remote has no bank branch yet. */
export async function bankCounts(root: string, ref: string, trackingRef: string, alsoOnRemote: string | null = null): Promise<{ ahead: number; behind: number | null }> {
  const res = await git(["rev-list", "--left-right", "--count", `${ref}...${trackingRef}`, "--"], { cwd: root, okCodes: [128] });
  if (res.code === 0) {
    const [ahead, behind] = res.stdout.trim().split(/\s+/).map(Number);
    // Commits the branch lacks but this clone's writer ref holds are on the remote all the same.
    if (ahead && alsoOnRemote) {
      const left = await git(["rev-list", "--count", "--ignore-missing", ref, "--not", trackingRef, alsoOnRemote, "--"], { cwd: root });
      return { ahead: Number(left.stdout.trim()), behind: behind ?? 0 };
    }
    return { ahead: ahead ?? 0, behind: behind ?? 0 };
  }
  const only = await git(["rev-list", "--count", ref, "--"], { cwd: root, okCodes: [128] });
  return { ahead: only.code === 0 ? Number(only.stdout.trim()) : 0, behind: null };
}

/** Whether this work tree has recorded what its bank files were synced to. */
export const hasBase = async (b: BankRef): Promise<boolean> => (await readFile(baseFile(b), "utf8").catch(() => "")).trim() !== "";

/** This work tree takes the bank branch as it is (`tip`): its index, its missing files, its base. */
export async function adoptBank(b: BankRef, tip: string): Promise<void> {
  await refuseForeignBank(b, tip, b.ref.replace(/^refs\/heads\//, ""));
  await resetBankIndex(b, tip);
  await git(["checkout-index", "--all"], { cwd: b.root, env: env(b), okCodes: [0, 1] });
  await setBase(b, tip);
}

/** Points the bank branch, made nowhere yet, at `tip` (the remote's), and its index at `tip`'s tree. */
export async function takeBank(b: BankRef, tip: string): Promise<void> {
  await refuseForeignBank(b, tip, "the remote's bank branch");
  await git(["update-ref", "-m", "memory: take the bank branch from the remote", b.ref, tip, ""], { cwd: b.root });
  await resetBankIndex(b, tip);
  await setBase(b, tip);
  // Every file of the bank missing here is written from it (a clone that pulled the bank's move off its
  // code branch has none); a file that exists is left as it is, and the next save records its changes.
  await git(["checkout-index", "--all"], { cwd: b.root, env: env(b), okCodes: [0, 1] });
}

/**
 * The first commit of a bank branch, holding `paths` exactly as `source` (a code branch's commit) has them,
 * with no parent; the bank index takes its tree. Returns the commit (the branch is not moved).
 */
export async function bankCommitFrom(b: BankRef, source: string, paths: readonly string[], message: string, options: { sign?: boolean } = {}): Promise<string> {
  await mkdir(dirname(b.index), { recursive: true });
  const listed = await git(["ls-tree", "-r", "--full-tree", source, "--", ...paths], { cwd: b.root });
  await git(["read-tree", "--empty"], { cwd: b.root, env: env(b) });
  if (listed.stdout.trim()) await git(["update-index", "--index-info"], { cwd: b.root, env: env(b), input: listed.stdout });
  const tree = (await git(["write-tree"], { cwd: b.root, env: env(b) })).stdout.trim();
  return (await git(["commit-tree", ...(options.sign ? ["-S"] : []), tree, "-m", message], { cwd: b.root })).stdout.trim();
}

/** Moves the bank branch to `to` from `from` (null: it must not exist yet). */
export async function setBankRef(b: BankRef, to: string, from: string | null, reason: string): Promise<void> {
  await git(["update-ref", "-m", reason, b.ref, to, from ?? ""], { cwd: b.root });
  await setBase(b, to);
}

/** Removes a bank branch made here a moment ago (a move that could not reach the remote), and its base. */
export async function dropBankRef(b: BankRef): Promise<void> {
  await git(["update-ref", "-d", b.ref], { cwd: b.root, okCodes: [0, 1] });
  await writeFile(baseFile(b), "");
}

/** More commits than this between the heads and their common ancestor: merged the slow way, two at a time. */
const FOLD_GRAPH_LIMIT = 50_000;

/**
 * Merges every target into `ours` in one step (ADR-017): the graph from one `rev-list`, all trees and files
 * from one `cat-file --batch`, each file both sides changed merged here by `mergePath`, then one merge
 * commit whose parents are all the heads. The cost hardly grows with the number of writer refs. Null when
 * this cannot decide (a file deleted on one side and changed on the other, one no driver merges, a merge
 * that fails, a history too long): the caller then merges two at a time through git, as before.
 */
async function foldHeads(b: BankRef, ours: string, targets: readonly string[], message: string, mergePath: PathMerger, options: MergeOptions): Promise<Advance | null> {
  if (targets.length === 0) return { kind: "moved", to: ours, fastForward: true };
  const resolved = await Promise.all(targets.map(async (t) => (/^[0-9a-f]{40}$/.test(t) ? t : await readRef(refsOf(b), t))));
  if (resolved.some((r) => r === null)) return null;
  const heads = [...new Set([ours, ...(resolved as string[])])];
  // A head as the user knows it: the ref it came from (`origin/memory`), or its commit.
  const nameOf = (commit: string) => (targets[resolved.indexOf(commit)] ?? commit).replace(/^refs\/(heads|remotes)\//, "");
  // The commonest case, one incoming head: whether it holds only the bank is asked while the ancestry is.
  const other = heads.length === 2 ? heads[1]! : null;
  const otherChecked = other ? refuseForeignBank(b, other, nameOf(other), options.objects).then(() => null, (err: unknown) => err) : null;
  // One head holds all the others: nothing to merge, or a fast-forward to it.
  const takeAll = async (top: string): Promise<Advance> => {
    if (top === ours) return { kind: "moved", to: ours, fastForward: true };
    const refused = top === other ? await otherChecked : await refuseForeignBank(b, top, nameOf(top), options.objects).then(() => null, (err: unknown) => err);
    if (refused) throw refused;
    return (await writeStep(b, ours, top)) ?? { kind: "moved", to: top, fastForward: true };
  };
  if (heads.length === 1) return takeAll(ours);
  // Ours where the incoming branch was before a fetch moved it on (`behind`): a fast-forward.
  if (other && options.behind) return takeAll(other);
  const octopus = await git(["merge-base", "--octopus", ...heads], { cwd: b.root, okCodes: [1] });
  const boundary = octopus.stdout.trim() || null;
  // The commonest case: one head holds all the others (nothing came, or only a fast-forward); no graph needed.
  const above = heads.filter((h) => h !== boundary);
  if (above.length <= 1 && boundary !== null) return takeAll(above[0] ?? boundary);
  const listed = await git(["rev-list", "--parents", ...heads, ...(boundary ? ["--not", boundary] : []), "--"], { cwd: b.root });
  const commits = listed.stdout.split("\n").filter(Boolean).map((line) => {
    const [oid, ...parents] = line.split(" ");
    return { oid: oid!, parents };
  });
  if (commits.length > FOLD_GRAPH_LIMIT) return null;
  const plan = planFold(commits, heads, boundary);
  if (plan.crissCross) return null; // git's merges, two at a time, merge the bases into a virtual one
  if (plan.heads.length === 1) return takeAll(plan.heads[0]!);
  await options.beforeMerge?.();
  const objects = await gitObjects(b.root);
  try {
    const trees = new Map<string, Map<string, FileVersion>>();
    const wanted = [...new Set([...plan.heads, ...plan.bases.filter((x): x is string => x !== null)])];
    const roots = await objects.read(wanted.map((c) => `${c}^{tree}`));
    let level: Array<{ commit: string; prefix: string; tree: GitObject | null }> = wanted.map((commit, i) => ({ commit, prefix: "", tree: roots[i]! }));
    for (const commit of wanted) trees.set(commit, new Map());
    while (level.length > 0) {
      const next: Array<{ commit: string; prefix: string; oid: string }> = [];
      for (const { commit, prefix, tree } of level) {
        if (!tree) return null;
        const entries = parseTree(tree.data);
        if (prefix === "" && plan.heads.includes(commit) && commit !== ours) refuseForeignNames(b, entries.map((e) => e.name), nameOf(commit));
        for (const e of entries) {
          if (e.mode === "40000") next.push({ commit, prefix: `${prefix}${e.name}/`, oid: e.oid });
          else trees.get(commit)!.set(`${prefix}${e.name}`, { oid: e.oid, mode: e.mode });
        }
      }
      const read = await objects.read(next.map((n) => n.oid));
      level = next.map((n, i) => ({ commit: n.commit, prefix: n.prefix, tree: read[i]! }));
    }
    // The texts of every path whose versions differ somewhere, in one more round.
    const versions = new Map<string, Set<string>>();
    for (const files of trees.values()) for (const [path, v] of files) versions.set(path, (versions.get(path) ?? new Set()).add(v.oid));
    const blobs = [...new Set([...versions.values()].filter((s) => s.size > 1).flatMap((s) => [...s]))];
    const texts = new Map<string, string>();
    const read = await objects.read(blobs);
    blobs.forEach((oid, i) => texts.set(oid, read[i]?.data.toString("utf8") ?? ""));
    let folded;
    try {
      folded = foldFiles(plan.heads.map((h) => trees.get(h)!), plan.bases.map((x) => (x ? trees.get(x)! : null)), (oid) => texts.get(oid) ?? "", mergePath);
    } catch {
      return null; // a driver that cannot merge a file: git's merge reports it as the driver would
    }
    if (folded.kind === "undecided") return null;
    const first = plan.heads[0]!;
    const tree = await writeFoldedTree(b, first, trees.get(first)!, folded.files);
    const commit = await git(["commit-tree", ...(options.sign ? ["-S"] : []), tree, ...plan.heads.flatMap((h) => ["-p", h]), "-m", message], { cwd: b.root }).catch((err: unknown) => {
      if (!(err instanceof GitError)) throw err;
      throw new MemoryError("commit-failed", `git could not make the merge commit (${gitReason(err.result.stderr)}); nothing was merged`, { cause: "commit signing?" });
    });
    const merged = commit.stdout.trim();
    const step = await writeStep(b, ours, merged);
    return step ?? { kind: "moved", to: merged, fastForward: false };
  } finally {
    objects.close();
  }
}

/** A tree object's entries. */
function parseTree(data: Buffer): Array<{ mode: string; name: string; oid: string }> {
  const out: Array<{ mode: string; name: string; oid: string }> = [];
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(32, at);
    const nul = data.indexOf(0, space);
    out.push({ mode: data.subarray(at, space).toString("latin1"), name: data.subarray(space + 1, nul).toString("utf8"), oid: data.subarray(nul + 1, nul + 21).toString("hex") });
    at = nul + 21;
  }
  return out;
}

/** Writes the merged files' blobs and the tree holding them (through a throwaway index), returning the tree. */
async function writeFoldedTree(b: BankRef, ours: string, oursFiles: ReadonlyMap<string, FileVersion>, files: ReadonlyMap<string, FileVersion | { text: string; mode: string }>): Promise<string> {
  const records: string[] = [];
  await Promise.all(
    [...files].map(async ([path, v]) => {
      const oid = "oid" in v ? v.oid : (await git(["hash-object", "-w", "--stdin"], { cwd: b.root, input: v.text })).stdout.trim();
      const before = oursFiles.get(path);
      if (!before || before.oid !== oid || before.mode !== v.mode) records.push(`${v.mode} ${oid}\t${path}`);
    }),
  );
  for (const path of oursFiles.keys()) if (!files.has(path)) records.push(`0 ${"0".repeat(40)}\t${path}`);
  const env = { GIT_INDEX_FILE: `${b.index}.fold` };
  try {
    await git(["read-tree", ours], { cwd: b.root, env });
    if (records.length) await git(["update-index", "-z", "--index-info"], { cwd: b.root, env, input: records.map((r) => `${r}\0`).join("") });
    return (await git(["write-tree"], { cwd: b.root, env })).stdout.trim();
  } finally {
    await rm(env.GIT_INDEX_FILE, { force: true });
  }
}
