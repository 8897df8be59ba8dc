import { parseBuffer, readEntries } from "../core/entries.js";
import { isoSeconds, now } from "../core/clock.js";
import { stampContext, withoutStamp } from "../core/context.js";
import { logLine } from "../core/merge.js";
import { findSecrets } from "../core/secrets.js";
import { bufferLabel, BUFFER_NAMES } from "../core/config.js";
import { MemoryError } from "../errors.js";
import { readBlobs } from "../git/repo.js";
import { changedPaths, commitOnly } from "../git/sync.js";
import { readTextIfExists, writeTextAtomic } from "../fs.js";
import { withLock } from "../lock.js";
import { appendLog, checkBank, bankPaths, trackBank, openSession, type Session, type SessionOptions } from "../session.js";
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
    await checkBank(session);
    const at = isoSeconds(now(ws.env));
    await trackBank(session);
    const changes = await describeChanges(session);
    if (changes.secrets.length > 0 && !options.allowSecret) {
      throw new MemoryError(`${changes.secrets[0]} looks like a secret; remove it, or pass --allow-secret if it is not one (nothing was committed)`);
    }
    let contextStamped = false;
    if (changes.contextChanged) {
      const ctx = session.files.find((f) => f.key === "context")!;
      await writeTextAtomic(ctx.abs, stampContext((await readTextIfExists(ctx.abs)) ?? "", at, persona));
      contextStamped = true;
    }
    if (changes.any) {
      const detail = options.message ?? summarize(changes.added, contextStamped);
      await appendLog(session, logLine(at, persona, "save", detail));
    }
    const ctx = session.files.find((f) => f.key === "context")!.rel;
    const log = session.files.find((f) => f.key === "log")!.rel;
    const known = new Set([...changes.paths, ...(contextStamped ? [ctx] : []), ...(changes.any ? [log] : [])]);
    const commit = await commitOnly(ws.root, bankPaths(session), options.message ?? `memory: save (${persona})`, [...known]);
    const sync = options.push === false ? null : await syncWithRemote(ws, session.branch, { persona, push: true, progress: options.progress });
    return { commit, added: changes.added, contextStamped, sync };
  });
}

interface Changes {
  /** Changed paths under the bank and `.gitattributes`. */
  paths: string[];
  any: boolean;
  added: Record<string, number>;
  contextChanged: boolean;
  /** `file:line (entry id "title"): a GitHub token`, one per hit. */
  secrets: string[];
}

/** Compares the bank in the work tree with HEAD's: new entries, a changed context, secrets in new text. */
async function describeChanges(session: Session): Promise<Changes> {
  const { ws, files } = session;
  const changed = new Set(await changedPaths(ws.root, bankPaths(session)));
  const changes: Changes = { paths: [...changed], any: changed.size > 0, added: {}, contextChanged: false, secrets: [] };
  const touched = files.filter((f) => changed.has(f.rel));
  if (touched.length === 0) return changes;
  const heads = await readBlobs(ws.root, touched.map((f) => `HEAD:${f.rel}`));
  for (const f of touched) {
    const work = (await readTextIfExists(f.abs)) ?? "";
    const head = heads.get(`HEAD:${f.rel}`) ?? "";
    if (f.key === "context") {
      changes.contextChanged = withoutStamp(work) !== withoutStamp(head);
    }
    if (f.merge === "union") {
      const before = readEntries(head);
      const known = new Set(before.map((e) => e.lines.join("\n")));
      const ids = new Set(before.map((e) => e.id));
      const entries = parseBuffer(work, { file: f.rel }).entries;
      const fresh = entries.filter((e) => !ids.has(e.id)).length;
      const name = BUFFER_NAMES.find((b) => b === f.key);
      if (fresh > 0 && name) changes.added[bufferLabel(ws.config.buffers[name])] = fresh;
      for (const e of entries) {
        if (known.has(e.lines.join("\n"))) continue;
        for (const hit of findSecrets(e.lines.join("\n"))) {
          changes.secrets.push(`${f.rel}:${e.line + hit.line - 1} (entry ${e.id} "${e.title}"): ${hit.kind}`);
        }
      }
    } else {
      const old = new Set(head.split(/\r?\n/));
      work.split(/\r?\n/).forEach((line, i) => {
        if (old.has(line)) return;
        for (const hit of findSecrets(line)) changes.secrets.push(`${f.rel}:${i + 1}: ${hit.kind}`);
      });
    }
  }
  return changes;
}

function summarize(added: Record<string, number>, contextStamped: boolean): string {
  const parts = Object.entries(added).map(([label, n]) => `+${n} ${label}`);
  if (contextStamped) parts.push("activeContext updated");
  return parts.join(", ") || "bank edited";
}

export function renderSave(result: SaveResult, out: Output, asJson: boolean): void {
  if (asJson) return out.data(json(result));
  if (result.commit) out.success(`saved ${summarize(result.added, result.contextStamped)} (${result.commit.slice(0, 7)})`);
  else out.info("nothing new to save");
  if (result.sync) renderSync(result.sync, out);
  else if (result.commit) out.info("not pushed (--no-push); the next start or save pushes it");
}
