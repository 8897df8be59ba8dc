/** activeContext by persona, against real git: save, start, a plain git pull, doctor. */
import { describe, expect, it } from "vitest";
import { BANK, Sandbox, type Run } from "./helpers.js";
import { initClones } from "./fixtures.js";
import { parseContext } from "../src/core/context.js";

const CONTEXT = `${BANK}/activeContext.md`;
const at = (h: number) => ({ MEMORY_NOW: `2026-11-22T${String(h).padStart(2, "0")}:00:00Z` });

function ok(run: Run): Run {
  expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
  return run;
}

/** An origin with a bank made by `first` (persona setup, or the given context), and clones initialized as `personas`. */
async function team(personas: string[], context?: string) {
  const sb = new Sandbox();
  const origin = sb.origin();
  const first = sb.clone(origin, "setup");
  ok(await sb.memory(first, ["init", "--persona", "setup"], { env: at(7) }));
  if (context !== undefined) sb.write(first, CONTEXT, context);
  ok(await sb.memory(first, ["save", "-m", "memory: bank"], { env: at(8) }));
  const clones = await initClones(sb, origin, personas);
  return { sb, origin, first, clones };
}

/** Adds a section for `persona` by hand: the marker line a person copies, and a heading. */
const addSection = (sb: Sandbox, cwd: string, persona: string, text: string) =>
  sb.write(cwd, CONTEXT, `${sb.read(cwd, CONTEXT)}\n<!-- context persona=${persona} -->\n## ${persona}\n\n${text}\n`);
const editSection = (sb: Sandbox, cwd: string, persona: string, from: string, to: string) => {
  const text = sb.read(cwd, CONTEXT);
  const doc = parseContext(text);
  const s = doc.sections.find((x) => x.persona === persona)!;
  expect(s.lines.join("\n")).toContain(from);
  sb.write(cwd, CONTEXT, text.replace(s.lines.join("\n"), s.lines.join("\n").replace(from, to)));
};
const sectionOf = (sb: Sandbox, cwd: string, persona: string) => parseContext(sb.read(cwd, CONTEXT)).sections.find((s) => s.persona === persona);

describe("activeContext by persona", () => {
  it("a new bank's context has the persona's own section, stamped by init and by the save that commits it", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    ok(await sb.memory(repo, ["init", "--persona", "Ann Lee"], { env: at(7) }));
    expect(sb.read(repo, CONTEXT)).toContain('\n<!-- context persona="Ann Lee" updated=2026-11-22T07:00:00Z -->\n## Ann Lee\n');
    ok(await sb.memory(repo, ["save"], { env: at(8) }));
    expect(parseContext(sb.read(repo, CONTEXT)).sections.map((s) => [s.persona, s.updated])).toEqual([["Ann Lee", "2026-11-22T08:00:00Z"]]);
  });

  it("two personas saving their own sections keep both, whichever saves last; nothing is reported replaced", async () => {
    const { sb, clones } = await team(["dev", "qa"]);
    const [dev, qa] = clones as [string, string];
    addSection(sb, dev, "dev", "Checkout flow.");
    const saved = JSON.parse(ok(await sb.memory(dev, ["save", "--json"], { env: at(11) })).stdout);
    expect(saved.contextStamped).toBe(true);
    addSection(sb, qa, "qa", "Search tests.");
    const qaSaved = JSON.parse(ok(await sb.memory(qa, ["save", "--json"], { env: at(10) })).stdout); // later, with an earlier clock
    expect(qaSaved.contextReplaced).toBeNull();
    ok(await sb.memory(dev, ["start"], { env: at(12) }));
    const started = JSON.parse(ok(await sb.memory(qa, ["start", "--json"], { env: at(12) })).stdout);
    expect(started.contextReplaced).toBeNull();
    for (const c of [dev, qa]) {
      expect(sectionOf(sb, c, "dev")).toMatchObject({ updated: "2026-11-22T11:00:00Z" });
      expect(sectionOf(sb, c, "qa")).toMatchObject({ updated: "2026-11-22T10:00:00Z" });
      expect(sb.read(c, CONTEXT)).toContain("Checkout flow.");
      expect(sb.read(c, CONTEXT)).toContain("Search tests.");
      expect(sectionOf(sb, c, "setup")!.updated).toBe("2026-11-22T08:00:00Z"); // nobody touched it, nobody stamped it
    }
  });

  it("a section replaced by a newer copy is reported by the save that merged it, and by the next start", async () => {
    const { sb, clones } = await team(["dev", "qa"]);
    const [dev, qa] = clones as [string, string];
    editSection(sb, dev, "setup", "### Current focus", "### Current focus\n\nSetup is done (dev).");
    ok(await sb.memory(dev, ["save"], { env: at(11) }));
    editSection(sb, qa, "setup", "### Current focus", "### Current focus\n\nSetup needs CI (qa).");
    const saved = ok(await sb.memory(qa, ["save"], { env: at(10) }));
    expect(saved.stderr).toMatch(/activeContext: setup's section was replaced by dev's copy \(updated 2026-11-22T11:00:00Z\); the text you had: git show [0-9a-f]{12}:\.claude\/memory-bank\/activeContext\.md/);
    expect(sb.read(qa, CONTEXT)).toContain("Setup is done (dev).");
    expect(sb.read(qa, CONTEXT)).not.toContain("Setup needs CI (qa).");
    const started = ok(await sb.memory(qa, ["start"], { env: at(12) }));
    const line = started.stdout.split("\n").find((l) => l.startsWith("activeContext: setup's section was replaced by dev's copy"))!;
    const [, ref, path] = /the text you had: git show (\S+):(\S+)$/.exec(line)!;
    expect(sb.git(qa, "show", `${ref}:${path}`)).toContain("Setup needs CI (qa).");
    const json = JSON.parse(ok(await sb.memory(qa, ["start", "--json"], { env: at(13) })).stdout);
    expect(json.contextReplaced).toBeNull(); // told once: this clone has looked since
  });

  it("an unstamped context (as every real bank has) pulled with plain git keeps both sides' edits", async () => {
    const cline = "# Active Context\n\n## Current Focus\n\n- Stage 1.5 polish\n\n## Recent Changes\n\n- Progress bars\n\n## Open Questions\n\n- Stage 2 first?\n";
    for (const rebase of [false, true]) {
      const { sb, clones } = await team(["dev", "qa"], cline);
      const [dev, qa] = clones as [string, string];
      sb.write(dev, CONTEXT, cline.replace("- Stage 1.5 polish", "- Stage 2: rate limits"));
      sb.git(dev, "commit", "-q", "-am", "dev context");
      sb.git(dev, "push", "-q", "origin", "main");
      sb.write(qa, CONTEXT, cline.replace("- Progress bars\n", "- Progress bars\n- Flaky test fixed\n").replace("- Stage 1.5 polish", "- Stage 1.5 review"));
      sb.git(qa, "commit", "-q", "-am", "qa context");
      sb.git(qa, "pull", "-q", rebase ? "--rebase" : "--no-rebase", "--no-edit", "origin", "main");
      const merged = sb.read(qa, CONTEXT);
      for (const line of ["- Stage 2: rate limits", "- Stage 1.5 review", "- Flaky test fixed", "- Stage 2 first?"]) expect(merged).toContain(`${line}\n`);
      expect(merged).not.toMatch(/^(<{7}|>{7})/m);
    }
  });

  it("doctor reports an unstamped context; --fix stamps it as the persona's section, and save keeps it that way", async () => {
    const cline = "# Active Context\n\n## Current Focus\n\n- Stage 1.5 polish\n";
    const { sb, clones } = await team(["dev", "qa"], cline);
    const [dev, qa] = clones as [string, string];
    const found = await sb.memory(dev, ["doctor"]);
    expect(found.code).toBe(3);
    expect(found.stdout).toContain("✗ activeContext stamped");
    expect(found.stdout).toContain(`${CONTEXT}:1: no updated: stamp and no persona sections`);
    ok(await sb.memory(dev, ["doctor", "--fix"], { env: at(9) }));
    expect(sb.read(dev, CONTEXT)).toBe(
      "---\nupdated: 2026-11-22T09:00:00Z\nby: dev\n---\n# Active Context\n\n<!-- context persona=dev updated=2026-11-22T09:00:00Z -->\n## Current Focus\n\n- Stage 1.5 polish\n",
    );
    ok(await sb.memory(dev, ["save"], { env: at(9) }));
    ok(await sb.memory(qa, ["start"], { env: at(10) }));
    expect(JSON.parse(ok(await sb.memory(qa, ["doctor", "--json"])).stdout).ok).toBe(true);
    addSection(sb, qa, "qa", "Testing search.");
    ok(await sb.memory(qa, ["save"], { env: at(10) }));
    editSection(sb, dev, "dev", "Stage 1.5 polish", "Stage 2");
    ok(await sb.memory(dev, ["save"], { env: at(11) }));
    expect(sectionOf(sb, dev, "qa")!.lines.join("\n")).toContain("Testing search.");
    expect(sectionOf(sb, dev, "dev")!.lines.join("\n")).toContain("- Stage 2");
  });

  it("a context from before sections still reads, is stamped as a whole and merged by its stamp", async () => {
    const old = "---\nupdated: 2026-11-22T08:00:00Z\nby: setup\n---\n# Active context\n\n## Current focus\n\nsetup\n";
    const { sb, clones } = await team(["dev", "qa"], old);
    const [dev, qa] = clones as [string, string];
    sb.write(dev, CONTEXT, old.replace("\nsetup\n", "\ndev\n"));
    ok(await sb.memory(dev, ["save"], { env: at(11) }));
    sb.write(qa, CONTEXT, old.replace("\nsetup\n", "\nqa\n"));
    ok(await sb.memory(qa, ["save"], { env: at(10) }));
    expect(sb.read(qa, CONTEXT)).toBe("---\nupdated: 2026-11-22T11:00:00Z\nby: dev\n---\n# Active context\n\n## Current focus\n\ndev\n");
    const started = ok(await sb.memory(qa, ["start"], { env: at(12) }));
    expect(started.stdout).toMatch(/^activeContext was replaced by dev's copy \(updated 2026-11-22T11:00:00Z\); the text you had: git show /m);
  });

  it("refuses to save a context whose sections cannot be read, naming the line", async () => {
    const { sb, first } = await team([]);
    sb.write(first, CONTEXT, `${sb.read(first, CONTEXT)}\n<!-- context updated=2026-11-22T10:00:00Z -->\n`);
    const refused = await sb.memory(first, ["save"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/activeContext\.md:\d+: context marker has no persona=…; name whose section it is, e\.g\. persona=dev/);
  });
});
