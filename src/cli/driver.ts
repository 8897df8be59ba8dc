/** The merge driver's own entry point: git starts it once per conflicted bank file, so it skips the parser. */
import { mergeDriverCommand } from "../commands/merge-driver.js";
import { createOutput, processIo } from "../ui/output.js";

export async function runDriver(args: readonly string[]): Promise<number> {
  return mergeDriverCommand(args, await createOutput(processIo()));
}
