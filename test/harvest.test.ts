/** memory harvest against real repos: the built CLI as a process, a bare origin, racing clones. */
import { describe, expect, it } from "vitest";
import { chmodSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { BANK, CLI, Sandbox } from "./helpers.js";
import { parseBuffer } from "../src/core/entries.js";

const ADR_DIR = "Docs/03-Reference/ADR";
const PM_DIR = "Docs/06-PostMortems";
const PATTERNS_DOC = "Docs/03-Reference/Patterns.md";

function ok(run: { code: number; stderr: string; stdout: string }): typeof run {
  expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
  return run;
}

function clone(persona = "dev"): { sb: Sandbox; origin: string; repo: string } {
  const sb = new Sandbox();
  const origin = sb.origin();
  const repo = sb.clone(origin, persona);
  ok(sb.memory(repo, ["init", "--persona", persona]));
  ok(sb.memory(repo, ["save"]));
  return { sb, origin, repo };
}

/** Fills a buffer with `n` entries of `lines` body lines each; returns their ids. */
function fill(sb: Sandbox, repo: string, type: string, n: number, lines = 2, prefix = type): string[] {
  return Array.from({ length: n }, (_, i) =>
    ok(sb.memory(repo, ["add", type, `${prefix} ${i + 1}`, "-m", Array.from({ length: lines }, (_, l) => `${prefix} ${i + 1} line ${l + 1}`).join("\n")])).stdout.trim(),
  );
}

const adrs = (sb: Sandbox, cwd: string): string[] => (existsSync(join(cwd, ADR_DIR)) ? readdirSync(join(cwd, ADR_DIR)).sort() : []);
const ids = (sb: Sandbox, cwd: string, rel: string): string[] => parseBuffer(sb.read(cwd, rel)).entries.map((e) => e.id);

describe("memory harvest", () => {
  it("harvests only buffers at their threshold, into the targets, each entry once with provenance, in one commit", () => {
    const { sb, origin, repo } = clone();
    const patterns = fill(sb, repo, "pattern", 5, 2); // 5 × (marker + title + 2) = 20 lines: at the threshold
    const lessons = fill(sb, repo, "lesson", 2, 1); // 6 lines: below 15
    const before = sb.git(repo, "rev-parse", "HEAD").trim();
    const res = ok(sb.memory(repo, ["harvest", "--json"]));
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

  it("--all takes every non-empty buffer and --only one; a second harvest is a no-op", () => {
    const { sb, repo } = clone();
    const [lesson] = fill(sb, repo, "gotcha", 1, 1);
    fill(sb, repo, "pattern", 1, 1);
    ok(sb.memory(repo, ["harvest", "--all", "--only", "lessons"]));
    const files = readdirSync(join(repo, PM_DIR));
    expect(files).toHaveLength(1);
    const pm = sb.read(repo, `${PM_DIR}/${files[0]}`);
    expect(pm).toContain(`source: ${lesson}`);
    expect(pm).toContain("# gotcha 1");
    expect(pm).toMatch(/gotcha by dev, \d{4}-\d\d-\d\dT[\d:]+Z, entry `/);
    expect(ids(sb, repo, `${BANK}/patterns-buffer.md`)).toHaveLength(1);
    const head = sb.git(repo, "rev-parse", "HEAD").trim();
    const again = ok(sb.memory(repo, ["harvest", "--only", "lessons-buffer"]));
    expect(again.stdout).toContain("Nothing to harvest");
    expect(sb.git(repo, "rev-parse", "HEAD").trim()).toBe(head);
    const bad = sb.memory(repo, ["harvest", "--only", "ideas"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no buffer named "ideas"');
  });

  it("--dry-run prints the plan and leaves HEAD and git status unchanged", () => {
    const { sb, repo } = clone();
    fill(sb, repo, "decision", 5, 1);
    fill(sb, repo, "pattern", 5, 2);
    const [head, status] = [sb.git(repo, "rev-parse", "HEAD"), sb.git(repo, "status", "--porcelain")];
    const res = ok(sb.memory(repo, ["harvest", "--dry-run", "--yes"]));
    expect(res.stdout).toContain("Harvest plan (dry run, nothing written):");
    expect(res.stdout).toContain(`+ ${ADR_DIR}/ADR-001-decision-1.md`);
    expect(res.stdout).toContain(`+ ${ADR_DIR}/ADR-005-decision-5.md`);
    expect(res.stdout).toContain(`+ ${PATTERNS_DOC} (5)`);
    const json = JSON.parse(ok(sb.memory(repo, ["harvest", "--dry-run", "--json"])).stdout);
    expect(json.dryRun).toBe(true);
    expect(json.plan.buffers[2].kept).toHaveLength(5);
    expect(sb.git(repo, "rev-parse", "HEAD")).toBe(head);
    expect(sb.git(repo, "status", "--porcelain")).toBe(status);
    expect(existsSync(join(repo, "Docs"))).toBe(false);
  });

  it("without a terminal and without --yes, returns at once and keeps decisions, still harvesting the rest", () => {
    const { sb, repo } = clone();
    const decisions = fill(sb, repo, "decision", 5, 1);
    fill(sb, repo, "pattern", 5, 2);
    const started = Date.now();
    const res = ok(sb.memory(repo, ["harvest"])); // stdin is an empty pipe, not a terminal
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(res.stderr).toContain("5 decisions stayed in the inbox: no terminal to ask in; pass --yes");
    expect(ids(sb, repo, `${BANK}/decisions-inbox.md`)).toEqual(decisions);
    expect(adrs(sb, repo)).toEqual([]);
    expect(existsSync(join(repo, PATTERNS_DOC))).toBe(true);
  });

  // `script` (util-linux) gives the CLI a real terminal; without it this one case cannot be run.
  const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
  it.skipIf(!hasScript)("asks per decision in a terminal; declined ones stay in the inbox", () => {
    const { sb, repo } = clone();
    const decisions = fill(sb, repo, "decision", 5, 1);
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
    expect(adrs(sb, repo)).toEqual(["ADR-001-decision-1.md", "ADR-002-decision-3.md"]);
    expect(ids(sb, repo, `${BANK}/decisions-inbox.md`)).toEqual([decisions[1], decisions[3], decisions[4]]);
  });

  it("numbers ADRs after the highest existing one, MADR-style, proposed, with safe slugs", () => {
    const { sb, repo } = clone();
    sb.write(repo, `${ADR_DIR}/ADR-007-existing.md`, "# ADR-007: existing\n");
    const nasty = `Use "quotes" & $(rm -rf ~) ../../../etc/passwd \`x\` / café`;
    const [id] = fill(sb, repo, "decision", 1, 1, nasty);
    ok(sb.memory(repo, ["harvest", "--all", "--yes"]));
    const files = adrs(sb, repo);
    expect(files).toEqual(["ADR-007-existing.md", "ADR-008-use-quotes-rm-rf-etc-passwd-x-cafe-1.md"]);
    const adr = sb.read(repo, `${ADR_DIR}/${files[1]}`);
    expect(adr).toMatch(/^---\nstatus: proposed\ndate: \d{4}-\d\d-\d\d\ndecision-makers: dev\nsource: /);
    expect(adr).toContain(`source: ${id}`);
    expect(adr).toContain(`# ADR-008: ${nasty} 1`);
    for (const section of ["## Context and Problem Statement", "## Decision Drivers", "## Considered Options", "## Decision Outcome", "### Consequences", "## More Information"]) {
      expect(adr).toContain(section);
    }
    expect(readdirSync(join(repo, "Docs/03-Reference"))).toEqual(["ADR"]);
  });

  it("uses a repository's own templates from .claude/memory-templates", () => {
    const { sb, repo } = clone();
    sb.write(repo, ".claude/memory-templates/adr.md", "---\nsource: {{id}}\n---\n# Decision {{number}}: {{title}}\n\n{{body}}\n");
    fill(sb, repo, "decision", 1, 1);
    ok(sb.memory(repo, ["harvest", "--all", "--yes"]));
    expect(sb.read(repo, `${ADR_DIR}/ADR-001-decision-1.md`)).toMatch(/^---\nsource: \S+\n---\n# Decision 001: decision 1\n\ndecision 1 line 1\n$/);
  });

  it("never harvests an entry twice, even when a buffer brings it back", () => {
    const { sb, repo } = clone();
    fill(sb, repo, "lesson", 1, 1);
    const buffer = sb.read(repo, `${BANK}/lessons-buffer.md`);
    ok(sb.memory(repo, ["harvest", "--all"]));
    sb.write(repo, `${BANK}/lessons-buffer.md`, buffer); // resurrected, as a bad merge elsewhere could do
    const res = ok(sb.memory(repo, ["harvest", "--all", "--json"]));
    const out = JSON.parse(res.stdout);
    expect(out.plan.files).toEqual([]);
    expect(out.plan.buffers[1].alreadyHarvested).toHaveLength(1);
    expect(readdirSync(join(repo, PM_DIR))).toHaveLength(1);
    expect(ids(sb, repo, `${BANK}/lessons-buffer.md`)).toEqual([]);
  });
});

/** Clone a saves `shared` decisions; clone b starts from them; each then adds `own` decisions of its own. */
function twoClones(shared: number, own: number): { sb: Sandbox; origin: string; a: string; b: string } {
  const sb = new Sandbox();
  const origin = sb.origin();
  const a = sb.clone(origin, "a");
  ok(sb.memory(a, ["init", "--persona", "dev"]));
  fill(sb, a, "decision", shared, 1, "shared");
  ok(sb.memory(a, ["save"]));
  const b = sb.clone(origin, "b");
  ok(sb.memory(b, ["init", "--persona", "qa"]));
  fill(sb, a, "decision", own, 1, "from a");
  fill(sb, b, "decision", own, 1, "from b");
  return { sb, origin, a, b };
}

/** The ADRs' source entry ids, after checking that no two ADRs share a number or a source. */
function uniqueAdrSources(sb: Sandbox, cwd: string): string[] {
  const files = adrs(sb, cwd);
  expect(new Set(files.map((f) => f.slice(0, 7))).size).toBe(files.length);
  const sources = files.map((f) => /^source: (\S+)$/m.exec(sb.read(cwd, `${ADR_DIR}/${f}`))![1]!);
  expect(new Set(sources).size).toBe(sources.length);
  return sources;
}

describe("harvest keeps what people wrote", () => {
  it("keeps an entry edited after it was harvested, instead of dropping the edit", () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const a = sb.clone(origin, "a");
    ok(sb.memory(a, ["init", "--persona", "dev"]));
    const [id] = fill(sb, a, "pattern", 1, 1);
    ok(sb.memory(a, ["save"]));
    const b = sb.clone(origin, "b");
    ok(sb.memory(b, ["init", "--persona", "qa"]));
    ok(sb.memory(a, ["harvest", "--all"]));
    sb.write(b, `${BANK}/patterns-buffer.md`, sb.read(b, `${BANK}/patterns-buffer.md`).replace("pattern 1 line 1", "IMPORTANT FIX"));
    ok(sb.memory(b, ["save"])); // the merge keeps the edit over a's harvest (a deletion)
    const res = ok(sb.memory(b, ["harvest", "--all"]));
    expect(res.stdout).toContain("already in the docs but edited since, kept here");
    expect(sb.read(b, `${BANK}/patterns-buffer.md`)).toContain("IMPORTANT FIX");
    expect(ids(sb, b, `${BANK}/patterns-buffer.md`)).toEqual([id]);
  });

  it("refuses while the patterns reference has uncommitted edits, which a retried harvest could lose", () => {
    const { sb, repo } = clone();
    fill(sb, repo, "pattern", 1, 1);
    ok(sb.memory(repo, ["harvest", "--all"]));
    fill(sb, repo, "pattern", 1, 1, "second");
    sb.write(repo, PATTERNS_DOC, `${sb.read(repo, PATTERNS_DOC)}\nA note of mine.\n`);
    const res = sb.memory(repo, ["harvest", "--all"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${PATTERNS_DOC} has uncommitted changes; commit or stash them first`);
    expect(sb.read(repo, PATTERNS_DOC)).toContain("A note of mine.");
  });
});

describe("harvest across clones", () => {
  it("re-plans after a rejected push: another clone harvested first, ADR numbers stay unique", () => {
    const { sb, origin, a, b } = twoClones(3, 2);
    ok(sb.memory(b, ["save"]));
    // When A is about to push its harvest, B harvests and pushes first.
    const flag = join(sb.dir, "b-harvested");
    const hook = `#!/bin/sh\nif [ ! -f '${flag}' ]; then touch '${flag}'; cd '${b}' && env -u GIT_DIR -u GIT_INDEX_FILE -u GIT_WORK_TREE '${process.execPath}' '${CLI}' harvest --yes >/dev/null 2>&1; fi\nexit 0\n`;
    sb.write(a, ".git/hooks/pre-push", hook);
    chmodSync(join(a, ".git/hooks/pre-push"), 0o755);
    const res = ok(sb.memory(a, ["harvest", "--all", "--yes", "--json"]));
    expect(existsSync(flag)).toBe(true);
    expect(JSON.parse(res.stdout).attempts).toBeGreaterThan(1);
    const check = sb.clone(origin, "check");
    expect(uniqueAdrSources(sb, check)).toHaveLength(7); // 3 shared + 2 from a + 2 from b, each exactly once
    expect(ids(sb, check, `${BANK}/decisions-inbox.md`)).toEqual([]);
  });

  it("--no-push still syncs first, so its ADR numbers follow the ones already published", () => {
    const { sb, a, b } = twoClones(5, 0);
    ok(sb.memory(a, ["harvest", "--yes"]));
    fill(sb, b, "decision", 5, 1, "from b");
    ok(sb.memory(b, ["harvest", "--yes", "--no-push"]));
    const numbers = adrs(sb, b).map((f) => f.slice(0, 7));
    expect(numbers).toEqual(["ADR-001", "ADR-002", "ADR-003", "ADR-004", "ADR-005", "ADR-006", "ADR-007", "ADR-008", "ADR-009", "ADR-010"]);
  });

  it("undoes a harvest kept local when another clone published docs meanwhile: each decision in one ADR", () => {
    const { sb, a, b } = twoClones(0, 0);
    ok(sb.memory(b, ["add", "decision", "Use Z", "-m", "z"]));
    ok(sb.memory(b, ["save", "--no-push"]));
    const x = ok(sb.memory(a, ["add", "decision", "Use X", "-m", "x"])).stdout.trim();
    ok(sb.memory(a, ["save"]));
    sb.git(b, "pull", "-q", "--no-rebase", "--no-edit");
    ok(sb.memory(a, ["harvest", "--yes", "--all", "--no-push"])); // ADR-001-use-x, only here
    ok(sb.memory(b, ["harvest", "--yes", "--all"])); // ADR-001-use-z and ADR-002-use-x, published
    const saved = ok(sb.memory(a, ["save"]));
    expect(saved.stderr).toContain("a harvest of yours that was never pushed was undone");
    expect(adrs(sb, a)).toEqual(["ADR-001-use-z.md", "ADR-002-use-x.md"]);
    expect(uniqueAdrSources(sb, a)).toContain(x);
    expect(ok(sb.memory(a, ["doctor"])).stdout).toContain("✓ each entry harvested once");
  });

  it("undoes a local harvest whose post-mortem another clone wrote differently, instead of jamming every sync", () => {
    const { sb, a, b } = twoClones(0, 0);
    ok(sb.memory(a, ["add", "lesson", "Flaky test", "-m", "body"]));
    ok(sb.memory(a, ["save"]));
    ok(sb.memory(b, ["start"]));
    ok(sb.memory(a, ["harvest", "--yes", "--all", "--no-push"]));
    sb.write(b, `${BANK}/lessons-buffer.md`, sb.read(b, `${BANK}/lessons-buffer.md`).replace(/^body$/m, "body, edited by b"));
    ok(sb.memory(b, ["harvest", "--yes", "--all"]));
    ok(sb.memory(a, ["save"]));
    ok(sb.memory(a, ["start"]));
    const files = readdirSync(join(a, PM_DIR));
    expect(files).toHaveLength(1);
    expect(sb.read(a, `${PM_DIR}/${files[0]}`)).toContain("body, edited by b");
    expect(ids(sb, a, `${BANK}/lessons-buffer.md`)).toEqual([]);
  });

  it("offline: harvests here, says the push is pending, and the next save delivers it", () => {
    const { sb, origin, repo } = clone();
    fill(sb, repo, "decision", 5, 1);
    sb.git(repo, "remote", "set-url", "origin", join(sb.dir, "nowhere.git"));
    const res = ok(sb.memory(repo, ["harvest", "--yes"]));
    expect(res.stderr).toContain("push pending");
    expect(adrs(sb, repo)).toHaveLength(5);
    sb.git(repo, "remote", "set-url", "origin", origin);
    ok(sb.memory(repo, ["save"]));
    expect(adrs(sb, sb.clone(origin, "check"))).toHaveLength(5);
  });

  it("two clones harvesting at the same moment publish unique ADR numbers, each decision once", async () => {
    const { sb, a, b } = twoClones(5, 1);
    const runs = await Promise.all([sb.memoryAsync(a, ["harvest", "--all", "--yes"]), sb.memoryAsync(b, ["harvest", "--all", "--yes"])]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    ok(sb.memory(a, ["start"]));
    expect(uniqueAdrSources(sb, a)).toHaveLength(7); // 5 shared + 1 from each, each exactly once
  });

  it("doctor finds duplicate ADR numbers arriving from two branches; --fix renumbers the later one and its links", () => {
    const { sb, repo } = clone();
    sb.git(repo, "checkout", "-q", "-b", "feature");
    sb.write(repo, `${ADR_DIR}/ADR-004-use-redis.md`, "# ADR-004: Use Redis\n");
    sb.git(repo, "add", "-A");
    sb.git(repo, "commit", "-q", "-m", "adr on feature", "--date", "2026-01-01T00:00:00Z");
    sb.git(repo, "checkout", "-q", "main");
    sb.write(repo, `${ADR_DIR}/ADR-004-use-sqlite.md`, "# ADR-004: Use SQLite\n");
    const index = "- [SQLite](ADR/ADR-004-use-sqlite.md)\n- [Redis](ADR/ADR-004-use-redis.md)\n- [other](ADR/ADR-004-use-sqlite-wal.md) [other](ADR/ADR-004-use-redis-cluster.md)\n";
    sb.write(repo, "Docs/03-Reference/index.md", index);
    sb.git(repo, "add", "-A");
    sb.git(repo, "commit", "-q", "-m", "adr on main");
    sb.git(repo, "merge", "-q", "--no-edit", "feature");
    const found = sb.memory(repo, ["doctor"]);
    expect(found.code).toBe(3);
    expect(found.stdout).toContain(`ADR number 4 is used by ${ADR_DIR}/ADR-004-use-redis.md and ${ADR_DIR}/ADR-004-use-sqlite.md`);
    ok(sb.memory(repo, ["doctor", "--fix"]));
    // which one entered history first decides who keeps 004
    const first = sb.git(repo, "log", "--diff-filter=A", "--format=%ct %s", "--", ADR_DIR).trim().split("\n").sort()[0]!;
    const keeper = first.endsWith("adr on feature") ? "use-redis" : "use-sqlite";
    const moved = keeper === "use-redis" ? "use-sqlite" : "use-redis";
    expect(adrs(sb, repo)).toEqual([`ADR-004-${keeper}.md`, `ADR-005-${moved}.md`].sort());
    expect(sb.read(repo, `${ADR_DIR}/ADR-005-${moved}.md`)).toMatch(/^# ADR-005: /);
    expect(sb.read(repo, "Docs/03-Reference/index.md")).toBe(index.replace(`ADR-004-${moved}.md`, `ADR-005-${moved}.md`));
    expect(sb.git(repo, "status", "--porcelain")).toBe("");
    expect(ok(sb.memory(repo, ["doctor"])).stdout).toContain("✓ ADR numbers unique");
  });
});

describe("memory init --ci", () => {
  it("writes the harvest workflow once", () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const res = ok(sb.memory(repo, ["init", "--persona", "lead", "--ci", "--json"]));
    expect(JSON.parse(res.stdout).ci).toBe(".github/workflows/memory-harvest.yml");
    const wf = sb.read(repo, ".github/workflows/memory-harvest.yml");
    expect(wf).toContain("fetch-depth: 0");
    expect(wf).toContain("concurrency:");
    expect(wf).toContain("harvest --yes");
    sb.write(repo, ".github/workflows/memory-harvest.yml", "# mine\n");
    expect(JSON.parse(ok(sb.memory(repo, ["init", "--ci", "--json"])).stdout).ci).toBeNull();
    expect(sb.read(repo, ".github/workflows/memory-harvest.yml")).toBe("# mine\n");
  });
});
