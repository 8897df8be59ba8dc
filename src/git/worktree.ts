/** The work tree and index: what changed under some paths, recording new files, committing only some paths. */
import { git, GitError, gitReason } from "./run.js";
import { headCommit } from "./repo.js";
import { MemoryError } from "../core/errors.js";
import { exists, fileIdentity } from "../infra/fs.js";
import { lstat, readFile, writeFile } from "../infra/quick-fs.js";
import { join } from "node:path";

/**
 * Paths under `paths` with changes in the work tree or index, relative to the root. Untracked files are
 * not changes: our own new files are recorded first (`trackFiles`), and an editor's swap file or a stray
 * note in the bank folder must neither be committed nor block the commit.
 */
export async function changedPaths(root: string, paths: readonly string[]): Promise<string[]> {
  const { stdout } = await git(["status", "--porcelain=v1", "-z", "--untracked-files=no", "--no-renames", "--", ...paths], { cwd: root });
  return stdout.split("\0").filter((r) => r.length > 3).map((r) => r.slice(3));
}

/**
 * Whether the index (what the checked-out branch tracks) holds `path`. The answers are kept in the git dir
 * (`memory/tracked.json`) with the index file's identity: git writes the index through a lock file, so any
 * change to it gives the file a new inode. Under `GIT_INDEX_FILE`, git is asked every time.
 */
export async function indexHolds(root: string, gitDir: string, path: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const ask = async () => (await git(["ls-files", "--", path], { cwd: root })).stdout.trim() !== "";
  if (env.GIT_INDEX_FILE || process.env.GIT_INDEX_FILE) return ask();
  const index = await lstat(join(gitDir, "index"), { bigint: true }).catch(() => null);
  const id = index ? fileIdentity(index) : "none";
  const kept = join(gitDir, "memory", "tracked.json");
  let known: { index?: unknown; paths?: Record<string, unknown> } = {};
  try {
    known = JSON.parse(await readFile(kept, "utf8")) as typeof known;
  } catch {
    // none yet, or unreadable: asked of git, and written anew
  }
  const paths = known.index === id && known.paths && typeof known.paths === "object" ? known.paths : {};
  const answer = paths[path];
  if (typeof answer === "boolean") return answer;
  const holds = await ask();
  await writeFile(kept, JSON.stringify({ index: id, paths: { ...paths, [path]: holds } })).catch(() => undefined);
  return holds;
}

export interface PathStatus {
  /** Left conflicted by a merge. */
  unmerged: string[];
  /** Not in the index: untracked, or hidden by an ignore rule. */
  untracked: string[];
  /** Those of `untracked` an ignore rule hides. */
  ignored: string[];
  /** Modified, added or deleted in the index or the work tree. */
  changed: string[];
}

const UNMERGED = new Set(["DD", "AU", "UD", "UA", "DU", "AA", "UU"]);

/** Everything start and save need to know about the bank's files, from one git process. */
export async function pathStatus(root: string, paths: readonly string[], options: { refresh?: boolean } = {}): Promise<PathStatus> {
  const { stdout } = await git(
    ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=traditional", "--no-renames", "--", ...paths],
    // (`refresh: false`: git leaves the index as it is, so a look taken around it stays the same.)
    { cwd: root, ...(options.refresh === false ? { env: { GIT_OPTIONAL_LOCKS: "0" } } : {}) },
  );
  const status: PathStatus = { unmerged: [], untracked: [], ignored: [], changed: [] };
  for (const record of stdout.split("\0")) {
    if (record.length < 4) continue;
    const [code, path] = [record.slice(0, 2), record.slice(3)];
    if (UNMERGED.has(code)) status.unmerged.push(path);
    else if (code === "??" || code === "!!") {
      status.untracked.push(path);
      if (code === "!!") status.ignored.push(path);
    }
    else status.changed.push(path);
  }
  return status;
}

/**
 * Makes new files known to the index (`add -N`: recorded, content not staged) so that `commitOnly` can
 * take them. `--force`: these are the tool's own files, shared even where a .gitignore rule (a common
 * `.claude/` line) would hide them.
 */
export async function trackFiles(root: string, files: readonly string[]): Promise<void> {
  const present: string[] = [];
  for (const f of files) if (await exists(join(root, f))) present.push(f);
  if (present.length > 0) await git(["add", "--intent-to-add", "--force", "--", ...present], { cwd: root });
}

/**
 * Commits the given paths only. The user's other staged changes stay staged and out of the commit;
 * unstaged and untracked work elsewhere is not touched. `known`: the changed paths, when the caller has
 * just listed them (saves a git process). Returns the new commit, or null when nothing changed.
 */
export async function commitOnly(root: string, paths: readonly string[], message: string, known?: readonly string[]): Promise<string | null> {
  const changed = known ?? (await changedPaths(root, paths));
  if (changed.length === 0) return null;
  // --no-verify: a bank commit holds no code, and the user's pre-commit hook may itself call memory.
  try {
    await git(["commit", "--only", "--no-verify", "--quiet", "-m", message, "--", ...changed], { cwd: root });
  } catch (err) {
    throw bankCommitFailed(err);
  }
  return headCommit(root);
}

/** A failed bank commit as the user hears of it (git's reason; the files keep the changes); other errors as they are. */
export function bankCommitFailed(err: unknown): unknown {
  if (!(err instanceof GitError)) return err;
  return new MemoryError(
    "commit-failed",
    `git could not commit the bank (${gitReason(err.result.stderr) || `exit ${err.result.code}`}); your changes are still in the files`,
    { cause: "git identity? commit signing?" },
  );
}

/**
 * Reverts one commit (through the drivers); on failure aborts, so nothing is left half done. When its
 * changes are already gone from HEAD (a later commit undid them), records that with an empty revert
 * commit, so the same revert is not tried again.
 */
export async function revertCommit(root: string, sha: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const res = await git(["revert", "--no-edit", sha], { cwd: root, okCodes: [1, 128] });
  if (res.code === 0) return { ok: true };
  await git(["revert", "--abort"], { cwd: root, okCodes: [128] }).catch(() => undefined);
  if (/nothing to commit/.test(res.stdout + res.stderr)) {
    const subject = (await git(["log", "-1", "--format=%s", sha], { cwd: root })).stdout.trim();
    const message = `Revert "${subject}"\n\nThis reverts commit ${sha}.\nIts changes were already gone from this branch.`;
    // commit-tree, not commit: whatever the user has staged stays staged and out of it.
    const head = (await git(["rev-parse", "HEAD"], { cwd: root })).stdout.trim();
    const empty = (await git(["commit-tree", `${head}^{tree}`, "-p", head, "-m", message], { cwd: root })).stdout.trim();
    await git(["update-ref", "-m", "memory: record an empty revert", "HEAD", empty, head], { cwd: root });
    return { ok: true };
  }
  return { ok: false, reason: gitReason(res.stderr || res.stdout) };
}

/** Drops the last commit, keeping the user's unrelated changes (`reset --keep` refuses rather than lose them). */
export async function undoLastCommit(root: string): Promise<void> {
  await git(["reset", "--quiet", "--keep", "HEAD~1"], { cwd: root });
}

/**
 * Stages whole files from the work tree (after a repaired merge, or a harvest), with their stat data so git
 * sees them clean, whatever an ignore rule says; other staged changes stay. Paths go on stdin: there may
 * be thousands.
 */
export async function stageFiles(root: string, paths: readonly string[]): Promise<void> {
  if (paths.length > 0) await git(["update-index", "--add", "--stdin"], { cwd: root, input: `${paths.join("\n")}\n` });
}

/** Commits a merge whose conflicts were all resolved and staged. */
export async function concludeMerge(root: string): Promise<void> {
  await git(["commit", "--no-edit", "--no-verify", "--quiet"], { cwd: root });
}

/** Removes a file from the index if it is there (the work tree copy is the caller's business). */
export async function untrack(root: string, path: string): Promise<void> {
  const tracked = (await git(["ls-files", "--error-unmatch", "--", path], { cwd: root, okCodes: [1] })).code === 0;
  if (tracked) await git(["rm", "--quiet", "--cached", "--", path], { cwd: root });
}


