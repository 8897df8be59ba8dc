// `memory status` against the floor it stands on: starting node plus `git status` on the same repo.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fmt, median, sandbox } from "./lib.mjs";

const { root, memory, git, run } = sandbox();
const repo = join(root, "repo");
git(root, "init", "-q", "-b", "main", repo);
git(repo, "commit", "-q", "--allow-empty", "-m", "initial");
memory(repo, "init", "--persona", "bench");
for (let i = 0; i < 50; i++) memory(repo, "add", i % 2 ? "pattern" : "lesson", `entry ${i}`, "-m", "a line\nanother line");

const runs = Number(process.env.RUNS ?? 15);
const nodeStart = median(() => run(repo, process.execPath, ["-e", ""]), runs);
const gitStatus = median(() => git(repo, "status", "--porcelain"), runs);
const status = median(() => memory(repo, "status"), runs);
// The least a status written in node can do: load as a module, one git process (the config: remote and
// persona) spawned as memory spawns it, read the five buffers, print. What is left over it is memory's own.
const least = median(() => run(repo, process.execPath, ["--input-type=module", "-e", [
  "import { spawn } from 'node:child_process'; import { readFile } from 'node:fs/promises';",
  "const c = spawn('git', ['config', '--list', '-z']); let o = ''; c.stdout.on('data', (d) => (o += d));",
  "await new Promise((r) => c.on('close', r));",
  "for (const f of ['patterns-buffer', 'lessons-buffer', 'decisions-inbox', 'handoffs', 'tasks']) await readFile(`.claude/memory-bank/${f}.md`, 'utf8').catch(() => '');",
  "process.stdout.write(`${o.length}\\n`);",
].join(" ")]), runs);
const floor = nodeStart + gitStatus;
console.log(`node start       ${fmt(nodeStart)}`);
console.log(`git status       ${fmt(gitStatus)}`);
console.log(`memory status    ${fmt(status)}`);
console.log(`least in node    ${fmt(least)}   (${(least / floor).toFixed(2)}x: one git process, five reads, no work)`);
console.log(`ratio            ${(status / floor).toFixed(2)}x the floor (node start + git status), median of ${runs}`);
rmSync(root, { recursive: true, force: true });
