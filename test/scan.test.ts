/**
 * The offsets scanner (src/core/scan.ts) reads buffer files as the line-by-line parser did, and the union merge
 * built on it writes the same bytes (the log merge too, which no longer copies every event): held to the earlier
 * parser and merges (test/oracle/buffer-lines.ts) on generated files full of what breaks parsers, then on the
 * nasty cases one by one.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseBuffer, unclosedFence } from "../src/core/entries.js";
import { countBuffer, countsOf } from "../src/core/thresholds.js";
import { mergeBuffers, mergeLog } from "../src/core/merge.js";
import { mergeBuffersByLines, mergeLogByLines, parseBufferByLines, unclosedFenceByLines } from "./oracle/buffer-lines.js";

/** What a call gives: its value, or the error it throws (kind and message), so two can be compared. */
function outcome<T>(f: () => T): { value: T } | { error: string } {
  try {
    return { value: f() };
  } catch (err) {
    return { error: `${(err as { kind?: string }).kind ?? "?"}: ${(err as Error).message}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Generated buffers: blocks of lines (mostly entries) joined by a line ending, with the edges that matter.

const ids = ["a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8", "01JD0000000000000000000001", "01JD0000000000000000000002", "x.edit-00000000", "a1.edit-5bd8c6a4"];
const markerLine = fc.oneof(
  { weight: 40, arbitrary: fc.record({ id: fc.constantFrom(...ids), at: fc.constantFrom("", " at=2026-01-02T03:04:05Z", " at=2026-01-01", " at=2025-12-31T23:59:59+02:00"), type: fc.constantFrom("", " type=task", " type=handoff accepted=2026-01-01T00:00:00Z", " type=pattern tags=a,b") }).map(({ id, at, type }) => `<!-- entry id=${id}${type}${at} -->`) },
  fc.constantFrom(
    "<!-- entry id=a1 -->",
    '<!-- entry id=b2 by="Ann --> O" -->',
    "<!--entry id=c3-->",
    "<!-- entry -->",
    "<!-- entry id=bad/id -->",
    "<!-- entry id=a1 at=yesterday -->",
    "<!-- entry id=a1",
    "<!-- entry id=a1 --> tail",
    '<!-- entry id="unclosed -->',
    "<!-- entryx id=a1 -->",
    "<!-- note -->",
    "  <!-- entry id=a1 -->",
  ),
);
const textLine = fc.oneof(
  { weight: 150, arbitrary: fc.constantFrom("Body text.", "## Sub heading", "# Title", "- item", "> quote", "Where: src/a.ts", "<!-- a comment -->", "<details>") },
  { weight: 50, arbitrary: fc.constantFrom("", "   ", "\t", "\u00a0") },
  { weight: 40, arbitrary: fc.constantFrom("```", "```js", "~~~", "````", "  ```", "   ~~~~", "    ```", "``` a`b", "```  ", "~~~ x", "x ```") },
  { weight: 15, arbitrary: fc.constantFrom("<<<<<<<x", "=======", " <<<<<<< indented", ">>>>>>>>>", "---", "...") },
  { weight: 1, arbitrary: fc.constantFrom("<<<<<<< HEAD", ">>>>>>> theirs", "<<<<<<<") },
  { weight: 20, arbitrary: fc.constantFrom("a\rb", "end\r", "line\u2028sep", "caf\u00e9 \u{1F600}", "\uFFFD\uFFFD", "lone \uD800 half", "\uFEFFbom inside") },
  { weight: 10, arbitrary: fc.string({ maxLength: 12 }) },
);
const titleLine = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom("## A title", "#   Spaced title  ", "###### Deep") },
  { weight: 1, arbitrary: fc.constantFrom("##No space", "", "Plain", "## ") },
);
const entryBlock = fc.tuple(markerLine, fc.oneof({ weight: 5, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.constantFrom([""], ["  "]) }), titleLine, fc.array(textLine, { maxLength: 6 })).map(([m, blanks, t, body]) => [m, ...blanks, t, ...body]);
const block = fc.oneof({ weight: 10, arbitrary: entryBlock }, { weight: 1, arbitrary: fc.array(textLine, { minLength: 1, maxLength: 3 }) });

interface Shape {
  eol: string;
  bom: boolean;
  final: boolean;
  frontmatter: boolean;
}
const shape = fc.record({ eol: fc.constantFrom("\n", "\n", "\r\n"), bom: fc.boolean(), final: fc.boolean(), frontmatter: fc.boolean() });
const header = fc.array(textLine, { maxLength: 3 });
const gap = fc.constantFrom([""], [""], [], ["", ""], ["  "]);

function render(head: string[], blocks: string[][], gaps: string[][], s: Shape): string {
  const lines = [...(s.frontmatter ? ["---", "updated: x", "<!-- entry id=in-frontmatter -->", "---"] : []), ...head];
  blocks.forEach((b, i) => lines.push(...(gaps[i % gaps.length] ?? []), ...b));
  if (lines.length === 0) return s.bom ? "\uFEFF" : "";
  return (s.bom ? "\uFEFF" : "") + lines.join(s.eol) + (s.final ? s.eol : "");
}

const file = fc.tuple(header, fc.array(block, { maxLength: 10, size: "+1" }), fc.array(gap, { minLength: 1, maxLength: 3 }), shape);

/** A base and two versions of it, made by the edits clones make: most blocks kept as they were, byte for byte. */
const threeVersions = fc
  .tuple(file, fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 12, maxLength: 12 }), fc.array(block, { minLength: 4, maxLength: 4 }), shape, shape)
  .map(([[head, blocks, gaps, baseShape], dice, fresh, s1, s2]) => {
    const version = (offset: number, s: Shape): string => {
      const out: string[][] = [];
      blocks.forEach((b, i) => {
        const d = dice[(i + offset) % dice.length]!;
        if (d < 12) return; // deleted
        if (d < 22) out.push([...b, "Edited."]);
        else if (d < 26) out.push([b[0]!, ...b.slice(1).reverse()]);
        else out.push(b);
        if (d > 90) out.push(fresh[(i + offset) % fresh.length]!);
      });
      if (dice[offset]! % 3 === 0) out.push(fresh[offset % fresh.length]!);
      // Most versions keep the base's line endings, BOM and final newline: their entries are then the base's bytes.
      const own = dice[offset + 1]! < 80 ? baseShape : s;
      return render(head, out, gaps, own);
    };
    return { base: render(head, blocks, gaps, baseShape), ours: version(1, s1), theirs: version(5, s2) };
  });

describe("scanner against the line-by-line parser", () => {
  it("reads every generated file the same: entries, header, shape, or the same error", () => {
    fc.assert(
      fc.property(file, ([head, blocks, gaps, s]) => {
        const text = render(head, blocks, gaps, s);
        expect(outcome(() => parseBuffer(text, { file: "f.md", defaultType: "note" }))).toEqual(outcome(() => parseBufferByLines(text, { file: "f.md", defaultType: "note" })));
        expect(unclosedFence(text)).toBe(unclosedFenceByLines(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("merges every generated base, ours and theirs to the same bytes, or fails with the same error", () => {
    fc.assert(
      fc.property(threeVersions, ({ base, ours, theirs }) => {
        const input = { base, ours, theirs, file: "p.md" };
        expect(outcome(() => mergeBuffers(input))).toEqual(outcome(() => mergeBuffersByLines(input)));
      }),
      { numRuns: 3000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The nasty cases, one by one: each is the merged bytes or the error both readers agree on.

const entry = (id: string, body = `Body of ${id}.`, more = "") => `<!-- entry id=${id} at=2026-01-0${id.length}T00:00:00Z -->\n## Title ${id}\n\n${body}\n${more}`;
const both = (base: string, ours: string, theirs: string) => {
  const input = { base, ours, theirs, file: "p.md" };
  const got = outcome(() => mergeBuffers(input));
  expect(got).toEqual(outcome(() => mergeBuffersByLines(input)));
  return got;
};

describe("merge of the nasty cases", () => {
  const base = `# Buffer\n\n${entry("a")}\n${entry("bb")}\n${entry("ccc")}`;

  it("an entry whose text is the base's but runs on into lines that are no marker is not the base's entry", () => {
    const ours = base.replace(`${entry("bb")}\n`, `${entry("bb")}\n<!-- note, not an entry -->\nmore of bb\n\n`);
    const got = both(base, ours, base);
    expect(got).toEqual({ value: expect.stringContaining("more of bb") });
  });

  it("a fence the base's last entry leaves open swallows what ours appends after it", () => {
    const open = `# Buffer\n\n${entry("a", "```js\nconst x = 1;")}`;
    const ours = `${open}${entry("zz")}`;
    const got = both(open, ours, open);
    expect(parseBuffer((got as { value: string }).value).entries.map((e) => e.id)).toEqual(["a"]);
  });

  it("headings and markers inside fences stay body, and ## lines never split an entry", () => {
    const body = "```md\n<!-- entry id=fake -->\n## Not a title\n```\n## A subheading";
    const ours = base.replace("Body of a.", body);
    const got = both(base, ours, base.replace("Body of ccc.", "Changed ccc."));
    expect((got as { value: string }).value).toContain("<!-- entry id=fake -->");
  });

  it("CRLF, a BOM and no final newline on one side only", () => {
    const crlf = `\uFEFF${base.replace(/\n/g, "\r\n")}`.replace(/\r\n$/, "");
    both(base, crlf, base.replace("Body of a.", "Theirs."));
    both(crlf, base, crlf.replace("Body of a.", "Theirs."));
    both(crlf, crlf.replace("Body of bb.", "Ours."), crlf.replace(`${entry("ccc").replace(/\n/g, "\r\n")}`, ""));
  });

  it("empty files, and a side that is only a header", () => {
    both("", "", "");
    both("", base, "");
    both(base, "# Buffer\n", base);
    both("\uFEFF", base, "\uFEFF");
  });

  it("text that is not UTF-8 (read as U+FFFD) and lone surrogates merge as any text", () => {
    const odd = base.replace("Body of a.", "caf\uFFFD \uD800 bytes");
    both(base, odd, base.replace("Body of ccc.", "\uDC00 also"));
  });

  it("conflict markers are named before any other problem in the file, even after a copied entry", () => {
    const ours = `${base}\n<!-- entry id=bad/id -->\n## X\n\n<<<<<<< HEAD\n`;
    expect(both(base, ours, base)).toEqual({ error: expect.stringMatching(/^markers: p\.md:\d+: git conflict markers/) });
  });

  it("an id used twice, by a copy of the base's entry and an edit of it, names both lines", () => {
    const ours = `${base}\n${entry("a", "again")}`;
    expect(both(base, ours, base)).toEqual({ error: expect.stringMatching(/entry id a is used twice \(first at line 3\)/) });
    expect(both(base, `${base}\n${entry("a")}`, base)).toEqual({ error: expect.stringMatching(/used twice/) });
  });

  it("an entry with no title, after copied ones, is named at its own line", () => {
    const ours = `${base}\n<!-- entry id=zz -->\n\nno heading here\n`;
    expect(both(base, ours, base)).toEqual({ error: expect.stringMatching(/^parse: p\.md:\d+: entry zz has no title heading/) });
  });

  it("entries moved, deleted and edited on both sides keep the base's order and both edits", () => {
    const moved = `# Buffer\n\n${entry("ccc")}\n${entry("a", "Ours.")}\n${entry("bb")}`;
    const got = both(base, moved, base.replace("Body of a.", "Theirs.").replace(`${entry("bb")}\n`, ""));
    expect((got as { value: string }).value).toMatch(/Ours\.[\s\S]*Theirs\.|Theirs\.[\s\S]*Ours\./);
  });
});

describe("log merge against the one that copied every event", () => {
  // Events drawn from few times and personas, so lines repeat (a line written twice stays twice) and times tie.
  const event = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.constantFrom("dev", "qa"), fc.constantFrom("save", "start")).map(([m, who, what]) => `- 2026-11-22T10:0${m}:00Z · ${who} · ${what}`);
  const under = fc.constantFrom("  note", "", "more words", "   ", "- not a time", "-  2026-11-22T10:00:00Z spaced");
  const item = fc.oneof({ weight: 4, arbitrary: event.map((e) => [e]) }, { weight: 1, arbitrary: fc.tuple(event, fc.array(under, { minLength: 1, maxLength: 3 })).map(([e, u]) => [e, ...u]) });
  const log = fc.tuple(fc.constantFrom([], ["# Session log"], ["# Session log", "", "One line per start."]), fc.array(item, { maxLength: 8 }));
  const edit = (l: string[][], d: readonly number[], more: string[][]) => l.flatMap((x, i) => ((d[i % d.length] ?? 0) < 20 ? [] : (d[i % d.length] ?? 0) < 35 ? [[...x, "edited under"]] : [x])).concat(more);
  const text = (head: string[], items: string[][], eol: string, final: boolean) => {
    const lines = [...head, ...items.flat()];
    return lines.length === 0 ? "" : lines.join(eol) + (final ? eol : "");
  };

  it("writes every generated merge the same", () => {
    fc.assert(
      fc.property(log, fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 4, maxLength: 4 }), fc.array(item, { maxLength: 3 }), fc.array(item, { maxLength: 3 }), fc.constantFrom("\n", "\r\n"), fc.boolean(), ([head, items], dice, mine, yours, eol, final) => {
        const base = text(head, items, eol, final);
        const ours = text(head, edit(items, dice, mine), eol, final);
        const theirs = text(dice[0]! % 2 ? [...head, "theirs"] : head, edit(items, dice.slice(1), yours), eol, !final || dice[2]! % 2 === 0);
        expect(mergeLog({ base, ours, theirs })).toBe(mergeLogByLines({ base, ours, theirs }));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("counting a buffer for status without building its entries", () => {
  it("gives the counts a parse gives, on every generated file that parses", () => {
    fc.assert(
      fc.property(file, ([head, blocks, gaps, s]) => {
        const text = render(head, blocks, gaps, s);
        let doc;
        try {
          doc = parseBuffer(text, { file: "f.md" });
        } catch {
          return; // a file status refuses anyway: what the scan says of it is checked below
        }
        expect(countBuffer(text, { file: "f.md" })).toEqual(countsOf(doc));
      }),
      { numRuns: 400 },
    );
  });

  it("counts blank-looking lines as git's trim does, and refuses conflict markers as a parse does", () => {
    const text = "# P\n\n## Hand-written\n\nnote\n\n<!-- entry id=a1 -->\n## One\n\u00a0\u3000\nbody\r\n\n<!-- entry id=b2 -->\n## Two";
    expect(countBuffer(text)).toEqual(countsOf(parseBuffer(text)));
    expect(countBuffer(text)).toMatchObject({ items: 2, unmarked: 1 });
    expect(() => countBuffer("<!-- entry id=a1 -->\n## One\n<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n", { file: "p.md" })).toThrow(/p\.md:3: git conflict markers/);
  });
});
