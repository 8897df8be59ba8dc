/** Recall, show, list, edit and forget: the bank answers questions. */
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { BANK, Sandbox, modulesLoaded } from "./helpers.js";
import { ok, titles } from "./fixtures.js";
import { isExpired, recency, sectionItems, snippet } from "../src/core/recall.js";

const PATTERNS = `${BANK}/patterns-buffer.md`;
const DAY = 86_400_000;

interface Hit {
  id: string;
  title: string;
  source: string;
  file: string;
  score: number;
  snippet: string;
  supersededBy?: string;
}

async function solo(): Promise<{ sb: Sandbox; origin: string; dev: string }> {
  const sb = new Sandbox({ layout: "branch" });
  const origin = sb.origin();
  const dev = sb.clone(origin, "dev");
  ok(await sb.memory(dev, ["init", "--persona", "dev"]));
  return { sb, origin, dev };
}

async function recall(sb: Sandbox, cwd: string, ...args: string[]): Promise<Hit[]> {
  return JSON.parse(ok(await sb.memory(cwd, ["recall", ...args, "--json"])).stdout).results as Hit[];
}

const add = async (sb: Sandbox, cwd: string, ...args: string[]): Promise<string> => ok(await sb.memory(cwd, ["add", ...args])).stdout.trim();

describe("memory recall", () => {
  it("ranks a title match above a passing mention, finds a typo and a word's start, and filters by time and tag", async () => {
    const { sb, dev } = await solo();
    const old = new Date(Date.now() - 30 * DAY).toISOString().replace(/\.\d+Z$/, "Z");
    const mention = ok(await sb.memory(dev, ["add", "lesson", "Flaky checkout test", "-m", "It failed once when the database timeout was short."], { env: { MEMORY_NOW: old } })).stdout.trim();
    const title = await add(sb, dev, "pattern", "Database timeout on cold start", "-m", "Raise the pool's wait to 30 s.", "--tags", "db,ops");
    await add(sb, dev, "decision", "Cache product pages", "-m", "Sixty seconds in front of the catalogue.");

    const hits = await recall(sb, dev, "database", "timeout");
    expect(hits.map((h) => h.id)).toEqual([title, mention]);
    expect(hits[0]!.snippet).toContain("30 s");
    expect((await recall(sb, dev, "databse", "timout"))[0]!.id).toBe(title); // typos
    expect((await recall(sb, dev, "catal"))[0]!.title).toBe("Cache product pages"); // the start of a word
    expect((await recall(sb, dev, "timeout", "--since", "7d")).map((h) => h.id)).toEqual([title]);
    expect((await recall(sb, dev, "timeout", "--tag", "db", "--tag", "ops")).map((h) => h.id)).toEqual([title]);
    expect(await recall(sb, dev, "timeout", "--tag", "db", "--tag", "ui")).toEqual([]);
    expect((await recall(sb, dev, "timeout", "--type", "lesson")).map((h) => h.id)).toEqual([mention]);
    expect((await recall(sb, dev, "timeout", "--limit", "1"))).toHaveLength(1);
    const text = ok(await sb.memory(dev, ["recall", "nothing-like-this"]));
    expect(text.stdout).toContain('Nothing found for "nothing-like-this"');
  });

  it("a superseded entry is hidden, and ranked below its successor with --all; an expired one likewise", async () => {
    const { sb, dev } = await solo();
    const first = await add(sb, dev, "decision", "Cache pages for 60 s", "-m", "cache cache cache");
    const second = await add(sb, dev, "decision", "Cache pages for 120 s", "--supersedes", first.slice(0, 20));
    const gone = await add(sb, dev, "pattern", "Cache warmup script", "--expires", "2020-01-01");
    expect((await recall(sb, dev, "cache")).map((h) => h.id)).toEqual([second]);
    const all = await recall(sb, dev, "cache", "--all");
    expect(all.map((h) => h.id).slice(0, 1)).toEqual([second]);
    expect(all.find((h) => h.id === first)!.supersededBy).toBe(second);
    expect(all.find((h) => h.id === gone)).toBeDefined();
    expect(sb.read(dev, `${BANK}/decisions-inbox.md`)).toContain(`supersedes=${first}`);
    // show: the relation both ways
    const shown = JSON.parse(ok(await sb.memory(dev, ["show", first, "--json"])).stdout);
    expect(shown.supersededBy.map((l: { id: string }) => l.id)).toEqual([second]);
    const back = JSON.parse(ok(await sb.memory(dev, ["show", second, "--json"])).stdout);
    expect(back.supersedes.map((l: { id: string }) => l.id)).toEqual([first]);
    // a relation to an id that does not exist is refused, nothing written
    const bad = await sb.memory(dev, ["add", "pattern", "x", "--related", "NOPE"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no entry with id "NOPE"');
  });

  it("finds the docs after a harvest, with their ADR number, and shows where an entry went", async () => {
    const { sb, dev } = await solo();
    const id = await add(sb, dev, "decision", "Use SQLite for the cache", "-m", "Small data, one file.");
    await add(sb, dev, "pattern", "Retry with jitter", "-m", "Back off between pushes.");
    ok(await sb.memory(dev, ["harvest", "--all", "--yes"]));
    sb.write(dev, "Docs/guide/onboarding.md", "# Onboarding\n\n## Databases\n\nWe use SQLite locally.\n\n```sh\n## not a heading\n```\n");
    const hits = await recall(sb, dev, "sqlite");
    expect(hits[0]!.title).toBe("ADR-001: Use SQLite for the cache");
    expect(hits[0]!.source).toBe("docs");
    expect(hits.map((h) => h.file)).toContain("Docs/guide/onboarding.md");
    expect(hits.find((h) => h.file === "Docs/guide/onboarding.md")!.title).toBe("Databases");
    expect((await recall(sb, dev, "jitter", "--in", "docs"))[0]!.file).toBe("Docs/03-Reference/Patterns.md");
    expect(await recall(sb, dev, "jitter", "--in", "bank")).toEqual([]);
    const shown = JSON.parse(ok(await sb.memory(dev, ["show", id.slice(0, 22), "--json"])).stdout);
    expect(shown.file).toBe("Docs/03-Reference/ADR/ADR-001-use-sqlite-for-the-cache.md");
    // forget of a harvested id says where its doc is
    const forgot = await sb.memory(dev, ["forget", id]);
    expect(forgot.code).toBe(1);
    expect(forgot.stderr).toContain("was harvested into Docs/03-Reference/ADR/ADR-001-use-sqlite-for-the-cache.md");
  });

  it("the cache stays right: after a teammate's save arrives through start, a hand edit, and a deleted cache", async () => {
    const { sb, origin, dev } = await solo();
    await add(sb, dev, "pattern", "Alpha pattern", "-m", "first words");
    ok(await sb.memory(dev, ["save"]));
    expect((await recall(sb, dev, "alpha"))).toHaveLength(1);
    expect(existsSync(join(dev, ".git/memory/recall-index.json"))).toBe(true);
    const qa = sb.clone(origin, "qa");
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    await add(sb, qa, "lesson", "Bravo lesson", "-m", "arrived from qa");
    ok(await sb.memory(qa, ["save"]));
    ok(await sb.memory(dev, ["start"]));
    expect((await recall(sb, dev, "bravo")).map((h) => h.title)).toEqual(["Bravo lesson"]);
    // a hand edit: the title changes in the file
    sb.write(dev, PATTERNS, sb.read(dev, PATTERNS).replace("## Alpha pattern", "## Charlie pattern"));
    expect(await recall(sb, dev, "alpha")).toEqual([]);
    expect((await recall(sb, dev, "charlie")).map((h) => h.title)).toEqual(["Charlie pattern"]);
    // an unreadable cache is rebuilt
    sb.write(dev, ".git/memory/recall-index.json", "{ not json");
    expect((await recall(sb, dev, "charlie")).map((h) => h.title)).toEqual(["Charlie pattern"]);
    // recall never writes to the bank or commits
    expect(sb.git(dev, "status", "--porcelain")).toBe("");
  });
});

describe("memory show, list, edit, forget", () => {
  it("ids by prefix; an ambiguous prefix is refused with the candidates", async () => {
    const { sb, dev } = await solo();
    const a = await add(sb, dev, "pattern", "One", "-m", "x");
    const b = await add(sb, dev, "pattern", "Two", "-m", "y");
    let common = 0;
    while (a[common] === b[common]) common++;
    const res = await sb.memory(dev, ["show", a.slice(0, common)]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(a);
    expect(res.stderr).toContain(b);
    expect(ok(await sb.memory(dev, ["show", a.slice(0, common + 1)])).stdout).toContain("One");
    const missing = await sb.memory(dev, ["show", "ZZZZ"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no entry or harvested doc with id "ZZZZ"');
  });

  it("list filters, newest first; edit changes title, body and tags and keeps the id and marker", async () => {
    const { sb, dev } = await solo();
    const older = ok(await sb.memory(dev, ["add", "pattern", "Older", "--tags", "x"], { env: { MEMORY_NOW: "2026-01-01T00:00:00Z" } })).stdout.trim();
    const newer = await add(sb, dev, "lesson", "Newer", "-m", "body");
    const listed = JSON.parse(ok(await sb.memory(dev, ["list", "--json"])).stdout).items.map((i: { id: string }) => i.id);
    expect(listed).toEqual([newer, older]);
    expect(JSON.parse(ok(await sb.memory(dev, ["list", "--type", "pattern", "--json"])).stdout).items).toHaveLength(1);
    ok(await sb.memory(dev, ["edit", older.slice(0, 24), "--title", "Older, renamed", "-m", "now with a body", "--tags", "x,y"]));
    const text = sb.read(dev, PATTERNS);
    expect(titles(text)).toEqual(["Older, renamed"]);
    expect(text).toContain(`<!-- entry id=${older} type=pattern by=dev at=2026-01-01T00:00:00Z tags=x,y -->`);
    expect(text).toContain("now with a body");
    const same = JSON.parse(ok(await sb.memory(dev, ["edit", older, "--title", "Older, renamed", "--json"])).stdout);
    expect(same.changed).toBe(false);
    expect((await sb.memory(dev, ["edit", older])).code).toBe(2);
  });

  it("forget removes an entry; an edit another clone made meanwhile is kept, as the union driver keeps it", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    const id = await add(sb, dev, "pattern", "Shared pattern", "-m", "original body");
    const other = await add(sb, dev, "pattern", "Another", "-m", "stays");
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    ok(await sb.memory(qa, ["edit", id, "-m", "improved body"]));
    ok(await sb.memory(qa, ["save"]));
    ok(await sb.memory(dev, ["forget", id]));
    expect(titles(sb.read(dev, PATTERNS))).toEqual(["Another"]);
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["start"]));
    for (const c of [dev, qa]) {
      const text = sb.read(c, PATTERNS);
      expect(text).toContain("improved body");
      expect(text).toContain(other);
    }
    // forgotten and not edited elsewhere: gone everywhere
    ok(await sb.memory(dev, ["forget", other]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["start"]));
    expect(sb.read(qa, PATTERNS)).not.toContain(other);
  });
});

describe("recall's pure parts", () => {
  it("splits people's markdown by heading, outside fences, with CRLF, a BOM and no final newline", () => {
    const text = "\uFEFFIntro line\r\n# Title\r\nabout\r\n```\r\n## inside a fence\r\n```\r\n## Second\r\nmore\r\n## Second\r\nagain";
    const items = sectionItems(text, "Docs/x.md");
    expect(items.map((i) => i.title)).toEqual(["x", "Title", "Second", "Second"]);
    expect(items.map((i) => i.id)).toEqual(["Docs/x.md#x", "Docs/x.md#title", "Docs/x.md#second", "Docs/x.md#second-2"]);
    expect(items[1]!.body).toContain("## inside a fence");
    expect(items[1]!.line).toBe(2);
    expect(sectionItems("", "Docs/empty.md")).toEqual([]);
  });

  it("snippets cut around the first match; recency falls with the half-life to a floor; expiry", () => {
    const long = `${"a ".repeat(200)}the needle is here ${"b ".repeat(200)}`;
    const s = snippet(long, ["needle"]);
    expect(s).toContain("needle");
    expect(s.startsWith("…") && s.endsWith("…")).toBe(true);
    expect(snippet("short <!-- entry id=x --> text", ["x"])).toBe("short text");
    const now = Date.parse("2026-11-29T00:00:00Z");
    expect(recency("2026-11-29T00:00:00Z", now, "pattern")).toBeCloseTo(1);
    expect(recency("2026-06-02T00:00:00Z", now, "pattern")).toBeCloseTo(0.65, 1); // one half-life (180 d)
    expect(recency("1990-01-01T00:00:00Z", now, "pattern")).toBeCloseTo(0.3, 2);
    expect(recency("2026-06-02T00:00:00Z", now, "pattern", { default: 10 })).toBeLessThan(recency("2026-06-02T00:00:00Z", now, "pattern"));
    expect(isExpired({ expires: "2026-11-28" }, now)).toBe(true);
    expect(isExpired({ expires: "2026-11-29" }, now)).toBe(false);
    expect(isExpired({}, now)).toBe(false);
  });
});

describe("recall's cost", () => {
  it("start, save, status and add never load the index library; recall does", async () => {
    const { sb, dev } = await solo();
    const loads = (command: string[]): string => modulesLoaded(sb, dev, command);
    const uses = (text: string) => /node_modules\/minisearch\//.test(text);
    expect(uses(loads(["add", "pattern", "Indexed later", "-m", "x"]))).toBe(false);
    expect(uses(loads(["start"]))).toBe(false);
    expect(uses(loads(["save"]))).toBe(false);
    expect(uses(loads(["status"]))).toBe(false);
    const recallLoads = loads(["recall", "indexed"]);
    expect(recallLoads).toContain("/dist/bundle/main.js"); // the hook saw the command's own modules
    expect(uses(recallLoads)).toBe(true);
  });
});


describe("relations carried into the docs", () => {
  it("harvest writes 'Supersedes ADR-001' into the new ADR and marks the old one superseded, MADR style", async () => {
    const { sb, dev } = await solo();
    const first = await add(sb, dev, "decision", "Cache pages for 60 s", "-m", "first take");
    ok(await sb.memory(dev, ["harvest", "--all", "--yes"]));
    await add(sb, dev, "decision", "Cache pages for 120 s", "-m", "second take", "--supersedes", first);
    ok(await sb.memory(dev, ["harvest", "--all", "--yes"]));
    const dir = "Docs/03-Reference/ADR";
    const newer = sb.read(dev, `${dir}/ADR-002-cache-pages-for-120-s.md`);
    expect(newer).toContain("# ADR-002: Cache pages for 120 s\n\nSupersedes [ADR-001](ADR-001-cache-pages-for-60-s.md).\n");
    const older = sb.read(dev, `${dir}/ADR-001-cache-pages-for-60-s.md`);
    expect(older).toMatch(/^---\nstatus: superseded by ADR-002\n/);
    // recall ranks the old ADR down too: it is superseded (hidden without --all)
    const hits = await recall(sb, dev, "cache", "pages", "--in", "docs");
    expect(hits.map((h) => h.file)).toEqual([`${dir}/ADR-002-cache-pages-for-120-s.md`]);
  });

  it("an adr-tools ADR without frontmatter gets 'Superseded by' in its Status section", async () => {
    const { supersededStatus } = await import("../src/core/harvest.js");
    const text = "# 3. Use Postgres\r\n\r\nDate: 2020-01-01\r\n\r\n## Status\r\n\r\nAccepted\r\n\r\n## Context\r\n";
    expect(supersededStatus(text, "0007")).toBe("# 3. Use Postgres\r\n\r\nDate: 2020-01-01\r\n\r\n## Status\r\n\r\nSuperseded by 0007\r\n\r\n## Context\r\n");
    expect(supersededStatus("# Title only", "ADR-9")).toBe("# Title only\n\nStatus: superseded by ADR-9.\n");
  });
});
