/** The rough edges a newcomer met first: each one is said plainly now. */
import { describe, expect, it } from "vitest";
import { BANK, Sandbox } from "./helpers.js";

describe("a newcomer's first commands", () => {
  it("doctor before init says there is no bank, in one line", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const res = await sb.memory(repo, ["doctor"]);
    expect(res.code).toBe(3);
    expect(res.stdout.trim().split("\n")).toEqual(["✗ bank files present", `    no memory bank at ${BANK}`, "    → run `memory init` first"]);
  });

  it("says when the persona is only git's user.name", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    expect((await sb.memory(repo, ["init"])).code).toBe(0);
    sb.git(repo, "config", "--unset", "memory.persona");
    const res = await sb.memory(repo, ["add", "pattern", "Who wrote this?"]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("persona: Test User (git config user.name; choose one with `memory init --persona NAME` or MEMORY_PERSONA)");
    const chosen = await sb.memory(repo, ["add", "pattern", "Said once chosen?"], { env: { MEMORY_PERSONA: "dev" } });
    expect(chosen.stderr).not.toContain("persona:");
  });

  it("takes a config file without a version", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    sb.write(repo, ".claude/memory.config.json", JSON.stringify({ buffers: { patterns: { threshold: 3 } } }));
    expect((await sb.memory(repo, ["init", "--persona", "dev"])).code).toBe(0);
    const status = JSON.parse((await sb.memory(repo, ["status", "--json"])).stdout);
    expect(status.buffers[0].threshold).toBe(3);
  });
});
