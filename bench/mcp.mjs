// `memory mcp`: how long the server takes to start (spawn, connect, list tools), and a recall through it
// at 10,000 entries plus 500 docs with the index warm in the process (p50 and p95 of 50 calls), against the
// same recall as a whole `memory recall` process. The SDK's own client drives it over stdio.
//
//   npm run build && node bench/mcp.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { createEntry, serializeBuffer } from "../dist/core/entries.js";
import { newId } from "../dist/core/ids.js";
import { CLI, fmt, median, sandbox } from "./lib.mjs";

const BANK = ".claude/memory-bank";
// Text with the shape of people's notes: 3,000 distinct words drawn by a Zipf law (a few words very common,
// most rare), as in real writing. WORST=1 draws from 25 words instead: nearly every entry matches every query.
let seed = 5;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const SYL = ["ka", "lo", "mi", "ren", "ta", "vu", "so", "pel", "dri", "nox", "qua", "ber", "sil", "tor", "gan", "fe", "wim", "zu", "har", "cle"];
const WORDS = process.env.WORST === "1"
  ? "cache retry timeout database queue deploy rollback index schema migration token session cookie header proxy worker cron backup restore replica shard lock mutex latency".split(" ")
  : Array.from({ length: 3000 }, (_, i) => SYL[i % 20] + SYL[Math.floor(i / 20) % 20] + (i >= 400 ? SYL[Math.floor(i / 400) % 20] : ""));
const weights = WORDS.map((_, i) => 1 / (i + 1) ** 1.07);
const total = weights.reduce((a, b) => a + b, 0);
const cumulative = weights.reduce((acc, w) => [...acc, (acc.at(-1) ?? 0) + w / total], []);
const pick = () => {
  const r = rand();
  let lo = 0, hi = cumulative.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (cumulative[mid] < r) lo = mid + 1; else hi = mid; }
  return WORDS[lo];
};
const sentence = (n) => Array.from({ length: n }, pick).join(" ");

const { root, env, memory, run } = sandbox();
const dir = join(root, "repo");
mkdirSync(dir);
run(dir, "git", ["init", "-q", "-b", "main"]);
run(dir, "git", ["commit", "-q", "--allow-empty", "-m", "initial"]);
memory(dir, "init", "--persona", "bench");
const files = [["patterns-buffer.md", "pattern"], ["lessons-buffer.md", "lesson"], ["decisions-inbox.md", "decision"]];
const per = {};
for (let i = 0; i < 10000; i++) {
  const [file, type] = files[i % 3];
  const at = new Date(Date.parse("2025-01-01T00:00:00Z") + i * 600_000);
  (per[file] ??= []).push(createEntry({ id: newId(at.getTime()), type, author: `p${i % 6}`, createdAt: at.toISOString().replace(/\.\d+Z$/, "Z"), title: sentence(4), tags: [sentence(1)], body: `${sentence(12)}\n${sentence(10)}` }));
}
for (const [file] of files) writeFileSync(join(dir, BANK, file), serializeBuffer({ header: ["# buffer", ""], entries: per[file], shape: { bom: false, eol: "\n" } }));
mkdirSync(join(dir, "Docs/guide"), { recursive: true });
for (let d = 0; d < 500; d++) writeFileSync(join(dir, `Docs/guide/doc-${d}.md`), `# ${sentence(3)}\n\n${sentence(30)}\n\n## ${sentence(2)}\n\n${sentence(40)}\n`);
spawnSync("sleep", ["2.1"]);
memory(dir, "recall", WORDS[1]);

const connect = async () => {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, "mcp"], cwd: dir, env, stderr: "ignore" }));
  await client.listTools();
  return client;
};
const starts = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  const c = await connect();
  starts.push(performance.now() - t);
  await c.close();
}
starts.sort((a, b) => a - b);
const client = await connect();
const first = performance.now();
await client.callTool({ name: "recall", arguments: { query: `${WORDS[3]} ${WORDS[40]}` } });
const firstMs = performance.now() - first;
const times = [];
for (let i = 0; i < 50; i++) {
  // Two words people would look for: neither the commonest nor unseen.
  const q = `${WORDS[(20 + i * 13) % Math.min(WORDS.length, 600)]} ${WORDS[(50 + i * 29) % Math.min(WORDS.length, 900)]}`;
  const t = performance.now();
  await client.callTool({ name: "recall", arguments: { query: q } });
  times.push(performance.now() - t);
}
await client.close();
times.sort((a, b) => a - b);
const process_ = median(() => memory(dir, "recall", WORDS[3], WORDS[40]), 5);
console.log(`mcp: 10,000 entries + 500 docs${process.env.WORST === "1" ? ", 25-word vocabulary (every entry matches)" : ", 3,000-word Zipf vocabulary"}`);
console.log(`  start (spawn, connect, list tools): median ${fmt(starts[2])}`);
console.log(`  first recall through the server (loads the index): ${fmt(firstMs)}`);
console.log(`  recall through the warm server: p50 ${fmt(times[25])}, p95 ${fmt(times[47])}`);
console.log(`  the same recall as a whole process: ${fmt(process_)}`);
