/** What git runs to merge a bank file; its exit code is what git expects (0 merged, 1 conflict, 2 usage). */
import { mergeFiles } from "../app/merge-file.js";
import type { Output } from "../ui/output.js";

/** `out` is the output, or how to make it: the driver's own entry point makes it only to report a problem. */
export async function mergeDriverCommand(args: readonly string[], out: Output | (() => Promise<Output>)): Promise<number> {
  const output = async (): Promise<Output> => (typeof out === "function" ? out() : out);
  let result: Awaited<ReturnType<typeof mergeFiles>>;
  try {
    result = await mergeFiles(args);
  } catch (err) {
    // A file git named cannot be read or written: nothing was merged; git reports the conflict.
    const [o, { describeFileError, isFileError }] = await Promise.all([output(), import("../ui/messages.js")]);
    o.error(`memory merge-driver: ${isFileError(err) ? describeFileError(err, o.io.cwd) : String(err)}`);
    return 2;
  }
  if (result.kind === "merged") return 0;
  if (result.kind === "usage") {
    (await output()).error("memory merge-driver: usage: memory merge-driver <union|latest|log|text> %O %A %B %P (git runs this; see `memory init`)");
    return 2;
  }
  (await output()).error(`memory merge-driver: cannot merge ${result.path}: ${result.reason}`);
  return 1;
}
