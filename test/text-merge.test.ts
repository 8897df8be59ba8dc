/** The line-based 3-way merge: text outside entries, the bank folder's other files, unstamped contexts. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { diffLines, mergeText, mergeTextLines } from "../src/core/text-merge.js";
import { mergeBuffers, MERGERS } from "../src/core/merge.js";
import { parseBuffer } from "../src/core/entries.js";

/** A text's lines, a final newline not making an empty last one. */
const L = (s: string): string[] => (s === "" ? [] : s.replace(/\n$/, "").split("\n"));
const merge = (base: string, ours: string, theirs: string): string => mergeText({ base, ours, theirs });
const count = (lines: readonly string[], line: string): number => lines.filter((l) => l === line).length;

describe("text merge: rules", () => {
  it("applies changes each side made to different lines, and the same change once", () => {
    const base = "a\nb\nc\nd\ne\n";
    expect(merge(base, "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n")).toBe("A\nb\nc\nd\nE\n");
    expect(merge(base, "a\nB\nc\nd\ne\n", "a\nb\nC\nd\ne\n")).toBe("a\nB\nC\nd\ne\n"); // neighbours, not a conflict
    expect(merge(base, "a\nX\nc\nd\ne\n", "a\nX\nc\nd\ne\n")).toBe("a\nX\nc\nd\ne\n");
    expect(merge(base, "a\nc\nd\ne\n", "a\nb\nc\nd\ne\nf\n")).toBe("a\nc\nd\ne\nf\n"); // a deletion holds
  });

  it("keeps both sides' lines on a true conflict, whole and in the same order whichever side is ours", () => {
    const base = "# Notes\n\nold line\n";
    const ours = "# Notes\n\nours line\n";
    const theirs = "# Notes\n\ntheirs line\n";
    expect(merge(base, ours, theirs)).toBe("# Notes\n\nours line\ntheirs line\n");
    expect(merge(base, theirs, ours)).toBe(merge(base, ours, theirs));
    // an edit against a deletion: the edited line survives
    expect(merge("a\nb\nc\n", "a\nc\n", "a\nB\nc\n")).toBe("a\nB\nc\n");
  });

  it("never drops a repeated line: two appended sections both keep their **Date**: line and blank lines", () => {
    const base = "# Decisions\n\n## First\n**Date**: 2026-11-01\n";
    const ours = `${base}\n## Cache pages\n**Date**: 2026-11-22\n\nKeep 60 s.\n`;
    const theirs = `${base}\n## Retry pushes\n**Date**: 2026-11-22\n\nWith jitter.\n`;
    const r = merge(base, ours, theirs);
    expect(r).toBe(merge(base, theirs, ours));
    const lines = L(r);
    expect(count(lines, "**Date**: 2026-11-22")).toBe(2);
    expect(count(lines, "")).toBe(count(L(ours), "") + count(L(theirs), "") - count(L(base), ""));
    for (const l of [...L(ours), ...L(theirs)]) expect(lines).toContain(l);
    // each section stays in one piece
    expect(r).toContain("## Cache pages\n**Date**: 2026-11-22\n\nKeep 60 s.\n");
    expect(r).toContain("## Retry pushes\n**Date**: 2026-11-22\n\nWith jitter.\n");
  });

  it("merges an edit inside a code fence in place, never moving it outside the fence", () => {
    const base = "# Patterns\n\n## Retry\n\n```ts\nconst tries = 6;\nconst delay = 50;\n```\n\n## Names\n\nBy domain.\n";
    const ours = base.replace("const tries = 6;", "const tries = 12;");
    const theirs = base.replace("By domain.", "By domain, never by layer.");
    const r = merge(base, ours, theirs);
    expect(r).toBe("# Patterns\n\n## Retry\n\n```ts\nconst tries = 12;\nconst delay = 50;\n```\n\n## Names\n\nBy domain, never by layer.\n");
  });

  it("reads CRLF, a BOM, a missing final newline and empty files", () => {
    const crlf = (s: string) => `\uFEFF${s.replace(/\n/g, "\r\n")}`;
    const r = merge(crlf("a\nb\nc\n"), crlf("A\nb\nc\n"), "a\nb\nC"); // theirs: LF, no BOM, no final newline
    expect(r).toBe(crlf("A\nb\nC\n"));
    expect(merge("a\nb", "a\nb\nc", "z\na\nb")).toBe("z\na\nb\nc"); // neither side ends with a newline: nor does the result
    expect(merge("", "", "x\n")).toBe("x\n");
    expect(merge("", "x\n", "y\n")).toBe("x\ny\n");
    expect(merge("x\n", "", "x\n")).toBe("");
    expect(merge("x\n", "", "y\n")).toBe("y\n");
  });

  it("keeps conflict-looking lines and markers as text", () => {
    const base = "<!-- entry id=x -->\n=======\n";
    expect(merge(base, `${base}<<<<<<< a\n`, `${base}>>>>>>> b\n`)).toBe(`${base}<<<<<<< a\n>>>>>>> b\n`);
  });

  it("is the `text` strategy the bank folder's other files are merged with", () => {
    expect(MERGERS.text({ base: "a\n", ours: "a\nb\n", theirs: "c\na\n" })).toBe("c\na\nb\n");
  });

  it("merges a 100k-line file quickly enough, without recursion limits, also when the sides share nothing", () => {
    const big = Array.from({ length: 100_000 }, (_, i) => `line ${i}`);
    const ours = [...big];
    ours[10] = "edited at the top";
    const theirs = [...big, "appended"];
    theirs[90_000] = "edited near the end";
    const r = mergeTextLines(big, ours, theirs);
    expect(r).toHaveLength(100_001);
    expect([r[10], r[90_000], r[100_000]]).toEqual(["edited at the top", "edited near the end", "appended"]);
    const other = big.map((l) => `${l}!`);
    const both = mergeTextLines(big, other, [...big].reverse());
    expect(both).toHaveLength(200_000); // nothing in common: a conflict over the whole file, both kept
  });
});

describe("text merge: diff", () => {
  it("turns a into b", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c", ""), { maxLength: 12 }), fc.array(fc.constantFrom("a", "b", "c", ""), { maxLength: 12 }), (a, b) => {
        const out: string[] = [];
        let i = 0;
        for (const h of diffLines(a, b)) {
          out.push(...a.slice(i, h.aStart), ...b.slice(h.bStart, h.bEnd));
          i = h.aEnd;
        }
        out.push(...a.slice(i));
        expect(out).toEqual(b);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("text merge: properties", () => {
  const line = fc.constantFrom("a", "b", "c", "", "**Date**: x", "```", "## h");
  const lines = fc.array(line, { maxLength: 10 });
  /** A side: the base with random lines replaced, deleted and inserted. */
  const edits = (base: string[]) =>
    fc.array(fc.tuple(fc.nat(10), fc.constantFrom("del", "ins", "set"), line), { maxLength: 4 }).map((ops) => {
      const out = [...base];
      for (const [at, op, l] of ops) {
        const i = Math.min(at, out.length);
        if (op === "ins") out.splice(i, 0, l);
        else if (out.length > 0 && op === "del") out.splice(Math.min(i, out.length - 1), 1);
        else if (out.length > 0) out[Math.min(i, out.length - 1)] = l;
      }
      return out;
    });
  const triple = lines.chain((b) => fc.tuple(fc.constant(b), edits(b), edits(b)));

  it("does not depend on the side, takes one side's change, and loses no line a side added", () => {
    fc.assert(
      fc.property(triple, ([b, o, t]) => {
        const r = mergeTextLines(b, o, t);
        expect(mergeTextLines(b, t, o)).toEqual(r);
        expect(mergeTextLines(b, o, b)).toEqual(o);
        expect(mergeTextLines(b, b, t)).toEqual(t);
        expect(mergeTextLines(b, o, o)).toEqual(o);
        for (const l of new Set([...o, ...t])) {
          // every copy a side added beyond the base survives: nothing is de-duplicated away
          expect(count(r, l)).toBeGreaterThanOrEqual(Math.max(count(o, l), count(t, l)) - count(b, l));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("also on whole files, CRLF and all", () => {
    fc.assert(
      fc.property(triple, fc.boolean(), ([b, o, t], crlf) => {
        const text = (ls: string[]) => (ls.length ? `${ls.join(crlf ? "\r\n" : "\n")}${crlf ? "\r\n" : "\n"}` : "");
        expect(merge(text(b), text(o), text(t))).toBe(merge(text(b), text(t), text(o)));
      }),
      { numRuns: 500 },
    );
  });
});

describe("buffer headers merge as text", () => {
  const entry = "<!-- entry id=e1 by=dev at=2026-11-22T10:00:00Z -->\n## One\n\nBody.\n";
  const buf = (header: string) => `${header}\n${entry}`;

  it("keeps every line two clones wrote into a hand-written header, repeated lines and blank lines included", () => {
    const base = buf("# Lessons\n\n## Team notes\n**Date**: 2026-11-01\n");
    const ours = buf("# Lessons\n\n## Team notes\n**Date**: 2026-11-01\n\n## Deploys\n**Date**: 2026-11-22\n");
    const theirs = buf("# Lessons\n\n## Team notes\n**Date**: 2026-11-01\n\n## Flaky tests\n**Date**: 2026-11-22\n");
    const r = mergeBuffers({ base, ours, theirs });
    expect(r).toBe(mergeBuffers({ base, ours: theirs, theirs: ours }));
    const header = parseBuffer(r).header;
    expect(count(header, "**Date**: 2026-11-22")).toBe(2);
    expect(header).toEqual(["# Lessons", "", "## Team notes", "**Date**: 2026-11-01", "", "## Deploys", "**Date**: 2026-11-22", "", "## Flaky tests", "**Date**: 2026-11-22"]);
    expect(parseBuffer(r).entries.map((e) => e.id)).toEqual(["e1"]);
  });

  it("applies an edit on each side to different header lines", () => {
    const base = buf("# Lessons\n\nWaiting for harvest.\n");
    const r = mergeBuffers({ base, ours: base.replace("# Lessons", "# Lessons (team)"), theirs: base.replace("Waiting", "Still waiting") });
    expect(parseBuffer(r).header).toEqual(["# Lessons (team)", "", "Still waiting for harvest."]);
  });
});
