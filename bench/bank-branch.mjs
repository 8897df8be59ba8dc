// The cost of the bank on its own branch against the original layout (bank committed on main), for the
// same work: `memory save` of one entry with another clone's save to merge first, `memory save` with nothing
// to merge, and `memory start` with nothing new. Medians of 15; the ratio is branch / current.
//
//   npm run build && node bench/bank-branch.mjs
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { createEntry } from "../dist/core/entries.js";
import { isoSeconds } from "../dist/core/clock.js";
import { newId } from "../dist/core/ids.js";
import { fmt, median, sandbox, seedOrigin } from "./lib.mjs";

const BANK = ".claude/memory-bank";
let n = 0;
const addEntry = (clone, persona) => {
  const at = new Date();
  const entry = createEntry({ id: newId(at.getTime()), type: "pattern", author: persona, createdAt: isoSeconds(at), title: `entry ${++n}`, tags: [], body: "what\nwhere\nwhy" });
  appendFileSync(join(clone, BANK, "patterns-buffer.md"), `\n${entry.lines.join("\n")}\n`);
};

function setup(layout) {
  const box = sandbox();
  const { root, memory, git } = box;
  const { origin } = seedOrigin(box, layout);
  const [a, b] = ["a", "b"].map((p) => {
    const dir = join(root, p);
    git(root, "clone", "-q", origin, dir);
    memory(dir, "init", "--persona", p);
    return dir;
  });
  memory(a, "save");
  memory(b, "start");
  return { a, b, memory };
}

const rows = [];
for (const layout of ["current", "branch"]) {
  const { a, b, memory } = setup(layout);
  const merged = median(() => memory(a, "save"), 15, () => {
    addEntry(b, "b");
    memory(b, "save");
    addEntry(a, "a");
  });
  const plain = median(() => memory(a, "save"), 15, () => addEntry(a, "a"));
  const start = median(() => memory(a, "start"), 15);
  rows.push({ layout, merged, plain, start });
}
const [cur, br] = rows;
console.log("bank-branch: the bank on its own branch against the original layout (medians of 15)");
for (const [label, key] of [["save, another clone's save merged first", "merged"], ["save, nothing to merge", "plain"], ["start, nothing new", "start"]]) {
  console.log(`  ${label.padEnd(40)} current ${fmt(cur[key]).padStart(9)}   branch ${fmt(br[key]).padStart(9)}   ratio ${(br[key] / cur[key]).toFixed(2)}x`);
}
