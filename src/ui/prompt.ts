import type { Io } from "./output.js";

/**
 * Yes/no questions on the terminal. Lines are queued as they arrive, so answers typed ahead of their
 * question are kept; anything but y or yes is no, and so is the end of input (Ctrl+D).
 */
export async function terminalPrompt(io: Io): Promise<{ ask: (question: string) => Promise<boolean>; close: () => void }> {
  const { createInterface } = await import("node:readline");
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines: string[] = [];
  const waiting: Array<(line: string | null) => void> = [];
  let ended = false;
  rl.on("line", (line) => (waiting.length ? waiting.shift()!(line) : lines.push(line)));
  rl.on("close", () => {
    ended = true;
    for (const w of waiting.splice(0)) w(null);
  });
  const yes = (line: string | null) => line !== null && /^y(es)?$/i.test(line.trim());
  return {
    ask: async (question) => {
      io.stderr.write(question);
      if (lines.length > 0) return yes(lines.shift()!);
      if (ended) return io.stderr.write("\n"), false;
      return yes(await new Promise<string | null>((r) => waiting.push(r)));
    },
    close: () => rl.close(),
  };
}

