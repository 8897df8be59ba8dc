/**
 * memory migrate against every real bank in the shared corpus (../shared/corpus/real-world, next to the
 * repository; see its PROVENANCE.md). Each bank is copied into a temporary repository and committed, so
 * history has it; nothing of the corpus is ever copied into the project. Skipped when the corpus is absent.
 */
import { describe, expect, it } from "vitest";
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ROOT, Sandbox } from "./helpers.js";
import { checkMigrated, filesUnder, lostLines, ok, type Migrated } from "./migrate-check.js";

const CORPUS = resolve(ROOT, "..", "shared", "corpus", "real-world");
const BANKS = join(CORPUS, "memory-banks");
const FOLDERS = [".claude/memory-bank", "memory-bank", ".cursor/memory-bank"];

const banks = existsSync(BANKS) ? readdirSync(BANKS).sort() : [];
/** A corpus entry with no bank folder (a repository's .gitattributes alone) is no bank to migrate. */
const hasBank = (name: string) => FOLDERS.some((f) => existsSync(join(BANKS, name, f)));

const title = banks.length ? "memory migrate on the real-world corpus" : `memory migrate on the real-world corpus: skipped, no corpus at ${BANKS}`;

describe.skipIf(banks.length === 0)(title, () => {
  it("holds the 13 or more banks PROVENANCE.md lists", () => {
    expect(banks.filter(hasBank).length).toBeGreaterThanOrEqual(13);
  });

  for (const name of banks.filter((b) => !hasBank(b))) {
    it.skip(`${name}: skipped, it holds no bank folder (${FOLDERS.join(", ")}), only other files of its repository`, () => {});
  }

  it.each(banks.filter(hasBank))("%s: nothing lost, doctor passes, entries parse, a second run changes nothing", async (name) => {
    const sb = new Sandbox({ layout: "branch" });
    const repo = sb.repo();
    // The bank as its repository had it (FILES.txt is the corpus's listing, not part of the bank).
    cpSync(join(BANKS, name), repo, { recursive: true, filter: (src) => !src.endsWith("FILES.txt") });
    sb.git(repo, "add", "-A");
    sb.git(repo, "commit", "-q", "-m", `${name} as collected`);
    const before = new Map([...filesUnder(repo)].filter(([path]) => FOLDERS.some((f) => path.startsWith(`${f}/`))));
    expect(before.size).toBeGreaterThan(0);

    const plan = JSON.parse(ok(await sb.memory(repo, ["migrate", "--dry-run", "--json", "--persona", "dev"])).stdout) as Migrated;
    for (const source of plan.plan.sources) {
      for (const e of source.entries) {
        expect(e.title.trim()).not.toBe("");
        expect(["pattern", "lesson", "decision"]).toContain(e.type);
        expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(e.by).not.toBe("");
      }
    }
    const done = JSON.parse(ok(await sb.memory(repo, ["migrate", "--json", "--persona", "dev"])).stdout) as Migrated;
    expect(done.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(done.plan.sources.map((s) => [s.path, s.entries.length])).toEqual(plan.plan.sources.map((s) => [s.path, s.entries.length]));
    expect(lostLines(before, repo)).toEqual([]);
    await checkMigrated(sb, repo, done);
  });
});
