import { isoSeconds, now } from "../core/clock.js";
import { logLine } from "../core/merge.js";
import { commitBank, summarize } from "../bank-commit.js";
import { withLock } from "../lock.js";
import { checkBank, openSession, type SessionOptions } from "../session.js";
import { syncWithRemote, type SyncReport } from "../sync.js";
import { json, type Output } from "../ui.js";
import { renderSync } from "./render-sync.js";

export interface SaveOptions extends SessionOptions {
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
}

export async function save(options: SaveOptions = {}): Promise<SaveResult> {
  const session = await openSession(options);
  const { ws, persona } = session;
  return withLock(ws.commonDir, async () => {
    const status = await checkBank(session);
    const { commit, added, contextStamped } = await commitBank(session, status, {
      at: isoSeconds(now(ws.env)),
      message: options.message ?? `memory: save (${persona})`,
      allowSecret: options.allowSecret,
      logLine: (changes, stamped) =>
        changes.paths.length > 0 ? logLine(isoSeconds(now(ws.env)), persona, "save", options.message ?? summarize(changes.added, stamped)) : undefined,
    });
    const sync = options.push === false ? null : await syncWithRemote(ws, session.branch, { persona, push: true, progress: options.progress });
    return { commit, added, contextStamped, sync };
  });
}

export function renderSave(result: SaveResult, out: Output, asJson: boolean): void {
  if (asJson) return out.data(json(result));
  if (result.commit) out.success(`saved ${summarize(result.added, result.contextStamped)} (${result.commit.slice(0, 7)})`);
  else out.info("nothing new to save");
  if (result.sync) renderSync(result.sync, out);
  else if (result.commit) out.info("not pushed (--no-push); the next start or save pushes it");
}
