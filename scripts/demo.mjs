#!/usr/bin/env node
// A self-contained tour: a bare origin in a temp folder, two persona clones, and the built CLI.
// Runs offline, leaves your own git config alone (the demo brings its own identity), and keeps its folder
// for you to look at (KEEP_DEMO=0 removes it at the end).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const cli = resolve(dirname(fileURLToPath(import.meta.url)), "..", "bin", "memory.js");
const root = mkdtempSync(join(tmpdir(), "memory-demo-"));
const home = join(root, "home");
mkdirSync(home);
writeFileSync(join(home, ".gitconfig"), "[user]\n\tname = Demo\n\temail = demo@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n");
const env = { ...process.env, HOME: home, GIT_CONFIG_GLOBAL: join(home, ".gitconfig"), GIT_CONFIG_NOSYSTEM: "1" };
delete env.MEMORY_PERSONA;

const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${s}\u001b[22m` : s);
/** An argument as a shell would take it back: $'…' where it holds a newline, '…' where it holds specials. */
function shellWord(a) {
  if (/^[\w@%+=:,./-]+$/.test(a)) return a;
  if (a.includes("\n")) return `$'${a.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
  return `'${a.replace(/'/g, `'\\''`)}'`;
}

function run(cwd, cmd, args, { show = true } = {}) {
  const shown = [cmd === process.execPath ? "memory" : cmd, ...args.map(shellWord)].join(" ");
  if (show) console.log(`\n${bold(`${cwd === root ? "" : `[${cwd.split("/").pop()}] `}$ ${shown}`)}`);
  const res = spawnSync(cmd, cmd === process.execPath ? [cli, ...args] : args, { cwd, env, encoding: "utf8" });
  if (show) process.stdout.write(res.stdout + res.stderr);
  if (res.status !== 0) throw new Error(`${shown} exited ${res.status}\n${res.stderr}`);
  return res.stdout;
}
const memory = (cwd, ...args) => run(cwd, process.execPath, args);
const git = (cwd, ...args) => run(cwd, "git", args, { show: false });

try {
  console.log(`Demo in ${root}: a bare origin and two persona clones, dev and qa.`);
  const origin = join(root, "origin.git");
  git(root, "init", "-q", "--bare", "-b", "main", origin);
  const seed = join(root, "seed");
  git(root, "clone", "-q", origin, seed);
  writeFileSync(join(seed, "README.md"), "# shop\n");
  git(seed, "add", "README.md");
  git(seed, "commit", "-q", "-m", "initial");
  git(seed, "push", "-q", "origin", "main");

  const dev = join(root, "dev");
  const qa = join(root, "qa");
  git(root, "clone", "-q", origin, dev);
  git(root, "clone", "-q", origin, qa);
  // qa works on a feature branch: the bank has a branch of its own, so both see the same bank anyway.
  git(qa, "checkout", "-q", "-b", "feature/search");

  // A team's own entry type, from the config alone: preferences, kept and merged by entry, never harvested.
  mkdirSync(join(dev, ".claude"), { recursive: true });
  writeFileSync(join(dev, ".claude/memory.config.json"), `${JSON.stringify({ version: 1, buffers: { preferences: { file: "preferences.md", types: ["preference"] } } }, null, 2)}\n`);
  console.log(`\n${bold("[dev] $ cat .claude/memory.config.json")}`);
  process.stdout.write(readFileSync(join(dev, ".claude/memory.config.json"), "utf8"));
  memory(dev, "init", "--persona", "dev");
  memory(dev, "save", "-m", "memory: bank and config");
  memory(qa, "init", "--persona", "qa");
  memory(qa, "start");

  memory(dev, "add", "pattern", "Retry pushes with jitter", "-m", "Back off 50-400 ms between attempts; six tries covered eight racing clones.", "--tags", "git,sync");
  memory(dev, "add", "decision", "Cache product pages for 60 s", "-m", "Context: the catalogue API is slow under load.\nProposal: a 60 s cache in front of it.");
  memory(dev, "save", "-m", "memory: caching notes");

  // qa worked at the same time, without pulling first: save merges both banks by entry
  memory(qa, "remember", "gotcha", "Fixtures need LF endings", "-m", "The parser test failed on Windows: fixtures were checked out with CRLF.");
  memory(qa, "add", "preferences", "Review within a day", "-m", "Small pull requests, reviewed the same day.");
  memory(qa, "save");

  memory(dev, "start");
  memory(qa, "start");
  memory(qa, "status");
  memory(qa, "doctor");
  console.log("\n(both clones now hold the same four entries; the log shows who did what)");
  process.stdout.write(readFileSync(join(qa, ".claude/memory-bank/SESSION_LOG.md"), "utf8"));

  console.log("\n(the team keeps working until buffers pass their thresholds)");
  const more = [
    ["pattern", "Name things after the domain", "Cart, not DataManager.\nReviewers stop asking what it holds."],
    ["pattern", "One writer per file", "Hooks and agents append; only harvest rewrites.\nNo lost updates."],
    ["pattern", "Plan, then apply", "Compute the whole change first.\nThe plan doubles as the dry run."],
    ["pattern", "Ids, not positions", "Refer to entries by id.\nOrder changes; ids do not.\nMerges key on them."],
    ["decision", "Move search to Postgres full-text", "Context: Elasticsearch costs more than it saves at our size."],
    ["decision", "Weekly dependency updates", "Context: drift made the last upgrade a two-day job."],
    ["decision", "Feature flags in config, not code", "Context: three hotfixes this quarter were flag flips."],
    ["decision", "Retire the v1 API in March", "Context: two clients left on it, both agreed."],
  ];
  for (const [type, title, body] of more.slice(0, 4)) memory(dev, "add", type, title, "-m", body);
  for (const [type, title, body] of more.slice(4)) memory(qa, "add", type, title, "-m", body);
  memory(dev, "save");
  memory(qa, "save");
  memory(dev, "start");
  memory(dev, "harvest", "--dry-run", "--yes");
  memory(dev, "harvest", "--yes");
  memory(qa, "start");
  memory(qa, "status");
  // The docs landed on main as one commit; qa's feature branch takes them the usual way.
  run(qa, "git", ["pull", "-q", "--rebase", "origin", "main"]);
  console.log(`\n(main on the remote: ${git(origin, "rev-list", "--count", "main").trim()} commits, the project's first and the harvest; every save and start went to the memory branch)`);
  const adr = join(qa, "Docs/03-Reference/ADR");
  console.log(`\n(qa now has the docs dev harvested: ${readdirSync(adr).join(", ")})`);
  process.stdout.write(readFileSync(join(adr, readdirSync(adr)[0]), "utf8").split("\n").slice(0, 12).join("\n") + "\n…\n");
  // Recall: ranked search over the bank and the docs, a typo and all; then one entry with its relations.
  memory(qa, "recall", "cache catalog");
  const hit = JSON.parse(run(qa, process.execPath, ["recall", "dependncy", "--json"], { show: false })).results[0];
  memory(qa, "show", hit.id.slice(0, 12));
  const cached = JSON.parse(run(dev, process.execPath, ["recall", "cache product pages", "--json"], { show: false })).results[0].id;
  memory(dev, "add", "decision", "Cache product pages for 120 s", "-m", "Context: 60 s was not enough at peak.", "--supersedes", cached);
  memory(dev, "recall", "cache product pages", "--all");
  // Agents: a handoff, and the briefing the receiver's session starts with (what `memory hooks install` wires).
  memory(dev, "handoff", "qa", "-m", "Verify the 120 s cache on staging", "--fact", "flag=catalog_cache_ttl", "--reason", "end of my day");
  memory(dev, "save");
  memory(qa, "start");
  memory(qa, "context", "--budget", "600", "--task", "catalogue cache");
  // MCP: an agent without a shell uses the same bank through `memory mcp`.
  const { Client } = await import("@modelcontextprotocol/client");
  const { StdioClientTransport } = await import("@modelcontextprotocol/client/stdio");
  console.log(`\n${bold("[qa] an MCP client starts `memory mcp` and calls its tools")}`);
  const client = new Client({ name: "demo", version: "1" });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [cli, "mcp"], cwd: qa, env, stderr: "ignore" }));
  console.log(`tools: ${(await client.listTools()).tools.map((t) => t.name).join(", ")}`);
  const hits = await client.callTool({ name: "recall", arguments: { q: "cache" } });
  console.log(`recall "cache": ${hits.structuredContent.results.map((r) => r.title).join("; ")}`);
  await client.close();
  // The team view: tasks, figures, what needs attention, and a report page.
  memory(dev, "task", "add", "Load-test the catalogue cache", "--assign", "qa", "--priority", "high");
  memory(dev, "save");
  memory(qa, "start");
  memory(qa, "stats");
  memory(qa, "insights");
  memory(qa, "report", "--out", join(root, "report.html"));
  // A swarm: six sub-agents, a clone each, all saving in the same moment. The ones that lose the race to
  // the bank branch push to a ref of their own; nothing is retried, nothing waits for the next save.
  console.log(`\n${bold("six sub-agents save at the same moment")}`);
  const swarm = ["a1", "a2", "a3", "a4", "a5", "a6"].map((name) => {
    const dir = join(root, name);
    git(root, "clone", "-q", origin, dir);
    run(dir, process.execPath, ["init", "--persona", name], { show: false });
    run(dir, process.execPath, ["add", "lesson", `Finding of ${name}`, "-m", `what sub-agent ${name} learned`], { show: false });
    return { name, dir };
  });
  const saves = await Promise.all(swarm.map(({ name, dir }) => new Promise((done) => {
    const child = spawn(process.execPath, [cli, "save", "--json"], { cwd: dir, env, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("close", (code) => done({ name, code, sync: JSON.parse(out || "{}").sync }));
  })));
  for (const { name, code, sync } of saves) console.log(`  ${name}: exit ${code}, ${sync.attempts} push${sync.attempts === 1 ? "" : "es"}, ${sync.writerRef ? `to its writer ref ${sync.writerRef}` : "to the bank branch"}`);
  memory(qa, "start");
  console.log(`\nThe bank is plain markdown: ${join(qa, ".claude/memory-bank")}`);
  console.log(`Kept for you to look at; remove it with: rm -rf ${root}`);
} catch (err) {
  rmSync(root, { recursive: true, force: true });
  throw err;
} finally {
  if (process.env.KEEP_DEMO === "0") rmSync(root, { recursive: true, force: true });
}
