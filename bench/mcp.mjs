// `memory mcp`: how long the server takes to start (spawn, connect, list tools), and a recall through it
// at 10,000 entries plus 500 docs with the index warm in the process (p50 and p95 of 50 calls), against the
// same recall as a whole `memory recall` process. The SDK's own client drives it over stdio.
//
//   npm run build && node bench/mcp.mjs
import { spawnSync } from "node:child_process";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { benchRepo, CLI, fmt, median, sandbox, wordsFrom, writeBank } from "./lib.mjs";

// Text with the shape of people's notes: 3,000 distinct words drawn by a Zipf law (a few words very common,
// most rare), as in real writing. WORST=1 draws from 25 words instead: nearly every entry matches every query.
const SYL = ["ka", "lo", "mi", "ren", "ta", "vu", "so", "pel", "dri", "nox", "qua", "ber", "sil", "tor", "gan", "fe", "wim", "zu", "har", "cle"];
const WORDS = process.env.WORST === "1"
  ? "cache retry timeout database queue deploy rollback index schema migration token session cookie header proxy worker cron backup restore replica shard lock mutex latency".split(" ")
  : Array.from({ length: 3000 }, (_, i) => SYL[i % 20] + SYL[Math.floor(i / 20) % 20] + (i >= 400 ? SYL[Math.floor(i / 400) % 20] : ""));
const weights = WORDS.map((_, i) => 1 / (i + 1) ** 1.07);
const total = weights.reduce((a, b) => a + b, 0);
const cumulative = weights.reduce((acc, w) => [...acc, (acc.at(-1) ?? 0) + w / total], []);
const sentence = wordsFrom(5, (rand) => {
  const r = rand();
  let lo = 0, hi = cumulative.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (cumulative[mid] < r) lo = mid + 1; else hi = mid; }
  return WORDS[lo];
});

const box = sandbox();
const { env, memory } = box;
const dir = benchRepo(box);
writeBank(dir, sentence, { count: 10000, step: 600_000 });
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
