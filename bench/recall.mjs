// `memory recall` as a whole process, cold (no index cache yet) and warm (the cache up to date), at 100,
// 1,000 and 10,000 entries plus 500 docs, against `git grep -i` for the same words over the same files.
// Also a warm recall after one entry was added (the index brought up to date from one changed file).
// Medians of 7 (cold: of 5).
//
//   npm run build && node bench/recall.mjs
import { appendFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createEntry } from "../dist/core/entries.js";
import { newId } from "../dist/core/ids.js";
import { BANK, benchRepo, fmt, median, sandbox, wordsFrom, writeBank } from "./lib.mjs";

const WORDS = "cache retry timeout database queue deploy rollback index schema migration token session cookie header proxy worker cron backup restore replica shard lock mutex latency throughput budget flag release hotfix review merge branch rebase conflict driver parser fixture mock stub trace metric alert pager incident postmortem owner".split(" ");
const sentence = wordsFrom(7, (rand) => WORDS[Math.floor(rand() * WORDS.length)]);

const query = ["retry", "timeout"];
console.log(`recall: "${query.join(" ")}", whole process; git grep -i over the same bank and docs (medians)`);
for (const entries of [100, 1000, 10000]) {
  const box = sandbox();
  const { root, memory, run } = box;
  const dir = benchRepo(box);
  writeBank(dir, sentence, { count: entries, sections: 2 });
  // Files written this very second are read again on every look (as git treats racy files); a bank is older.
  spawnSync("sleep", ["2.1"]);
  const cache = join(dir, ".git/memory/recall-index.json");
  const cold = median(() => memory(dir, "recall", ...query), 5, () => rmSync(cache, { force: true }));
  memory(dir, "recall", ...query);
  const warm = median(() => memory(dir, "recall", ...query), 7);
  let k = 0;
  const changed = median(() => memory(dir, "recall", ...query), 7, () => {
    const at = new Date(Date.parse("2026-01-01T00:00:00Z") + ++k * 1000);
    appendFileSync(join(dir, BANK, "patterns-buffer.md"), `\n${createEntry({ id: newId(at.getTime()), type: "pattern", author: "b", createdAt: at.toISOString().replace(/\.\d+Z$/, "Z"), title: `retry ${k}`, tags: [], body: "timeout" }).lines.join("\n")}\n`);
  });
  const grep = median(() => run(dir, "git", ["grep", "--no-index", "-i", "-c", ...query.flatMap((w) => ["-e", w]), "--", BANK, "Docs"]), 7);
  console.log(
    `  ${String(entries).padStart(6)} entries + 500 docs: cold ${fmt(cold).padStart(9)}  warm ${fmt(warm).padStart(9)}  after one add ${fmt(changed).padStart(9)}  git grep ${fmt(grep).padStart(8)}  warm/grep ${(warm / grep).toFixed(2)}x`,
  );
  rmSync(root, { recursive: true, force: true });
}
