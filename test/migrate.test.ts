/**
 * memory migrate against real git: small banks of each kind, written from the formats' facts (Cline's six
 * files, Roo Code's dated logs, Cursor's folder, the original layout with its reference docs), and the
 * inputs that break naive parsers.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BANK, Sandbox } from "./helpers.js";
import { parseBuffer } from "../src/core/entries.js";
import { commitFiles } from "../src/git/snapshot.js";
import { checkMigrated, lostLines, ok, type Migrated } from "./migrate-check.js";

const NOW = { MEMORY_NOW: "2026-03-01T12:00:00Z" };

/** A repository holding `files`, committed by `author` at `date` (so history has them). */
function repoWith(files: Record<string, string>, author = "Ada Lovelace", date = "2024-05-06T07:08:09Z"): { sb: Sandbox; repo: string } {
  const sb = new Sandbox({ layout: "branch" });
  const repo = sb.repo();
  for (const [rel, text] of Object.entries(files)) sb.write(repo, rel, text);
  sb.git(repo, "add", "-A");
  sb.git(repo, "-c", `user.name=${author}`, "-c", "user.email=author@example.invalid", "commit", "-q", "--date", date, "-m", "the team's bank");
  return { sb, repo };
}

async function migrate(sb: Sandbox, repo: string, ...args: string[]): Promise<Migrated> {
  return JSON.parse(ok(await sb.memory(repo, ["migrate", "--persona", "dev", "--json", ...args], { env: NOW })).stdout) as Migrated;
}

const CLINE = {
  "memory-bank/projectbrief.md": "# Project Brief\n\nA shop for rare books.\n",
  "memory-bank/productContext.md": "# Product Context\n\n## Why\nCollectors cannot find sellers.\n",
  "memory-bank/techContext.md": "# Tech Context\n\n## Stack\n- Node 20\n- Postgres\n",
  "memory-bank/progress.md": "# Progress\n\n## Done\n- [x] search\n\n## Left\n- [ ] checkout\n",
  "memory-bank/activeContext.md": "# Active Context\n\n## Current Focus\nCheckout flow.\n\n## Next Steps\n1. Payments\n",
  "memory-bank/systemPatterns.md": [
    "# System Patterns",
    "",
    "How the shop is built.",
    "",
    "## Architecture",
    "",
    "Layers: routes → services → repositories.",
    "",
    "## Design Patterns",
    "",
    "### Repository",
    "One class per table.",
    "",
    "```ts",
    "## this is a comment in a code sample, not a section",
    "```",
    "",
    "### Factory",
    "Clients built from config.",
    "",
  ].join("\n"),
};

describe("memory migrate", () => {
  it("Cline's six files: systemPatterns becomes pattern entries (author and date from history), the rest is kept, one commit", async () => {
    const { sb, repo } = repoWith(CLINE);
    const head = sb.git(repo, "rev-parse", "HEAD").trim();

    const plan = await migrate(sb, repo, "--dry-run");
    expect(plan.dryRun).toBe(true);
    expect(plan.plan.from).toBe("cline");
    expect(plan.plan.bank).toBe("memory-bank");
    expect(plan.plan.config?.settings).toEqual({ bank: "memory-bank" });
    const patterns = plan.plan.sources.find((s) => s.path === "memory-bank/systemPatterns.md")!;
    expect(patterns).toMatchObject({ becomes: "entries", file: "memory-bank/patterns-buffer.md", movedTo: "Docs/99-Archive/memory-bank/systemPatterns.md" });
    expect(patterns.entries.map((e) => [e.title, e.type, e.at, e.by, e.atFrom, e.byFrom, e.tags])).toEqual([
      ["Architecture", "pattern", "2024-05-06T07:08:09Z", "Ada Lovelace", "history", "history", []],
      ["Repository", "pattern", "2024-05-06T07:08:09Z", "Ada Lovelace", "history", "history", ["design-patterns"]],
      ["Factory", "pattern", "2024-05-06T07:08:09Z", "Ada Lovelace", "history", "history", ["design-patterns"]],
    ]);
    expect(plan.plan.kept.map((k) => k.path)).toEqual(["memory-bank/productContext.md", "memory-bank/progress.md", "memory-bank/projectbrief.md", "memory-bank/techContext.md"]);
    expect(plan.plan.sources.find((s) => s.becomes === "context")?.path).toBe("memory-bank/activeContext.md");
    // a dry run writes nothing
    expect(sb.git(repo, "rev-parse", "HEAD").trim()).toBe(head);
    expect(sb.git(repo, "status", "--porcelain")).toBe("");
    expect(existsSync(join(repo, "memory-bank/patterns-buffer.md"))).toBe(false);

    const done = await migrate(sb, repo);
    expect(done.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(sb.git(repo, "rev-list", "--count", `${head}..HEAD`).trim()).toBe("1");
    expect(sb.git(repo, "log", "-1", "--format=%s")).toMatch(/^memory: migrate cline bank \(dev\): 3 in patterns-buffer/);
    // entries, with ids that sort by the time of their section
    const buffer = parseBuffer(sb.read(repo, "memory-bank/patterns-buffer.md"));
    expect(buffer.entries.map((e) => [e.title, e.author, e.createdAt])).toEqual(patterns.entries.map((e) => [e.title, e.by, e.at]));
    expect(buffer.entries[1]!.body).toContain("## this is a comment in a code sample, not a section");
    // the source left the bank; its text is kept word for word
    expect(existsSync(join(repo, "memory-bank/systemPatterns.md"))).toBe(false);
    expect(sb.read(repo, "Docs/99-Archive/memory-bank/systemPatterns.md")).toBe(CLINE["memory-bank/systemPatterns.md"]);
    for (const rel of ["projectbrief.md", "productContext.md", "techContext.md", "progress.md"]) {
      expect(sb.read(repo, `memory-bank/${rel}`)).toBe(CLINE[`memory-bank/${rel}` as keyof typeof CLINE]);
    }
    // the context is stamped and its text is dev's section
    const context = sb.read(repo, "memory-bank/activeContext.md");
    expect(context).toMatch(/^---\nupdated: 2026-03-01T12:00:00Z\nby: dev\n---\n# Active Context\n\n<!-- context persona=dev updated=2026-03-01T12:00:00Z -->\n## Current Focus\nCheckout flow./);
    // the bank stays where Cline keeps it, and the config says so
    expect(JSON.parse(sb.read(repo, ".claude/memory.config.json"))).toEqual({ version: 1, bank: "memory-bank" });
    expect(sb.git(repo, "check-attr", "merge", "--", "memory-bank/progress.md")).toContain("merge: memory-text");
    expect(lostLines(new Map(Object.entries(CLINE)), repo)).toEqual([]);
    await checkMigrated(sb, repo, done);
    const status = JSON.parse(ok(await sb.memory(repo, ["status", "--json"])).stdout);
    expect(status.buffers.find((b: { name: string }) => b.name === "patterns").items).toBe(3);
  });

  it("Roo Code: decisionLog lines `[date time] - Title` become decisions at those times; the template above them stays in the archive", async () => {
    const decisionLog = [
      "# Decision Log",
      "",
      "This file records architectural and implementation decisions using a list format.",
      "YYYY-MM-DD HH:MM:SS - Log of updates made.",
      "",
      "*",
      "",
      "## Decision",
      "",
      "*   ",
      "",
      "## Rationale ",
      "",
      "*   ",
      "",
      "---",
      "",
      "[2025-08-16 20:09:55] - Initialized Memory Bank (created decisionLog.md)",
      "",
      "[2025-08-16 20:26:15] - **Configurable LLM providers**",
      "",
      "## Decision",
      "Support several providers through one client.",
      "",
      "## Rationale",
      "- Flexibility",
      "",
      "[2025-08-17 07:52:27] - Real-time progress",
      "**Decision:** callback-based progress tracking",
      "**Impact:** live progress bars",
      "",
    ].join("\n");
    const files = {
      "memory-bank/decisionLog.md": decisionLog,
      "memory-bank/productContext.md": "# Product Context\n\nResearch briefs.\n",
      "memory-bank/activeContext.md": "# Active Context\n\n## Current Focus\n\n* Stage 1.5\n\n[2025-08-17 07:52:27] - Progress bars done\n",
      "memory-bank/progress.md": "# Progress\n\n[2025-08-16 20:10:00] - Memory bank set up\n",
    };
    const { sb, repo } = repoWith(files);
    const done = await migrate(sb, repo, "--from", "roo");
    expect(done.plan.from).toBe("roo");
    const log = done.plan.sources.find((s) => s.path === "memory-bank/decisionLog.md")!;
    expect(log.entries.map((e) => [e.title, e.type, e.at, e.atFrom])).toEqual([
      ["Initialized Memory Bank (created decisionLog.md)", "decision", "2025-08-16T20:09:55Z", "text"],
      ["Configurable LLM providers", "decision", "2025-08-16T20:26:15Z", "text"],
      ["Real-time progress", "decision", "2025-08-17T07:52:27Z", "text"],
    ]);
    const inbox = parseBuffer(sb.read(repo, "memory-bank/decisions-inbox.md"));
    expect(inbox.entries[1]!.body).toBe("## Decision\nSupport several providers through one client.\n\n## Rationale\n- Flexibility");
    expect(inbox.entries[2]!.body).toBe("**Decision:** callback-based progress tracking\n**Impact:** live progress bars");
    // progress.md and activeContext.md have dated lines too, but they are not decision logs: kept, and the context stamped
    expect(sb.read(repo, "memory-bank/progress.md")).toBe(files["memory-bank/progress.md"]);
    expect(sb.read(repo, "memory-bank/activeContext.md")).toContain("[2025-08-17 07:52:27] - Progress bars done");
    expect(lostLines(new Map(Object.entries(files)), repo)).toEqual([]);
    await checkMigrated(sb, repo, done, ["--from", "roo"]);
  });

  it("the original layout: reference docs move to Docs with each section an entry in place, decisions go to the inbox, the log stays", async () => {
    const files = {
      [`${BANK}/patterns.md`]: [
        "# Established Patterns",
        "",
        "**Last Updated**: 2025-08-21",
        "",
        "## 🔧 Recent Patterns",
        "",
        "### Git Hook Auto-Installation",
        "**Pattern**: Configure Husky in the project file",
        "**Added**: 2025-08-21",
        "",
        "## 🎯 Core Patterns",
        "",
        "### Error Handling Pattern",
        "```csharp",
        "## not a heading",
        "public Fin<Result> Execute() => Validate().Map(Run);",
        "```",
        "",
      ].join("\n"),
      [`${BANK}/lessons.md`]: [
        "# Lessons Learned",
        "",
        "## Multiplatform Architecture (2025-07-15)",
        "",
        "### Problem",
        "A shared protocol fought both frameworks.",
        "",
        "### Solution",
        "Separate apps, one data format.",
        "",
        "## Husky Sets core.hookspath",
        "**Issue**: Hooks not executing",
        "**Date**: 2025-08-21",
        "",
      ].join("\n"),
      [`${BANK}/troubleshooting.md`]: "# Troubleshooting\n\n## Issue: Tests pass but the game won't compile\n**Solution**: build everything before committing\n",
      [`${BANK}/decisions.md`]: [
        "# Decision Log",
        "",
        "## 2026-02-25: CalVer Versioning",
        "",
        "**Decision**: Adopt Calendar Versioning.",
        "",
        "**Context**: Continuously deployed.",
        "",
        "---",
        "",
        "## 2026-02-26: Redis Streams for Events",
        "",
        "**Decision**: Streams, not Pub/Sub.",
        "",
      ].join("\n"),
      [`${BANK}/SESSION_LOG.md`]: "# Session Log\n\n## 2025-08-21 09:35 - DevOps Session\n- **Work Completed**: hooks\n",
      [`${BANK}/activeContext.md`]: "# Active Context\n\n**Last Updated**: 2025-08-21\n\n## Current Work\n- Branch: main\n",
    };
    const { sb, repo } = repoWith(files);
    const done = await migrate(sb, repo);
    expect(done.plan.from).toBe("legacy");
    expect(done.plan.config).toBeNull();
    const byPath = new Map(done.plan.sources.map((s) => [s.path, s]));
    expect(byPath.get(`${BANK}/patterns.md`)).toMatchObject({ becomes: "doc", movedTo: "Docs/03-Reference/Patterns.md" });
    expect(byPath.get(`${BANK}/lessons.md`)).toMatchObject({ becomes: "doc", movedTo: "Docs/06-PostMortems/lessons.md" });
    expect(byPath.get(`${BANK}/troubleshooting.md`)).toMatchObject({ becomes: "doc", movedTo: "Docs/03-Reference/Troubleshooting.md" });
    expect(byPath.get(`${BANK}/decisions.md`)).toMatchObject({ becomes: "entries", file: `${BANK}/decisions-inbox.md` });

    // Patterns.md: the file as it was, with a marker line above each section
    const patterns = sb.read(repo, "Docs/03-Reference/Patterns.md");
    const unmarked = patterns.split("\n").filter((l) => !l.startsWith("<!-- entry ")).join("\n").replace(/\n{3,}/g, "\n\n");
    expect(unmarked).toBe(files[`${BANK}/patterns.md`]);
    const doc = parseBuffer(patterns);
    expect(doc.entries.map((e) => [e.title, e.type, e.tags])).toEqual([
      ["🔧 Recent Patterns", "pattern", []],
      ["Git Hook Auto-Installation", "pattern", ["recent-patterns"]],
      ["🎯 Core Patterns", "pattern", []],
      ["Error Handling Pattern", "pattern", ["core-patterns"]],
    ]);
    expect(doc.entries[1]!.createdAt).toBe("2025-08-21T00:00:00Z");
    expect(doc.entries[0]!.author).toBe("Ada Lovelace");
    expect(sb.git(repo, "check-attr", "merge", "--", "Docs/03-Reference/Patterns.md")).toContain("merge: memory-union");
    // lessons: `## Title (date)` with `### Problem` parts is one entry; `**Date**:` dates the other
    const lessons = parseBuffer(sb.read(repo, "Docs/06-PostMortems/lessons.md"));
    expect(lessons.entries.map((e) => [e.title, e.type, e.createdAt])).toEqual([
      ["Multiplatform Architecture (2025-07-15)", "lesson", "2025-07-15T00:00:00Z"],
      ["Husky Sets core.hookspath", "lesson", "2025-08-21T00:00:00Z"],
    ]);
    // decisions: dated headings, `---` separators are not part of an entry
    const inbox = parseBuffer(sb.read(repo, `${BANK}/decisions-inbox.md`));
    expect(inbox.entries.map((e) => [e.title, e.createdAt, e.body])).toEqual([
      ["2026-02-25: CalVer Versioning", "2026-02-25T00:00:00Z", "**Decision**: Adopt Calendar Versioning.\n\n**Context**: Continuously deployed."],
      ["2026-02-26: Redis Streams for Events", "2026-02-26T00:00:00Z", "**Decision**: Streams, not Pub/Sub."],
    ]);
    expect(sb.read(repo, "Docs/99-Archive/memory-bank/decisions.md")).toBe(files[`${BANK}/decisions.md`]);
    for (const gone of ["patterns.md", "lessons.md", "troubleshooting.md", "decisions.md"]) expect(existsSync(join(repo, BANK, gone))).toBe(false);
    // the session log is this bank's log already: kept, with the migration's line
    expect(sb.read(repo, `${BANK}/SESSION_LOG.md`)).toMatch(/^# Session Log\n\n## 2025-08-21 09:35 - DevOps Session\n- \*\*Work Completed\*\*: hooks\n- 2026-03-01T12:00:00Z · dev · migrate · legacy bank: /);
    expect(lostLines(new Map(Object.entries(files)), repo)).toEqual([]);
    await checkMigrated(sb, repo, done);

    // A harvest afterwards writes the decisions as ADRs and never writes a migrated pattern a second time.
    const harvest = JSON.parse(ok(await sb.memory(repo, ["harvest", "--all", "--yes", "--no-push", "--json"])).stdout);
    expect(harvest.plan.files.map((f: { kind: string }) => f.kind)).toEqual(["adr", "adr"]);
    expect(sb.read(repo, "Docs/03-Reference/Patterns.md")).toBe(patterns);
    ok(await sb.memory(repo, ["doctor"]));
  });

  it("Cursor's folder with CRLF, a BOM, no final newline, fenced headings, an empty file; a bank never committed gets now and the persona", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const repo = sb.repo();
    const patterns = "\uFEFF# System Patterns\r\n\r\n## Modular Design\r\nOne module per tool.\r\n\r\n```md\r\n## Fenced\r\n```\r\n\r\n## Error Handling\r\nNever swallow errors.";
    sb.write(repo, ".cursor/memory-bank/systemPatterns.md", patterns);
    sb.write(repo, ".cursor/memory-bank/decisionLog.md", "");
    sb.write(repo, ".cursor/memory-bank/activeContext.md", "# Active Context\r\n\r\nRefactoring the client.\r\n");
    sb.write(repo, ".cursor/rules/memory-bank.mdc", "---\ndescription: memory bank rules\n---\nRead the memory bank first.\n");
    const done = await migrate(sb, repo, "--from", "cursor");
    expect(done.plan.from).toBe("cursor");
    expect(done.plan.bank).toBe(".cursor/memory-bank");
    const source = done.plan.sources.find((s) => s.path === ".cursor/memory-bank/systemPatterns.md")!;
    expect(source.entries.map((e) => [e.title, e.at, e.atFrom, e.by, e.byFrom])).toEqual([
      ["Modular Design", "2026-03-01T12:00:00Z", "now", "dev", "persona"],
      ["Error Handling", "2026-03-01T12:00:00Z", "now", "dev", "persona"],
    ]);
    const buffer = parseBuffer(sb.read(repo, ".cursor/memory-bank/patterns-buffer.md"));
    expect(buffer.entries.map((e) => e.body)).toEqual(["One module per tool.\n\n```md\n## Fenced\n```", "Never swallow errors."]);
    expect(readFileSync(join(repo, "Docs/99-Archive/memory-bank/systemPatterns.md"), "utf8")).toBe(patterns);
    expect(done.plan.kept).toContainEqual({ path: ".cursor/memory-bank/decisionLog.md", note: "no sections to make entries of" });
    expect(sb.read(repo, ".cursor/memory-bank/decisionLog.md")).toBe("");
    expect(sb.read(repo, ".cursor/rules/memory-bank.mdc")).toContain("Read the memory bank first.");
    expect(sb.read(repo, ".cursor/memory-bank/activeContext.md")).toContain("Refactoring the client.\r\n");
    await checkMigrated(sb, repo, done, ["--from", "cursor"]);
  });

  it("an active context under another name is named in the config; the text output shows the plan", async () => {
    const files = {
      "memory-bank/active-context.md": "# Active Context\n\n## Current Focus\nThe MCP server.\n",
      "memory-bank/lessons-learned.md": "# Lessons Learned\n\n## Tooling\n\n[2024-03-26 21:34] Package Management: pnpm workspaces → Why: disk space.\n",
    };
    const { sb, repo } = repoWith(files);
    const text = ok(await sb.memory(repo, ["migrate", "--dry-run", "--persona", "dev"], { env: NOW }));
    expect(text.stdout).toContain("Migration plan: the cline bank in memory-bank/ (dry run, nothing written)");
    expect(text.stdout).toContain('memory-bank/lessons-learned.md → 1 entry in memory-bank/lessons-buffer.md; its text kept in Docs/99-Archive/memory-bank/lessons-learned.md');
    expect(text.stdout).toContain('+ "Package Management" lesson, 2024-03-26T21:34:00Z (text), by Ada Lovelace (history) [tooling]');
    expect(text.stdout).toContain(".claude/memory.config.json: bank = memory-bank, context.file = active-context.md");
    expect(text.stderr).toContain("run without --dry-run");
    const done = await migrate(sb, repo);
    expect(JSON.parse(sb.read(repo, ".claude/memory.config.json"))).toEqual({ version: 1, bank: "memory-bank", context: { file: "active-context.md" } });
    expect(existsSync(join(repo, "memory-bank/activeContext.md"))).toBe(false);
    expect(sb.read(repo, "memory-bank/active-context.md")).toContain("<!-- context persona=dev");
    await checkMigrated(sb, repo, done);
  });
});

describe("memory migrate refuses, and never writes over what people wrote", () => {
  it("no bank anywhere, or none of the kind asked for: exit 1 with the next step, nothing changed", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const repo = sb.repo();
    const none = await sb.memory(repo, ["migrate", "--persona", "dev"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("memory: no memory bank found (looked in .claude/memory-bank/, memory-bank/, .cursor/memory-bank/); run memory in the repository that holds the bank, or `memory init` to start a new one");
    sb.write(repo, "memory-bank/systemPatterns.md", "## A\nb\n");
    const cursor = await sb.memory(repo, ["migrate", "--from", "cursor", "--persona", "dev"]);
    expect(cursor.code).toBe(1);
    expect(cursor.stderr).toContain("no memory bank found (looked in .cursor/memory-bank/); pass --from auto");
    const bad = await sb.memory(repo, ["migrate", "--from", "obsidian"]);
    expect(bad.code).toBe(2);
    expect(sb.git(repo, "status", "--porcelain")).toBe("?? memory-bank/\n");
  });

  it("text that looks like a secret, new to git, is refused unless --allow-secret", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const repo = sb.repo();
    const token = `ghp_${"a1B2c3D4e5".repeat(4)}`;
    sb.write(repo, "memory-bank/systemPatterns.md", `## Deploy\nUse the token ${token} for releases.\n`);
    const head = sb.git(repo, "rev-parse", "HEAD");
    const refused = await sb.memory(repo, ["migrate", "--persona", "dev"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/a GitHub token looks like a secret; remove it, or run `memory migrate --allow-secret` if it is not one \(nothing was committed\)/);
    expect(sb.git(repo, "rev-parse", "HEAD")).toBe(head);
    expect(existsSync(join(repo, "memory-bank/systemPatterns.md"))).toBe(true);
    ok(await sb.memory(repo, ["migrate", "--persona", "dev", "--allow-secret"]));
    expect(sb.read(repo, "memory-bank/patterns-buffer.md")).toContain(token);
  });

  it("a Patterns.md people wrote is never written over, and staged work elsewhere stays staged and out of the commit", async () => {
    const mine = "# Our patterns\n\n## Hand-written\nKeep me.\n";
    const { sb, repo } = repoWith({ "Docs/03-Reference/Patterns.md": mine, [`${BANK}/patterns.md`]: "# Patterns\n\n## Retry with jitter\nBack off.\n" });
    writeFileSync(join(repo, "README.md"), "# project, edited\n");
    sb.git(repo, "add", "README.md");
    const done = await migrate(sb, repo);
    expect(done.plan.sources[0]).toMatchObject({ path: `${BANK}/patterns.md`, movedTo: "Docs/03-Reference/Patterns-2.md" });
    expect(sb.read(repo, "Docs/03-Reference/Patterns.md")).toBe(mine);
    expect(parseBuffer(sb.read(repo, "Docs/03-Reference/Patterns-2.md")).entries.map((e) => e.title)).toEqual(["Retry with jitter"]);
    expect(sb.git(repo, "show", "--name-only", "--format=", "HEAD")).not.toContain("README.md");
    expect(sb.git(repo, "status", "--porcelain")).toBe("M  README.md\n");
  });

  it("a bank of this tool with entries and another kind of bank in a second folder: refused, nothing changed", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const repo = sb.repo();
    ok(await sb.memory(repo, ["init", "--persona", "dev"]));
    ok(await sb.memory(repo, ["add", "pattern", "Name things after the domain"]));
    sb.write(repo, "memory-bank/systemPatterns.md", "## A\nb\n");
    const status = sb.git(repo, "status", "--porcelain");
    const res = await sb.memory(repo, ["migrate", "--persona", "dev"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(".claude/memory-bank/ already holds this tool's bank with entries, and memory-bank/ a bank to migrate; move the files of memory-bank/ into .claude/memory-bank/");
    expect(sb.git(repo, "status", "--porcelain")).toBe(status);
  });

  it("a migration stopped before it landed is finished by the next command, which never deletes a file edited meanwhile", async () => {
    const decisions = `${BANK}/decisions.md`;
    const troubleshooting = `${BANK}/troubleshooting.md`;
    const files = { [decisions]: "# Decisions\n\n## Use SQLite\nSmall data.\n", [troubleshooting]: "# Troubleshooting\n\n## Slow tests\nRun them in parallel.\n" };
    const { sb, repo } = repoWith(files);
    const head = sb.git(repo, "rev-parse", "HEAD").trim();
    const archive = "Docs/99-Archive/memory-bank/decisions.md";
    // What migrate does before it lands: the commit, made off to the side, and the journal; then it is stopped.
    const snapshot = await commitFiles(repo, join(repo, ".git"), head, [{ path: archive, content: files[decisions]! }], "memory: migrate legacy bank (dev): test", {
      remove: [{ path: decisions, content: files[decisions]! }, { path: troubleshooting, content: files[troubleshooting]! }],
    });
    const journal = { from: head, to: snapshot.commit, message: "memory: migrate", files: [...snapshot.blobs], removed: [...snapshot.removed] };
    sb.write(repo, ".git/memory/harvest-journal.json", JSON.stringify(journal));
    sb.write(repo, decisions, `${files[decisions]}\n## Edited while it was stopped\n`);
    ok(await sb.memory(repo, ["init", "--persona", "dev"]));
    ok(await sb.memory(repo, ["add", "pattern", "After the stop"]));
    expect(sb.git(repo, "rev-parse", "HEAD").trim()).toBe(snapshot.commit);
    expect(sb.read(repo, archive)).toBe(files[decisions]);
    expect(existsSync(join(repo, troubleshooting))).toBe(false); // unchanged since: removed
    expect(sb.read(repo, decisions)).toContain("## Edited while it was stopped"); // edited: left where it is, untracked
    expect(sb.git(repo, "ls-files", "--", decisions, troubleshooting)).toBe("");
    expect(existsSync(join(repo, ".git/memory/harvest-journal.json"))).toBe(false);
  });

  it("--help has an example", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const help = ok(await sb.memory(sb.dir, ["migrate", "--help"]));
    expect(help.stdout).toContain("Examples:\n  $ memory migrate --dry-run");
  });
});
