/**
 * One `memory` process at a time per clone: agents' hooks can fire `add` and `save` together, and a
 * read-modify-write of a buffer must not interleave. The lock is a file in the git dir, never committed.
 */
import { open, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { MemoryError } from "../core/errors.js";

export interface Lock {
  release(): Promise<void>;
}

/**
 * Waits for the lock. A sync holds it through fetch and push (each stopped after 60 s), so the default wait
 * is long: an entry an agent adds while the clone is saving must not be lost to a short timeout.
 */
export async function acquireLock(commonDir: string, timeoutMs = 180_000, onWait?: (holder: string) => void): Promise<Lock> {
  const path = join(commonDir, "memory.lock");
  const started = Date.now();
  const deadline = started + timeoutMs;
  let told = false;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { release: () => unlink(path).catch(() => {}) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = Number.parseInt((await readFile(path, "utf8").catch(() => "")).trim(), 10);
    const known = Number.isInteger(holder) && holder > 0;
    if (known && String(holder) === process.env.MEMORY_PARENT_PID) {
      // We run inside a git hook of the very memory command that holds the lock: waiting would deadlock it.
      throw new MemoryError("reentrant", `memory was run from a git hook while memory (pid ${holder}) is using this clone; it cannot run inside itself`);
    }
    // Left by a process that died (or died before writing its pid): take it over.
    if ((known && !isAlive(holder)) || (!known && (await ageMs(path)) > STALE_EMPTY_MS)) {
      await unlink(path).catch(() => {});
      continue;
    }
    if (!told && Date.now() - started > 300) {
      told = true;
      onWait?.(known ? `pid ${holder}` : "another process");
    }
    if (Date.now() >= deadline) {
      throw new MemoryError("locked", `another memory command is running in this clone (pid ${known ? holder : "unknown"})`, { path });
    }
    await new Promise((r) => setTimeout(r, Math.min(25 * 2 ** Math.min(attempt, 5), 500) * (0.5 + Math.random())));
  }
}

const STALE_EMPTY_MS = 10_000;

async function ageMs(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  return info ? Date.now() - info.mtimeMs : 0;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Runs `work` holding the lock; `onWait` hears once when another process makes it wait. */
export async function withLock<T>(commonDir: string, work: () => Promise<T>, onWait?: (holder: string) => void): Promise<T> {
  const lock = await acquireLock(commonDir, undefined, onWait);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}
