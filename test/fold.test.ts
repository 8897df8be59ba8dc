/** Folding many heads of the bank at once: merge bases from the graph, and the files merged head by head. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { foldFiles, planFold, type FileVersion, type GraphCommit } from "../src/core/fold.js";
import { mergeBuffers } from "../src/core/merge.js";
import { createEntry, parseBuffer, serializeBuffer } from "../src/core/entries.js";

const c = (oid: string, ...parents: string[]): GraphCommit => ({ oid, parents });

describe("planning the fold", () => {
  it("drops heads already in another head's history and keeps ours first", () => {
    // S is the boundary (common to all); A and B branch from it; C is on top of A.
    const commits = [c("A", "S"), c("B", "S"), c("C", "A")];
    expect(planFold(commits, ["B", "A", "C"], "S")).toEqual({ heads: ["B", "C"], bases: ["S"], crissCross: false });
    expect(planFold(commits, ["C", "A"], "S")).toEqual({ heads: ["C"], bases: [], crissCross: false });
  });

  it("takes as each head's base its best common ancestor with all the heads before it", () => {
    // ours O and writer W1 both built on X (above S); W2 built on S only; W3 built on W1.
    const commits = [c("X", "S"), c("O", "X"), c("W1", "X"), c("W2", "S"), c("W3", "W1")];
    const plan = planFold(commits, ["O", "W2", "W3"], "S");
    expect(plan.heads).toEqual(["O", "W2", "W3"]);
    expect(plan.bases).toEqual(["S", "X"]);
  });

  it("sees a base that is a merge of two writers, not only the boundary", () => {
    // M merges W1 and W2; ours O is on M; a late writer L is on W1 only.
    const commits = [c("W1", "S"), c("W2", "S"), c("M", "W1", "W2"), c("O", "M"), c("L", "W1")];
    expect(planFold(commits, ["O", "L"], "S").bases).toEqual(["W1"]);
  });

  it("says when a head has two best bases (a criss-cross), which one base alone would merge wrongly", () => {
    // A1 and B1 on S; MA merges A1 and B1, MB merges B1 and A1: MA and MB share both as best bases.
    const commits = [c("A1", "S"), c("B1", "S"), c("MA", "A1", "B1"), c("MB", "B1", "A1")];
    expect(planFold(commits, ["MA", "MB"], "S").crissCross).toBe(true);
    expect(planFold([c("X", "S"), c("O", "X"), c("W", "X")], ["O", "W"], "S").crissCross).toBe(false);
  });

  it("gives no base to unrelated histories", () => {
    expect(planFold([c("A"), c("B")], ["A", "B"], null)).toEqual({ heads: ["A", "B"], bases: [null], crissCross: false });
  });

  it("a head that is the boundary itself is in every other head's history", () => {
    expect(planFold([c("A", "S")], ["S", "A"], "S")).toEqual({ heads: ["A"], bases: [], crissCross: false });
  });
});

const T0 = Date.parse("2026-01-01T00:00:00Z");
const entry = (k: number, title = `Entry ${k}`) =>
  createEntry({ id: `01JG${String(k).padStart(22, "0")}`.slice(0, 26).toUpperCase(), type: "pattern", author: "dev", createdAt: new Date(T0 + k * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z"), title, tags: [], body: `body ${k}` });
const buffer = (ks: number[]) => serializeBuffer({ shape: { eol: "\n", bom: false }, header: ["# Patterns", ""], entries: ks.map((k) => entry(k)) });

/** Files as a commit holds them, with the texts kept by a made-up blob id (the text itself, prefixed). */
function files(map: Record<string, string | undefined>): Map<string, FileVersion> {
  return new Map(Object.entries(map).filter((e): e is [string, string] => e[1] !== undefined).map(([p, t]) => [p, { oid: `blob:${t}`, mode: "100644" }]));
}
const text = (oid: string) => oid.slice(5);
const union = (path: string, base: string, ours: string, theirs: string) => (path.endsWith(".md") ? mergeBuffers({ base, ours, theirs, file: path }) : null);
const entriesOf = (r: ReturnType<typeof foldFiles>, path: string) => {
  if (r.kind !== "merged") throw new Error(`undecided: ${r.path}`);
  const v = r.files.get(path)!;
  return parseBuffer("text" in v ? v.text : text(v.oid)).entries.map((e) => e.title);
};

describe("folding the files", () => {
  it("keeps every head's new entries and honours a deletion made on any head", () => {
    const base = files({ "p.md": buffer([1, 2]) });
    const ours = files({ "p.md": buffer([2]) }); // entry 1 harvested here
    const w1 = files({ "p.md": buffer([1, 2, 3]) });
    const w2 = files({ "p.md": buffer([1, 2, 4]) });
    const r = foldFiles([ours, w1, w2], [base, base], text, union);
    expect(entriesOf(r, "p.md")).toEqual(["Entry 2", "Entry 3", "Entry 4"]);
  });

  it("gives the same bytes whatever order the writers come in", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([3, 4, 5, 6, 7], { minLength: 2, maxLength: 5 }), (order) => {
        const base = files({ "p.md": buffer([1, 2]) });
        const ours = files({ "p.md": buffer([1]) });
        const heads = order.map((k) => files({ "p.md": buffer([1, 2, k]) }));
        const forward = foldFiles([ours, ...heads], heads.map(() => base), text, union);
        const backward = foldFiles([ours, ...[...heads].reverse()], heads.map(() => base), text, union);
        expect(forward).toEqual(backward);
      }),
      { numRuns: 30 },
    );
  });

  it("takes a side's version whole when the other left the file as the base had it, and deletions of whole files", () => {
    const base = files({ "a.md": "A", "gone.json": "{}" });
    const ours = files({ "a.md": "A", "gone.json": "{}" });
    const theirs = files({ "a.md": "A2" });
    const r = foldFiles([ours, theirs], [base], text, union);
    expect(r.kind).toBe("merged");
    if (r.kind === "merged") expect([...r.files.keys()]).toEqual(["a.md"]);
  });

  it("leaves undecided a file deleted on one side and changed on the other, and a file no driver merges", () => {
    const base = files({ "a.md": buffer([1]), "c.json": "{}" });
    expect(foldFiles([files({ "c.json": "{}" }), files({ "a.md": buffer([1, 2]), "c.json": "{}" })], [base], text, union)).toEqual({ kind: "undecided", path: "a.md" });
    expect(foldFiles([files({ "a.md": buffer([1]), "c.json": '{"a":1}' }), files({ "a.md": buffer([1]), "c.json": '{"b":1}' })], [base], text, union)).toEqual({ kind: "undecided", path: "c.json" });
  });

  it("merges a file added on two heads with an empty base, as git gives a driver", () => {
    const r = foldFiles([files({ "n.md": buffer([1]) }), files({ "n.md": buffer([2]) })], [null], text, union);
    expect(entriesOf(r, "n.md")).toEqual(["Entry 1", "Entry 2"]);
  });
});
