/**
 * Where output goes: data on stdout, everything meant for a person on stderr. Colour only on a terminal
 * and never with NO_COLOR; chalk is loaded only then, since hooks and CI (no TTY) run most often.
 */
export interface Paint {
  bold(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
}

export interface Output {
  /** Machine-readable or primary output: stdout. */
  data(text: string): void;
  /** Progress and explanations: stderr. */
  info(text: string): void;
  warn(text: string): void;
  success(text: string): void;
  /** Colours for stdout text. */
  color: Paint;
}

const plain: Paint = { bold: (s) => s, green: (s) => s, yellow: (s) => s, red: (s) => s };

function wantsColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  return (env.NO_COLOR === undefined || env.NO_COLOR === "") && stream.isTTY === true;
}

async function paint(on: boolean): Promise<Paint> {
  if (!on) return plain;
  const { Chalk } = await import("chalk");
  return new Chalk({ level: 1 });
}

export async function createOutput(env: NodeJS.ProcessEnv = process.env): Promise<Output> {
  const [out, err] = await Promise.all([paint(wantsColor(process.stdout, env)), paint(wantsColor(process.stderr, env))]);
  return {
    data: (text) => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    info: (text) => void process.stderr.write(`${text}\n`),
    warn: (text) => void process.stderr.write(`${err.yellow("warning:")} ${text}\n`),
    success: (text) => void process.stderr.write(`${err.green("✓")} ${text}\n`),
    color: out,
  };
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
