/**
 * One `memory` process at a time per clone: agents' hooks can fire `add` and `save` together, and a
 * read-modify-write of a buffer must not interleave. The lock is a file in the git dir, never committed.
 *
 * The rules, each there because breaking it lost entries:
 * - The lock appears whole: its content (pid and a random token) is written to a file of our own first,
 *   then hard-linked to the lock's name, which fails if a lock is there. No one ever sees an empty lock.
 * - A lock whose process is dead is taken over only inside a second, short lock (`.takeover`), and only
 *   by replacing it with ours in one rename after reading it again: two processes can never both judge
 *   the same dead lock and both end up holding one, and a live holder's lock is never removed.
 * - Release removes the lock only if it still holds our token.
 * - Something at the lock's name that is not a lock file (a folder) is an error, never a busy loop.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { link, readdir, readFile, rename, stat, unlink, writeFile } from "./quick-fs.js";
import { join } from "node:path";
import { MemoryError } from "../core/errors.js";
import { isAlive } from "./process.js";

export interface Lock {
  release(): Promise<void>;
}

interface Holder {
  pid: number | null;
  token: string;
  ino: number;
}

/**
 * Waits for the lock. A sync holds it through fetch and push (each stopped after 60 s), so the default wait
 * is long: an entry an agent adds while the clone is saving must not be lost to a short timeout.
 */
export async function acquireLock(commonDir: string, timeoutMs = 180_000, onWait?: (holder: string) => void): Promise<Lock> {
  const path = join(commonDir, "memory.lock");
  const token = `${process.pid} ${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  const mine = `${path}.${process.pid}.${token.split(" ")[1]}`;
  await removeLeftovers(commonDir);
  await writeFile(mine, `${token}\n`);
  const started = Date.now();
  const deadline = started + timeoutMs;
  let told = false;
  try {
    for (let attempt = 0; ; attempt++) {
      if (await tryLink(mine, path)) return ownLock(path, token);
      const holder = await readHolder(path);
      if (holder === undefined) continue; // released between our link and our read: try again at once
      if (holder.pid !== null && String(holder.pid) === process.env.MEMORY_PARENT_PID) {
        // We run inside a git hook of the very memory command that holds the lock: waiting would deadlock it.
        throw new MemoryError("reentrant", `memory was run from a git hook while memory (pid ${holder.pid}) is using this clone; it cannot run inside itself`);
      }
      if (!isAlive(holder.pid) && (await takeOver(path, holder, mine))) return ownLock(path, token);
      if (!told && Date.now() - started > 300) {
        told = true;
        onWait?.(holder.pid !== null ? `pid ${holder.pid}` : "another process");
      }
      if (Date.now() >= deadline) {
        throw new MemoryError("locked", `another memory command is running in this clone (pid ${holder.pid ?? "unknown"})`, { path });
      }
      await sleep(Math.min(25 * 2 ** Math.min(attempt, 5), 500) * (0.5 + Math.random()));
    }
  } finally {
    await unlink(mine).catch(() => {});
  }
}

/** Token files (`memory.lock.<pid>.<nonce>`) of processes killed while they waited. */
async function removeLeftovers(commonDir: string): Promise<void> {
  for (const name of await readdir(commonDir).catch(() => [] as string[])) {
    const pid = /^memory\.lock\.(\d+)\./.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) await unlink(join(commonDir, name)).catch(() => {});
  }
}

/**
 * Creates the lock from our own file in one step; false when a lock is there. On a file system without
 * hard links, an exclusive create with the same content (written at once, small enough to land whole).
 */
async function tryLink(mine: string, path: string): Promise<boolean> {
  try {
    await link(mine, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EPERM" && code !== "EXDEV") throw err;
  }
  try {
    await writeFile(path, await readFile(mine), { flag: "wx" });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

/** Who holds the lock, or undefined when there is none now. Refuses a lock path that is not a file. */
async function readHolder(path: string): Promise<Holder | undefined> {
  const info = await stat(path).catch(() => null);
  if (!info) return undefined;
  if (!info.isFile()) {
    throw new MemoryError("locked", `${path} is not a lock file (a folder?); memory cannot tell whether another command is running`, { path });
  }
  const text = await readFile(path, "utf8").catch(() => null);
  if (text === null) return undefined;
  const [pid, nonce] = text.trim().split(/\s+/);
  const n = Number(pid);
  return { pid: Number.isInteger(n) && n > 0 ? n : null, token: `${pid ?? ""} ${nonce ?? ""}`, ino: info.ino };
}

/**
 * Replaces a dead holder's lock with ours, inside the takeover lock, after reading it again: if it changed
 * (someone else took over, or released and a live process locked), nothing is touched.
 */
async function takeOver(path: string, dead: Holder, mine: string): Promise<boolean> {
  const gate = `${path}.takeover`;
  // A new file (not a link to our token, whose time is when we started waiting): its time is the gate's age.
  const opened = await writeFile(gate, "", { flag: "wx" }).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === "EEXIST") return false;
      throw err;
    },
  );
  if (!opened) {
    // A takeover in progress, or one whose process died inside it: that lasts microseconds, so an old one is left over.
    const info = await stat(gate).catch(() => null);
    if (info && Date.now() - info.mtimeMs > 5_000) await unlink(gate).catch(() => {});
    return false;
  }
  try {
    const now = await readHolder(path);
    if (!now || now.ino !== dead.ino || now.token !== dead.token || isAlive(now.pid)) return false;
    const spare = `${mine}.take`;
    await writeFile(spare, await readFile(mine));
    await rename(spare, path);
    return true;
  } finally {
    await unlink(gate).catch(() => {});
  }
}

function ownLock(path: string, token: string): Lock {
  return {
    release: async () => {
      const text = await readFile(path, "utf8").catch(() => "");
      if (text.trim() === token) await unlink(path).catch(() => {});
    },
  };
}



/** Runs `work` holding the lock; `onWait` hears once when another process makes it wait. */
export async function withLock<T>(commonDir: string, work: () => Promise<T>, onWait?: (holder: string) => void, timeoutMs?: number): Promise<T> {
  const lock = await acquireLock(commonDir, timeoutMs, onWait);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}
