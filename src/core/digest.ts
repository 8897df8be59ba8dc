/** What changed in the bank between two moments, as `memory start` reports it. Pure. */
import type { Entry } from "./entries.js";

export interface NewEntry {
  buffer: string;
  id: string;
  title: string;
  author: string;
  createdAt: string;
}

/** Entries present now and not before, written by someone other than `me`, oldest first. */
export function newEntriesByOthers(buffer: string, before: readonly Entry[], now: readonly Entry[], me: string): NewEntry[] {
  const seen = new Set(before.map((e) => e.id));
  return now
    .filter((e) => !seen.has(e.id) && e.author !== me)
    .map((e) => ({ buffer, id: e.id, title: e.title, author: e.author, createdAt: e.createdAt }));
}
