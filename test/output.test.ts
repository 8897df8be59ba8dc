// stdout and stderr are written with the file system's writes (src/ui/output.ts, processStream). These are the
// cases a real pipe shows only now and then: a partial write, a full pipe that does not block, a reader gone.
import { describe, expect, it } from "vitest";
import type { writeSync } from "node:fs";
import { processStream } from "../src/ui/output.js";

/** A pipe as `writeSync` sees it: takes at most `room` bytes a call, then says EAGAIN (or EPIPE) once full. */
function pipe(room: number, total: number, full: "EAGAIN" | "EPIPE") {
  const got: Buffer[] = [];
  let taken = 0;
  const write = ((_fd: number, bytes: Buffer, offset: number) => {
    if (taken >= total) throw Object.assign(new Error(full), { code: full });
    const n = Math.min(room, total - taken, bytes.length - offset);
    got.push(Buffer.from(bytes.subarray(offset, offset + n)));
    taken += n;
    return n;
  }) as unknown as typeof writeSync;
  return { write, got };
}

/** node's stream as the hand-over sees it: what it was given, in order. */
function nodeStream() {
  const got: Array<string | Buffer> = [];
  const stream = { write: (chunk: string | Buffer) => void got.push(chunk), on: () => stream } as unknown as NodeJS.WriteStream;
  return { stream, got };
}

describe("writing to stdout and stderr", () => {
  it("writes all of a text through partial writes, multi-byte characters whole", () => {
    const p = pipe(7, Infinity, "EAGAIN");
    const out = processStream(1, () => nodeStream().stream, p.write);
    const text = "entrée ✓ — ".repeat(50);
    out.write(text);
    expect(Buffer.concat(p.got).toString("utf8")).toBe(text);
  });

  it("hands what is left, and everything after it, to node's stream when the pipe is full and does not block", () => {
    const p = pipe(4096, 10_000, "EAGAIN");
    const node = nodeStream();
    let made = 0;
    const out = processStream(1, () => (made++, node.stream), p.write);
    const first = "é".repeat(8_000); // 16,000 bytes: 10,000 go straight through
    out.write(first);
    out.write("next\n");
    expect(made).toBe(1);
    const rest = Buffer.concat(node.got.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
    expect(Buffer.concat([...p.got, rest]).toString("utf8")).toBe(`${first}next\n`);
  });

  it("goes quiet once the reader is gone, and writes nothing more", () => {
    const p = pipe(4096, 5, "EPIPE");
    const node = nodeStream();
    const out = processStream(2, () => node.stream, p.write);
    out.write("hello, and more");
    out.write("after");
    expect(Buffer.concat(p.got).toString()).toBe("hello");
    expect(node.got).toEqual([]);
  });
});
