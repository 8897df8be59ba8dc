/**
 * Committing many files at once without touching the work tree or the index: contents are written into
 * the object store (one fast-import, blobs.ts), laid over HEAD's tree in a temporary index, and committed
 * with `commit-tree`. Until the branch is moved (`moveHead`), nothing a person can see has changed, so a
 * commit that cannot be made (no identity, a signing failure, a path where a file stands in for a folder)
 * leaves everything as it was.
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { MemoryError } from "../core/errors.js";
import { git, GitError, gitReason } from "./run.js";
import { writeBlobs } from "./blobs.js";

export interface FileContent {
  /** Repo-relative path with `/`. */
  path: string;
  content: string;
}

export interface Snapshot {
  commit: string;
  /** The blob written for each path. */
  blobs: Map<string, string>;
  /** For each path removed: the blob of the text it had (`remove`), so it is only deleted while it still holds that. */
  removed: Map<string, string>;
}

/**
 * Makes a commit on top of `parent` holding `files` (added or replaced) and without the paths of `remove`
 * (each with the text it holds now, stored as a blob so that landing can tell it was not edited since);
 * HEAD, index and work tree untouched.
 */
export async function commitFiles(
  root: string,
  gitDir: string,
  parent: string,
  files: readonly FileContent[],
  message: string,
  options: { sign?: boolean; remove?: readonly FileContent[] } = {},
): Promise<Snapshot> {
  const scratch = join(gitDir, "memory", `snapshot-${process.pid}`);
  const remove = options.remove ?? [];
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  try {
    const shas = await writeBlobs(root, gitDir, [...files, ...remove].map((f) => f.content));
    const blobs = new Map(files.map((f, i) => [f.path, shas[i]!]));
    const removed = new Map(remove.map((f, i) => [f.path, shas[files.length + i]!]));
    const env = { GIT_INDEX_FILE: join(scratch, "index") };
    await git(["read-tree", parent], { cwd: root, env });
    const info = files.map((f) => `100644 ${blobs.get(f.path)}\t${f.path}`).join("\n");
    if (files.length) await git(["update-index", "--add", "--index-info"], { cwd: root, env, input: `${info}\n` });
    if (remove.length) await git(["update-index", "--force-remove", "--", ...remove.map((f) => f.path)], { cwd: root, env });
    const tree = (await git(["write-tree"], { cwd: root, env })).stdout.trim();
    const commit = (await git(["commit-tree", ...(options.sign ? ["-S"] : []), tree, "-p", parent, "-m", message], { cwd: root })).stdout.trim();
    return { commit, blobs, removed };
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    throw new MemoryError("commit-failed", `git could not make the commit (${gitReason(err.result.stderr) || `exit ${err.result.code}`}); nothing was changed`, {
      cause: "git identity? commit signing? a file where a folder should be?",
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Moves the checked-out branch from `from` to `to`, refusing if it is no longer at `from`. */
export async function moveHead(root: string, from: string, to: string, reason: string): Promise<void> {
  await git(["update-ref", "-m", reason, "HEAD", to, from], { cwd: root });
}

/** Drops these paths from the real index (the files stay where they are). */
export async function unstagePaths(root: string, paths: readonly string[]): Promise<void> {
  if (paths.length > 0) await git(["update-index", "--force-remove", "--", ...paths], { cwd: root });
}

/**
 * Records blobs in the real index for these paths only (content, no stat data: a later `update-index`
 * of the written files adds that); the user's other staged changes stay as they are.
 */
export async function stageBlobs(root: string, blobs: ReadonlyMap<string, string>): Promise<void> {
  if (blobs.size === 0) return;
  const info = [...blobs].map(([path, sha]) => `100644 ${sha}\t${path}`).join("\n");
  await git(["update-index", "--add", "--index-info"], { cwd: root, input: `${info}\n` });
}

/**
 * A commit on top of `parent` without `paths` (files and folders), and with `files` written: HEAD, index
 * and work tree untouched.
 */
export async function commitWithout(root: string, gitDir: string, parent: string, paths: readonly string[], files: readonly FileContent[], message: string, options: { sign?: boolean } = {}): Promise<string> {
  const scratch = join(gitDir, "memory", `without-${process.pid}`);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const env = { GIT_INDEX_FILE: join(scratch, "index") };
  try {
    await git(["read-tree", parent], { cwd: root, env });
    await git(["rm", "-r", "--cached", "--quiet", "--ignore-unmatch", "--", ...paths], { cwd: root, env });
    if (files.length) {
      const shas = await writeBlobs(root, gitDir, files.map((f) => f.content));
      await git(["update-index", "--add", "--index-info"], { cwd: root, env, input: `${files.map((f, i) => `100644 ${shas[i]}\t${f.path}`).join("\n")}\n` });
    }
    const tree = (await git(["write-tree"], { cwd: root, env })).stdout.trim();
    return (await git(["commit-tree", ...(options.sign ? ["-S"] : []), tree, "-p", parent, "-m", message], { cwd: root })).stdout.trim();
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    throw new MemoryError("commit-failed", `git could not make the commit (${gitReason(err.result.stderr) || `exit ${err.result.code}`}); nothing was changed`, { cause: "git identity? commit signing?" });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Drops paths (folders too) from the real index, leaving the files where they are. */
export async function untrackPaths(root: string, paths: readonly string[]): Promise<void> {
  if (paths.length) await git(["rm", "-r", "--cached", "--quiet", "--ignore-unmatch", "--", ...paths], { cwd: root });
}
