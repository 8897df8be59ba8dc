// Many agents at once: N clones each add one entry, then all run `memory save --json` at the same moment
// against one bare origin. Reports the burst's wall time, p50/p95 per save, push attempts, failures, and the
// entries on the remote right after the burst (and after one more start in a fresh clone).
//
//   npm run build && node bench/burst.mjs            # N = 8, 32
//   SIZES=8,32,64 node bench/burst.mjs
import { spawn } from "node:child_process";
import { join } from "node:path";
import { CLI, sandbox, seedOrigin } from "./lib.mjs";

const sizes = (process.env.SIZES ?? "8,32").split(",").map(Number);
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
  const results = await Promise.all(clones.map((dir) => new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(process.execPath, [CLI, "save", "--json"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("close", (code) => {
      let sync = null;
      try { sync = JSON.parse(out).sync; } catch {}
      resolve({ code, ms: performance.now() - t, attempts: sync?.attempts ?? 0, pushed: !!sync?.pushed });
    });
  })));
  const wall = performance.now() - started;
  const times = results.map((r) => r.ms).sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
  const failures = results.filter((r) => r.code !== 0).length;
  const attempts = results.map((r) => r.attempts).sort((a, b) => a - b);
  const onRemote = (git(root, "--git-dir", origin, "show", `memory:.claude/memory-bank/patterns-buffer.md`).match(/^## burst entry /gm) ?? []).length;
  const fresh = join(root, "fresh");
  git(root, "clone", "-q", origin, fresh);
  memory(fresh, "init", "--persona", "fresh");
  memory(fresh, "start");
  const seen = (git(fresh, "show", `memory:.claude/memory-bank/patterns-buffer.md`).match(/^## burst entry /gm) ?? []).length;
  console.log(`burst of ${n}: wall ${(wall / 1000).toFixed(1)} s, per save p50 ${(q(50) / 1000).toFixed(2)} s p95 ${(q(95) / 1000).toFixed(2)} s, attempts max ${attempts.at(-1)} (median ${attempts[Math.floor(n / 2)]}), failures ${failures}, entries on the remote ${onRemote}/${n}, seen by a fresh clone ${seen}/${n}`);
}
