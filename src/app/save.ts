/** `memory save`: commit the bank (only the bank), merge the remote through the drivers, push. */
import { isoSeconds, now } from "../core/clock.js";
import { logLine } from "../core/merge.js";
import { replacedContext, type ContextChange } from "../bank/context-history.js";
import { commitBank, describeAdded } from "./bank-commit.js";
import { checkBank, lineTip, locked, openSession, type SessionOptions } from "./session.js";
import { syncWithRemote, type SyncReport } from "./sync.js";
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
  const { ws, persona } = session;
  return locked(ws, options, async () => {
    const status = await checkBank(session);
    const { commit, added, contextStamped } = await commitBank(session, status, {
      at: isoSeconds(now(ws.env)),
      message: options.message ?? `memory: save (${persona})`,
      allowSecret: options.allowSecret,
      logLine: (changes, stamped) =>
        changes.paths.length > 0 ? logLine(isoSeconds(now(ws.env)), persona, "save", options.message ?? describeAdded(changes.added, stamped)) : undefined,
    });
    const before = commit ?? (await lineTip(ws));
    const sync = options.push === false ? null : await syncWithRemote(ws, ws.line, { persona, push: true, progress: options.progress, command: "save", retryNow: options.retryNow, onlyIfAhead: !commit, ...(commit ? { made: { commit, on: status.tip } } : {}) });
    if (sync) await finishPendingDocs(session, options.progress);
    const context = session.files.find((f) => f.key === "context")!;
    const contextReplaced =
      sync && sync.merged === "merge" && before ? await replacedContext(ws.root, context.rel, context.abs, before, persona, ws.line.ref) : null;
    return { commit, added, contextStamped, sync, contextReplaced };
  });
}

