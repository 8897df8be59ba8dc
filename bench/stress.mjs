// Randomized stress run, on demand (not part of `npm run bench`): N persona clones of one bare origin do
// random `memory` commands, hand edits and plain git pulls, then converge and are checked for invariants.
//
//   node bench/stress.mjs                          # random seed, 5 clones, 30 rounds
//   SEED=1234 CLONES=8 ROUNDS=60 node bench/stress.mjs
//   KEEP=1 ...                                     # keep the temp folder (always kept when a check fails)
//   ADVERSARIAL=1 ROUNDS=200 node bench/stress.mjs  # also kill -9 commands at random points, leave stale locks,
//                                                  # and run several commands in one clone at once
//   LAYOUT=current ...                             # the original layout (bank on main); default: its own branch
//
// The seed fixes every choice the script makes (which clone, which action, which text); what it cannot fix is
// the clock (entry ids, stamps) and who wins a race when clones save at the same moment, so a replay takes the
// same path unless those change an outcome. ROUNDS=k with the same seed replays a prefix of a longer run.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseBuffer, serializeBuffer } from "../dist/core/entries.js";
import { CLI, sandbox } from "./lib.mjs";

const SEED = process.env.SEED !== undefined ? Number(process.env.SEED) >>> 0 : Math.floor(Math.random() * 2 ** 32);
const CLONES = Number(process.env.CLONES ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 30);
const QUIET = process.env.QUIET === "1";
const ADVERSARIAL = process.env.ADVERSARIAL === "1";
const LAYOUT = process.env.LAYOUT === "current" ? "current" : "branch";
console.log(`stress: SEED=${SEED} CLONES=${CLONES} ROUNDS=${ROUNDS}${ADVERSARIAL ? " ADVERSARIAL=1" : ""} LAYOUT=${LAYOUT}`);

// mulberry32: a 32-bit seeded PRNG, enough to replay a run.
function mulberry32(a) {
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (n) => Math.floor(rand() * n);
const pick = (xs) => xs[int(xs.length)];
const chance = (p) => rand() < p;
const weighted = (table) => {
  let r = rand() * table.reduce((n, [, w]) => n + w, 0);
  for (const [v, w] of table) if ((r -= w) < 0) return v;
  return table[table.length - 1][0];
};

const BANK = ".claude/memory-bank";
const BUFFERS = { pattern: "patterns-buffer.md", lesson: "lessons-buffer.md", gotcha: "lessons-buffer.md", decision: "decisions-inbox.md" };
const BUFFER_FILES = ["patterns-buffer.md", "lessons-buffer.md", "decisions-inbox.md"];
const PATTERNS_DOC = "Docs/03-Reference/Patterns.md";
const PM_DIR = "Docs/06-PostMortems";
const ADR_DIR = "Docs/03-Reference/ADR";

const { root, env: baseEnv } = sandbox();
const env = { ...baseEnv, GIT_MERGE_AUTOEDIT: "no", GIT_EDITOR: "true", GIT_TERMINAL_PROMPT: "0" };
const origin = join(root, "origin.git");
const started = Date.now();

// ---- running commands, logging every one ----
const log = []; // the action log, one line per action or command
const failures = []; // non-zero exits
const violations = [];
let round = 0;
const note = (line) => {
  log.push(`[r${round}] ${line}`);
  if (!QUIET && process.env.VERBOSE === "1") console.log(`[r${round}] ${line}`);
};
const shq = (a) => {
  if (/^[\w@%+=:,./-]+$/.test(a)) return a;
  if (/[\r\n\t]/.test(a)) return `$'${a.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\r/g, "\\r").replace(/\n/g, "\\n").replace(/\t/g, "\\t")}'`;
  return `'${a.replace(/'/g, `'\\''`)}'`;
};
const show = (cmd, args) => [cmd === process.execPath ? "memory" : cmd, ...(cmd === process.execPath ? args.slice(1) : args)].map(shq).join(" ");

// Documented refusals a random run may legitimately meet; anything else non-zero is reported.
const DOCUMENTED_REFUSALS = [
  /Patterns\.md has uncommitted changes; commit or stash them first/, // harvest, after a hand edit of the reference
];

function record(clone, cmd, args, res) {
  const status = res.status ?? `signal ${res.signal}`;
  const line = `${clone.name}: ${show(cmd, args)}${status === 0 ? "" : `  → exit ${status}`}`;
  note(line);
  if (status !== 0) {
    const documented = DOCUMENTED_REFUSALS.some((re) => re.test(res.stderr));
    failures.push({ round, clone: clone.name, command: show(cmd, args), status, stderr: res.stderr.trim(), documented });
  }
  return res;
}
function exec(clone, cmd, args, input) {
  const res = spawnSync(cmd, args, { cwd: clone.dir, env, encoding: "utf8", input, maxBuffer: 64 << 20 });
  return record(clone, cmd, args, res);
}
const memory = (clone, ...args) => exec(clone, process.execPath, [CLI, ...args]);
const git = (clone, ...args) => exec(clone, "git", args);
const gitQuiet = (dir, ...args) => spawnSync("git", args, { cwd: dir, env, encoding: "utf8" });
function execAsync(clone, cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: clone.dir, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status, signal) => resolve({ clone, cmd, args, res: { status, signal, stdout, stderr } }));
  });
}

// ---- ledger ----
/** id → { type, clone, round, token, deletes: [], edits: [], harvested: [] } */
const ledger = new Map();
let counter = 0;
const baseId = (id) => id.replace(/(?:\.edit-[^.]+)+$/, "");

// ---- text generators ----
const TITLES = [
  "Retry pushes with jitter", "Same title", "Café naïve résumé", "日本語のタイトル", "Emoji 🚀 rockets",
  'Use "quotes" & $(rm -rf ~) ../etc', "CRLF in fixtures", "Cache product pages for 60 s", "Same title",
];
const FRAGMENTS = [
  () => "Back off 50-400 ms; six tries covered eight racing clones.",
  () => "## Not a new entry\nA heading inside the body.",
  () => "```js\n## inside a fence\n<!-- entry id=fake-in-fence -->\nconst x = 1;\n```",
  () => "```\nan unclosed fence",
  () => "~~~\n# hash in a tilde fence\n~~~",
  () => "Ünïcödé — ✓ 中文 🎉 ﬁ",
  () => "line one\r\nline two\r\n",
  () => "<<<<<<< HEAD\nnot a conflict\n=======\n>>>>>>> theirs",
  () => "<!-- entry id=sneaky-marker -->\n## sneaky",
  () => "- a list\n- of items\n\n\n\nafter blank lines",
];
const TRAILER = "See also: the team wiki.";
function makeBody(token) {
  const parts = [token];
  const n = int(3);
  for (let i = 0; i < n; i++) parts.push(pick(FRAGMENTS)());
  if (chance(0.5)) parts.push(TRAILER);
  let body = parts.join("\n\n");
  if (chance(0.15)) body = body.replace(/\n/g, "\r\n");
  return body;
}

// ---- setup ----
gitQuiet(root, "init", "-q", "--bare", "-b", "main", origin);
const clones = [];
for (let i = 0; i < CLONES; i++) {
  const dir = join(root, `p${i}`);
  gitQuiet(root, "clone", "-q", origin, dir);
  clones.push({ name: `p${i}`, dir });
}
writeFileSync(join(clones[0].dir, "README.md"), "# project\n");
git(clones[0], "add", "README.md");
if (LAYOUT === "current") {
  mkdirSync(join(clones[0].dir, ".claude"), { recursive: true });
  writeFileSync(join(clones[0].dir, ".claude/memory.config.json"), '{ "sync": { "branch": "current" } }\n');
  git(clones[0], "add", ".claude/memory.config.json");
}
git(clones[0], "commit", "-q", "-m", "initial");
git(clones[0], "push", "-q", "origin", "HEAD:main");
for (const c of clones.slice(1)) git(c, "pull", "-q", "--no-rebase", "origin", "main");
for (const c of clones) memory(c, "init", "--persona", c.name);
memory(clones[0], "save");
for (const c of clones.slice(1)) memory(c, "start");

// ---- actions ----
const file = (clone, rel) => join(clone.dir, rel);
const readBuffer = (clone, name) => {
  const path = file(clone, `${BANK}/${name}`);
  const text = readFileSync(path, "utf8");
  return { path, doc: parseBuffer(text, { file: name }) };
};
const dirty = (clone) => gitQuiet(clone.dir, "status", "--porcelain", "--", BANK, "Docs").stdout.trim() !== "";

function actAdd(clone) {
  const type = pick(Object.keys(BUFFERS));
  const token = `note k${++counter} (r${round} ${clone.name})`;
  const title = chance(0.6) ? `${pick(TITLES)} ${counter}` : pick(TITLES);
  const args = ["add", type, title];
  let input;
  if (chance(0.1)) {
    // title only: the token goes in the tags so the entry can still be found
    args.push("--tags", `k${counter}`);
  } else if (chance(0.15)) {
    input = makeBody(token);
    args.push("-m", "-");
  } else args.push("-m", makeBody(token));
  if (chance(0.2)) args.push("--tags", "git,sync");
  const res = exec(clone, process.execPath, [CLI, ...args], input);
  if (input !== undefined) log[log.length - 1] += `   (stdin: ${shq(input)})`;
  const id = res.stdout.trim().split("\n")[0];
  if (res.status === 0 && id) {
    ledger.set(id, { type, clone: clone.name, round, token: args.includes("-m") ? token : null, deletes: [], edits: [], harvested: [] });
    log[log.length - 1] += `   → ${id}`;
  }
}

function actEdit(clone, target) {
  const name = target?.name ?? pick(BUFFER_FILES);
  let buf;
  try {
    buf = readBuffer(clone, name);
  } catch (e) {
    violations.push(`${clone.name} ${name} does not parse before a hand edit (r${round}): ${e.message}`);
    return;
  }
  if (buf.doc.entries.length === 0) return note(`${clone.name}: hand-edit ${name}: empty, skipped`);
  const entry = target ? buf.doc.entries.find((e) => e.id === target.id) : pick(buf.doc.entries);
  if (!entry) return note(`${clone.name}: hand-edit ${name}: ${target.id} not here, skipped`);
  const token = `edit k${++counter} (r${round} ${clone.name})`;
  const lines = [...entry.lines];
  const how = pick(["append", "title", "insert", "crlf"]);
  if (how === "title") {
    const h = lines.findIndex((l, i) => i > 0 && /^#{1,6}\s/.test(l));
    lines[h] = `## ${pick(TITLES)} (retitled r${round})`;
    lines.push("", token);
  } else if (how === "insert") {
    const h = lines.findIndex((l, i) => i > 0 && /^#{1,6}\s/.test(l));
    lines.splice(h + 1, 0, "", token);
  } else lines.push("", token);
  entry.lines = lines;
  if (how === "crlf") buf.doc.shape = { ...buf.doc.shape, eol: "\r\n" };
  writeFileSync(buf.path, serializeBuffer(buf.doc));
  const rec = ledger.get(baseId(entry.id));
  rec?.edits.push({ round, clone: clone.name, token, id: entry.id });
  note(`${clone.name}: hand-edit ${name} ${entry.id} (${how}, adds "${token}")`);
}

function actDelete(clone, target) {
  const name = target?.name ?? pick(BUFFER_FILES);
  let buf;
  try {
    buf = readBuffer(clone, name);
  } catch (e) {
    violations.push(`${clone.name} ${name} does not parse before a hand delete (r${round}): ${e.message}`);
    return;
  }
  if (buf.doc.entries.length === 0) return note(`${clone.name}: hand-delete in ${name}: empty, skipped`);
  const k = target ? buf.doc.entries.findIndex((e) => e.id === target.id) : int(buf.doc.entries.length);
  if (k < 0) return note(`${clone.name}: hand-delete in ${name}: ${target.id} not here, skipped`);
  const [entry] = buf.doc.entries.splice(k, 1);
  writeFileSync(buf.path, serializeBuffer(buf.doc));
  ledger.get(baseId(entry.id))?.deletes.push({ round, clone: clone.name, id: entry.id });
  note(`${clone.name}: hand-delete ${name} ${entry.id}`);
}

function actContext(clone) {
  const path = file(clone, `${BANK}/activeContext.md`);
  const text = readFileSync(path, "utf8");
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  writeFileSync(path, `${text}${text.endsWith("\n") ? "" : eol}- r${round} ${clone.name}: working on ${pick(TITLES)}${eol}`);
  note(`${clone.name}: hand-edit activeContext.md`);
}

function recordHarvest(clone, res) {
  try {
    const out = JSON.parse(res.stdout);
    for (const f of out.plan?.files ?? []) {
      for (const id of f.entries) ledger.get(baseId(id))?.harvested.push({ round, clone: clone.name, id, path: f.path });
    }
    const n = (out.plan?.files ?? []).reduce((s, f) => s + f.entries.length, 0);
    log[log.length - 1] += `   → ${n} harvested${out.attempts > 1 ? `, ${out.attempts} attempts` : ""}`;
  } catch {
    /* a failed harvest prints no JSON; its exit is recorded */
  }
}

function actHarvest(clone) {
  const args = ["harvest", "--yes", "--json"];
  if (chance(0.5)) args.push("--all");
  if (chance(0.2)) args.push("--no-push");
  recordHarvest(clone, memory(clone, ...args));
}

// Two clones touch the same entry before either syncs: edit/edit, edit/delete, or a harvest against an edit.
function actRace() {
  const name = pick(BUFFER_FILES);
  const holders = new Map();
  for (const c of clones) {
    try {
      for (const e of readBuffer(c, name).doc.entries) holders.set(e.id, [...(holders.get(e.id) ?? []), c]);
    } catch {
      /* reported at the end */
    }
  }
  const shared = [...holders].filter(([, cs]) => cs.length >= 2).sort(([a], [b]) => (a < b ? -1 : 1));
  if (shared.length === 0) return note(`race on ${name}: no entry held by two clones, skipped`);
  const [id, cs] = pick(shared);
  const a = cs[int(cs.length)];
  const b = pick(cs.filter((c) => c !== a));
  const kind = pick(["edit/edit", "edit/delete", "delete/edit", "harvest/edit", "edit/harvest", "harvest --no-push/harvest", "harvest --no-push/edit"]);
  note(`race ${kind} on ${id} between ${a.name} and ${b.name}`);
  const [ka, kb] = kind.split("/");
  for (const [c, k] of [[a, ka], [b, kb]]) {
    if (k === "edit") actEdit(c, { name, id });
    else if (k === "delete") actDelete(c, { name, id });
    else recordHarvest(c, memory(c, "harvest", "--yes", "--all", "--json", ...k.split(" ").slice(1)));
  }
  if (chance(0.5)) memory(a, "save");
}

// A hand edit to an entry of the patterns reference (it merges by entry too).
function actEditDoc(clone) {
  const path = file(clone, PATTERNS_DOC);
  if (!existsSync(path)) return note(`${clone.name}: hand-edit ${PATTERNS_DOC}: no such file yet, skipped`);
  const doc = parseBuffer(readFileSync(path, "utf8"), { file: PATTERNS_DOC });
  if (doc.entries.length === 0) return note(`${clone.name}: hand-edit ${PATTERNS_DOC}: no entries, skipped`);
  const entry = pick(doc.entries);
  const token = `edit k${++counter} (r${round} ${clone.name})`;
  entry.lines = [...entry.lines, "", token];
  writeFileSync(path, serializeBuffer(doc));
  ledger.get(baseId(entry.id))?.edits.push({ round, clone: clone.name, token, id: entry.id, doc: true });
  note(`${clone.name}: hand-edit ${PATTERNS_DOC} ${entry.id} (adds "${token}")`);
  // save commits only the bank folder: a reference edit is committed by hand (else incoming merges refuse, as documented)
  git(clone, "commit", "-q", "-m", `edit the patterns reference (${clone.name})`, "--", PATTERNS_DOC);
}

function actPull(clone, rebase) {
  if (dirty(clone)) {
    git(clone, "commit", "-q", "-a", "-m", `hand edits (${clone.name})`);
  }
  const res = git(clone, "pull", "-q", rebase ? "--rebase" : "--no-rebase", "origin", "main");
  if (res.status !== 0) {
    const gitDir = join(clone.dir, ".git");
    const unmerged = gitQuiet(clone.dir, "diff", "--name-only", "--diff-filter=U").stdout.trim();
    violations.push(`${clone.name}: git pull ${rebase ? "--rebase" : "--no-rebase"} failed (r${round})${unmerged ? `, unmerged: ${unmerged}` : ""}: ${res.stderr.trim()}`);
    if (existsSync(join(gitDir, "rebase-merge")) || existsSync(join(gitDir, "rebase-apply"))) git(clone, "rebase", "--abort");
    if (existsSync(join(gitDir, "MERGE_HEAD"))) git(clone, "merge", "--abort");
  }
}

async function actConcurrent() {
  const k = 2 + int(Math.min(CLONES, 5) - 1);
  const chosen = [...clones].sort(() => rand() - 0.5).slice(0, k);
  const jobs = chosen.map((c) => {
    const args = weighted([[["save"], 7], [["start"], 1], [["harvest", "--yes", "--all", "--json"], 2]]);
    return [c, args];
  });
  note(`concurrently: ${jobs.map(([c, a]) => `${c.name} memory ${a.join(" ")}`).join(" & ")}`);
  const results = await Promise.all(jobs.map(([c, a]) => execAsync(c, process.execPath, [CLI, ...a])));
  for (const { clone, cmd, args, res } of results) {
    record(clone, cmd, args, res);
    if (args.includes("harvest")) recordHarvest(clone, res);
  }
}

async function actLockRace(clone) {
  // Two memory processes in one clone: an add while a save runs; the lock makes them take turns.
  const token = `note k${++counter} (r${round} ${clone.name})`;
  const type = pick(Object.keys(BUFFERS));
  const addArgs = [CLI, "add", type, `Lock race ${counter}`, "-m", token];
  note(`${clone.name}: concurrently memory save & memory add ${type} …`);
  const [s, a] = await Promise.all([execAsync(clone, process.execPath, [CLI, "save"]), execAsync(clone, process.execPath, addArgs)]);
  record(clone, s.cmd, s.args, s.res);
  record(clone, a.cmd, a.args, a.res);
  const id = a.res.stdout.trim().split("\n")[0];
  if (a.res.status === 0 && id) {
    ledger.set(id, { type, clone: clone.name, round, token, deletes: [], edits: [], harvested: [] });
    log[log.length - 1] += `   → ${id}`;
  }
}

// ---- adversarial actions ----
const adversity = { kills: 0, killedAdds: 0, killedAddsLanded: 0, staleLocks: 0, sameClone: 0 };
/** Rounds in which a harvest was killed: its plan is unknown, so what it may have harvested is too. */
const killedHarvests = [];

/** A pid that was a real process and is gone now. */
const deadPid = () => Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);

/**
 * Registers an add whose output was lost (killed, or a harvest ran beside it): if its entry is in the
 * buffer, or already in the docs, it landed.
 */
function findLanded(clone, type, title, token) {
  const inBuffer = readBuffer(clone, BUFFERS[type]).doc.entries.find((e) => e.title === title);
  let id = inBuffer?.id;
  if (!id && existsSync(file(clone, PATTERNS_DOC))) {
    id = parseBuffer(readFileSync(file(clone, PATTERNS_DOC), "utf8")).entries.find((e) => e.title === title)?.id;
  }
  for (const dir of [PM_DIR, ADR_DIR]) {
    if (id || !existsSync(file(clone, dir))) continue;
    for (const n of readdirSync(file(clone, dir))) {
      const text = readFileSync(join(file(clone, dir), n), "utf8");
      if (text.includes(`# ${title}\n`) || text.includes(`: ${title}\n`)) id = /^source:\s*(\S+)/m.exec(text)?.[1];
    }
  }
  if (id) ledger.set(id, { type, clone: clone.name, round, token, deletes: [], edits: [], harvested: [] });
  return id;
}

async function actKill(clone) {
  const kind = weighted([["add", 4], ["save", 3], ["start", 2], ["harvest", 3]]);
  const delay = 20 + int(280);
  let args;
  let added;
  if (kind === "add") {
    const type = pick(Object.keys(BUFFERS));
    const token = `note k${++counter} (r${round} ${clone.name})`;
    added = { type, title: `Killed add ${counter}`, token };
    args = ["add", type, added.title, "-m", token];
  } else if (kind === "harvest") args = ["harvest", "--yes", "--all"];
  else args = [kind];
  note(`${clone.name}: memory ${args.map(shq).join(" ")}, kill -9 after ${delay} ms`);
  const child = spawn(process.execPath, [CLI, ...args], { cwd: clone.dir, env, stdio: "ignore" });
  const timer = setTimeout(() => child.kill("SIGKILL"), delay);
  const { code, signal } = await new Promise((r) => child.on("close", (c, sig) => r({ code: c, signal: sig })));
  clearTimeout(timer);
  adversity.kills += signal ? 1 : 0;
  if (kind === "harvest") killedHarvests.push(round);
  log[log.length - 1] += signal ? "   → killed" : `   → exited ${code} first`;
  if (!signal && code !== 0) failures.push({ round, clone: clone.name, command: `memory ${args.join(" ")}`, status: code, stderr: "(output not kept)", documented: false });
  if (added) {
    adversity.killedAdds++;
    if (findLanded(clone, added.type, added.title, added.token)) adversity.killedAddsLanded++;
  }
}

async function actStaleLock(clone) {
  // A lock left by a process that died, then several adds racing to take it over.
  adversity.staleLocks++;
  writeFileSync(join(clone.dir, ".git", "memory.lock"), `${deadPid()} stale\n`);
  const adds = Array.from({ length: 3 + int(6) }, () => {
    const type = pick(Object.keys(BUFFERS));
    const token = `note k${++counter} (r${round} ${clone.name})`;
    return { type, title: `Stale lock ${counter}`, token };
  });
  note(`${clone.name}: stale lock, then ${adds.length} adds at once`);
  const results = await Promise.all(adds.map((a) => execAsync(clone, process.execPath, [CLI, "add", a.type, a.title, "-m", a.token])));
  for (const [i, { cmd, args, res }] of results.entries()) {
    record(clone, cmd, args, res);
    if (res.status === 0) findLanded(clone, adds[i].type, adds[i].title, adds[i].token);
  }
}

async function actSameClone(clone) {
  // Several commands in one clone at the same moment: the lock makes them take turns.
  adversity.sameClone++;
  const jobs = Array.from({ length: 3 + int(3) }, () => weighted([[["add"], 5], [["save"], 3], [["start"], 2], [["harvest", "--yes", "--json"], 1]]));
  const adds = [];
  const argv = jobs.map((j) => {
    if (j[0] !== "add") return j;
    const type = pick(Object.keys(BUFFERS));
    const a = { type, title: `Same clone ${++counter}`, token: `note k${counter} (r${round} ${clone.name})` };
    adds.push(a);
    return ["add", type, a.title, "-m", a.token];
  });
  note(`${clone.name}: at once: ${argv.map((a) => `memory ${a[0]}`).join(" & ")}`);
  const results = await Promise.all(argv.map((a) => execAsync(clone, process.execPath, [CLI, ...a])));
  for (const { clone: c, cmd, args, res } of results) {
    record(c, cmd, args, res);
    if (args.includes("harvest")) recordHarvest(c, res);
  }
  for (const a of adds) findLanded(clone, a.type, a.title, a.token);
}

const ACTIONS = [
  ["add", 30], ["edit", 10], ["delete", 6], ["context", 5], ["save", 12], ["save-no-push", 4], ["start", 10],
  ["harvest", 7], ["pull", 5], ["pull-rebase", 4], ["concurrent", 5], ["lock-race", 2],
  ["race", 8], ["edit-doc", 3],
  ...(ADVERSARIAL ? [["kill", 60], ["stale-lock", 8], ["same-clone", 8]] : []),
];

for (round = 1; round <= ROUNDS; round++) {
  const clone = pick(clones);
  const action = weighted(ACTIONS);
  switch (action) {
    case "add": actAdd(clone); break;
    case "edit": actEdit(clone); break;
    case "delete": actDelete(clone); break;
    case "context": actContext(clone); break;
    case "save": memory(clone, "save"); break;
    case "save-no-push": memory(clone, "save", "--no-push"); break;
    case "start": memory(clone, "start"); break;
    case "harvest": actHarvest(clone); break;
    case "race": actRace(); break;
    case "edit-doc": actEditDoc(clone); break;
    case "pull": actPull(clone, false); break;
    case "pull-rebase": actPull(clone, true); break;
    case "concurrent": await actConcurrent(); break;
    case "lock-race": await actLockRace(clone); break;
    case "kill": await actKill(clone); break;
    case "stale-lock": await actStaleLock(clone); break;
    case "same-clone": await actSameClone(clone); break;
  }
}

// ---- converge ----
round = "final";
for (let pass = 0; pass < 2; pass++) {
  for (const c of clones) {
    memory(c, "save");
    memory(c, "start");
    // The bank on its own branch: the docs are on main, and come with a plain pull (then start lets go of
    // what they hold).
    // Code commits (a hand edit of Patterns.md) are the clone's own to push, as any code is.
    if (LAYOUT === "branch") {
      git(c, "pull", "-q", "--no-rebase", "origin", "main");
      git(c, "push", "-q", "origin", "HEAD:main");
      memory(c, "start");
    }
  }
}

// ---- checks ----
const walk = (dir) => {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
};
/** rel path → bytes, for the bank and Docs of one clone */
const snapshot = (c) => new Map([...walk(join(c.dir, BANK)), ...walk(join(c.dir, "Docs"))].map((p) => [relative(c.dir, p), readFileSync(p)]));

// 1. conflict markers; doctor
for (const c of clones) {
  for (const [rel, bytes] of snapshot(c)) {
    const lines = bytes.toString("utf8").split(/\r?\n/);
    const bad = lines.findIndex((l) => l.startsWith("<<<<<<<") || l.startsWith(">>>>>>>"));
    if (bad >= 0) violations.push(`[1] ${c.name}:${rel}:${bad + 1} holds a conflict marker: ${lines[bad]}`);
  }
  const d = memory(c, "doctor");
  if (d.status !== 0) violations.push(`[1] ${c.name}: memory doctor exited ${d.status}: ${(d.stdout + d.stderr).trim()}`);
}

// 2. identical clones, HEAD = origin, clean trees; the session log only a subset of origin's
const SCOPE = [BANK, "Docs", ".gitattributes"];
const tree = (dir, rev) =>
  gitQuiet(dir, "ls-tree", "-r", rev, "--", ...SCOPE).stdout.split("\n").filter((l) => l && !l.endsWith("/SESSION_LOG.md")).join("\n");
// With the bank on its own branch: the bank against origin's memory, the docs against origin's main.
const bankRef = LAYOUT === "branch" ? "memory" : "main";
const originTree = LAYOUT === "branch" ? `${tree(origin, "memory")}\n${tree(origin, "main")}` : tree(origin, "main");
const cloneTree = (dir) => (LAYOUT === "branch" ? `${tree(dir, "memory")}\n${tree(dir, "HEAD")}` : tree(dir, "HEAD"));
const originLog = new Set(gitQuiet(origin, "show", `${bankRef}:${BANK}/SESSION_LOG.md`).stdout.split("\n"));
const snaps = clones.map(snapshot);
// Clones whose harvest was undone (`Revert "memory: harvest (<clone>)…"` on origin).
const undoneHarvestsBy = new Set(
  gitQuiet(origin, "log", "--all", "--format=%s").stdout.split("\n").map((l) => /^Revert "memory: harvest \(([^)]+)\)/.exec(l)?.[1]).filter(Boolean),
);
for (const [i, c] of clones.entries()) {
  if (i > 0) {
    const a = snaps[0];
    const b = snaps[i];
    for (const rel of new Set([...a.keys(), ...b.keys()])) {
      if (rel.endsWith("SESSION_LOG.md")) continue;
      if (!a.has(rel) || !b.has(rel)) violations.push(`[2] ${rel} is in ${a.has(rel) ? "p0" : c.name} only`);
      else if (!a.get(rel).equals(b.get(rel))) violations.push(`[2] ${rel} differs between p0 and ${c.name}`);
    }
  }
  if (cloneTree(c.dir) !== originTree) violations.push(`[2] ${c.name}: the bank/Docs tree differs from origin's`);
  const status = LAYOUT === "branch"
    ? gitQuiet(c.dir, "status", "--porcelain", "--", "Docs", ".gitattributes").stdout.trim()
    : gitQuiet(c.dir, "status", "--porcelain", "--", ...SCOPE).stdout.trim();
  if (status) violations.push(`[2] ${c.name}: uncommitted bank/Docs changes after converging: ${status.replace(/\n/g, "; ")}`);
  const ownLog = readFileSync(join(c.dir, BANK, "SESSION_LOG.md"), "utf8").split("\n").filter((l) => !originLog.has(l));
  if (ownLog.length) violations.push(`[2] ${c.name}: SESSION_LOG.md has ${ownLog.length} line(s) origin lacks: ${ownLog[0]}`);
}

// 3 and 4, per clone whose content differs from p0's (the same checks would repeat otherwise)
const sourceOf = (text) => {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  return m ? /^source:\s*(\S+)\s*$/m.exec(m[1])?.[1] : undefined;
};
const checked = [];
for (const [i, c] of clones.entries()) {
  const key = [...snaps[i]].filter(([r]) => !r.endsWith("SESSION_LOG.md")).map(([r, b]) => r + b.toString("base64")).join();
  if (checked.includes(key)) continue;
  checked.push(key);
  const tag = i === 0 ? "" : ` (${c.name})`;
  /** id → [{ where, text, doc }] */
  const places = new Map();
  const put = (id, where, text, doc) => {
    if (!places.has(id)) places.set(id, []);
    places.get(id).push({ where, text, doc });
  };
  for (const name of BUFFER_FILES) {
    try {
      for (const e of readBuffer(c, name).doc.entries) put(e.id, name, e.lines.join("\n"), false);
    } catch (e) {
      violations.push(`[3]${tag} ${name} does not parse: ${e.message}`);
    }
  }
  if (existsSync(file(c, PATTERNS_DOC))) {
    try {
      const doc = parseBuffer(readFileSync(file(c, PATTERNS_DOC), "utf8"), { file: PATTERNS_DOC });
      for (const e of doc.entries) put(e.id, PATTERNS_DOC, e.lines.join("\n"), true);
    } catch (e) {
      violations.push(`[3]${tag} ${PATTERNS_DOC} does not parse: ${e.message}`);
    }
  }
  const adrNumbers = new Map();
  for (const dir of [PM_DIR, ADR_DIR]) {
    for (const p of walk(file(c, dir))) {
      const rel = relative(c.dir, p);
      const text = readFileSync(p, "utf8");
      const id = sourceOf(text);
      if (!id) violations.push(`[3]${tag} ${rel} has no source: in its frontmatter`);
      else put(id, rel, text, true);
      if (dir === ADR_DIR) {
        const n = /^ADR-(\d+)-/.exec(p.split("/").pop())?.[1];
        if (n === undefined) violations.push(`[4]${tag} ${rel}: not named ADR-<number>-…`);
        else if (adrNumbers.has(Number(n))) violations.push(`[4]${tag} ADR number ${n} is used twice: ${adrNumbers.get(Number(n))} and ${rel}`);
        else adrNumbers.set(Number(n), rel);
      }
    }
  }
  for (const [id, ps] of places) {
    const docs = ps.filter((p) => p.doc);
    if (docs.length > 1) violations.push(`[4]${tag} ${id} is in ${docs.length} docs: ${docs.map((p) => p.where).join(", ")}`);
    if (!ledger.has(baseId(id))) violations.push(`[3]${tag} ${id} (in ${ps.map((p) => p.where).join(", ")}) was never created by memory add`);
  }
  const allText = [...snaps[i]].filter(([r]) => !r.endsWith("SESSION_LOG.md")).map(([, b]) => b.toString("utf8").replace(/\r\n/g, "\n")).join("\n");
  for (const [id, rec] of ledger) {
    const ps = places.get(id) ?? [];
    const copies = [...places.keys()].filter((k) => k !== id && baseId(k) === id);
    const inBuffer = ps.filter((p) => !p.doc);
    const inDocs = ps.filter((p) => p.doc);
    const otherEdits = rec.edits.some((e) => !e.doc);
    const where = `created r${rec.round} by ${rec.clone}; edits ${rec.edits.map((e) => `r${e.round}/${e.clone}`).join(",") || "none"}; deletes ${rec.deletes.map((e) => `r${e.round}/${e.clone}`).join(",") || "none"}; harvests ${rec.harvested.map((e) => `r${e.round}/${e.clone}`).join(",") || "none"}`;
    if (rec.deletes.length === 0) {
      if (ps.length === 0 && copies.length === 0) violations.push(`[3]${tag} ${id} vanished without a hand delete (${where})`);
      else if (ps.length === 0) violations.push(`[3]${tag} ${id} is gone but its edit copies ${copies.join(", ")} remain (${where})`);
      else if (inBuffer.length === 1 && inDocs.length === 1 && !otherEdits) violations.push(`[3]${tag} ${id} is in a buffer and in ${inDocs[0].where} though it was never edited (${where})`);
      else if (ps.length > 1 && !(inBuffer.length === 1 && inDocs.length === 1)) violations.push(`[3]${tag} ${id} is in ${ps.map((p) => p.where).join(", ")} (${where})`);
      // its own text is still there: the token of its body, and every hand edit made to it
      if (rec.token && !ps.some((p) => p.text.replace(/\r\n/g, "\n").includes(rec.token)) && !copies.some((k) => places.get(k).some((p) => p.text.includes(rec.token)))) {
        violations.push(`[3]${tag} ${id}: its body ("${rec.token}") is lost (${where})`);
      }
      for (const e of rec.edits) if (!allText.includes(e.token)) violations.push(`[3]${tag} ${id}: the hand edit "${e.token}" is lost (${where})`);
    } else {
      // deleted by hand: may survive only where an edit elsewhere or a harvest kept it
      const editedElsewhere = rec.edits.some((e) => !e.doc && rec.deletes.some((d) => d.clone !== e.clone));
      if (inBuffer.length > 0 && !editedElsewhere) violations.push(`[3]${tag} ${id} was deleted by hand and came back in ${inBuffer[0].where} without an edit elsewhere (${where})`);
      if (inDocs.length > 0 && rec.harvested.length === 0 && !killedHarvests.some((r) => r >= rec.round)) violations.push(`[3]${tag} ${id} was deleted by hand and is in ${inDocs[0].where} without a harvest (${where})`);
    }
    // A harvest may have taken a second text of it (`<id>.edit-…`) when a hand delete removed the first.
    const copyInDocs = copies.some((k) => places.get(k).some((p) => p.doc));
    // A harvest kept local (--no-push) is undone when another clone published docs first: its entries go
    // back to the buffers (a revert commit on origin says so), to be harvested again later.
    const undone = inBuffer.length > 0 && rec.harvested.some((h) => undoneHarvestsBy.has(h.clone));
    if (rec.harvested.length > 0 && inDocs.length === 0 && !copyInDocs && !undone) violations.push(`[3]${tag} ${id} was harvested but no doc holds it (${where})`);
  }
}

// 5. exits
for (const f of failures) {
  if (!f.documented) violations.push(`[5] r${f.round} ${f.clone}: ${f.command} exited ${f.status}: ${f.stderr}`);
}

// ---- report ----
const secs = ((Date.now() - started) / 1000).toFixed(1);
const adverse = ADVERSARIAL
  ? `; adversarial: ${adversity.kills} kill -9 (${adversity.killedAddsLanded}/${adversity.killedAdds} killed adds had landed), ${adversity.staleLocks} stale locks, ${adversity.sameClone} same-clone bursts`
  : "";
const stats = `${ledger.size} entries, ${[...ledger.values()].filter((r) => r.harvested.length).length} harvested, ${[...ledger.values()].filter((r) => r.deletes.length).length} deleted by hand, ${[...ledger.values()].reduce((n, r) => n + r.edits.length, 0)} hand edits, ${log.filter((l) => /\] race /.test(l)).length} races, ${failures.length} non-zero exits (${failures.filter((f) => f.documented).length} documented refusals)${adverse}`;
if (violations.length === 0) {
  console.log(`stress: ok in ${secs} s: ${stats}`);
  if (process.env.KEEP === "1") console.log(`kept: ${root}`);
  else rmSync(root, { recursive: true, force: true });
  process.exit(0);
}
console.log(`\nstress: ${violations.length} violation(s), SEED=${SEED} CLONES=${CLONES} ROUNDS=${ROUNDS}, ${secs} s: ${stats}`);
for (const v of violations) console.log(`  - ${v}`);
console.log(`\naction log (replay: SEED=${SEED} CLONES=${CLONES} ROUNDS=${ROUNDS} node bench/stress.mjs):`);
for (const l of log) console.log(`  ${l}`);
console.log(`\nkept for inspection: ${root}`);
process.exit(1);
