#!/usr/bin/env node
// Renders `memory report` of a scripted week (six personas, a harvest, a handoff, a task) in headless
// Chromium (Debian's `chromium` package) to Docs/images/report.png, and fails on a console error.
//
//   npm run build && node scripts/report-screenshot.mjs [out.png]
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { sandbox, seedOrigin } from "../bench/lib.mjs";

const out = resolve(process.argv[2] ?? "Docs/images/report.png");
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (!chromium) {
  console.error("no chromium here: install Debian's chromium package");
  process.exit(1);
}
const box = sandbox();
const { root, git } = box;
const { origin } = seedOrigin(box);
const personas = ["dev", "qa", "architect", "lead", "ops", "docs"];
const clones = Object.fromEntries(personas.map((p) => [p, join(root, p)]));
const at = (day, h, m) => ({ MEMORY_NOW: `2026-11-${String(16 + day).padStart(2, "0")}T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:00Z` });
const memory = (cwd, env, ...args) => {
  const res = spawnSync(process.execPath, [resolve("bin/memory.js"), ...args], { cwd, env: { ...process.env, ...env, HOME: join(root, "home"), GIT_CONFIG_GLOBAL: join(root, "home", ".gitconfig"), GIT_CONFIG_NOSYSTEM: "1" }, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`memory ${args.join(" ")}: ${res.stderr}`);
  return res.stdout.trim();
};
for (const p of personas) {
  git(root, "clone", "-q", origin, clones[p]);
  memory(clones[p], at(0, 7, 0), "init", "--persona", p);
}
const kinds = { dev: ["pattern", "lesson"], qa: ["lesson", "gotcha"], architect: ["decision", "pattern"], lead: ["decision"], ops: ["gotcha", "lesson"], docs: ["pattern"] };
let task = "";
for (let day = 0; day < 10; day++) {
  personas.forEach((p, i) => {
    if ((day + i) % 7 === 6) return; // a day off now and then
    memory(clones[p], at(day, 8, i), "start");
    const n = 1 + ((day * 3 + i) % 3);
    for (let k = 0; k < n; k++) memory(clones[p], at(day, 10, i * 5 + k), "add", kinds[p][k % kinds[p].length], `${p} note ${day + 1}.${k + 1}`, "-m", "What we learned.", "--tags", `day${day % 3}`);
    if (day === 1 && p === "lead") task = memory(clones[p], at(day, 11, i), "task", "add", "Review the release checklist", "--assign", "qa", "--priority", "high");
    if (day === 2 && p === "lead") memory(clones[p], at(day, 11, i), "task", "add", "Rotate the staging keys", "--priority", "critical");
    if (day === 3 && p === "qa") memory(clones[p], at(day, 11, i), "task", "claim", task);
    if (day === 4 && p === "dev") memory(clones[p], at(day, 17, i), "handoff", "ops", "-m", "Deploy the cache change", "--reason", "end of my shift");
    if (day === 5 && p === "architect") memory(clones[p], at(day, 16, i), "harvest", "--all", "--only", "decisions", "--yes");
    memory(clones[p], at(day, 18, i), "save");
  });
}
for (const p of personas) memory(clones[p], at(9, 20, personas.indexOf(p)), "start");
const html = join(root, "report.html");
memory(clones.lead, at(9, 21, 0), "report", "--out", html);
mkdirSync(resolve(out, ".."), { recursive: true });
const res = spawnSync(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${join(root, "chrome")}`, "--enable-logging=stderr", "--v=0", "--hide-scrollbars", "--window-size=1000,1900", `--screenshot=${out}`, `file://${html}`], { encoding: "utf8", timeout: 60_000 });
if (/CONSOLE\(\d+\)|Uncaught|Refused to/.test(res.stderr)) {
  console.error(res.stderr);
  process.exit(1);
}
console.log(`wrote ${out} from ${html}`);
