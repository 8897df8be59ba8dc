/** The marker reader: one pass over `key=value` pairs, held to the regular-expression reader it replaced. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readMarker } from "../src/core/marker.js";
import { readMarkerByRegex } from "./oracle/marker-regex.js";

const outcome = (f: () => Map<string, string>): { value: Array<[string, string]> } | { error: string } => {
  try {
    return { value: [...f()] };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
};

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("id=a1", "at=2026-01-02T03:04:05Z", "type=task", "tags=a,b", 'by="dev team"', 'x="q\\"uote"', "k-1=v_2", "to=qa") },
  { weight: 3, arbitrary: fc.constantFrom(" ", "  ", "\t", "\u00a0", "\u3000", "") },
  { weight: 2, arbitrary: fc.constantFrom("=", '"', "\\", "a=", "=b", '"open', "9x=1", "-->", "é=1", "a=b\"c", 'a="b"c=d') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

describe("reading a marker", () => {
  it("gives the attributes, or the error, the regular-expression reader gave", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.constantFrom("", " ", "  \t"), (pieces, tail) => {
        const line = `<!-- entry ${pieces.join(" ")} -->${tail}`;
        const joined = `<!-- entry ${pieces.join("")} -->`;
        for (const l of [line, joined]) expect(outcome(() => readMarker(l, "entry", 3, "f.md"))).toEqual(outcome(() => readMarkerByRegex(l, "entry", 3, "f.md")));
      }),
      { numRuns: 2000 },
    );
  });

  it("reads quoted values with escapes, and names the place it cannot read", () => {
    expect([...readMarker('<!-- entry id=a1 by="a \\"b\\" c" tags=x,y -->', "entry", 1, "f")]).toEqual([["id", "a1"], ["by", 'a "b" c'], ["tags", "x,y"]]);
    expect(() => readMarker("<!-- entry id=a1 =oops -->", "entry", 7, "f.md")).toThrow('f.md:7: cannot read the entry marker near "=oops"');
    expect(() => readMarker("<!-- entry id=a1", "entry", 2, "f.md")).toThrow("f.md:2: entry marker does not end with -->");
  });
});
