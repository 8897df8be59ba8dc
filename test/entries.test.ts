import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { countLines, createEntry, parseBuffer, serializeBuffer, type BufferDoc, type EntryFields } from "../src/core/entries.js";
import { newId } from "../src/core/ids.js";
import { ParseError } from "../src/core/errors.js";
import { sampleFields } from "./samples.js";

const HEADER = "# Patterns buffer\n\nWaiting for harvest.\n";

const fields = sampleFields;

function withEntries(...entries: EntryFields[]): string {
  const doc = parseBuffer(HEADER);
  doc.entries.push(...entries.map(createEntry));
  return serializeBuffer(doc);
}

describe("buffer format", () => {
  it("writes an entry as a marker, a title heading and the body", () => {
    const text = withEntries(fields({ tags: ["git", "sync"] }));
    expect(text).toBe(
      `${HEADER}\n<!-- entry id=01JD0000000000000000000001 type=pattern by=dev at=2026-11-22T10:00:00Z tags=git,sync -->\n` +
        "## Retry pushes with jitter\n\nBack off between attempts.\n",
    );
  });

  it("reads back every field it wrote", () => {
    const doc = parseBuffer(withEntries(fields({ tags: ["a b", "c"], author: "Jane Doe" })));
    expect(doc.entries).toHaveLength(1);
    const [e] = doc.entries;
    expect(e).toMatchObject({
      id: "01JD0000000000000000000001",
      type: "pattern",
      author: "Jane Doe",
      createdAt: "2026-11-22T10:00:00Z",
      title: "Retry pushes with jitter",
      tags: ["a b", "c"],
      body: "Back off between attempts.",
      line: 5,
    });
  });

  it("keeps ## lines and entry markers inside code fences in the body", () => {
    const body = [
      "Before.",
      "```md",
      "## Not an entry",
      "<!-- entry id=fake type=pattern -->",
      "## Still not",
      "```",
      "~~~~",
      "```",
      "<!-- entry id=fake2 -->",
      "~~~~",
      "## A real subheading of the body",
      "After.",
    ].join("\n");
    const doc = parseBuffer(withEntries(fields({ body }), fields({ id: "second", title: "Second" })));
    expect(doc.entries.map((e) => e.id)).toEqual(["01JD0000000000000000000001", "second"]);
    expect(doc.entries[0]!.body).toBe(body);
  });

  it("closes a fence the body left open, so later entries survive", () => {
    const text = withEntries(fields({ body: "```js\nconst x = 1;" }), fields({ id: "next", title: "Next" }));
    const doc = parseBuffer(text);
    expect(doc.entries.map((e) => e.id)).toEqual(["01JD0000000000000000000001", "next"]);
    expect(doc.entries[0]!.body).toBe("```js\nconst x = 1;\n```");
  });

  it("indents a body line that would read as an entry marker or a conflict", () => {
    const body = "<!-- entry id=evil -->\n## Injected\n<<<<<<< HEAD\n=======\n>>>>>>> theirs";
    const doc = parseBuffer(withEntries(fields({ body })));
    expect(doc.entries).toHaveLength(1);
    expect(doc.entries[0]!.body.split("\n")[0]).toBe(" <!-- entry id=evil -->");
    expect(doc.entries[0]!.body).toContain(" <<<<<<< HEAD");
  });

  it("quotes values with spaces, quotes and --> so the marker stays one comment", () => {
    const author = 'Ann "the QA" --> O\'Brien';
    const doc = parseBuffer(withEntries(fields({ author, tags: ["x-->y"] })));
    expect(doc.entries[0]!.author).toBe(author);
    expect(doc.entries[0]!.tags).toEqual(["x-->y"]);
    expect(doc.entries[0]!.lines[0]!.indexOf("-->")).toBe(doc.entries[0]!.lines[0]!.length - 3);
  });

  it("round-trips CRLF files byte for byte and keeps CRLF when appending", () => {
    const crlf = withEntries(fields()).replace(/\n/g, "\r\n");
    const doc = parseBuffer(crlf);
    expect(serializeBuffer(doc)).toBe(crlf);
    doc.entries.push(createEntry(fields({ id: "two", title: "Two" })));
    const out = serializeBuffer(doc);
    expect(out.replace(/\r\n/g, "")).not.toContain("\n");
    expect(parseBuffer(out).entries.map((e) => e.title)).toEqual(["Retry pushes with jitter", "Two"]);
  });

  it("keeps a BOM and survives unicode everywhere", () => {
    const text = "\uFEFF" + withEntries(fields({ title: "Ünïcødé 🚀 名前", body: "日本語\n\n😀 emoji ## not heading", author: "ιστορία" }));
    const doc = parseBuffer(text);
    expect(doc.entries[0]).toMatchObject({ title: "Ünïcødé 🚀 名前", author: "ιστορία", body: "日本語\n\n😀 emoji ## not heading" });
    expect(serializeBuffer(doc)).toBe(text);
  });

  it("appends after a file with no final newline without gluing lines", () => {
    const text = withEntries(fields()).replace(/\n$/, "");
    const doc = parseBuffer(text);
    doc.entries.push(createEntry(fields({ id: "two", title: "Two" })));
    const out = serializeBuffer(doc);
    expect(out).toContain("Back off between attempts.\n\n<!-- entry id=two ");
    expect(parseBuffer(out).entries).toHaveLength(2);
  });

  it("reads empty files and header-only files", () => {
    expect(parseBuffer("").entries).toEqual([]);
    expect(serializeBuffer(parseBuffer(""))).toBe("");
    expect(parseBuffer("\n\n\n").entries).toEqual([]);
    expect(serializeBuffer(parseBuffer(HEADER))).toBe(HEADER);
    const doc = parseBuffer("");
    doc.entries.push(createEntry(fields()));
    expect(serializeBuffer(doc).startsWith("<!-- entry ")).toBe(true);
  });

  it("reads hand-edited entries tolerantly", () => {
    const text = [
      "---",
      "owner: team",
      "<!-- entry id=in-frontmatter -->",
      "---",
      "# Buffer",
      "<!--   entry   id=hand-1 -->",
      "",
      "### Written by hand   ",
      "Body right after the heading.",
      "",
      "",
      "<!-- entry id=hand-2 type=gotcha by=qa-->",
      "# Second",
      "   ",
    ].join("\n");
    const doc = parseBuffer(text, { defaultType: "lesson" });
    expect(doc.entries.map((e) => [e.id, e.type, e.author, e.title, e.body])).toEqual([
      ["hand-1", "lesson", "unknown", "Written by hand", "Body right after the heading."],
      ["hand-2", "gotcha", "qa", "Second", ""],
    ]);
    expect(doc.header).toContain("<!-- entry id=in-frontmatter -->");
  });

  it("derives the creation time from a ULID when at= is missing", () => {
    const id = newId(Date.parse("2026-03-04T05:06:07Z"));
    const doc = parseBuffer(`<!-- entry id=${id} -->\n## T\n`);
    expect(doc.entries[0]!.createdAt).toBe("2026-03-04T05:06:07Z");
  });

  it.each([
    ["<!-- entry type=pattern -->\n## T\n", 1, "no id"],
    ["x\n\n<!-- entry id=a/b -->\n## T\n", 3, "may only hold"],
    ["<!-- entry id=a\n## T\n", 1, "does not end with -->"],
    ["<!-- entry id=a at=yesterday -->\n## T\n", 1, "not an ISO 8601 time"],
    ["<!-- entry id=a -->\nno heading here\n", 2, "no title heading"],
    ["<!-- entry id=a by=\"unclosed -->\n## T\n", 1, "cannot read"],
    ["<!-- entry id=a -->\n## T\n\n<!-- entry id=a -->\n## U\n", 4, "used twice (first at line 1)"],
    ["<!-- entry id=a -->\n## T\n<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n", 3, "conflict markers"],
  ])("names the file and line of what it cannot read: %j", (text, line, reason) => {
    let error: unknown;
    try {
      parseBuffer(text, { file: "bank/p.md" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).line).toBe(line);
    expect((error as ParseError).message).toMatch(new RegExp(`^bank/p\\.md:${line}: .*${reason.replace(/[()]/g, "\\$&")}`));
  });

  it("counts non-blank lines of entries only, not the header", () => {
    const doc = parseBuffer(withEntries(fields({ body: "one\n\ntwo\n   \nthree" }), fields({ id: "b", body: "" })));
    // entry 1: marker, title, 3 body lines; entry 2: marker, title
    expect(countLines(doc)).toBe(7);
  });

  it("handles a 5 MB buffer", () => {
    const doc = parseBuffer(HEADER);
    const body = "A line of text that is about sixty characters long, more or less.\n".repeat(20);
    for (let i = 0; doc.entries.length < 4000; i++) doc.entries.push(createEntry(fields({ id: `e${i}`, body })));
    const text = serializeBuffer(doc);
    expect(text.length).toBeGreaterThan(5_000_000);
    const again = parseBuffer(text);
    expect(again.entries).toHaveLength(4000);
    expect(serializeBuffer(again)).toBe(text);
  });
});

describe("buffer format properties", () => {
  const line = fc.string({ unit: fc.constantFrom("a", "Z", " ", "#", "`", "~", "<", ">", "-", "!", "=", "é", "😀", "\t", "\r"), maxLength: 12 });
  const bodyLine = fc.oneof(
    line,
    fc.constantFrom("```", "~~~", "````md", "## heading", "<!-- entry id=x -->", "<<<<<<< HEAD", "=======", ">>>>>>> b", "", "   "),
  );
  const entryFields = fc.record({
    id: fc.stringMatching(/^[0-9A-Za-z][0-9A-Za-z_.-]{0,20}$/),
    type: fc.constantFrom("pattern", "lesson", "gotcha", "decision"),
    author: fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== ""),
    createdAt: fc.date({ min: new Date("2000-01-01"), max: new Date("2099-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
    title: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.replace(/\s+/g, "") !== ""),
    tags: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
    body: fc.array(bodyLine, { maxLength: 8 }).map((ls) => ls.join("\n")),
  });
  const docs = fc
    .tuple(fc.uniqueArray(entryFields, { selector: (e) => e.id, maxLength: 6 }), fc.boolean(), fc.boolean())
    .map(([list, crlf, bom]): string => {
      const doc: BufferDoc = parseBuffer((bom ? "\uFEFF" : "") + (crlf ? HEADER.replace(/\n/g, "\r\n") : HEADER));
      doc.entries.push(...list.map(createEntry));
      return serializeBuffer(doc);
    });

  it("serializing what was parsed gives back the same bytes", () => {
    fc.assert(fc.property(docs, (text) => serializeBuffer(parseBuffer(text)) === text), { numRuns: 300 });
  });

  it("every entry written reads back with the same fields", () => {
    fc.assert(
      fc.property(fc.uniqueArray(entryFields, { selector: (e) => e.id, maxLength: 6 }), (list) => {
        const created = list.map(createEntry);
        const doc = parseBuffer(HEADER);
        doc.entries.push(...created);
        const back = parseBuffer(serializeBuffer(doc)).entries;
        expect(back.map(({ line: _l, ...rest }) => rest)).toEqual(created.map(({ line: _l, ...rest }) => rest));
      }),
      { numRuns: 300 },
    );
  });
});

describe("entries rewritten from hand-written ones", () => {
  it("read back even when they have no time or type", () => {
    const [hand] = parseBuffer("<!-- entry id=hand-1 -->\n## By hand\n").entries;
    const again = parseBuffer(serializeBuffer({ shape: { bom: false, eol: "\n" }, header: [], entries: [createEntry(hand!)] })).entries[0]!;
    expect([again.id, again.title, again.createdAt, again.type]).toEqual(["hand-1", "By hand", "", ""]);
  });
});
