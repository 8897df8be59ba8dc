// `memory recall` as a whole process, cold (no index cache yet) and warm (the cache up to date), at 100,
// 1,000 and 10,000 entries plus 500 docs, against `git grep -i` for the same words over the same files.
// Also a warm recall after one entry was added (the index brought up to date from one changed file).
// Medians of 7 (cold: of 5).
//
//   npm run build && node bench/recall.mjs
import { mkdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createEntry, serializeBuffer } from "../dist/core/entries.js";
import { newId } from "../dist/core/ids.js";
import { fmt, median, sandbox } from "./lib.mjs";

const BANK = ".claude/memory-bank";
const WORDS = "cache retry timeout database queue deploy rollback index schema migration token session cookie header proxy worker cron backup restore replica shard lock mutex latency throughput budget flag release hotfix review merge branch rebase conflict driver parser fixture mock stub trace metric alert pager incident postmortem owner".split(" ");
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = () => WORDS[Math.floor(rand() * WORDS.length)];
const sentence = (n) => Array.from({ length: n }, pick).join(" ");

function bank(dir, entries) {
  const files = { patterns: ["patterns-buffer.md", "pattern"], lessons: ["lessons-buffer.md", "lesson"], decisions: ["decisions-inbox.md", "decision"] };
  const per = Object.fromEntries(Object.keys(files).map((k) => [k, []]));
  const start = Date.parse("2025-01-01T00:00:00Z");
  for (let i = 0; i < entries; i++) {
    const kind = Object.keys(files)[i % 3];
    const at = new Date(start + i * 3_600_000);
    per[kind].push(createEntry({ id: newId(at.getTime()), type: files[kind][1], author: `p${i % 6}`, createdAt: at.toISOString().replace(/\.\d+Z$/, "Z"), title: sentence(4), tags: [pick()], body: `${sentence(12)}\n${sentence(10)}` }));
  }
  for (const [kind, [file]] of Object.entries(files)) {
    writeFileSync(join(dir, BANK, file), serializeBuffer({ header: [`# ${kind}`, ""], entries: per[kind], shape: { bom: false, eol: "\n" } }));
  }
  mkdirSync(join(dir, "Docs/guide"), { recursive: true });
  for (let d = 0; d < 500; d++) {
    writeFileSync(join(dir, `Docs/guide/doc-${d}.md`), `# ${sentence(3)}\n\n${sentence(30)}\n\n## ${sentence(2)}\n\n${sentence(40)}\n\n## ${sentence(2)}\n\n${sentence(25)}\n`);
  }
}

const query = ["retry", "timeout"];
console.log(`recall: "${query.join(" ")}", whole process; git grep -i over the same bank and docs (medians)`);
for (const entries of [100, 1000, 10000]) {
  const { root, memory, run } = sandbox();
  const dir = join(root, "repo");
  mkdirSync(dir);
  run(dir, "git", ["init", "-q", "-b", "main"]);
  run(dir, "git", ["commit", "-q", "--allow-empty", "-m", "initial"]);
  memory(dir, "init", "--persona", "bench");
  bank(dir, entries);
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
