/**
 * A harvest is made whole first (one commit, built off to the side), then lands in steps: the branch moves
 * to it, the index takes its files, the work tree takes them. A journal in the git dir, written before the
 * first step and removed after the last, lets the next memory command (under the clone's lock) roll a
 * stopped harvest forward, whatever step it stopped at:
 * - HEAD still at the commit it was made on: move it on, then the index and files;
 * - HEAD at the harvest: the index and files;
 * - HEAD anywhere else (someone reset or committed since): the journal is dropped, nothing is touched.
 * Files are only ever written where they still hold the text from before the harvest (or do not exist):
 * an edit a person made meanwhile is left as they made it.
 */
import { readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { headCommit, readBlobs } from "../git/repo.js";
import { moveHead, stageBlobs } from "../git/snapshot.js";
import { stageFiles } from "../git/worktree.js";
import { readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import type { Workspace } from "../bank/workspace.js";

export interface Journal {
  from: string;
  to: string;
  message: string;
  /** Path → blob of every file the commit wrote. */
  files: Array<[string, string]>;
}

const journalFile = (gitDir: string) => join(gitDir, "memory", "harvest-journal.json");

/** Lands a harvest commit made on HEAD (`journal.from`): branch, index, files, in that order. */
export async function land(ws: Workspace, journal: Journal, contents: ReadonlyMap<string, string>): Promise<void> {
  await writeTextAtomic(journalFile(ws.gitDir), `${JSON.stringify(journal)}\n`);
  await moveHead(ws.root, journal.from, journal.to, journal.message);
  await finish(ws, journal, contents, null);
}

/** The index, then the files, then the journal is dropped. `before`: the texts from before the harvest, when recovering. */
async function finish(ws: Workspace, journal: Journal, contents: ReadonlyMap<string, string | null>, before: ReadonlyMap<string, string | null> | null): Promise<void> {
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
  await unlink(journalFile(ws.gitDir)).catch(() => {});
}

/** A journal left by a harvest that was stopped: rolled forward if HEAD is where it was left, else dropped. */
export async function recoverHarvest(ws: Workspace): Promise<void> {
  let journal: Journal;
  try {
    journal = JSON.parse(await readFile(journalFile(ws.gitDir), "utf8")) as Journal;
  } catch {
    return;
  }
  const head = await headCommit(ws.root);
  if (head !== journal.from && head !== journal.to) {
    await unlink(journalFile(ws.gitDir)).catch(() => {});
    return;
  }
  if (head === journal.from) await moveHead(ws.root, journal.from, journal.to, journal.message);
  const specs = journal.files.flatMap(([path, sha]) => [sha, `${journal.from}:${path}`]);
  const blobs = await readBlobs(ws.root, specs);
  const contents = new Map(journal.files.map(([path, sha]) => [path, blobs.get(sha) ?? null]));
  const before = new Map(journal.files.map(([path]) => [path, blobs.get(`${journal.from}:${path}`) ?? null]));
  await finish(ws, journal, contents, before);
}
