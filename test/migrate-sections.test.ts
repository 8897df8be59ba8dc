/** Finding the sections of markdown people wrote (the parser's outline, then core/sections.ts), and marking them in place. */
import { beforeAll, describe, expect, it } from "vitest";
import { loadOutliner, type Outliner } from "../src/bank/markdown.js";
import { findSections, dateIn, type Sections } from "../src/core/sections.js";
import { detectKind, markSections, roleOf, sectionEntries, configWith } from "../src/core/migrate.js";
import { parseBuffer } from "../src/core/entries.js";
import { splitLines } from "../src/core/text.js";

let outline: Outliner;
beforeAll(async () => {
  outline = await loadOutliner();
});

const sections = (text: string): Sections => {
  const { lines } = splitLines(text);
  return findSections(lines, outline(lines.join("\n")));
};
const titles = (text: string) => sections(text).sections.filter((s) => !s.group).map((s) => s.title);
let counter = 0;
const options = (history = new Map<number, { author?: string; at?: string }>()) => ({
  type: "pattern",
  persona: "dev",
  now: new Date("2026-01-02T03:04:05Z"),
  history,
  newId: (t: number) => `id-${t}-${counter++}`,
});

describe("finding sections", () => {
  it("takes ## and ### headings, never the ones inside code fences, lists, tables or quotes", () => {
    const text = [
      "# Patterns",
      "",
      "Intro.",
      "",
      "## One",
      "",
      "```md",
      "## Not a section (in a fence)",
      "```",
      "",
      "~~~",
      "### Nor this",
      "~~~",
      "",
      "- item",
      "  ## a heading inside a list item",
      "",
      "> ## quoted",
      "",
      "| a | b |",
      "|---|---|",
      "| ## cell | x |",
      "",
      "## Two",
      "Body of two.",
    ].join("\n");
    expect(titles(text)).toEqual(["One", "Two"]);
    const [one] = sections(text).sections;
    expect(one!.body).toContain("## Not a section (in a fence)");
    expect(one!.body).toContain("> ## quoted");
  });

  it("a ## holding only ### sections is a group: its name tags them; with text of its own it is an entry too", () => {
    const text = ["# T", "", "## 🔧 Recent Patterns (TD_039)", "", "### Hooks", "a", "", "### Branches", "b", "", "## Core", "Core intro.", "", "### Move Block", "c"].join("\n");
    const found = sections(text).sections;
    expect(found.map((s) => [s.title, s.group, s.tags])).toEqual([
      ["🔧 Recent Patterns (TD_039)", true, []],
      ["Hooks", false, ["recent-patterns-td-039"]],
      ["Branches", false, ["recent-patterns-td-039"]],
      ["Core", false, []],
      ["Move Block", false, ["core"]],
    ]);
    expect(found[3]!.body).toBe("Core intro.");
  });

  it("`## Title (date)` with `### Problem` / `### Solution` parts is one section, dated from its heading", () => {
    const text = [
      "# Lessons Learned",
      "",
      "## Multiplatform Architecture (2025-07-15)",
      "",
      "### Problem",
      "Too much abstraction.",
      "",
      "### Solution",
      "Separate apps.",
      "",
      "## PDFKit Cycles (2025-01-05)",
      "",
      "### Problem",
      "Warnings.",
      "",
      "### Root Cause",
      "State during layout.",
    ].join("\n");
    const found = sections(text).sections;
    expect(found.map((s) => s.title)).toEqual(["Multiplatform Architecture (2025-07-15)", "PDFKit Cycles (2025-01-05)"]);
    expect(found[0]!.written).toBe("2025-07-15T00:00:00Z");
    expect(found[0]!.body).toContain("### Solution\nSeparate apps.");
  });

  it("a dated decision log: `## 2026-02-25: Title` with **Decision**: fields, `---` separators left out of bodies", () => {
    const text = [
      "# Decision Log",
      "",
      "## 2026-02-25: CalVer Versioning",
      "",
      "**Decision**: Adopt CalVer.",
      "",
      "**Context**: Continuous deployment.",
      "",
      "---",
      "",
      "## 2026-02-26: Redis Streams",
      "",
      "**Decision**: Streams, not Pub/Sub.",
      "",
      "---",
      "",
      "*Keep this log short.*",
    ].join("\n");
    const found = sections(text).sections;
    expect(found.map((s) => [s.title, s.written])).toEqual([
      ["2026-02-25: CalVer Versioning", "2026-02-25T00:00:00Z"],
      ["2026-02-26: Redis Streams", "2026-02-26T00:00:00Z"],
    ]);
    expect(found[0]!.body).toBe("**Decision**: Adopt CalVer.\n\n**Context**: Continuous deployment.");
    expect(found[1]!.body).toBe("**Decision**: Streams, not Pub/Sub."); // the footer is the file's, not the entry's
  });

  it("Roo Code's log: each `[date time] - **Title**` line with what follows, the template above it left out", () => {
    const text = [
      "# Decision Log",
      "",
      "## Decision",
      "",
      "*   ",
      "",
      "---",
      "",
      "[2025-08-16 20:09:55] - Initialized Memory Bank",
      "",
      "[2025-08-16 20:26:15] - **Refactored LLM Provider Architecture**",
      "",
      "## Decision",
      "Support many providers.",
      "",
      "## Rationale",
      "- Flexibility",
      "",
      "[2025-08-17 07:52:27] - Stage 1.5 Progress",
      "**Decision:** callbacks",
    ].join("\n");
    const found = sections(text);
    expect(found.style).toBe("log");
    expect(found.sections.map((s) => [s.title, s.written])).toEqual([
      ["Initialized Memory Bank", "2025-08-16T20:09:55Z"],
      ["Refactored LLM Provider Architecture", "2025-08-16T20:26:15Z"],
      ["Stage 1.5 Progress", "2025-08-17T07:52:27Z"],
    ]);
    expect(found.sections[1]!.body).toBe("## Decision\nSupport many providers.\n\n## Rationale\n- Flexibility");
    expect(found.sections[2]!.body).toBe("**Decision:** callbacks");
  });

  it("hand-kept one-line lessons `[date] Topic: what → why`, under group headings that tag them", () => {
    const text = [
      "# Lessons Learned",
      "",
      "## Technical Implementation",
      "",
      "[2024-03-26 21:34] API Integration: Issue: no types → Fix: generated them → Why: they match the API.",
      "",
      "[2024-03-26 21:35] Authentication: keys in 1Password → Why: security.",
      "",
      "## Process",
      "",
      "[2024-03-27] Package Management: pnpm → Why: disk space.",
    ].join("\n");
    const found = sections(text).sections;
    expect(found.map((s) => [s.title, s.tags, s.written])).toEqual([
      ["API Integration", ["technical-implementation"], "2024-03-26T21:34:00Z"],
      ["Authentication", ["technical-implementation"], "2024-03-26T21:35:00Z"],
      ["Package Management", ["process"], "2024-03-27T00:00:00Z"],
    ]);
    expect(found[0]!.body).toBe("Issue: no types → Fix: generated them → Why: they match the API.");
  });

  it("reads CRLF, a BOM, no final newline, and an empty file", () => {
    const crlf = "\uFEFF# T\r\n\r\n## One\r\nbody\r\n\r\n```\r\n## fenced\r\n```\r\n## Two\r\nlast line, no newline";
    expect(titles(crlf)).toEqual(["One", "Two"]);
    expect(sections(crlf).sections[0]!.body).toBe("body\n\n```\n## fenced\n```");
    expect(sections("")).toEqual({ style: "none", sections: [] });
    expect(sections("just text\n")).toEqual({ style: "none", sections: [] });
  });

  it("a setext heading is not a section (the bank's reader knows only `#` titles): it stays in the body above", () => {
    const found = sections("## One\ntext\n\nUnderlined\n----------\nmore\n\n## Two\n").sections;
    expect(found.map((s) => s.title)).toEqual(["One", "Two"]);
    expect(found[0]!.body).toBe("text\n\nUnderlined\n----------\nmore");
  });

  it("frontmatter is never a section, nor a YAML comment in it a heading", () => {
    expect(titles("---\ntitle: x\n# a yaml comment\n---\n\n## Real\ntext\n")).toEqual(["Real"]);
  });

  it("dates: written ones first (heading, then a Date/Added/Fixed field), month alone only where allowed, invalid ones skipped", () => {
    expect(dateIn("Deploy (2025-08)", true)).toBe("2025-08-01T00:00:00Z");
    expect(dateIn("Deploy (2025-08)", false)).toBeUndefined();
    expect(dateIn("2025-02-30 and then 2025-03-01 10:20", false)).toBe("2025-03-01T10:20:00Z");
    expect(dateIn("ci.yml:49-99, PR 1234-56", true)).toBeUndefined();
    const [s] = sections("## Hooks\n**Pattern**: x\n**Added**: 2025-08-21\n").sections;
    expect(s!.written).toBe("2025-08-21T00:00:00Z");
    const [t] = sections("## Hooks\nSee the 2024-01-01 release notes.\n").sections;
    expect(t!.written).toBeUndefined(); // a date in running text is not when the section was written
  });
});

describe("sections as entries", () => {
  it("at from the text, else history, else now; by from history, else the persona", () => {
    const text = "## Dated (2025-07-15)\nx\n\n## Known\ny\n\n## New\nz\n";
    const history = new Map([
      [1, { author: "Ada", at: "2024-01-01T00:00:00Z" }],
      [4, { author: "Bob", at: "2024-02-02T00:00:00Z" }],
    ]);
    const made = sectionEntries(sections(text).sections, options(history));
    expect(made.map((m) => [m.entry.title, m.entry.createdAt, m.atFrom, m.entry.author, m.byFrom])).toEqual([
      ["Dated (2025-07-15)", "2025-07-15T00:00:00Z", "text", "Ada", "history"],
      ["Known", "2024-02-02T00:00:00Z", "history", "Bob", "history"],
      ["New", "2026-01-02T03:04:05Z", "now", "dev", "persona"],
    ]);
    expect(made.every((m) => m.entry.type === "pattern")).toBe(true);
  });

  it("marking in place keeps every line, adds one marker per section, and reads back as those entries", () => {
    const text = "# Established Patterns\n\n**Last Updated**: 2025-08-21\n\n## Group\n\n### A\nbody a\n```\n## not this\n```\n### B\nbody b\n";
    const found = sections(text).sections;
    const marked = markSections(text, found, options())!;
    expect(marked).not.toBeNull();
    const out = marked.text.split("\n");
    for (const line of text.split("\n")) expect(out).toContain(line);
    expect(out.filter((l) => l.startsWith("<!-- entry"))).toHaveLength(3);
    const doc = parseBuffer(marked.text);
    expect(doc.entries.map((e) => e.title)).toEqual(["Group", "A", "B"]);
    expect(doc.header).toEqual(["# Established Patterns", "", "**Last Updated**: 2025-08-21"]);
    expect(doc.entries[1]!.tags).toEqual(["group"]);
  });

  it("keeps CRLF and the BOM of a file marked in place", () => {
    const text = "\uFEFF## A\r\none\r\n## B\r\ntwo";
    const marked = markSections(text, sections(text).sections, options())!;
    expect(marked.text.startsWith("\uFEFF")).toBe(true);
    expect(marked.text).toMatch(/^\uFEFF<!-- entry [^\r\n]*-->\r\n## A\r\none\r\n\r\n<!-- entry /);
    expect(marked.entries.map((m) => m.entry.title)).toEqual(["A", "B"]);
  });
});

describe("what each file is", () => {
  it("by name: Cline's systemPatterns and decision logs become entries, the original layout's references move to Docs", () => {
    expect(roleOf("systemPatterns.md")).toEqual({ role: "entries", type: "pattern" });
    expect(roleOf("system-patterns.md")).toEqual({ role: "entries", type: "pattern" });
    expect(roleOf("decisionLog.md")).toEqual({ role: "entries", type: "decision" });
    expect(roleOf("decisions-archived-2025-08-21.md")).toEqual({ role: "entries", type: "decision" });
    expect(roleOf("lessons-learned.md")).toEqual({ role: "entries", type: "lesson" });
    expect(roleOf("patterns.md")).toEqual({ role: "doc", type: "pattern", doc: "patterns" });
    expect(roleOf("patterns-recent.md")).toEqual({ role: "doc", type: "pattern", doc: "patterns" });
    expect(roleOf("troubleshooting.md")).toEqual({ role: "doc", type: "lesson", doc: "troubleshooting" });
    expect(roleOf("active-context.md")).toEqual({ role: "context" });
    for (const kept of ["productContext.md", "techContext.md", "progress.md", "projectbrief.md", ".clinerules", "patterns-buffer.md"]) {
      expect(roleOf(kept)).toEqual({ role: "kept" });
    }
  });

  it("the kind of bank", () => {
    expect(detectKind(".claude/memory-bank", ["patterns.md", "activeContext.md"], false)).toBe("legacy");
    expect(detectKind(".cursor/memory-bank", ["systemPatterns.md"], false)).toBe("cursor");
    expect(detectKind("memory-bank", ["decisionLog.md", "productContext.md"], false)).toBe("roo");
    expect(detectKind("memory-bank", ["projectbrief.md", "progress.md"], false)).toBe("cline");
    expect(detectKind(".claude/memory-bank", [], true)).toBe("memory");
  });

  it("the config keeps its settings and gains the bank's folder and context name", () => {
    expect(JSON.parse(configWith(null, { bank: "memory-bank" }))).toEqual({ version: 1, bank: "memory-bank" });
    const updated = JSON.parse(configWith('{ "version": 1, "near": 0.5 }', { contextFile: "active-context.md" }));
    expect(updated).toEqual({ version: 1, near: 0.5, context: { file: "active-context.md" } });
  });
});
