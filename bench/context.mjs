// `memory context` as a whole process over 1,000 entries (and 500 docs), at budgets 500, 2,000 and 8,000,
// with and without --task (a task loads the recall index, warm). Medians of 7. The briefing reads only
// local state: no network.
//
//   npm run build && node bench/context.mjs
import { spawnSync } from "node:child_process";
import { benchRepo, fmt, median, sandbox, wordsFrom, writeBank } from "./lib.mjs";

const WORDS = "cache retry timeout database queue deploy rollback index schema migration token session cookie header proxy worker cron backup restore replica".split(" ");
const sentence = wordsFrom(11, (rand) => WORDS[Math.floor(rand() * WORDS.length)]);

const box = sandbox();
const { memory } = box;
const dir = benchRepo(box);
memory(dir, "start");
writeBank(dir, sentence, { count: 1000, start: "2026-01-01T00:00:00Z", authors: 5 });
spawnSync("sleep", ["2.1"]); // files older than this moment, as a bank's are
memory(dir, "recall", "warm", "the", "index");

console.log("context: whole process, 1,000 entries + 500 docs (medians of 7)");
for (const budget of [500, 2000, 8000]) {
  const plain = median(() => memory(dir, "context", "--budget", String(budget)), 7);
  const task = median(() => memory(dir, "context", "--budget", String(budget), "--task", "retry the database migration"), 7);
  console.log(`  budget ${String(budget).padStart(5)}: ${fmt(plain).padStart(9)}   with --task ${fmt(task).padStart(9)}`);
}
