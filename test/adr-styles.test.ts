/**
 * ADR folders as teams keep them, tested with small fixtures written from each format's facts: names,
 * headings, frontmatter and indexes in eight styles. Pure (strings in, plans out), except the frontmatter
 * reader, which is gray-matter behind a guard.
 */
import { describe, expect, it } from "vitest";
import { createEntry, parseBuffer, serializeBuffer } from "../src/core/entries.js";
import { defaultConfig } from "../src/core/config.js";
import { planHarvest, type HarvestInput } from "../src/core/harvest.js";
import { duplicateAdrNumbers, inferAdrStyle, parseAdrName, type AdrStyle } from "../src/core/adr.js";
import { addToAdrIndex, renumberHeading, renumberReferences, type AdrRename } from "../src/core/adr-index.js";
import { readAdrDocs, readFrontmatter } from "../src/bank/docs.js";

const DIR = "Docs/03-Reference/ADR";
const ADR_TEMPLATE = "---\nstatus: proposed\ndate: {{day}}\nsource: {{id}}\n---\n# {{heading}}\n\n{{body}}\n\nHarvested {{date}}.\n";
const FALLBACK: AdrStyle = { kind: "number", prefix: "ADR-", width: 3, separator: "-" };

interface Decision {
  title: string;
  at?: string;
}

function decisions(list: Decision[]): string {
  const doc = parseBuffer("# Decisions inbox\n");
  list.forEach((d, i) => doc.entries.push(createEntry({ id: `D${i}`, type: "decision", author: "qa", createdAt: d.at ?? "2025-07-15T10:00:00Z", title: d.title, tags: [], body: `why ${i}` })));
  return serializeBuffer(doc);
}

/** Plans the harvest of `list` into an ADR folder holding `files`, read the way the harvest reads it. */
async function plan(files: Record<string, string>, list: Decision[] = [{ title: "Use Postgres" }], over: Partial<HarvestInput> = {}) {
  const folder = new Map(Object.entries(files));
  return planHarvest({
    config: defaultConfig(),
    buffers: { decisions: { path: "bank/decisions-inbox.md", text: decisions(list) } },
    docs: { references: new Map(), folders: new Map([[DIR, folder]]), adrDocs: new Map([[DIR, await readAdrDocs(folder)]]) },
    templates: { patterns: "# Patterns\n", postMortem: "---\ndate: {{created}}\nsource: {{id}}\n---\n# {{title}}\n", adr: ADR_TEMPLATE },
    date: "2026-01-09",
    all: true,
    acceptDecision: () => true,
    ...over,
  });
}

const names = (p: Awaited<ReturnType<typeof plan>>) => p.files.filter((f) => f.kind === "adr").map((f) => f.path.slice(DIR.length + 1));
const adrText = (p: Awaited<ReturnType<typeof plan>>, i = 0) => p.files.filter((f) => f.kind === "adr")[i]!.content;

/** One folder per style, each file written as that style writes it. */
const STYLES = {
  "ADR-NNN (this tool)": {
    files: {
      "ADR-001-use-git.md": "---\nstatus: accepted\ndate: 2025-01-02\n---\n# ADR-001: Use git\n",
      "ADR-002-plain-markdown.md": "---\nstatus: accepted\ndate: 2025-01-03\n---\n# ADR-002: Plain markdown\n",
      "README.md": "# Decisions\n",
      "template.md": "# ADR-XXX: Title\n",
    },
    next: ["ADR-003-use-postgres.md", "ADR-004-cache-pages.md"],
    heading: "# ADR-003: Use Postgres",
  },
  "ADR-NNNN (4 digits)": {
    files: {
      "ADR-0000-template.md": "# ADR-0000: <title>\n",
      "ADR-0009-scheduled-triggers.md": "# ADR-0009: Scheduled triggers\n\n> **Status**: accepted\n",
      "ADR-0032-hub-federation.md": "# ADR-0032: Hub federation\n",
    },
    next: ["ADR-0033-use-postgres.md", "ADR-0034-cache-pages.md"],
    heading: "# ADR-0033: Use Postgres",
  },
  "NNNN (adr-tools)": {
    files: {
      "0001-record-architecture-decisions.md": "# 1. Record architecture decisions\n\nDate: 2016-02-12\n\n## Status\n\nAccepted\n",
      "0009-help-scripts.md": "# 9. Help scripts\n\nDate: 2018-06-26\n\n## Status\n\nAccepted\n\nAmends [5. Help comments](0005-help-comments.md)\n",
    },
    next: ["0010-use-postgres.md", "0011-cache-pages.md"],
    heading: "# 10. Use Postgres",
  },
  "NNNN (MADR, frontmatter)": {
    files: {
      "0000-use-markdown-architectural-decision-records.md": "---\nparent: Decisions\nnav_order: 0\n---\n# Use Markdown Architectural Decision Records\n",
      "0013-use-yaml-front-matter-for-meta-data.md": "---\nparent: Decisions\nnav_order: 13\n---\n# Use YAML front matter for metadata\n",
      "adr-template.md": "---\n# Configuration for the Jekyll template\nparent: Decisions\nnav_order: 100\ntitle: ADR Template\n---\n# {short title}\n",
      "index.md": "---\nparent: Decisions\n---\n# Decisions\n\nThis folder holds the decisions.\n",
    },
    next: ["0014-use-postgres.md", "0015-cache-pages.md"],
    heading: "# Use Postgres",
  },
  "ADRnnn (no dash, a duplicate)": {
    files: {
      "ADR000-record-architecture-decisions.md": "# ADR000: Record architecture decisions\n\nDate: 2022-01-24\n",
      "ADR025-remove-papertrail.md": "# ADR025: Remove papertrail\n",
      "ADR025-use-aasm-to-manage-form-state.md": "# ADR025: Use AASM\n",
      "ADRXXX-architecture-decision-record-template.md": "# ADRxxx: Decision Record Title\n",
      "README.md": "We use Architecture Decision Records, see [ADR000](https://example.invalid/ADR/ADR000-record-architecture-decisions.md).\n",
    },
    next: ["ADR026-use-postgres.md", "ADR027-cache-pages.md"],
    heading: "# ADR026: Use Postgres",
  },
  "adrnnn (lowercase)": {
    files: {
      "0000-template.md": "# ADR000: [Title]\n",
      "adr000-template.md": "# ADR000: [Title]\n",
      "adr001-add-adr-log.md": "# adr001: Add ADR log\n",
      "adr015-jsx-loader-structure.md": "# adr015: JSX loader structure\n",
    },
    next: ["adr016-use-postgres.md", "adr017-cache-pages.md"],
    heading: "# adr016: Use Postgres",
  },
  "YYYYMMDD (log4brains)": {
    files: {
      "20200924-use-markdown-architectural-decision-records.md": "# Use Markdown Architectural Decision Records\n\n- Status: accepted\n- Date: 2020-09-24\n",
      "20201016-use-the-adr-slug-as-its-unique-id.md": "# Use the ADR slug as its unique ID\n\n- Status: accepted\n- Date: 2020-10-16\n",
      "index.md": "# Architecture knowledge base\n\nWelcome.\n",
      "template.md": "# [short title of solved problem and solution]\n\n- Status: [draft | proposed]\n",
    },
    next: ["20250715-use-postgres.md", "20250716-cache-pages.md"],
    heading: "# Use Postgres",
  },
  "N (unpadded)": {
    files: {
      "0-architecture-decision-records.md": "# 0. Architecture decision records\n",
      "1-database-schema.md": "# 1. Database schema\n",
      "6-business-logic-vs-utility-namespaces.md": "# 6. Business logic vs utility namespaces\n",
    },
    next: ["7-use-postgres.md", "8-cache-pages.md"],
    heading: "# 7. Use Postgres",
  },
} as const;

describe("ADR names in every style", () => {
  it("reads each style's names, and leaves templates and indexes out", () => {
    expect(parseAdrName("ADR-004-cache.md")).toMatchObject({ kind: "number", prefix: "ADR-", number: 4, digits: "004", slug: "cache" });
    expect(parseAdrName("ADR025-remove-papertrail.md")).toMatchObject({ prefix: "ADR", number: 25 });
    expect(parseAdrName("adr001-add-adr-log.md")).toMatchObject({ prefix: "adr", number: 1, digits: "001" });
    expect(parseAdrName("0009-help-scripts.md")).toMatchObject({ prefix: "", number: 9, digits: "0009" });
    expect(parseAdrName("6-business-logic.md")).toMatchObject({ prefix: "", number: 6, digits: "6" });
    expect(parseAdrName("20200924-use-markdown.md")).toMatchObject({ kind: "date", day: "2020-09-24", dashed: false, slug: "use-markdown" });
    expect(parseAdrName("2020-09-24-use-markdown.md")).toMatchObject({ kind: "date", day: "2020-09-24", dashed: true });
    for (const name of ["template.md", "adr-template.md", "ADR-0000-template.md", "0000-TEMPLATE.md", "adr000-template.md", "xxxx-template.md",
      "ADRXXX-architecture-decision-record-template.md", "README.md", "index.md", "notes.md"]) {
      expect(parseAdrName(name), name).toBeUndefined();
    }
    // "template" among other words is a real decision
    expect(parseAdrName("0005-choose-a-template-engine.md")).toMatchObject({ number: 5 });
  });

  it("infers the style of each folder; an empty one gets the configured style", () => {
    const style = (files: readonly string[]) => inferAdrStyle(files, FALLBACK);
    expect(style(Object.keys(STYLES["ADR-NNNN (4 digits)"].files))).toEqual({ kind: "number", prefix: "ADR-", width: 4, separator: "-" });
    expect(style(Object.keys(STYLES["ADRnnn (no dash, a duplicate)"].files))).toEqual({ kind: "number", prefix: "ADR", width: 3, separator: "-" });
    expect(style(Object.keys(STYLES["adrnnn (lowercase)"].files))).toEqual({ kind: "number", prefix: "adr", width: 3, separator: "-" });
    expect(style(Object.keys(STYLES["N (unpadded)"].files))).toEqual({ kind: "number", prefix: "", width: 1, separator: "-" });
    expect(style(Object.keys(STYLES["YYYYMMDD (log4brains)"].files))).toEqual({ kind: "date", dashed: false, separator: "-" });
    expect(style([])).toEqual(FALLBACK);
    expect(style(["README.md", "template.md"])).toEqual(FALLBACK);
    // the shape most files have wins; a number above the padding does not unpad the folder
    expect(style(["0001-a.md", "0002-b.md", "ADR-003-c.md", "10000-d.md"])).toEqual({ kind: "number", prefix: "", width: 4, separator: "-" });
  });

  it("finds duplicate numbers in every style, never counting templates or dates", () => {
    expect([...duplicateAdrNumbers(["ADR025-a.md", "ADR025-b.md", "ADR026-c.md", "ADRXXX-template.md"])]).toEqual([[25, ["ADR025-a.md", "ADR025-b.md"]]]);
    expect([...duplicateAdrNumbers(["0003-a.md", "0003-b.md", "0000-template.md", "0000-use-x.md"])]).toEqual([[3, ["0003-a.md", "0003-b.md"]]]);
    expect([...duplicateAdrNumbers(["adr012-a.md", "adr012-b.md", "3-c.md", "03-d.md"])]).toEqual([[3, ["03-d.md", "3-c.md"]], [12, ["adr012-a.md", "adr012-b.md"]]]);
    expect([...duplicateAdrNumbers(["20200924-a.md", "20200924-b.md", "adr000-template.md", "ADR-0000-template.md"])]).toEqual([]);
  });
});

describe("harvest continues the folder's style", () => {
  for (const [style, { files, next, heading }] of Object.entries(STYLES)) {
    it(`${style}: ${next.join(", ")}`, async () => {
      const p = await plan(files, [{ title: "Use Postgres", at: "2025-07-15T10:00:00Z" }, { title: "Cache pages", at: "2025-07-16T08:00:00Z" }]);
      expect(names(p)).toEqual(next);
      expect(adrText(p)).toContain(`\n${heading}\n`);
      // the entry's own day in the frontmatter, the harvest's day where the template says "harvested"
      expect(adrText(p)).toMatch(/^---\nstatus: proposed\ndate: 2025-07-15\n/);
      expect(adrText(p)).toContain("Harvested 2026-01-09.");
      const numbers = Object.keys(files).map((f) => parseAdrName(f)).filter((n) => n?.kind === "number").map((n) => (n as { number: number }).number);
      for (const f of p.files.filter((x) => x.kind === "adr")) expect(numbers).not.toContain(f.number);
    });
  }

  it("an empty or new folder uses the configured style (ADR- and adr.digits)", async () => {
    expect(names(await plan({}))).toEqual(["ADR-001-use-postgres.md"]);
    const config = defaultConfig();
    config.adr.digits = 4;
    expect(names(await plan({ "README.md": "# ADRs\n" }, undefined, { config }))).toEqual(["ADR-0001-use-postgres.md"]);
    expect(adrText(await plan({}))).toContain("\n# ADR-001: Use Postgres\n");
  });

  it("numbers after the highest number of any style, so a mixed folder never gets a second ADR 1", async () => {
    expect(names(await plan({ "0009-older.md": "# 9. Older\n", "ADR-001-a.md": "# ADR-001: A\n", "ADR-002-b.md": "# ADR-002: B\n" }))).toEqual(["ADR-010-use-postgres.md"]);
  });

  it("date-named: the entry's own day, a suffix when the name is taken, and no date written twice", async () => {
    const files = STYLES["YYYYMMDD (log4brains)"].files;
    const p = await plan({ ...files, "20250715-use-postgres.md": "# Use Postgres\n" }, [
      { title: "Use Postgres", at: "2025-07-15T10:00:00Z" },
      { title: "Use Postgres", at: "2025-07-15T11:00:00Z" },
      { title: "2025-07-15 Outage review", at: "2025-07-15T12:00:00Z" },
      { title: "20250715 outage follow-up", at: "2025-07-15T13:00:00Z" },
    ]);
    expect(names(p)).toEqual(["20250715-use-postgres-2.md", "20250715-use-postgres-3.md", "20250715-outage-review.md", "20250715-outage-follow-up.md"]);
    expect(p.files.every((f) => f.number === undefined)).toBe(true);
    const dashed = await plan({ "2020-09-24-a.md": "# A\n", "2020-10-01-b.md": "# B\n" }, [{ title: "2025-07-15 Outage", at: "2025-07-15T12:00:00Z" }]);
    expect(names(dashed)).toEqual(["2025-07-15-outage.md"]);
  });

  it("a post-mortem is named by the entry's day, never twice", () => {
    const doc = parseBuffer("# Lessons\n");
    doc.entries.push(createEntry({ id: "L1", type: "lesson", author: "qa", createdAt: "2025-07-15T10:00:00Z", title: "2025-07-15 Outage in prod", tags: [], body: "b" }));
    doc.entries.push(createEntry({ id: "L2", type: "lesson", author: "qa", createdAt: "2025-07-15T11:00:00Z", title: "2025-07-14 Outage in staging", tags: [], body: "b" }));
    const p = planHarvest({
      config: defaultConfig(),
      buffers: { lessons: { path: "l.md", text: serializeBuffer(doc) } },
      docs: { references: new Map(), folders: new Map() },
      templates: { patterns: "", postMortem: "---\ndate: {{day}}\n---\n# {{title}}\n", adr: "" },
      date: "2026-01-09",
      all: true,
      acceptDecision: () => true,
    });
    expect(p.files.map((f) => f.path)).toEqual(["Docs/06-PostMortems/2025-07-15-outage-in-prod.md", "Docs/06-PostMortems/2025-07-15-2025-07-14-outage-in-staging.md"]);
    expect(p.files[0]!.content).toMatch(/^---\ndate: 2025-07-15\n/);
  });

  it("MADR: a new ADR carries the keys every ADR there carries (parent, nav_order as its number)", async () => {
    const p = await plan(STYLES["NNNN (MADR, frontmatter)"].files);
    expect(adrText(p)).toMatch(/^---\nstatus: proposed\ndate: 2025-07-15\nsource: D0\nparent: Decisions\nnav_order: 14\n---\n# Use Postgres\n/);
    // a key one doc has and another lacks, or whose value differs, is not carried
    const mixed = await plan({ "0001-a.md": "---\nparent: A\nowner: x\n---\n# A\n", "0002-b.md": "---\nparent: B\n---\n# B\n" });
    expect(adrText(mixed)).not.toMatch(/parent:|owner:/);
  });
});

describe("the frontmatter of docs people wrote", () => {
  it("reads YAML (dates, lists, comments) and never runs a JavaScript block", async () => {
    expect((await readFrontmatter("---\n# a comment\nparent: Decisions\ndate: 2020-09-24\ntags: [a, b]\n---\n# T\n")).data).toEqual({ parent: "Decisions", date: new Date("2020-09-24"), tags: ["a", "b"] });
    const ran = "globalThis.__memoryRan = true";
    for (const lang of ["js", "javascript", "JS", "coffee"]) {
      const read = await readFrontmatter(`---${lang}\n${ran}\n---\n# T\n`);
      expect(read.data).toEqual({});
      expect(read.content.trim()).toBe("# T");
    }
    expect((globalThis as { __memoryRan?: boolean }).__memoryRan).toBeUndefined();
    expect((await readFrontmatter("---\n: : bad [\n---\n# T\n")).data).toEqual({});
  });

  it("tells title, status and day from frontmatter or text (Nygard's ## Status, log4brains' - Status:)", async () => {
    const docs = await readAdrDocs(new Map([
      ["0001-a.md", "# 1. Record decisions\n\nDate: 2016-02-12\n\n## Status\n\nAccepted\n"],
      ["20201016-b.md", "# Use the slug\n\n- Status: superseded by [x](y.md)\n- Date: 2020-10-16\n"],
      ["ADR-004-c.md", "---\nstatus: proposed\ndate: 2025-07-15\ntitle: Cache it\n---\n# ADR-004: Cache everything\n"],
      ["ADR025-d.md", "# ADR025: Remove papertrail\n\n## Status\n\n> Accepted\n"],
    ]));
    expect([...docs.values()].map((d) => [d.title, d.status, d.day])).toEqual([
      ["Record decisions", "Accepted", "2016-02-12"],
      ["Use the slug", "superseded by [x](y.md)", "2020-10-16"],
      ["Cache it", "proposed", "2025-07-15"],
      ["Remove papertrail", "Accepted", undefined],
    ]);
  });
});

describe("the ADR folder's index", () => {
  const adrs = {
    "ADR-001-use-git.md": "# ADR-001: Use git\n",
    "ADR-002-plain-markdown.md": "---\nstatus: accepted\n---\n# ADR-002: Plain markdown\n",
  };
  const index = (p: Awaited<ReturnType<typeof plan>>) => p.files.find((f) => f.kind === "index");

  it("a list gets one line per new ADR in the format of its last ADR line, after it", async () => {
    const readme = "# Decisions\n\n- [ADR-001: Use git](ADR-001-use-git.md)\n- [ADR-002: Plain markdown](ADR-002-plain-markdown.md)\n\n## How to add one\n\nCopy template.md.\n";
    const p = await plan({ ...adrs, "README.md": readme }, [{ title: "Use Postgres" }, { title: "Cache pages" }]);
    expect(index(p)).toMatchObject({ path: `${DIR}/README.md`, action: "update", kind: "index", entries: [], lists: ["D0", "D1"] });
    expect(index(p)!.content).toBe(readme.replace("markdown.md)\n", "markdown.md)\n- [ADR-003: Use Postgres](ADR-003-use-postgres.md)\n- [ADR-004: Cache pages](ADR-004-cache-pages.md)\n"));
  });

  it("a table gets a row with its columns filled by their names (title, status, date), the rest left blank", async () => {
    const readme = [
      "## ADR Index", "",
      "| ADR | Title | Status | Date | Summary |",
      "|-----|-------|--------|------|---------|",
      "| [ADR-001](ADR-001-use-git.md) | Use git | Accepted | 2025-08-19 | Everything in git |",
      "| [ADR-002](ADR-002-plain-markdown.md) | Plain markdown | **Accepted** | 2025-08-20 | No database |",
      "", "## When to create one", "",
    ].join("\n");
    const p = await plan({ ...adrs, "README.md": readme });
    expect(index(p)!.content).toContain("| [ADR-002](ADR-002-plain-markdown.md) | Plain markdown | **Accepted** | 2025-08-20 | No database |\n| [ADR-003](ADR-003-use-postgres.md) | Use Postgres | **Proposed** | 2025-07-15 |  |\n\n## When");
  });

  it("numbered lists, other link texts, adr-tools and date-named folders keep their own format", async () => {
    const numbered = await plan({ ...adrs, "index.md": "1. [Use git](./ADR-001-use-git.md)\n2. [Plain markdown](./ADR-002-plain-markdown.md) - accepted\n" });
    expect(index(numbered)!.content).toBe("1. [Use git](./ADR-001-use-git.md)\n2. [Plain markdown](./ADR-002-plain-markdown.md) - accepted\n3. [Use Postgres](./ADR-003-use-postgres.md) - proposed\n");
    const tools = await plan({ ...STYLES["NNNN (adr-tools)"].files, "README.md": "* [1. Record architecture decisions](0001-record-architecture-decisions.md)\n* [9. Help scripts](0009-help-scripts.md)\n" });
    expect(index(tools)!.content).toContain("* [9. Help scripts](0009-help-scripts.md)\n* [10. Use Postgres](0010-use-postgres.md)\n");
    const dated = await plan({ ...STYLES["YYYYMMDD (log4brains)"].files, "README.md": "- [Use the ADR slug as its unique ID](20201016-use-the-adr-slug-as-its-unique-id.md) (2020-10-16): a summary\n" });
    expect(index(dated)!.content).toContain("\n- [Use Postgres](20250715-use-postgres.md) (2025-07-15)\n");
  });

  it("keeps the index's line endings, and its lack of a final newline", async () => {
    const crlf = "# Decisions\r\n\r\n- [ADR-002: Plain markdown](ADR-002-plain-markdown.md)\r\n";
    expect(index(await plan({ ...adrs, "README.md": crlf }))!.content).toBe(`${crlf}- [ADR-003: Use Postgres](ADR-003-use-postgres.md)\r\n`);
    const unended = "- [ADR-002: Plain markdown](ADR-002-plain-markdown.md)";
    expect(index(await plan({ ...adrs, "index.md": unended }))!.content).toBe(`${unended}\n- [ADR-003: Use Postgres](ADR-003-use-postgres.md)`);
  });

  it("an index without an ADR list, or with unsaved edits, is left alone", async () => {
    expect(index(await plan({ ...adrs, "README.md": "We use ADRs. See [ADR-001](https://example.invalid/ADR-001-use-git.md).\n" }))).toBeUndefined();
    expect(index(await plan({ ...adrs, "README.md": "```\n- [ADR-001](ADR-001-use-git.md)\n```\n" }))).toBeUndefined();
    expect(index(await plan({ ...STYLES["YYYYMMDD (log4brains)"].files }))).toBeUndefined();
    const readme = "- [ADR-001: Use git](ADR-001-use-git.md)\n";
    expect(index(await plan({ ...adrs, "README.md": readme }, undefined, { unsaved: new Set([`${DIR}/README.md`]) }))).toBeUndefined();
    expect(addToAdrIndex(readme, new Map(), [])).toBeNull();
  });
});

describe("renumbering rewrites what names the moved ADR", () => {
  const renames: AdrRename[] = [{ from: "ADR025-use-aasm.md", to: "ADR048-use-aasm.md", fromNumber: 25, toNumber: 48 }];
  const had = () => ["ADR025-remove-papertrail.md", "ADR025-use-aasm.md"];

  it("file names, link texts and mentions in index lines; a line naming both ADR025s, or prose, keeps its words", () => {
    const text = [
      "- [ADR025: Use AASM](ADR025-use-aasm.md)",
      "| ADR 25 | [state machine](./ADR025-use-aasm.md#why) |",
      "- [ADR025](ADR025-remove-papertrail.md) and [ADR025](ADR025-use-aasm.md)",
      "See ADR025 somewhere else, and ADR025-use-aasm-v2.md stays.",
    ].join("\n");
    expect(renumberReferences(text, renames, had)).toBe([
      "- [ADR048: Use AASM](ADR048-use-aasm.md)",
      "| ADR 48 | [state machine](./ADR048-use-aasm.md#why) |",
      "- [ADR025](ADR025-remove-papertrail.md) and [ADR025](ADR048-use-aasm.md)",
      "See ADR025 somewhere else, and ADR025-use-aasm-v2.md stays.",
    ].join("\n"));
  });

  it("adr-tools link texts and headings, padded or not", () => {
    const r: AdrRename[] = [{ from: "0003-b.md", to: "0010-b.md", fromNumber: 3, toNumber: 10 }];
    const had = () => ["0003-a.md", "0003-b.md"];
    // prose may mean either ADR 3: only the link changes; a list item is about the ADR it links to
    expect(renumberReferences("Amended by [3. B](0003-b.md), see ADR-0003.\n", r, had)).toBe("Amended by [10. B](0010-b.md), see ADR-0003.\n");
    expect(renumberReferences("* [3. B](0003-b.md) (ADR-0003)\n", r, had)).toBe("* [10. B](0010-b.md) (ADR-0010)\n");
    expect(renumberHeading("---\n# a yaml comment\nnav_order: 3\n---\n# 3. B\n", 3, 10)).toBe("---\n# a yaml comment\nnav_order: 3\n---\n# 10. B\n");
    expect(renumberHeading("# ADR-003: B\n\nADR-003 text\n", 3, 10)).toBe("# ADR-010: B\n\nADR-003 text\n");
  });
});
