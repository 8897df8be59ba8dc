/**
 * The bank commit that start, save and harvest all begin with: new files recorded, text that looks like a
 * secret refused, the changed sections of activeContext stamped, the attribute lines of the bank folder's
 * other files added when missing, a log line, then a commit of the bank paths only. One place, so no
 * command can publish what another would refuse.
 */
import { isMarkerLine, parseBuffer, unclosedFence } from "../core/entries.js";
import { parseBufferOnce, readEntriesOnce } from "../core/parse-once.js";
import { stampEdits, withoutStamp } from "../core/context.js";
import { findSecrets } from "../core/secrets.js";
import { bufferConfig, bufferLabel, CONFIG_FILE, defaultType } from "../core/config.js";
import { MemoryError } from "../core/errors.js";
import { readBlobs } from "../git/repo.js";
import { commitOnly, trackFiles } from "../git/worktree.js";
import { commitBankIndex } from "../git/bank-ref.js";
import { archiveFile, signsCommits } from "../bank/workspace.js";
import { readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import { join } from "node:path";
import { appendLog, bankPaths, ownFiles, type BankStatus, type Session } from "./session.js";
import { clearPendingLog, readPendingLog } from "../bank/pending-log.js";
import { ensureBankAttributes, ensureOtherFileAttributes } from "./setup.js";

export interface BankCommitOptions {
  /** ISO time for the stamp and the log line. */
  at: string;
  message: string;
  /** The session log line to add, given what changed; undefined adds none. */
  logLine?: (changes: BankChanges, contextStamped: boolean) => string | undefined;
  allowSecret?: boolean;
}

export interface BankCommit {
  /** The commit, or null when the bank had nothing to commit. */
  commit: string | null;
  /** Entries new since HEAD, per buffer label. */
  added: Record<string, number>;
  contextStamped: boolean;
}

export async function commitBank(session: Session, status: BankStatus, options: BankCommitOptions): Promise<BankCommit> {
  const { ws, persona, files } = session;
  // Our own files that git does not know yet (new, or hidden by an ignore rule) are recorded first.
  const ours = new Set(ownFiles(session));
  // The bank's files are shared even under an ignore rule (a common `.claude/` line); a config file the team
  // chose to ignore stays local.
  const fresh = status.untracked.filter((p) => ours.has(p) && !(p === CONFIG_FILE && status.ignored.includes(p)));
  if (fresh.length > 0) await trackFiles(ws.root, fresh);
  // What the bank's files are compared with: HEAD, or the bank branch's tip (nothing before its first commit).
  const base = status.tip;
  const changes = await describeChanges(session, [...status.changed, ...fresh], options.message, base);
  if (changes.secrets.length > 0 && !options.allowSecret) {
    throw new MemoryError("secret", `${changes.secrets[0]} looks like a secret`);
  }
  const ctx = files.find((f) => f.key === "context")!;
  const log = files.find((f) => f.key === "log")!;
  let contextStamped = false;
  if (changes.contextChanged) {
    const work = (await readTextIfExists(ctx.abs)) ?? "";
    const head = base ? ((await readBlobs(ws.root, [`${base}:${ctx.rel}`])).get(`${base}:${ctx.rel}`) ?? null) : null;
    const stamped = stampEdits(work, head, options.at, persona);
    if (stamped !== work) await writeTextAtomic(ctx.abs, stamped);
    contextStamped = stamped !== work;
  }
  // A file new in the bank folder gets its driver in the same commit, before anything is merged.
  // (On the bank's own branch the lines live in this clone's .git/info/attributes: all of them are kept in
  // step with the config, which may have come from another clone with a buffer of its own.)
  if (ws.line.bank) await ensureBankAttributes(ws);
  const attributes = !ws.line.bank && (await ensureOtherFileAttributes(ws)).length > 0;
  if (attributes) await trackFiles(ws.root, [".gitattributes"]);
  const line = options.logLine?.(changes, contextStamped);
  // Lines quiet starts left waiting go in first, in the order they happened.
  const waiting = line ? await readPendingLog(ws.gitDir) : [];
  const logBefore = line ? await readTextIfExists(log.abs) : null;
  for (const l of line ? [...waiting, line] : []) await appendLog(session, l);
  const known = new Set([
    ...changes.paths,
    ...(contextStamped ? [ctx.rel] : []),
    ...(line ? [log.rel] : []),
    ...(attributes ? [".gitattributes"] : []),
  ]);
  // A commit of only the attribute lines: its message was not looked at with the changes (there were none).
  if (known.size > 0 && changes.paths.length === 0 && !options.allowSecret) {
    const hit = findSecrets(options.message)[0];
    if (hit) throw new MemoryError("secret", `the commit message (line ${hit.line}): ${hit.kind} looks like a secret`);
  }
  let commit: string | null;
  try {
    if (known.size === 0) commit = null;
    // (On the bank branch the changed paths are staged already: only what was written since is recorded again,
    // so a big buffer is not hashed twice.)
    else if (ws.line.bank) {
      const written = [...(contextStamped ? [ctx.rel] : []), ...(line ? [log.rel] : []), ...(attributes ? [".gitattributes"] : [])];
      commit = await commitBankIndex(ws.line.bank, base, written, options.message, { sign: signsCommits(ws) });
    }
    else commit = await commitOnly(ws.root, bankPaths(session), options.message, [...known]);
  } catch (err) {
    // Nothing was committed: the log goes back to what it was, so the lines are not written twice next time.
    if (line) await writeTextAtomic(log.abs, logBefore ?? "");
    throw err;
  }
  if (commit && waiting.length > 0) await clearPendingLog(ws.gitDir);
  return { commit, added: changes.added, contextStamped };
}

export interface BankChanges {
  /** Changed paths under the bank and `.gitattributes` (empty: nothing to save). */
  paths: string[];
  added: Record<string, number>;
  contextChanged: boolean;
  /** `file:line (entry id "title"): a GitHub token`, one per hit. */
  secrets: string[];
}

/**
 * Compares the bank in the work tree with HEAD's: new entries, a changed context, and text that looks
 * like a secret anywhere it is new: in entries (named), in a buffer's header or other text outside entries,
 * in any other file of the bank folder, and in the commit message.
 */
async function describeChanges(session: Session, paths: string[], message: string, base: string | null): Promise<BankChanges> {
  const { ws, files } = session;
  const changes: BankChanges = { paths: [...new Set(paths)], added: {}, contextChanged: false, secrets: [] };
  // (Nothing changed: no commit, so the message goes nowhere.)
  if (changes.paths.length === 0) return changes;
  for (const hit of findSecrets(message)) changes.secrets.push(`the commit message (line ${hit.line}): ${hit.kind}`);
  const bank = `${ws.config.bank}/`;
  const scanned = changes.paths.filter((p) => p.startsWith(bank) || files.some((f) => f.rel === p) || p === CONFIG_FILE || p === ".gitattributes");
  if (scanned.length === 0) return changes;
  const heads = base ? await readBlobs(ws.root, scanned.map((p) => `${base}:${p}`)) : new Map<string, string | null>();
  // Entries cleanup moved into the archive are not new text: their lines were in the buffers they left.
  const archive = archiveFile(ws).rel;
  // (Split into lines only when the archive is among the changes: the buffers are megabytes.)
  const moved = scanned.includes(archive) ? new Set(scanned.filter((p) => files.some((f) => f.rel === p && f.buffer)).flatMap((p) => (heads.get(`${base}:${p}`) ?? "").split(/\r?\n/))) : new Set<string>();
  for (const rel of scanned) {
    const work = await readTextIfExists(join(ws.root, rel));
    if (work === null || work.includes("\0")) continue; // deleted, or not text
    const head = heads.get(`${base}:${rel}`) ?? "";
    const f = files.find((x) => x.rel === rel);
    if (f?.key === "context") changes.contextChanged = withoutStamp(work) !== withoutStamp(head);
    const entryLines = new Set<number>();
    // The commonest change, entries added at the end (`memory add`): only the new text is read, whatever
    // the buffer's size. It must start with a marker line outside any fence of what came before.
    const tail = f?.merge === "union" ? appendedEntries(head, work) : null;
    if (tail !== null) {
      let offset = 0; // the lines before the new text
      for (let at = head.indexOf("\n"); at !== -1; at = head.indexOf("\n", at + 1)) offset++;
      const entries = parseBuffer(tail, { file: rel }).entries;
      const fresh = entries.filter((e) => !head.includes(`id=${e.id} `)).length;
      if (fresh > 0 && f!.buffer) changes.added[bufferLabel(bufferConfig(ws.config, f!.buffer))] = fresh;
      for (const e of entries) {
        e.lines.forEach((_, i) => entryLines.add(offset + e.line + i));
        for (const hit of findSecrets(e.lines.join("\n"))) changes.secrets.push(`${rel}:${offset + e.line + hit.line - 1} (entry ${e.id} "${e.title}"): ${hit.kind}`);
      }
      tail.split(/\r?\n/).forEach((line, i) => {
        if (entryLines.has(offset + i + 1)) return;
        for (const hit of findSecrets(line)) changes.secrets.push(`${rel}:${offset + i + 1}: ${hit.kind}`);
      });
      continue;
    }
    if (f?.merge === "union") {
      const before = readEntriesOnce(head);
      const known = new Set(before.map((e) => e.lines.join("\n")));
      const ids = new Set(before.map((e) => e.id));
      // (With the buffer's default type, as the checks before it parsed the same text: one parse for both.)
      const entries = parseBufferOnce(work, { file: rel, ...(f.buffer ? { defaultType: defaultType(ws.config, f.buffer) } : {}) }).entries;
      const fresh = entries.filter((e) => !ids.has(e.id)).length;
      if (fresh > 0 && f.buffer) changes.added[bufferLabel(bufferConfig(ws.config, f.buffer))] = fresh;
      for (const e of entries) {
        e.lines.forEach((_, i) => entryLines.add(e.line + i));
        if (known.has(e.lines.join("\n"))) continue;
        for (const hit of findSecrets(e.lines.join("\n"))) {
          changes.secrets.push(`${rel}:${e.line + hit.line - 1} (entry ${e.id} "${e.title}"): ${hit.kind}`);
        }
      }
    }
    // Every other line that is new: a header, text outside entries, a file of the bank's own.
    const old = new Set([...head.split(/\r?\n/), ...(rel === archive ? moved : [])]);
    work.split(/\r?\n/).forEach((line, i) => {
      if (entryLines.has(i + 1) || old.has(line)) return;
      for (const hit of findSecrets(line)) changes.secrets.push(`${rel}:${i + 1}: ${hit.kind}`);
    });
  }
  return changes;
}

/** What was appended to `head` to make `work`, when that is all that changed and it starts with an entry's marker; else null. */
function appendedEntries(head: string, work: string): string | null {
  if (head === "" || !head.endsWith("\n") || work.length <= head.length || !work.startsWith(head)) return null;
  const tail = work.slice(head.length);
  const first = tail.split(/\r?\n/).find((l) => l.trim() !== "");
  if (first === undefined || !isMarkerLine(first) || unclosedFence(head) !== 0) return null;
  return tail;
}

export function describeAdded(added: Record<string, number>, contextStamped: boolean): string {
  const parts = Object.entries(added).map(([label, n]) => `+${n} ${label}`);
  if (contextStamped) parts.push("activeContext updated");
  return parts.join(", ") || "bank edited";
}

