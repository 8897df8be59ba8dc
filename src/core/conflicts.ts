/** Splits a file holding git conflict blocks back into the two sides (and the base, with diff3 markers). Pure. */
import { joinLines, splitLines } from "./text.js";

export interface Sides {
  base: string;
  ours: string;
  theirs: string;
}

/**
 * Lines outside conflict blocks go to every side; inside a block, the part before `=======` to ours (and the
 * `|||||||` part to base), the part after to theirs. Without a diff3 base the base is empty, so a union
 * merge of the sides keeps everything either side had.
 */
export function splitConflict(text: string): Sides {
  const { lines, ...shape } = splitLines(text);
  const base: string[] = [];
  const ours: string[] = [];
  const theirs: string[] = [];
  let state: "out" | "ours" | "base" | "theirs" = "out";
  let depth = 0; // markers inside a block (a side that was itself conflicted) are that side's text
  let sawBase = false;
  const push = (line: string) => {
    if (state === "out") base.push(line), ours.push(line), theirs.push(line);
    else ({ ours, base, theirs })[state].push(line);
  };
  for (const line of lines) {
    if (START.test(line)) {
      if (depth++ === 0) state = "ours";
      else push(line);
    } else if (depth === 1 && state === "ours" && BASE.test(line)) [state, sawBase] = ["base", true];
    else if (depth === 1 && (state === "ours" || state === "base") && MIDDLE.test(line)) state = "theirs";
    else if (END.test(line) && depth > 0) {
      if (--depth === 0) state = "out";
      else push(line);
    } else push(line);
  }
  return { base: sawBase ? joinLines(base, shape) : "", ours: joinLines(ours, shape), theirs: joinLines(theirs, shape) };
}

/**
 * Resolves every conflict block in a file with `merge`, innermost first: a side that was itself left
 * conflicted by an earlier merge is resolved before the two sides are merged.
 */
export function resolveConflicts(text: string, merge: (sides: Sides) => string): string {
  if (!lines(text).some((l) => START.test(l) || END.test(l))) return text;
  const sides = splitConflict(text);
  if (sides.ours === text || sides.theirs === text) return text; // markers that do not nest: leave them to a person
  const resolve = (t: string) => resolveConflicts(t, merge);
  return merge({ base: resolve(sides.base), ours: resolve(sides.ours), theirs: resolve(sides.theirs) });
}

const START = /^<{7}(?: |$)/;
const BASE = /^\|{7}(?: |$)/;
const MIDDLE = /^={7}$/;
const END = /^>{7}(?: |$)/;
const lines = (text: string) => splitLines(text).lines;
