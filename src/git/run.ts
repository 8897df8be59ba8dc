/**
 * The one place that runs git. Every git effect of the tool goes through `git()`.
 *
 * Why not simple-git: it treats a command as failed only when it exits non-zero *and* writes to stderr,
 * so `merge-base --is-ancestor`, `diff --quiet` and `symbolic-ref -q` lose their answers; it refuses
 * `-c merge.<name>.driver=…`, which every sync call passes; and importing it costs ~23 ms per process.
 * A plain spawn with an argument array (never a shell string) gives exact exit codes and nothing else.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createRequire } from "node:module";
import { MemoryError } from "../core/errors.js";
import { driverArgs } from "./drivers.js";

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for output measured in bytes (`cat-file --batch`). */
  bytes: Buffer;
}

export interface GitOptions {
  cwd: string;
  /** Exit codes that are answers, not failures (e.g. 1 for `symbolic-ref -q`). 0 is always accepted. */
  okCodes?: number[];
  input?: string;
  /** Milliseconds before git is stopped; network commands get longer. */
  timeoutMs?: number;
  /** Stops git (SIGTERM) when aborted: a fetch started early that the command no longer needs. */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** false for calls that read config: the `-c` driver settings would show up as if registered. */
  drivers?: boolean;
}

export class GitError extends MemoryError {
  readonly result: GitResult;
  readonly args: readonly string[];
  constructor(args: readonly string[], result: GitResult) {
    const detail = (result.stderr || result.stdout).trim().split("\n").pop() ?? "";
    super("git-failed", `git ${args.join(" ")} failed (exit ${result.code})${detail ? `: ${detail}` : ""}`);
    this.name = "GitError";
    this.result = result;
    this.args = args;
  }
}

/** Environment every git call runs with: no prompts, no editors, stable messages. */
export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_MERGE_AUTOEDIT: "no",
    GIT_EDITOR: "true",
    LC_ALL: "C",
    // A git hook that runs memory again sees this and does not wait for our lock (that would deadlock).
    MEMORY_PARENT_PID: String(process.pid),
    ...extra,
  };
}

/** How long fetch and push may take: `MEMORY_NETWORK_TIMEOUT` seconds, else 60. */
export function networkTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.MEMORY_NETWORK_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000;
}

/** How long to wait for another git's index.lock: `MEMORY_GIT_LOCK_WAIT` seconds, else 5. */
export function indexLockWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.MEMORY_GIT_LOCK_WAIT);
  return env.MEMORY_GIT_LOCK_WAIT !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 5_000;
}

let drivers: string[] | undefined;

// Loaded at the first git process, not at start-up: a command that needs none (a status that reads its refs
// from files) does not pay for the module. Required, not imported: from the CommonJS bundles an import()
// would first start node's module loader, 2–3 ms.
let childProcess: typeof import("node:child_process") | undefined;
async function startGit(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ChildProcessWithoutNullStreams> {
  childProcess ??= createRequire(import.meta.url)("node:child_process") as typeof import("node:child_process");
  return childProcess.spawn("git", args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
}

const NETWORK = new Set(["fetch", "push", "ls-remote"]);

/**
 * Runs git with the bank's merge drivers passed as `-c` settings, so every merge we start uses them
 * even in a clone whose .git/config lacks them.
 */
export function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  const { cwd, okCodes = [], input, timeoutMs = 60_000, env } = options;
  drivers ??= driverArgs();
  const full = options.drivers === false ? args : [...drivers, ...args];
  return startGit(full, cwd, gitEnv(env)).then((child) => new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    }, timeoutMs);
    // Stopped by the caller: as after a timeout, git's exit is all that is waited for.
    let stopped = false;
    options.signal?.addEventListener("abort", () => {
      stopped = true;
      child.kill("SIGTERM");
    }, { once: true });
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new MemoryError("git-missing", `cannot run git (${e.message})`));
    });
    // After a timeout, git's own children (ssh, a credential helper) may still hold the pipes open, so
    // "close" could wait for ever: give up on git's exit instead, and let go of the pipes.
    child.on("exit", (_code, signal) => {
      if (!timedOut && !stopped) return;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      if (stopped) return reject(new MemoryError("git-failed", `git ${args[0]} was stopped: it was no longer needed`));
      const network = NETWORK.has(args[0] ?? "") ? "yes" : "no";
      reject(new MemoryError("git-timeout", `git ${args[0]} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped (${signal ?? "exit"})`, { network }));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut || stopped) return;
      const bytes = Buffer.concat(out);
      const result = { code: code ?? 128, stdout: bytes.toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), bytes };
      if (result.code === 0 || okCodes.includes(result.code)) resolve(result);
      else reject(new GitError(args, result));
    });
    child.stdin.on("error", () => {}); // git may exit before reading its input; its exit code says what happened
    child.stdin.end(input ?? "");
  }));
}

/** git's reason in one line: its first `fatal:` line if there is one, else its last line. */
export function gitReason(text: string): string {
  const lines = text.trim().split("\n").filter((l) => l.trim() !== "");
  return (lines.find((l) => l.startsWith("fatal: ")) ?? lines.pop())?.replace(/^(fatal|error): /, "") ?? "";
}

export interface GitObject {
  oid: string;
  type: string;
  data: Buffer;
}

export interface GitObjects {
  /** Each object's id, type and content; null for a name that names nothing. */
  read: (names: readonly string[]) => Promise<Array<GitObject | null>>;
  /** Each object's id and type, without its content (`data` is empty); only with `{ command: true }`. */
  info: (names: readonly string[]) => Promise<Array<GitObject | null>>;
  close: () => void;
}

/**
 * One `git cat-file --batch` kept open for many rounds of reads (a tree, then its subtrees, then the blobs):
 * each round writes its names and reads the answers in order. With `command` it is `--batch-command` (git
 * 2.36), which also answers `info` (an object's id without its content) in the same process. `close()` ends
 * the process.
 */
export async function gitObjects(cwd: string, options: { command?: boolean } = {}): Promise<GitObjects> {
  const child = await startGit(["cat-file", options.command ? "--batch-command" : "--batch"], cwd, gitEnv());
  let buffer: Buffer = Buffer.alloc(0);
  let failed: Error | null = null;
  const waiting: Array<{ body: boolean; resolve: (o: GitObject | null) => void; reject: (e: Error) => void }> = [];
  const fail = (err: Error) => {
    failed = err;
    for (const w of waiting.splice(0)) w.reject(err);
  };
  const pump = () => {
    while (waiting.length > 0) {
      const eol = buffer.indexOf(10);
      if (eol === -1) return;
      const header = buffer.subarray(0, eol).toString("utf8");
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        buffer = buffer.subarray(eol + 1);
        waiting.shift()!.resolve(null);
        continue;
      }
      const [oid, type, size] = header.split(" ");
      const length = Number(size);
      if (!oid || !type || !Number.isInteger(length)) return fail(new MemoryError("git-failed", `git cat-file answered "${header.slice(0, 80)}"`));
      if (!waiting[0]!.body) {
        buffer = buffer.subarray(eol + 1);
        waiting.shift()!.resolve({ oid, type, data: Buffer.alloc(0) });
        continue;
      }
      if (buffer.length < eol + 1 + length + 1) return;
      const data = Buffer.from(buffer.subarray(eol + 1, eol + 1 + length));
      buffer = buffer.subarray(eol + 1 + length + 1);
      waiting.shift()!.resolve({ oid, type, data });
    }
  };
  child.stdout.on("data", (d: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, d]) : d;
    pump();
  });
  child.on("error", (e) => fail(new MemoryError("git-missing", `cannot run git (${e.message})`)));
  child.on("close", () => fail(new MemoryError("git-failed", "git cat-file ended early")));
  child.stdin.on("error", () => {});
  const ask = (names: readonly string[], body: boolean): Promise<Array<GitObject | null>> => {
    if (failed) return Promise.reject(failed);
    const answers = names.map(() => new Promise<GitObject | null>((resolve, reject) => waiting.push({ body, resolve, reject })));
    const verb = options.command ? (body ? "contents " : "info ") : "";
    child.stdin.write(names.map((n) => `${verb}${n}\n`).join(""));
    return Promise.all(answers);
  };
  return {
    read: (names) => ask(names, true),
    info: (names) => (options.command ? ask(names, false) : Promise.reject(new Error("info needs { command: true }"))),
    close: () => {
      child.removeAllListeners("close");
      child.stdin.end();
    },
  };
}

/**
 * One `cat-file --batch-command` for the steps of one command that read the object store (the merge's look
 * at an incoming tree, the digest's texts), started at the first use and ended by `close()`: one process
 * where each step would start its own. Null from `get()` when git cannot run it (older than 2.36): each
 * step then asks git its own way.
 */
export class ObjectSession {
  private open: Promise<GitObjects> | null = null;
  constructor(private readonly cwd: string) {}

  get(): Promise<GitObjects> {
    return (this.open ??= gitObjects(this.cwd, { command: true }));
  }

  close(): void {
    this.open?.then((o) => o.close(), () => undefined);
  }
}
