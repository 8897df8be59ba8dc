/** `memory save`: commit the bank (only the bank), merge the remote through the drivers, push. */
import { isoSeconds, now } from "../core/clock.js";
import { logLine } from "../core/merge.js";
import { replacedContext, type ContextChange } from "../bank/context-history.js";
import { commitBank, describeAdded } from "./bank-commit.js";
import { checkBank, lineTip, locked, openSession, type BankStatus, type Session, type SessionOptions } from "./session.js";
import { fetchEarly, syncWithRemote, type EarlyFetch, type SyncReport } from "./sync.js";
import { finishPendingDocs } from "./harvest-branch.js";

export interface SaveOptions extends SessionOptions {
  /** Try the remote even while the breaker says it was unreachable a moment ago. */
  retryNow?: boolean;
  message?: string;
  push?: boolean;
  allowSecret?: boolean;
  progress?: (message: string) => void;
}

export interface SaveResult {
  /** The bank commit made, or null when there was nothing new to save. */
  commit: string | null;
  /** Entries new since the last commit, per buffer label. */
  added: Record<string, number>;
  contextStamped: boolean;
  /** null with --no-push. */
  sync: SyncReport | null;
  /** Set when the merge replaced a section of activeContext this persona wrote with a newer copy from another clone. */
  contextReplaced: ContextChange | null;
}

export async function save(options: SaveOptions = {}): Promise<SaveResult> {
  const session = await openSession(options);
  const { ws } = session;
  return locked(ws, options, async () => {
    // Nothing changed in the bank (git's look, or the kept one): the sync will fetch, so the fetch begins now
    // and runs while each file is checked. (With changes, the sync pushes first and may not fetch at all.)
    let early: EarlyFetch | null = null;
    const quiet = async (found: BankStatus) => {
      if (options.push !== false && [found.changed, found.untracked, found.unmerged].every((l) => l.length === 0)) early = await fetchEarly(ws, ws.line, { retryNow: options.retryNow, command: "save" });
    };
    try {
      return await saveLocked(session, options, await checkBank(session, quiet), early);
    } finally {
      (early as EarlyFetch | null)?.cancel();
    }
  });
}

async function saveLocked(session: Session, options: SaveOptions, status: BankStatus, early: EarlyFetch | null): Promise<SaveResult> {
  const { ws, persona } = session;
  const { commit, added, contextStamped } = await commitBank(session, status, {
    at: isoSeconds(now(ws.env)),
    message: options.message ?? `memory: save (${persona})`,
    allowSecret: options.allowSecret,
    logLine: (changes, stamped) =>
      changes.paths.length > 0 ? logLine(isoSeconds(now(ws.env)), persona, "save", options.message ?? describeAdded(changes.added, stamped)) : undefined,
  });
  const before = commit ?? (await lineTip(ws));
  if (commit && early) {
    // Something was committed after all (attribute lines): the save pushes first, and the early fetch is let
    // go, and waited for, so that no two fetches move the same refs.
    early.cancel();
    await early.fetched;
  }
  // (A fetch begun early is taken only when there is still nothing to push: a commit goes push-first.)
  const sync = options.push === false ? null : await syncWithRemote(ws, ws.line, { persona, push: true, progress: options.progress, command: "save", retryNow: options.retryNow, onlyIfAhead: !commit, ...(commit ? { made: { commit, on: status.tip } } : { early }) });
  if (sync) await finishPendingDocs(session, options.progress);
  const context = session.files.find((f) => f.key === "context")!;
  const contextReplaced =
    sync && sync.merged === "merge" && before ? await replacedContext(ws.root, context.rel, context.abs, before, persona, ws.line.ref) : null;
  return { commit, added, contextStamped, sync, contextReplaced };
}

