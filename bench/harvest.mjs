// `memory harvest --all --yes` against landing the same change with git and `memory save`, in both layouts
// (the bank on its own branch, the default; and `sync.branch: "current"`, the bank committed on main), on a
// loopback remote: a bare origin in the temp folder, cloned by path, so the network costs nothing.
//
//   npm run build && node bench/harvest.mjs
//   HARVEST_ENTRIES=1000,10000 RUNS=5 node bench/harvest.mjs     (10,000 entries make ~6,000 files)
//   HARVEST_LAYOUTS=current node bench/harvest.mjs
//
// N entries are 40% patterns (one Patterns doc), 40% lessons (one post-mortem each) and 20% decisions (one
// ADR each): 1,000 entries make 601 Docs files. The same change:
// - current layout: harvest's one commit on main holds the Docs, the 3 emptied buffers and a log line.
//   By hand: `git add Docs` + `git commit` (hash the files, write trees and a commit), then `memory save`
//   (commit the buffers and a log line, fetch, push both commits).
// - branch layout: harvest's commit on main holds the Docs and the Patterns doc's line in .gitattributes;
//   the emptied buffers and a log line go to the bank branch (`memory`). By hand: `git add` + `git commit`
//   + `git push` of the Docs, then `memory save` (the buffers on the bank branch, pushed).
// The files are put in place untimed. A second row times `memory save` alone, the Docs committed (and in
// the branch layout pushed) untimed beforehand: hashing and committing the Docs is left out, so it is a
// floor. Harvest's work beyond the git work is its own: reading the buffers, planning, rendering and
// writing the files.
//
// Every run starts from copies of the same two folders (origin and clone, the entries committed and
// pushed) rather than a `git reset`: a reset keeps the previous run's objects in both object stores, and
// git skips writing an object it already has, so later runs would do less work than the first.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createEntry, parseBuffer, serializeBuffer } from "../dist/core/entries.js";
import { isoSeconds } from "../dist/core/clock.js";
import { newId } from "../dist/core/ids.js";
import { BANK, fmt, median, sandbox, seedOrigin } from "./lib.mjs";

const LOG = `${BANK}/SESSION_LOG.md`;
const PATTERNS_DOC = "Docs/03-Reference/Patterns.md";
const PM_DIR = "Docs/06-PostMortems";
const ADR_DIR = "Docs/03-Reference/ADR";
const FILES = { pattern: "patterns-buffer.md", lesson: "lessons-buffer.md", decision: "decisions-inbox.md" };
const SIZES = (process.env.HARVEST_ENTRIES ?? "1000").split(",").map(Number);
const LAYOUTS = (process.env.HARVEST_LAYOUTS ?? "current,branch").split(",");
const runs = Number(process.env.RUNS ?? 7);

function bench(layout, entries) {
  const counts = { pattern: Math.round(entries * 0.4), lesson: Math.round(entries * 0.4), decision: entries - 2 * Math.round(entries * 0.4) };
  const box = sandbox();
  const { root, env, memory, git } = box;
  // A fixed clock: every harvest writes the same bytes (dates in the docs, the log line), run after run.
  env.MEMORY_NOW = "2026-03-02T10:00:00Z";
  const { origin } = seedOrigin(box, layout);
  const clone = join(root, "clone");
  git(root, "clone", "-q", origin, clone);
  memory(clone, "init", "--persona", "bench");
  memory(clone, "save");

  // Entries are written straight into the buffers, as `memory add` would; ids from a counter, so every run
  // of the script harvests the same kind of files.
  const T0 = Date.parse("2026-01-01T00:00:00Z");
  let k = 0;
  for (const [type, n] of Object.entries(counts)) {
    const path = join(clone, BANK, FILES[type]);
    const doc = parseBuffer(readFileSync(path, "utf8"));
    for (let i = 1; i <= n; i++) {
      const random = new Uint8Array(10);
      new DataView(random.buffer).setUint32(6, ++k);
      const at = T0 + k * 60_000;
      const body = `What happened with ${type} ${i}.\nWhere: src/module-${k % 97}.ts\nWhy it matters, in a line or two.\nWhat to do next time.`;
      doc.entries.push(createEntry({ id: newId(at, random), type, author: "bench", createdAt: isoSeconds(new Date(at)), title: `${type} number ${i}`, tags: ["bench"], body }));
    }
    writeFileSync(path, serializeBuffer(doc));
  }
  memory(clone, "save");
  const start = git(clone, "rev-parse", "HEAD").trim();
  const branch = layout === "branch";
  // Everything pushed: main, and in the branch layout the bank branch too; nothing left to commit.
  const pushedClean = () =>
    git(origin, "rev-parse", "main") === git(clone, "rev-parse", "HEAD") &&
    (!branch || git(origin, "rev-parse", "memory") === git(clone, "rev-parse", "memory")) &&
    git(clone, "status", "--porcelain") === "";
  if (!pushedClean()) throw new Error("start state not saved and pushed");

  const pristine = { origin: join(root, "origin.start"), clone: join(root, "clone.start") };
  cpSync(origin, pristine.origin, { recursive: true });
  cpSync(clone, pristine.clone, { recursive: true });
  const restore = () => {
    rmSync(origin, { recursive: true, force: true });
    rmSync(clone, { recursive: true, force: true });
    cpSync(pristine.origin, origin, { recursive: true });
    cpSync(pristine.clone, clone, { recursive: true });
  };

  const harvest = () => memory(clone, "harvest", "--all", "--yes");
  // The trees without the log: harvest and save each add their own line to it.
  const withoutLog = (ref) => git(clone, "ls-tree", "-r", ref).split("\n").filter((l) => !l.endsWith(`\t${LOG}`)).join("\n");
  const trees = () => `${withoutLog("HEAD")}\n--\n${branch ? withoutLog("memory") : ""}`;

  // Once, untimed: harvest, check it, and keep every file its commit changed (the log aside).
  restore();
  harvest();
  const fail = (what) => {
    throw new Error(`harvest is broken (${layout}, ${entries} entries): ${what}`);
  };
  const patterns = parseBuffer(readFileSync(join(clone, PATTERNS_DOC), "utf8")).entries;
  if (patterns.length !== counts.pattern || new Set(patterns.map((e) => e.id)).size !== counts.pattern) fail(`${patterns.length} entries in ${PATTERNS_DOC}`);
  const pms = readdirSync(join(clone, PM_DIR)).filter((f) => f.endsWith(".md"));
  if (pms.length !== counts.lesson) fail(`${pms.length} post-mortems`);
  const adrs = readdirSync(join(clone, ADR_DIR)).filter((f) => f.endsWith(".md"));
  const numbers = adrs.map((f) => Number(/^ADR-(\d{3,})-/.exec(f)?.[1])).sort((a, b) => a - b);
  if (adrs.length !== counts.decision || numbers.some((n, i) => n !== i + 1)) fail(`${adrs.length} ADRs, numbered ${numbers[0]} to ${numbers.at(-1)}, not 1 to ${counts.decision} once each`);
  for (const file of Object.values(FILES)) if (parseBuffer(readFileSync(join(clone, BANK, file), "utf8")).entries.length !== 0) fail(`${file} not emptied`);
  if (git(clone, "rev-list", "--count", `${start}..HEAD`).trim() !== "1") fail("not one commit on main");
  if (!pushedClean()) fail("not pushed, or the clone is not clean");
  const harvested = trees();
  // What changed on main, and in the branch layout on the bank branch (the buffers), the log aside.
  const changed = git(clone, "diff", "--name-only", start, "HEAD").trim().split("\n").filter((p) => p !== LOG);
  const docs = changed.filter((p) => p.startsWith("Docs/") || p === ".gitattributes");
  const buffers = Object.values(FILES).map((f) => `${BANK}/${f}`);
  const contents = new Map([...new Set([...changed, ...buffers])].map((p) => [p, readFileSync(join(clone, p))]));
  const expected = counts.lesson + counts.decision + 1 + (branch ? 1 : 3);
  if (changed.length !== expected) fail(`its commit on main changed ${changed.length} files, not ${expected}`);

  const placeFiles = () => {
    restore();
    for (const [p, data] of contents) {
      mkdirSync(dirname(join(clone, p)), { recursive: true });
      writeFileSync(join(clone, p), data);
    }
  };
  const commitDocs = () => {
    git(clone, "add", "--", ...new Set(docs.map((p) => (p.startsWith("Docs/") ? "Docs" : p))));
    git(clone, "commit", "-q", "-m", "docs");
    if (branch) git(clone, "push", "-q", "origin", "HEAD:main");
  };
  const save = () => memory(clone, "save");

  // Check once that the save path lands the same trees, pushed.
  placeFiles();
  commitDocs();
  save();
  if (trees() !== harvested || !pushedClean()) fail(`git add + commit${branch ? " + push" : ""} + memory save did not land the trees harvest did`);

  const rows = [
    ["memory harvest --all --yes", median(harvest, runs, restore)],
    [`git add + commit${branch ? " + push" : ""} Docs, memory save`, median(() => (commitDocs(), save()), runs, placeFiles)],
    [`memory save (Docs committed${branch ? ", pushed" : ""} untimed)`, median(save, runs, () => (placeFiles(), commitDocs()))],
  ];
  if (!pushedClean()) fail("the last run did not end pushed and clean");
  rmSync(root, { recursive: true, force: true });

  console.log(`${layout} layout, ${entries} entries: ${changed.length} files changed on main (${counts.pattern} patterns into one doc, ${counts.lesson} post-mortems, ${counts.decision} ADRs${branch ? ", .gitattributes; the 3 buffers on the bank branch" : ", 3 buffers"})`);
  const [, harvestMs] = rows[0];
  rows.forEach(([label, ms], i) => console.log(`  ${label.padEnd(46)} ${fmt(ms).padStart(10)}${i === 0 ? "" : `   harvest/this ${(harvestMs / ms).toFixed(2)}x`}`));
}

for (const entries of SIZES) for (const layout of LAYOUTS) bench(layout, entries);
console.log(`medians of ${runs}, pushed to a loopback origin; the save rows put the files in place untimed`);
