/**
 * What git runs for a bank file both sides changed: `memory merge-driver <union|latest|log|text> %O %A %B %P`.
 * Writes the merge into %A. If a side cannot be read, it writes both sides between conflict markers (so
 * nothing is lost and `memory doctor` finds it) and says so, which git reports as a conflict.
 */
import { readFile, writeFile } from "../infra/quick-fs.js";
import { MERGERS } from "../core/merge.js";
import type { MergeStrategy } from "../core/config.js";

export type MergeFileResult = { kind: "merged" } | { kind: "usage" } | { kind: "conflict"; path: string; reason: string };

/** Runs one driver on three files. */
export async function mergeFiles(args: readonly string[]): Promise<MergeFileResult> {
  const [strategy, basePath, oursPath, theirsPath, path = oursPath] = args;
  const merge = MERGERS[strategy as MergeStrategy];
  if (!merge || !basePath || !oursPath || !theirsPath) return { kind: "usage" };
  // Read together; a failure is reported for the first file in order, whichever read failed first.
  const read = await Promise.allSettled([basePath, oursPath, theirsPath].map((p) => readFile(p, "utf8")));
  const failed = read.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  const [base, ours, theirs] = read.map((r) => (r as PromiseFulfilledResult<string>).value);
  try {
    await writeFile(oursPath, merge({ base: base!, ours: ours!, theirs: theirs!, file: path }));
    return { kind: "merged" };
  } catch (err) {
    await writeFile(oursPath, conflictText(ours!, theirs!));
    return { kind: "conflict", path: path!, reason: err instanceof Error ? err.message : String(err) };
  }
}

function conflictText(ours: string, theirs: string): string {
  const end = (s: string) => (s === "" || s.endsWith("\n") ? s : `${s}\n`);
  return `<<<<<<< ours\n${end(ours)}=======\n${end(theirs)}>>>>>>> theirs\n`;
}
