// How `memory status`, `save` and `start` scale with the bank and with the repository, each against its floor:
// a bare node start plus the raw git a careful script runs for the same work (node start + `git status`;
// add/commit/fetch/merge/push; fetch + merge when there is nothing to push). The floor is measured with the
// bank committed on the checked-out branch, and the bank on its own branch is held to that same floor (as in
// bench/bank-branch.mjs): what it costs beyond the original layout's git shows in its ratio.
//
//   npm run build && node bench/scale.mjs
//
// 1. At 100, 1,000 and 10,000 entries (SIZES=100,1000), a repository holding only the bank.
// 2. The same rows in a big repository: 50,000 files and 20,000 commits on main, 1,000 entries (BIG_FILES,
//    BIG_COMMITS, BIG_ENTRIES; BIG=0 skips it). The repository is built by git fast-import and kept in the
//    OS temp dir, named by its parameters, so reruns skip the build.
// Medians of RUNS (9), after one warm-up round, on a loopback remote (a bare origin cloned by path). The
// floor's git and the command in both layouts are timed in turn, so a load that comes and goes weighs on all.
//
// PROFILE=1 instead shows where the time goes, for each command once at PROFILE_SIZE (10,000) entries
// (PROFILE=big: in the big repository): the git processes memory starts (GIT_TRACE2_EVENT) and the time spent
// in them, the processes git starts in turn, and per node process how often a buffer file is parsed
// (parseBuffer, counted by a module hook) and the time in parseBuffer (the inspector's CPU profile, sampled
// every 100 µs).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BANK, CLI, appendEntry, appendLogLine, codeRepo, fmt, medians, rawSync, sandbox, seedOrigin, wordsFrom, writeBank } from "./lib.mjs";

const RUNS = Number(process.env.RUNS ?? 9);
const SIZES = (process.env.SIZES ?? "100,1000,10000").split(",").map(Number);
const BIG = process.env.BIG !== "0";
const BIG_FILES = Number(process.env.BIG_FILES ?? 50_000);
const BIG_COMMITS = Number(process.env.BIG_COMMITS ?? 20_000);
const BIG_ENTRIES = Number(process.env.BIG_ENTRIES ?? 1_000);
const PROFILE_SIZE = Number(process.env.PROFILE_SIZE ?? 10_000);
const LAYOUTS = ["current", "branch"];

const WORDS = "cache retry timeout database queue deploy rollback index schema migration token session cookie header proxy worker cron backup restore replica shard lock mutex latency throughput budget flag release hotfix review merge branch rebase conflict driver parser fixture mock stub trace metric alert pager incident".split(" ");
const sentence = wordsFrom(11, (rand) => WORDS[Math.floor(rand() * WORDS.length)]);
const num = (n) => n.toLocaleString("en-US");

/**
 * A sandbox for one layout: clone `a` runs memory with a bank of `entries` entries, saved and pushed; clone `b`
 * is plain git on the branch the bank is synced on (sparse: only the bank folder), so "another clone saved"
 * costs no memory process to prepare.
 */
function clones(layout, entries, code) {
  const box = sandbox();
  const { root, git, memory } = box;
  const { origin } = seedOrigin(box, layout, { code });
  const a = join(root, "a");
  git(root, "clone", "-q", origin, a);
  memory(a, "init", "--persona", "a");
  writeBank(a, sentence, { count: entries, docs: 0 });
  memory(a, "save", "-m", "the bank");
  memory(a, "start"); // the entries are by other personas: the first start lists them all, once
  const branch = layout === "current" ? "main" : "memory";
  const b = join(root, "b");
  git(root, "clone", "-q", "--sparse", "-b", branch, origin, b);
  git(b, "sparse-checkout", "set", ".claude");
  const otherSaves = () => {
    git(b, "fetch", "-q", "origin");
    git(b, "reset", "-q", "--hard", `origin/${branch}`);
    appendEntry(b, "b");
    appendLogLine(b, "b", "save");
    git(b, "commit", "-q", "-am", "b saves");
    git(b, "push", "-q", "origin", `HEAD:${branch}`);
  };
  return { box, a, origin, branch, otherSaves };
}

const COMMANDS = [
  { label: "status", args: ["status"], floor: "status" },
  { label: "save, one new entry", args: ["save"], floor: "save", before: ({ a }) => appendEntry(a, "a") },
  { label: "save, nothing new", args: ["save"], floor: "sync" },
  { label: "start, up to date", args: ["start"], floor: "sync" },
  { label: "start, remote moved", args: ["start"], floor: "moved", before: ({ otherSaves }) => otherSaves() },
];

/** The raw git of each floor, in the clone `a` of a sandbox with the bank on the checked-out branch. */
function rawGit({ box, a, otherSaves }) {
  const { git } = box;
  const sync = () => rawSync(git, a, { push: false });
  return {
    status: { fn: () => git(a, "status", "--porcelain") },
    save: {
      before: () => appendEntry(a, "a"),
      fn: () => {
        appendLogLine(a, "a", "save"); // save writes its log line too: the commits hold the same two files
        git(a, "add", "--", BANK);
        git(a, "commit", "-q", "-m", "raw save");
        rawSync(git, a);
      },
    },
    sync: { fn: sync },
    moved: { before: otherSaves, fn: sync },
  };
}

/**
 * The five rows for both layouts at one size; `make(layout)` builds a sandbox. Per row, a node start, the
 * floor's git and the command in each layout are timed in turn (see `medians`).
 */
/**
 * The least a node program can do for a sync with nothing to push: start, then run the fetch and the merge
 * through `child_process` (an async spawn, as memory runs git), and end. Its node pays for the process
 * modules and the spawns, which the floor's node start does not.
 */
const LEAST_SYNC = `const { spawn } = require("node:child_process");
const run = (args) => new Promise((done, fail) => spawn("git", args, { stdio: ["ignore", "pipe", "pipe"] }).on("close", (code) => (code ? fail(new Error(args.join(" "))) : done())));
run(["fetch", "-q", "origin"]).then(() => run(["merge", "-q", "--ff-only", "origin/main"]));`;

function table(title, size, make) {
  const s = Object.fromEntries(LAYOUTS.map((layout) => [layout, make(layout)]));
  const least = join(s.current.box.root, "least-sync.cjs");
  writeFileSync(least, LEAST_SYNC);
  let leastMs = null;
  const quiet = [];
  // A user's commands come seconds or more after the last write: files written in the last 2 s are always
  // read again (ADR-021), which a row timed right after the sandbox was made would show instead.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
  const raw = rawGit(s.current);
  const rows = [];
  for (const c of COMMANDS) {
    const node = { fn: () => s.current.box.run(s.current.a, process.execPath, ["-e", ""]) };
    const mem = LAYOUTS.map((layout) => ({ before: () => c.before?.(s[layout]), fn: () => s[layout].box.memory(s[layout].a, ...c.args) }));
    // (The quiet rows are also timed against the least node program that syncs: see LEAST_SYNC.)
    const extra = c.floor === "sync" ? [{ fn: () => s.current.box.run(s.current.a, process.execPath, [least]) }] : [];
    const [nodeMs, gitMs, ...rest] = medians([node, raw[c.floor], ...extra, ...mem], RUNS);
    const rowLeast = extra.length ? rest.shift() : null;
    const memMs = rest;
    const floor = nodeMs + gitMs;
    if (rowLeast !== null) {
      leastMs = rowLeast;
      quiet.push(...LAYOUTS.map((layout, i) => `${c.label} (${layout}) ${(memMs[i] / rowLeast).toFixed(2)}x`));
    }
    LAYOUTS.forEach((layout, i) => rows.push([num(size), layout, c.label, fmt(memMs[i]), fmt(floor), fmt(gitMs), `${(memMs[i] / floor).toFixed(2)}x`]));
  }
  for (const layout of LAYOUTS) {
    const { box, a, origin, branch } = s[layout];
    if (box.git(a, "status", "--porcelain", "--", BANK) !== "") throw new Error(`${layout}: the bank in clone a was left with changes`);
    if (box.git(a, "rev-parse", branch) !== box.git(origin, "rev-parse", branch)) throw new Error(`${layout}: clone a did not end in sync with origin`);
    rmSync(box.root, { recursive: true, force: true });
  }
  const note = leastMs === null ? "" : `the least node program that fetches and merges (async spawns): ${fmt(leastMs)}; against it: ${quiet.join(", ")}`;
  return { title, rows, note };
}

function print({ title, rows, note }) {
  const head = ["entries", "layout", "command", "memory", "floor", "its git", "ratio"];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  console.log(title);
  for (const r of all) console.log(`  ${r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("   ")}`);
  if (note) console.log(`  ${note}`);
  console.log("");
}

const FLOORS = "floor = node start + its git: git status (status); add, commit, fetch, merge, push (save, one new entry); fetch, merge (the other rows: nothing to push)";

if (process.env.PROFILE === "1") profile(`${num(PROFILE_SIZE)} entries`, (layout) => clones(layout, PROFILE_SIZE));
else if (process.env.PROFILE === "big") {
  const code = codeRepo({ files: BIG_FILES, commits: BIG_COMMITS });
  profile(`${num(BIG_ENTRIES)} entries in the big repository (${num(BIG_FILES)} files, ${num(BIG_COMMITS)} commits; ${code.path})`, (layout) => clones(layout, BIG_ENTRIES, code.path));
}
else {
  const started = Date.now();
  const load = loadavg()[0];
  console.log(`scale: whole processes, medians of ${RUNS} (one warm-up round, steps timed in turn); ratio = memory / floor`);
  console.log("both layouts are held to the floor of the bank on the checked-out branch (current): the bank on its own branch (branch) pays for its plumbing in its ratio");
  console.log(FLOORS);
  console.log("");
  for (const size of SIZES) {
    const t = table(`${num(size)} entries, a repository holding only the bank`, size, (layout) => clones(layout, size));
    print(t);
  }
  if (BIG) {
    const t0 = Date.now();
    const code = codeRepo({ files: BIG_FILES, commits: BIG_COMMITS });
    const how = code.built ? `built by git fast-import in ${((Date.now() - t0) / 1000).toFixed(1)} s` : "cached";
    console.log(`big repository: ${num(BIG_FILES)} files, ${num(BIG_COMMITS)} commits on main (${how}: ${code.path}; delete it to rebuild)`);
    print(table(`${num(BIG_ENTRIES)} entries in the big repository`, BIG_ENTRIES, (layout) => clones(layout, BIG_ENTRIES, code.path)));
  }
  console.log(`wall time ${((Date.now() - started) / 1000).toFixed(0)} s; load average ${loadavg()[0].toFixed(1)} at the end, ${load.toFixed(1)} at the start (${cpus().length} cores)`);
}

// ---- where the time goes ----

/**
 * A preload for every node process (the CLI, and the merge drivers git starts): a module hook counts
 * parseBuffer calls per file, and the inspector samples the CPU every 100 µs (--cpu-prof may not be set in
 * NODE_OPTIONS). Each process leaves `<pid>.json` in `dir`, written as it exits.
 */
function preload(dir) {
  const hooks = join(dir, "hooks.mjs");
  const file = join(dir, "preload.mjs");
  writeFileSync(
    hooks,
    `export async function load(url, context, next) {
  const r = await next(url, context);
  if (r.format !== "module" || !url.includes("/dist/")) return r;
  const src = typeof r.source === "string" ? r.source : new TextDecoder().decode(r.source);
  const out = src.replace(/function parseBuffer\\(([^)]*)\\) \\{/, (m) => \`globalThis.__benchParseSeen = true;\\n\${m} globalThis.__benchParse?.(arguments[0], arguments[1]);\`);
  return { ...r, source: out };
}
`,
  );
  writeFileSync(
    file,
    `import { register } from "node:module";
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
register(${JSON.stringify(pathToFileURL(hooks).href)});
const session = new Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 100 });
session.post("Profiler.start");
const tally = {};
globalThis.__benchParse = (text, options) => {
  const file = (options && options.file) || "(text, no file named)";
  const t = (tally[file] ??= { calls: 0, bytes: 0 });
  t.calls++;
  t.bytes += text.length;
};
process.on("exit", () => {
  session.post("Profiler.stop", (err, res) => {
    const out = { pid: process.pid, argv: process.argv.slice(2), loaded: !!globalThis.__benchParseSeen, tally, profile: err ? null : res.profile };
    writeFileSync(${JSON.stringify(dir)} + "/" + process.pid + ".json", JSON.stringify(out));
  });
});
`,
  );
  return file;
}

/** parseBuffer's total and self time in one CPU profile, and the time the profile covers. */
function parseTime(p) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isParse = (n) => n.callFrame.functionName === "parseBuffer" && n.callFrame.url.includes("/dist/");
  const inside = new Map();
  const within = (id) => {
    if (inside.has(id)) return inside.get(id);
    const n = byId.get(id);
    const v = isParse(n) || (parent.has(id) && within(parent.get(id)));
    inside.set(id, v);
    return v;
  };
  let total = 0;
  let self = 0;
  const under = new Map(); // where parseBuffer's time is spent: self time per function inside it
  const all = new Map(); // and the whole process's: self time per function
  const nameOf = (f) => f.functionName || `(anonymous ${f.url.split("/").pop()}:${f.lineNumber + 1})`;
  const add = (m, k, dt) => m.set(k, (m.get(k) ?? 0) + dt);
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    const n = byId.get(id);
    if (n.callFrame.functionName !== "(idle)") add(all, nameOf(n.callFrame), dt);
    if (!within(id)) return;
    total += dt;
    if (isParse(n)) self += dt;
    else add(under, nameOf(n.callFrame), dt);
  });
  const top = (m, k) => [...m.entries()].sort((x, y) => y[1] - x[1]).slice(0, k);
  return { total, self, top: top(under, 3), busiest: top(all, 5), span: (p.endTime - p.startTime) / 1000 };
}

/** Git processes in a GIT_TRACE2_EVENT file: those memory started (no parent sid) and those git started. */
function gitProcesses(file) {
  const procs = new Map();
  const children = [];
  // (No file: the command started no git process.)
  for (const line of (existsSync(file) ? readFileSync(file, "utf8") : "").split("\n")) {
    if (!line) continue;
    const e = JSON.parse(line);
    if (e.event === "start") procs.set(e.sid, { top: !e.sid.includes("/"), name: e.argv.slice(1).find((a, i, all) => !a.startsWith("-") && all[i - 1] !== "-c" && all[i - 1] !== "-C") ?? e.argv[0], ms: 0 });
    else if (e.event === "cmd_name" && procs.has(e.sid)) procs.get(e.sid).name = e.name;
    else if ((e.event === "exit" || e.event === "atexit") && procs.has(e.sid)) procs.get(e.sid).ms = e.t_abs * 1000;
    else if (e.event === "child_start" && e.child_class !== "git" && !(e.argv?.[0] ?? "").startsWith("git")) children.push(e.argv.join(" ").includes("merge-driver") ? "memory merge-driver (node)" : `${e.child_class} ${String(e.argv[0]).slice(0, 40)}`);
  }
  return { procs: [...procs.values()], children };
}

function tallyBy(list, key, value = () => 1) {
  const m = new Map();
  for (const x of list) m.set(key(x), (m.get(key(x)) ?? 0) + value(x));
  return [...m.entries()].sort((x, y) => y[1] - x[1]);
}

function profile(where, make) {
  console.log(`where the time goes: each command once at ${where}, after one untimed run`);
  console.log("git: GIT_TRACE2_EVENT; 'by memory' = git processes the command starts, ms = their own run time summed (some run side by side)");
  console.log("parse: parseBuffer calls per file, counted by a module hook in every node process; ms from the inspector's CPU profile (100 µs samples), total = with callees");
  console.log("");
  for (const layout of LAYOUTS) {
    const s = make(layout);
    const { box, a } = s;
    for (const c of COMMANDS) {
      c.before?.(s);
      box.memory(a, ...c.args); // warm-up, as in the tables
      c.before?.(s);
      const dir = join(box.root, `profile-${c.label.replace(/\W+/g, "-")}-${layout}`);
      mkdirSync(dir);
      const trace = join(dir, "trace.json");
      const env = { ...box.env, GIT_TRACE2_EVENT: trace, NODE_OPTIONS: `--import=${pathToFileURL(preload(dir)).href}` };
      const t = process.hrtime.bigint();
      const res = spawnSync(process.execPath, [CLI, ...c.args], { cwd: a, env, encoding: "utf8" });
      const wall = Number(process.hrtime.bigint() - t) / 1e6;
      if (res.status !== 0) throw new Error(`memory ${c.args.join(" ")}: ${res.stderr}`);
      const { procs, children } = gitProcesses(trace);
      const top = procs.filter((p) => p.top);
      const nested = procs.filter((p) => !p.top);
      console.log(`${c.label} (${layout} layout): ${fmt(wall)} wall, traced and profiled`);
      const list = (rows, ms) => rows.map(([name, n]) => `${name} ${n}${ms ? ` (${fmt(ms.get(name))})` : ""}`).join(", ");
      const topMs = new Map(tallyBy(top, (p) => p.name, (p) => p.ms));
      console.log(`  git by memory: ${top.length} processes, ${fmt(top.reduce((x, p) => x + p.ms, 0))}: ${list(tallyBy(top, (p) => p.name), topMs)}`);
      const nestedMs = new Map(tallyBy(nested, (p) => p.name, (p) => p.ms));
      if (nested.length) console.log(`  git by git:    ${nested.length} processes (their time is inside the above): ${list(tallyBy(nested, (p) => p.name), nestedMs)}`);
      if (children.length) console.log(`  other children of git: ${list(tallyBy(children, (x) => x))}`);
      for (const f of readdirSync(dir).filter((f) => /^\d+\.json$/.test(f))) {
        const r = JSON.parse(readFileSync(join(dir, f), "utf8"));
        const what = r.argv[0] === "merge-driver" ? `merge-driver ${r.argv[1]}` : `memory ${r.argv.join(" ")}`;
        const pt = r.profile ? parseTime(r.profile) : null;
        const files = Object.entries(r.tally).map(([file, x]) => `${file.replace(`${BANK}/`, "")} ${x.calls}x`).join(", ");
        const calls = Object.values(r.tally).reduce((x, y) => x + y.calls, 0);
        const mb = Object.values(r.tally).reduce((x, y) => x + y.bytes, 0) / 1e6;
        const inside = pt?.top.length ? ` (inside: ${pt.top.map(([name, ms]) => `${name} ${fmt(ms)}`).join(", ")})` : "";
        const time = pt ? `; parseBuffer ${fmt(pt.total)} total, ${fmt(pt.self)} self${inside}, of ${fmt(pt.span)} profiled` : "; no profile";
        const busiest = pt ? `\n    busiest (self time): ${pt.busiest.map(([name, ms]) => `${name} ${fmt(ms)}`).join(", ")}` : "";
        console.log(`  ${what}: ${r.loaded ? `${calls} parses, ${mb.toFixed(2)} MB${calls ? ` (${files})` : ""}` : "parser not loaded"}${time}${busiest}`);
      }
      console.log("");
    }
    rmSync(box.root, { recursive: true, force: true });
  }
}
