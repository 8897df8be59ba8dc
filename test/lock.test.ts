/**
 * The clone's lock under pressure: many processes racing a lock whose holder died, a folder where the lock
 * should be, commands in one clone at once, and a harvest waiting for a person's answer. Real processes.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BANK, CLI, Sandbox } from "./helpers.js";
import { parseBuffer } from "../src/core/entries.js";
import { acquireLock } from "../src/infra/lock.js";

/** A pid that was a real process and is gone now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

async function initialized(): Promise<{ sb: Sandbox; repo: string }> {
  const sb = new Sandbox();
  const repo = sb.repo();
  expect((await sb.memory(repo, ["init", "--persona", "dev"])).code).toBe(0);
  return { sb, repo };
}

const titles = (sb: Sandbox, repo: string, file: string): string[] => parseBuffer(sb.read(repo, `${BANK}/${file}`)).entries.map((e) => e.title);

describe("the lock", () => {
  it("16 adds racing a lock left by a dead process all land, three times over", async () => {
    const { sb, repo } = await initialized();
    for (let round = 0; round < 3; round++) {
      sb.write(repo, ".git/memory.lock", `${deadPid()} stale\n`);
      const runs = await Promise.all(Array.from({ length: 16 }, (_, i) => sb.memoryAsync(repo, ["add", "lesson", `round ${round} add ${i}`])));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
    }
    const got = titles(sb, repo, "lessons-buffer.md");
    expect(got).toHaveLength(48);
    expect(new Set(got).size).toBe(48);
  }, 120_000);

  it("adds while a save runs in the same clone are all kept", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    expect((await sb.memory(dev, ["init", "--persona", "dev"])).code).toBe(0);
    const runs = await Promise.all([
      sb.memoryAsync(dev, ["save"]),
      ...Array.from({ length: 6 }, (_, i) => sb.memoryAsync(dev, ["add", "pattern", `during save ${i}`])),
      sb.memoryAsync(dev, ["save"]),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect((await sb.memory(dev, ["save"])).code).toBe(0);
    const remote = sb.git(dev, "show", `origin/main:${BANK}/patterns-buffer.md`);
    expect(parseBuffer(remote).entries.map((e) => e.title).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `during save ${i}`).sort());
  }, 120_000);

  it("a folder where the lock should be is an error at once, not a busy loop", async () => {
    const { sb, repo } = await initialized();
    mkdirSync(join(repo, ".git/memory.lock"));
    const started = Date.now();
    const res = await sb.memory(repo, ["add", "pattern", "x"]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("memory.lock is not a lock file (a folder?)");
  });

  it("never removes a lock its live holder still has, and release leaves someone else's lock alone", async () => {
    const { repo } = await initialized();
    const common = join(repo, ".git");
    const first = await acquireLock(common, 200);
    await expect(acquireLock(common, 300)).rejects.toThrow(/another memory command is running/);
    await first.release();
    const second = await acquireLock(common, 200);
    await first.release(); // a late second release of the first lock must not free the second
    await expect(acquireLock(common, 300)).rejects.toThrow(/another memory command is running/);
    await second.release();
    await (await acquireLock(common, 200)).release();
  });

  // `script` (util-linux) gives the CLI a real terminal.
  const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
  it.skipIf(!hasScript)("a harvest waiting for a person's answer does not make an agent's add wait", async () => {
    const { sb, repo } = await initialized();
    for (let i = 0; i < 5; i++) expect((await sb.memory(repo, ["add", "decision", `Decision ${i}`])).code).toBe(0);
    const harvest = spawn("script", ["-qec", `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} harvest --no-push`, "/dev/null"], {
      cwd: repo,
      env: sb.env({ TERM: "dumb" }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let screen = "";
    harvest.stdout.on("data", (d: Buffer) => (screen += d.toString()));
    const asked = async () => {
      for (let i = 0; i < 200 && !screen.includes("(y/N)"); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await asked();
    expect(screen).toContain("Create ADR for decision #1");
    const started = Date.now();
    const add = await sb.memoryAsync(repo, ["add", "pattern", "While a person thinks"]);
    expect(add.code, add.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const done = new Promise<number>((r) => harvest.on("close", (code) => r(code ?? -1)));
    harvest.stdin.end("n\nn\nn\nn\nn\n");
    expect(await done).toBe(0);
    expect(titles(sb, repo, "patterns-buffer.md")).toEqual(["While a person thinks"]);
  }, 60_000);
});

describe("git's own index.lock", () => {
  it("held for a moment by another git (a hook, an editor) is waited for, not a refusal", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    expect((await sb.memory(dev, ["init", "--persona", "dev"])).code).toBe(0);
    sb.write(dev, ".git/index.lock", "");
    setTimeout(() => rmSync(join(dev, ".git/index.lock")), 700);
    const res = await sb.memoryAsync(dev, ["save"]);
    expect(res.code, res.stderr).toBe(0);
    expect(sb.git(dev, "status", "--porcelain")).toBe("");
  });
});
