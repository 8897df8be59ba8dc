/** SESSION_LOG: every line once, none lost, also with lines people wrote by hand under a timed one. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { logLine, mergeLog } from "../src/core/merge.js";
import { BANK, Sandbox } from "./helpers.js";

const header = "# Session log\n\nOne line per start and save.\n";
const log = (...lines: string[]) => `${header}\n${lines.join("\n")}\n`;
const t1 = logLine("2026-11-22T10:00:00Z", "dev", "start");
const t2 = logLine("2026-11-22T10:05:00Z", "qa", "save");
const t3 = logLine("2026-11-22T10:03:00Z", "dev", "save");
const merge = (base: string, ours: string, theirs: string) => mergeLog({ base, ours, theirs });
const lines = (text: string) => text.replace(/\n$/, "").split("\n");

describe("session log with hand-written lines", () => {
  it("writes a timed line once when both sides wrote different notes under it", () => {
    const base = log(t1);
    const ours = log(t1, "  dev: deploy was slow", t3);
    const theirs = log(t1, "  qa: saw it too", t2);
    const r = merge(base, ours, theirs);
    expect(r).toBe(merge(base, theirs, ours));
    expect(lines(r).filter((l) => l === t1)).toHaveLength(1);
    expect(r).toBe(log(t1, "  dev: deploy was slow", "  qa: saw it too", t3, t2));
  });

  it("keeps a note under the last line when the other side appends", () => {
    const base = log(t1);
    expect(merge(base, log(t1, "note"), log(t1, t2))).toBe(log(t1, "note", t2));
    expect(merge(base, log(t1, t2), log(t1, "note"))).toBe(log(t1, "note", t2));
  });

  it("keeps the same note once, an edited note and the note a side kept when the other deleted its line", () => {
    const base = log(t1, "note", t3);
    expect(merge(base, log(t1, "note", t3, t2), log(t1, "note", t3))).toBe(log(t1, "note", t3, t2));
    expect(merge(base, log(t1, "note (edited)", t3), log(t3))).toBe(log(t1, "note (edited)", t3)); // edit beats delete
    expect(merge(base, log(t1, "note", t3), log(t3))).toBe(log(t3)); // unchanged, deleted: gone
  });

  it("keeps blank lines inside a note, CRLF, and the header's own lines", () => {
    const crlf = (s: string) => s.replace(/\n/g, "\r\n");
    const base = crlf(log(t1));
    const r = merge(base, crlf(log(t1, "para 1", "", "para 2")), crlf(log(t1, t2)));
    expect(r).toBe(crlf(log(t1, "para 1", "", "para 2", t2)));
    const h = "# Session log\n\n**Date**: x\n";
    const r2 = merge(`${h}\n${t1}\n`, `${h}**Date**: x\n\n${t1}\n`, `${h}**Date**: x\n\n${t1}\n`);
    expect(r2).toBe(`${h}**Date**: x\n\n${t1}\n`);
  });

  it("never doubles a line and never loses one a side added (property)", () => {
    const timed = [t1, t2, t3, logLine("2026-11-22T09:00:00Z", "ci", "harvest")];
    const note = fc.constantFrom("note a", "note b", "  indented", "");
    const event = fc.tuple(fc.constantFrom(...timed), fc.array(note, { maxLength: 2 }));
    const file = fc.uniqueArray(event, { selector: ([l]) => l, maxLength: 4 });
    const render = (events: Array<[string, string[]]>) => log(...events.flatMap(([l, notes]) => [l, ...notes]).filter((l, i, a) => !(l === "" && (i === a.length - 1 || timed.includes(a[i + 1]!)))));
    fc.assert(
      fc.property(file, file, file, (b, o, t) => {
        const [base, ours, theirs] = [render(b), render(o), render(t)];
        const r = merge(base, ours, theirs);
        expect(merge(base, theirs, ours)).toBe(r);
        const got = lines(r);
        for (const l of timed) expect(got.filter((x) => x === l).length).toBeLessThanOrEqual(1);
        const count = (text: string, l: string) => lines(text).filter((x) => x === l).length;
        for (const l of new Set([...lines(ours), ...lines(theirs)])) {
          if (l === "") continue;
          const added = Math.max(count(ours, l) - count(base, l), count(theirs, l) - count(base, l));
          expect(count(r, l)).toBeGreaterThanOrEqual(added);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("session log through git", () => {
  it("two clones write notes under the same line and save: the line is there once, both notes too", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const first = sb.clone(origin, "setup");
    expect((await sb.memory(first, ["init", "--persona", "setup"])).code).toBe(0);
    expect((await sb.memory(first, ["save", "-m", "bank"], { env: { MEMORY_NOW: "2026-11-22T08:00:00Z" } })).code).toBe(0);
    const [dev, qa] = ["dev", "qa"].map((p) => sb.clone(origin, p)) as [string, string];
    for (const [c, p] of [[dev, "dev"], [qa, "qa"]] as const) expect((await sb.memory(c, ["init", "--persona", p])).code).toBe(0);
    const LOG = `${BANK}/SESSION_LOG.md`;
    const last = lines(sb.read(dev, LOG)).at(-1)!;
    expect(last).toMatch(/^- 2026-11-22T08:00:00Z · setup · save/);
    sb.write(dev, LOG, `${sb.read(dev, LOG)}  dev: the first save took 4 s\n`);
    sb.write(qa, LOG, `${sb.read(qa, LOG)}  qa: mine took 5 s\n`);
    expect((await sb.memory(dev, ["save"], { env: { MEMORY_NOW: "2026-11-22T09:00:00Z" } })).code).toBe(0);
    const saved = await sb.memory(qa, ["save"], { env: { MEMORY_NOW: "2026-11-22T09:30:00Z" } });
    expect(saved.code, saved.stderr).toBe(0);
    const got = lines(sb.read(qa, LOG));
    expect(got.filter((l) => l === last)).toHaveLength(1);
    expect(got).toContain("  dev: the first save took 4 s");
    expect(got).toContain("  qa: mine took 5 s");
    expect((await sb.memory(dev, ["start"], { env: { MEMORY_NOW: "2026-11-22T10:00:00Z" } })).code).toBe(0);
    expect(lines(sb.read(dev, LOG)).filter((l) => l === last)).toHaveLength(1);
  });
});
