/**
 * `status`, `start`, `save`, `context` (the agents' hooks among them) and `add`: bin/memory.js loads this entry's
 * own bundle, one file holding the fast path and every command it runs. A call the fast path does not take
 * (another flag, a value, help) goes on to the full parser, loaded then.
 */
import { processIo } from "../ui/output.js";
import { fastMain } from "./fast.js";

export async function run(argv: string[]): Promise<number> {
  const io = processIo();
  const fast = await fastMain(argv, io);
  if (fast !== null) return fast;
  // Named at run time: the parser's module stays out of this bundle (the CLI's bundle has its own, main.js).
  const parser = new URL("./main.js", import.meta.url).href;
  const { main } = (await import(parser)) as typeof import("./main.js");
  return main(argv, io);
}
