import { readEntries } from "../core/entries.js";
import { isoSeconds, now } from "../core/clock.js";
import { readStamp, withoutStamp } from "../core/context.js";
import { newEntriesByOthers, type NewEntry } from "../core/digest.js";
import { logLine } from "../core/merge.js";
import { bufferLabel, BUFFER_NAMES } from "../core/config.js";
import { thresholdWarning } from "../core/thresholds.js";
import { readBlobs } from "../git/repo.js";
import { git } from "../git/run.js";
import { commitOnly } from "../git/sync.js";
import { loadBufferStatus } from "../bank.js";
import { readTextIfExists } from "../fs.js";
import { withLock } from "../lock.js";
import { appendLog, checkBank, commitPaths, openSession, readSeen, writeSeen, type SessionOptions } from "../session.js";
import { syncWithRemote, type SyncReport } from "../sync.js";
import { json, type Output } from "../ui.js";
import { renderSync } from "./render-sync.js";

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
  return withLock(ws.commonDir, async () => {
    await checkBank(session);
    // The start line and any uncommitted bank changes go into a commit first: dirty bank files would
    // block the merge of incoming ones, and the tree is left clean.
    await appendLog(session, logLine(isoSeconds(now(ws.env)), persona, "start", session.branch));
    const commit = await commitOnly(ws.root, commitPaths(ws), `memory: start (${persona})`);
    const before = (await git(["rev-parse", "--verify", "--quiet", "HEAD"], { cwd: ws.root, okCodes: [1] })).stdout.trim();
    const seen = await readSeen(ws.gitDir);
    const seenValid = seen !== null && (await git(["cat-file", "-e", `${seen.commit}^{commit}`], { cwd: ws.root, okCodes: [1, 128] })).code === 0;

    const sync = await syncWithRemote(ws, session.branch, { persona, push: true, progress: options.progress });

    const buffers = files.filter((f) => f.merge === "union" && BUFFER_NAMES.some((b) => b === f.key));
    const context = files.find((f) => f.key === "context")!;
    const since = seenValid ? seen.commit : before;
    const specs = since ? [...buffers.map((f) => `${since}:${f.rel}`), `${before}:${context.rel}`, `${since}:${context.rel}`] : [];
    const old = await readBlobs(ws.root, specs);

    const newEntries: NewEntry[] = [];
    for (const f of buffers) {
      const label = bufferLabel(ws.config.buffers[f.key as (typeof BUFFER_NAMES)[number]]);
      const then = readEntries(old.get(`${since}:${f.rel}`) ?? null);
      const nowEntries = readEntries(await readTextIfExists(f.abs));
      newEntries.push(...newEntriesByOthers(label, then, nowEntries, persona));
    }
    newEntries.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));

    const contextNow = (await readTextIfExists(context.abs)) ?? "";
    let contextReplaced: ContextChange | null = null;
    for (const ref of [before, since]) {
      const then = ref ? old.get(`${ref}:${context.rel}`) : null;
      if (then == null || withoutStamp(then) === withoutStamp(contextNow)) continue;
      const stamp = readStamp(contextNow);
      if (stamp.by !== persona) {
        contextReplaced = { by: stamp.by ?? null, updated: stamp.updated ?? null, previous: `git show ${ref.slice(0, 12)}:${context.rel}` };
      }
      break;
    }

    const head = (await git(["rev-parse", "HEAD"], { cwd: ws.root, okCodes: [128] })).stdout.trim();
    if (head) await writeSeen(ws.gitDir, { commit: head, at: isoSeconds(now(ws.env)) });

    const warnings: string[] = [];
    for (const name of BUFFER_NAMES) {
      const w = thresholdWarning(await loadBufferStatus(ws, name));
      if (w) warnings.push(w);
    }
    return { sync, commit, newEntries, contextReplaced, warnings };
  });
}

export function renderStart(result: StartResult, out: Output, asJson: boolean): void {
  if (asJson) return out.data(json(result));
  renderSync(result.sync, out);
  const lines: string[] = [];
  if (result.newEntries.length === 0 && !result.contextReplaced) lines.push("Nothing new from others since you last looked.");
  if (result.newEntries.length > 0) {
    lines.push(`New from others since you last looked (${result.newEntries.length}):`);
    for (const e of result.newEntries) lines.push(`  ${e.buffer}: "${e.title}" by ${e.author}, ${e.createdAt} (${e.id})`);
  }
  const c = result.contextReplaced;
  if (c) {
    lines.push(`activeContext was replaced by ${c.by ?? "another clone"}${c.updated ? ` (updated ${c.updated})` : ""}; the text you had: ${c.previous}`);
  }
  lines.push(...result.warnings);
  out.data(lines.join("\n"));
}
