/**
 * The merge driver's own entry point: git starts it once per conflicted bank file, so it skips the parser, and it
 * makes the output (the process streams, colours) only when it has something to say: a clean merge writes nothing.
 */
import { mergeDriverCommand } from "../commands/merge-driver.js";

/**
 * Merges and ends the process with the driver's exit code. Ending it here, once the result is written (and any
 * problem said: writes to stderr are synchronous), spares git's wait for the engine's background work, such as
 * optimizing code that will not run again, which a natural exit finishes first.
 */
export async function runDriver(args: readonly string[]): Promise<never> {
  const code = await mergeDriverCommand(args, async () => {
    const { createOutput, processIo } = await import("../ui/output.js");
    return createOutput(processIo());
  });
  process.exit(code);
}
