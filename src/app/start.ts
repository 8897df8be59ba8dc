/** `memory start`: pull what the other clones learned, log the start, and say what is new since this clone last looked. */
import { readEntries } from "../core/entries.js";
import { isoSeconds, now } from "../core/clock.js";
import { readStamp, withoutStamp } from "../core/context.js";
import { newEntriesByOthers, type NewEntry } from "../core/digest.js";
import { logLine } from "../core/merge.js";
import { bufferLabel, BUFFER_NAMES } from "../core/config.js";
import { thresholdWarning } from "../core/thresholds.js";
import { headCommit, readBlobs } from "../git/repo.js";
import { commitExists, commitsTouching } from "../git/history.js";
import { loadBufferStatus } from "../bank/files.js";
import { readSeen, writeSeen } from "../bank/seen.js";
import { readTextIfExists } from "../infra/fs.js";
import { checkBank, locked, openSession, type SessionOptions } from "./session.js";
import { commitBank } from "./bank-commit.js";
import { syncWithRemote, type SyncReport } from "./sync.js";

export interface StartOptions extends SessionOptions {
  progress?: (message: string) => void;
}

export interface ContextChange {
  by: string | null;
  updated: string | null;
  /** A command that prints the text this clone had before. */
  previous: string;
}

export interface StartResult {
  sync: SyncReport;
  /** The commit holding the start line and any uncommitted bank changes. */
  commit: string | null;
  /** Entries others added since this clone last looked, oldest first. */
  newEntries: NewEntry[];
  /** Set when activeContext was replaced by another persona's copy. */
  contextReplaced: ContextChange | null;
  warnings: string[];
}

export async function start(options: StartOptions = {}): Promise<StartResult> {
  const session = await openSession(options);
  const { ws, persona, files } = session;
  return locked(session, options, async () => {
    const status = await checkBank(session);
    // The start line and any uncommitted bank changes go into a commit first: dirty bank files would
    // block the merge of incoming ones, and the tree is left clean.
    const at = isoSeconds(now(ws.env));
    const { commit } = await commitBank(session, status, { at, message: `memory: start (${persona})`, logLine: () => logLine(at, persona, "start", session.branch) });
    const before = commit ?? (await headCommit(ws.root));
    const seen = await readSeen(ws.gitDir);
    const seenValid = seen !== null && (await commitExists(ws.root, seen.commit));

    const sync = await syncWithRemote(ws, session.branch, { persona, push: true, progress: options.progress, command: "start" });

    const buffers = files.filter((f) => f.merge === "union" && BUFFER_NAMES.some((b) => b === f.key));
    const context = files.find((f) => f.key === "context")!;
    const since = seenValid ? seen.commit : before;
    const old = await readBlobs(ws.root, since ? [...buffers, context].map((f) => `${since}:${f.rel}`) : []);

    const newEntries: NewEntry[] = [];
    for (const f of buffers) {
      const label = bufferLabel(ws.config.buffers[f.key as (typeof BUFFER_NAMES)[number]]);
      const then = readEntries(old.get(`${since}:${f.rel}`) ?? null);
      const nowEntries = readEntries(await readTextIfExists(f.abs));
      newEntries.push(...newEntriesByOthers(label, then, nowEntries, persona));
    }
    newEntries.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));

    const contextNow = (await readTextIfExists(context.abs)) ?? "";
    const seenContext = since ? old.get(`${since}:${context.rel}`) ?? null : null;
    const contextReplaced =
      since && (seenContext === null || withoutStamp(seenContext) !== withoutStamp(contextNow))
        ? await findReplacedContext(ws.root, context.rel, contextNow, since, persona)
        : null;

    const head = await headCommit(ws.root);
    if (head) await writeSeen(ws.gitDir, { commit: head, at: isoSeconds(now(ws.env)) });

    const warnings: string[] = [];
    for (const name of BUFFER_NAMES) {
      const w = thresholdWarning(await loadBufferStatus(ws, name));
      if (w) warnings.push(w);
    }
    return { sync, commit, newEntries, contextReplaced, warnings };
  });
}

/**
 * activeContext is another persona's now and differs from what it was when this clone last looked: say
 * whose it is, and where this persona's own last copy is (a commit of ours that a merge replaced, found
 * among the commits since then), else the copy seen last.
 */
async function findReplacedContext(root: string, rel: string, current: string, since: string, persona: string): Promise<ContextChange | null> {
  const stamp = readStamp(current);
  if (stamp.by === persona) return null;
  const commits = [...(await commitsTouching(root, `${since}..HEAD`, rel)), since];
  const copies = await readBlobs(root, commits.map((c) => `${c}:${rel}`));
  const copy = (c: string) => copies.get(`${c}:${rel}`) ?? null;
  const seenCopy = copy(since);
  if (seenCopy !== null && withoutStamp(seenCopy) === withoutStamp(current)) return null;
  const differs = (c: string) => {
    const text = copy(c);
    return text !== null && withoutStamp(text) !== withoutStamp(current);
  };
  const mine = commits.find((c) => differs(c) && readStamp(copy(c)!).by === persona) ?? (differs(since) ? since : undefined);
  if (!mine) return null;
  return { by: stamp.by ?? null, updated: stamp.updated ?? null, previous: `git show ${mine.slice(0, 12)}:${rel}` };
}

