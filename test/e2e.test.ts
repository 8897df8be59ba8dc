/**
 * End to end: the built CLI (bin/memory.js, dist/) run as a process, as people, agents' hooks and git run it.
 * The other command tests run the CLI in-process; these cover each command once through a real process,
 * and everything that needs a process boundary: stdin and stdout as pipes, a terminal (script(1)), git
 * hooks that run memory, the lock between processes, and clones racing each other. Setup (fixtures) runs
 * in-process; the commands under test here run as processes.
 */
import { describe, expect, it } from "vitest";
import { chmodSync, existsSync, readdirSync, rmSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { BANK, CLI, Sandbox } from "./helpers.js";
import {
  BANK_FILES,
  CONTEXT,
  LESSONS,
  NOW,
  PATTERNS,
  PATTERNS_DOC,
  adrs,
  clone,
  fill,
  ids,
  initialized,
  ok,
  solo,
  team,
  titles,
  twoClones,
  uniqueAdrSources,
} from "./fixtures.js";
import { parseBuffer } from "../src/core/entries.js";

describe("end to end: memory init", () => {
  it("creates the bank, the attributes and the drivers, and records the persona", () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const res = sb.memoryCli(repo, ["init", "--persona", "architect"], { env: NOW });
    expect(res.code, res.stderr).toBe(0);
    expect(readdirSync(join(repo, BANK)).sort()).toEqual([...BANK_FILES].sort());
    expect(sb.read(repo, `${BANK}/activeContext.md`)).toMatch(/^---\nupdated: 2026-11-22T10:00:00Z\nby: architect\n---\n/);
    expect(sb.git(repo, "config", "--local", "memory.persona").trim()).toBe("architect");
    const attrs = sb.git(repo, "check-attr", "merge", "--", ...BANK_FILES.map((f) => `${BANK}/${f}`));
    for (const f of BANK_FILES) {
      const driver = new RegExp(`${f.replace(".", "\\.")}: merge: (memory-\\w+)`).exec(attrs)?.[1];
      expect(driver, f).toBeDefined();
      expect(sb.git(repo, "config", "--local", `merge.${driver}.driver`)).toContain(`merge-driver ${driver!.slice(7)} %O %A %B %P`);
    }
  });
});

describe("end to end: memory add", () => {
  it("sends aliases to their buffer, reads the body from stdin with -m -, and prints JSON", async () => {
    const { sb, repo } = await initialized();
    const res = sb.memoryCli(repo, ["remember", "gotcha", "CRLF in fixtures", "-m", "-", "--json", "--persona", "qa"], { input: "line one\r\nline two\r\n" });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.file).toBe(`${BANK}/lessons-buffer.md`);
    const [entry] = parseBuffer(sb.read(repo, `${BANK}/lessons-buffer.md`)).entries;
    expect(entry).toMatchObject({ id: out.id, type: "gotcha", author: "qa", body: "line one\nline two" });
    const decision = sb.memoryCli(repo, ["add", "decision", "Use SQLite?"]);
    expect(sb.read(repo, `${BANK}/decisions-inbox.md`)).toContain(decision.stdout.trim());
  });

  it("keeps every entry when many adds run at once in one clone", async () => {
    const { sb, repo } = await initialized();
    const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => sb.memoryAsync(repo, ["add", "lesson", `parallel ${i}`])));
    expect(runs.map((r) => r.code)).toEqual(Array(8).fill(0));
    const titles = parseBuffer(sb.read(repo, `${BANK}/lessons-buffer.md`)).entries.map((e) => e.title).sort();
    expect(titles).toEqual(Array.from({ length: 8 }, (_, i) => `parallel ${i}`).sort());
  });
});

describe("end to end: memory status, doctor and config", () => {
  it("reports buffers, persona and branch as JSON, with no remote", async () => {
    const { sb, repo } = await initialized();
    for (let i = 0; i < 3; i++) sb.memoryCli(repo, ["add", "pattern", `p${i}`, "-m", "a\nb\nc\nd"]);
    const res = sb.memoryCli(repo, ["status", "--json"]);
    expect(res.code, res.stderr).toBe(0);
    const s = JSON.parse(res.stdout);
    expect(s).toMatchObject({ branch: "main", persona: "dev", remote: null, ahead: null, behind: null, pendingPush: null });
    expect(s.buffers[0]).toEqual({
      name: "patterns",
      label: "patterns-buffer",
      file: `${BANK}/patterns-buffer.md`,
      lines: 18,
      items: 3,
      threshold: 20,
      unit: "lines",
      ready: false,
      near: true,
    });
    expect(s.buffers[2]).toMatchObject({ label: "decisions-inbox", items: 0, unit: "items", threshold: 5, ready: false, near: false });
    const text = sb.memoryCli(repo, ["status"]);
    expect(text.stdout).toContain("On branch main · persona dev");
    expect(text.stdout).toMatch(/patterns-buffer +18\/20 lines +3 items +near threshold/);
    expect(text.stdout).not.toMatch(/\u001b\[/);
  });

  it("finds unregistered drivers and a missing attribute line, and --fix repairs them", async () => {
    const { sb, repo } = await initialized();
    sb.git(repo, "config", "--local", "--remove-section", "merge.memory-union");
    sb.write(repo, ".gitattributes", sb.read(repo, ".gitattributes").replace(/^.*SESSION_LOG.*\n/m, ""));
    const res = sb.memoryCli(repo, ["doctor"]);
    expect(res.code).toBe(3);
    expect(res.stdout).toContain("✗ merge drivers registered");
    expect(res.stdout).toContain("merge.memory-union.driver is not registered in .git/config");
    expect(res.stdout).toContain(`${BANK}/SESSION_LOG.md merges with "unspecified", not memory-log`);
    const fixed = sb.memoryCli(repo, ["doctor", "--fix", "--json"]);
    expect(fixed.code, fixed.stdout).toBe(0);
    const checks = JSON.parse(fixed.stdout).checks as Array<{ id: string; fixed: string[] }>;
    expect(checks.find((c) => c.id === "drivers")!.fixed).toHaveLength(1);
    expect(sb.git(repo, "check-attr", "merge", "--", `${BANK}/SESSION_LOG.md`)).toContain("merge: memory-log");
  });

  it("starts a config file the way the README says, with a shell redirect", async () => {
    const { sb, repo } = await initialized();
    const res = spawnSync("sh", ["-c", `'${process.execPath}' '${CLI}' config --json > .claude/memory.config.json`], { cwd: repo, env: sb.env(), encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(sb.read(repo, ".claude/memory.config.json")).version).toBe(1);
    expect(sb.memoryCli(repo, ["status"]).code).toBe(0);
  });
});

describe("end to end: the command line", () => {
  it("shows an example in every command's help, and maps usage errors to exit 2", () => {
    const sb = new Sandbox();
    for (const cmd of ["init", "add", "status", "doctor", "config"]) {
      const res = sb.memoryCli(sb.dir, [cmd, "--help"]);
      expect(res.code, cmd).toBe(0);
      expect(res.stdout, cmd).toMatch(/Examples?:\n {2}\$ memory /);
    }
    expect(sb.memoryCli(sb.dir, ["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const unknown = sb.memoryCli(sb.dir, ["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(sb.memoryCli(sb.dir, ["add", "pattern"]).code).toBe(2);
  });
});

describe("end to end: the lock", () => {
  it("waits for another memory command instead of losing the entry", async () => {
    const { sb, repo } = await initialized();
    const holder = spawn("sleep", ["30"]);
    sb.write(repo, ".git/memory.lock", `${holder.pid}\n`);
    setTimeout(() => {
      rmSync(join(repo, ".git/memory.lock"));
      holder.kill();
    }, 1500);
    const res = await sb.memoryAsync(repo, ["add", "lesson", "added while saving"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(`waiting for another memory command in this clone (pid ${holder.pid})`);
    expect(sb.read(repo, `${BANK}/lessons-buffer.md`)).toContain("## added while saving");
  });
});

describe("end to end: memory save and start", () => {
  it("shares entries both ways; start names what others added and by whom", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    ok(sb.memoryCli(dev, ["add", "pattern", "Retry with jitter", "-m", "Back off.\n- tags: same"]));
    ok(sb.memoryCli(dev, ["save"]));
    ok(sb.memoryCli(qa, ["add", "pattern", "Name by domain", "-m", "Say what it is.\n- tags: same"]));
    const saved = ok(sb.memoryCli(qa, ["save", "--json"]));
    expect(JSON.parse(saved.stdout)).toMatchObject({ added: { "patterns-buffer": 1 }, sync: { pushed: true, merged: "merge" } });

    const started = ok(sb.memoryCli(dev, ["start", "--json"]));
    const digest = JSON.parse(started.stdout);
    expect(digest.newEntries.map((e: { title: string; author: string }) => [e.title, e.author])).toEqual([["Name by domain", "qa"]]);
    const qaStart = ok(sb.memoryCli(qa, ["start"]));
    expect(qaStart.stdout).toContain('patterns-buffer: "Retry with jitter" by dev');

    expect(sb.read(dev, PATTERNS)).toBe(sb.read(qa, PATTERNS));
    const doc = parseBuffer(sb.read(dev, PATTERNS));
    expect(doc.entries.map((e) => e.body)).toEqual(["Back off.\n- tags: same", "Say what it is.\n- tags: same"]);
    expect(sb.git(dev, "status", "--porcelain")).toBe("");
    const again = ok(sb.memoryCli(dev, ["start"]));
    expect(again.stdout).toContain("Nothing new from others since you last looked.");
  });

  it("a start whose checks refuse the bank ends at once, without waiting for the fetch it began beside them", async () => {
    const { sb, dev } = await solo();
    // The remote answers after 20 s (its upload-pack waits first): the fetch is begun, then stopped.
    sb.git(dev, "config", "remote.origin.uploadpack", "sleep 20; git-upload-pack");
    sb.write(dev, PATTERNS, `${sb.read(dev, PATTERNS)}\n<<<<<<< ours\nmine\n=======\ntheirs\n>>>>>>> theirs\n`);
    const began = Date.now();
    const res = sb.memoryCli(dev, ["start"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/patterns-buffer\.md:\d+: git conflict markers/);
    expect(Date.now() - began).toBeLessThan(10_000);
    // Nothing was left half done: no lock, no temporary file, the tracking ref where it was.
    expect(readdirSync(join(dev, ".git")).filter((n) => n.endsWith(".lock"))).toEqual([]);
    sb.git(dev, "config", "--unset", "remote.origin.uploadpack");
    sb.write(dev, PATTERNS, sb.read(dev, PATTERNS).replace(/\n<<<<<<< ours[\s\S]*$/, "\n"));
    ok(sb.memoryCli(dev, ["start"]));
  }, 30_000);

  it("eight clones add and save at the same moment, then all start: every entry once, clones identical", async () => {
    const names = ["dev", "qa", "architect", "lead", "ops", "ux", "data", "sec"];
    const { sb, clones } = await team(...names);
    for (const n of names) {
      ok(await sb.memory(clones[n]!, ["add", "pattern", `pattern from ${n}`, "-m", "same closing line\n- tags: shared"]));
      ok(await sb.memory(clones[n]!, ["add", "lesson", `lesson from ${n}`]));
    }
    const saves = await Promise.all(names.map((n) => sb.memoryAsync(clones[n]!, ["save", "--json"])));
    for (const s of saves) expect(s.code, s.stderr).toBe(0);
    expect(saves.every((s) => JSON.parse(s.stdout).sync.pushed)).toBe(true);
    for (const n of names) ok(await sb.memory(clones[n]!, ["start"]));
    // the last starts pushed their log lines; one more round brings every clone to the same commit
    for (const n of names) ok(await sb.memory(clones[n]!, ["start"]));
    const ref = clones[names[0]!]!;
    for (const n of names) {
      const cwd = clones[n]!;
      for (const f of [PATTERNS, LESSONS, CONTEXT]) expect(sb.read(cwd, f), `${n} ${f}`).toBe(sb.read(ref, f));
      expect(sb.read(cwd, PATTERNS)).not.toMatch(/^(<{7}|={7}|>{7})/m);
    }
    const patterns = titles(sb.read(ref, PATTERNS));
    expect(patterns.sort()).toEqual(names.map((n) => `pattern from ${n}`).sort());
    expect(titles(sb.read(ref, LESSONS)).sort()).toEqual(names.map((n) => `lesson from ${n}`).sort());
  });

  it("does not deadlock when a git hook runs memory during a save", async () => {
    const { sb, dev } = await solo();
    const hook = `#!/bin/sh\n'${process.execPath}' '${join(process.cwd(), "bin/memory.js")}' add lesson "from a hook" 2>'${join(sb.dir, "hook.err")}'\nexit 0\n`;
    sb.write(dev, ".git/hooks/post-commit", hook);
    chmodSync(join(dev, ".git/hooks/post-commit"), 0o755);
    ok(sb.memoryCli(dev, ["add", "pattern", "p"]));
    const started = Date.now();
    ok(sb.memoryCli(dev, ["save"]));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(sb.read(sb.dir, "hook.err")).toContain("memory was run from a git hook while memory");
  });
});

describe("end to end: memory harvest", () => {
  it("harvests only buffers at their threshold, into the targets, each entry once with provenance, in one commit", async () => {
    const { sb, origin, repo } = await clone();
    const patterns = await fill(sb, repo, "pattern", 5, 2); // 5 × (marker + title + 2) = 20 lines: at the threshold
    const lessons = await fill(sb, repo, "lesson", 2, 1); // 6 lines: below 15
    const before = sb.git(repo, "rev-parse", "HEAD").trim();
    const res = ok(sb.memoryCli(repo, ["harvest", "--json"]));
    const out = JSON.parse(res.stdout);
    expect(out.plan.buffers.map((b: { label: string; selected: boolean }) => [b.label, b.selected])).toEqual([
      ["patterns-buffer", true],
      ["lessons-buffer", false],
      ["decisions-inbox", false],
    ]);
    const doc = parseBuffer(sb.read(repo, PATTERNS_DOC));
    expect(doc.entries.map((e) => e.id)).toEqual(patterns);
    for (const e of doc.entries) expect(e.body).toMatch(new RegExp(`_Pattern by dev, ${e.createdAt}, harvested \\d{4}-\\d\\d-\\d\\d\\._$`));
    expect(ids(sb, repo, `${BANK}/patterns-buffer.md`)).toEqual([]);
    expect(ids(sb, repo, `${BANK}/lessons-buffer.md`)).toEqual(lessons);
    // one commit on top of the "save before harvest" one, pushed
    const log = sb.git(repo, "log", "--format=%s", `${before}..HEAD`).trim().split("\n");
    expect(log[0]).toBe("memory: harvest (dev): 5 patterns");
    expect(sb.git(repo, "rev-parse", "HEAD").trim()).toBe(sb.git(origin, "rev-parse", "main").trim());
    expect(sb.git(repo, "status", "--porcelain")).toBe("");
    expect(sb.git(repo, "check-attr", "merge", "--", PATTERNS_DOC)).toContain("merge: memory-union");
  });

  it("without a terminal and without --yes, returns at once and keeps decisions, still harvesting the rest", async () => {
    const { sb, repo } = await clone();
    const decisions = await fill(sb, repo, "decision", 5, 1);
    await fill(sb, repo, "pattern", 5, 2);
    const started = Date.now();
    const res = ok(sb.memoryCli(repo, ["harvest"])); // stdin is an empty pipe, not a terminal
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(res.stderr).toContain("5 decisions stayed in the inbox: no terminal to ask in; pass --yes");
    expect(ids(sb, repo, `${BANK}/decisions-inbox.md`)).toEqual(decisions);
    expect(adrs(sb, repo)).toEqual([]);
    expect(existsSync(join(repo, PATTERNS_DOC))).toBe(true);
  });

  // `script` (util-linux) gives the CLI a real terminal; without it this one case cannot be run.
  const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
  it.skipIf(!hasScript)("asks per decision in a terminal; declined ones stay in the inbox", async () => {
    const { sb, repo } = await clone();
    const decisions = await fill(sb, repo, "decision", 5, 1);
    // The answers are typed into the terminal ahead of the questions.
    const res = spawnSync("script", ["-qec", `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} harvest --no-push`, "/dev/null"], {
      cwd: repo,
      env: sb.env({ TERM: "dumb" }),
      input: "y\nn\nyes\n\nn\n",
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(res.status, res.stdout).toBe(0);
    expect(res.stdout).toContain('Create ADR for decision #1 "decision 1" (by dev)? (y/N)');
    // Answers y, n, yes: the third decision asked is the second yes, so ADR 2.
    expect(res.stdout).toContain("(a yes makes it ADR 1, unless another clone publishes one first)");
    expect(res.stdout.split("Create ADR for decision #3")[0]).toMatch(/a yes makes it ADR 2, unless[^\n]*\n[^\n]*$/);
    expect(adrs(sb, repo)).toEqual(["ADR-001-decision-1.md", "ADR-002-decision-3.md"]);
    expect(ids(sb, repo, `${BANK}/decisions-inbox.md`)).toEqual([decisions[1], decisions[3], decisions[4]]);
  });

  it("re-plans after a rejected push: another clone harvested first, ADR numbers stay unique", async () => {
    const { sb, origin, a, b } = await twoClones(3, 2);
    ok(sb.memoryCli(b, ["save"]));
    // When A is about to push its harvest, B harvests and pushes first.
    const flag = join(sb.dir, "b-harvested");
    const hook = `#!/bin/sh\nif [ ! -f '${flag}' ]; then touch '${flag}'; cd '${b}' && env -u GIT_DIR -u GIT_INDEX_FILE -u GIT_WORK_TREE '${process.execPath}' '${CLI}' harvest --yes >/dev/null 2>&1; fi\nexit 0\n`;
    sb.write(a, ".git/hooks/pre-push", hook);
    chmodSync(join(a, ".git/hooks/pre-push"), 0o755);
    const res = ok(sb.memoryCli(a, ["harvest", "--all", "--yes", "--json"]));
    expect(existsSync(flag)).toBe(true);
    expect(JSON.parse(res.stdout).attempts).toBeGreaterThan(1);
    const check = sb.clone(origin, "check");
    expect(uniqueAdrSources(sb, check)).toHaveLength(7); // 3 shared + 2 from a + 2 from b, each exactly once
    expect(ids(sb, check, `${BANK}/decisions-inbox.md`)).toEqual([]);
  });

  it("two clones harvesting at the same moment publish unique ADR numbers, each decision once", async () => {
    const { sb, a, b } = await twoClones(5, 1);
    const runs = await Promise.all([sb.memoryAsync(a, ["harvest", "--all", "--yes"]), sb.memoryAsync(b, ["harvest", "--all", "--yes"])]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    ok(await sb.memory(a, ["start"]));
    expect(uniqueAdrSources(sb, a)).toHaveLength(7); // 5 shared + 1 from each, each exactly once
  });
});

describe("end to end: the bank on its own branch", () => {
  it("six clones on six code branches save at the same moment: every entry once, clones identical, main untouched", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const names = ["dev", "qa", "architect", "lead", "ops", "ux"];
    const clones = names.map((n) => sb.clone(origin, n));
    const mainBefore = sb.git(origin, "rev-parse", "main");
    for (const [i, c] of clones.entries()) {
      if (i > 0) sb.git(c, "checkout", "-q", "-b", `feature/${names[i]}`);
      expect(sb.memoryCli(c, ["init", "--persona", names[i]!]).code).toBe(0);
      expect(sb.memoryCli(c, ["add", "pattern", `pattern from ${names[i]}`, "-m", "same closing line"]).code).toBe(0);
    }
    const saves = await Promise.all(clones.map((c) => sb.memoryAsync(c, ["save", "--json"])));
    for (const s of saves) expect(s.code, s.stderr).toBe(0);
    for (let round = 0; round < 2; round++) for (const c of clones) expect((await sb.memoryAsync(c, ["start"])).code).toBe(0);
    for (const c of clones) {
      expect(sb.read(c, PATTERNS)).toBe(sb.read(clones[0]!, PATTERNS));
      expect(sb.git(c, "status", "--porcelain")).toBe("");
    }
    expect(titles(sb.read(clones[0]!, PATTERNS)).sort()).toEqual(names.map((n) => `pattern from ${n}`).sort());
    expect(sb.git(origin, "rev-parse", "main")).toBe(mainBefore);
    const status = JSON.parse(sb.memoryCli(clones[3]!, ["status", "--json"]).stdout);
    expect(status.sync).toEqual({ mode: "branch", branch: "memory" });
    expect(status.branch).toBe("feature/lead");
  });
});

describe("end to end: the team view and its upkeep", () => {
  it("tasks, log, stats, contributions, insights, consolidate, cleanup and report from the built CLI", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    const run = (args: string[], env = {}) => {
      const res = sb.memoryCli(dev, args, { env });
      expect(res.code, `${args.join(" ")}: ${res.stderr}`).toBe(0);
      return res.stdout;
    };
    run(["init", "--persona", "dev"]);
    const task = run(["task", "add", "Check the backups", "--priority", "high"]).trim();
    run(["task", "claim", task]);
    run(["task", "done", task, "-m", "restored one"]);
    run(["add", "pattern", "Retry pushes with jitter", "-m", "Back off between 50 and 400 ms before pushing again."]);
    run(["add", "pattern", "Retry pushes with random jitter", "-m", "Back off between 50 and 400 ms before pushing again."]);
    run(["add", "lesson", "Old advice", "--expires", "2020-01-01"]);
    run(["save"]);
    expect(JSON.parse(run(["log", "--json"])).events.some((e: { event: string; detail: string }) => e.event === "task" && e.detail.startsWith("done"))).toBe(true);
    expect(JSON.parse(run(["stats", "--json"])).sync.successRate).toBe(1);
    expect(JSON.parse(run(["contributions", "--json"])).personas[0].tasksDone).toBe(1);
    const insights = JSON.parse(run(["insights", "--json"])).insights.map((i: { kind: string }) => i.kind);
    expect(insights).toEqual(expect.arrayContaining(["duplicate", "stale"]));
    expect(JSON.parse(run(["consolidate", "--dry-run", "--json"])).groups).toHaveLength(1);
    run(["consolidate", "--yes"]);
    const cleaned = JSON.parse(run(["cleanup", "--yes", "--json"]));
    expect(cleaned.moves.length).toBe(3); // the expired lesson and the two consolidated patterns
    const out = join(sb.dir, "report.html");
    run(["report", "--out", out]);
    expect(sb.read(sb.dir, "report.html")).toContain("<svg ");
  });
});
