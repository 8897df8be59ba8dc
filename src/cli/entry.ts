/** What `bin/memory.js` runs for every call but the merge driver and `--version`: the fast path, else the full parser. */
import { processIo } from "../ui/output.js";
import { fastMain } from "./fast.js";

export async function run(argv: string[]): Promise<number> {
  const io = processIo();
  const fast = await fastMain(argv, io);
  if (fast !== null) return fast;
  const { main } = await import("./main.js");
  return main(argv, io);
}
