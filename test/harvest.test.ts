/**
 * memory harvest against real repos, run in-process: a bare origin, clones. The harvests that need a
 * process of their own (a terminal, a hook that runs memory, racing clones) are in e2e.test.ts.
 */
import { describe, expect, it } from "vitest";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BANK, Sandbox, tempDir } from "./helpers.js";
import { ADR_DIR, LESSONS, PATTERNS_DOC, PM_DIR, adrs, clone, fill, ids, ok, twoClones, uniqueAdrSources } from "./fixtures.js";
import { createEntry, parseBuffer, serializeBuffer } from "../src/core/entries.js";
import { newId } from "../src/core/ids.js";
import { refuseUnwritable } from "../src/app/harvest.js";

describe("memory harvest", () => {
  it("--all takes every non-empty buffer and --only one; a second harvest is a no-op", async () => {
    const { sb, repo } = await clone();
    const [lesson] = await fill(sb, repo, "gotcha", 1, 1);
    await fill(sb, repo, "pattern", 1, 1);
    ok(await sb.memory(repo, ["harvest", "--all", "--only", "lessons"]));
    const files = readdirSync(join(repo, PM_DIR));
    expect(files).toHaveLength(1);
    const pm = sb.read(repo, `${PM_DIR}/${files[0]}`);
    expect(pm).toContain(`source: ${lesson}`);
    expect(pm).toContain("# gotcha 1");
    expect(pm).toMatch(/gotcha by dev, \d{4}-\d\d-\d\dT[\d:]+Z, entry `/);
    expect(ids(sb, repo, `${BANK}/patterns-buffer.md`)).toHaveLength(1);
    const head = sb.git(repo, "rev-parse", "HEAD").trim();
    const again = ok(await sb.memory(repo, ["harvest", "--only", "lessons-buffer"]));
    expect(again.stdout).toContain("Nothing to harvest");
    expect(sb.git(repo, "rev-parse", "HEAD").trim()).toBe(head);
    const bad = await sb.memory(repo, ["harvest", "--only", "ideas"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no buffer named "ideas"');
  });

  it("--dry-run prints the plan and leaves HEAD and git status unchanged", async () => {
    const { sb, repo } = await clone();
    await fill(sb, repo, "decision", 5, 1);
    await fill(sb, repo, "pattern", 5, 2);
    const [head, status] = [sb.git(repo, "rev-parse", "HEAD"), sb.git(repo, "status", "--porcelain")];
    const res = ok(await sb.memory(repo, ["harvest", "--dry-run", "--yes"]));
    expect(res.stdout).toContain("Harvest plan (dry run, nothing written):");
    expect(res.stdout).toContain(`+ ${ADR_DIR}/ADR-001-decision-1.md`);
    expect(res.stdout).toContain(`+ ${ADR_DIR}/ADR-005-decision-5.md`);
    expect(res.stdout).toContain(`+ ${PATTERNS_DOC} (5)`);
    const json = JSON.parse(ok(await sb.memory(repo, ["harvest", "--dry-run", "--json"])).stdout);
    expect(json.dryRun).toBe(true);
    expect(json.plan.buffers[2].kept).toHaveLength(5);
    expect(sb.git(repo, "rev-parse", "HEAD")).toBe(head);
    expect(sb.git(repo, "status", "--porcelain")).toBe(status);
    expect(existsSync(join(repo, "Docs"))).toBe(false);
  });

  it("numbers ADRs after the highest existing one, MADR-style, proposed, with safe slugs", async () => {
    const { sb, repo } = await clone();
    sb.write(repo, `${ADR_DIR}/ADR-007-existing.md`, "# ADR-007: existing\n");
    const nasty = `Use "quotes" & $(rm -rf ~) ../../../etc/passwd \`x\` / café`;
    const [id] = await fill(sb, repo, "decision", 1, 1, nasty);
    ok(await sb.memory(repo, ["harvest", "--all", "--yes"]));
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

  it("uses a repository's own templates from .claude/memory-templates", async () => {
    const { sb, repo } = await clone();
    sb.write(repo, ".claude/memory-templates/adr.md", "---\nsource: {{id}}\n---\n# Decision {{number}}: {{title}}\n\n{{body}}\n");
    await fill(sb, repo, "decision", 1, 1);
    ok(await sb.memory(repo, ["harvest", "--all", "--yes"]));
    expect(sb.read(repo, `${ADR_DIR}/ADR-001-decision-1.md`)).toMatch(/^---\nsource: \S+\n---\n# Decision 001: decision 1\n\ndecision 1 line 1\n$/);
  });

  it("never harvests an entry twice, even when a buffer brings it back", async () => {
    const { sb, repo } = await clone();
    await fill(sb, repo, "lesson", 1, 1);
    const buffer = sb.read(repo, `${BANK}/lessons-buffer.md`);
    ok(await sb.memory(repo, ["harvest", "--all"]));
    sb.write(repo, `${BANK}/lessons-buffer.md`, buffer); // resurrected, as a bad merge elsewhere could do
    const res = ok(await sb.memory(repo, ["harvest", "--all", "--json"]));
    const out = JSON.parse(res.stdout);
    expect(out.plan.files).toEqual([]);
    expect(out.plan.buffers[1].alreadyHarvested).toHaveLength(1);
    expect(readdirSync(join(repo, PM_DIR))).toHaveLength(1);
    expect(ids(sb, repo, `${BANK}/lessons-buffer.md`)).toEqual([]);
  });
});

describe("harvest keeps what people wrote", () => {
  it("keeps an entry edited after it was harvested, instead of dropping the edit", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const a = sb.clone(origin, "a");
    ok(await sb.memory(a, ["init", "--persona", "dev"]));
    const [id] = await fill(sb, a, "pattern", 1, 1);
    ok(await sb.memory(a, ["save"]));
    const b = sb.clone(origin, "b");
    ok(await sb.memory(b, ["init", "--persona", "qa"]));
    ok(await sb.memory(a, ["harvest", "--all"]));
    sb.write(b, `${BANK}/patterns-buffer.md`, sb.read(b, `${BANK}/patterns-buffer.md`).replace("pattern 1 line 1", "IMPORTANT FIX"));
    ok(await sb.memory(b, ["save"])); // the merge keeps the edit over a's harvest (a deletion)
    const res = ok(await sb.memory(b, ["harvest", "--all"]));
    expect(res.stdout).toContain("already in the docs but edited since, kept here");
    expect(sb.read(b, `${BANK}/patterns-buffer.md`)).toContain("IMPORTANT FIX");
    expect(ids(sb, b, `${BANK}/patterns-buffer.md`)).toEqual([id]);
  });

  it("refuses while the patterns reference has uncommitted edits, which a retried harvest could lose", async () => {
    const { sb, repo } = await clone();
    await fill(sb, repo, "pattern", 1, 1);
    ok(await sb.memory(repo, ["harvest", "--all"]));
    await fill(sb, repo, "pattern", 1, 1, "second");
    sb.write(repo, PATTERNS_DOC, `${sb.read(repo, PATTERNS_DOC)}\nA note of mine.\n`);
    const res = await sb.memory(repo, ["harvest", "--all"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${PATTERNS_DOC} has uncommitted changes; commit or stash them first`);
    expect(sb.read(repo, PATTERNS_DOC)).toContain("A note of mine.");
  });
});

describe("harvest across clones", () => {
  it("--no-push still syncs first, so its ADR numbers follow the ones already published", async () => {
    const { sb, a, b } = await twoClones(5, 0);
    ok(await sb.memory(a, ["harvest", "--yes"]));
    await fill(sb, b, "decision", 5, 1, "from b");
    ok(await sb.memory(b, ["harvest", "--yes", "--no-push"]));
    const numbers = adrs(sb, b).map((f) => f.slice(0, 7));
    expect(numbers).toEqual(["ADR-001", "ADR-002", "ADR-003", "ADR-004", "ADR-005", "ADR-006", "ADR-007", "ADR-008", "ADR-009", "ADR-010"]);
  });

  it("undoes a harvest kept local when another clone published docs meanwhile: each decision in one ADR", async () => {
    const { sb, a, b } = await twoClones(0, 0);
    ok(await sb.memory(b, ["add", "decision", "Use Z", "-m", "z"]));
    ok(await sb.memory(b, ["save", "--no-push"]));
    const x = ok(await sb.memory(a, ["add", "decision", "Use X", "-m", "x"])).stdout.trim();
    ok(await sb.memory(a, ["save"]));
    sb.git(b, "pull", "-q", "--no-rebase", "--no-edit");
    ok(await sb.memory(a, ["harvest", "--yes", "--all", "--no-push"])); // ADR-001-use-x, only here
    ok(await sb.memory(b, ["harvest", "--yes", "--all"])); // ADR-001-use-z and ADR-002-use-x, published
    const saved = ok(await sb.memory(a, ["save"]));
    expect(saved.stderr).toContain("a harvest of yours that was never pushed was undone");
    expect(adrs(sb, a)).toEqual(["ADR-001-use-z.md", "ADR-002-use-x.md"]);
    expect(uniqueAdrSources(sb, a)).toContain(x);
    expect(ok(await sb.memory(a, ["doctor"])).stdout).toContain("✓ each entry harvested once");
  });

  it("undoes a local harvest whose post-mortem another clone wrote differently, instead of jamming every sync", async () => {
    const { sb, a, b } = await twoClones(0, 0);
    ok(await sb.memory(a, ["add", "lesson", "Flaky test", "-m", "body"]));
    ok(await sb.memory(a, ["save"]));
    ok(await sb.memory(b, ["start"]));
    ok(await sb.memory(a, ["harvest", "--yes", "--all", "--no-push"]));
    sb.write(b, `${BANK}/lessons-buffer.md`, sb.read(b, `${BANK}/lessons-buffer.md`).replace(/^body$/m, "body, edited by b"));
    ok(await sb.memory(b, ["harvest", "--yes", "--all"]));
    ok(await sb.memory(a, ["save"]));
    ok(await sb.memory(a, ["start"]));
    const files = readdirSync(join(a, PM_DIR));
    expect(files).toHaveLength(1);
    expect(sb.read(a, `${PM_DIR}/${files[0]}`)).toContain("body, edited by b");
    expect(ids(sb, a, `${BANK}/lessons-buffer.md`)).toEqual([]);
  });

  it("offline: harvests here, says the push is pending, and the next save delivers it", async () => {
    const { sb, origin, repo } = await clone();
    await fill(sb, repo, "decision", 5, 1);
    sb.git(repo, "remote", "set-url", "origin", join(sb.dir, "nowhere.git"));
    const res = ok(await sb.memory(repo, ["harvest", "--yes"]));
    expect(res.stderr).toContain("push pending");
    expect(adrs(sb, repo)).toHaveLength(5);
    sb.git(repo, "remote", "set-url", "origin", origin);
    ok(await sb.memory(repo, ["save"]));
    expect(adrs(sb, sb.clone(origin, "check"))).toHaveLength(5);
  });

  it("doctor finds duplicate ADR numbers arriving from two branches; --fix renumbers the later one and its links", async () => {
    const { sb, repo } = await clone();
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
    const found = await sb.memory(repo, ["doctor"]);
    expect(found.code).toBe(3);
    expect(found.stdout).toContain(`ADR number 4 is used by ${ADR_DIR}/ADR-004-use-redis.md and ${ADR_DIR}/ADR-004-use-sqlite.md`);
    ok(await sb.memory(repo, ["doctor", "--fix"]));
    // which one entered history first decides who keeps 004
    const first = sb.git(repo, "log", "--diff-filter=A", "--format=%ct %s", "--", ADR_DIR).trim().split("\n").sort()[0]!;
    const keeper = first.endsWith("adr on feature") ? "use-redis" : "use-sqlite";
    const moved = keeper === "use-redis" ? "use-sqlite" : "use-redis";
    expect(adrs(sb, repo)).toEqual([`ADR-004-${keeper}.md`, `ADR-005-${moved}.md`].sort());
    expect(sb.read(repo, `${ADR_DIR}/ADR-005-${moved}.md`)).toMatch(/^# ADR-005: /);
    expect(sb.read(repo, "Docs/03-Reference/index.md")).toBe(index.replace(`ADR-004-${moved}.md`, `ADR-005-${moved}.md`));
    expect(sb.git(repo, "status", "--porcelain")).toBe("");
    expect(ok(await sb.memory(repo, ["doctor"])).stdout).toContain("✓ ADR numbers unique");
  });
});

describe("the harvest commit", () => {
  /** `n` lessons written straight into the buffer (as `memory add` would, without a process each). */
  function lessons(sb: Sandbox, repo: string, n: number): void {
    const doc = parseBuffer(sb.read(repo, LESSONS));
    const t0 = Date.parse("2026-11-01T00:00:00Z");
    for (let i = 1; i <= n; i++) {
      const at = t0 + i * 60_000;
      doc.entries.push(createEntry({ id: newId(at), type: "lesson", author: "dev", createdAt: new Date(at).toISOString().slice(0, 19) + "Z", title: `Lesson ${i}`, tags: [], body: `What went wrong ${i}.` }));
    }
    sb.write(repo, LESSONS, serializeBuffer(doc));
  }

  it("holds only the harvest, with the bank folder ignored: staged and unstaged work stays, hooks do not run, what it wrote is clean", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const repo = sb.clone(origin, "dev");
    // A common `.claude/` line hides the bank folder (the config was committed before it).
    sb.write(repo, ".gitignore", ".claude/\n");
    sb.git(repo, "add", ".gitignore");
    sb.git(repo, "commit", "-q", "-m", "ignore .claude");
    ok(await sb.memory(repo, ["init", "--persona", "dev"]));
    ok(await sb.memory(repo, ["save"]));
    lessons(sb, repo, 150);
    // CRLF in the buffer: the emptied buffer keeps it, in the commit too.
    sb.write(repo, LESSONS, sb.read(repo, LESSONS).replace(/\n/g, "\r\n"));
    ok(await sb.memory(repo, ["save"]));
    sb.write(repo, "staged.txt", "staged\n");
    sb.git(repo, "add", "staged.txt");
    sb.write(repo, "README.md", "# project\nunstaged edit\n");
    sb.write(repo, ".git/hooks/pre-commit", `#!/bin/sh\necho ran > "${join(repo, "hook-ran")}"\nexit 1\n`);
    chmodSync(join(repo, ".git/hooks/pre-commit"), 0o755);
    const loose = () => Number(/^count: (\d+)$/m.exec(sb.git(repo, "count-objects", "-v"))![1]);
    const before = { head: sb.git(repo, "rev-parse", "HEAD").trim(), loose: loose() };

    ok(await sb.memory(repo, ["harvest", "--all", "--yes"]));
    const changed = sb.git(repo, "diff", "--name-only", before.head, "HEAD").trim().split("\n");
    expect(changed.filter((p) => p.startsWith(`${PM_DIR}/`))).toHaveLength(150);
    expect(changed.filter((p) => !p.startsWith(`${PM_DIR}/`)).sort()).toEqual([`${BANK}/SESSION_LOG.md`, LESSONS]);
    expect(sb.git(repo, "status", "--porcelain")).toBe(" M README.md\nA  staged.txt\n");
    expect(sb.git(repo, "diff", "--cached", "--name-only")).toBe("staged.txt\n");
    expect(existsSync(join(repo, "hook-ran"))).toBe(false);
    const buffer = sb.git(repo, "show", `HEAD:${LESSONS}`);
    expect(parseBuffer(buffer).entries).toEqual([]);
    expect(buffer).toContain("\r\n");
    expect(buffer).not.toMatch(/[^\r]\n/);
    expect(readFileSync(join(repo, LESSONS), "utf8")).toBe(buffer);
    // The 150 docs went into the object store as one pack, not a loose file each.
    expect(loose() - before.loose).toBeLessThan(20);
    expect(sb.git(origin, "rev-parse", "main")).toBe(sb.git(repo, "rev-parse", "HEAD"));
  });
});

describe("what stands where a harvest writes", () => {
  const refusal = (root: string, paths: string[]) => refuseUnwritable(root, paths).then(() => null, (err: Error & { code?: string }) => `${err.code}: ${err.message}`);

  it("passes files, links to files and nothing; names the file in a folder's place or the folder in a file's", async () => {
    const root = tempDir();
    mkdirSync(join(root, "Docs/PM"), { recursive: true });
    const many = Array.from({ length: 500 }, (_, i) => `Docs/PM/pm-${i}.md`);
    for (const p of many.slice(0, 250)) writeFileSync(join(root, p), "x\n");
    writeFileSync(join(root, "target.md"), "x\n");
    symlinkSync(join(root, "target.md"), join(root, "Docs/PM/linked.md"));
    symlinkSync(join(root, "nowhere.md"), join(root, "Docs/PM/dangling.md"));
    symlinkSync(join(root, "Docs"), join(root, "Docs/PM/folder-link.md"));
    mkdirSync(join(root, "Docs/PM/a-folder.md"));
    writeFileSync(join(root, "Docs/ADR"), "a file where the ADR folder goes\n");
    const fine = [...many, "Docs/PM/linked.md", "Docs/PM/dangling.md", "Docs/new/deeper/x.md", ".gitattributes"];
    expect(await refusal(root, fine)).toBeNull();
    expect(await refusal(root, [...fine, "Docs/ADR/ADR-001-x.md"])).toMatch(/^ENOTDIR: .*Docs\/ADR\b/);
    expect(await refusal(root, [...fine, "Docs/ADR/deeper/x.md"])).toMatch(/^ENOTDIR: .*Docs\/ADR\b/);
    expect(await refusal(root, [...fine, "Docs/PM/a-folder.md"])).toMatch(/^EISDIR: .*Docs\/PM\/a-folder\.md/);
    expect(await refusal(root, [...fine, "Docs/PM/folder-link.md"])).toMatch(/^EISDIR: .*Docs\/PM\/folder-link\.md/);
    expect(await refusal(root, ["Docs"])).toMatch(/^EISDIR: .*Docs/);
  });
});

describe("memory init --ci", () => {
  it("writes the harvest workflow once", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const res = ok(await sb.memory(repo, ["init", "--persona", "lead", "--ci", "--json"]));
    expect(JSON.parse(res.stdout).ci).toBe(".github/workflows/memory-harvest.yml");
    const wf = sb.read(repo, ".github/workflows/memory-harvest.yml");
    expect(wf).toContain("fetch-depth: 0");
    expect(wf).toContain("concurrency:");
    expect(wf).toContain("harvest --yes");
    sb.write(repo, ".github/workflows/memory-harvest.yml", "# mine\n");
    expect(JSON.parse(ok(await sb.memory(repo, ["init", "--ci", "--json"])).stdout).ci).toBeNull();
    expect(sb.read(repo, ".github/workflows/memory-harvest.yml")).toBe("# mine\n");
  });
});
