/** The digest's reading in proportion to what changed: the same diff, handoffs and tasks as reading both versions in full. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseBuffer } from "../src/core/entries.js";
import { bufferItems, diffItems, type Item } from "../src/core/query.js";
import { changedEntries, commonPrefix, commonSuffix, countsAfter, digestItems, type DocsVersions, type FileVersions } from "../src/core/digest.js";
import { appendedCounts, countBuffer } from "../src/core/thresholds.js";
import { taskOf } from "../src/core/tasks.js";

const entry = (id: string, title: string, body = "text", attrs = "") => `<!-- entry id=${id} type=pattern by=dev at=2026-11-20T10:00:00Z${attrs} -->\n## ${title}\n\n${body}\n`;
const buffer = (...entries: string[]) => `# Patterns\n\n${entries.join("\n")}`;

const reads = (text: string | null): boolean => {
  if (text === null) return true;
  try {
    parseBuffer(text);
    return true;
  } catch {
    return false;
  }
};

const version = (then: string | null, now: string | null, extra: Partial<FileVersions> = {}): FileVersions => ({ file: "bank/p.md", buffer: "patterns", defaultType: "pattern", source: "bank", then, now, thenSound: reads(then), ...extra });

const full = (f: FileVersions) => ({ then: bufferItems(f.then, f.file, f.buffer, f.defaultType, f.source), now: bufferItems(f.now, f.file, f.buffer, f.defaultType, f.source) });

/** What the fast reading of one file must give: each item as the full reading has it, and the same diff. */
function expectSameAsFull(f: FileVersions): ReturnType<typeof changedEntries> {
  const fast = changedEntries(f);
  const whole = full(f);
  for (const [part, all] of [[fast.then, whole.then], [fast.now, whole.now]] as const) {
    for (const item of part) expect(all).toContainEqual(item);
  }
  // Entries left out are the same on both sides.
  const key = (i: Item) => `${i.id}\u0000${i.text}`;
  const nowKeys = new Set(whole.now.map(key));
  const thenKeys = new Set(whole.then.map(key));
  for (const i of whole.then) if (!fast.then.some((x) => x.id === i.id)) expect(nowKeys.has(key(i))).toBe(true);
  for (const i of whole.now) if (!fast.now.some((x) => x.id === i.id)) expect(thenKeys.has(key(i))).toBe(true);
  expect(diffItems(fast.then, fast.now)).toEqual(diffItems(whole.then, whole.now));
  return fast;
}

describe("common prefix and suffix", () => {
  it("count the characters two texts share, across block edges", () => {
    const a = "x".repeat(10_000);
    expect(commonPrefix(a, a)).toBe(10_000);
    expect(commonPrefix(a, `${a.slice(0, 5000)}y${a.slice(5001)}`)).toBe(5000);
    expect(commonPrefix("", "abc")).toBe(0);
    expect(commonSuffix(a, `${a.slice(0, 7000)}y${a.slice(7001)}`, 10_000)).toBe(2999);
    expect(commonSuffix("abc", "xbc", 3)).toBe(2);
    expect(commonSuffix("abc", "abc", 1)).toBe(1);
  });
});

describe("changed entries of one buffer", () => {
  const many = Array.from({ length: 200 }, (_, i) => entry(`E${i}`, `Entry ${i}`));

  it("an appended entry: only the last entry and the new one are read", () => {
    const then = buffer(...many);
    const now = `${then}\n${entry("NEW", "Appended")}`;
    const fast = expectSameAsFull(version(then, now));
    expect(fast.then.map((i) => i.id)).toEqual(["E199"]);
    expect(fast.now.map((i) => i.id)).toEqual(["E199", "NEW"]);
    expect(fast.now[1]!.line).toBe(full(version(then, now)).now.at(-1)!.line);
  });

  it("an entry edited by one byte in the middle: only it is read, with its line in the file", () => {
    const then = buffer(...many);
    const now = then.replace("## Entry 100\n\ntext", "## Entry 100\n\ntexT");
    const fast = expectSameAsFull(version(then, now));
    expect(fast.now.map((i) => i.id)).toEqual(["E100"]);
    expect(diffItems(fast.then, fast.now).edited.map((i) => i.id)).toEqual(["E100"]);
  });

  it("an entry removed, one inserted at the top, a header changed", () => {
    const then = buffer(...many);
    expectSameAsFull(version(then, buffer(...many.filter((_, i) => i !== 50))));
    expectSameAsFull(version(then, buffer(entry("TOP", "First"), ...many)));
    expectSameAsFull(version(then, then.replace("# Patterns", "# Patterns we keep")));
  });

  it("CRLF, a BOM, no final newline", () => {
    const crlf = buffer(...many.slice(0, 20)).replace(/\n/g, "\r\n");
    expectSameAsFull(version(crlf, `${crlf}\r\n${entry("NEW", "Appended").replace(/\n/g, "\r\n")}`));
    expectSameAsFull(version(`\uFEFF${crlf}`, `\uFEFF${crlf.replace("Entry 7", "Entry seven")}`));
    expectSameAsFull(version(`\uFEFF${crlf}`, crlf)); // the BOM dropped
    const bare = buffer(...many.slice(0, 20)).trimEnd();
    expectSameAsFull(version(bare, `${bare}\n\n${entry("NEW", "Appended").trimEnd()}`));
  });

  it("`##` and markers in code fences: a fence opened by the change swallows what follows", () => {
    const fenced = entry("F", "Fenced", "```md\n## not a title\n<!-- entry id=INSIDE -->\n```");
    const then = buffer(...many.slice(0, 10), fenced, ...many.slice(10, 20));
    expectSameAsFull(version(then, then.replace("Entry 15", "Entry fifteen")));
    expectSameAsFull(version(then, then.replace("## not a title\n", "## not a title\nmore\n")));
    // The fence's closing line removed: the entries after it run into the fence in the new version.
    const open = then.replace("<!-- entry id=INSIDE -->\n```", "<!-- entry id=INSIDE -->");
    expectSameAsFull(version(then, open));
    expectSameAsFull(version(open, then));
  });

  it("an id used twice: the new version does not read, and every entry of the old one is removed", () => {
    const then = buffer(...many.slice(0, 30));
    const now = `${then}\n${entry("E3", "Again")}`;
    const fast = expectSameAsFull(version(then, now));
    expect(diffItems(fast.then, fast.now).removed).toHaveLength(30);
  });

  it("an id spelled with escapes in a quoted marker value is found used twice", () => {
    const then = buffer(...many.slice(0, 30), '<!-- entry id="\\u0041B" by=dev -->\n## Escaped\n\ntext\n', ...many.slice(30, 40));
    expect(parseBuffer(then).entries.some((e) => e.id === "AB")).toBe(true);
    const fast = expectSameAsFull(version(then, `${then}\n${entry("AB", "Again")}`));
    expect(diffItems(fast.then, fast.now).removed).toHaveLength(41);
    // In another file, unread: the full reading is left to the caller.
    const other = version(then, then, { file: "bank/l.md", buffer: "lessons" });
    expect(digestItems([version(buffer(), buffer(entry("AB", "New"))), other], { then: [], now: [], there: null })).toBeNull();
    expect(digestItems([version(buffer(), buffer(entry("AC", "New"))), version(buffer(...many), buffer(...many))], { then: [], now: [], there: null })).not.toBeNull();
  });

  it("an earlier version not known to read, or that does not read, is read in full", () => {
    const then = buffer(...many.slice(0, 30));
    const now = `${then}\n${entry("NEW", "Appended")}`;
    expect(changedEntries(version(then, now, { thenSound: false })).now).toHaveLength(31);
    const broken = `${then}\n<!-- entry id=BAD at=yesterday -->\n## Bad\n`;
    expectSameAsFull(version(broken, `${broken}\n${entry("NEW", "Appended")}`));
    expectSameAsFull(version(broken, then));
    expectSameAsFull(version(then, `${then}<<<<<<< ours\n`));
  });

  it("files that are missing on one side or empty", () => {
    expectSameAsFull(version(null, buffer(...many.slice(0, 3))));
    expectSameAsFull(version(buffer(...many.slice(0, 3)), null));
    expectSameAsFull(version("", buffer(...many.slice(0, 3))));
    expectSameAsFull(version(buffer(...many.slice(0, 3)), ""));
  });
});

// ---- properties ----

const ids = ["A1", "B2", "C3", "D4", "E5", "F6", "G7"];
const bodies = [
  "text",
  "two\nlines",
  "```\n## fenced heading\n<!-- entry id=Z9 -->\n```",
  "```\nleft open",
  "~~~~\ncode\n~~~~",
  "<!-- a comment -->",
  "  ```js\nx\n  ```",
  "",
  "handoff to=dev",
  "\\u0041",
];
const anEntry = fc.tuple(fc.constantFrom(...ids), fc.constantFrom("One", "Two", "Three"), fc.constantFrom(...bodies), fc.constantFrom("", " status=claimed assignee=dev", " type=task assignee=qa", " type=handoff to=dev"));
const aHeader = fc.constantFrom("# Patterns\n\n", "", "---\ntitle: x\n---\n# P\n\n", "\uFEFF# P\n\n", "intro\n<!-- not an entry -->\n\n");
const aBuffer = fc.tuple(aHeader, fc.array(anEntry, { maxLength: 8 }), fc.boolean(), fc.boolean()).map(([head, es, crlf, finalBreak]) => {
  let text = head + es.map(([id, title, body, attrs]) => entry(id, title, body, attrs)).join("\n");
  if (!finalBreak) text = text.replace(/\n+$/, "");
  return crlf ? text.replace(/\n/g, "\r\n") : text;
});
/** A later version: the text edited at one place (a few characters, an entry appended or cut), or another buffer. */
const laterOf = (then: string) =>
  fc.oneof(
    fc.tuple(fc.nat(then.length), fc.nat(12), fc.constantFrom("", "x", "\n", "```\n", "\n<!-- entry id=N1 -->\n## New\n", "## ", "<<<<<<< ours\n")).map(([at, cut, put]) => then.slice(0, at) + put + then.slice(Math.min(then.length, at + cut))),
    anEntry.map(([id, title, body, attrs]) => `${then}\n${entry(id, title, body, attrs)}`),
    aBuffer,
  );
const twoVersions = aBuffer.chain((then) => laterOf(then).map((now) => ({ then, now })));

describe("properties", () => {
  it("one buffer: the items read are the full reading's, and the diff is the same", () => {
    let partly = 0;
    fc.assert(
      fc.property(twoVersions, ({ then, now }) => {
        if (expectSameAsFull(version(then, now)).unread) partly++;
      }),
      { numRuns: 600 },
    );
    expect(partly).toBeGreaterThan(100); // most pairs are read in part
  });

  it("one buffer: its counts after the change, from its counts before and the window read, are a full count's", () => {
    let windows = 0;
    fc.assert(
      fc.property(twoVersions, ({ then, now }) => {
        const f = version(then, now);
        if (!f.thenSound) return;
        const change = changedEntries(f);
        if (!change.window) return;
        windows++;
        expect(countsAfter(countBuffer(then), change.window)).toEqual(countBuffer(now));
      }),
      { numRuns: 800 },
    );
    expect(windows).toBeGreaterThan(50); // not left vacuous: many pairs give a window
  });

  it("entries appended to a buffer found sound: counted from its counts and the tail alone, as a full count does, or not at all", () => {
    let told = 0;
    const pieces = fc.constantFrom("\n", "\r\n", "", "```\n", "~~~~\n", "<<<<<<< ours\n", "## Loose heading\n", "  \n", "\\u0041");
    const aTail = fc.tuple(fc.array(anEntry, { minLength: 1, maxLength: 3 }), fc.array(pieces, { maxLength: 3 }), fc.boolean()).map(([es, bits, lead]) =>
      // (Half the ids new, half from the buffers' own set: some are used already.)
      (lead ? "\n" : "") + es.map(([id, title, body, attrs], i) => entry(i % 2 === 0 ? `NEW${i}${id.length}` : id, title, body, attrs) + (bits[i] ?? "")).join(""),
    );
    fc.assert(
      fc.property(aBuffer, aTail, fc.boolean(), (text, tail, crlf) => {
        // (A file memory wrote ends with a line break; one that does not is refused below.)
        const then = text.endsWith("\n") ? text : `${text}\n`;
        if (!reads(then)) return;
        const added = crlf ? tail.replace(/\r?\n/g, "\r\n") : tail;
        const got = appendedCounts(then, countBuffer(then), added);
        if (got === null) return;
        told++;
        expect(got).toEqual(countBuffer(then + added));
      }),
      { numRuns: 1500 },
    );
    expect(told).toBeGreaterThan(150); // not left vacuous (many generated buffers do not read, or hold no entry)
    // Refused: an id the text holds already, a fence left open, a tail that does not start with an entry.
    const base = buffer(entry("A1", "One"), entry("B2", "Two"));
    expect(appendedCounts(base, countBuffer(base), `\n${entry("C3", "Three")}`)).toEqual(countBuffer(`${base}\n${entry("C3", "Three")}`));
    expect(appendedCounts(base, countBuffer(base), `\n${entry("A1", "Again")}`)).toBeNull();
    const fenced = buffer(entry("A1", "One", "```\nopen"));
    expect(appendedCounts(fenced, countBuffer(fenced), entry("C3", "Three"))).toBeNull();
    expect(appendedCounts(base, countBuffer(base), `text\n${entry("C3", "Three")}`)).toBeNull();
    expect(appendedCounts(base.trimEnd(), countBuffer(base.trimEnd()), `\n${entry("C3", "Three")}`)).toBeNull();
  });

  it("a bank of buffers and docs: the same diff, open handoffs and tasks as reading everything, or none", () => {
    let answered = 0;
    const doc = (id: string, file: string, type = "pattern"): Item => ({ id, type, author: "dev", at: "", title: file, tags: [], body: "", source: "docs", file, line: 1, text: file });
    const aDoc = fc.tuple(fc.constantFrom(...ids, "Docs/x.md"), fc.constantFrom("Docs/a.md", "Docs/b.md"), fc.constantFrom("pattern", "task")).map(([id, file, type]) => doc(id, file, type));
    const docsArb = fc.record({ then: fc.array(aDoc, { maxLength: 2 }), now: fc.array(aDoc, { maxLength: 2 }), there: fc.option(fc.array(aDoc, { maxLength: 2 })) });
    fc.assert(
      fc.property(twoVersions, twoVersions, twoVersions, docsArb, (p, l, arc, docs: DocsVersions) => {
        const files: FileVersions[] = [
          version(p.then, p.now),
          version(l.then, l.now, { file: "bank/l.md", buffer: "lessons", defaultType: "lesson" }),
          version(arc.then, arc.now, { file: "bank/archive.md", buffer: "", defaultType: "note", source: "archive" }),
        ];
        const fast = digestItems(files, docs);
        if (!fast) return;
        answered++;
        const then = [...files.flatMap((f) => full(f).then), ...docs.then];
        const here = [...files.flatMap((f) => full(f).now), ...docs.now];
        const heldFiles = new Set(here.filter((i) => i.source === "docs").map((i) => i.file));
        const held = new Set(here.map((i) => i.id));
        const now = docs.there ? [...here, ...docs.there.filter((i) => !heldFiles.has(i.file) && !held.has(i.id))] : here;
        expect(diffItems(fast.then, fast.now)).toEqual(diffItems(then, now));
        const handoffs = (items: Item[]) => items.filter((i) => i.type === "handoff" && i.source === "bank");
        expect(handoffs(fast.now)).toEqual(handoffs(now));
        const news = (before: Item[], after: Item[]) => {
          const was = new Map(before.filter((i) => i.type === "task").map((i) => [i.id, taskOf(i)]));
          return after.filter((i) => i.type === "task" && i.source === "bank").map(taskOf).filter((t) => t.assignee === "dev" && was.get(t.id)?.assignee !== "dev");
        };
        expect(news(fast.then, fast.now)).toEqual(news(then, now));
        expect(fast.now.filter((i) => i.source === "docs")).toEqual(now.filter((i) => i.source === "docs"));
      }),
      { numRuns: 400 },
    );
    expect(answered).toBeGreaterThan(40); // not always left to the full reading
  });
});
