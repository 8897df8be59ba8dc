/**
 * The commonest calls without the argument parser: `status`, `start` and `save` with their flags that take
 * no value, the agents' hooks (`save --hook`, `context --hook`), and `add` with a body and tags. Loading commander costs more than some
 * of these commands' work. Anything else (another flag, a value, help, a typo) goes to the full parser,
 * which declares the same commands and options (main.ts).
 */
import type { Io } from "../ui/output.js";
import { createOutput } from "../ui/output.js";
import { ExitCode } from "./exit-codes.js";
import { reportError } from "./boundary.js";
import { addAction, contextHookAction, saveAction, type AddFlags } from "./actions.js";

const FLAGS: Record<string, readonly string[]> = {
  status: ["--json"],
  start: ["--json", "--retry-now"],
  save: ["--json", "--retry-now", "--no-push", "--allow-secret", "--hook"],
  context: ["--hook"],
};

/** `add`'s options the fast path takes, each with a value; `--json` takes none. */
const ADD_VALUES: Record<string, keyof AddFlags> = { "-m": "message", "--message": "message", "--tags": "tags", "--persona": "persona" };

/**
 * `add <type> <title>` (or `remember`) with `-m BODY` (`-m -`: from stdin), `--tags LIST`, `--persona P` and
 * `--json`, each once, in any order: the two words and the flags as the parser reads them. Null for anything
 * else: another flag, a value or word that starts with a dash, a flag twice, `--flag=value`.
 */
export function fastAdd(args: readonly string[]): { type: string; title: string; flags: AddFlags } | null {
  const words: string[] = [];
  const flags: AddFlags = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("-")) {
      words.push(a);
      continue;
    }
    if (a === "--json" && flags.json === undefined) {
      flags.json = true;
      continue;
    }
    const key = Object.hasOwn(ADD_VALUES, a) ? ADD_VALUES[a]! : undefined;
    const value = args[i + 1];
    if (!key || flags[key] !== undefined || value === undefined || (value.startsWith("-") && !(key === "message" && value === "-"))) return null;
    (flags as Record<string, string>)[key] = value;
    i++;
  }
  return words.length === 2 ? { type: words[0]!, title: words[1]!, flags } : null;
}

/** Runs the call when it is one of the fast ones and returns its exit code; null when the full parser must take it. */
export async function fastMain(argv: readonly string[], io: Io): Promise<number | null> {
  const [command, ...flags] = argv.slice(2);
  if (command === "add" || command === "remember") {
    const call = fastAdd(flags);
    if (!call) return null;
    const out = await createOutput(io);
    try {
      await addAction(out, call.type, call.title, call.flags);
      return ExitCode.Ok;
    } catch (err) {
      return reportError(err, out);
    }
  }
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
