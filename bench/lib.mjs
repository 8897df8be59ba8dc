// Shared by the benchmarks: a clean environment, a median timer for whole processes, and repositories to time.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createEntry, serializeBuffer } from "../dist/core/entries.js";
import { isoSeconds } from "../dist/core/clock.js";
import { newId } from "../dist/core/ids.js";
import { logLine } from "../dist/core/merge.js";

export const BANK = ".claude/memory-bank";
export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), "..", "bin", "memory.js");

/** A temp folder with its own git identity; NODE_EXTRA_CA_CERTS removed, as on a user's machine. */
export function sandbox() {
  const root = mkdtempSync(join(tmpdir(), "memory-bench-"));
  const home = join(root, "home");
  mkdirSync(home);
  writeFileSync(join(home, ".gitconfig"), "[user]\n\tname = Bench\n\temail = bench@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n");
  const env = { ...process.env, HOME: home, GIT_CONFIG_GLOBAL: join(home, ".gitconfig"), GIT_CONFIG_NOSYSTEM: "1", NO_COLOR: "1" };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.MEMORY_PERSONA;
  const run = (cwd, cmd, args) => {
    const res = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 1 << 28 });
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${res.error ?? res.stderr}`);
    return res.stdout;
  };
  return { root, env, run, memory: (cwd, ...args) => run(cwd, process.execPath, [CLI, ...args]), git: (cwd, ...args) => run(cwd, "git", args) };
}

/** Median wall time in ms of `fn` over `runs` runs, after one warm-up; `before` runs untimed ahead of each. */
export function median(fn, runs = 15, before = () => {}) {
  before();
  fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    before();
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Median wall times in ms of several steps `{ fn, before }` timed in turn, `runs` rounds after one warm-up
 * round: a load that comes and goes on the machine weighs on each step alike, which keeps their ratios honest.
 */
export function medians(steps, runs = 15) {
  const times = steps.map(() => []);
  for (let round = 0; round <= runs; round++) {
    steps.forEach((step, i) => {
      step.before?.();
      const t = process.hrtime.bigint();
      step.fn();
      if (round > 0) times[i].push(Number(process.hrtime.bigint() - t) / 1e6);
    });
  }
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;

/**
 * A bare origin in the sandbox whose main holds one commit (made in `<root>/seed`); with layout "current",
 * that commit holds a config keeping the bank on the checked-out branch (the original layout). With `code`
 * (a repository, see codeRepo), the origin starts as a copy of it, and the seed clone checks nothing out.
 */
export function seedOrigin({ root, git }, layout = "branch", { code } = {}) {
  const origin = join(root, "origin.git");
  const seed = join(root, "seed");
  if (code) {
    git(root, "clone", "-q", "--bare", code, origin);
    git(root, "clone", "-q", "--no-checkout", origin, seed);
    git(seed, "reset", "-q"); // the index from HEAD, so the commit below keeps every file it does not see
  } else {
    git(root, "init", "-q", "--bare", "-b", "main", origin);
    git(root, "clone", "-q", origin, seed);
  }
  if (layout === "current") {
    mkdirSync(join(seed, ".claude"));
    writeFileSync(join(seed, ".claude/memory.config.json"), '{ "sync": { "branch": "current" } }\n');
    git(seed, "add", ".claude");
  }
  git(seed, "commit", "-q", "--allow-empty", "-m", "initial");
  git(seed, "push", "-q", "origin", "main");
  return { origin, seed };
}


/** A repository of its own in the sandbox (main with one commit) with a bank initialized for "bench". */
export function benchRepo({ root, git, memory }) {
  const dir = join(root, "repo");
  git(root, "init", "-q", "-b", "main", dir);
  git(dir, "commit", "-q", "--allow-empty", "-m", "initial");
  memory(dir, "init", "--persona", "bench");
  return dir;
}

/** A seeded generator of words drawn from `pick(rand)`: `sentence(n)` is n of them. */
export function wordsFrom(seed, pick) {
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return (n) => Array.from({ length: n }, () => pick(rand)).join(" ");
}

/**
 * `count` entries spread over the three buffers of the bank in `dir`, one every `step` ms from `start`, by
 * `authors` personas in turn, their words from `sentence`; then `docs` documents under Docs/guide of
 * `sections` sections each.
 */
export function writeBank(dir, sentence, { count, start = "2025-01-01T00:00:00Z", step = 3_600_000, authors = 6, docs = 500, sections = 1 }) {
  const files = [["patterns-buffer.md", "pattern"], ["lessons-buffer.md", "lesson"], ["decisions-inbox.md", "decision"]];
  const per = files.map(() => []);
  for (let i = 0; i < count; i++) {
    const at = new Date(Date.parse(start) + i * step);
    const entry = { id: newId(at.getTime()), type: files[i % 3][1], author: `p${i % authors}`, createdAt: isoSeconds(at), title: sentence(4), tags: [sentence(1)], body: `${sentence(12)}\n${sentence(10)}` };
    per[i % 3].push(createEntry(entry));
  }
  files.forEach(([file], i) => writeFileSync(join(dir, BANK, file), serializeBuffer({ header: ["# buffer", ""], entries: per[i], shape: { bom: false, eol: "\n" } })));
  mkdirSync(join(dir, "Docs/guide"), { recursive: true });
  const more = () => Array.from({ length: sections - 1 }, () => `\n## ${sentence(2)}\n\n${sentence(25)}\n`).join("");
  for (let d = 0; d < docs; d++) writeFileSync(join(dir, `Docs/guide/doc-${d}.md`), `# ${sentence(3)}\n\n${sentence(30)}\n\n## ${sentence(2)}\n\n${sentence(40)}\n${more()}`);
}

let appended = 0;

/** A new entry at the end of the patterns buffer in `dir`, written as `memory add` would, without a process. */
export function appendEntry(dir, persona) {
  const at = new Date();
  const entry = createEntry({ id: newId(at.getTime()), type: "pattern", author: persona, createdAt: isoSeconds(at), title: `entry ${++appended}`, tags: [], body: "what\nwhere\nwhy" });
  appendFileSync(join(dir, BANK, "patterns-buffer.md"), `\n${entry.lines.join("\n")}\n`);
}

/** A line in the session log in `dir`, as a command of `persona` writes it. */
export function appendLogLine(dir, persona, event) {
  appendFileSync(join(dir, BANK, "SESSION_LOG.md"), `${logLine(isoSeconds(new Date()), persona, event, "bench")}\n`);
}

/**
 * What a careful script runs to sync the branch checked out in `dir` with origin: fetch, merge (always: it
 * cannot know the remote did not move without fetching and looking), and push unless `push` is false.
 */
export function rawSync(git, dir, { branch = "main", push = true } = {}) {
  git(dir, "fetch", "-q", "origin");
  git(dir, "merge", "-q", "--no-edit", `origin/${branch}`);
  if (push) git(dir, "push", "-q", "origin", `HEAD:${branch}`);
}

/**
 * A repository whose main holds `files` files (100 to a folder) in `commits` commits: the first adds them
 * all, each later one changes three. Built once by one `git fast-import` from a generated stream and kept
 * under the OS temp dir, named by its parameters; `built` says whether this call built it.
 */
export function codeRepo({ files, commits }) {
  const path = join(tmpdir(), `memory-scale-code-${files}f-${commits}c-v1.git`);
  if (existsSync(path)) return { path, built: false };
  const tmp = `${path}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
  const git = (args, input) => {
    const res = spawnSync("git", args, { env, input, maxBuffer: 1 << 26 });
    if (res.status !== 0) throw new Error(`git ${args.join(" ")}: ${res.stderr}`);
  };
  git(["init", "-q", "--bare", "-b", "main", tmp]);
  const word = wordsFrom(7, (rand) => ["cache", "order", "user", "retry", "parse", "index", "token", "queue", "merge", "price"][Math.floor(rand() * 10)]);
  const pathOf = (i) => `src/a${Math.floor(i / 2500)}/b${Math.floor(i / 100) % 25}/f${i}.ts`;
  const body = (i, rev) => `// ${word(6)}\nexport const v${i} = ${rev};\nexport function f${i}() {\n  return "${word(8)}";\n}\n`;
  const end = Date.parse("2025-01-01T00:00:00Z") / 1000;
  const chunks = [];
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commit = (c, changes) => {
    const who = `Dev ${c % 20} <dev${c % 20}@example.invalid> ${end - (commits - c) * 3600} +0000`;
    chunks.push(`commit refs/heads/main\nauthor ${who}\ncommitter ${who}\n${data(c === 0 ? "initial import" : `change ${c}`)}`);
    for (const i of changes) chunks.push(`M 100644 inline ${pathOf(i)}\n${data(body(i, c))}`);
    chunks.push("\n");
  };
  commit(0, Array.from({ length: files }, (_, i) => i));
  let seed = 1;
  const pick = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % files;
  for (let c = 1; c < commits; c++) commit(c, [pick(), pick(), pick()]);
  git(["--git-dir", tmp, "fast-import", "--quiet"], chunks.join(""));
  renameSync(tmp, path);
  return { path, built: true };
}
