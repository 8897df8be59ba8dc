/** What git runs to merge a bank file; its exit code is what git expects (0 merged, 1 conflict, 2 usage). */
import { mergeFiles } from "../app/merge-file.js";
import type { Output } from "../ui/output.js";

export async function mergeDriverCommand(args: readonly string[], out: Output): Promise<number> {
  const result = await mergeFiles(args);
  if (result.kind === "merged") return 0;
  if (result.kind === "usage") {
    out.error("memory merge-driver: usage: memory merge-driver <union|latest|log|text> %O %A %B %P (git runs this; see `memory init`)");
    return 2;
  }
  out.error(`memory merge-driver: cannot merge ${result.path}: ${result.reason}`);
  return 1;
}
