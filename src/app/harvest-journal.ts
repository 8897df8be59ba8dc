/**
 * A harvest lands in two steps: the branch moves to the harvest commit, then the work tree and index follow.
 * Between them a journal in the git dir says which files to bring up to date, so a process killed there is
 * finished by the next memory command (under the clone's lock), and never leaves drained buffers in the
 * work tree next to docs that are not there.
 */
import { readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { headCommit, readBlobs } from "../git/repo.js";
import { stageFiles } from "../git/worktree.js";
import { readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import type { Workspace } from "../bank/workspace.js";

export interface Journal {
  from: string;
  to: string;
  /** Path → blob of every file the commit wrote. */
  files: Array<[string, string]>;
}

const journalFile = (gitDir: string) => join(gitDir, "memory", "harvest-journal.json");

export async function writeJournal(gitDir: string, journal: Journal): Promise<void> {
  await writeTextAtomic(journalFile(gitDir), `${JSON.stringify(journal)}\n`);
}

/** Brings the work tree and index to the journal's commit (contents known), then drops the journal. */
export async function completeJournal(ws: Workspace, journal: Journal, contents?: ReadonlyMap<string, string>): Promise<void> {
  const known = contents ?? (await readBlobs(ws.root, journal.files.map(([, sha]) => sha)));
  const text = (path: string, sha: string) => (contents ? contents.get(path) : known.get(sha)) ?? null;
  for (let i = 0; i < journal.files.length; i += 32) {
    await Promise.all(
      journal.files.slice(i, i + 32).map(async ([path, sha]) => {
        const wanted = text(path, sha);
        if (wanted === null) return;
        if ((await readTextIfExists(join(ws.root, path))) !== wanted) await writeTextAtomic(join(ws.root, path), wanted);
      }),
    );
  }
  await stageFiles(ws.root, journal.files.map(([path]) => path));
  await unlink(journalFile(ws.gitDir)).catch(() => {});
}

/** A journal left by a harvest that was stopped: finish it if its commit landed, else forget it. */
export async function recoverHarvest(ws: Workspace): Promise<void> {
  let journal: Journal;
  try {
    journal = JSON.parse(await readFile(journalFile(ws.gitDir), "utf8")) as Journal;
  } catch {
    return;
  }
  if ((await headCommit(ws.root)) === journal.to) await completeJournal(ws, journal);
  else await unlink(journalFile(ws.gitDir)).catch(() => {});
}
