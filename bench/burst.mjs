// Many agents at once: N clones each add one entry, then all run `memory save --json` at the same moment
// against one bare origin. Reports the burst's wall time, p50/p95 per save, push attempts, failures, and the
// entries on the remote right after the burst: on the bank branch itself, and delivered (on the branch or
// on a writer ref, ADR-017); then how long a fresh clone's first start takes to take them all in, and what
// it sees.
//
//   npm run build && node bench/burst.mjs            # N = 8, 32
//   SIZES=8,32,64 node bench/burst.mjs
//   SIZES= WRITERS=2,64 node bench/burst.mjs    # only the reads: a fresh start with W writer refs waiting
//   SIZES=256 WAVE=64 WRITERS= node bench/burst.mjs  # 256 clones, at most 64 saves running at once
import { spawn } from "node:child_process";
import { appendFileSync, cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createEntry } from "../dist/core/entries.js";
import { isoSeconds } from "../dist/core/clock.js";
import { newId } from "../dist/core/ids.js";
import { CLI, sandbox, seedOrigin } from "./lib.mjs";

const sizes = (process.env.SIZES ?? "8,32").split(",").filter(Boolean).map(Number);
for (const n of sizes) {
  const box = sandbox();
  const { root, env, git, memory } = box;
  const { origin, seed } = seedOrigin(box);
  memory(seed, "init", "--persona", "seed");
  memory(seed, "save");
  const clones = [];
  for (let i = 0; i < n; i++) {
    const dir = join(root, `p${i}`);
    git(root, "clone", "-q", origin, dir);
    memory(dir, "init", "--persona", `p${i}`);
    memory(dir, "add", "pattern", `burst entry ${i}`, "-m", `from clone ${i}`);
    clones.push(dir);
  }
  const started = performance.now();
  // At most WAVE saves run at once (all of them by default); the rest start as earlier ones end.
  const wave = Number(process.env.WAVE ?? n);
  let running = 0;
  const waiting = [];
  const slot = () => (running < wave ? (running++, Promise.resolve()) : new Promise((go) => waiting.push(go)));
  const release = () => (waiting.length ? waiting.shift()() : running--);
  const results = await Promise.all(clones.map((dir) => slot().then(() => new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(process.execPath, [CLI, "save", "--json"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("close", (code) => {
      let sync = null;
      try { sync = JSON.parse(out).sync; } catch {}
      release();
      resolve({ code, ms: performance.now() - t, attempts: sync?.attempts ?? 0, pushed: !!sync?.pushed, writer: !!sync?.writerRef });
    });
  }))));
  const wall = performance.now() - started;
  const times = results.map((r) => r.ms).sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
  const failures = results.filter((r) => r.code !== 0).length;
  const attempts = results.map((r) => r.attempts).sort((a, b) => a - b);
  const titles = (rev) => git(root, "--git-dir", origin, "show", `${rev}:.claude/memory-bank/patterns-buffer.md`).match(/^## burst entry \d+$/gm) ?? [];
  const onBranch = titles("memory").length;
  const writerRefs = git(root, "--git-dir", origin, "for-each-ref", "--format=%(refname)", "refs/memory/writers/").split("\n").filter(Boolean);
  const delivered = new Set([...titles("memory"), ...writerRefs.flatMap(titles)]).size;
  const fresh = join(root, "fresh");
  git(root, "clone", "-q", origin, fresh);
  memory(fresh, "init", "--persona", "fresh");
  const t0 = performance.now();
  memory(fresh, "start");
  const startMs = performance.now() - t0;
  const seen = (git(fresh, "show", `memory:.claude/memory-bank/patterns-buffer.md`).match(/^## burst entry /gm) ?? []).length;
  const left = git(root, "--git-dir", origin, "for-each-ref", "--format=%(refname)", "refs/memory/writers/").split("\n").filter(Boolean).length;
  console.log(`burst of ${n}${wave < n ? ` (at most ${wave} at once)` : ""}: wall ${(wall / 1000).toFixed(1)} s, per save p50 ${(q(50) / 1000).toFixed(2)} s p95 ${(q(95) / 1000).toFixed(2)} s, push attempts max ${attempts.at(-1)} (median ${attempts[Math.floor(n / 2)]}), failures ${failures}, through writer refs ${results.filter((r) => r.writer).length}`);
  console.log(`  right after: ${onBranch}/${n} on the bank branch, ${delivered}/${n} delivered (branch or ${writerRefs.length} writer refs)`);
  console.log(`  a fresh clone's first start: ${Math.round(startMs)} ms, sees ${seen}/${n}, writer refs left ${left}`);
}

// Reads: a fresh clone's first start with W writer refs waiting on the remote (each one entry on the branch's
// tip, pushed by git directly), median of RUNS runs, each on a copy of the same origin. Goal: the start with
// 64 writers within 2x of the start with 2.
const writersSizes = (process.env.WRITERS ?? "2,64").split(",").filter(Boolean).map(Number);
const runs = Number(process.env.RUNS ?? 5);
const reads = [];
for (const w of writersSizes) {
  const box = sandbox();
  const { root, git, memory } = box;
  const { origin, seed } = seedOrigin(box);
  memory(seed, "init", "--persona", "seed");
  memory(seed, "add", "pattern", "on the branch", "-m", "before the writers");
  memory(seed, "save");
  const scratch = join(root, "scratch");
  git(seed, "worktree", "add", "-q", scratch, "-b", "scratch", "origin/memory");
  for (let i = 0; i < w; i++) {
    git(scratch, "checkout", "-q", "-B", "scratch", "origin/memory");
    const file = join(scratch, ".claude/memory-bank/patterns-buffer.md");
    const at = new Date(Date.parse("2026-01-01T00:00:00Z") + i * 1000);
    const entry = createEntry({ id: newId(at.getTime()), type: "pattern", author: `w${i}`, createdAt: isoSeconds(at), title: `writer entry ${i}`, tags: [], body: `from writer ${i}` });
    appendFileSync(file, `\n${entry.lines.join("\n")}\n`);
    git(scratch, "commit", "-q", "-am", `writer ${i}`);
    git(scratch, "push", "-q", "origin", `HEAD:refs/memory/writers/memory/w${i}`);
  }
  const times = [];
  for (let r = 0; r < runs; r++) {
    const copy = join(root, `origin-${r}.git`);
    cpSync(origin, copy, { recursive: true });
    const fresh = join(root, `fresh-${r}`);
    git(root, "clone", "-q", copy, fresh);
    memory(fresh, "init", "--persona", "fresh");
    const t0 = performance.now();
    memory(fresh, "start");
    times.push(performance.now() - t0);
    const seen = (git(fresh, "show", `memory:.claude/memory-bank/patterns-buffer.md`).match(/^## writer entry /gm) ?? []).length;
    if (seen !== w) throw new Error(`a fresh start saw ${seen} of ${w} writers' entries`);
  }
  times.sort((a, b) => a - b);
  reads.push([w, times[Math.floor(times.length / 2)]]);
  rmSync(root, { recursive: true, force: true });
}
for (const [w, ms] of reads) console.log(`a fresh clone's first start with ${String(w).padStart(3)} writer refs waiting: ${ms.toFixed(0)} ms (median of ${runs})${w === reads[0][0] ? "" : `, ${(ms / reads[0][1]).toFixed(2)}x the start with ${reads[0][0]}`}`);
