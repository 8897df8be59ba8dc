/**
 * A circuit breaker for the remote, per clone (in the git dir, never committed): after the remote was
 * unreachable, commands skip the network for a cool-down that doubles with each failure (30 s, 1 min, 2 min…
 * up to 30 min), so an offline laptop's hooks cost milliseconds instead of a network timeout each. A sync
 * that reaches the remote closes it; `--retry-now` tries regardless.
 */
import { readFile, rm } from "../infra/quick-fs.js";
import { join } from "node:path";
import { writeTextAtomic } from "../infra/fs.js";

export interface BreakerState {
  remote: string;
  /** Failures in a row. */
  failures: number;
  /** ISO time of the last failure, and until when the network is skipped. */
  since: string;
  until: string;
  reason: string;
}

const file = (commonDir: string) => join(commonDir, "memory", "remote-breaker.json");

export const COOL_DOWN_MS = 30_000;
export const COOL_DOWN_MAX_MS = 30 * 60_000;

/** The first cool-down: `MEMORY_REMOTE_COOLDOWN` seconds (0: never skip the network), else 30 s. */
export function coolDownMs(env: NodeJS.ProcessEnv): number {
  const seconds = Number(env.MEMORY_REMOTE_COOLDOWN);
  return env.MEMORY_REMOTE_COOLDOWN !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : COOL_DOWN_MS;
}

export async function readBreaker(commonDir: string): Promise<BreakerState | null> {
  try {
    const s = JSON.parse(await readFile(file(commonDir), "utf8")) as BreakerState;
    return typeof s.until === "string" && typeof s.failures === "number" ? s : null;
  } catch {
    return null;
  }
}

/** Whether the breaker stops a sync with `remote` at `now`. */
export function isOpen(state: BreakerState | null, remote: string, now: number): state is BreakerState {
  return state !== null && state.remote === remote && Date.parse(state.until) > now;
}

/** One more failure: the cool-down doubles, to at most 30 minutes. */
export async function tripBreaker(commonDir: string, remote: string, reason: string, now: number, first = COOL_DOWN_MS): Promise<BreakerState> {
  const old = await readBreaker(commonDir);
  const failures = old && old.remote === remote ? old.failures + 1 : 1;
  const wait = Math.min(first * 2 ** (failures - 1), Math.max(first, COOL_DOWN_MAX_MS));
  const state: BreakerState = { remote, failures, since: new Date(now).toISOString(), until: new Date(now + wait).toISOString(), reason };
  await writeTextAtomic(file(commonDir), `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

export async function closeBreaker(commonDir: string): Promise<void> {
  await rm(file(commonDir), { force: true });
}
