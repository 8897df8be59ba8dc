/**
 * Real repositories for command tests: temp folders, a bare origin, clones, and the CLI, run in this
 * process (`memory`) or as the built CLI in a process of its own (`memoryCli`, `memoryAsync`). git gets its
 * own identity and config here, so tests pass on a machine with none.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { main } from "../src/cli/main.js";
import type { Io } from "../src/ui/output.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const CLI = join(ROOT, "bin", "memory.js");

if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) {
  throw new Error("dist/ is missing: run `npm run build` (npm test does it) before the command tests");
}

const made: string[] = [];
afterAll(() => {
  if (process.env.KEEP_TEMP) return;
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = "memory-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Variables of the machine's environment that would change what git or memory do. */
const foreign = (key: string): boolean =>
  key.startsWith("GIT_") || key.startsWith("MEMORY_") || key === "NODE_EXTRA_CA_CERTS" || key === "FORCE_COLOR";

/** The environment every test environment starts from: this process's, without the foreign variables. */
const BASE_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !foreign(key)));

/** A clean environment: own HOME and global git config, no persona, no colour forcing, no extra CA certs. */
export function testEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const globalConfig = join(home, ".gitconfig");
  if (!existsSync(globalConfig)) {
    writeFileSync(
      globalConfig,
      "[user]\n\tname = Test User\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n",
    );
  }
  return { ...BASE_ENV, HOME: home, GIT_CONFIG_GLOBAL: globalConfig, GIT_CONFIG_NOSYSTEM: "1", NO_COLOR: "1", MEMORY_REMOTE_COOLDOWN: "0", ...extra };
}

/** Makes process.env hold exactly `env` (in place: libuv and child processes read the real one). */
function setProcessEnv(env: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in env) || env[key] === undefined) delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value;
}

// Between in-process runs this worker, and any git that the CLI code spawns, sees a clean environment too.
const workerHome = join(tempDir(), "home");
mkdirSync(workerHome);
setProcessEnv(testEnv(workerHome));

/** The end of the last in-process run: runs wait for it, since each one sets process.env for its duration. */
let lastRun: Promise<unknown> = Promise.resolve();

/**
 * Runs the CLI's `main` in this process, as `bin/memory.js` would with stdin fed `input` and no terminal.
 * The code under test passes process.env to git (and reads a few variables from it), so process.env is
 * `env` while the command runs and is put back afterwards; runs never overlap.
 */
export function runInProcess(cwd: string, args: string[], env: NodeJS.ProcessEnv, input = ""): Promise<Run> {
  const run = lastRun.then(async () => {
    let stdout = "";
    let stderr = "";
    const io: Io = {
      cwd,
      env,
      stdout: { write: (text) => void (stdout += text), isTTY: false },
      stderr: { write: (text) => void (stderr += text), isTTY: false },
      readStdin: async () => input,
      stdinIsTTY: false,
    };
    const saved = { ...process.env };
    setProcessEnv(env);
    try {
      const code = await main([process.execPath, CLI, ...args], io);
      // bin/memory.js turns the returned code into the exit code; a command that set it itself would end
      // this worker with it.
      const leaked = process.exitCode;
      process.exitCode = undefined;
      if (leaked !== undefined) throw new Error(`memory ${args.join(" ")} set process.exitCode (${leaked}) instead of returning its code`);
      return { code, stdout, stderr };
    } finally {
      setProcessEnv(saved);
    }
  });
  lastRun = run.catch(() => {});
  return run;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Where the sandbox's repositories keep the bank: `current` (the original layout, chosen by a config file
 * committed on main, as a team that wants it would) or `branch` (the default for a new bank: its own branch).
 */
export type Layout = "current" | "branch";

function keepLayout(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || "sync" in parsed) return text;
  return JSON.stringify({ ...parsed, sync: { branch: "current" } }, null, 2);
}

export class Sandbox {
  readonly dir = tempDir();
  readonly home = join(this.dir, "home");
  readonly layout: Layout;
  constructor(options: { layout?: Layout } = {}) {
    mkdirSync(this.home);
    this.layout = options.layout ?? "current";
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return testEnv(this.home, extra);
  }

  git(cwd: string, ...args: string[]): string {
    const res = spawnSync("git", args, { cwd, env: this.env(), encoding: "utf8" });
    if (res.status !== 0) throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${res.stderr}`);
    return res.stdout;
  }

  /** Runs the CLI in this process, with stdin empty (or fed `input`), no TTY. */
  memory(cwd: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
    return runInProcess(cwd, args, this.env(options.env), options.input ?? "");
  }

  /** Runs the built CLI as a process (end to end), with stdin closed (or fed `input`), no TTY. */
  memoryCli(cwd: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Run {
    const res = spawnSync(process.execPath, [CLI, ...args], {
      cwd,
      env: this.env(options.env),
      input: options.input ?? "",
      encoding: "utf8",
    });
    return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
  }

  /** The built CLI as a process, without blocking, so several clones can run at the same moment. */
  memoryAsync(cwd: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
    return new Promise((resolvePromise) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd, env: this.env(options.env), stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    });
  }

  /** A new work repository with one commit. */
  repo(name = "work"): string {
    const dir = join(this.dir, name);
    mkdirSync(dir);
    this.git(dir, "init", "-q", "-b", "main");
    writeFileSync(join(dir, "README.md"), "# project\n");
    this.git(dir, "add", "README.md");
    if (this.layout === "current") {
      mkdirSync(join(dir, ".claude"));
      writeFileSync(join(dir, ".claude", "memory.config.json"), `${JSON.stringify({ sync: { branch: "current" } }, null, 2)}\n`);
      this.git(dir, "add", ".claude/memory.config.json");
    }
    this.git(dir, "commit", "-q", "-m", "initial");
    return dir;
  }

  /** A bare origin holding one commit on main. */
  origin(): string {
    const seed = this.repo("seed");
    const origin = join(this.dir, "origin.git");
    this.git(this.dir, "init", "-q", "--bare", "-b", "main", origin);
    this.git(seed, "remote", "add", "origin", origin);
    this.git(seed, "push", "-q", "origin", "main");
    return origin;
  }

  clone(origin: string, name: string): string {
    const dir = join(this.dir, name);
    this.git(this.dir, "clone", "-q", origin, dir);
    return dir;
  }

  read(cwd: string, rel: string): string {
    return readFileSync(join(cwd, rel), "utf8");
  }

  /**
   * Writes a file. A config file written in a `current` sandbox keeps the sandbox's layout unless it says
   * where the bank syncs itself (a team editing its config keeps its choice).
   */
  write(cwd: string, rel: string, text: string): void {
    mkdirSync(dirname(join(cwd, rel)), { recursive: true });
    writeFileSync(join(cwd, rel), rel === ".claude/memory.config.json" && this.layout === "current" ? keepLayout(text) : text);
  }
}

export const BANK = ".claude/memory-bank";

/** The argv of every git process a GIT_TRACE2_EVENT file recorded, git's own children too; none without the file (no git ran). */
export function gitStarts(trace: string): string[][] {
  if (!existsSync(trace)) return [];
  return readFileSync(trace, "utf8").split("\n").filter((l) => l.includes('"event":"start"')).map((l) => (JSON.parse(l) as { argv: string[] }).argv);
}

/**
 * Every module the built CLI loads for `args` in `cwd` (one URL a line), seen by a module hook, and its run.
 * A command's cost in imports, as a user's process pays it.
 */
export function modulesLoaded(sb: Sandbox, cwd: string, args: string[], input = ""): string {
  const hooks = join(sb.dir, "probe-hooks.mjs");
  if (!existsSync(hooks)) {
    writeFileSync(hooks, [
      'import { appendFileSync } from "node:fs";',
      "export async function resolve(specifier, context, next) {",
      "  const found = await next(specifier, context);",
      '  appendFileSync(process.env.PROBE_OUT, found.url + "\\n");',
      "  return found;",
      "}",
    ].join("\n"));
    // Modules through the module hook above; CommonJS files (bin/memory.js) through require.
    writeFileSync(join(sb.dir, "probe.mjs"), [
      'import Module, { register } from "node:module";',
      'import { appendFileSync } from "node:fs";',
      `register(${JSON.stringify(`file://${hooks}`)});`,
      "const load = Module._load;",
      "Module._load = function (request, parent, isMain) {",
      "  let id = request;",
      '  try { id = Module.isBuiltin(request) ? (request.startsWith("node:") ? request : `node:${request}`) : `file://${Module._resolveFilename(request, parent, isMain)}`; } catch {}',
      '  appendFileSync(process.env.PROBE_OUT, id + "\\n");',
      "  return load.apply(this, arguments);",
      "};",
      // The hot bundles are compiled through node:vm, with V8's code cache (bin/memory.js).
      'import vm from "node:vm";',
      "const Script = vm.Script;",
      "vm.Script = class extends Script {",
      "  constructor(code, options) {",
      "    super(code, options);",
      '    if (options?.filename) appendFileSync(process.env.PROBE_OUT, `file://${options.filename}\\n`);',
      "  }",
      "};",
    ].join("\n"));
  }
  const out = join(sb.dir, `loaded-${args.join("-").replace(/[^a-z0-9-]/gi, "")}.txt`);
  writeFileSync(out, "");
  const run = sb.memoryCli(cwd, args, { input, env: { NODE_OPTIONS: `--import=${join(sb.dir, "probe.mjs")}`, PROBE_OUT: out } });
  if (run.code !== 0) throw new Error(`memory ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
  return readFileSync(out, "utf8");
}
