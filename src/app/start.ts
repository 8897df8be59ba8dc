/** `memory start`: pull what the other clones learned, log the start, and say what is new since this clone last looked. */
import { isoSeconds, now } from "../core/clock.js";
import { logLine } from "../core/merge.js";
import { bufferConfig, bufferLabel, bufferNames } from "../core/config.js";
import { diffItems, type Item } from "../core/query.js";
import type { BufferStatus } from "../core/thresholds.js";
import { headCommit } from "../git/repo.js";
import { ObjectSession } from "../git/run.js";
import { commitExists } from "../git/history.js";
import { replacedContext, type ContextChange } from "../bank/context-history.js";
import { loadBufferStatus } from "../bank/files.js";
import { defaultDocsRef, readDigest, readItems, readItemsWithDefaultDocs } from "../bank/query.js";
import { readSeen, writeSeen } from "../bank/seen.js";
import { addPendingLog } from "../bank/pending-log.js";
import { harvestTargets, type Workspace } from "../bank/workspace.js";
import { checkBank, lineTip, locked, lookAfterSync, openSession, type Session, type SessionOptions } from "./session.js";
import { commitBank } from "./bank-commit.js";
import { fetchEarly, syncWithRemote, type EarlyFetch, type SyncReport } from "./sync.js";
import { finishPendingDocs, settleBank } from "./harvest-branch.js";
import { handoffsOf, type Handoff } from "./handoff.js";
import { taskOf, type Task } from "../core/tasks.js";
import { revParse } from "../git/repo.js";

export interface StartOptions extends SessionOptions {
  /** Try the remote even while the breaker says it was unreachable a moment ago. */
  retryNow?: boolean;
  progress?: (message: string) => void;
}

export interface NewEntry {
  buffer: string;
  id: string;
  title: string;
  author: string;
  createdAt: string;
}

export interface StartResult {
  sync: SyncReport;
  /** The commit holding the start line and any uncommitted bank changes. */
  commit: string | null;
  /** Entries others added since this clone last looked, oldest first. */
  newEntries: NewEntry[];
  /** Set when activeContext was replaced by another persona's copy. */
  contextReplaced: ContextChange | null;
  /** Entries that left the buffers for the docs since this clone last looked, and the doc each went to. */
  harvested: Array<{ id: string; title: string; author: string; doc: string }>;
  /** Others' entries changed or removed (not harvested) since this clone last looked. */
  edited: Array<{ id: string; title: string; author: string; buffer: string }>;
  removed: Array<{ id: string; title: string; author: string; buffer: string }>;
  /** Others' entries moved from the buffers to the bank's archive (cleanup) since this clone last looked. */
  archived: Array<{ id: string; title: string; author: string; buffer: string }>;
  /** Harvested docs (ADRs, post-mortems) that appeared since this clone last looked. */
  newDocs: string[];
  /** Buffers near or at their harvest threshold. */
  near: BufferStatus[];
  /** Work handed to this persona and not accepted yet, newest first. */
  handoffs: Handoff[];
  /** Tasks newly assigned to this persona, and its claims another clone won while apart. */
  tasks: { assigned: Task[]; lost: Task[] };
}

export async function start(options: StartOptions = {}): Promise<StartResult> {
  const session = await openSession(options);
  const { ws } = session;
  return locked(ws, options, async () => {
    // The bank on its own branch: the default code branch comes in the same fetch, for the docs harvested there.
    const docsRef = await defaultDocsRef(ws);
    const alsoFetch = docsRef ? [`+refs/heads/${docsRef.branch}:${docsRef.ref}`] : undefined;
    // What the default branch held before this fetch: the docs a clone that never looked compares with.
    const docsBefore = ws.line.bank ? (docsRef ? await revParse(ws, docsRef.ref) : "") || (await headCommit(ws)) : "";
    // The fetch runs while the bank is checked (and committed, when it holds changes): the sync below takes it.
    const early = await fetchEarly(ws, ws.line, { alsoFetch, retryNow: options.retryNow, command: "start" });
    // What the merge and the digest read from the object store goes through one process, started when needed.
    const objects = new ObjectSession(ws.root);
    try {
      return await startLocked(session, options, { docsRef, alsoFetch, docsBefore, early, objects });
    } finally {
      early?.cancel();
      objects.close();
    }
  });
}

async function startLocked(
  session: Session,
  options: StartOptions,
  fetch: { docsRef: Awaited<ReturnType<typeof defaultDocsRef>>; alsoFetch: string[] | undefined; docsBefore: string; early: EarlyFetch | null; objects: ObjectSession },
): Promise<StartResult> {
  const { ws, persona, files } = session;
  const { docsRef, alsoFetch, docsBefore, early, objects } = fetch;
  const status = await checkBank(session);
  // Uncommitted bank changes go into a commit first, with the start line: dirty bank files would block
  // the merge of incoming ones, and the tree is left clean. With nothing of its own to publish, start
  // makes no commit at all: its line waits in the git dir for the next commit of the bank.
  const at = isoSeconds(now(ws.env));
  const line = logLine(at, persona, "start", session.branch);
  const { commit } = await commitBank(session, status, {
    at,
    message: `memory: start (${persona})`,
    logLine: (changes) => (changes.paths.length > 0 ? line : undefined),
  });
  if (!commit) await addPendingLog(ws.gitDir, line);
  const before = commit ?? (await lineTip(ws));
  const seen = await readSeen(ws.gitDir);
  // (Where this clone last looked is most often where the bank is now: that commit needs no look-up.)
  const seenValid = seen !== null && (seen.commit === before || (await commitExists(ws.root, seen.commit)));

  const sync = await syncWithRemote(ws, ws.line, { persona, push: true, progress: options.progress, command: "start", onlyIfAhead: !commit, alsoFetch, retryNow: options.retryNow, early, objects });

  // A harvest of ours whose docs never reached the remote is finished first (the bank on its own branch).
  await finishPendingDocs(session, options.progress);
  // Entries whose harvested docs reached the default branch leave the buffers (the bank on its own branch).
  await settleBank(session, true, true, docsRef);
  const docsTip = docsRef ? await revParse(ws, docsRef.ref) : "";
  // The merge wrote the bank's files: whether they are what it merged is asked now, while the digest is read,
  // and kept, so the next command's checks need not hand the bank to git.
  const looked = sync.merged !== "none" ? lookAfterSync(session, status).catch(() => null) : null;

  const since = seenValid ? seen.commit : before;
  const head = await lineTip(ws);
  // On the bank's own branch the docs are on the code branch: they are compared with the code commit
  // this clone last looked at.
  // (The default branch's as fetched, else this branch's.)
  const code = ws.line.bank ? docsTip || (await headCommit(ws)) : head;
  const docsSince = ws.line.bank ? (seenValid && seen.docs ? seen.docs : docsBefore || code) : undefined;
  // Nothing moved since this clone last looked (the commonest start): nothing to read back.
  const unchanged = since !== "" && since === head && (docsSince === undefined || docsSince === code);
  // Whether a section of the context this persona wrote was replaced: its log runs while the digest is read.
  const context = files.find((f) => f.key === "context")!;
  const replaced = since && !unchanged ? replacedContext(ws.root, context.rel, context.abs, since, persona, ws.line.ref, objects) : null;
  replaced?.catch(() => undefined); // (told below, once awaited)
  // (Read in proportion to what changed: the entries the two versions of a buffer share are left unread.)
  const { then, now: now_ } = unchanged
    ? { then: [], now: [] }
    : since
      ? await readDigest(ws, since, docsSince, head, docsTip, objects)
      : { then: [], now: await readItemsWithDefaultDocs(ws, docsTip) };
  const changes = diffItems(then, now_);
  const newEntries = changes.added.filter((e) => e.author !== persona).map((e) => toNewEntry(ws, e));
  const label = (e: Item) => bufferLabel(bufferConfig(ws.config, e.buffer!));
  const others = (e: Item) => e.author !== persona;
  // Harvested: entries that were in a buffer when this clone last looked, and entries added and harvested since.
  const known = new Set(then.map((i) => i.id));
  const arrived = now_.filter((i) => i.source === "docs" && !known.has(i.id) && i.id !== i.file && others(i));
  const harvested = [
    ...changes.harvested.map(({ entry, doc }) => ({ id: entry.id, title: entry.title, author: entry.author, doc: doc.file })),
    ...arrived.map((d) => ({ id: d.id, title: d.title, author: d.author, doc: d.file })),
  ];
  const edited = changes.edited.filter(others).map((e) => ({ id: e.id, title: e.title, author: e.author, buffer: label(e) }));
  const removed = changes.removed.filter(others).map((e) => ({ id: e.id, title: e.title, author: e.author, buffer: label(e) }));
  const archived = changes.archived.filter(others).map((e) => ({ id: e.id, title: e.title, author: e.author, buffer: label(e) }));
  const seenDocs = new Set(then.filter((i) => i.source === "docs").map((i) => i.file));
  const newDocs = [...new Set(now_.filter((i) => i.source === "docs" && !seenDocs.has(i.file) && isFolderDoc(ws, i.file)).map((i) => i.file))];
  const contextReplaced = replaced ? await replaced : null;

  // What this start compared against is kept too: a briefing after it shows what it brought in.
  const previous = { commit: since, at: seenValid ? seen.at : "" };
  if (head) await writeSeen(ws.gitDir, { commit: head, at: isoSeconds(now(ws.env)), ...(ws.line.bank && code ? { docs: code } : {}), previous });

  const near: BufferStatus[] = [];
  for (const name of bufferNames(ws.config)) {
    const status = await loadBufferStatus(ws, name);
    if (status.near) near.push(status);
  }
  // (Unchanged: only the handoffs and tasks are read, for what waits for this persona.)
  const current = now_.length ? now_ : await readItems(ws, "worktree", { docs: false, buffers: ["handoffs", "tasks"] });
  const handoffs = handoffsOf(current, { open: true, to: persona });
  // Tasks: newly given to this persona, and claims of its that lost a race while apart.
  const before_ = new Map(then.filter((i) => i.type === "task").map((i) => [i.id, taskOf(i)]));
  const taskNow = current.filter((i) => i.type === "task" && i.source === "bank").map(taskOf);
  const tasks = unchanged ? { assigned: [], lost: [] } : {
    assigned: taskNow.filter((t) => t.status !== "done" && t.assignee === persona && before_.get(t.id)?.assignee !== persona && t.author !== persona),
    lost: taskNow.filter((t) => t.lostClaims.some((c) => c.persona === persona) && !before_.get(t.id)?.lostClaims.some((c) => c.persona === persona)),
  };
  await (await looked)?.();
  return { sync, commit, newEntries, contextReplaced, harvested, edited, removed, archived, newDocs, near, handoffs, tasks };
}

/** A doc of its own (an ADR, a post-mortem), not a section of a reference file such as Patterns.md. */
const isFolderDoc = (ws: Workspace, file: string): boolean => !harvestTargets(ws, "reference").includes(file);

/** An added entry as the digest shows it: in which buffer, by whom, when. */
function toNewEntry(ws: Workspace, e: Item): NewEntry {
  return { buffer: bufferLabel(bufferConfig(ws.config, e.buffer!)), id: e.id, title: e.title, author: e.author, createdAt: e.at };
}

