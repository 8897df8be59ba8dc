/** The union driver's second id for an entry both sides edited always reads back, however long the first. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseBuffer } from "../src/core/entries.js";
import { ID_PATTERN } from "../src/core/ids.js";
import { mergeBuffers } from "../src/core/merge.js";

const buffer = (id: string, body: string, more = "") => `# Notes\n\n<!-- entry id=${id} by=dev -->\n## Title\n\n${body}\n${more}`;

describe("edit ids", () => {
  const longest = `A${"b".repeat(126)}9`; // 128 characters: the longest id the parser reads

  it("keeps both edits of an entry whose hand-written id is as long as an id can be, and the result reads back", () => {
    expect(ID_PATTERN.test(longest)).toBe(true);
    const base = buffer(longest, "base");
    const r = mergeBuffers({ base, ours: buffer(longest, "ours"), theirs: buffer(longest, "theirs") });
    expect(r).toBe(mergeBuffers({ base, ours: buffer(longest, "theirs"), theirs: buffer(longest, "ours") }));
    const entries = parseBuffer(r).entries;
    expect(entries.map((e) => e.body)).toEqual(["ours", "theirs"]);
    expect(entries[0]!.id).toBe(longest);
    expect(entries[1]!.id.length).toBeLessThanOrEqual(128);
    expect(entries[1]!.id).toMatch(/\.edit-[0-9a-f]{8}$/);
    // merging again (the edit edited on both sides once more) still reads back
    const again = mergeBuffers({ base: r, ours: r.replace("theirs", "theirs 2"), theirs: r.replace("theirs", "theirs 3") });
    expect(parseBuffer(again).entries).toHaveLength(3);
  });

  it("gives two long ids sharing their first 120 characters different edit ids", () => {
    const a = `${"x".repeat(120)}-first`;
    const b = `${"x".repeat(120)}-other`;
    const doc = (ta: string, tb: string) => `# N\n\n<!-- entry id=${a} -->\n## A\n\n${ta}\n\n<!-- entry id=${b} -->\n## B\n\n${tb}\n`;
    const r = mergeBuffers({ base: doc("a", "b"), ours: doc("same", "same"), theirs: doc("zz", "zz") });
    const ids = parseBuffer(r).entries.map((e) => e.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });

  it("reads back for any id the parser accepts (property)", () => {
    const id = fc.stringMatching(/^[0-9A-Za-z][0-9A-Za-z_.-]{0,127}$/).filter((s) => ID_PATTERN.test(s));
    fc.assert(
      fc.property(id, fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n<>`~#-]/g, "x")), (i, text) => {
        const r = mergeBuffers({ base: buffer(i, "base"), ours: buffer(i, `o${text}`), theirs: buffer(i, `t${text}`) });
        const entries = parseBuffer(r).entries;
        expect(entries).toHaveLength(2);
        for (const e of entries) expect(ID_PATTERN.test(e.id)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
