import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { BANK, CLI, Sandbox } from "./helpers.js";
import { parseBuffer } from "../src/core/entries.js";

const NOW = { MEMORY_NOW: "2026-11-22T10:00:00Z" };
const BANK_FILES = ["activeContext.md", "patterns-buffer.md", "lessons-buffer.md", "decisions-inbox.md", "SESSION_LOG.md"];

function initialized(persona = "dev"): { sb: Sandbox; repo: string } {
  const sb = new Sandbox();
  const repo = sb.repo();
  const res = sb.memory(repo, ["init", "--persona", persona], { env: NOW });
  expect(res.code, res.stderr).toBe(0);
  return { sb, repo };
}

describe("memory init", () => {
  it("creates the bank, the attributes and the drivers, and records the persona", () => {
    const { sb, repo } = initialized("architect");
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

  it("changes nothing the second time", () => {
    const { sb, repo } = initialized();
    const before = { attrs: sb.read(repo, ".gitattributes"), config: sb.read(repo, ".git/config"), ctx: sb.read(repo, `${BANK}/activeContext.md`) };
    const again = sb.memory(repo, ["init"], { env: { MEMORY_NOW: "2027-01-01T00:00:00Z" } });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("nothing changed");
    expect(sb.read(repo, ".gitattributes")).toBe(before.attrs);
    expect(sb.read(repo, ".git/config")).toBe(before.config);
    expect(sb.read(repo, `${BANK}/activeContext.md`)).toBe(before.ctx);
  });

  it("in a clone of a repo that has a bank, only registers drivers and persona", () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const a = sb.clone(origin, "a");
    expect(sb.memory(a, ["init", "--persona", "dev"]).code).toBe(0);
    sb.git(a, "add", "-A");
    sb.git(a, "commit", "-q", "-m", "bank");
    sb.git(a, "push", "-q", "origin", "main");
    const b = sb.clone(origin, "b");
    const res = sb.memory(b, ["init", "--persona", "qa", "--json"]);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.created).toEqual([]);
    expect(out.attributes).toEqual({ added: [], updated: [] });
    expect(out.configured).toContain("merge.memory-union.driver");
    expect(out.configured).toContain("memory.persona");
    expect(sb.git(b, "status", "--porcelain")).toBe("");
  });

  it("refuses outside a git repository and without a persona", () => {
    const sb = new Sandbox();
    const res = sb.memory(sb.dir, ["init", "--persona", "dev"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^memory: not inside a git work tree .*git init/);
    const repo = sb.repo();
    const none = sb.memory(repo, ["init"], { env: { GIT_CONFIG_GLOBAL: "/dev/null" } });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no persona for this clone; pass --persona NAME");
    expect(existsSync(join(repo, BANK))).toBe(false);
  });
});

describe("memory add", () => {
  it("appends an entry with id, author, time, type, title, tags and body, and prints the id", () => {
    const { sb, repo } = initialized();
    const res = sb.memory(repo, ["add", "pattern", "Retry pushes with jitter", "-m", "Back off.\n\n## Detail\n```\n## fenced\n```", "--tags", "git, sync"], { env: NOW });
    expect(res.code, res.stderr).toBe(0);
    const id = res.stdout.trim();
    expect(id).toMatch(/^[0-9A-Z]{26}$/);
    const doc = parseBuffer(sb.read(repo, `${BANK}/patterns-buffer.md`));
    expect(doc.entries).toHaveLength(1);
    expect(doc.entries[0]).toMatchObject({
      id,
      type: "pattern",
      author: "dev",
      createdAt: "2026-11-22T10:00:00Z",
      title: "Retry pushes with jitter",
      tags: ["git", "sync"],
      body: "Back off.\n\n## Detail\n```\n## fenced\n```",
    });
  });

  it("sends aliases to their buffer, reads the body from stdin with -m -, and prints JSON", () => {
    const { sb, repo } = initialized();
    const res = sb.memory(repo, ["remember", "gotcha", "CRLF in fixtures", "-m", "-", "--json", "--persona", "qa"], { input: "line one\r\nline two\r\n" });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.file).toBe(`${BANK}/lessons-buffer.md`);
    const [entry] = parseBuffer(sb.read(repo, `${BANK}/lessons-buffer.md`)).entries;
    expect(entry).toMatchObject({ id: out.id, type: "gotcha", author: "qa", body: "line one\nline two" });
    const decision = sb.memory(repo, ["add", "decision", "Use SQLite?"]);
    expect(sb.read(repo, `${BANK}/decisions-inbox.md`)).toContain(decision.stdout.trim());
  });

  it("warns on stderr when a buffer nears its threshold, keeping stdout to the id", () => {
    const { sb, repo } = initialized();
    let last = sb.memory(repo, ["add", "decision", "one"]);
    for (const t of ["two", "three", "four"]) last = sb.memory(repo, ["add", "decision", t]);
    expect(last.stdout.trim()).toMatch(/^[0-9A-Z]{26}$/);
    expect(last.stderr).toContain("decisions-inbox has 4 items (near harvest threshold 5)");
  });

  it("keeps every entry when many adds run at once in one clone", async () => {
    const { sb, repo } = initialized();
    const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => sb.memoryAsync(repo, ["add", "lesson", `parallel ${i}`])));
    expect(runs.map((r) => r.code)).toEqual(Array(8).fill(0));
    const titles = parseBuffer(sb.read(repo, `${BANK}/lessons-buffer.md`)).entries.map((e) => e.title).sort();
    expect(titles).toEqual(Array.from({ length: 8 }, (_, i) => `parallel ${i}`).sort());
  });

  it("refuses unknown types (usage, exit 2), a missing bank, and a broken buffer without touching it", () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const noBank = sb.memory(repo, ["add", "pattern", "x", "--persona", "dev"]);
    expect([noBank.code, noBank.stderr.trim()]).toEqual([1, "memory: no memory bank at .claude/memory-bank; run `memory init` first"]);
    sb.memory(repo, ["init", "--persona", "dev"]);
    const bad = sb.memory(repo, ["add", "idea", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown entry type "idea"; use one of: pattern, lesson, solution, bug, gotcha, decision');
    const broken = "# P\n\n<!-- entry id=a -->\nno heading\n";
    sb.write(repo, `${BANK}/patterns-buffer.md`, broken);
    const res = sb.memory(repo, ["add", "pattern", "x"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^memory: \.claude\/memory-bank\/patterns-buffer\.md:4: entry a has no title heading;/);
    expect(sb.read(repo, `${BANK}/patterns-buffer.md`)).toBe(broken);
  });
});

describe("memory status", () => {
  it("reports buffers, persona and branch as JSON, with no remote", () => {
    const { sb, repo } = initialized();
    for (let i = 0; i < 3; i++) sb.memory(repo, ["add", "pattern", `p${i}`, "-m", "a\nb\nc\nd"]);
    const res = sb.memory(repo, ["status", "--json"]);
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
    const text = sb.memory(repo, ["status"]);
    expect(text.stdout).toContain("On branch main · persona dev");
    expect(text.stdout).toMatch(/patterns-buffer +18\/20 lines +3 items +near threshold/);
    expect(text.stdout).not.toMatch(/\u001b\[/);
  });

  it("counts commits waiting to be pushed and commits behind the remote", () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const a = sb.clone(origin, "a");
    const b = sb.clone(origin, "b");
    sb.memory(a, ["init", "--persona", "dev"]);
    sb.memory(b, ["init", "--persona", "qa"]);
    sb.git(a, "add", "-A");
    sb.git(a, "commit", "-q", "-m", "one");
    sb.git(a, "push", "-q", "origin", "main");
    sb.git(b, "fetch", "-q");
    sb.git(b, "commit", "-q", "--allow-empty", "-m", "local");
    const s = JSON.parse(sb.memory(b, ["status", "--json"]).stdout);
    expect(s).toMatchObject({ remote: "origin", upstream: "origin/main", ahead: 1, behind: 1, pendingPush: 1, persona: "qa" });
  });

  it("refuses without a bank", () => {
    const sb = new Sandbox();
    const res = sb.memory(sb.repo(), ["status"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("run `memory init` first");
  });
});

describe("memory doctor", () => {
  it("passes on a fresh bank", () => {
    const { sb, repo } = initialized();
    const res = sb.memory(repo, ["doctor", "--json"]);
    expect(res.code, res.stdout).toBe(0);
    expect(JSON.parse(res.stdout).ok).toBe(true);
  });

  it("finds unregistered drivers and a missing attribute line, and --fix repairs them", () => {
    const { sb, repo } = initialized();
    sb.git(repo, "config", "--local", "--remove-section", "merge.memory-union");
    sb.write(repo, ".gitattributes", sb.read(repo, ".gitattributes").replace(/^.*SESSION_LOG.*\n/m, ""));
    const res = sb.memory(repo, ["doctor"]);
    expect(res.code).toBe(3);
    expect(res.stdout).toContain("✗ merge drivers registered");
    expect(res.stdout).toContain("merge.memory-union.driver is not registered in .git/config");
    expect(res.stdout).toContain(`${BANK}/SESSION_LOG.md merges with "unspecified", not memory-log`);
    const fixed = sb.memory(repo, ["doctor", "--fix", "--json"]);
    expect(fixed.code, fixed.stdout).toBe(0);
    const checks = JSON.parse(fixed.stdout).checks as Array<{ id: string; fixed: string[] }>;
    expect(checks.find((c) => c.id === "drivers")!.fixed).toHaveLength(1);
    expect(sb.git(repo, "check-attr", "merge", "--", `${BANK}/SESSION_LOG.md`)).toContain("merge: memory-log");
  });

  it("sees an override in .git/info/attributes, conflict markers, a bad stamp and duplicate ADR numbers", () => {
    const { sb, repo } = initialized();
    sb.write(repo, ".git/info/attributes", `${BANK}/lessons-buffer.md merge=text\n`);
    sb.write(repo, `${BANK}/patterns-buffer.md`, "# P\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> theirs\n");
    sb.write(repo, `${BANK}/activeContext.md`, "---\nupdated: someday\n---\n# Ctx\n");
    sb.write(repo, "Docs/03-Reference/ADR/ADR-004-a.md", "# a\n");
    sb.write(repo, "Docs/03-Reference/ADR/ADR-004-b.md", "# b\n");
    const res = sb.memory(repo, ["doctor"]);
    expect(res.code).toBe(3);
    expect(res.stdout).toContain(`${BANK}/lessons-buffer.md merges with "text", not memory-union`);
    expect(res.stdout).toContain(`${BANK}/patterns-buffer.md:2: git conflict markers`);
    expect(res.stdout).toContain(`${BANK}/activeContext.md:2: updated: "someday" is not an ISO 8601 time`);
    expect(res.stdout).toContain("ADR number 4 is used by Docs/03-Reference/ADR/ADR-004-a.md and Docs/03-Reference/ADR/ADR-004-b.md");
  });

  it("reports a missing bank and --fix creates it", () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    expect(sb.memory(repo, ["doctor"]).code).toBe(3);
    const res = sb.memory(repo, ["doctor", "--fix"]);
    expect(res.code, res.stdout).toBe(0);
    expect(readdirSync(join(repo, BANK)).sort()).toEqual([...BANK_FILES].sort());
  });
});

describe("memory config and the command line", () => {
  it("prints the effective config, whose JSON is a valid config file", () => {
    const { sb, repo } = initialized();
    const res = sb.memory(repo, ["config", "--json"]);
    expect(res.stderr).toContain("defaults");
    sb.write(repo, ".claude/memory.config.json", res.stdout.replace('"threshold": 15', '"threshold": 2'));
    const again = sb.memory(repo, ["config"]);
    expect(again.stdout).toContain("buffers.lessons.threshold = 2");
    expect(again.stderr).toContain("from .claude/memory.config.json");
    sb.memory(repo, ["add", "lesson", "a", "-m", "x"]);
    expect(JSON.parse(sb.memory(repo, ["status", "--json"]).stdout).buffers[1]).toMatchObject({ threshold: 2, ready: true });
  });

  it("starts a config file the way the README says, with a shell redirect", () => {
    const { sb, repo } = initialized();
    const res = spawnSync("sh", ["-c", `'${process.execPath}' '${CLI}' config --json > .claude/memory.config.json`], { cwd: repo, env: sb.env(), encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(sb.read(repo, ".claude/memory.config.json")).version).toBe(1);
    expect(sb.memory(repo, ["status"]).code).toBe(0);
  });

  it("refuses a bad config with the setting's name", () => {
    const { sb, repo } = initialized();
    sb.write(repo, ".claude/memory.config.json", '{"version": 1, "buffers": {"patterns": {"unit": "words"}}}');
    const res = sb.memory(repo, ["status"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('.claude/memory.config.json: buffers.patterns.unit must be one of "lines", "items"');
  });

  it("shows an example in every command's help, and maps usage errors to exit 2", () => {
    const sb = new Sandbox();
    for (const cmd of ["init", "add", "status", "doctor", "config"]) {
      const res = sb.memory(sb.dir, [cmd, "--help"]);
      expect(res.code, cmd).toBe(0);
      expect(res.stdout, cmd).toMatch(/Examples?:\n {2}\$ memory /);
    }
    expect(sb.memory(sb.dir, ["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const unknown = sb.memory(sb.dir, ["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(sb.memory(sb.dir, ["add", "pattern"]).code).toBe(2);
  });

  it("honours MEMORY_NOW and refuses a bad one", () => {
    const { sb, repo } = initialized();
    const res = sb.memory(repo, ["add", "pattern", "x"], { env: { MEMORY_NOW: "not a time" } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("MEMORY_NOW is not an ISO 8601 time");
  });
});

describe("the lock", () => {
  it("waits for another memory command instead of losing the entry", async () => {
    const { sb, repo } = initialized();
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

  it("takes over a lock left by a process that no longer exists", () => {
    const { sb, repo } = initialized();
    sb.write(repo, ".git/memory.lock", "999999\n");
    const res = sb.memory(repo, ["add", "pattern", "after a crash"]);
    expect(res.code, res.stderr).toBe(0);
    expect(existsSync(join(repo, ".git/memory.lock"))).toBe(false);
  });
});
