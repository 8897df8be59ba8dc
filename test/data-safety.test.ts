/**
 * Nothing lost: whatever people and agents put in the bank, and however a command ends. Each test is a
 * way the bank once lost or damaged what someone wrote.
 */
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BANK, Sandbox } from "./helpers.js";
import { parseBuffer } from "../src/core/entries.js";

const LESSONS = `${BANK}/lessons-buffer.md`;

function ok(run: { code: number; stderr: string; stdout: string }): typeof run {
  expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
  return run;
}

async function initialized(): Promise<{ sb: Sandbox; repo: string }> {
  const sb = new Sandbox();
  const repo = sb.repo();
  ok(await sb.memory(repo, ["init", "--persona", "dev"]));
  return { sb, repo };
}

describe("add never changes what is already in the buffer", () => {
  it("keeps bytes that are not UTF-8 in other entries exactly as they were", async () => {
    const { sb, repo } = await initialized();
    const path = join(repo, LESSONS);
    const before = Buffer.concat([
      readFileSync(path),
      Buffer.from("\n<!-- entry id=latin-1 type=lesson by=dev at=2026-11-20T10:00:00Z -->\n## Caf", "utf8"),
      Buffer.from([0xe9, 0x20, 0xff, 0xfe]),
      Buffer.from("\n\nBody with a stray byte: ", "utf8"),
      Buffer.from([0x80]),
      Buffer.from("\n", "utf8"),
    ]);
    writeFileSync(path, before);
    const id = ok(await sb.memory(repo, ["add", "lesson", "Après coup", "-m", "naïve"])).stdout.trim();
    const after = readFileSync(path);
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    const added = parseBuffer(after.toString("utf8")).entries.at(-1)!;
    expect([added.id, added.title, added.body]).toEqual([id, "Après coup", "naïve"]);
  });

  it("refuses to add after a code fence that never closes, naming its line, and changes nothing", async () => {
    const { sb, repo } = await initialized();
    const hand = `${sb.read(repo, LESSONS)}\n<!-- entry id=hand-1 -->\n## Written by hand\n\n\`\`\`js\nconsole.log("no end")\n`;
    sb.write(repo, LESSONS, hand);
    const res = await sb.memory(repo, ["add", "lesson", "Lost in the fence"]);
    expect(res.code).toBe(1);
    const fenceLine = hand.split("\n").indexOf("```js") + 1;
    expect(res.stderr).toContain(`${LESSONS}:${fenceLine}: a code fence opens here and never closes`);
    expect(res.stdout).toBe("");
    expect(sb.read(repo, LESSONS)).toBe(hand);
  });

  it("keeps CRLF line endings and a BOM when it appends", async () => {
    const { sb, repo } = await initialized();
    const crlf = `\uFEFF${sb.read(repo, LESSONS).replace(/\n/g, "\r\n")}`;
    sb.write(repo, LESSONS, crlf);
    ok(await sb.memory(repo, ["add", "lesson", "Windows", "-m", "two\nlines"]));
    const text = sb.read(repo, LESSONS);
    expect(text.startsWith(crlf)).toBe(true);
    expect(text.slice(crlf.length)).not.toMatch(/[^\r]\n/);
    expect(parseBuffer(text).entries.map((e) => e.body)).toEqual(["two\nlines"]);
  });
});
