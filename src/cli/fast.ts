/**
 * The commonest calls without the argument parser: `status`, `start` and `save` with their flags that take
 * no value, and the agents' hooks (`save --hook`, `context --hook`). Loading commander costs more than some
 * of these commands' work. Anything else (another flag, a value, help, a typo) goes to the full parser,
 * which declares the same commands and options (main.ts).
 */
import type { Io } from "../ui/output.js";
import { createOutput } from "../ui/output.js";
import { ExitCode } from "./exit-codes.js";
import { reportError } from "./boundary.js";
import { contextHookAction, saveAction } from "./actions.js";

const FLAGS: Record<string, readonly string[]> = {
  status: ["--json"],
  start: ["--json", "--retry-now"],
  save: ["--json", "--retry-now", "--no-push", "--allow-secret", "--hook"],
  context: ["--hook"],
};

/** Runs the call when it is one of the fast ones and returns its exit code; null when the full parser must take it. */
export async function fastMain(argv: readonly string[], io: Io): Promise<number | null> {
  const [command, ...flags] = argv.slice(2);
  const allowed = command !== undefined && Object.hasOwn(FLAGS, command) ? FLAGS[command] : undefined;
  if (!allowed || new Set(flags).size !== flags.length || !flags.every((f) => allowed.includes(f))) return null;
  if (command === "context" && flags.length === 0) return null;
  const has = (flag: string) => flags.includes(flag);
  const out = await createOutput(io);
  const where = { cwd: io.cwd, env: io.env };
  try {
    if (command === "status") {
      const { statusCommand } = await import("../commands/status.js");
      await statusCommand(where, out, has("--json"));
    } else if (command === "start") {
      const { startCommand } = await import("../commands/start.js");
      await startCommand({ ...where, retryNow: has("--retry-now") }, out, has("--json"));
    } else if (command === "save") {
      await saveAction(out, { push: !has("--no-push"), allowSecret: has("--allow-secret"), json: has("--json"), hook: has("--hook"), retryNow: has("--retry-now") });
    } else if (command === "context") {
      await contextHookAction(out, {}); // the briefing's default budget
    }
    return ExitCode.Ok;
  } catch (err) {
    return reportError(err, out);
  }
}
