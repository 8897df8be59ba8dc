/**
 * A look at the bank's files that found nothing to record, kept with the identity of everything the look
 * read (ADR-021): the commit it compared with, the index, and every file and folder under the bank's paths
 * (inode, size, modification and change times, to the nanosecond). While all of it is the same, the answer
 * is the same, and no git process is needed to give it.
 */
import { join, sep } from "node:path";
import type { BigIntStats } from "node:fs";
import { lstat, readdir, readFile, rm } from "../infra/quick-fs.js";
import { coarseTimes, fileIdentity, fileSystemNow } from "../infra/fs.js";

export interface LookStamp {
  key: string;
  /** The newest modification or change time among the files, in nanoseconds. */
  newestNs: bigint;
  /** Some file's times have no fraction of a second: a coarse clock. */
  coarse: boolean;
}

/**
 * What a look reads, as one string; null when a file cannot be looked at. `index` is the index file git
 * compares with (written through a lock file: a new inode each time, whatever the clock).
 */
export async function stampLook(root: string, index: string, commit: string, paths: readonly string[]): Promise<LookStamp | null> {
  const parts = [`commit ${commit}`, `paths ${JSON.stringify(paths)}`];
  let newestNs = 0n;
  let coarse = false;
  const add = (name: string, s: BigIntStats) => {
    parts.push(`${name} ${s.mode}:${fileIdentity(s)}`);
    for (const t of [s.mtimeNs, s.ctimeNs]) if (t > newestNs) newestNs = t;
    if (coarseTimes(s)) coarse = true;
  };
  try {
    const ix = await lstat(index, { bigint: true });
    parts.push(`index ${fileIdentity(ix)}`);
    for (const p of paths) {
      const top = await lstat(join(root, p), { bigint: true }).catch(() => null);
      if (!top) {
        parts.push(`absent ${p}`);
        continue;
      }
      add(p, top);
      if (!top.isDirectory()) continue;
      const listed = await readdir(join(root, p), { recursive: true });
      for (const rel of listed.sort()) add(`${p}/${rel.split(sep).join("/")}`, await lstat(join(root, p, rel), { bigint: true }));
    }
  } catch {
    return null;
  }
  return { key: `${parts.join("\n")}\n`, newestNs, coarse };
}

/** Whether `file` keeps a clean look with this stamp. */
export async function lookedClean(file: string, stamp: LookStamp | null): Promise<boolean> {
  return stamp !== null && (await readFile(file, "utf8").catch(() => "")) === stamp.key;
}

/**
 * Keeps a clean look, when nothing moved while git looked (`before` and `after` the same), only when every
 * file's times are older than the tick the file system is in now (git's "racily clean" care): an edit in
 * the same tick as a file's last change, keeping its size, would keep its times too. The tick is read off
 * the kept file's own time once written. A file system whose times have no fraction of a second (FAT,
 * HFS+, ext3) also waits 2 s, the coarsest such clock.
 */
export async function keepClean(file: string, before: LookStamp | null, after: LookStamp | null): Promise<void> {
  if (!before || !after || before.key !== after.key) return;
  if (after.coarse && after.newestNs / 1_000_000n >= BigInt(Date.now() - 2000)) return;
  // (A git dir we may not write to keeps nothing: the next look asks git again.)
  const now = await fileSystemNow(file, after.key);
  if (now !== null && now <= after.newestNs) await rm(file, { force: true }).catch(() => undefined);
}
