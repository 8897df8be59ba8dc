import { MemoryError } from "./errors.js";

/** The current time, or `MEMORY_NOW` when set, so tests and demos produce the same output twice. */
export function now(env: NodeJS.ProcessEnv = process.env): Date {
  const fixed = env.MEMORY_NOW;
  if (fixed === undefined || fixed === "") return new Date();
  const ms = Date.parse(fixed);
  // Entry ids hold the time since 1970: an earlier clock cannot name an entry.
  if (Number.isNaN(ms) || ms < 0 || ms > 2 ** 48 - 1) {
    throw new MemoryError("clock", `MEMORY_NOW is not an ISO 8601 time from 1970 on: "${fixed}"; use e.g. 2026-01-31T09:30:00Z or unset it`);
  }
  return new Date(ms);
}

/** ISO 8601 UTC to the second: `2026-11-22T10:04:05Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
