/**
 * A bank big enough (over 64 KB a buffer) that commands keep what they found about it instead of reading it
 * again (ADR-021): a buffer's counts by its file's identity and its text's hash, and the counts after a merge
 * worked out from the counts before and the part that changed. Whatever is kept, each command must say what
 * reading everything would say.
 */
import { describe, expect, it } from "vitest";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BANK } from "./helpers.js";
import { ok, team } from "./fixtures.js";
import { countBuffer } from "../src/core/thresholds.js";

const PATTERNS = `${BANK}/patterns-buffer.md`;
const entry = (k: number, by: string) =>
  `<!-- entry id=01M8K${by === "dev" ? "0" : "1"}00000000000000${String(k).padStart(6, "0")} type=pattern by=${by} at=2026-11-22T10:00:00Z -->\n## Pattern ${k} of ${by}\n\nWhat was found, with enough words to make the buffer big.\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a big bank", () => {
  it("start names what another clone added and counts the buffer as a full reading does, run after run", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    writeFileSync(join(dev, PATTERNS), `${sb.read(dev, PATTERNS)}\n${Array.from({ length: 700 }, (_, k) => entry(k, "dev")).join("\n")}`);
    ok(sb.memoryCli(dev, ["save"]));
    ok(sb.memoryCli(qa, ["start"]));
    for (let round = 0; round < 3; round++) {
      await sleep(150); // older than the file system's tick: kept by identity from here on
      ok(sb.memoryCli(dev, ["status"]));
      ok(sb.memoryCli(dev, ["status"]));
      appendFileSync(join(qa, PATTERNS), `\n${entry(round, "qa")}`);
      ok(sb.memoryCli(qa, ["save"]));
      const started = JSON.parse(ok(sb.memoryCli(dev, ["start", "--json"])).stdout) as { newEntries: Array<{ title: string; author: string }>; warnings: string[] };
      expect(started.newEntries.map((e) => [e.title, e.author])).toEqual([[`Pattern ${round} of qa`, "qa"]]);
      const full = countBuffer(sb.read(dev, PATTERNS));
      // How full the buffer is, as the start says it (worked out from before and the part that changed).
      expect(started.warnings.find((w) => w.startsWith("patterns-buffer"))).toMatch(new RegExp(`^patterns-buffer has ${full.lines} lines`));
      const status = JSON.parse(ok(sb.memoryCli(dev, ["status", "--json"])).stdout) as { buffers: Array<{ name: string; lines: number; items: number }> };
      expect(status.buffers.find((b) => b.name === "patterns")).toMatchObject({ lines: full.lines, items: 701 + round });
    }
  }, 30_000);
});
