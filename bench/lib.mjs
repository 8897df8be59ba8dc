// Shared by the benchmarks: a clean environment, a median timer for whole processes, and repositories to time.
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createEntry, serializeBuffer } from "../dist/core/entries.js";
import { isoSeconds } from "../dist/core/clock.js";
import { newId } from "../dist/core/ids.js";

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
    const res = spawnSync(cmd, args, { cwd, env, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${res.stderr}`);
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

export const fmt = (ms) => `${ms.toFixed(1)} ms`;

/**
 * A bare origin in the sandbox whose main holds one commit (made in `<root>/seed`); with layout "current",
 * that commit holds a config keeping the bank on the checked-out branch (the original layout).
 */
export function seedOrigin({ root, git }, layout = "branch") {
  const origin = join(root, "origin.git");
  git(root, "init", "-q", "--bare", "-b", "main", origin);
  const seed = join(root, "seed");
  git(root, "clone", "-q", origin, seed);
  if (layout === "current") {
    mkdirSync(join(seed, ".claude"));
    writeFileSync(join(seed, ".claude/memory.config.json"), '{ "sync": { "branch": "current" } }\n');
    git(seed, "add", ".");
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
