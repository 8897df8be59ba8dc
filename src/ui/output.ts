/**
 * The one place that writes to the terminal. Data goes to stdout; everything meant for a person (progress,
 * warnings, errors) goes to stderr. Colour only on a terminal and never with NO_COLOR; chalk is loaded
 * only then, since hooks and CI (no TTY) run most often. A closed stdout (`memory … | head -1`) ends quietly.
 */
import { fstatSync, writeSync } from "node:fs";
import { createRequire } from "node:module";

/** Where a run of the CLI reads and writes: the real process, or a test's strings. */
export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: Stream;
  stderr: Stream;
  /** All of stdin, read when a command asks for it (`-m -`). */
  readStdin(): Promise<string>;
  /** Whether stdin is a terminal someone can answer questions on. */
  stdinIsTTY: boolean;
}

export interface Stream {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export interface Paint {
  bold(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  dim(s: string): string;
}

export interface Output {
  /** Machine-readable or primary output: stdout. */
  data(text: string): void;
  /** Progress and explanations: stderr. */
  info(text: string): void;
  warn(text: string): void;
  success(text: string): void;
  error(text: string): void;
  /** Said once when another memory process in this clone makes this one wait for the lock. */
  waiting(holder: string): void;
  /** Says which persona writes when it is only git's user.name (no persona was chosen). */
  persona(persona: { name: string; source: string }): void;
  /** Colours for stdout text. */
  color: Paint;
  io: Io;
}

const plain: Paint = { bold: (s) => s, green: (s) => s, yellow: (s) => s, red: (s) => s, dim: (s) => s };

function wantsColor(stream: Stream, env: NodeJS.ProcessEnv): boolean {
  return (env.NO_COLOR === undefined || env.NO_COLOR === "") && stream.isTTY === true;
}

async function paint(on: boolean): Promise<Paint> {
  if (!on) return plain;
  const { Chalk } = await import("chalk");
  return new Chalk({ level: 1 });
}

/** Whether `fd` is a terminal. Only a character device can be one, and only then is node's terminal module loaded. */
function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (createRequire(import.meta.url)("node:tty") as typeof import("node:tty")).isatty(fd);
}

/**
 * stdout or stderr written with the file system's own writes, so a command that starts no git process (a
 * status) never loads node's stream and network modules (about 2 ms). A reader that is gone makes it go
 * quiet; a pipe that would block (its buffer full, its reader slow) hands over to node's stream, in order.
 */
export function processStream(fd: 1 | 2, stream: () => NodeJS.WriteStream, write: typeof writeSync = writeSync): Stream {
  let closed = false;
  let handed: NodeJS.WriteStream | undefined;
  let terminal: boolean | undefined;
  const handOver = (): NodeJS.WriteStream => {
    if (handed) return handed;
    handed = stream();
    handed.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") closed = true;
      else throw err;
    });
    return handed;
  };
  return {
    write: (text) => {
      if (closed) return;
      if (handed) return void handed.write(text);
      const bytes = Buffer.from(text, "utf8");
      let done = 0;
      try {
        while (done < bytes.length) done += write(fd, bytes, done);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EPIPE") closed = true;
        else if (code === "EAGAIN") handOver().write(bytes.subarray(done));
        else throw err;
      }
    },
    get isTTY() {
      return (terminal ??= isTerminal(fd));
    },
    get columns() {
      return this.isTTY ? handOver().columns : undefined;
    },
  };
}

export function processIo(): Io {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: processStream(1, () => process.stdout),
    stderr: processStream(2, () => process.stderr),
    stdinIsTTY: isTerminal(0),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}

export async function createOutput(io: Io): Promise<Output> {
  const [out, err] = await Promise.all([paint(wantsColor(io.stdout, io.env)), paint(wantsColor(io.stderr, io.env))]);
  const line = (stream: Stream, text: string) => stream.write(text.endsWith("\n") ? text : `${text}\n`);
  return {
    data: (text) => line(io.stdout, text),
    info: (text) => line(io.stderr, text),
    warn: (text) => line(io.stderr, `${err.yellow("warning:")} ${text}`),
    success: (text) => line(io.stderr, `${err.green("✓")} ${text}`),
    error: (text) => line(io.stderr, text),
    waiting: (holder) => line(io.stderr, `waiting for another memory command in this clone (${holder}) to finish…`),
    persona: (p) => {
      if (p.source === "git config user.name") {
        line(io.stderr, `persona: ${p.name} (git config user.name; choose one with \`memory init --persona NAME\` or MEMORY_PERSONA)`);
      }
    },
    color: out,
    io,
  };
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
