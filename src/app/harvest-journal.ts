/**
 * A harvest (or a migration) is made whole first (one commit, built off to the side), then lands in steps:
 * the branch moves to it, the index takes its files, the work tree takes them. A journal in the git dir,
 * written before the first step and removed after the last, lets the next memory command (under the clone's
 * lock) roll a stopped one forward, whatever step it stopped at:
 * - HEAD still at the commit it was made on: move it on, then the index and files;
 * - HEAD at the new commit: the index and files;
 * - HEAD anywhere else (someone reset or committed since): the journal is dropped, nothing is touched.
 * Files are only ever written where they still hold the text from before (or do not exist), and a file the
 * commit removes is only deleted while it still holds the text it had: an edit a person made meanwhile is
 * left as they made it.
 */
import { readFile, rm, unlink } from "../infra/quick-fs.js";
import { join } from "node:path";
import { headCommit, readBlobs } from "../git/repo.js";
import { readFilesAt } from "../git/blobs.js";
import { moveHead, stageBlobs, unstagePaths } from "../git/snapshot.js";
import { stageFiles } from "../git/worktree.js";
import { readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import type { Workspace } from "../bank/workspace.js";

export interface Journal {
  from: string;
  to: string;
  message: string;
  /** Path → blob of every file the commit wrote. */
  files: Array<[string, string]>;
  /** Path → blob of the text each file the commit removed had (a migration's moved files). */
  removed?: Array<[string, string]>;
}

const journalFile = (gitDir: string) => join(gitDir, "memory", "harvest-journal.json");

/**
 * Lands a commit made on HEAD (`journal.from`): branch, index, files, in that order. `removedTexts`: the text
 * each removed file had when the commit was made.
 */
export async function land(ws: Workspace, journal: Journal, contents: ReadonlyMap<string, string>, removedTexts: ReadonlyMap<string, string> = new Map()): Promise<void> {
  await writeTextAtomic(journalFile(ws.gitDir), `${JSON.stringify(journal)}\n`);
  await moveHead(ws.root, journal.from, journal.to, journal.message);
  await finish(ws, journal, contents, null, removedTexts);
}

/**
 * The index, then the files, then the journal is dropped. `before`: the texts from before the commit, when
 * recovering; `removedTexts`: what each removed file held then.
 */
async function finish(
  ws: Workspace,
  journal: Journal,
  contents: ReadonlyMap<string, string | null>,
  before: ReadonlyMap<string, string | null> | null,
  removedTexts: ReadonlyMap<string, string | null>,
): Promise<void> {
  // The index first: a commit someone makes before the files are written still holds the harvest.
  await stageBlobs(ws.root, new Map(journal.files));
  const written: string[] = [];
  for (let i = 0; i < journal.files.length; i += 32) {
    await Promise.all(
      journal.files.slice(i, i + 32).map(async ([path]) => {
        const wanted = contents.get(path) ?? null;
        if (wanted === null) return;
        const now = await readTextIfExists(join(ws.root, path));
        if (now === wanted) return void written.push(path);
        if (before && now !== null && now !== (before.get(path) ?? null)) return; // edited meanwhile: theirs to keep
        await writeTextAtomic(join(ws.root, path), wanted);
        written.push(path);
      }),
    );
  }
  // Stat data for the files now matching the commit, so git sees them clean.
  await stageFiles(ws.root, written);
  const removed = journal.removed ?? [];
  await unstagePaths(ws.root, removed.map(([path]) => path));
  for (const [path] of removed) {
    const had = removedTexts.get(path) ?? null;
    const now = await readTextIfExists(join(ws.root, path));
    if (now !== null && had !== null && now === had) await rm(join(ws.root, path), { force: true });
  }
  await unlink(journalFile(ws.gitDir)).catch(() => {});
}

/** A journal left by a harvest or migration that was stopped: rolled forward if HEAD is where it was left, else dropped. */
export async function recoverHarvest(ws: Workspace): Promise<void> {
  let journal: Journal;
  try {
    journal = JSON.parse(await readFile(journalFile(ws.gitDir), "utf8")) as Journal;
  } catch {
    return;
  }
  const head = await headCommit(ws);
  if (head !== journal.from && head !== journal.to) {
    await unlink(journalFile(ws.gitDir)).catch(() => {});
    return;
  }
  if (head === journal.from) await moveHead(ws.root, journal.from, journal.to, journal.message);
  const blobs = await readBlobs(ws.root, [...new Set(journal.files.map(([, sha]) => sha))]);
  const contents = new Map(journal.files.map(([path, sha]) => [path, blobs.get(sha) ?? null]));
  const before = await readFilesAt(ws.root, journal.from, journal.files.map(([path]) => path));
  const removed = journal.removed ?? [];
  const had = await readBlobs(ws.root, removed.map(([, sha]) => sha));
  await finish(ws, journal, contents, before, new Map(removed.map(([path, sha]) => [path, had.get(sha) ?? null])));
}
