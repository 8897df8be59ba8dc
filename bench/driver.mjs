// The union merge driver, run as git runs it, against `git merge-file --union` on the same three buffers.
// On a shared machine other processes' load slows the driver (node runs several threads) far more than git (one):
// compare on a quiet machine, or run both under `chrt -f 10 node bench/driver.mjs` (as root) to keep them out.
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createEntry, parseBuffer, serializeBuffer } from "../dist/core/entries.js";
import { isoSeconds } from "../dist/core/clock.js";
import { newId } from "../dist/core/ids.js";
import { mergeBuffers } from "../dist/core/merge.js";
import { CLI, fmt, median, sandbox } from "./lib.mjs";

const header = parseBuffer(readFileSync(new URL("../templates/bank/patterns-buffer.md", import.meta.url), "utf8")).header;
const T0 = Date.parse("2026-01-01T00:00:00Z");

// Ids from a counter (not random bytes) so every size gets the same kind of files; k orders them in time.
const entry = (k, author, body = `What was found, entry ${k}.\nWhere: src/module-${k % 97}.ts\nWhy it matters, in a line or two.`) => {
  const random = new Uint8Array(10);
  new DataView(random.buffer).setUint32(6, k);
  const at = T0 + k * 60_000;
  return createEntry({ id: newId(at, random), type: "pattern", author, createdAt: isoSeconds(new Date(at)), title: `Pattern number ${k}`, tags: ["bench"], body });
};

/**
 * base: n entries. ours: base with every 10th body edited, plus n/2 new entries. theirs: base without
 * every 7th entry, plus n/2 other new entries, interleaved in time with ours'. Also the ids that must
 * survive: all new ones and base's, less theirs' deletions of entries ours left alone.
 */
function buffers(n) {
  const base = Array.from({ length: n }, (_, i) => entry(i, "a"));
  const edited = (i) => i % 10 === 0;
  const deleted = (i) => i % 7 === 3;
  const oursNew = Array.from({ length: n / 2 }, (_, i) => entry(n + 2 * i, "a"));
  const theirsNew = Array.from({ length: n / 2 }, (_, i) => entry(n + 2 * i + 1, "b"));
  const ours = [...base.map((e, i) => (edited(i) ? entry(i, "a", `${e.body}\nEdited on our side.`) : e)), ...oursNew];
  const theirs = [...base.filter((_, i) => !deleted(i)), ...theirsNew];
  const text = (entries) => serializeBuffer({ shape: { eol: "\n", bom: false }, header, entries });
  const survivors = [...base.filter((_, i) => !deleted(i) || edited(i)), ...oursNew, ...theirsNew].map((e) => e.id);
  return { base: text(base), ours: text(ours), theirs: text(theirs), survivors, edits: base.filter((_, i) => edited(i)).length };
}

const { root, run } = sandbox();
const runs = Number(process.env.RUNS ?? 15);
const [O, A, B, fresh] = ["base.md", "ours.md", "theirs.md", "ours.fresh.md"].map((f) => join(root, f));
// Both tools write their result into A, so each run starts from a fresh copy (copied untimed).
const reset = () => copyFileSync(fresh, A);

function measure(n, times) {
  const files = buffers(n);
  writeFileSync(O, files.base);
  writeFileSync(fresh, files.ours);
  writeFileSync(B, files.theirs);
  reset();
  run(root, process.execPath, [CLI, "merge-driver", "union", O, A, B, "patterns-buffer.md"]);
  const got = parseBuffer(readFileSync(A, "utf8")).entries;
  const ids = new Set(got.map((e) => e.id));
  const edits = got.filter((e) => e.body.endsWith("Edited on our side.")).length;
  if (ids.size !== files.survivors.length || !files.survivors.every((id) => ids.has(id)) || edits !== files.edits) throw new Error(`merge of ${n} entries is wrong`);
  return {
    driver: median(() => run(root, process.execPath, [CLI, "merge-driver", "union", O, A, B, "patterns-buffer.md"]), times, reset),
    // In place rather than -p, so git also writes its result to A (and MBs do not go through a pipe).
    git: median(() => run(root, "git", ["merge-file", "--union", A, O, B]), times, reset),
    inProcess: median(() => mergeBuffers({ base: files.base, ours: files.ours, theirs: files.theirs }), times),
    bytes: files.ours.length,
  };
}

const nodeStart = median(() => run(root, process.execPath, ["-e", ""]), runs);
const sizes = [[1_000, runs], [10_000, runs], [100_000, Math.min(3, runs)]];
const results = new Map(sizes.map(([n, times]) => [n, measure(n, times)]));
console.log("ok: the driver's result holds exactly the entries that should survive, at every size");

const ten = results.get(10_000);
console.log(`node start                 ${fmt(nodeStart)}`);
console.log(`git merge-file --union     ${fmt(ten.git)}   (10,000 entries per side, ${(ten.bytes / 1e6).toFixed(1)} MB)`);
console.log(`memory merge-driver union  ${fmt(ten.driver)}`);
console.log(`ratio                      ${(ten.driver / ten.git).toFixed(2)}x git merge-file, median of ${runs}`);
console.log("\nentries   driver (process)   in-process merge   git merge-file   runs");
for (const [n, times] of sizes) {
  const r = results.get(n);
  console.log(`${String(n).padStart(7)}   ${fmt(r.driver).padStart(16)}   ${fmt(r.inProcess).padStart(16)}   ${fmt(r.git).padStart(14)}   ${times}`);
}
rmSync(root, { recursive: true, force: true });
