/** Where this clone last looked (for start's digest): kept in the git dir, never committed. */
import { readFile } from "../infra/quick-fs.js";
import { join } from "node:path";
import { writeTextAtomic } from "../infra/fs.js";

export interface SeenState {
  /** The bank commit (HEAD, or the bank branch's tip). */
  commit: string;
  at: string;
  /** With the bank on its own branch: the code commit whose docs this clone last looked at. */
  docs?: string;
  /** What the last start compared against (`commit` "" when it had nothing to compare with): what it brought in is new since. */
  previous?: { commit: string; at: string };
}

const stateFile = (gitDir: string) => join(gitDir, "memory", "state.json");

export async function readSeen(gitDir: string): Promise<SeenState | null> {
  try {
    const raw = JSON.parse(await readFile(stateFile(gitDir), "utf8")) as Partial<SeenState>;
    if (typeof raw.commit !== "string" || typeof raw.at !== "string") return null;
    const previous = raw.previous && typeof raw.previous.commit === "string" && typeof raw.previous.at === "string" ? { previous: { commit: raw.previous.commit, at: raw.previous.at } } : {};
    return { commit: raw.commit, at: raw.at, ...(typeof raw.docs === "string" ? { docs: raw.docs } : {}), ...previous };
  } catch {
    return null;
  }
}

export async function writeSeen(gitDir: string, state: SeenState): Promise<void> {
  await writeTextAtomic(stateFile(gitDir), `${JSON.stringify(state, null, 2)}\n`);
}

