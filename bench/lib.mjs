// Shared by the benchmarks: a clean environment and a median timer for whole processes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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

