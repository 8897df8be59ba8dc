/**
 * What git runs for a bank file both sides changed: `memory merge-driver <union|latest|log> %O %A %B %P`.
 * Writes the merge into %A and exits 0. If a side cannot be read, it writes both sides between conflict
 * markers (so nothing is lost and `memory doctor` finds it) and exits 1, which git reports as a conflict.
 */
import { readFile, writeFile } from "node:fs/promises";
import { mergeBuffers, mergeContext, mergeLog, type MergeInput } from "../core/merge.js";
import type { MergeStrategy } from "../core/config.js";

export const MERGERS: Record<MergeStrategy, (input: MergeInput) => string> = {
  union: mergeBuffers,
  latest: (input) => mergeContext(input).text,
  log: mergeLog,
};

/** Runs one driver on three files; returns the exit code git expects. */
export async function runMergeDriver(args: readonly string[]): Promise<number> {
  const [strategy, basePath, oursPath, theirsPath, path = oursPath] = args;
  const merge = MERGERS[strategy as MergeStrategy];
  if (!merge || !basePath || !oursPath || !theirsPath) {
    process.stderr.write("memory merge-driver: usage: memory merge-driver <union|latest|log> %O %A %B %P (git runs this; see `memory init`)\n");
    return 2;
  }
  const [base, ours, theirs] = await Promise.all([basePath, oursPath, theirsPath].map((p) => readFile(p, "utf8")));
  try {
    await writeFile(oursPath, merge({ base: base!, ours: ours!, theirs: theirs!, file: path }));
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`memory merge-driver: cannot merge ${path}: ${message}\n`);
    await writeFile(oursPath, conflictText(ours!, theirs!));
    return 1;
  }
}

function conflictText(ours: string, theirs: string): string {
  const end = (s: string) => (s === "" || s.endsWith("\n") ? s : `${s}\n`);
  return `<<<<<<< ours\n${end(ours)}=======\n${end(theirs)}>>>>>>> theirs\n`;
}
