/**
 * Real repositories for command tests: temp folders, a bare origin, clones, and the built CLI run as a
 * process. git gets its own identity and config here, so tests pass on a machine with none.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

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

/** A clean environment: own HOME and global git config, no persona, no colour forcing, no extra CA certs. */
export function testEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const globalConfig = join(home, ".gitconfig");
  if (!existsSync(globalConfig)) {
    writeFileSync(
      globalConfig,
      "[user]\n\tname = Test User\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n",
    );
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("GIT_") || key.startsWith("MEMORY_") || key === "NODE_EXTRA_CA_CERTS" || key === "FORCE_COLOR") delete env[key];
  }
  return { ...env, HOME: home, GIT_CONFIG_GLOBAL: globalConfig, GIT_CONFIG_NOSYSTEM: "1", NO_COLOR: "1", ...extra };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export class Sandbox {
  readonly dir = tempDir();
  readonly home = join(this.dir, "home");
  constructor() {
    mkdirSync(this.home);
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return testEnv(this.home, extra);
  }

  git(cwd: string, ...args: string[]): string {
    const res = spawnSync("git", args, { cwd, env: this.env(), encoding: "utf8" });
    if (res.status !== 0) throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${res.stderr}`);
    return res.stdout;
  }

  /** Runs the built CLI with stdin closed (or fed `input`), no TTY. */
  memory(cwd: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Run {
    const res = spawnSync(process.execPath, [CLI, ...args], {
      cwd,
      env: this.env(options.env),
      input: options.input ?? "",
      encoding: "utf8",
    });
    return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
  }

  /** Same, without blocking, so several clones can run at the same moment. */
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

  write(cwd: string, rel: string, text: string): void {
    mkdirSync(dirname(join(cwd, rel)), { recursive: true });
    writeFileSync(join(cwd, rel), text);
  }
}

export const BANK = ".claude/memory-bank";
