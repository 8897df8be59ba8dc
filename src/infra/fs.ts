import { access, chmod, lstat, mkdir, readdir, readFile, realpath, rename, unlink, writeFile } from "./quick-fs.js";
import { basename, dirname, join, sep } from "node:path";
import type { BigIntStats } from "node:fs";
import { isAlive } from "./process.js";

/** Reads a text file, or returns null when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw withPath(err, path);
  }
}

/** Reads a file's bytes, or returns null when it does not exist. */
export async function readBytesIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw withPath(err, path);
  }
}

/**
 * Writes through a temporary file and a rename, so a crash never leaves half a bank file. `mode` (a git
 * hook's 0755, a file's own mode kept) is set before the rename, so the file never exists without it.
 */
export async function writeTextAtomic(path: string, text: string, mode?: number): Promise<void> {
  await writeBytesAtomic(path, Buffer.from(text, "utf8"), mode);
}

let writes = 0;

export async function writeBytesAtomic(path: string, bytes: Buffer, mode?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // The pid (for removing what a stopped process left) and a counter (two writes of one file in one process).
  const tmp = join(dirname(path), `.${basename(path)}.memory-${process.pid}-${++writes}.tmp`);
  try {
    await writeFile(tmp, bytes);
    if (mode !== undefined) await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw withPath(err, path);
  }
}

/**
 * A file's identity: its inode (a write through a lock file or a rename makes a new one), size, and
 * modification and change times to the nanosecond (an edit in place moves them). While it is the same, the
 * bytes are the ones read when it was taken, unless an edit came in the same tick of the file system's clock
 * (see `coarseTimes`).
 */
export const fileIdentity = (s: BigIntStats): string => `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;

/** Whether a file's times are whole seconds: a file system with a coarse clock (FAT, HFS+, ext3), whose tick may be 2 s. */
export const coarseTimes = (s: BigIntStats): boolean => s.mtimeNs % 1_000_000_000n === 0n || s.ctimeNs % 1_000_000_000n === 0n;

/**
 * The time the file system gives a file written now (the tick its clock is in), by writing `text` to `file`;
 * null when it cannot be written. A file whose times are older than this cannot be edited from now on without
 * its times moving: its identity stands for the bytes read after this call. (On a coarse clock the tick may
 * be 2 s: callers wait that out first.)
 */
export async function fileSystemNow(file: string, text = ""): Promise<bigint | null> {
  try {
    await writeFile(file, text);
    return (await lstat(file, { bigint: true })).mtimeNs;
  } catch {
    return null;
  }
}

export const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/**
 * Where a path really leads once symbolic links are followed: the real path of its deepest existing
 * ancestor, with the parts that do not exist yet appended. Throws the file system's error for a loop.
 */
export async function realTarget(path: string): Promise<string> {
  const missing: string[] = [];
  let p = path;
  for (;;) {
    try {
      const real = await realpath(p);
      return missing.length ? [real, ...missing].join(sep) : real;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      const parent = dirname(p);
      if (parent === p) return path;
      missing.unshift(p.slice(parent.length).replace(/^[\\/]+/, ""));
      p = parent;
    }
  }
}

/** Whether `path` is `dir` or lies under it (both already real paths). */
export const isWithin = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** The file system's error, naming the path it was about (reading a folder says EISDIR without one). */
export function withPath(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e instanceof Error && typeof e.code === "string") e.path = path;
  return err;
}

/**
 * Removes the temporary files `writeBytesAtomic` leaves in a folder when its process is killed between
 * writing and renaming (`.<name>.memory-<pid>-<n>.tmp`, the pid gone); nobody else's files.
 */
export async function removeStaleTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = /^\..+\.memory-(\d+)(?:-\d+)?\.tmp$/.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) await unlink(join(dir, name)).catch(() => {});
  }
}
