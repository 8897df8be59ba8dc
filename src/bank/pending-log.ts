/**
 * Session log lines waiting for the next commit of the bank: a `start` with nothing of its own to publish
 * records its line here (in the git dir, never committed) instead of making a commit, and the next commit
 * that writes the log takes them, in order. So a day of starts adds no commit to anyone's history.
 */
import { readFile, unlink } from "../infra/quick-fs.js";
import { join } from "node:path";
import { writeTextAtomic } from "../infra/fs.js";

const pendingFile = (gitDir: string) => join(gitDir, "memory", "pending-log.txt");

export async function readPendingLog(gitDir: string): Promise<string[]> {
  const text = await readFile(pendingFile(gitDir), "utf8").catch(() => "");
  return text.split("\n").filter((l) => l.trim() !== "");
}

export async function addPendingLog(gitDir: string, line: string): Promise<void> {
  const lines = await readPendingLog(gitDir);
  await writeTextAtomic(pendingFile(gitDir), `${[...lines, line].join("\n")}\n`);
}

export async function clearPendingLog(gitDir: string): Promise<void> {
  await unlink(pendingFile(gitDir)).catch(() => {});
}
