import type { ContextChange } from "../bank/context-history.js";

/**
 * One line per replaced part of activeContext: whose section, whose copy replaced it, and the command that
 * prints the text this clone had, e.g. `activeContext: dev's section was replaced by qa's copy (updated …);
 * the text you had: git show 0b33bf75d205:.claude/memory-bank/activeContext.md`.
 */
export function contextLines(change: ContextChange | null): string[] {
  if (!change) return [];
  return change.sections.map((s) => {
    const what = s.section === null ? "activeContext was" : `activeContext: ${s.section}'s section was`;
    const who = s.by ? `${s.by}'s copy` : "another clone's copy";
    return `${what} replaced by ${who}${s.updated ? ` (updated ${s.updated})` : ""}; the text you had: ${s.previous}`;
  });
}
