/**
 * The registry: entry types, their buffers, each buffer's merge and harvest come from the config, so a
 * team's own type with its own bank file is a config entry and nothing else.
 */
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { BANK, Sandbox } from "./helpers.js";
import { defaultConfig, findBuffer, resolveConfig, resolveType, suggestType } from "../src/core/config.js";
import { parseBuffer } from "../src/core/entries.js";

const CONFIG = {
  version: 1,
  buffers: {
    preferences: { file: "preferences.md", types: ["preference"] },
    notes: { file: "notes.md", types: ["note"], harvest: "post-mortem", target: "Docs/Notes", threshold: 2, unit: "items" },
  },
};

function ok(run: { code: number; stderr: string; stdout: string }): typeof run {
  expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
  return run;
}

describe("the registry in the config", () => {
  it("resolves types in singular and plural, and buffers by name, label or type", () => {
    const c = defaultConfig();
    expect(resolveType(c, "pattern")).toEqual({ type: "pattern", buffer: "patterns" });
    expect(resolveType(c, "Patterns")).toEqual({ type: "pattern", buffer: "patterns" });
    expect(resolveType(c, "gotchas")).toEqual({ type: "gotcha", buffer: "lessons" });
    expect(resolveType(c, "idea")).toBeUndefined();
    expect(findBuffer(c, "pattern")).toBe("patterns");
    expect(findBuffer(c, "decision")).toBe("decisions");
    expect(findBuffer(c, "bugs")).toBe("lessons");
    expect(suggestType(c, "patern")).toBe("pattern");
    const own = resolveConfig(CONFIG);
    expect(resolveType(own, "preferences")).toEqual({ type: "preference", buffer: "preferences" });
    expect(Object.keys(own.buffers)).toEqual(["patterns", "lessons", "decisions", "handoffs", "tasks", "preferences", "notes"]);
    expect(own.buffers.preferences).toMatchObject({ merge: "union", harvest: "none" });
  });

  it.each([
    [{ version: 1, buffers: { prefs: { file: "p.md" } } }, 'buffers.prefs needs at least "file" and "types"'],
    [{ version: 1, buffers: { prefs: { file: "p.md", types: [] } } }, "buffers.prefs.types must be a non-empty list"],
    [{ version: 1, buffers: { prefs: { file: "p.md", types: ["pattern"] } } }, 'names "pattern", which buffers.patterns holds already'],
    [{ version: 1, buffers: { context: { file: "p.md", types: ["x"] } } }, "buffers.context is not a buffer name"],
    [{ version: 1, buffers: { prefs: { file: "p.md", types: ["x"], harvest: "adr" } } }, "buffers.prefs.target is needed"],
    [{ version: 1, buffers: { prefs: { file: "patterns-buffer.md", types: ["x"] } } }, 'name "patterns-buffer.md" twice'],
  ])("refuses a buffer it cannot use: %j", (raw, message) => {
    expect(() => resolveConfig(raw, "cfg.json")).toThrow(message);
  });

  it("a new type with its own bank file, from the config alone: init, add, status, sync, digest, harvest", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    sb.write(dev, ".claude/memory.config.json", JSON.stringify(CONFIG));
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    expect(existsSync(join(dev, BANK, "preferences.md"))).toBe(true);
    expect(sb.read(dev, ".gitattributes")).toContain(`${BANK}/preferences.md merge=memory-union`);

    ok(await sb.memory(dev, ["add", "preference", "Tabs over spaces", "-m", "In every language but YAML."]));
    ok(await sb.memory(dev, ["add", "preferences", "Short commit subjects"]));
    const prefs = parseBuffer(sb.read(dev, `${BANK}/preferences.md`)).entries;
    expect(prefs.map((e) => [e.title, e.type, e.author])).toEqual([
      ["Tabs over spaces", "preference", "dev"],
      ["Short commit subjects", "preference", "dev"],
    ]);

    const status = JSON.parse(ok(await sb.memory(dev, ["status", "--json"])).stdout);
    const own = status.buffers.find((b: { name: string }) => b.name === "preferences");
    expect(own).toMatchObject({ label: "preferences", items: 2, threshold: null, ready: false, near: false });
    expect(ok(await sb.memory(dev, ["status"])).stdout).toMatch(/preferences\s+not harvested\s+2 items/);

    ok(await sb.memory(dev, ["add", "note", "Bench on a quiet machine"]));
    ok(await sb.memory(dev, ["add", "note", "Unset NODE_EXTRA_CA_CERTS"]));
    ok(await sb.memory(dev, ["save"]));

    const qa = sb.clone(origin, "qa");
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    ok(await sb.memory(qa, ["add", "preference", "Review within a day"]));
    ok(await sb.memory(qa, ["save"]));
    const digest = JSON.parse(ok(await sb.memory(dev, ["start", "--json"])).stdout);
    expect(digest.newEntries.map((e: { buffer: string; title: string; author: string }) => [e.buffer, e.title, e.author])).toEqual([
      ["preferences", "Review within a day", "qa"],
    ]);

    // Never harvested: it has no harvest target. The notes buffer is at its threshold and goes to its own folder.
    const harvested = JSON.parse(ok(await sb.memory(dev, ["harvest", "--yes", "--json"])).stdout);
    expect(harvested.plan.files.map((f: { path: string; kind: string }) => [f.path.replace(/\/[^/]+$/, ""), f.kind])).toEqual([
      ["Docs/Notes", "post-mortem"],
      ["Docs/Notes", "post-mortem"],
    ]);
    expect(parseBuffer(sb.read(dev, `${BANK}/preferences.md`)).entries).toHaveLength(3);
    expect(parseBuffer(sb.read(dev, `${BANK}/notes.md`)).entries).toHaveLength(0);
  });

  it("takes types in singular and plural on the command line, and suggests the nearest type for a typo", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    ok(await sb.memory(repo, ["init", "--persona", "dev"]));
    ok(await sb.memory(repo, ["add", "gotchas", "CRLF in fixtures"]));
    expect(parseBuffer(sb.read(repo, `${BANK}/lessons-buffer.md`)).entries.map((e) => e.type)).toEqual(["gotcha"]);
    const typo = await sb.memory(repo, ["add", "patern", "x"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown entry type "patern" (did you mean "pattern"?)');
    ok(await sb.memory(repo, ["add", "pattern", "One"]));
    const dry = JSON.parse(ok(await sb.memory(repo, ["harvest", "--all", "--only", "pattern", "--dry-run", "--json"])).stdout);
    expect(dry.plan.buffers.filter((b: { selected: boolean }) => b.selected).map((b: { name: string }) => b.name)).toEqual(["patterns"]);
    const bad = await sb.memory(repo, ["harvest", "--only", "nope", "--dry-run"]);
    expect(bad.code).toBe(2);
  });
});
