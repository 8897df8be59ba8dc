/** The query API: items of the bank and the docs, filtered, found by id prefix, and diffed between commits. */
import { describe, expect, it } from "vitest";
import { BANK, Sandbox } from "./helpers.js";
import { createEntry, parseBuffer, serializeBuffer } from "../src/core/entries.js";
import { MemoryError } from "../src/core/errors.js";
import { bufferItems, diffItems, docItem, filterItems, findItem, type Item } from "../src/core/query.js";
import { openWorkspace } from "../src/bank/workspace.js";
import { changesBetween, getItem, listItems, readItems } from "../src/bank/query.js";

function bufferText(entries: Array<{ id: string; title: string; by?: string; at?: string; tags?: string[]; body?: string }>): string {
  const doc = parseBuffer("# Patterns\n");
  for (const e of entries) {
    doc.entries.push(createEntry({ id: e.id, type: "pattern", author: e.by ?? "dev", createdAt: e.at ?? "2026-11-20T10:00:00Z", title: e.title, tags: e.tags ?? [], body: e.body ?? "" }));
  }
  return serializeBuffer(doc);
}

const items = (entries: Parameters<typeof bufferText>[0]): Item[] => bufferItems(bufferText(entries), "bank/p.md", "patterns", "pattern");

describe("query core", () => {
  const all = items([
    { id: "01AAA1", title: "Retry", by: "dev", at: "2026-11-01T00:00:00Z", tags: ["git", "sync"] },
    { id: "01AAB2", title: "Jitter", by: "qa", at: "2026-11-20T00:00:00Z", tags: ["git"] },
    { id: "01BCC3", title: "Domain names", by: "qa", at: "2026-11-25T00:00:00Z" },
  ]);

  it("filters by type, author, time and every tag", () => {
    expect(filterItems(all, { author: "qa" }).map((i) => i.id)).toEqual(["01AAB2", "01BCC3"]);
    expect(filterItems(all, { since: "2026-11-15T00:00:00Z" }).map((i) => i.id)).toEqual(["01AAB2", "01BCC3"]);
    expect(filterItems(all, { until: "2026-11-15T00:00:00Z" }).map((i) => i.id)).toEqual(["01AAA1"]);
    expect(filterItems(all, { tags: ["git", "SYNC"] }).map((i) => i.id)).toEqual(["01AAA1"]);
    expect(filterItems(all, { type: "lesson" })).toEqual([]);
    expect(filterItems(all, { in: "docs" })).toEqual([]);
  });

  it("finds by id or unique prefix, and names the candidates of an ambiguous one", () => {
    expect(findItem(all, "01BCC3")?.title).toBe("Domain names");
    expect(findItem(all, "01b")?.title).toBe("Domain names");
    expect(findItem(all, "nope")).toBeUndefined();
    expect(() => findItem(all, "01AA")).toThrow(MemoryError);
    expect(() => findItem(all, "01AA")).toThrow(/fits 2 entries \(01AAA1, 01AAB2\)/);
  });

  it("diffs by id: added, edited, removed, and harvested into a doc", () => {
    const before = items([{ id: "a", title: "A" }, { id: "b", title: "B" }, { id: "c", title: "C" }, { id: "h", title: "H" }]);
    const after = [
      ...items([{ id: "a", title: "A" }, { id: "b", title: "B, edited" }, { id: "n", title: "N", at: "2026-11-21T00:00:00Z" }]),
      docItem("---\nauthor: dev\ndate: 2026-11-20T10:00:00Z\nsource: h\n---\n# H\n\nbody\n", "Docs/06-PostMortems/h.md", "lesson"),
    ];
    const d = diffItems(before, after);
    expect(d.added.map((i) => i.id)).toEqual(["n"]);
    expect(d.edited.map((i) => [i.id, i.title])).toEqual([["b", "B, edited"]]);
    expect(d.removed.map((i) => i.id)).toEqual(["c"]);
    expect(d.harvested.map((h) => [h.entry.id, h.doc.file])).toEqual([["h", "Docs/06-PostMortems/h.md"]]);
  });

  it("reads a doc's id, title, author and date from its frontmatter and first heading", () => {
    const doc = docItem("---\nstatus: proposed\ndate: 2026-11-22\ndecision-makers: qa\nsource: 01XYZ\n---\n# ADR-004: Cache pages\n\n## Context\n", "Docs/ADR/ADR-004-cache-pages.md", "decision");
    expect(doc).toMatchObject({ id: "01XYZ", title: "ADR-004: Cache pages", author: "qa", at: "2026-11-22", type: "decision", source: "docs" });
    expect(docItem("no frontmatter, no heading\n", "Docs/x.md", "lesson")).toMatchObject({ id: "Docs/x.md", title: "x", author: "unknown" });
  });

  it("reads a buffer that does not parse as no items, and keeps CRLF and BOM files readable", () => {
    expect(bufferItems("<!-- entry -->\n## no id\n", "f", "patterns", "pattern")).toEqual([]);
    const crlf = `\uFEFF${bufferText([{ id: "x1", title: "T" }]).replace(/\n/g, "\r\n")}`;
    expect(bufferItems(crlf, "f", "patterns", "pattern").map((i) => i.title)).toEqual(["T"]);
  });
});

describe("query API against real git", () => {
  it("lists the bank and the docs, finds by prefix, and says what a harvest did between two commits", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const env = sb.env({ MEMORY_NOW: "2026-11-22T10:00:00Z" });
    expect((await sb.memory(repo, ["init", "--persona", "dev"])).code).toBe(0);
    const id = (await sb.memory(repo, ["add", "lesson", "Flaky push", "-m", "Retry with jitter.", "--tags", "git"], { env: { MEMORY_NOW: "2026-11-22T10:00:00Z" } })).stdout.trim();
    await sb.memory(repo, ["add", "pattern", "Name by domain", "--persona", "qa"]);
    await sb.memory(repo, ["save", "--no-push"]);
    const before = sb.git(repo, "rev-parse", "HEAD").trim();
    expect((await sb.memory(repo, ["harvest", "--all", "--only", "lessons", "--no-push"])).code).toBe(0);

    const ws = await openWorkspace(repo, env);
    const everything = await readItems(ws);
    expect(everything.filter((i) => i.source === "bank").map((i) => i.title)).toEqual(["Name by domain"]);
    expect(everything.filter((i) => i.source === "docs").map((i) => [i.id, i.title, i.author])).toEqual([[id, "Flaky push", "dev"]]);
    expect((await listItems(ws, { in: "bank", author: "qa" })).map((i) => i.title)).toEqual(["Name by domain"]);
    expect((await listItems(ws, { author: "dev" })).map((i) => i.file)).toEqual([expect.stringMatching(/^Docs\/06-PostMortems\/2026-11-22-flaky-push\.md$/)]);
    expect((await getItem(ws, id.slice(0, 12)))?.title).toBe("Flaky push");

    const changes = await changesBetween(ws, { commit: before }, { commit: "HEAD" });
    expect(changes.harvested.map((h) => [h.entry.title, h.doc.file.startsWith("Docs/06-PostMortems/")])).toEqual([["Flaky push", true]]);
    expect([changes.added, changes.removed, changes.edited]).toEqual([[], [], []]);
    const atBefore = await readItems(ws, { commit: before });
    expect(atBefore.filter((i) => i.source === "bank").map((i) => i.title).sort()).toEqual(["Flaky push", "Name by domain"]);
    expect(atBefore.filter((i) => i.file.startsWith(BANK))).toHaveLength(2);
  });
});
