/**
 * Private notes (`memory add --private`): entries this clone keeps for itself, in the git dir, never
 * committed or pushed. They are read by this clone's recall and briefing only.
 */
import { join } from "node:path";
import { bufferItems, type Item } from "../core/query.js";
import { readTextIfExists } from "../infra/fs.js";
import type { Workspace } from "./workspace.js";

export const privateFile = (ws: Workspace): string => join(ws.commonDir, "memory", "private.md");

/** Where private items say they live (there is no path in the work tree to give). */
export const PRIVATE_PLACE = "(private note)";

export const PRIVATE_HEADER = "# Private notes\n\nKept in this clone's git dir by `memory add --private`; never committed or pushed.\n";

export function privateItems(text: string | null): Item[] {
  return bufferItems(text, PRIVATE_PLACE, "private", "note").map((i) => ({ ...i, source: "private" as const }));
}

export async function readPrivate(ws: Workspace): Promise<Item[]> {
  return privateItems(await readTextIfExists(privateFile(ws)));
}
