/**
 * Where output goes: data on stdout, everything meant for a person on stderr. Colour only on a terminal
 * and never with NO_COLOR.
 */
import { Chalk, type ChalkInstance } from "chalk";

export interface Output {
  /** Machine-readable or primary output: stdout. */
  data(text: string): void;
  /** Progress and explanations: stderr. */
  info(text: string): void;
  warn(text: string): void;
  success(text: string): void;
  /** Colours for stdout text. */
  color: ChalkInstance;
}

function colorLevel(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): 0 | 1 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return 0;
  return stream.isTTY ? 1 : 0;
}

export function createOutput(env: NodeJS.ProcessEnv = process.env): Output {
  const out = new Chalk({ level: colorLevel(process.stdout, env) });
  const err = new Chalk({ level: colorLevel(process.stderr, env) });
  return {
    data: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    info: (text) => process.stderr.write(`${text}\n`),
    warn: (text) => process.stderr.write(`${err.yellow("warning:")} ${text}\n`),
    success: (text) => process.stderr.write(`${err.green("✓")} ${text}\n`),
    color: out,
  };
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
