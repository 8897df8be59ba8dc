/** Where errors become words and exit codes, shared by the full parser (main.ts) and the fast path (fast.ts). */
import { MemoryError } from "../core/errors.js";
import { describe, describeFileError, exitCodeOf, isFileError } from "../ui/messages.js";
import type { Output } from "../ui/output.js";
import { ExitCode } from "./exit-codes.js";

/** Says what went wrong on stderr, in one line with the next step (a stack only for a bug), and returns the exit code. */
export function reportError(err: unknown, out: Output): number {
  if (err instanceof MemoryError) {
    out.error(`memory: ${describe(err)}`);
    return exitCodeOf(err);
  }
  if (isFileError(err)) {
    out.error(`memory: ${describeFileError(err, out.io.cwd)}`);
    return ExitCode.Failed;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  out.error(`memory: unexpected error; this is a bug, please report it with the output of \`memory --version\`\n${detail}`);
  return ExitCode.Internal;
}

/** The environment hook commands run in: the remote is waited for 10 s at most (less if the user says so). */
export function hookEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const set = Number(env.MEMORY_NETWORK_TIMEOUT);
  // Another memory command holding the clone is waited for 5 s at most: the agent's session must not hang.
  return { ...env, MEMORY_NETWORK_TIMEOUT: String(Number.isFinite(set) && set > 0 ? Math.min(set, 10) : 10), MEMORY_LOCK_WAIT: env.MEMORY_LOCK_WAIT ?? "5" };
}
