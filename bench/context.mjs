// `memory context` as a whole process over 1,000 entries (and 500 docs), at budgets 500, 2,000 and 8,000,
// with and without --task (a task loads the recall index, warm). Medians of 7. The briefing reads only
// local state: no network.
//
//   npm run build && node bench/context.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { createEntry, serializeBuffer } from "../dist/core/entries.js";
import { newId } from "../dist/core/ids.js";
import { fmt, median, sandbox } from "./lib.mjs";

const BANK = ".claude/memory-bank";
const WORDS = "cache retry timeout database queue deploy rollback index schema migration token session cookie header proxy worker cron backup restore replica".split(" ");
let seed = 11;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const sentence = (n) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" ");

const { root, memory, run } = sandbox();
const dir = join(root, "repo");
mkdirSync(dir);
run(dir, "git", ["init", "-q", "-b", "main"]);
run(dir, "git", ["commit", "-q", "--allow-empty", "-m", "initial"]);
memory(dir, "init", "--persona", "bench");
memory(dir, "start");
const files = [["patterns-buffer.md", "pattern"], ["lessons-buffer.md", "lesson"], ["decisions-inbox.md", "decision"]];
const per = {};
for (let i = 0; i < 1000; i++) {
  const [file, type] = files[i % 3];
  const at = new Date(Date.parse("2026-01-01T00:00:00Z") + i * 3_600_000);
  (per[file] ??= []).push(createEntry({ id: newId(at.getTime()), type, author: `p${i % 5}`, createdAt: at.toISOString().replace(/\.\d+Z$/, "Z"), title: sentence(4), tags: [sentence(1)], body: `${sentence(14)}\n${sentence(10)}` }));
}
for (const [file] of files) writeFileSync(join(dir, BANK, file), serializeBuffer({ header: ["# buffer", ""], entries: per[file], shape: { bom: false, eol: "\n" } }));
mkdirSync(join(dir, "Docs/guide"), { recursive: true });
for (let d = 0; d < 500; d++) writeFileSync(join(dir, `Docs/guide/doc-${d}.md`), `# ${sentence(3)}\n\n${sentence(30)}\n\n## ${sentence(2)}\n\n${sentence(40)}\n`);
spawnSync("sleep", ["2.1"]); // files older than this moment, as a bank's are
memory(dir, "recall", "warm", "the", "index");

console.log("context: whole process, 1,000 entries + 500 docs (medians of 7)");
for (const budget of [500, 2000, 8000]) {
  const plain = median(() => memory(dir, "context", "--budget", String(budget)), 7);
  const task = median(() => memory(dir, "context", "--budget", String(budget), "--task", "retry the database migration"), 7);
  console.log(`  budget ${String(budget).padStart(5)}: ${fmt(plain).padStart(9)}   with --task ${fmt(task).padStart(9)}`);
}
