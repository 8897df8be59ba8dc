/** ADR folders teams already keep, against real git: harvest continues them, doctor keeps their numbers unique. */
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "./helpers.js";

function ok(run: { code: number; stderr: string; stdout: string }): typeof run {
  expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
  return run;
}

/** A clone whose decisions are harvested into `target`, holding `files` there, committed and pushed. */
async function clone(target: string, files: Record<string, string>, persona = "dev") {
  const sb = new Sandbox();
  const origin = sb.origin();
  const repo = sb.clone(origin, persona);
  sb.write(repo, ".claude/memory.config.json", JSON.stringify({ version: 1, buffers: { decisions: { target } } }));
  for (const [name, text] of Object.entries(files)) sb.write(repo, `${target}/${name}`, text);
  sb.git(repo, "add", "-A");
  sb.git(repo, "commit", "-q", "-m", "the team's ADR folder");
  ok(await sb.memory(repo, ["init", "--persona", persona]));
  ok(await sb.memory(repo, ["save"]));
  return { sb, origin, repo };
}

async function decide(sb: Sandbox, repo: string, ...titles: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const t of titles) ids.push(ok(await sb.memory(repo, ["add", "decision", t, "-m", `why ${t}`])).stdout.trim());
  return ids;
}

const list = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

const ADR_TOOLS = {
  "0001-record-architecture-decisions.md": "# 1. Record architecture decisions\n\nDate: 2016-02-12\n\n## Status\n\nAccepted\n",
  "0002-implement-as-shell-scripts.md": "# 2. Implement as shell scripts\n\nDate: 2016-02-12\n\n## Status\n\nAccepted\n",
  "README.md": "# Decisions\n\n* [1. Record architecture decisions](0001-record-architecture-decisions.md)\n* [2. Implement as shell scripts](0002-implement-as-shell-scripts.md)\n\nWritten with adr-tools.\n",
};

describe("harvest into a team's own ADR folder", () => {
  it("continues adr-tools names and headings, and the README list, in the harvest commit", async () => {
    const { sb, origin, repo } = await clone("doc/adr", ADR_TOOLS);
    const [a] = await decide(sb, repo, "Use Postgres", "Cache pages");
    const out = JSON.parse(ok(await sb.memory(repo, ["harvest", "--all", "--yes", "--json"])).stdout);
    expect(out.plan.files.map((f: { path: string; kind: string; number?: number }) => [f.path, f.kind, f.number ?? null])).toEqual([
      ["doc/adr/0003-use-postgres.md", "adr", 3],
      ["doc/adr/0004-cache-pages.md", "adr", 4],
      ["doc/adr/README.md", "index", null],
    ]);
    const adr = sb.read(repo, "doc/adr/0003-use-postgres.md");
    expect(adr).toContain("\n# 3. Use Postgres\n");
    expect(adr).toContain(`source: ${a}`);
    expect(sb.read(repo, "doc/adr/README.md")).toBe(ADR_TOOLS["README.md"].replace("scripts.md)\n", "scripts.md)\n* [3. Use Postgres](0003-use-postgres.md)\n* [4. Cache pages](0004-cache-pages.md)\n"));
    expect(sb.git(repo, "status", "--porcelain")).toBe("");
    expect(sb.git(repo, "show", "--stat", "--format=%s", "HEAD")).toContain("doc/adr/README.md");
    const check = sb.clone(origin, "check");
    expect(list(join(check, "doc/adr"))).toEqual(["0001-record-architecture-decisions.md", "0002-implement-as-shell-scripts.md", "0003-use-postgres.md", "0004-cache-pages.md", "README.md"]);
  });

  it("leaves an index with unsaved edits out of the harvest commit, and says nothing of it", async () => {
    const { sb, repo } = await clone("doc/adr", ADR_TOOLS);
    await decide(sb, repo, "Use Postgres");
    const edited = `${ADR_TOOLS["README.md"]}\nA note not saved yet.\n`;
    sb.write(repo, "doc/adr/README.md", edited);
    const res = ok(await sb.memory(repo, ["harvest", "--all", "--yes"]));
    expect(res.stdout + res.stderr).not.toContain("README");
    expect(sb.read(repo, "doc/adr/README.md")).toBe(edited);
    expect(sb.git(repo, "status", "--porcelain")).toBe(" M doc/adr/README.md\n");
    expect(list(join(repo, "doc/adr"))).toContain("0003-use-postgres.md");
  });

  it("date-named folders get the entry's day; a dry run shows the names", async () => {
    const { sb, repo } = await clone("docs/adr", {
      "20200924-use-markdown-architectural-decision-records.md": "# Use Markdown Architectural Decision Records\n\n- Status: accepted\n- Date: 2020-09-24\n",
      "index.md": "# Architecture knowledge base\n",
      "template.md": "# [short title]\n",
    });
    await sb.memory(repo, ["add", "decision", "Use Postgres", "-m", "x"], { env: { MEMORY_NOW: "2025-07-15T10:00:00Z" } });
    const dry = ok(await sb.memory(repo, ["harvest", "--all", "--yes", "--dry-run"]));
    expect(dry.stdout).toContain("+ docs/adr/20250715-use-postgres.md");
    ok(await sb.memory(repo, ["harvest", "--all", "--yes"], { env: { MEMORY_NOW: "2026-01-09T10:00:00Z" } }));
    const adr = sb.read(repo, "docs/adr/20250715-use-postgres.md");
    expect(adr).toMatch(/^---\nstatus: proposed\ndate: 2025-07-15\n/);
    expect(adr).toContain("\n# Use Postgres\n");
    expect(adr).toContain("Harvested 2026-01-09 from the decisions inbox");
    expect(sb.read(repo, "docs/adr/index.md")).toBe("# Architecture knowledge base\n");
  });

  it("two clones harvesting at the same moment into an ADR025-style folder publish unique numbers", async () => {
    const { sb, origin, repo: a } = await clone("ADR", { "ADR000-record-architecture-decisions.md": "# ADR000: Record architecture decisions\n", "ADR007-x.md": "# ADR007: X\n" }, "a");
    const b = sb.clone(origin, "b");
    ok(await sb.memory(b, ["init", "--persona", "b"]));
    await decide(sb, a, "From a one", "From a two");
    await decide(sb, b, "From b one");
    ok(await sb.memory(a, ["save"]));
    ok(await sb.memory(b, ["save"]));
    const runs = await Promise.all([sb.memoryAsync(a, ["harvest", "--all", "--yes"]), sb.memoryAsync(b, ["harvest", "--all", "--yes"])]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const check = sb.clone(origin, "check");
    const files = list(join(check, "ADR"));
    expect(files).toEqual(["ADR000-record-architecture-decisions.md", "ADR007-x.md", "ADR008-from-a-one.md", "ADR009-from-a-two.md", "ADR010-from-b-one.md"].sort());
    // (a plain clone without the drivers: doctor says so, and that its ADR numbers are unique)
    expect((await sb.memory(check, ["doctor"], { env: { MEMORY_PERSONA: "c" } })).stdout).toContain("✓ ADR numbers unique");
  });

  it("reads the frontmatter of people's docs with gray-matter in harvest only, never in start or save", async () => {
    const { sb, repo } = await clone("docs/decisions", {
      "0000-use-markdown.md": "---\nparent: Decisions\nnav_order: 0\n---\n# Use Markdown\n",
      "0001-use-yaml.md": "---\nparent: Decisions\nnav_order: 1\n---\n# Use YAML\n",
    });
    const probe = join(sb.dir, "probe.mjs");
    const report = join(sb.dir, "probe.txt");
    sb.write(sb.dir, "probe.mjs", [
      'import { createRequire } from "node:module";',
      'import { appendFileSync } from "node:fs";',
      "const require = createRequire(import.meta.url);",
      `process.on("exit", () => appendFileSync(${JSON.stringify(report)}, process.argv[2] + " " + Object.keys(require.cache).some((k) => k.includes("gray-matter")) + "\\n"));`,
    ].join("\n"));
    // Real processes: what a command loads is only seen in a process of its own.
    const env = { NODE_OPTIONS: `--import=${probe}` };
    await decide(sb, repo, "Use Postgres");
    ok(sb.memoryCli(repo, ["start"], { env }));
    ok(sb.memoryCli(repo, ["save"], { env }));
    ok(sb.memoryCli(repo, ["status"], { env }));
    ok(sb.memoryCli(repo, ["harvest", "--all", "--yes"], { env }));
    const loaded = new Map(readFileSync(report, "utf8").trim().split("\n").map((l) => l.split(" ") as [string, string]));
    expect(Object.fromEntries(loaded)).toEqual({ start: "false", save: "false", status: "false", harvest: "true" });
    expect(sb.read(repo, "docs/decisions/0002-use-postgres.md")).toMatch(/\nparent: Decisions\nnav_order: 2\n---\n# Use Postgres\n/);
  });
});

describe("doctor in a team's own ADR folder", () => {
  it("flags a number two commits used, not companion docs one commit added; --fix keeps the folder's style and rewrites link text", async () => {
    const { sb, repo } = await clone("ADR", {
      "ADR000-record-architecture-decisions.md": "# ADR000: Record architecture decisions\n",
      "ADR006-model-first.md": "# ADR006: Model first\n",
      "ADR006-model-first-impact-analysis.md": "# ADR006 impact analysis\n",
      "ADR025-remove-papertrail.md": "# ADR025: Remove papertrail\n",
    });
    sb.write(repo, "ADR/ADR025-use-aasm.md", "# ADR025: Use AASM to manage form state\n\nSee [ADR006](ADR006-model-first.md).\n");
    sb.write(repo, "ADR/README.md", [
      "| ADR | Title |", "|---|---|",
      "| [ADR025](ADR025-remove-papertrail.md) | Remove papertrail |",
      "| [ADR025](ADR025-use-aasm.md) | Use AASM (ADR 25) |",
      "", "ADR025 is two decisions; [this one](ADR025-use-aasm.md) came later.", "",
    ].join("\n"));
    sb.git(repo, "add", "-A");
    sb.git(repo, "commit", "-q", "-m", "a second ADR025, from another branch");
    const found = await sb.memory(repo, ["doctor"]);
    expect(found.code).toBe(3);
    expect(found.stdout).toContain("ADR number 25 is used by ADR/ADR025-remove-papertrail.md and ADR/ADR025-use-aasm.md");
    expect(found.stdout).not.toContain("ADR number 6");
    ok(await sb.memory(repo, ["doctor", "--fix"]));
    expect(list(join(repo, "ADR"))).toEqual([
      "ADR000-record-architecture-decisions.md", "ADR006-model-first-impact-analysis.md", "ADR006-model-first.md",
      "ADR025-remove-papertrail.md", "ADR026-use-aasm.md", "README.md",
    ]);
    expect(sb.read(repo, "ADR/ADR026-use-aasm.md")).toBe("# ADR026: Use AASM to manage form state\n\nSee [ADR006](ADR006-model-first.md).\n");
    expect(sb.read(repo, "ADR/README.md")).toBe([
      "| ADR | Title |", "|---|---|",
      "| [ADR025](ADR025-remove-papertrail.md) | Remove papertrail |",
      "| [ADR026](ADR026-use-aasm.md) | Use AASM (ADR 26) |",
      "", "ADR025 is two decisions; [this one](ADR026-use-aasm.md) came later.", "",
    ].join("\n"));
    expect(sb.git(repo, "log", "-1", "--format=%s")).toBe("memory: renumber ADR025-use-aasm → ADR026\n");
    expect(sb.git(repo, "status", "--porcelain")).toBe("");
    expect(ok(await sb.memory(repo, ["doctor"])).stdout).toContain("✓ ADR numbers unique");
  });

  it("adr-tools: 0003-a and 0003-b from two commits; the later becomes 0004 with its links' texts", async () => {
    const { sb, repo } = await clone("doc/adr", {
      "0001-record.md": "# 1. Record\n",
      "0003-a.md": "# 3. A\n",
      "0002-uses-b.md": "# 2. Uses b\n",
    });
    sb.write(repo, "doc/adr/0003-b.md", "# 3. B\n");
    sb.write(repo, "doc/adr/0002-uses-b.md", "# 2. Uses b\n\nAmended by [3. B](0003-b.md)\n");
    sb.git(repo, "add", "-A");
    sb.git(repo, "commit", "-q", "-m", "b");
    expect((await sb.memory(repo, ["doctor"])).stdout).toContain("ADR number 3 is used by doc/adr/0003-a.md and doc/adr/0003-b.md");
    ok(await sb.memory(repo, ["doctor", "--fix"]));
    expect(sb.read(repo, "doc/adr/0004-b.md")).toBe("# 4. B\n");
    expect(sb.read(repo, "doc/adr/0002-uses-b.md")).toBe("# 2. Uses b\n\nAmended by [4. B](0004-b.md)\n");
  });
});
