/** Where this clone last looked (for start's digest): kept in the git dir, never committed. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeTextAtomic } from "../infra/fs.js";

export interface SeenState {
  /** The bank commit (HEAD, or the bank branch's tip). */
  commit: string;
  at: string;
  /** With the bank on its own branch: the code commit whose docs this clone last looked at. */
  docs?: string;
}

const stateFile = (gitDir: string) => join(gitDir, "memory", "state.json");

export async function readSeen(gitDir: string): Promise<SeenState | null> {
  try {
    const raw = JSON.parse(await readFile(stateFile(gitDir), "utf8")) as Partial<SeenState>;
    if (typeof raw.commit !== "string" || typeof raw.at !== "string") return null;
    return { commit: raw.commit, at: raw.at, ...(typeof raw.docs === "string" ? { docs: raw.docs } : {}) };
  } catch {
    return null;
  }
}

export async function writeSeen(gitDir: string, state: SeenState): Promise<void> {
  await writeTextAtomic(stateFile(gitDir), `${JSON.stringify(state, null, 2)}\n`);
}

