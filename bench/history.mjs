// How many commits a day of six personas adds to the shared branch: each persona starts three times, adds
// entries and saves twice, in an interleaved order. Prints commits by kind; a start with nothing of its own
// to publish makes none (its log line travels with the next save).
//
//   node bench/history.mjs
import { join } from "node:path";
import { sandbox } from "./lib.mjs";

const { root, git, memory } = sandbox();
const origin = join(root, "origin.git");
git(root, "init", "-q", "--bare", "-b", "main", origin);
const seed = join(root, "seed");
git(root, "clone", "-q", origin, seed);
git(seed, "commit", "-q", "--allow-empty", "-m", "initial");
git(seed, "push", "-q", "origin", "main");
const personas = ["dev", "qa", "architect", "lead", "ops", "docs"];
const clones = Object.fromEntries(personas.map((p) => [p, join(root, p)]));
for (const p of personas) {
  git(root, "clone", "-q", origin, clones[p]);
  memory(clones[p], "init", "--persona", p);
}
memory(clones.dev, "save", "-m", "memory: bank");
const base = git(clones.dev, "rev-parse", "HEAD").trim();

let starts = 0;
let saves = 0;
for (const phase of ["morning", "midday", "afternoon"]) {
  for (const p of personas) {
    memory(clones[p], "start");
    starts++;
  }
  if (phase === "afternoon") continue;
  for (const p of personas) {
    memory(clones[p], "add", "lesson", `${phase} lesson by ${p}`, "-m", "What we learned.");
    memory(clones[p], "add", "pattern", `${phase} pattern by ${p}`);
    memory(clones[p], "save");
    saves++;
  }
}
memory(clones.dev, "start");
const log = git(clones.dev, "log", "--format=%s", `${base}..HEAD`).trim().split("\n").filter(Boolean);
const count = (re) => log.filter((s) => re.test(s)).length;
console.log(`history: ${personas.length} personas, ${starts} starts, ${saves} saves in a day`);
console.log(`  commits added to main: ${log.length} (saves ${count(/^memory: save/)}, starts ${count(/^memory: start/)}, merges ${count(/^memory: merge/)})`);
console.log(`  a start that made a commit before made one each (+ a merge when others had pushed): at least ${starts} more commits then`);
