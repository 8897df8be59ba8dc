import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createEntry, parseBuffer, serializeBuffer } from "../src/core/entries.js";
import { defaultConfig } from "../src/core/config.js";
import { harvestedIds, planHarvest, render, slugify, type HarvestedDocs, type HarvestInput } from "../src/core/harvest.js";

const T = {
  patterns: "# Patterns\n",
  postMortem: "---\nsource: {{id}}\nsource-digest: {{digest}}\n---\n# {{title}}\n\n{{body}}\n",
  adr: "---\nsource: {{id}}\nsource-digest: {{digest}}\n---\n# ADR-{{number}}: {{title}}\n",
};

function buffer(type: string, n: number, bodyLines = 1, start = 0): string {
  const doc = parseBuffer(`# ${type}\n`);
  for (let i = start; i < start + n; i++) {
    doc.entries.push(createEntry({ id: `${type}-${i}`, type, author: "dev", createdAt: "2026-11-22T10:00:00Z", title: `${type} ${i}`, tags: [], body: Array(bodyLines).fill(`x ${i}`).join("\n") }));
  }
  return serializeBuffer(doc);
}

/** The default targets' contents: the patterns reference, the post-mortems folder, the ADR folder. */
interface DefaultDocs {
  patternsDoc?: string | null;
  postMortems?: Map<string, string>;
  adrs?: Map<string, string>;
}

function docs({ patternsDoc = null, postMortems = new Map(), adrs = new Map() }: DefaultDocs): HarvestedDocs {
  return {
    references: new Map([["Docs/03-Reference/Patterns.md", patternsDoc]]),
    folders: new Map([["Docs/06-PostMortems", postMortems], ["Docs/03-Reference/ADR", adrs]]),
  };
}

function input({ patternsDoc, postMortems, adrs, ...over }: Partial<HarvestInput> & DefaultDocs = {}): HarvestInput {
  return {
    config: defaultConfig(),
    buffers: {
      patterns: { path: "bank/p.md", text: buffer("pattern", 0) },
      lessons: { path: "bank/l.md", text: buffer("lesson", 0) },
      decisions: { path: "bank/d.md", text: buffer("decision", 0) },
    },
    docs: docs({ patternsDoc, postMortems, adrs }),
    templates: T,
    date: "2026-11-22",
    acceptDecision: () => true,
    ...over,
  };
}

describe("planHarvest", () => {
  it("takes a buffer at its threshold and leaves one below it", () => {
    const plan = planHarvest(input({
      buffers: {
        patterns: { path: "bank/p.md", text: buffer("pattern", 5, 2) }, // 20 lines
        lessons: { path: "bank/l.md", text: buffer("lesson", 4, 1) }, // 12 lines
        decisions: { path: "bank/d.md", text: buffer("decision", 4) },
      },
    }));
    expect(plan.buffers.map((b) => [b.label, b.count, b.selected])).toEqual([
      ["patterns-buffer", 20, true],
      ["lessons-buffer", 12, false],
      ["decisions-inbox", 4, false],
    ]);
    expect(plan.files.map((f) => [f.path, f.action, f.entries.length])).toEqual([["Docs/03-Reference/Patterns.md", "create", 5]]);
    expect(parseBuffer(plan.buffers[0]!.content!).entries).toEqual([]);
    expect(plan.buffers[1]!.content).toBeUndefined();
  });

  it("numbers ADRs after the highest existing, ignoring other files, and honours digits", () => {
    const config = defaultConfig();
    config.adr.digits = 4;
    const plan = planHarvest(input({
      config,
      all: true,
      buffers: { ...input().buffers, decisions: { path: "bank/d.md", text: buffer("decision", 2) } },
      adrs: new Map([["ADR-0009-x.md", ""], ["ADR-0002-y.md", ""], ["README.md", ""], ["template.md", ""]]),
    }));
    expect(plan.files.map((f) => [f.path, f.number])).toEqual([
      ["Docs/03-Reference/ADR/ADR-0010-decision-0.md", 10],
      ["Docs/03-Reference/ADR/ADR-0011-decision-1.md", 11],
    ]);
  });

  it("keeps declined decisions, drops entries the docs already hold, and keeps ones edited since", () => {
    const plan = planHarvest(input({
      all: true,
      buffers: { ...input().buffers, decisions: { path: "bank/d.md", text: buffer("decision", 4) } },
      adrs: new Map([
        ["ADR-001-old.md", "---\nsource: decision-0\n---\n# ADR-001: decision 0\n\nx 0\n"],
        ["ADR-002-older.md", "---\nsource: decision-3\n---\n# ADR-002: decision 3\n\nwhat it said before an edit\n"],
      ]),
      acceptDecision: (e) => e.id !== "decision-1",
    }));
    const d = plan.buffers[2]!;
    expect([d.harvested, d.kept, d.alreadyHarvested, d.editedSinceHarvest]).toEqual([["decision-2"], ["decision-1"], ["decision-0"], ["decision-3"]]);
    expect(parseBuffer(d.content!).entries.map((e) => e.id)).toEqual(["decision-1", "decision-3"]);
    expect(plan.files.map((f) => f.path)).toEqual(["Docs/03-Reference/ADR/ADR-003-decision-2.md"]);
  });

  it("appends to an existing Patterns.md and names post-mortems without collisions", () => {
    const existing = buffer("pattern", 1, 1, 100).replace("# pattern", "# Patterns");
    const plan = planHarvest(input({
      all: true,
      patternsDoc: existing,
      buffers: { ...input().buffers, patterns: { path: "p", text: buffer("pattern", 1) }, lessons: { path: "l", text: buffer("lesson", 2).replace(/lesson \d\n/g, "Same title\n") } },
      postMortems: new Map([["2026-11-22-same-title.md", "no source here"]]),
    }));
    const pats = plan.files.find((f) => f.kind === "patterns")!;
    expect(pats.action).toBe("update");
    expect(parseBuffer(pats.content).entries.map((e) => e.id)).toEqual(["pattern-100", "pattern-0"]);
    expect(plan.files.filter((f) => f.kind === "post-mortem").map((f) => f.path)).toEqual([
      "Docs/06-PostMortems/2026-11-22-same-title-2.md",
      "Docs/06-PostMortems/2026-11-22-same-title-3.md",
    ]);
  });

  it("puts every selected entry in exactly one output", () => {
    fc.assert(
      fc.property(fc.nat(12), fc.nat(12), fc.nat(12), fc.func(fc.boolean()), (p, l, d, accept) => {
        const plan = planHarvest(input({
          all: true,
          buffers: { patterns: { path: "p", text: buffer("pattern", p) }, lessons: { path: "l", text: buffer("lesson", l) }, decisions: { path: "d", text: buffer("decision", d) } },
          acceptDecision: (e) => accept(e.id),
        }));
        const written = plan.files.flatMap((f) => f.entries);
        expect(new Set(written).size).toBe(written.length);
        const texts = { patterns: buffer("pattern", p), lessons: buffer("lesson", l), decisions: buffer("decision", d) };
        for (const b of plan.buffers) {
          const left = parseBuffer(b.content ?? texts[b.name]).entries.map((e) => e.id);
          for (const id of b.harvested) expect(written.filter((w) => w === id)).toHaveLength(1);
          for (const id of b.kept) expect(left).toContain(id);
          expect(b.harvested.some((id) => left.includes(id))).toBe(false);
        }
        expect(written).toHaveLength(p + l + plan.buffers[2]!.harvested.length);
      }),
      { numRuns: 100 },
    );
  });
});

describe("harvest helpers", () => {
  it("slugs can never leave their folder", () => {
    expect(slugify(`Use "quotes" & $(rm -rf ~) ../../etc/passwd`, "x")).toBe("use-quotes-rm-rf-etc-passwd");
    expect(slugify("Ünïcöde café — 日本", "x")).toBe("unicode-cafe");
    expect(slugify("../..", "decision")).toBe("decision");
    expect(slugify("a".repeat(100), "x")).toHaveLength(60);
    fc.assert(fc.property(fc.string(), (t) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slugify(t, "fallback"))));
  });

  it("fills placeholders once, never expanding text inside a value", () => {
    expect(render("{{title}}: {{body}} {{unknown}}", { title: "T", body: "{{title}}" })).toBe("T: {{title}} {{unknown}}");
  });

  it("finds harvested ids in entry markers and source: lines", () => {
    const ids = harvestedIds(docs({
      patternsDoc: `${buffer("pattern", 2)}\n    <!-- entry id=indented-not-counted -->\n`,
      postMortems: new Map([["a.md", "---\nsource: 'lesson-9'\n---\n"]]),
      adrs: new Map([["ADR-001-x.md", "---\nstatus: proposed\nsource: decision-3\n---\n"]]),
    }));
    expect([...ids].sort()).toEqual(["decision-3", "lesson-9", "pattern-0", "pattern-1"]);
  });
});

describe("hand-written entries", () => {
  it("keep their buffer's type in the docs when their marker names none", () => {
    const plan = planHarvest(input({ all: true, buffers: { ...input().buffers, patterns: { path: "p", text: "# P\n\n<!-- entry id=hand-1 -->\n## Written by hand\n" } } }));
    const [entry] = parseBuffer(plan.files[0]!.content).entries;
    expect(entry!.type).toBe("pattern");
  });
});

describe("an entry edited after it was harvested", () => {
  /** Harvests everything once, then plans again with the buffers edited by `edit`, against the docs written. */
  function againAfter(edit: (text: string) => string) {
    const lessons = buffer("lesson", 1, 3).replace("x 0\nx 0\nx 0", "Rotate the key.\nUse the vault.\npassword: hunter2");
    const patterns = buffer("pattern", 1, 3).replace("x 0\nx 0\nx 0", "Rotate the key.\nUse the vault.\npassword: hunter2");
    const first = planHarvest(input({ all: true, buffers: { ...input().buffers, lessons: { path: "l", text: lessons }, patterns: { path: "p", text: patterns } } }));
    const pm = first.files.find((f) => f.kind === "post-mortem")!;
    const pats = first.files.find((f) => f.kind === "patterns")!;
    expect(pm.content).toMatch(/^source-digest: [0-9a-f]{8}$/m);
    return planHarvest(input({
      all: true,
      buffers: { ...input().buffers, lessons: { path: "l", text: edit(lessons) }, patterns: { path: "p", text: edit(patterns) } },
      patternsDoc: pats.content,
      postMortems: new Map([[pm.path.split("/").pop()!, pm.content]]),
    }));
  }

  it("is kept when the edit only removes text (a redacted password), in a post-mortem and in Patterns.md", () => {
    const plan = againAfter((t) => t.replace("\npassword: hunter2", ""));
    expect(plan.buffers.map((b) => [b.name, b.editedSinceHarvest, b.alreadyHarvested])).toEqual([
      ["patterns", ["pattern-0"], []],
      ["lessons", ["lesson-0"], []],
      ["decisions", [], []],
    ]);
    expect(plan.files).toEqual([]);
  });

  it("is dropped as already harvested when it is unchanged (a buffer brought it back)", () => {
    const plan = againAfter((t) => t);
    expect(plan.buffers.map((b) => [b.name, b.alreadyHarvested, b.editedSinceHarvest])).toEqual([
      ["patterns", ["pattern-0"], []],
      ["lessons", ["lesson-0"], []],
      ["decisions", [], []],
    ]);
  });
});

describe("an entry the docs hold only under a second text", () => {
  it("is not harvested again when Patterns.md has it as <id>.edit-<hash> (a merge kept two texts, one was undone)", () => {
    const pattern = buffer("pattern", 1);
    const copy = parseBuffer(pattern).entries[0]!;
    const docText = serializeBuffer({ ...parseBuffer("# Patterns\n"), entries: [{ ...copy, id: `${copy.id}.edit-0a1b2c3d`, lines: [copy.lines[0]!.replace(copy.id, `${copy.id}.edit-0a1b2c3d`), ...copy.lines.slice(1)] }] });
    const plan = planHarvest(input({ all: true, patternsDoc: docText, buffers: { ...input().buffers, patterns: { path: "p", text: pattern } } }));
    expect(plan.files).toEqual([]);
    expect(plan.buffers[0]!.harvested).toEqual([]);
    expect([...plan.buffers[0]!.alreadyHarvested, ...plan.buffers[0]!.editedSinceHarvest]).toEqual([copy.id]);
  });
});
