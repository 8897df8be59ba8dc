/**
 * The bank folder's other files (Cline's progress.md, productContext.md…) and hand-written reference docs
 * merge as text, against real git: attributes, drivers, save and start, a plain git pull.
 */
import { describe, expect, it } from "vitest";
import { BANK, Sandbox, type Run } from "./helpers.js";
import { initClones } from "./fixtures.js";

const PROGRESS = `${BANK}/progress.md`;
const PRODUCT = `${BANK}/productContext.md`;
const PATTERNS_DOC = "Docs/03-Reference/Patterns.md";
const PROGRESS_TEXT = "# Progress\n\n## What works\n\n- Login\n\n## What's left\n\n- Search\n- Export\n";

function ok(run: Run): Run {
  expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
  return run;
}

const attr = (sb: Sandbox, cwd: string, path: string): string => /: merge: (\S+)\n$/.exec(sb.git(cwd, "check-attr", "merge", "--", path))![1]!;

/** An origin whose bank already holds Cline's files (and `files`, when given), and initialized clones. */
async function team(personas: string[], setup: (sb: Sandbox, cwd: string) => void = () => {}) {
  const sb = new Sandbox();
  const origin = sb.origin();
  const first = sb.clone(origin, "setup");
  sb.write(first, PROGRESS, PROGRESS_TEXT);
  sb.write(first, PRODUCT, "# Product context\n\nWhy this project exists.\n");
  setup(sb, first);
  sb.git(first, "add", "-A");
  sb.git(first, "commit", "-q", "-m", "Cline's memory bank");
  ok(await sb.memory(first, ["init", "--persona", "setup"]));
  ok(await sb.memory(first, ["save", "-m", "memory: bank"], { env: { MEMORY_NOW: "2026-11-22T08:00:00Z" } }));
  const clones = await initClones(sb, origin, personas);
  return { sb, origin, first, clones };
}

describe("the bank folder's other files", () => {
  it("init gives them the text driver with a pattern line before the bank's own lines, which still win", async () => {
    const { sb, first } = await team([]);
    const attrs = sb.read(first, ".gitattributes").split("\n");
    const glob = attrs.indexOf(`${BANK}/*.md merge=memory-text`);
    expect(glob).toBeGreaterThan(0);
    expect(glob).toBeLessThan(attrs.findIndex((l) => l.startsWith(`${BANK}/activeContext.md `)));
    expect([PROGRESS, PRODUCT, `${BANK}/notes-later.md`].map((p) => attr(sb, first, p))).toEqual(["memory-text", "memory-text", "memory-text"]);
    expect(attr(sb, first, `${BANK}/SESSION_LOG.md`)).toBe("memory-log");
    expect(attr(sb, first, `${BANK}/activeContext.md`)).toBe("memory-latest");
    expect(attr(sb, first, `${BANK}/patterns-buffer.md`)).toBe("memory-union");
    expect(sb.git(first, "config", "--local", "merge.memory-text.driver")).toContain("merge-driver text %O %A %B %P");
    const doctor = ok(await sb.memory(first, ["doctor", "--json"]));
    expect(JSON.parse(doctor.stdout).ok).toBe(true);
  });

  it("concurrent edits from two clones are both kept by save and start, lines repeated or not", async () => {
    const { sb, clones } = await team(["dev", "qa"]);
    const [dev, qa] = clones as [string, string];
    sb.write(dev, PROGRESS, PROGRESS_TEXT.replace("- Login\n", "- Login\n- Export (dev)\n").replace("- Search\n", "- Search (in review)\n"));
    sb.write(qa, PROGRESS, PROGRESS_TEXT.replace("- Search\n", "- Search (qa: blocked)\n") + "\n**Date**: 2026-11-22\n");
    ok(await sb.memory(dev, ["save"]));
    const saved = ok(await sb.memory(qa, ["save"]));
    expect(saved.stderr).toContain("merged");
    const merged = sb.read(qa, PROGRESS);
    for (const line of ["- Export (dev)", "- Search (in review)", "- Search (qa: blocked)", "**Date**: 2026-11-22"]) expect(merged).toContain(`${line}\n`);
    expect(merged).not.toMatch(/^(<{7}|>{7})/m);
    ok(await sb.memory(dev, ["start"]));
    expect(sb.read(dev, PROGRESS)).toBe(merged);
  });

  it("a plain git pull, merge or rebase, merges them through the driver", async () => {
    for (const rebase of [false, true]) {
      const { sb, clones } = await team(["dev", "qa"]);
      const [dev, qa] = clones as [string, string];
      sb.write(dev, PRODUCT, "# Product context\n\nWhy this project exists.\n\nFor teams of agents.\n");
      ok(await sb.memory(dev, ["save"]));
      sb.write(qa, PRODUCT, "# Product context\n\nWhy this project exists, in short.\n");
      sb.git(qa, "commit", "-q", "-am", "qa edits the product context");
      sb.git(qa, "pull", "-q", rebase ? "--rebase" : "--no-rebase", "--no-edit", "origin", "main");
      expect(sb.read(qa, PRODUCT)).toBe("# Product context\n\nWhy this project exists, in short.\n\nFor teams of agents.\n");
    }
  });

  it("a file new in the bank folder gets the driver in the save that first commits it", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const first = sb.clone(origin, "setup");
    ok(await sb.memory(first, ["init", "--persona", "setup"]));
    expect(sb.read(first, ".gitattributes")).not.toContain("*.md");
    ok(await sb.memory(first, ["save", "-m", "memory: bank"]));
    sb.write(first, PROGRESS, PROGRESS_TEXT);
    sb.git(first, "add", PROGRESS);
    ok(await sb.memory(first, ["save"]));
    expect(sb.git(first, "show", "--name-only", "--format=", "HEAD").split("\n")).toEqual(expect.arrayContaining([".gitattributes", PROGRESS]));
    expect(attr(sb, first, PROGRESS)).toBe("memory-text");
    const [dev, qa] = ["dev", "qa"].map((p) => sb.clone(origin, p)) as [string, string];
    for (const [c, p] of [[dev, "dev"], [qa, "qa"]] as const) ok(await sb.memory(c, ["init", "--persona", p]));
    sb.write(dev, PROGRESS, `${PROGRESS_TEXT}- dev line\n`);
    sb.write(qa, PROGRESS, `${PROGRESS_TEXT}- qa line\n`);
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["save"]));
    expect(sb.read(qa, PROGRESS)).toBe(`${PROGRESS_TEXT}- dev line\n- qa line\n`);
  });

  it("takes a merge per file from the config, which `memory config --json` prints as a valid config", async () => {
    const config = { version: 1, files: { "progress.md": { merge: "union" } } };
    const { sb, first } = await team([], (sb, cwd) => sb.write(cwd, ".claude/memory.config.json", JSON.stringify(config)));
    expect(attr(sb, first, PROGRESS)).toBe("memory-union");
    expect(attr(sb, first, PRODUCT)).toBe("memory-text");
    const attrs = sb.read(first, ".gitattributes");
    expect(attrs.indexOf(`${BANK}/*.md merge=memory-text`)).toBeLessThan(attrs.indexOf(`${PROGRESS} merge=memory-union`));
    const printed = ok(await sb.memory(first, ["config", "--json"])).stdout;
    expect(JSON.parse(printed).files).toEqual({ "progress.md": { merge: "union" } });
    sb.write(first, ".claude/memory.config.json", printed);
    ok(await sb.memory(first, ["status"]));
    sb.write(first, ".claude/memory.config.json", JSON.stringify({ version: 1, files: { "progress.md": { merg: "text" } } }));
    const refused = await sb.memory(first, ["status"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('files.progress.md.merg is not a known setting (did you mean "merge"?)');
    sb.write(first, ".claude/memory.config.json", JSON.stringify({ version: 1, files: { "SESSION_LOG.md": { merge: "text" } } }));
    expect((await sb.memory(first, ["status"])).stderr).toContain("files.SESSION_LOG.md is one of the bank's own files");
  });

  it("doctor sees the pattern line below the bank's lines and --fix moves it up; save refuses an override", async () => {
    const { sb, first, clones } = await team(["dev"]);
    const lines = sb.read(first, ".gitattributes").split("\n");
    const glob = lines.splice(lines.indexOf(`${BANK}/*.md merge=memory-text`), 1)[0]!;
    sb.write(first, ".gitattributes", [...lines.filter(Boolean), glob, ""].join("\n"));
    expect(attr(sb, first, `${BANK}/SESSION_LOG.md`)).toBe("memory-text");
    const found = await sb.memory(first, ["doctor"]);
    expect(found.code).toBe(3);
    expect(found.stdout).toContain(`${BANK}/SESSION_LOG.md merges with "memory-text", not memory-log`);
    ok(await sb.memory(first, ["doctor", "--fix"]));
    expect(attr(sb, first, `${BANK}/SESSION_LOG.md`)).toBe("memory-log");
    expect(attr(sb, first, PROGRESS)).toBe("memory-text");
    sb.write(clones[0]!, PROGRESS, `- first\n${PROGRESS_TEXT}`);
    ok(await sb.memory(clones[0]!, ["save"]));
    sb.write(first, ".git/info/attributes", `${PROGRESS} merge=union\n`);
    sb.write(first, PROGRESS, `${PROGRESS_TEXT}- more\n`);
    const before = sb.git(first, "rev-parse", "origin/main");
    const refused = await sb.memory(first, ["save"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${PROGRESS} would be merged with "union", not memory-text`);
    expect(sb.read(first, PROGRESS)).toBe(`${PROGRESS_TEXT}- more\n`);
    expect(before).not.toBe(sb.git(first, "rev-parse", "origin/main")); // fetched, but nothing merged
  });

  it("doctor --fix finishes a plain pull that left one of them conflicted in a clone without the drivers", async () => {
    const { sb, clones } = await team(["dev", "qa"]);
    const [dev, qa] = clones as [string, string];
    sb.git(qa, "config", "--local", "--remove-section", "merge.memory-text");
    sb.write(dev, PROGRESS, PROGRESS_TEXT.replace("- Login", "- Login (dev)"));
    ok(await sb.memory(dev, ["save"]));
    sb.write(qa, PROGRESS, PROGRESS_TEXT.replace("- Login", "- Login (qa)"));
    sb.git(qa, "commit", "-q", "-am", "qa");
    expect(() => sb.git(qa, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")).toThrow();
    const found = await sb.memory(qa, ["doctor"]);
    expect(found.stdout).toContain(`${PROGRESS} is unmerged`);
    ok(await sb.memory(qa, ["doctor", "--fix"]));
    expect(sb.read(qa, PROGRESS)).toContain("- Login (dev)\n- Login (qa)\n");
    expect(sb.git(qa, "status", "--porcelain")).toBe("");
  });
});

describe("Patterns.md: the entry driver only for a file of entries", () => {
  const HAND = "# Patterns\n\n## Retry pushes\n\n```ts\nconst tries = 6;\nconst delay = 50;\n```\n\n## Names\n\nBy domain.\n";

  it("a hand-written one gets the text driver, and an edit inside its code block stays inside", async () => {
    const { sb, first, clones } = await team(["dev", "qa"], (sb, cwd) => sb.write(cwd, PATTERNS_DOC, HAND));
    const [dev, qa] = clones as [string, string];
    expect(sb.read(first, ".gitattributes")).toContain(`${PATTERNS_DOC} merge=memory-text`);
    expect(attr(sb, dev, PATTERNS_DOC)).toBe("memory-text");
    expect(JSON.parse(ok(await sb.memory(dev, ["doctor", "--json"])).stdout).ok).toBe(true);
    sb.write(dev, PATTERNS_DOC, HAND.replace("const tries = 6;", "const tries = 12;"));
    sb.git(dev, "commit", "-q", "-am", "more tries");
    sb.git(dev, "push", "-q", "origin", "main");
    sb.write(qa, PATTERNS_DOC, HAND.replace("By domain.", "By domain, never by layer."));
    sb.git(qa, "commit", "-q", "-am", "names");
    sb.git(qa, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main");
    expect(sb.read(qa, PATTERNS_DOC)).toBe(HAND.replace("const tries = 6;", "const tries = 12;").replace("By domain.", "By domain, never by layer."));
  });

  it("one that does not exist yet or holds only entries keeps the entry driver; a section written into it moves it to text", async () => {
    const { sb, first } = await team([]);
    expect(attr(sb, first, PATTERNS_DOC)).toBe("memory-union");
    ok(await sb.memory(first, ["add", "pattern", "Retry with jitter", "-m", "Back off."]));
    ok(await sb.memory(first, ["harvest", "--all", "--yes"]));
    expect(attr(sb, first, PATTERNS_DOC)).toBe("memory-union");
    expect(JSON.parse(ok(await sb.memory(first, ["doctor", "--json"])).stdout).ok).toBe(true);
    sb.write(first, PATTERNS_DOC, sb.read(first, PATTERNS_DOC).replace(/^(# Patterns\n)/, "$1\n## How to read this\n\nNewest last.\n"));
    const found = await sb.memory(first, ["doctor"]);
    expect(found.code).toBe(3);
    expect(found.stdout).toContain(`${PATTERNS_DOC} merges with "memory-union", not memory-text`);
    ok(await sb.memory(first, ["save"])); // not refused meanwhile: either driver keeps every line
    ok(await sb.memory(first, ["doctor", "--fix"]));
    expect(attr(sb, first, PATTERNS_DOC)).toBe("memory-text");
  });
});
