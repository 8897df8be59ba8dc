/** What start, save and harvest check before touching anything, and helpers they share. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseBuffer } from "./core/entries.js";
import { conflictMarkerLine, splitLines } from "./core/text.js";
import { ParseError, MemoryError } from "./errors.js";
import { readHead } from "./git/repo.js";
import { pathStatus, refuseBadState, trackFiles, type PathStatus } from "./git/sync.js";
import { readTextIfExists, writeTextAtomic } from "./fs.js";
import { bankFiles, openWorkspace, requireBank, requirePersona, type BankFile, type Workspace } from "./workspace.js";

export interface Session {
  ws: Workspace;
  branch: string;
  persona: string;
  files: BankFile[];
}

export interface SessionOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  persona?: string;
}

/** Opens the clone and refuses the states the spec lists, before anything is written. */
export async function openSession(options: SessionOptions): Promise<Session> {
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  const persona = requirePersona(ws, options.persona).name;
  const branch = await refuseBadState(ws.gitDir, (await readHead(ws.gitDir)).branch);
  return { ws, branch, persona, files: bankFiles(ws) };
}

/**
 * Refuses unmerged bank files, conflict markers and buffers that do not parse (naming file and line).
 * Returns the bank's git status, which the bank commit goes on to use.
 */
export async function checkBank(session: Session): Promise<PathStatus> {
  const { ws, files } = session;
  const status = await pathStatus(ws.root, bankPaths(session));
  const unmerged = status.unmerged.filter((p) => files.some((f) => f.rel === p));
  if (unmerged.length > 0) {
    throw new MemoryError(`${unmerged.join(", ")} ${unmerged.length === 1 ? "is" : "are"} left unmerged by a git merge; run \`memory doctor --fix\``);
  }
  for (const f of files) {
    const text = await readTextIfExists(f.abs);
    if (text === null) {
      // Committing the deletion would push it to every clone, and block their next merge.
      throw new MemoryError(`${f.rel} is missing; restore it (\`git checkout -- ${f.rel}\`) or recreate it with \`memory doctor --fix\``);
    }
    const line = conflictMarkerLine(splitLines(text).lines);
    if (line) throw new ParseError(f.rel, line, "git conflict markers", "run `memory doctor --fix`, or resolve them by hand");
    if (f.merge === "union") parseBuffer(text, { file: f.rel });
  }
  return status;
}

/** Appends one line to the session log, keeping its line endings. */
export async function appendLog(session: Session, line: string): Promise<void> {
  const log = session.files.find((f) => f.key === "log")!;
  const text = (await readTextIfExists(log.abs)) ?? "";
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const body = text === "" || text.endsWith("\n") ? text : text + eol;
  await writeTextAtomic(log.abs, `${body}${line}${eol}`);
}

/** Where this clone last looked (for start's digest): kept in the git dir, never committed. */
export interface SeenState {
  commit: string;
  at: string;
}

const stateFile = (gitDir: string) => join(gitDir, "memory", "state.json");

export async function readSeen(gitDir: string): Promise<SeenState | null> {
  try {
    const raw = JSON.parse(await readFile(stateFile(gitDir), "utf8")) as Partial<SeenState>;
    return typeof raw.commit === "string" && typeof raw.at === "string" ? { commit: raw.commit, at: raw.at } : null;
  } catch {
    return null;
  }
}

export async function writeSeen(gitDir: string, state: SeenState): Promise<void> {
  await writeTextAtomic(stateFile(gitDir), `${JSON.stringify(state, null, 2)}\n`);
}

/** What a bank commit takes: the bank folder and `.gitattributes`. */
export const bankPaths = (session: Session): string[] => [session.ws.config.bank, ".gitattributes"];

/** The files the tool itself writes in a bank commit. */
export const ownFiles = (session: Session): string[] => [...session.files.map((f) => f.rel), ".gitattributes"];

/** Records the bank's new files in the index, so they are seen as changes and can be committed. */
export const trackBank = (session: Session): Promise<void> => trackFiles(session.ws.root, ownFiles(session));
