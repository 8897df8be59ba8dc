/** activeContext by persona: the section format, what a save stamps, and the `latest` merge per section. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { adoptContext, contextKind, contextProblem, parseContext, sectionMarker, stampEdits } from "../src/core/context.js";
import { mergeContext } from "../src/core/merge.js";

const T = (h: number) => `2026-11-22T${String(h).padStart(2, "0")}:00:00Z`;
const section = (persona: string, updated: string | undefined, body: string, by?: string) =>
  `${sectionMarker(persona, updated, by)}\n## ${persona}\n\n${body}\n`;
const file = (...sections: string[]) => `---\nupdated: ${T(9)}\nby: setup\n---\n# Active context\n\nShared intro.\n\n${sections.join("\n")}`;
const merge = (base: string, ours: string, theirs: string) => mergeContext({ base, ours, theirs }).text;
const both = (base: string, ours: string, theirs: string) => {
  const r = merge(base, ours, theirs);
  expect(merge(base, theirs, ours)).toBe(r);
  return r;
};

describe("context sections: reading", () => {
  it("reads sections by persona; ## headings and markers inside code fences stay in their section", () => {
    const text = file(section("dev", T(10), "## Current focus\n\n```md\n<!-- context persona=evil -->\n## not a section\n```"), section("qa", T(11), "Search."));
    const doc = parseContext(text);
    expect(contextKind(doc)).toBe("sections");
    expect(doc.sections.map((s) => [s.persona, s.updated, s.line])).toEqual([["dev", T(10), 9], ["qa", T(11), 19]]);
    expect(doc.sections[0]!.lines.join("\n")).toContain("<!-- context persona=evil -->");
    expect(doc.stamp).toEqual({ updated: T(9), by: "setup" });
    expect(doc.shared).toEqual(["---", "---", "# Active context", "", "Shared intro."]);
  });

  it("reads CRLF, a BOM, no final newline, an empty file, quoted personas", () => {
    const text = `\uFEFF# Ctx\r\n\r\n${sectionMarker("Ann Lee", T(10))}\r\n## Ann Lee\r\nNotes`;
    const doc = parseContext(text);
    expect(doc.shape).toEqual({ bom: true, eol: "\r\n" });
    expect(doc.sections.map((s) => s.persona)).toEqual(["Ann Lee"]);
    expect(sectionMarker("Ann Lee", T(10))).toBe(`<!-- context persona="Ann Lee" updated=${T(10)} -->`);
    expect(contextKind(parseContext(""))).toBe("unstamped");
  });

  it("tells files from before sections apart: one stamped context, or an unstamped one", () => {
    expect(contextKind(parseContext(`---\nupdated: ${T(9)}\nby: dev\n---\n# Ctx\n`))).toBe("single");
    expect(contextKind(parseContext("# Active Context\n\n## Current Focus\n\nWork.\n"))).toBe("unstamped");
    expect(contextKind(parseContext("---\nupdated: someday\n---\n# Ctx\n"))).toBe("unstamped");
  });

  it("names the file and line of a marker it cannot read", () => {
    expect(() => parseContext("# C\n<!-- context updated=x -->\n", { file: "ctx.md" })).toThrow(/^ctx\.md:2: context marker has no persona/);
    expect(() => parseContext(`# C\n${sectionMarker("dev", T(1))}\n\n${sectionMarker("dev", T(2))}\n`, { file: "c" })).toThrow(/^c:4: persona dev has two sections \(the first at line 2\)/);
    expect(() => parseContext("<!-- context persona=dev updated=soon -->\n", { file: "c" })).toThrow(/not an ISO 8601 time/);
    expect(() => parseContext("<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n", { file: "c" })).toThrow(/git conflict markers/);
  });
});

describe("context sections: what a save stamps", () => {
  const head = file(section("dev", T(10), "dev focus"), section("qa", T(10), "qa focus"));

  it("stamps only the section that changed, and the file's stamp", () => {
    const work = head.replace("qa focus", "qa focus, edited");
    const stamped = stampEdits(work, head, T(12), "qa");
    expect(stamped).toContain(`${sectionMarker("dev", T(10))}\n`);
    expect(stamped).toContain(`${sectionMarker("qa", T(12))}\n`);
    expect(stamped).toMatch(new RegExp(`^---\\nupdated: ${T(12)}\\nby: qa\\n---\\n`));
    expect(stampEdits(head, head, T(12), "qa")).toBe(head);
  });

  it("says who changed someone else's section, stamps a section added by hand, and keeps its other attributes", () => {
    const work = head.replace("dev focus", "dev focus (qa was here)") + `\n<!-- context persona=ci note=x -->\n## ci\n`;
    const stamped = stampEdits(work, head, T(12), "qa");
    expect(stamped).toContain(`<!-- context persona=dev updated=${T(12)} by=qa -->`);
    expect(stamped).toContain(`<!-- context persona=ci updated=${T(12)} by=qa note=x -->`);
    expect(stamped).toContain(`${sectionMarker("qa", T(10))}\n`);
  });

  it("stamps a file from before sections as a whole, and leaves an unstamped file alone", () => {
    const single = `---\nupdated: ${T(9)}\nby: dev\n---\n# Ctx\n\nold\n`;
    expect(stampEdits(single.replace("old", "new"), single, T(12), "qa")).toBe(`---\nupdated: ${T(12)}\nby: qa\n---\n# Ctx\n\nnew\n`);
    expect(stampEdits("# Ctx\n\nnew\n", "# Ctx\n\nold\n", T(12), "qa")).toBe("# Ctx\n\nnew\n");
  });
});

describe("context sections: merge", () => {
  const base = file(section("dev", T(10), "dev base"), section("qa", T(10), "qa base"));

  it("keeps each persona's own newer section: two personas saving never replace each other", () => {
    const ours = file(section("dev", T(11), "dev new"), section("qa", T(10), "qa base"));
    const theirs = file(section("dev", T(10), "dev base"), section("qa", T(12), "qa new"));
    const r = both(base, ours, theirs);
    expect(r).toContain("dev new");
    expect(r).toContain("qa new");
    expect(parseContext(r).sections.map((s) => [s.persona, s.updated])).toEqual([["dev", T(11)], ["qa", T(12)]]);
  });

  it("within a section, the later stamp wins whichever side holds it", () => {
    const older = file(section("dev", T(11), "older"), section("qa", T(10), "qa base"));
    const newer = file(section("dev", T(12), "newer"), section("qa", T(10), "qa base"));
    expect(both(base, older, newer)).toContain("newer");
    expect(both(base, older, newer)).not.toContain("older");
  });

  it("merges a section as text when no side stamped its change, or both stamps are equal: both kept", () => {
    const a = base.replace("dev base", "dev edit A");
    const b = base.replace("dev base", "dev edit B");
    const r = both(base, a, b);
    expect(r).toContain("dev edit A\ndev edit B");
    const sa = file(section("dev", T(11), "A"), section("qa", T(10), "qa base"));
    const sb = file(section("dev", T(11), "B"), section("qa", T(10), "qa base"));
    expect(both(base, sa, sb)).toContain("A\nB");
  });

  it("keeps a section only one side has, drops one deleted on one side and unchanged on the other", () => {
    const withCi = base + `\n${section("ci", T(13), "nightly")}`;
    const withoutQa = file(section("dev", T(10), "dev base"));
    const r = both(base, withCi, withoutQa);
    expect(parseContext(r).sections.map((s) => s.persona)).toEqual(["dev", "ci"]);
    // edited on one side, deleted on the other: the edit stays
    const qaEdited = file(section("dev", T(10), "dev base"), section("qa", T(14), "qa edit"));
    expect(both(base, qaEdited, withoutQa)).toContain("qa edit");
  });

  it("merges the shared text line by line and keeps the later file stamp", () => {
    const ours = base.replace("Shared intro.", "Shared intro, edited.").replace(`updated: ${T(9)}\nby: setup`, `updated: ${T(11)}\nby: dev`);
    const theirs = base.replace("# Active context", "# Active context (team)").replace(`updated: ${T(9)}\nby: setup`, `updated: ${T(12)}\nby: qa`);
    const r = both(base, ours, theirs);
    expect(r).toMatch(new RegExp(`^---\\nupdated: ${T(12)}\\nby: qa\\n---\\n# Active context \\(team\\)\\n\\nShared intro, edited\\.\\n`));
  });

  it("merges a file from before sections by its stamp, and an unstamped one as text, keeping both sides", () => {
    const single = (h: number, text: string) => `---\nupdated: ${T(h)}\nby: x\n---\n# Ctx\n\n${text}\n`;
    expect(both(single(9, "base"), single(10, "older"), single(11, "newer"))).toBe(single(11, "newer"));
    // a real bank's context: no frontmatter, no sections; two edits pulled with plain git
    const real = "# Active Context\n\n## Current Focus\n\n- Stage 2 planning\n\n## Recent Changes\n\n- Added caching\n";
    const dev = real.replace("- Stage 2 planning", "- Stage 2: rate limits");
    const qa = real.replace("- Added caching", "- Added caching\n- Fixed flaky test");
    expect(both(real, dev, qa)).toBe("# Active Context\n\n## Current Focus\n\n- Stage 2: rate limits\n\n## Recent Changes\n\n- Added caching\n- Fixed flaky test\n");
    const conflict = both(real, real.replace("Stage 2 planning", "A"), real.replace("Stage 2 planning", "B"));
    expect(conflict).toContain("- A\n- B\n");
    // a side that stamped an unstamped file does not silently win over one that did not
    const stamped = `---\nupdated: ${T(12)}\nby: dev\n---\n${dev}`;
    const r = both(real, stamped, qa);
    expect(r).toContain("Stage 2: rate limits");
    expect(r).toContain("Fixed flaky test");
  });

  it("merges a file that gained sections on one side with its older copy on the other", () => {
    const single = `---\nupdated: ${T(9)}\nby: x\n---\n# Ctx\n\nold text\n`;
    const split = `---\nupdated: ${T(11)}\nby: dev\n---\n# Ctx\n\n${section("dev", T(11), "old text")}`;
    const edited = `---\nupdated: ${T(10)}\nby: qa\n---\n# Ctx\n\nold text\nqa line\n`;
    const r = both(single, split, edited);
    expect(r).toContain("qa line");
    expect(parseContext(r).sections.map((s) => s.persona)).toEqual(["dev"]);
  });

  it("keeps CRLF and a BOM", () => {
    const crlf = (s: string) => `\uFEFF${s.replace(/\n/g, "\r\n")}`;
    const ours = file(section("dev", T(11), "dev new"), section("qa", T(10), "qa base"));
    const theirs = file(section("dev", T(10), "dev base"), section("qa", T(12), "qa new"));
    const r = both(crlf(base), crlf(ours), crlf(theirs));
    expect(r.startsWith("\uFEFF---\r\n")).toBe(true);
    expect(r.replace(/\r\n/g, "")).not.toContain("\n");
  });

  it("does not depend on the side and loses no section a side changed (property)", () => {
    const personas = ["dev", "qa", "ci"];
    const version = fc.record({ h: fc.integer({ min: 9, max: 12 }), body: fc.constantFrom("a", "b", "c\n\n```\n<!-- context persona=x -->\n```") });
    const state = fc.dictionary(fc.constantFrom(...personas), version, { maxKeys: 3 });
    const shared = fc.constantFrom("Intro.", "Intro, edited.", "Other intro.");
    const render = (s: Record<string, { h: number; body: string }>, intro: string) =>
      `# Ctx\n\n${intro}\n\n${personas.filter((p) => s[p]).map((p) => section(p, T(s[p]!.h), s[p]!.body)).join("\n")}`;
    fc.assert(
      fc.property(state, state, state, shared, shared, (b, o, t, io, it2) => {
        const [base, ours, theirs] = [render(b, "Intro."), render(o, io), render(t, it2)];
        const r = merge(base, ours, theirs);
        expect(merge(base, theirs, ours)).toBe(r);
        const got = new Map(parseContext(r).sections.map((s) => [s.persona, s.lines.join("\n")]));
        for (const p of personas) {
          const changed = (side: typeof o) => side[p] && (!b[p] || side[p]!.h !== b[p]!.h || side[p]!.body !== b[p]!.body);
          if (changed(o) || changed(t)) expect(got.has(p)).toBe(true);
        }
        expect(merge(base, r, r)).toBe(r);
      }),
      { numRuns: 500 },
    );
  });
});

describe("doctor's view of a context", () => {
  const real = "# Active Context\n\n## Current Focus\n\n- Stage 2\n";

  it("reports an unstamped context and a stamp that is not a time", () => {
    expect(contextProblem("ctx.md", real)).toMatch(/^ctx\.md:1: no updated: stamp and no persona sections/);
    expect(contextProblem("ctx.md", "---\nupdated: someday\n---\n# Ctx\n")).toBe('ctx.md:2: updated: "someday" is not an ISO 8601 time');
    expect(contextProblem("ctx.md", file(section("dev", T(1), "x")))).toBeUndefined();
    expect(contextProblem("ctx.md", `---\nupdated: ${T(9)}\nby: dev\n---\n# Ctx\n`)).toBeUndefined();
  });

  it("stamps an unstamped context by making its text the section of the persona fixing it, word for word", () => {
    const fixed = adoptContext(real, T(12), "dev");
    expect(fixed).toBe(`---\nupdated: ${T(12)}\nby: dev\n---\n# Active Context\n\n${sectionMarker("dev", T(12))}\n## Current Focus\n\n- Stage 2\n`);
    expect(contextProblem("c", fixed)).toBeUndefined();
    expect(adoptContext(fixed, T(13), "qa")).toBe(fixed);
    expect(adoptContext("---\nupdated: someday\n---\n# Ctx\n", T(12), "dev")).toBe(`---\nupdated: ${T(12)}\nby: dev\n---\n# Ctx\n\n${sectionMarker("dev", T(12))}\n`);
  });
});
