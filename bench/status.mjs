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
// The least a status written in node can do: load as a module, read what status reads (git's config, HEAD,
// the branch's ref, the five buffers), print. No git process: memory keeps git's config between commands
// (ADR-021). What is left over it is memory's own.
const least = median(() => run(repo, process.execPath, ["--input-type=module", "-e", [
  "import { readFileSync } from 'node:fs';",
  "const read = (f) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };",
  "let n = read('.git/config').length + read('.git/HEAD').length + read('.git/refs/heads/memory').length;",
  "for (const f of ['patterns-buffer', 'lessons-buffer', 'decisions-inbox', 'handoffs', 'tasks']) n += read(`.claude/memory-bank/${f}.md`).length;",
  "process.stdout.write(`${n}\\n`);",
].join(" ")]), runs);
const floor = nodeStart + gitStatus;
console.log(`node start       ${fmt(nodeStart)}`);
console.log(`git status       ${fmt(gitStatus)}`);
console.log(`memory status    ${fmt(status)}`);
console.log(`least in node    ${fmt(least)}   (${(least / floor).toFixed(2)}x: no git process, eight reads, no work)`);
console.log(`ratio            ${(status / floor).toFixed(2)}x the floor (node start + git status), median of ${runs}`);
rmSync(root, { recursive: true, force: true });
