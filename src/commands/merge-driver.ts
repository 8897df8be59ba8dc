/** What git runs to merge a bank file; its exit code is what git expects (0 merged, 1 conflict, 2 usage). */
import { mergeFiles } from "../app/merge-file.js";
import type { Output } from "../ui/output.js";
import { describeFileError, isFileError } from "../ui/messages.js";

export async function mergeDriverCommand(args: readonly string[], out: Output): Promise<number> {
  let result: Awaited<ReturnType<typeof mergeFiles>>;
  try {
    result = await mergeFiles(args);
  } catch (err) {
    // A file git named cannot be read or written: nothing was merged; git reports the conflict.
    out.error(`memory merge-driver: ${isFileError(err) ? describeFileError(err, out.io.cwd) : String(err)}`);
    return 2;
  }
  if (result.kind === "merged") return 0;
  if (result.kind === "usage") {
    out.error("memory merge-driver: usage: memory merge-driver <union|latest|log|text> %O %A %B %P (git runs this; see `memory init`)");
    return 2;
  }
  out.error(`memory merge-driver: cannot merge ${result.path}: ${result.reason}`);
  return 1;
}
