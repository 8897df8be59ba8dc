/** Where this clone last looked (for start's digest): kept in the git dir, never committed. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeTextAtomic } from "../infra/fs.js";

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

