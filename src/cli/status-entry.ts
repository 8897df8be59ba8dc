/**
 * A bare `memory status` (or `status --json`), the call people and prompts make most: bin/memory.js loads
 * this entry's own bundle, which holds only what status runs, in one file. Any other call (another flag,
 * help) goes to entry.ts.
 */
import { processIo, createOutput } from "../ui/output.js";
import { statusCommand } from "../commands/status.js";
import { ExitCode } from "./exit-codes.js";
import { reportError } from "./boundary.js";

export async function run(argv: string[]): Promise<number> {
  const io = processIo();
  const out = await createOutput(io);
  try {
    await statusCommand({ cwd: io.cwd, env: io.env }, out, argv.includes("--json"));
    return ExitCode.Ok;
  } catch (err) {
    return reportError(err, out);
  }
}
