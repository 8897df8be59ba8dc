/**
 * The real ADR folders of shared/corpus/real-world/adr (eight styles from public repositories; see its
 * PROVENANCE.md), read in place and copied into temporary repositories: harvest continues each style and
 * doctor tells real duplicates from companion docs. Skipped where the corpus is not beside the checkout.
 * Files the corpus lists by name only (FILES.txt) are written as one-line stubs.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ROOT, Sandbox } from "./helpers.js";
import { adrNumber, duplicateAdrNumbers, parseAdrName } from "../src/core/adr.js";

const CORPUS = resolve(ROOT, "..", "shared", "corpus", "real-world");
const ADRS = join(CORPUS, "adr");
const HAVE = existsSync(ADRS);
const SKIP = HAVE ? "" : " (skipped: no ../shared/corpus/real-world beside the checkout)";
const STUB = "Listed by name only in the corpus.\n";

/** The name shape each style's new ADRs must have. */
const SHAPES: Record<string, RegExp> = {
  "ADR-NNN-seed-layout": /^ADR-\d{3}-[a-z0-9-]+\.md$/,
  "ADR-NNNN-4digit": /^ADR-\d{4}-[a-z0-9-]+\.md$/,
  "adr-tools-4digit": /^\d{4}-[a-z0-9-]+\.md$/,
  "madr-4digit-frontmatter": /^\d{4}-[a-z0-9-]+\.md$/,
  "log4brains-date-slug": /^20250715-[a-z0-9-]+\.md$/,
  "ADRnnn-nodash": /^ADR\d{3}-[a-z0-9-]+\.md$/,
  "adrNNN-lowercase": /^adr\d{3}-[a-z0-9-]+\.md$/,
  "unpadded-N": /^[1-9]\d*-[a-z0-9-]+\.md$/,
};

/** Files a repository added in one commit (all others are committed one by one, as their ADRs arrived). */
const ADDED_TOGETHER: Record<string, RegExp> = { "Coelancanth__BlockLife": /^ADR-006-/ };

interface Folder {
  style: string;
  repo: string;
  /** The ADR folder's path in its repository. */
  dir: string;
  /** Its markdown files: the corpus copy, or a stub for a name-only file. */
  files: Map<string, string>;
}

/** Every repository of every style, with its ADR folder (the folder holding most of its markdown files). */
function folders(): Folder[] {
  if (!HAVE) return [];
  const out: Folder[] = [];
  for (const style of readdirSync(ADRS).sort()) {
    for (const repo of readdirSync(join(ADRS, style)).sort()) {
      const base = join(ADRS, style, repo);
      const listed = existsSync(join(base, "FILES.txt")) ? readFileSync(join(base, "FILES.txt"), "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#")) : [];
      const present = (readdirSync(base, { recursive: true }) as string[]).filter((p) => p.endsWith(".md"));
      const byDir = new Map<string, Set<string>>();
      for (const path of [...listed, ...present].filter((p) => p.endsWith(".md"))) {
        const dir = path.split("/").slice(0, -1).join("/");
        byDir.set(dir, (byDir.get(dir) ?? new Set()).add(path.split("/").pop()!));
      }
      const [dir, names] = [...byDir].sort((a, b) => b[1].size - a[1].size)[0]!;
      const files = new Map([...names].sort().map((n) => [n, existsSync(join(base, dir, n)) ? readFileSync(join(base, dir, n), "utf8") : STUB] as const));
      out.push({ style, repo, dir, files });
    }
  }
  return out;
}

/** A clone holding the folder, committed file by file (or together, see ADDED_TOGETHER), harvesting decisions into it. */
async function repoWith(folder: Folder) {
  const sb = new Sandbox();
  const origin = sb.origin();
  const repo = sb.clone(origin, "dev");
  const together = ADDED_TOGETHER[folder.repo];
  const groups = new Map<string, string[]>();
  for (const name of [...folder.files.keys()].sort()) {
    const key = together?.test(name) ? "together" : name;
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  let minute = 0;
  for (const names of groups.values()) {
    for (const n of names) sb.write(repo, `${folder.dir}/${n}`, folder.files.get(n)!);
    sb.git(repo, "add", "--", ...names.map((n) => `${folder.dir}/${n}`));
    // One minute apart, in name order: which file entered history first must not depend on the clock's second.
    const date = `@${1_735_689_600 + 60 * minute++} +0000`;
    const res = spawnSync("git", ["commit", "-q", "-m", `add ${names.join(", ")}`], { cwd: repo, env: sb.env({ GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }), encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
  }
  sb.write(repo, ".claude/memory.config.json", JSON.stringify({ version: 1, buffers: { decisions: { target: folder.dir } } }));
  expect((await sb.memory(repo, ["init", "--persona", "dev"])).code).toBe(0);
  expect((await sb.memory(repo, ["save"])).code).toBe(0);
  return { sb, repo };
}

const numbersOf = (names: Iterable<string>) => [...names].map(adrNumber).filter((n): n is number => n !== undefined);

describe("harvest continues every real ADR folder's style", () => {
  it.skipIf(!HAVE)(`the corpus has all eight styles${SKIP}`, () => {
    expect(new Set(folders().map((f) => f.style))).toEqual(new Set(Object.keys(SHAPES)));
  });

  for (const folder of HAVE ? folders() : [{ style: "corpus", repo: "absent", dir: "", files: new Map<string, string>() }]) {
    it.skipIf(!HAVE)(`${folder.style}: ${folder.repo} (${folder.dir})${SKIP}`, async () => {
      const { sb, repo } = await repoWith(folder);
      const before = readdirSync(join(repo, folder.dir));
      const env = { MEMORY_NOW: "2025-07-15T10:00:00Z" };
      for (const t of ["Use Postgres for sessions", "2025-07-15 Cache product pages"]) expect((await sb.memory(repo, ["add", "decision", t, "-m", "why"], { env })).code).toBe(0);
      const res = await sb.memory(repo, ["harvest", "--all", "--yes"], { env: { MEMORY_NOW: "2026-01-09T10:00:00Z" } });
      expect(res.code, res.stderr).toBe(0);
      const after = readdirSync(join(repo, folder.dir));
      const added = after.filter((n) => !before.includes(n)).sort();
      expect(added).toHaveLength(2);
      for (const name of added) expect(name).toMatch(SHAPES[folder.style]!);
      // no duplicate number made, numbering after the highest existing one
      expect([...duplicateAdrNumbers(after).keys()]).toEqual([...duplicateAdrNumbers(before).keys()]);
      const old = numbersOf(before);
      if (folder.style !== "log4brains-date-slug") {
        const top = Math.max(0, ...old);
        expect(numbersOf(added).sort((a, b) => a - b)).toEqual([top + 1, top + 2]);
      } else {
        expect(added).toEqual(["20250715-cache-product-pages.md", "20250715-use-postgres-for-sessions.md"]);
      }
      for (const name of added) {
        const text = sb.read(repo, `${folder.dir}/${name}`);
        expect(text).toMatch(/^---\nstatus: proposed\ndate: 2025-07-15\n/);
        expect(text).not.toMatch(/2025-07-15-2025-07-15|20250715-20250715/);
        expect(parseAdrName(name)).toBeDefined();
      }
      expect(sb.git(repo, "status", "--porcelain")).toBe("");
    });
  }

  it.skipIf(!HAVE)(`BlockLife's README table gains a row per new ADR, like its own rows${SKIP}`, async () => {
    const folder = folders().find((f) => f.repo === "Coelancanth__BlockLife")!;
    const { sb, repo } = await repoWith(folder);
    expect((await sb.memory(repo, ["add", "decision", "Use Postgres for sessions", "-m", "why"], { env: { MEMORY_NOW: "2025-07-15T10:00:00Z" } })).code).toBe(0);
    expect((await sb.memory(repo, ["harvest", "--all", "--yes"])).code).toBe(0);
    const readme = sb.read(repo, `${folder.dir}/README.md`);
    expect(readme).toBe(folder.files.get("README.md")!.replace(
      "from pure domain models outward |\n",
      "from pure domain models outward |\n| [ADR-007](ADR-007-use-postgres-for-sessions.md) | Use Postgres for sessions | Proposed | 2025-07-15 |  |\n",
    ));
  });
});

describe("doctor on real ADR folders", () => {
  it.skipIf(!HAVE)(`alphagov/forms: flags the two ADR025s and the two ADR041s; --fix renumbers them ADR048, ADR049${SKIP}`, async () => {
    const folder = folders().find((f) => f.repo === "alphagov__forms")!;
    const { sb, repo } = await repoWith(folder);
    const found = await sb.memory(repo, ["doctor"]);
    expect(found.stdout).toContain("ADR number 25 is used by ADR/ADR025-remove-papertrail.md and ADR/ADR025-use-aasm-to-manage-form-state.md");
    expect(found.stdout).toContain("ADR number 41 is used by ADR/ADR041-grant-review-apps-workflow-pull-request-write-access.md and ADR/ADR041-use-activerecord-encryption.md");
    expect(found.stdout.match(/ADR number \d+ is used by/g)).toHaveLength(2);
    await sb.memory(repo, ["doctor", "--fix"]);
    const names = readdirSync(join(repo, "ADR"));
    expect(names).toContain("ADR048-use-aasm-to-manage-form-state.md");
    expect(names).toContain("ADR049-use-activerecord-encryption.md");
    expect(sb.read(repo, "ADR/ADR049-use-activerecord-encryption.md")).toMatch(/^# ADR049: Use ActiveRecord encryption in Runner\n/);
    expect(duplicateAdrNumbers(names).size).toBe(0);
    expect((await sb.memory(repo, ["doctor"])).stdout).toContain("✓ ADR numbers unique");
  });

  it.skipIf(!HAVE)(`BlockLife: three ADR-006 companion docs added in one commit are not a duplicate${SKIP}`, async () => {
    const folder = folders().find((f) => f.repo === "Coelancanth__BlockLife")!;
    expect([...folder.files.keys()].filter((n) => n.startsWith("ADR-006-"))).toHaveLength(3);
    const { sb, repo } = await repoWith(folder);
    const res = await sb.memory(repo, ["doctor"]);
    expect(res.stdout).toContain("✓ ADR numbers unique");
    expect(res.stdout).not.toContain("ADR number 6");
  });
});
