/**
 * The merge driver's own entry point: git starts it once per conflicted bank file, so it skips the parser, and it
 * makes the output (the process streams, colours) only when it has something to say: a clean merge writes nothing.
 */
import { mergeDriverCommand } from "../commands/merge-driver.js";

/** Merges, and returns the driver's exit code (0 merged, 1 conflict, 2 usage) for the entry point to end with. */
export async function runDriver(args: readonly string[]): Promise<number> {
  return mergeDriverCommand(args, async () => {
    const { createOutput, processIo } = await import("../ui/output.js");
    return createOutput(processIo());
  });
}
