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
  let sawBase = false;
  for (const line of lines) {
    if (/^<{7}(?: |$)/.test(line)) state = "ours";
    else if (state === "ours" && /^\|{7}(?: |$)/.test(line)) [state, sawBase] = ["base", true];
    else if ((state === "ours" || state === "base") && /^={7}$/.test(line)) state = "theirs";
    else if (state === "theirs" && /^>{7}(?: |$)/.test(line)) state = "out";
    else if (state === "out") {
      base.push(line);
      ours.push(line);
      theirs.push(line);
    } else ({ ours, base, theirs })[state].push(line);
  }
  return { base: sawBase ? joinLines(base, shape) : "", ours: joinLines(ours, shape), theirs: joinLines(theirs, shape) };
}
