import { describe, expect, it } from "vitest";
import { parseBufferOnce, readEntriesOnce } from "../src/core/parse-once.js";
import { ensureAttributes, ATTRIBUTES_COMMENT } from "../src/core/attributes.js";
import { parseBuffer, createEntry } from "../src/core/entries.js";
import { bufferStatus } from "../src/core/thresholds.js";
import { thresholdWarning } from "../src/ui/warnings.js";
import { defaultConfig } from "../src/core/config.js";
import { resolvePersona } from "../src/core/persona.js";
import { readStamp, stampTime } from "../src/core/context.js";
import { duplicateAdrNumbers } from "../src/core/adr.js";
import { idTime, newId } from "../src/core/ids.js";
import { now } from "../src/core/clock.js";

const wanted = [
  { path: ".claude/memory-bank/patterns-buffer.md", driver: "memory-union" },
  { path: ".claude/memory-bank/activeContext.md", driver: "memory-latest" },
];

describe(".gitattributes", () => {
  it("adds the bank's lines under a comment, after what is there", () => {
    const res = ensureAttributes("*.png binary\n", wanted);
    expect(res.text).toBe(
      `*.png binary\n\n${ATTRIBUTES_COMMENT}\n.claude/memory-bank/patterns-buffer.md merge=memory-union\n.claude/memory-bank/activeContext.md merge=memory-latest\n`,
    );
    expect(res.added).toHaveLength(2);
  });

  it("changes nothing the second time", () => {
    const once = ensureAttributes(null, wanted).text;
    const twice = ensureAttributes(once, wanted);
    expect(twice.changed).toBe(false);
    expect(twice.text).toBe(once);
  });

  it("corrects a line that names another merge, keeping its other attributes", () => {
    const res = ensureAttributes(".claude/memory-bank/patterns-buffer.md merge=union -diff\r\n", wanted.slice(0, 1));
    expect(res.text).toBe(".claude/memory-bank/patterns-buffer.md merge=memory-union -diff\r\n");
    expect(res.updated).toEqual([".claude/memory-bank/patterns-buffer.md"]);
  });

  it("quotes paths with spaces", () => {
    expect(ensureAttributes("", [{ path: "my bank/a.md", driver: "memory-union" }]).text).toContain('"my bank/a.md" merge=memory-union');
  });
});

describe("thresholds", () => {
  const cfg = defaultConfig();
  const docWith = (n: number, bodyLines: number) => {
    const doc = parseBuffer("# P\n");
    for (let i = 0; i < n; i++) {
      doc.entries.push(createEntry({ id: `e${i}`, type: "pattern", author: "dev", createdAt: "2026-01-01T00:00:00Z", title: "t", tags: [], body: "x\n".repeat(bodyLines) }));
    }
    return doc;
  };

  it("words the near warning as the spec does", () => {
    // 3 entries × (marker + title + 4 body lines) = 18 lines
    const s = bufferStatus("patterns", "patterns-buffer", "f", cfg.buffers.patterns, docWith(3, 4), 0.8);
    expect([s.lines, s.items, s.ready, s.near]).toEqual([18, 3, false, true]);
    expect(thresholdWarning(s)).toBe("patterns-buffer has 18 lines (near harvest threshold 20)");
  });

  it("is ready at the threshold and says so", () => {
    const s = bufferStatus("decisions", "decisions-inbox", "f", cfg.buffers.decisions, docWith(5, 0), 0.8);
    expect([s.ready, s.near]).toEqual([true, true]);
    expect(thresholdWarning(s)).toMatch(/^decisions-inbox has 5 items \(at harvest threshold 5/);
  });

  it("says nothing below the near share", () => {
    const s = bufferStatus("patterns", "patterns-buffer", "f", cfg.buffers.patterns, docWith(1, 3), 0.8);
    expect(s.near).toBe(false);
    expect(thresholdWarning(s)).toBeUndefined();
  });
});

describe("persona", () => {
  it("takes the flag, then env, then git config, then user.name", () => {
    expect(resolvePersona({ flag: "qa", env: "dev", gitPersona: "arch", gitUserName: "Ann" })).toEqual({ name: "qa", source: "flag" });
    expect(resolvePersona({ env: "dev", gitPersona: "arch", gitUserName: "Ann" })?.name).toBe("dev");
    expect(resolvePersona({ env: "  ", gitPersona: "arch" })?.name).toBe("arch");
    expect(resolvePersona({ gitUserName: "Ann  Lee" })).toEqual({ name: "Ann Lee", source: "git config user.name" });
    expect(resolvePersona({})).toBeUndefined();
  });
});

describe("activeContext stamp", () => {
  it("reads updated: and by: from the frontmatter", () => {
    const s = readStamp("---\r\nupdated: '2026-11-22T10:00:00Z'\r\nby: qa\r\n---\r\n# Ctx\r\n");
    expect([s.updated, s.by, s.line, stampTime(s)]).toEqual(["2026-11-22T10:00:00Z", "qa", 2, Date.parse("2026-11-22T10:00:00Z")]);
  });

  it("finds no stamp without a closed frontmatter", () => {
    expect(readStamp("# Ctx\nupdated: 2026\n").hasFrontmatter).toBe(false);
    expect(readStamp("---\nupdated: 2026-01-01\n").updated).toBeUndefined();
    expect(stampTime(readStamp("---\nupdated: soon\n---\n"))).toBeUndefined();
  });
});

describe("ids, clock, ADR numbers", () => {
  it("makes time-sortable unique ids", () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(idTime(a)).toBe(1_700_000_000_000);
    expect(new Set(Array.from({ length: 1000 }, () => newId(5))).size).toBe(1000);
  });

  it("takes MEMORY_NOW and refuses a bad one", () => {
    expect(now({ MEMORY_NOW: "2026-01-02T03:04:05Z" }).toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect(() => now({ MEMORY_NOW: "tomorrow" })).toThrow(/MEMORY_NOW is not an ISO 8601 time/);
  });

  it("finds duplicate ADR numbers", () => {
    const dups = duplicateAdrNumbers(["ADR-001-a.md", "ADR-002-b.md", "ADR-002-c.md", "README.md", "adr-3.md"]);
    expect([...dups]).toEqual([[2, ["ADR-002-b.md", "ADR-002-c.md"]]]);
  });
});

describe("review regressions", () => {
  it("resolves conflict blocks nested inside a side, leaving no stray markers", async () => {
    const { resolveConflicts } = await import("../src/core/conflicts.js");
    const { mergeBuffers } = await import("../src/core/merge.js");
    const { conflictMarkerLine, splitLines } = await import("../src/core/text.js");
    const e = (id: string) => `<!-- entry id=${id} -->\n## ${id}\n\nbody ${id}\n`;
    const inner = `<<<<<<< HEAD\n${e("A1")}=======\n${e("B1")}>>>>>>> theirs\n`;
    const text = `# P\n\n<<<<<<< ours\n${inner}=======\n${e("C1")}>>>>>>> theirs\n`;
    const out = resolveConflicts(text, (sides) => mergeBuffers(sides));
    expect(conflictMarkerLine(splitLines(out).lines)).toBe(0);
    expect(parseBuffer(out).entries.map((x) => x.id)).toEqual(["A1", "B1", "C1"]);
  });

  it("counts a lone closing marker as a conflict, and add indents one in a body", () => {
    expect(() => parseBuffer("<!-- entry id=a -->\n## T\n>>>>>>> theirs\n")).toThrow(/git conflict markers/);
    const e = createEntry({ id: "a", type: "t", author: "x", createdAt: "", title: "T", tags: [], body: ">>>>>>> quoted" });
    expect(e.body).toBe(" >>>>>>> quoted");
  });

  it("leaves .gitattributes alone the second time even for a bank path with spaces", () => {
    const wanted = [{ path: "my bank/mem/patterns-buffer.md", driver: "memory-union" }];
    const once = ensureAttributes(null, wanted).text;
    expect(once).toContain('"my bank/mem/patterns-buffer.md" merge=memory-union');
    expect(ensureAttributes(once, wanted).changed).toBe(false);
    expect(ensureAttributes(once.replace("memory-union", "union"), wanted).text).toBe(once);
  });

  it("reads back a persona with quotes that stampContext wrote", async () => {
    const { stampContext } = await import("../src/core/context.js");
    const stamped = stampContext("# Ctx\n", "2026-01-01T00:00:00Z", 'dev "x"');
    expect(readStamp(stamped).by).toBe('dev "x"');
  });

  it("treats an empty config file as the defaults", async () => {
    const { parseConfig } = await import("../src/core/config.js");
    expect(parseConfig("  \n")).toEqual(defaultConfig());
  });
});

describe("one parse per text", () => {
  const text = "# Patterns\n\n<!-- entry id=01M80HDKP9KDC5RJ32ARPZAKXN type=pattern by=dev at=2026-11-22T10:04:05Z -->\n## One\n\nbody\n";
  it("gives what a parse gives, in arrays of the caller's own", () => {
    const a = parseBufferOnce(text, { file: "a.md" });
    expect(a).toEqual(parseBuffer(text, { file: "a.md" }));
    a.entries.push(a.entries[0]!);
    a.header.length = 0;
    const b = parseBufferOnce(text, { file: "a.md" });
    expect(b.entries).toHaveLength(1);
    expect(b.header).toEqual(["# Patterns"]);
  });

  it("keeps the default type apart, and names the caller's file in every error", () => {
    const untyped = "<!-- entry id=01M80HDKP9KDC5RJ32ARPZAKXN by=dev at=2026-11-22T10:04:05Z -->\n## Hand-made\n";
    expect(parseBufferOnce(untyped, { defaultType: "pattern" }).entries[0]!.type).toBe("pattern");
    expect(parseBufferOnce(untyped, { defaultType: "lesson" }).entries[0]!.type).toBe("lesson");
    const broken = "<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n";
    expect(() => parseBufferOnce(broken, { file: "one.md" })).toThrow(/one\.md/);
    expect(() => parseBufferOnce(broken, { file: "two.md" })).toThrow(/two\.md/);
    expect(readEntriesOnce(broken)).toEqual([]);
    expect(readEntriesOnce(null)).toEqual([]);
  });
});
