/** Small read-mostly git queries, each one git process (or none, where a file read answers). */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { lstat, readdir, readFile } from "../infra/quick-fs.js";
import { dirname, join, resolve as resolvePath, sep } from "node:path";
import { MemoryError } from "../core/errors.js";
import { fileIdentity } from "../infra/fs.js";
import { git, GitError } from "./run.js";

export interface RepoPaths {
  /** The work tree's top folder. */
  root: string;
  /** This work tree's git dir (where HEAD and MERGE_HEAD live). */
  gitDir: string;
  /** The git dir shared by all work trees (where config and the lock live). */
  commonDir: string;
  /** Refs are files in the common dir (loose, or in `packed-refs`), so one can be read without a process. */
  refFiles?: boolean;
}

/**
 * The work tree's top, its git dir and the common git dir. Without a process in the plain case (a `.git`
 * folder above `cwd`, no `GIT_*` variable that moves things, no `core.worktree`, no reftable); git answers
 * everything else.
 */
export async function findRepo(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<RepoPaths> {
  const plain = await findPlainRepo(cwd, env);
  if (plain) return plain;
  let out: string;
  try {
    out = (await git(["rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir"], { cwd })).stdout;
  } catch (err) {
    if (err instanceof GitError) {
      throw new MemoryError("not-a-repo", `not inside a git work tree (${cwd})`);
    }
    throw err;
  }
  const [root, gitDir, common] = out.trimEnd().split("\n");
  if (!root || !gitDir || !common) {
    throw new MemoryError("not-a-repo", `not inside a git work tree (${cwd})`);
  }
  // --git-common-dir is relative to the cwd when it is not absolute.
  return { root, gitDir, commonDir: common.startsWith("/") ? common : join(cwd, common) };
}

async function findPlainRepo(cwd: string, env: NodeJS.ProcessEnv): Promise<RepoPaths | null> {
  if (env.GIT_DIR || env.GIT_WORK_TREE || env.GIT_COMMON_DIR || env.GIT_CEILING_DIRECTORIES || env.GIT_DISCOVERY_ACROSS_FILESYSTEM) return null;
  let dir = resolvePath(cwd);
  for (;;) {
    const git = join(dir, ".git");
    const info = await lstat(git).catch(() => null);
    if (info) {
      if (!info.isDirectory()) return null; // a .git file: a linked work tree or a submodule, git knows
      const config = await readFile(join(git, "config"), "utf8").catch(() => null);
      if (config === null || /^\s*worktree\s*=|^\s*bare\s*=\s*true|refStorage/im.test(config)) return null;
      if (await lstat(join(git, "reftable")).catch(() => null)) return null;
      if (!(await lstat(join(git, "HEAD")).catch(() => null))) return null;
      return { root: dir, gitDir: git, commonDir: git, refFiles: true };
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * The commit a branch or other full ref points at, or null when there is none. Read from the ref's file or
 * `packed-refs` where refs are files (no process; the loose file first, since packing writes `packed-refs`
 * before it removes the loose one), else asked of git.
 */
export async function readRef(repo: Pick<RepoPaths, "root" | "commonDir" | "refFiles">, ref: string): Promise<string | null> {
  if (repo.refFiles) {
    const loose = (await readFile(join(repo.commonDir, ref), "utf8").catch(() => null))?.trim();
    if (loose && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(loose)) return loose;
    if (loose === undefined || loose === "") {
      const packed = await readFile(join(repo.commonDir, "packed-refs"), "utf8").catch(() => "");
      const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`) && !l.startsWith("#") && !l.startsWith("^"));
      if (line) return line.slice(0, line.indexOf(" "));
      // Not a file and not packed: no such ref (a symbolic or odd ref goes to git below).
      if (loose === undefined) return null;
    }
  }
  const res = await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: repo.root, okCodes: [1, 128] });
  return res.code === 0 ? res.stdout.trim() : null;
}

/**
 * The refs under `prefix` (`refs/memory/remote/origin/memory/`) and their commits: from the loose files and
 * `packed-refs` where refs are files (a loose one wins over a packed one), else from git.
 */
export async function readRefsUnder(repo: Pick<RepoPaths, "root" | "commonDir" | "refFiles">, prefix: string): Promise<Array<{ ref: string; commit: string }>> {
  if (repo.refFiles) {
    const found = new Map<string, string>();
    const packed = await readFile(join(repo.commonDir, "packed-refs"), "utf8").catch(() => "");
    for (const line of packed.split("\n")) {
      const space = line.indexOf(" ");
      if (space === 40 && line.startsWith(prefix, 41)) found.set(line.slice(41), line.slice(0, 40));
    }
    const entries = await readdir(join(repo.commonDir, prefix), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isFile() || e.name.endsWith(".lock")) continue;
      const path = join(e.parentPath ?? e.path, e.name);
      const ref = path.slice(repo.commonDir.length + 1).split(sep).join("/");
      const text = (await readFile(path, "utf8").catch(() => "")).trim();
      if (/^[0-9a-f]{40}$/.test(text)) found.set(ref, text);
    }
    return [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([ref, commit]) => ({ ref, commit }));
  }
  const listed = await git(["for-each-ref", "--format=%(objectname) %(refname)", prefix], { cwd: repo.root });
  return listed.stdout.split("\n").filter(Boolean).map((line) => ({ ref: line.slice(line.indexOf(" ") + 1), commit: line.slice(0, line.indexOf(" ")) }));
}

export interface Head {
  /** Short branch name, or null when HEAD is detached. */
  branch: string | null;
}

/** Reads HEAD straight from the git dir: cheaper than a process, and works on a branch with no commits yet. */
export async function readHead(gitDir: string): Promise<Head> {
  const text = (await readFile(join(gitDir, "HEAD"), "utf8")).trim();
  const m = /^ref:\s*refs\/heads\/(.+)$/.exec(text);
  return { branch: m ? m[1]! : null };
}

/** All git config visible here, keys as git prints them (section and name lowercased). Last value wins. */
export type GitConfig = Map<string, string>;

/**
 * git's config as `git config --list` prints it. In a plain repository (see `findRepo`) the answer is kept in
 * `.git/memory/git-config.json` with the identity of every file it came from and of the files that could add
 * to it (the clone's, the user's, the system's, and those GIT_CONFIG_GLOBAL or GIT_CONFIG_SYSTEM name): while
 * none of them changed, no process is started. The keeping is skipped where git would read values that are
 * not in files (`git -c`, GIT_CONFIG_COUNT) or a file it cannot see (an include).
 */
export async function readGitConfig(cwd: string, repo?: RepoPaths): Promise<GitConfig> {
  const kept = repo?.refFiles && repo.gitDir === repo.commonDir ? keptConfigPlace(repo.commonDir, process.env) : null;
  if (kept) {
    const text = readKept(kept);
    if (text !== null) return configMap(text, false);
  }
  const before = kept ? stampFiles(kept.candidates) : null;
  const { stdout } = await git(["config", "--list", "-z", ...(kept ? ["--show-origin"] : [])], { cwd, okCodes: [1], drivers: false });
  if (!kept || !before) return configMap(stdout, false);
  const map = configMap(stdout, true);
  keepConfig(kept, stdout, before, cwd);
  return map;
}

function configMap(stdout: string, withOrigins: boolean): GitConfig {
  const map: GitConfig = new Map();
  const items = stdout.split("\0");
  for (let i = 0; i < items.length; i++) {
    if (withOrigins) i++; // the origin comes first, then the item
    const item = items[i];
    if (item === undefined || item === "") continue;
    const nl = item.indexOf("\n");
    map.set(nl < 0 ? item : item.slice(0, nl), nl < 0 ? "true" : item.slice(nl + 1));
  }
  return map;
}

interface KeptConfig {
  /** Where the answer is kept. */
  file: string;
  /** Files that add to git's config whether or not they exist now. */
  candidates: string[];
  /** The variables that choose the files, as a string: an answer kept under others is not this one. */
  places: string;
}

/** Variables that say which config files git reads: part of the key of a kept answer. */
const CONFIG_PLACES = ["HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM"] as const;

function keptConfigPlace(commonDir: string, env: NodeJS.ProcessEnv): KeptConfig | null {
  // Values given on the command line or in variables (`git -c`, GIT_CONFIG_COUNT…), or another repository.
  if (Object.keys(env).some((k) => k === "GIT_DIR" || k === "GIT_CONFIG" || k === "GIT_CONFIG_PARAMETERS" || /^GIT_CONFIG_(COUNT|KEY_|VALUE_)/.test(k))) return null;
  // Every file git may read is watched, whichever of them these variables turn off: one more look costs nothing.
  const candidates = [join(commonDir, "config"), join(commonDir, "config.worktree"), "/etc/gitconfig"];
  if (env.GIT_CONFIG_SYSTEM) candidates.push(resolvePath(env.GIT_CONFIG_SYSTEM));
  if (env.GIT_CONFIG_GLOBAL) candidates.push(resolvePath(env.GIT_CONFIG_GLOBAL));
  if (env.XDG_CONFIG_HOME) candidates.push(join(env.XDG_CONFIG_HOME, "git", "config"));
  if (env.HOME) candidates.push(join(env.HOME, ".config", "git", "config"), join(env.HOME, ".gitconfig"));
  const places = Object.fromEntries(CONFIG_PLACES.map((k) => [k, env[k] ?? null]));
  return { file: join(commonDir, "memory", "git-config.json"), candidates, places: JSON.stringify(places) };
}

/** A file's identity: a write through a lock file (as git does) changes its inode, an edit in place its times. */
function stamp(path: string): string {
  try {
    return fileIdentity(statSync(path, { bigint: true }));
  } catch {
    return "-";
  }
}

function stampFiles(paths: readonly string[]): Record<string, string> {
  return Object.fromEntries(paths.map((p) => [p, stamp(p)]));
}

interface KeptFile {
  version: 1;
  places: string;
  stamps: Record<string, string>;
  list: string;
}

function readKept(kept: KeptConfig): string | null {
  let data: KeptFile;
  try {
    data = JSON.parse(readFileSync(kept.file, "utf8")) as KeptFile;
  } catch {
    return null;
  }
  if (data?.version !== 1 || data.places !== kept.places || typeof data.list !== "string" || typeof data.stamps !== "object" || data.stamps === null) return null;
  for (const p of kept.candidates) if (!Object.hasOwn(data.stamps, p)) return null;
  for (const [p, s] of Object.entries(data.stamps)) if (stamp(p) !== s) return null;
  return data.list;
}

/**
 * Keeps the answer when nothing moved while git read it and git read only files: an include (whose target
 * may come and go) or another origin (a blob, the command line) is asked of git every time.
 */
function keepConfig(kept: KeptConfig, stdout: string, before: Record<string, string>, cwd: string): void {
  const items = stdout.split("\0");
  const files = new Set(kept.candidates);
  const list: string[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    const origin = items[i]!;
    const item = items[i + 1]!;
    if (!origin.startsWith("file:") || /^include(if\.|\.)/i.test(item)) return;
    files.add(resolvePath(cwd, origin.slice(5)));
    list.push(item);
  }
  const stamps = { ...before, ...stampFiles([...files].filter((f) => !Object.hasOwn(before, f))) };
  const after = stampFiles(Object.keys(stamps));
  for (const [p, s] of Object.entries(stamps)) if (after[p] !== s) return; // changed while git read it
  if (!existsSync(dirname(kept.file))) return; // a bank that is not set up here: nothing is written
  const data: KeptFile = { version: 1, places: kept.places, stamps, list: list.map((l) => `${l}\0`).join("") };
  const tmp = `${kept.file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, kept.file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** Sets a value in this clone's own config (`.git/config`), never the user's global one. */
export async function setLocalConfig(cwd: string, key: string, value: string): Promise<void> {
  await git(["config", "--local", key, value], { cwd });
}

/** The value of one attribute for each path, as git will apply it (`unspecified` when none). */
export async function checkAttr(cwd: string, attr: string, paths: readonly string[]): Promise<Map<string, string>> {
  const { stdout } = await git(["check-attr", "-z", attr, "--", ...paths], { cwd });
  const parts = stdout.split("\0");
  const result = new Map<string, string>();
  for (let i = 0; i + 2 < parts.length; i += 3) result.set(parts[i]!, parts[i + 2]!);
  return result;
}

/** Paths among `paths` that the index holds as unmerged (a merge left them conflicted). */
export async function unmergedPaths(cwd: string, paths: readonly string[]): Promise<string[]> {
  const { stdout } = await git(["ls-files", "-u", "-z", "--", ...paths], { cwd });
  const found = new Set<string>();
  for (const rec of stdout.split("\0")) {
    const tab = rec.indexOf("\t");
    if (tab >= 0) found.add(rec.slice(tab + 1));
  }
  return [...found];
}

/** Commits HEAD has that `ref` lacks, and the reverse; undefined when either side does not exist yet. */
export async function aheadBehind(cwd: string, ref: string): Promise<{ ahead: number; behind: number } | undefined> {
  const res = await git(["rev-list", "--left-right", "--count", `HEAD...${ref}`, "--"], { cwd, okCodes: [128] });
  if (res.code !== 0) return undefined;
  const [ahead, behind] = res.stdout.trim().split(/\s+/).map(Number);
  return { ahead: ahead ?? 0, behind: behind ?? 0 };
}

/**
 * Contents of several blobs (`<rev>:<path>`, `:<path>`, `:1:<path>`…) in one git process;
 * null for a spec that names nothing.
 */
export async function readBlobs(cwd: string, specs: readonly string[]): Promise<Map<string, string | null>> {
  const result = new Map<string, string | null>();
  if (specs.length === 0) return result;
  // Sizes in the output are in bytes, so it is read as bytes.
  const stdout = (await git(["cat-file", "--batch"], { cwd, input: specs.map((s) => `${s}\n`).join("") })).bytes;
  let pos = 0;
  for (const spec of specs) {
    const nl = stdout.indexOf(0x0a, pos);
    const header = stdout.subarray(pos, nl).toString("utf8");
    pos = nl + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) {
      result.set(spec, null); // "<spec> missing" or "ambiguous"
      continue;
    }
    const size = Number(m[2]);
    result.set(spec, m[1] === "blob" ? stdout.subarray(pos, pos + size).toString("utf8") : null);
    pos += size + 1;
  }
  return result;
}

/**
 * Commits HEAD has that the remote lacks, and the reverse, against the remote-tracking ref. When the remote
 * has no such branch yet, `ahead` counts the commits on none of its branches and `behind` is null.
 */
export async function remoteCounts(cwd: string, remote: string, trackingRef: string): Promise<{ ahead: number; behind: number | null }> {
  const both = await aheadBehind(cwd, trackingRef);
  if (both) return both;
  const res = await git(["rev-list", "--count", "HEAD", "--not", `--remotes=${remote}`, "--"], { cwd, okCodes: [128] });
  return { ahead: res.code === 0 ? Number(res.stdout.trim()) : 0, behind: null };
}

/** The commit HEAD points at, or "" on a branch with no commits yet. */
/**
 * HEAD's commit, "" before the first. Read from the files where refs are files (HEAD naming a branch, or a
 * detached commit), else asked of git.
 */
export async function headCommit(repo: string | Pick<RepoPaths, "root" | "gitDir" | "commonDir" | "refFiles">): Promise<string> {
  if (typeof repo !== "string" && repo.refFiles) {
    const text = (await readFile(join(repo.gitDir, "HEAD"), "utf8").catch(() => "")).trim();
    const branch = /^ref: (refs\/heads\/\S+)$/.exec(text)?.[1];
    if (branch) return (await readRef(repo, branch)) ?? "";
    if (/^[0-9a-f]{40}$/.test(text)) return text;
  }
  const cwd = typeof repo === "string" ? repo : repo.root;
  return (await git(["rev-parse", "--verify", "--quiet", "HEAD"], { cwd, okCodes: [1] })).stdout.trim();
}


/** Whether HEAD names the commit `ref` names (both read from their files where refs are files): nothing lies between them. */
export async function headIsAt(repo: Pick<RepoPaths, "root" | "gitDir" | "commonDir" | "refFiles">, ref: string): Promise<boolean> {
  const head = await headCommit(repo);
  return head !== "" && head === (await revParse(repo, ref));
}

/** Paths of the files under `paths` in a commit (recursively), relative to the root; none when it has none. */
export async function listFiles(cwd: string, commit: string, paths: readonly string[]): Promise<string[]> {
  const res = await git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit, "--", ...paths], { cwd, okCodes: [128] });
  return res.code === 0 ? res.stdout.split("\0").filter(Boolean) : [];
}

/**
 * The tip a forced update last moved a remote-tracking ref away from (its reflog says "forced-update"), or
 * null: read from the reflog file, so the usual answer costs no process.
 */
export async function droppedTip(commonDir: string, trackingRef: string): Promise<string | null> {
  const text = await readFile(join(commonDir, "logs", trackingRef), "utf8").catch(() => "");
  let tip: string | null = null;
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]{40}) [0-9a-f]{40} [^\t]*\t.*forced-update/.exec(line);
    if (m && !/^0+$/.test(m[1]!)) tip = m[1]!;
  }
  return tip;
}

/**
 * Whether `tip` holds a commit a rewrite removed: one in the history of `dropped` (the tip the rewrite moved
 * the tracking ref away from) that the rewritten `trackingRef` lacks. Not only `dropped` itself: a clone
 * that merged an earlier commit of the removed history holds it too.
 */
export async function holdsDropped(cwd: string, dropped: string, tip: string, trackingRef: string): Promise<boolean> {
  const bases = await git(["merge-base", "--all", dropped, tip], { cwd, okCodes: [1] });
  for (const base of bases.stdout.split("\n").filter(Boolean)) if (!(await isAncestor(cwd, base, trackingRef))) return true;
  return false;
}

/** The paths under `paths` whose contents differ between two commits (one process). */
export async function changedBetween(cwd: string, a: string, b: string, paths: readonly string[]): Promise<string[]> {
  const res = await git(["diff-tree", "-r", "-z", "--name-only", "--no-renames", a, b, "--", ...paths], { cwd });
  return res.stdout.split("\0").filter(Boolean);
}

/** Whether `older` is in the history of `newer`. */
export async function isAncestor(cwd: string, older: string, newer: string): Promise<boolean> {
  return (await git(["merge-base", "--is-ancestor", older, newer], { cwd, okCodes: [1, 128] })).code === 0;
}

/** The commit a ref points at, or "" when it names nothing (a full ref is read without a process where refs are files). */
export async function revParse(repo: string | Pick<RepoPaths, "root" | "commonDir" | "refFiles">, ref: string): Promise<string> {
  if (typeof repo !== "string" && ref.startsWith("refs/")) return (await readRef(repo, ref)) ?? "";
  const cwd = typeof repo === "string" ? repo : repo.root;
  return (await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd, okCodes: [1, 128] })).stdout.trim();
}
