import type { Output } from "./output.js";

/** Runs work with a spinner on a terminal (stderr), or silently elsewhere; ora is loaded only then. */
export async function withSpinner<T>(out: Output, label: string, work: (progress: (message: string) => void) => Promise<T>): Promise<T> {
  const { stderr, env } = out.io;
  // Only on a terminal that can show one: ora colours its frames, and loops on a 0-column terminal.
  const usable = stderr.isTTY === true && !env.CI && !env.NO_COLOR && (stderr.columns ?? 0) > 0;
  if (!usable) return work(() => {});
  const { default: ora } = await import("ora");
  const spinner = ora({ text: label, stream: process.stderr }).start();
  try {
    return await work((message) => (spinner.text = message));
  } finally {
    spinner.stop();
  }
}
