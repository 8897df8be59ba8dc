import { describe, expect, it } from "vitest";
import { defaultConfig, findBuffer, parseConfig, resolveConfig } from "../src/core/config.js";
import { errorOf } from "./samples.js";

describe("config", () => {
  it("has the spec's defaults", () => {
    const c = defaultConfig();
    expect(c.bank).toBe(".claude/memory-bank");
    expect([c.buffers.patterns.threshold, c.buffers.patterns.unit]).toEqual([20, "lines"]);
    expect([c.buffers.lessons.threshold, c.buffers.lessons.unit]).toEqual([15, "lines"]);
    expect([c.buffers.decisions.threshold, c.buffers.decisions.unit]).toEqual([5, "items"]);
    expect(c.buffers.decisions.target).toBe("Docs/03-Reference/ADR");
    expect(c.context.merge).toBe("latest");
    expect(c.log.merge).toBe("log");
  });

  it("lays a partial file over the defaults", () => {
    const c = resolveConfig({ version: 1, bank: "notes/bank", buffers: { lessons: { threshold: 3 } } });
    expect(c.bank).toBe("notes/bank");
    expect(c.buffers.lessons.threshold).toBe(3);
    expect(c.buffers.lessons.file).toBe("lessons-buffer.md");
    expect(c.buffers.patterns.threshold).toBe(20);
  });

  it("takes a file without a version, as every setting may be left out", () => {
    expect(resolveConfig({ bank: "notes/bank" }).bank).toBe("notes/bank");
    expect(resolveConfig({}).version).toBe(1);
  });

  it("round-trips its own output", () => {
    expect(parseConfig(JSON.stringify(defaultConfig()))).toEqual(defaultConfig());
  });

  it.each([
    [{ version: 2 }, "newer than this memory understands"],
    [{ version: 1, buffers: { patterns: { treshold: 3 } } }, 'buffers.patterns.treshold is not a known setting (did you mean "threshold"?)'],
    [{ version: 1, buffers: { patterns: { threshold: 0 } } }, "buffers.patterns.threshold must be a whole number from 1"],
    [{ version: 1, buffers: { lessons: { unit: "words" } } }, 'buffers.lessons.unit must be one of "lines", "items"'],
    [{ version: 1, context: { merge: "ours" } }, "context.merge must be one of"],
    [{ version: 1, bank: "../elsewhere" }, "bank may not contain '..'"],
    [{ version: 1, bank: "/abs" }, "bank must be relative"],
    [{ version: 1, log: { file: "sub/log.md" } }, "log.file must be a file name inside the bank folder"],
    [{ version: 1, log: { file: "activeContext.md" } }, 'name "activeContext.md" twice'],
    [{ version: 1, near: 2 }, "near must be a number above 0 and at most 1"],
    [[], "must hold a JSON object"],
  ])("refuses %j with a message naming the setting", (raw, message) => {
    const msg = errorOf(() => resolveConfig(raw, "cfg.json"));
    expect(msg.startsWith("cfg.json: ")).toBe(true);
    expect(msg).toContain(message);
    expect(msg).toContain("delete the file to use the defaults");
  });

  it("says when the file is not JSON", () => {
    expect(errorOf(() => parseConfig("{ version: 1 }", "cfg.json"))).toMatch(/^cfg\.json: not valid JSON/);
  });

  it("finds buffers by key or by label", () => {
    const c = defaultConfig();
    expect(findBuffer(c, "patterns")).toBe("patterns");
    expect(findBuffer(c, "decisions-inbox")).toBe("decisions");
    expect(findBuffer(c, "nope")).toBeUndefined();
  });
});
