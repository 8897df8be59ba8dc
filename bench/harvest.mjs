// `memory harvest --all --yes` of 1,000 entries against `memory save` of the same change, on a loopback
// remote: a bare origin in the temp folder, cloned by path, so the network costs nothing.
//
// The same change: harvest's commit holds 601 new or changed Docs files, the 3 emptied buffers and one
// log line (and .gitattributes when it lacks the Docs merge attributes; here init already wrote them).
// `memory save` commits only the bank folder and .gitattributes (`git commit --only`, so Docs staged
// beforehand stay out of its commit): on its own it cannot land that change. So the main comparison
// times what a person would run to land it without harvest, the files already in place (untimed):
// `git add Docs` + `git commit` (hash the 601 files, write trees and a commit), then `memory save`
// (commit the buffers and a log line, fetch, push both commits). A second row times `memory save` alone,
// the Docs commit made untimed beforehand: its push still carries every new object, but hashing and
// committing the Docs is left out, so it is a floor. Harvest's work beyond the git work is its own:
// reading the buffers, planning, rendering and writing the files.
//
// Every run starts from copies of the same two folders (origin and clone, the 1,000 entries committed
// and pushed) rather than a `git reset`: a reset keeps the previous run's blobs in both object stores,
// and git skips writing an object it already has, so later runs would do less work than the first.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createEntry, parseBuffer, serializeBuffer } from "../dist/core/entries.js";
import { isoSeconds } from "../dist/core/clock.js";
import { newId } from "../dist/core/ids.js";
import { fmt, median, sandbox } from "./lib.mjs";

const BANK = ".claude/memory-bank";
const LOG = `${BANK}/SESSION_LOG.md`;
const PATTERNS_DOC = "Docs/03-Reference/Patterns.md";
const PM_DIR = "Docs/06-PostMortems";
const ADR_DIR = "Docs/03-Reference/ADR";
const COUNTS = { pattern: 400, lesson: 400, decision: 200 };
const FILES = { pattern: "patterns-buffer.md", lesson: "lessons-buffer.md", decision: "decisions-inbox.md" };

const { root, env, memory, git } = sandbox();
// Removed however the script ends: a failed check would otherwise leave ~1,000 files behind.
process.on("exit", () => rmSync(root, { recursive: true, force: true }));
// A fixed clock: every harvest writes the same bytes (dates in the docs, the log line), run after run.
env.MEMORY_NOW = "2026-03-02T10:00:00Z";
const origin = join(root, "origin.git");
const clone = join(root, "clone");
git(root, "init", "-q", "--bare", "-b", "main", origin);
git(root, "clone", "-q", origin, clone);
git(clone, "commit", "-q", "--allow-empty", "-m", "initial");
git(clone, "push", "-q", "origin", "HEAD:main");
memory(clone, "init", "--persona", "bench");
memory(clone, "save");

// Entries are written straight into the buffers, as `memory add` would; ids from a counter, so every run
// of the script harvests the same kind of files.
const T0 = Date.parse("2026-01-01T00:00:00Z");
let k = 0;
for (const [type, n] of Object.entries(COUNTS)) {
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
if (git(origin, "rev-parse", "main").trim() !== start || git(clone, "status", "--porcelain") !== "") throw new Error("start state not saved and pushed");

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
// The tree without the log: harvest and save each add their own line to it.
const treeWithoutLog = () => git(clone, "ls-tree", "-r", "HEAD").split("\n").filter((l) => !l.endsWith(`\t${LOG}`)).join("\n");
const pushedClean = () => git(origin, "rev-parse", "main") === git(clone, "rev-parse", "HEAD") && git(clone, "status", "--porcelain") === "";

// Once, untimed: harvest, check it, and keep every file its commit changed (the log aside).
restore();
harvest();
{
  const fail = (what) => {
    throw new Error(`harvest is broken: ${what}`);
  };
  const patterns = parseBuffer(readFileSync(join(clone, PATTERNS_DOC), "utf8")).entries;
  if (patterns.length !== COUNTS.pattern || new Set(patterns.map((e) => e.id)).size !== COUNTS.pattern) fail(`${patterns.length} entries in ${PATTERNS_DOC}`);
  const pms = readdirSync(join(clone, PM_DIR)).filter((f) => f.endsWith(".md"));
  if (pms.length !== COUNTS.lesson) fail(`${pms.length} post-mortems`);
  const adrs = readdirSync(join(clone, ADR_DIR)).filter((f) => f.endsWith(".md"));
  const numbers = adrs.map((f) => Number(/^ADR-(\d{3})-/.exec(f)?.[1])).sort((a, b) => a - b);
  if (adrs.length !== COUNTS.decision || numbers.some((n, i) => n !== i + 1)) fail(`${adrs.length} ADRs, numbered ${numbers[0]} to ${numbers.at(-1)}, not 1 to ${COUNTS.decision} once each`);
  for (const file of Object.values(FILES)) if (parseBuffer(readFileSync(join(clone, BANK, file), "utf8")).entries.length !== 0) fail(`${file} not emptied`);
  if (git(clone, "rev-list", "--count", `${start}..HEAD`).trim() !== "1") fail("not one commit");
  if (!pushedClean()) fail("not pushed, or the clone is not clean");
}
console.log("ok");
const harvested = treeWithoutLog();
const changed = git(clone, "diff", "--name-only", start, "HEAD").trim().split("\n").filter((p) => p !== LOG);
const contents = new Map(changed.map((p) => [p, readFileSync(join(clone, p))]));
// .gitattributes is not among them: init already gave Docs/ its merge attributes.
if (changed.length !== COUNTS.lesson + COUNTS.decision + 1 + 3) throw new Error(`harvest changed ${changed.length} files`);

const placeFiles = () => {
  restore();
  for (const [p, data] of contents) {
    mkdirSync(dirname(join(clone, p)), { recursive: true });
    writeFileSync(join(clone, p), data);
  }
};
const commitDocs = () => {
  git(clone, "add", "--", "Docs");
  git(clone, "commit", "-q", "-m", "docs");
};
const save = () => memory(clone, "save");

// Check once that the save path lands the same tree, pushed.
placeFiles();
commitDocs();
save();
if (treeWithoutLog() !== harvested || !pushedClean()) throw new Error("git add + commit + memory save did not land the tree harvest did");

const runs = Number(process.env.RUNS ?? 7);
const rows = [
  ["memory harvest --all --yes", median(harvest, runs, restore)],
  ["git add + commit Docs, memory save", median(() => (commitDocs(), save()), runs, placeFiles)],
  ["memory save (Docs committed untimed)", median(save, runs, () => (placeFiles(), commitDocs()))],
];
if (!pushedClean()) throw new Error("the last run did not end pushed and clean");

const [, harvestMs] = rows[0];
rows.forEach(([label, ms], i) => console.log(`${label.padEnd(38)} ${fmt(ms).padStart(10)}${i === 0 ? "" : `   harvest/save ${(harvestMs / ms).toFixed(2)}x`}`));
console.log(`median of ${runs}; the same ${changed.length} files changed each way (${COUNTS.pattern} patterns into one doc, ${COUNTS.lesson} post-mortems, ${COUNTS.decision} ADRs, 3 buffers), pushed to a loopback origin`);
console.log("save rows: the files already in place (untimed); save commits only the bank, so the Docs go in by a git add + commit, timed in the first row, untimed in the second");
