// `memory save` and `memory start` against the git commands a careful script would run for the same work,
// on a loopback remote: a bare origin in the temp folder, cloned by path, so the network costs nothing.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createEntry } from "../dist/core/entries.js";
import { isoSeconds } from "../dist/core/clock.js";
import { newId } from "../dist/core/ids.js";
import { logLine } from "../dist/core/merge.js";
import { fmt, median, sandbox } from "./lib.mjs";

const BANK = ".claude/memory-bank";
const { root, memory, git, run } = sandbox();
const origin = join(root, "origin.git");
git(root, "init", "-q", "--bare", "-b", "main", origin);
const [a, b] = ["a", "b"].map((name) => {
  const dir = join(root, name);
  git(root, "clone", "-q", origin, dir);
  return dir;
});
// The original layout (the bank on main), which the raw git commands below mirror; bench/bank-branch.mjs
// compares the bank on its own branch with it.
mkdirSync(join(a, ".claude"), { recursive: true });
writeFileSync(join(a, ".claude/memory.config.json"), '{ "sync": { "branch": "current" } }\n');
git(a, "add", ".claude/memory.config.json");
git(a, "commit", "-q", "--allow-empty", "-m", "initial");
git(a, "push", "-q", "origin", "HEAD:main");
git(b, "pull", "-q");
memory(a, "init", "--persona", "a");
memory(b, "init", "--persona", "b");
memory(a, "save");
memory(b, "start");

// Entries are written straight into the file, as `memory add` would, so preparing a run costs no process.
let n = 0;
const addEntry = (clone, persona) => {
  const at = new Date();
  const entry = createEntry({ id: newId(at.getTime()), type: "pattern", author: persona, createdAt: isoSeconds(at), title: `entry ${++n}`, tags: [], body: "what\nwhere\nwhy" });
  appendFileSync(join(clone, BANK, "patterns-buffer.md"), `\n${entry.lines.join("\n")}\n`);
};
const addLogLine = (clone, persona, event) => appendFileSync(join(clone, BANK, "SESSION_LOG.md"), `${logLine(isoSeconds(new Date()), persona, event, "bench")}\n`);

// Another clone saves first, so the next sync in A has a real merge to do (both sides changed the bank).
const otherPushes = () => {
  git(b, "fetch", "-q", "origin");
  git(b, "merge", "-q", "--ff-only", "origin/main");
  addEntry(b, "b");
  addLogLine(b, "b", "save");
  git(b, "commit", "-q", "-am", "b saves");
  git(b, "push", "-q", "origin", "HEAD:main");
};
const sync = () => {
  git(a, "fetch", "-q", "origin");
  // Always run: a script cannot know the remote did not move without fetching and looking.
  git(a, "merge", "-q", "--no-edit", "origin/main");
  git(a, "push", "-q", "origin", "HEAD:main");
};
// save also writes its own log line, so the raw sequence does too: the commits hold the same two files.
const rawSave = () => {
  addLogLine(a, "a", "save");
  git(a, "add", "--", BANK);
  git(a, "commit", "-q", "-m", "raw save");
  sync();
};
const rawStart = () => {
  addLogLine(a, "a", "start");
  git(a, "commit", "-q", "--only", "-m", "raw start", "--", `${BANK}/SESSION_LOG.md`);
  sync();
};

const runs = Number(process.env.RUNS ?? 15);
const newEntry = () => addEntry(a, "a");
const moved = () => (otherPushes(), addEntry(a, "a"));
const rows = [
  ["save, up to date", median(() => memory(a, "save"), runs, newEntry), median(rawSave, runs, newEntry)],
  ["save, remote moved", median(() => memory(a, "save"), runs, moved), median(rawSave, runs, moved)],
  ["start, up to date", median(() => memory(a, "start"), runs), median(rawStart, runs)],
  ["start, remote moved", median(() => memory(a, "start"), runs, otherPushes), median(rawStart, runs, otherPushes)],
];
if (git(a, "status", "--porcelain") !== "" || git(a, "rev-parse", "HEAD") !== git(origin, "rev-parse", "main")) throw new Error("clone A did not end in sync with origin");

console.log(`node start                       ${fmt(median(() => run(a, process.execPath, ["-e", ""]), runs))}`);
for (const [label, mem, raw] of rows) {
  console.log(`${`memory ${label}`.padEnd(32)} ${fmt(mem).padStart(9)}   raw git ${fmt(raw).padStart(9)}   ${(mem / raw).toFixed(2)}x`);
}
console.log(`median of ${runs}; raw git: add/commit, fetch, merge, push as separate commands, same file changes`);
rmSync(root, { recursive: true, force: true });
