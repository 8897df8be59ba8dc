import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createEntry, parseBuffer, serializeBuffer, type EntryFields } from "../src/core/entries.js";
import { mergeBuffers, mergeContext, mergeLog, logLine } from "../src/core/merge.js";

const HEADER = "# Lessons buffer\n\nWaiting for harvest.\n";

function entry(id: string, over: Partial<EntryFields> = {}): EntryFields {
  return {
    id,
    type: "lesson",
    author: "dev",
    createdAt: `2026-11-22T10:00:${id.padStart(2, "0").slice(-2)}Z`.replace(/:(\D\D)Z$/, ":00Z"),
    title: `Entry ${id}`,
    tags: [],
    body: `Body of ${id}.\n- tags: shared trailing line`,
    ...over,
  };
}

function buf(...entries: EntryFields[]): string {
  const doc = parseBuffer(HEADER);
  doc.entries.push(...entries.map(createEntry));
  return serializeBuffer(doc);
}

const ids = (text: string): string[] => parseBuffer(text).entries.map((e) => e.id);
const merge = (base: string, ours: string, theirs: string): string => mergeBuffers({ base, ours, theirs });

describe("union by entry", () => {
  it("keeps both new entries whole, even when they end with the same lines, whichever side is ours", () => {
    const base = buf(entry("1"));
    const ours = buf(entry("1"), entry("2", { createdAt: "2026-11-22T11:00:00Z", body: "Two.\n- tags: shared trailing line" }));
    const theirs = buf(entry("1"), entry("3", { createdAt: "2026-11-22T10:30:00Z", body: "Three.\n- tags: shared trailing line" }));
    const result = merge(base, ours, theirs);
    expect(result).toBe(merge(base, theirs, ours));
    const doc = parseBuffer(result);
    expect(doc.entries.map((e) => [e.id, e.body])).toEqual([
      ["1", "Body of 1.\n- tags: shared trailing line"],
      ["3", "Three.\n- tags: shared trailing line"],
      ["2", "Two.\n- tags: shared trailing line"],
    ]);
  });

  it("keeps a drained buffer drained while keeping what was appended meanwhile", () => {
    const base = buf(entry("1"), entry("2"));
    const drained = buf();
    const appended = buf(entry("1"), entry("2"), entry("3"));
    expect(ids(merge(base, drained, appended))).toEqual(["3"]);
    expect(ids(merge(base, appended, drained))).toEqual(["3"]);
  });

  it("takes a one-sided edit, and prefers an edit over a deletion", () => {
    const base = buf(entry("1"), entry("2"));
    const edited = buf(entry("1", { body: "Edited." }), entry("2"));
    const deleted = buf(entry("2"));
    expect(parseBuffer(merge(base, edited, base)).entries[0]!.body).toBe("Edited.");
    const r = merge(base, edited, deleted);
    expect(r).toBe(merge(base, deleted, edited));
    expect(parseBuffer(r).entries.map((e) => [e.id, e.body])).toEqual([
      ["1", "Edited."],
      ["2", "Body of 2.\n- tags: shared trailing line"],
    ]);
  });

  it("keeps both texts when both sides edit one entry, the same way on both sides", () => {
    const base = buf(entry("1"));
    const a = buf(entry("1", { body: "Version A." }));
    const b = buf(entry("1", { body: "Version B." }));
    const r = merge(base, a, b);
    expect(r).toBe(merge(base, b, a));
    const doc = parseBuffer(r);
    expect(doc.entries.map((e) => e.body).sort()).toEqual(["Version A.", "Version B."]);
    expect(doc.entries[0]!.id).toBe("1");
    expect(doc.entries[1]!.id).toMatch(/^1\.edit-[0-9a-f]{8}$/);
    expect(merge(base, r, b)).toBe(r);
  });

  it("merges add/add with an empty base", () => {
    const a = buf(entry("1"));
    const b = buf(entry("2"));
    expect(ids(merge("", a, b))).toEqual(["1", "2"]);
    expect(merge("", a, b)).toBe(merge("", b, a));
    expect(merge("", a, a)).toBe(a);
  });

  it("merges CRLF and no-final-newline files and keeps the base's line endings", () => {
    const base = buf(entry("1")).replace(/\n/g, "\r\n");
    const ours = buf(entry("1"), entry("2")).replace(/\n/g, "\r\n").replace(/\r\n$/, "");
    const theirs = buf(entry("1"), entry("3")).replace(/\n/g, "\r\n");
    const r = merge(base, ours, theirs);
    expect(ids(r)).toEqual(["1", "2", "3"]);
    expect(r.endsWith("\r\n")).toBe(true);
    expect(r.replace(/\r\n/g, "")).not.toContain("\n");
  });

  it("keeps both header edits", () => {
    const base = buf(entry("1"));
    const a = base.replace("Waiting for harvest.", "Waiting for harvest (A).");
    const b = base.replace("# Lessons buffer", "# Lessons");
    const r = merge(base, a, b);
    expect(r).toBe(merge(base, b, a));
    expect(r).toContain("Waiting for harvest (A).");
    expect(r).toContain("# Lessons\n");
  });

  it("refuses a side it cannot read, naming the file and line", () => {
    expect(() => mergeBuffers({ base: "", ours: "<!-- entry -->\n## x\n", theirs: "", file: "p.md" })).toThrow(/^p\.md:1: entry marker has no id/);
  });
});

describe("union by entry: properties", () => {
  const pool = Array.from({ length: 10 }, (_, i) => String(i));
  const version = fc.constantFrom("v1", "v2", "v3");
  // A buffer is a set of ids from the pool, each with a version of its body.
  const state = fc.dictionary(fc.constantFrom(...pool), version, { maxKeys: 10 });
  const render = (s: Record<string, string>): string =>
    buf(...Object.keys(s).sort().map((id) => entry(id, { body: `${s[id]}\n- tags: same` })));

  it("loses no entry, honours deletions, does not depend on the side, and is stable when repeated", () => {
    fc.assert(
      fc.property(state, state, state, (b, o, t) => {
        const [base, ours, theirs] = [render(b), render(o), render(t)];
        const r = merge(base, ours, theirs);
        expect(r).toBe(merge(base, theirs, ours));
        const got = parseBuffer(r).entries;
        const texts = new Map(got.map((e) => [e.id, e.body.split("\n")[0]]));
        for (const id of pool) {
          const [bv, ov, tv] = [b[id], o[id], t[id]];
          const changedO = ov !== undefined && ov !== bv;
          const changedT = tv !== undefined && tv !== bv;
          const deletedO = bv !== undefined && ov === undefined;
          const deletedT = bv !== undefined && tv === undefined;
          if (changedO) expect([...texts.values()]).toContain(ov); // every edit or addition survives
          if (changedT) expect([...texts.values()]).toContain(tv);
          if ((deletedO && !changedT) || (deletedT && !changedO) || (deletedO && deletedT)) {
            expect(texts.has(id)).toBe(false); // a deletion of an unchanged entry holds
          }
          if (!changedO && !changedT && !deletedO && !deletedT && bv !== undefined) expect(texts.get(id)).toBe(bv);
        }
        expect(merge(base, r, theirs)).toBe(r);
        expect(merge(base, r, r)).toBe(r);
        expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe("latest wins", () => {
  const ctx = (updated: string, text: string) => `---\nupdated: ${updated}\nby: x\n---\n# Ctx\n\n${text}\n`;
  const base = ctx("2026-11-22T09:00:00Z", "base");

  it("picks the later stamp, whichever side holds it", () => {
    const older = ctx("2026-11-22T10:00:00Z", "older");
    const newer = ctx("2026-11-22T11:00:00Z", "newer");
    expect(mergeContext({ base, ours: older, theirs: newer })).toEqual({ text: newer, from: "theirs" });
    expect(mergeContext({ base, ours: newer, theirs: older })).toEqual({ text: newer, from: "ours" });
  });

  it("breaks ties the same way on both sides and yields to the only side that changed", () => {
    const a = ctx("2026-11-22T10:00:00Z", "a");
    const b = ctx("2026-11-22T10:00:00Z", "b");
    expect(mergeContext({ base, ours: a, theirs: b }).text).toBe(mergeContext({ base, ours: b, theirs: a }).text);
    const unstamped = base.replace("base", "edited without a new stamp");
    expect(mergeContext({ base, ours: base, theirs: unstamped }).text).toBe(unstamped);
    expect(mergeContext({ base, ours: "# no stamp\n", theirs: a }).text).toBe(a);
  });
});

describe("log union", () => {
  const header = "# Session log\n\nOne line per start and save.\n";
  const log = (...lines: string[]) => `${header}\n${lines.join("\n")}\n`;
  const l1 = logLine("2026-11-22T10:00:00Z", "dev", "start");
  const l2 = logLine("2026-11-22T10:05:00Z", "qa", "save", "2 entries");
  const l3 = logLine("2026-11-22T10:03:00Z", "dev", "save");

  it("keeps every line once, ordered by time, the same on both sides", () => {
    const base = log(l1);
    const r = mergeLog({ base, ours: log(l1, l2), theirs: log(l1, l3) });
    expect(r).toBe(log(l1, l3, l2));
    expect(mergeLog({ base, ours: log(l1, l3), theirs: log(l1, l2) })).toBe(r);
    expect(mergeLog({ base: "", ours: log(l1, l2), theirs: log(l2, l1) })).toBe(log(l1, l2));
  });

  it("drops a line one side removed", () => {
    expect(mergeLog({ base: log(l1, l3), ours: log(l3), theirs: log(l1, l3, l2) })).toBe(log(l3, l2));
  });

  it("writes log lines with time, persona, event and detail", () => {
    expect(logLine("2026-11-22T10:00:00Z", "dev", "save", "3 entries\nmore")).toBe("- 2026-11-22T10:00:00Z · dev · save · 3 entries more");
  });
});
