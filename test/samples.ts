/** Values the string-only tests share: one entry's fields, and the message of a refusal. */
import { expect } from "vitest";
import type { EntryFields } from "../src/core/entries.js";
import { MemoryError } from "../src/core/errors.js";

/** A pattern entry's fields, with `over` laid on top. */
export function sampleFields(over: Partial<EntryFields> = {}): EntryFields {
  return {
    id: "01JD0000000000000000000001",
    type: "pattern",
    author: "dev",
    createdAt: "2026-11-22T10:00:00Z",
    title: "Retry pushes with jitter",
    tags: [],
    body: "Back off between attempts.",
    ...over,
  };
}

/** The message of the MemoryError `fn` throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MemoryError);
    return (err as Error).message;
  }
  throw new Error("expected an error");
}
