/** Consolidate and cleanup, pure: similarity, groups of near-duplicates, the entries they write, the config. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { jaccard, nearDuplicateGroups, shingles, similarPairs, similarity, words, type Comparable } from "../src/core/similarity.js";
import { archivedEntry, consolidatedEntry, retiredAt, withArchived } from "../src/core/consolidate.js";
import { createEntry, parseBuffer, serializeBuffer, type Entry, type EntryFields } from "../src/core/entries.js";
import { mergeBuffers } from "../src/core/merge.js";
import { defaultConfig, resolveConfig } from "../src/core/config.js";
import { errorOf, sampleFields } from "./samples.js";
import { archiveItems, bufferItems, diffItems } from "../src/core/query.js";

const RETRY = "Retry pushes with jitter\nBack off 50 to 400 ms between push attempts; six tries covered eight racing clones in the benchmark.";

const entry = (over: Partial<EntryFields> = {}): Entry => createEntry(sampleFields(over));

const item = (id: string, at: string, title: string, body = "", over: Partial<Comparable> = {}): Comparable => ({ id, type: "pattern", at, title, body, buffer: "patterns", ...over });

describe("similarity", () => {
  it("reads words the same way through CRLF, markdown punctuation, fences, comments, links and Unicode forms", () => {
    expect(words("**Retry** `pushes`, with _jitter_!\r\n> - [x] done")).toEqual(["retry", "pushes", "with", "jitter", "x", "done"]);
    // A fence's opening and closing lines go (with the info string); the code in it stays.
    expect(words("Use it:\n```ts\nconst retry = 3;\n```\n~~~\nend\n~~~")).toEqual(["use", "it", "const", "retry", "3", "end"]);
    expect(words("see <!-- a note --> [the docs](https://example.com/x \"t\") now")).toEqual(["see", "the", "docs", "now"]);
    // NFKC and lower case: the ligature, full-width letters and a capital with an accent read as plain words.
    expect(words("ﬁle ＡＢＣ Café Straße")).toEqual(["file", "abc", "café", "straße"]);
    // Scripts that do not space their words: one character each; emoji are not words.
    expect(words("キャッシュ戦略 🚀 ok")).toEqual(["キ", "ャ", "ッ", "シ", "ュ", "戦", "略", "ok"]);
    expect(words("")).toEqual([]);
  });

  it("is 1 for the same text, whatever its line endings or emphasis, and 0 for nothing to go by", () => {
    expect(similarity(RETRY, RETRY)).toBe(1);
    expect(similarity(RETRY, RETRY.replace(/\n/g, "\r\n"))).toBe(1);
    expect(similarity(RETRY, RETRY.replace("jitter", "**jitter**").replace("Back off", "*Back off*"))).toBe(1);
    expect(similarity("", "")).toBe(0);
    expect(similarity("🚀", "🚀")).toBe(0);
    expect(similarity(RETRY, "")).toBe(0);
    expect(jaccard(new Set(), new Set())).toBe(0);
  });

  it("ranks a reworded copy high and a different note on the same subject low", () => {
    const reworded = "Retry pushes with random jitter\nBack off 50 to 400 ms between push attempts; six tries covered eight racing clones in our benchmark.";
    const other = "Push retries need a cap\nStop after twelve attempts and keep the commit for the next save; never force-push.";
    expect(similarity(RETRY, reworded)).toBeGreaterThan(0.6);
    expect(similarity(RETRY, other)).toBeLessThan(0.2);
    // The same sentences in another order keep most of their shingles.
    const [a, b] = ["One sentence about caching pages for sixty seconds.", "Another sentence about the catalogue service timing out."];
    expect(similarity(`T\n${a} ${b}`, `T\n${b} ${a}`)).toBeGreaterThan(0.6);
  });

  it("compares short texts (a title alone, an empty body) word by word, since they have too few shingles", () => {
    expect(shingles(["a", "b"])).toEqual(new Set(["a", "b"]));
    expect(shingles(["a", "b", "c", "d"])).toEqual(new Set(["a b c", "b c d"]));
    expect(similarity("Retry pushes with jitter\n", "Retry pushes with backoff jitter\n")).toBe(0.8);
    expect(similarity("Retry pushes with jitter", "Cache product pages")).toBe(0);
  });

  it("finds exactly the pairs an all-against-all comparison finds", () => {
    const token = fc.constantFrom(..."abcdefghijklmnop".split(""));
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(token, { maxLength: 9 }), { maxLength: 14 }), fc.constantFrom(0.2, 0.34, 0.5, 0.6, 0.75, 1), (lists, t) => {
        const sets = lists.map((l) => new Set(l));
        const expected: Array<[number, number, number]> = [];
        for (let i = 0; i < sets.length; i++) for (let j = i + 1; j < sets.length; j++) {
          const s = jaccard(sets[i]!, sets[j]!);
          if (s >= t - 1e-9) expected.push([i, j, s]);
        }
        expect(similarPairs(sets, t)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });
});

describe("near-duplicate groups", () => {
  const a = item("A", "2026-11-01T10:00:00Z", "Retry pushes with jitter", "Back off 50 to 400 ms between push attempts; six tries covered eight racing clones.");
  const b = item("B", "2026-11-02T10:00:00Z", "Retry pushes with jitter", "Back off 50 to 400 ms between push attempts; six tries covered eight racing clones here.");
  const c = item("C", "2026-11-03T10:00:00Z", "Retry pushes with jitter", "Back off 50 to 400 ms between push attempts; six tries covered eight racing clones here too.");
  const other = item("D", "2026-11-04T10:00:00Z", "Cache product pages", "Sixty seconds in front of the catalogue.");

  it("groups alike entries, oldest first, and leaves distinct ones out", () => {
    const groups = nearDuplicateGroups([other, c, a, b], 0.6);
    expect(groups.map((g) => g.entries.map((e) => e.id))).toEqual([["A", "B", "C"]]);
    expect(groups[0]!.buffer).toBe("patterns");
    expect(groups[0]!.links.every((l) => l.similarity >= 0.6)).toBe(true);
    // The same groups whatever the input order.
    expect(nearDuplicateGroups([b, other, a, c], 0.6)).toEqual(groups);
    expect(nearDuplicateGroups([a, other], 0.6)).toEqual([]);
  });

  it("joins entries through a chain of alike pairs (union-find), even when the ends are less alike", () => {
    // The same run of words, shifted by five words twice over.
    const run = Array.from({ length: 45 }, (_, i) => `word${i}`);
    const x = item("X", "2026-11-01T00:00:00Z", "t", run.slice(0, 31).join(" "));
    const y = item("Y", "2026-11-02T00:00:00Z", "t", run.slice(5, 36).join(" "));
    const z = item("Z", "2026-11-03T00:00:00Z", "t", run.slice(10, 41).join(" "));
    const sim = (p: Comparable, q: Comparable) => similarity(`${p.title}\n${p.body}`, `${q.title}\n${q.body}`);
    expect(sim(x, y)).toBeGreaterThanOrEqual(0.6);
    expect(sim(y, z)).toBeGreaterThanOrEqual(0.6);
    expect(sim(x, z)).toBeLessThan(0.6);
    expect(nearDuplicateGroups([x, y, z], 0.6).map((g) => g.entries.map((e) => e.id))).toEqual([["X", "Y", "Z"]]);
  });

  it("groups only within one buffer and one type", () => {
    const lesson = { ...b, type: "lesson" };
    const elsewhere = { ...c, buffer: "notes" };
    expect(nearDuplicateGroups([a, lesson, elsewhere], 0.6)).toEqual([]);
  });

  it("skips entries already superseded, by one of them or by something else", () => {
    const replacing = { ...c, supersedes: ["A"] };
    expect(nearDuplicateGroups([a, b, replacing], 0.6).map((g) => g.entries.map((e) => e.id))).toEqual([["B", "C"]]);
    expect(nearDuplicateGroups([a, b, c], 0.6, { superseded: new Set(["B", "C"]) })).toEqual([]);
  });

  it("takes a higher threshold as stricter, and refuses one outside (0, 1]", () => {
    expect(nearDuplicateGroups([a, b], 1)).toEqual([]);
    expect(nearDuplicateGroups([a, { ...b, id: "B2", body: a.body }], 1).map((g) => g.entries.length)).toEqual([2]);
    expect(() => nearDuplicateGroups([a, b], 0)).toThrow(RangeError);
    expect(() => nearDuplicateGroups([a, b], 1.5)).toThrow(RangeError);
  });

  it("groups short entries (titles alone, empty bodies) by their words", () => {
    const s1 = item("S1", "2026-11-01T00:00:00Z", "Flaky checkout test on CI");
    const s2 = item("S2", "2026-11-02T00:00:00Z", "Flaky checkout test in CI");
    const s3 = item("S3", "2026-11-03T00:00:00Z", "Database timeout on cold start");
    expect(nearDuplicateGroups([s1, s2, s3], 0.6).map((g) => g.entries.map((e) => e.id))).toEqual([["S1", "S2"]]);
  });
});

describe("the entries consolidate and cleanup write", () => {
  const older = entry({ id: "01JD0000000000000000000001", createdAt: "2026-11-01T10:00:00Z", title: "Retry pushes", body: "Back off.", tags: ["git"], author: "qa" });
  const newer = entry({ id: "01JD0000000000000000000002", createdAt: "2026-11-02T10:00:00Z", title: "Retry pushes with jitter", body: "Back off 50-400 ms.\n\n```sh\n## not a heading\n```", tags: ["sync", "git"] });

  it("makes one entry of a group: the newest's title and body, a line per other entry, every tag, supersedes= all of them", () => {
    const e = consolidatedEntry([older, newer], { id: "01JD0000000000000000000009", author: "lead", createdAt: "2026-11-03T10:00:00Z" });
    expect(e.title).toBe("Retry pushes with jitter");
    expect(e.type).toBe("pattern");
    expect(e.author).toBe("lead");
    expect(e.tags).toEqual(["git", "sync"]);
    expect(e.supersedes).toEqual([older.id, newer.id]);
    expect(e.related).toBeUndefined();
    expect(e.body).toBe("Back off 50-400 ms.\n\n```sh\n## not a heading\n```\n\nConsolidated from:\n- Retry pushes (`01JD0000000000000000000001`, qa, 2026-11-01)");
    expect(e.lines[0]).toContain(`supersedes=${older.id},${newer.id}`);
    // It reads back the same from a buffer.
    const doc = parseBuffer(serializeBuffer({ ...parseBuffer("# Patterns\n"), entries: [older, newer, e] }));
    expect(doc.entries[2]!.supersedes).toEqual([older.id, newer.id]);
    expect(doc.entries[2]!.body).toBe(e.body);
  });

  it("writes the list under an empty body, and extends the list of an entry consolidated before", () => {
    const bare = entry({ id: "01JD0000000000000000000003", createdAt: "2026-11-03T10:00:00Z", title: "Retry pushes", body: "" });
    const first = consolidatedEntry([older, bare], { id: "01JD0000000000000000000004", author: "dev", createdAt: "2026-11-04T10:00:00Z" });
    expect(first.body).toBe("Consolidated from:\n- Retry pushes (`01JD0000000000000000000001`, qa, 2026-11-01)");
    const again = consolidatedEntry([newer, first], { id: "01JD0000000000000000000005", author: "dev", createdAt: "2026-11-05T10:00:00Z" });
    expect(again.body.split("\n")).toEqual([
      "Consolidated from:",
      "- Retry pushes (`01JD0000000000000000000001`, qa, 2026-11-01)",
      "- Retry pushes with jitter (`01JD0000000000000000000002`, dev, 2026-11-02)",
    ]);
    expect(() => consolidatedEntry([older], { id: "01JD0000000000000000000006", author: "dev", createdAt: "2026-11-05T10:00:00Z" })).toThrow();
  });

  it("archives an entry with its marker as written plus archived= (and type= when it named none)", () => {
    const text = "# B\n\n<!-- entry id=hand-1 by=qa at=2026-01-01   -->\n## Hand-written\n\nbody\n\n<!-- entry id=x-2 type=lesson by=qa expires=2026-02-01 tags=\"a b\" -->\n## Typed\n";
    const [hand, typed] = parseBuffer(text, { defaultType: "lesson" }).entries;
    const h = archivedEntry(hand!, "2026-03-01T00:00:00Z");
    expect(h.lines[0]).toBe("<!-- entry id=hand-1 by=qa at=2026-01-01 type=lesson archived=2026-03-01T00:00:00Z -->");
    expect(h.lines.slice(1)).toEqual(hand!.lines.slice(1));
    const t = archivedEntry(typed!, "2026-02-01T23:59:59Z");
    expect(t.lines[0]).toBe('<!-- entry id=x-2 type=lesson by=qa expires=2026-02-01 tags="a b" archived=2026-02-01T23:59:59Z -->');
    // Archived again (moved back by hand, then cleaned up): the value is replaced, not doubled.
    expect(archivedEntry(t, "2026-04-01T00:00:00Z").lines[0]).toBe('<!-- entry id=x-2 type=lesson by=qa expires=2026-02-01 tags="a b" archived=2026-04-01T00:00:00Z -->');
    const back = parseBuffer(serializeBuffer({ ...parseBuffer("# Archive\n"), entries: [h, t] })).entries;
    expect(back.map((e) => [e.type, e.attrs?.archived])).toEqual([["lesson", "2026-03-01T00:00:00Z"], ["lesson", "2026-02-01T23:59:59Z"]]);
    expect(back[1]!.tags).toEqual(["a b"]);
  });

  it("puts moved entries after the archive's, oldest first, and replaces a copy the archive holds already", () => {
    const archive = parseBuffer(serializeBuffer({ ...parseBuffer("# Archive\n"), entries: [archivedEntry(newer, "2026-11-05T00:00:00Z")] }));
    const edited = archivedEntry({ ...newer, lines: [...newer.lines, "", "edited later"] }, "2026-11-05T00:00:00Z");
    const c = entry({ id: "01JD0000000000000000000007", createdAt: "2026-10-01T00:00:00Z" });
    const next = withArchived(archive, [edited, archivedEntry(older, "2026-11-05T00:00:00Z"), archivedEntry(c, "2026-11-05T00:00:00Z")]);
    expect(next.entries.map((e) => e.id)).toEqual([newer.id, c.id, older.id]);
    expect(next.entries[0]!.lines).toContain("edited later");
  });

  it("records when an entry stopped being current, so two clones archiving it write the same bytes", () => {
    expect(retiredAt(undefined, [{ at: "2026-11-03T10:00:00Z" }, { at: "2026-11-02T10:00:00Z" }])).toBe("2026-11-02T10:00:00Z");
    expect(retiredAt("2026-01-31", [])).toBe("2026-01-31T23:59:59Z");
    expect(retiredAt("2026-01-31", [{ at: "2026-03-01T00:00:00Z" }])).toBe("2026-01-31T23:59:59Z");
    expect(retiredAt(undefined, [{ at: "" }])).toBeUndefined();
    // Both clones archive the same entry at once: the union merge keeps it once.
    const base = "# Archive\n";
    const side = serializeBuffer({ ...parseBuffer(base), entries: [archivedEntry(older, retiredAt(undefined, [{ at: newer.createdAt }])!)] });
    const merged = parseBuffer(mergeBuffers({ base, ours: side, theirs: side })).entries;
    expect(merged.map((e) => e.id)).toEqual([older.id]);
  });
});

describe("supersedes= as a list", () => {
  it("reads one id (as add writes it) and a comma-separated group, and writes the list back", () => {
    const one = parseBuffer("# B\n\n<!-- entry id=b type=decision supersedes=a -->\n## B\n").entries[0]!;
    expect(one.supersedes).toEqual(["a"]);
    const many = parseBuffer("# B\n\n<!-- entry id=d type=decision supersedes=a,b,,c,a -->\n## D\n").entries[0]!;
    expect(many.supersedes).toEqual(["a", "b", "c"]);
    expect(createEntry({ ...many, supersedes: ["a", "b"] }).lines[0]).toBe("<!-- entry id=d type=decision by=unknown supersedes=a,b -->");
    expect(parseBuffer("# B\n\n<!-- entry id=e -->\n## E\n").entries[0]!.supersedes).toBeUndefined();
  });

  it("tells archived entries apart when diffing: gone from the buffers into the archive", () => {
    const buffer = "# P\n\n<!-- entry id=a type=pattern by=qa at=2026-11-01T00:00:00Z -->\n## A\n\n<!-- entry id=b type=pattern by=qa at=2026-11-02T00:00:00Z -->\n## B\n";
    const before = bufferItems(buffer, "p.md", "patterns", "pattern");
    const [a, b] = parseBuffer(buffer).entries;
    const after = [
      ...bufferItems(serializeBuffer({ ...parseBuffer(buffer), entries: [] }), "p.md", "patterns", "pattern"),
      ...archiveItems(serializeBuffer({ ...parseBuffer("# Archive\n"), entries: [archivedEntry(a!, "2026-11-03T00:00:00Z")] }), "archive.md"),
    ];
    const changes = diffItems(before, after);
    expect(changes.archived.map((i) => i.id)).toEqual(["a"]);
    expect(changes.removed.map((i) => i.id)).toEqual([b!.id]);
    expect(after[0]!.source).toBe("archive");
  });
});

describe("config: consolidate.threshold and the archive's name", () => {
  it("defaults to 0.6 and takes a share above 0 and at most 1", () => {
    expect(defaultConfig().consolidate.threshold).toBe(0.6);
    expect(resolveConfig({ consolidate: { threshold: 0.8 } }).consolidate.threshold).toBe(0.8);
    expect(resolveConfig({ consolidate: { threshold: 1 } }).consolidate.threshold).toBe(1);
    for (const bad of [0, -0.1, 1.5, "0.7", null]) {
      expect(errorOf(() => resolveConfig({ consolidate: { threshold: bad } }))).toContain("consolidate.threshold must be a number above 0 and at most 1");
    }
    expect(errorOf(() => resolveConfig({ consolidate: { treshold: 0.7 } }))).toContain('consolidate.treshold is not a known setting (did you mean "threshold"?)');
  });

  it("keeps archive.md for the archive: no buffer or other file may take the name", () => {
    expect(errorOf(() => resolveConfig({ files: { "archive.md": { merge: "text" } } }))).toContain("files.archive.md is the bank's archive");
    expect(errorOf(() => resolveConfig({ buffers: { notes: { file: "archive.md", types: ["note"] } } }))).toContain('"archive.md", the bank\'s archive');
  });
});
