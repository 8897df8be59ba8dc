// How many commits a day of six personas adds to main, with the bank on its own branch (the default) and
// with the original layout (`sync.branch: "current"`): each persona starts three times, adds entries and
// saves twice, in an interleaved order. Prints commits by kind on main and on the bank branch.
//
//   npm run build && node bench/history.mjs
import { join } from "node:path";
import { sandbox, seedOrigin } from "./lib.mjs";

const personas = ["dev", "qa", "architect", "lead", "ops", "docs"];

function day(layout) {
  const box = sandbox();
  const { root, git, memory } = box;
  const { origin } = seedOrigin(box, layout);
  const clones = Object.fromEntries(personas.map((p) => [p, join(root, p)]));
  for (const p of personas) {
    git(root, "clone", "-q", origin, clones[p]);
    memory(clones[p], "init", "--persona", p);
  }
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
  const subjects = (ref) => {
    const out = git(origin, "for-each-ref", `refs/heads/${ref}`).trim() ? git(origin, "log", "--format=%s", ref) : "";
    return out.trim().split("\n").filter((s) => s && s !== "initial");
  };
  return { starts, saves, main: subjects("main"), memory: subjects("memory") };
}

const describe = (log) => {
  const count = (re) => log.filter((s) => re.test(s)).length;
  return `${log.length} (saves ${count(/^memory: save/)}, starts ${count(/^memory: start/)}, merges ${count(/^memory: merge/)})`;
};
for (const layout of ["branch", "current"]) {
  const r = day(layout);
  console.log(`history, ${layout === "branch" ? "the bank on its own branch" : "the original layout (sync.branch: current)"}: ${personas.length} personas, ${r.starts} starts, ${r.saves} saves`);
  console.log(`  commits added to main:   ${describe(r.main)}`);
  if (layout === "branch") console.log(`  commits on memory:       ${describe(r.memory)}`);
}
