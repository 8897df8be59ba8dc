/**
 * Big buffers found sound before, by the hash of their text, kept in the git dir (`.git/memory/checked.json`,
 * this clone's only): a command that finds a buffer as it was when last checked takes its counts instead of
 * scanning megabytes again. Small buffers are scanned, which costs less than hashing and the file. A text
 * that does not read is never kept, so its error is found, with its line, every time.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { countBufferOnce, rememberCounts } from "../core/parse-once.js";
import type { BufferCounts } from "../core/thresholds.js";
import { writeTextAtomic } from "../infra/fs.js";

/** Below this many characters a scan is cheaper than the hash and the file. */
const WORTH = 64 * 1024;
const KEPT = 32;

const checkedFile = (gitDir: string): string => join(gitDir, "memory", "checked.json");

/** Checks a buffer's text as a parse would (throwing its errors) and counts it, once per text across commands. */
export async function checkedCounts(gitDir: string, text: string, file: string): Promise<BufferCounts> {
  if (text.length < WORTH) return countBufferOnce(text, { file });
  const { createHash } = await import("node:crypto"); // only here: loading it costs several ms
  const key = createHash("sha1").update(text).digest("hex");
  const kept = await readChecked(gitDir);
  const hit = kept.get(key);
  if (hit) {
    rememberCounts(text, hit);
    return { ...hit };
  }
  const counts = countBufferOnce(text, { file });
  kept.delete(key);
  kept.set(key, counts);
  const recent = [...kept].slice(-KEPT);
  await writeTextAtomic(checkedFile(gitDir), `${JSON.stringify(Object.fromEntries(recent))}\n`).catch(() => undefined);
  return counts;
}

async function readChecked(gitDir: string): Promise<Map<string, BufferCounts>> {
  try {
    const parsed = JSON.parse(await readFile(checkedFile(gitDir), "utf8")) as Record<string, unknown>;
    const out = new Map<string, BufferCounts>();
    for (const [key, value] of Object.entries(parsed)) {
      const v = value as Partial<BufferCounts> | null;
      if (/^[0-9a-f]{40}$/.test(key) && v && [v.lines, v.items, v.unmarked].every((n) => Number.isInteger(n) && n! >= 0)) out.set(key, { lines: v.lines!, items: v.items!, unmarked: v.unmarked! });
    }
    return out;
  } catch {
    return new Map(); // none yet, or unreadable: everything is scanned (and the file written anew)
  }
}
