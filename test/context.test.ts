/** Briefings within a token budget, handoffs, and the answer an agent's session hook gets. */
import { describe, expect, it } from "vitest";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BANK, Sandbox } from "./helpers.js";
import { ok } from "./fixtures.js";
import { createEntry, serializeBuffer } from "../src/core/entries.js";
import { newId } from "../src/core/ids.js";
import { estimateTokens, packBriefing, type BriefSection } from "../src/core/briefing.js";

const WORDS = "cache retry timeout database queue deploy rollback index schema migration token session cookie header proxy worker".split(" ");

/** A bank of `n` entries by qa (patterns, lessons, decisions in turn), written as a save would leave them. */
function bigBank(sb: Sandbox, cwd: string, n: number): void {
  const files = [["patterns-buffer.md", "pattern"], ["lessons-buffer.md", "lesson"], ["decisions-inbox.md", "decision"]] as const;
  const per: Record<string, ReturnType<typeof createEntry>[]> = {};
  for (let i = 0; i < n; i++) {
    const [file, type] = files[i % 3]!;
    const at = new Date(Date.parse("2026-06-01T00:00:00Z") + i * 60_000);
    const w = (k: number) => WORDS[(i * 7 + k * 3) % WORDS.length];
    (per[file] ??= []).push(
      createEntry({ id: newId(at.getTime()), type, author: "qa", createdAt: at.toISOString().replace(/\.\d+Z$/, "Z"), title: `${w(1)} ${w(2)} note ${i}`, tags: [w(3)!], body: `${w(4)} ${w(5)} ${w(6)} and more words about entry ${i}.` }),
    );
  }
  for (const [file] of files) writeFileSync(join(cwd, BANK, file), serializeBuffer({ header: ["# buffer", ""], entries: per[file]!, shape: { bom: false, eol: "\n" } }));
  void sb;
}

describe("memory context", () => {
  it("at 500, 2,000 and 8,000 tokens over 1,000 entries: never over budget, handoffs first, the task's entry in, the left-out line true", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(dev, ["start"])); // looked at the bank before the entries came
    bigBank(sb, dev, 1000);
    ok(await sb.memory(dev, ["add", "lesson", "Zebra crossing flake", "-m", "The zebra test fails when the clock ticks over midnight.", "--tags", "flaky"]));
    ok(await sb.memory(dev, ["handoff", "dev", "-m", "Pick up the release notes", "--reason", "a note to self"]));
    for (const budget of [500, 2000, 8000]) {
      const res = JSON.parse(ok(await sb.memory(dev, ["context", "--budget", String(budget), "--task", "zebra midnight flake", "--json"])).stdout);
      expect(res.estimate).toBeLessThanOrEqual(budget);
      expect(estimateTokens(res.text)).toBe(res.estimate);
      expect(res.estimate).toBeGreaterThan(budget * 0.75); // filled to about 90%
      expect(res.sections[0].title).toBe("Handoffs to you");
      expect(res.sections[0].items).toHaveLength(1);
      const task = res.sections.find((s: { title: string }) => s.title.startsWith("Relevant to the task"));
      expect(task.items[0].text).toContain("Zebra crossing flake");
      // The closing line counts what each section left out, and the counts are true.
      const fresh = res.sections.find((s: { title: string }) => s.title === "New since you last looked");
      expect(fresh.items.length + fresh.leftOut).toBe(1000);
      if (fresh.leftOut > 0) expect(res.footer).toContain(`${fresh.leftOut} entries of "New since you last looked"`);
      expect(res.text.trimEnd().endsWith(res.footer)).toBe(true);
    }
    const text = ok(await sb.memory(dev, ["context", "--budget", "500"])).stdout;
    expect(text.startsWith("# Memory briefing for dev")).toBe(true);
    expect(text.trimEnd().split("\n").pop()).toMatch(/^Left out to stay within the budget: \d+ entries of "New since you last looked" \(memory list --since /);
    const small = await sb.memory(dev, ["context", "--budget", "20"]);
    expect(small.code).toBe(2);
    expect(small.stderr).toContain("too small for a briefing");
  });

  it("answers a real Claude Code SessionStart payload with hookSpecificOutput JSON, after pulling the team's entries", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    ok(await sb.memory(dev, ["add", "pattern", "Retry pushes with jitter", "-m", "Back off 50-400 ms."]));
    ok(await sb.memory(dev, ["handoff", "qa", "-m", "Run the checkout suite on staging", "--fact", "branch=feature/checkout"]));
    ok(await sb.memory(dev, ["save"]));
    const payload = { session_id: "abc123", transcript_path: "/tmp/t.jsonl", cwd: qa, hook_event_name: "SessionStart", source: "startup" };
    const res = sb.memoryCli(qa, ["context", "--hook"], { input: JSON.stringify(payload) });
    expect(res.code).toBe(0);
    const answer = JSON.parse(res.stdout);
    expect(answer.hookSpecificOutput.hookEventName).toBe("SessionStart");
    const context: string = answer.hookSpecificOutput.additionalContext;
    expect(context).toContain("## Handoffs to you");
    expect(context.indexOf("Run the checkout suite on staging")).toBeLessThan(context.indexOf("Retry pushes with jitter"));
    expect(context).toContain("- branch: feature/checkout");
    // The start ran: qa's bank has dev's entry now.
    expect(sb.read(qa, `${BANK}/patterns-buffer.md`)).toContain("Retry pushes with jitter");
    // Cursor's payload gets Cursor's field; no payload gets the text.
    const cursor = JSON.parse(sb.memoryCli(qa, ["context", "--hook"], { input: JSON.stringify({ hook_event_name: "sessionStart" }) }).stdout);
    expect(cursor.additional_context).toContain("# Memory briefing for qa");
    expect(sb.memoryCli(qa, ["context", "--hook"], { input: "" }).stdout).toMatch(/^# Memory briefing for qa/);
    // A prompt becomes the task.
    const prompt = JSON.parse(sb.memoryCli(qa, ["context", "--hook"], { input: JSON.stringify({ hook_event_name: "UserPromptSubmit", prompt: "why do pushes retry with jitter?" }) }).stdout);
    expect(prompt.hookSpecificOutput.additionalContext).toContain("## Relevant to the task: why do pushes retry with jitter?");
  });

  it("never breaks the agent's session: outside a bank the hook exits 0 and says why on stderr", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const repo = sb.repo();
    const res = sb.memoryCli(repo, ["context", "--hook"], { input: JSON.stringify({ hook_event_name: "SessionStart", source: "startup" }) });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe("");
    expect(res.stderr).toContain("memory init");
  });
});

describe("memory handoff", () => {
  it("the receiver sees it first in start until it accepts it; a persona nobody used yet is allowed and said", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    sb.write(dev, `${BANK}/activeContext.md`, sb.read(dev, `${BANK}/activeContext.md`).replace("### Current focus", "### Current focus\n\nThe checkout flow, step 3."));
    const task = ok(await sb.memory(dev, ["add", "decision", "Ship checkout v2"])).stdout.trim();
    const sent = ok(await sb.memory(dev, ["handoff", "qa", "-m", "Verify the payment step", "--reason", "my shift ends", "--fact", "env=staging", "--fact", "ticket=SHOP-42", "--task", task, "--json"]));
    const handoff = JSON.parse(sent.stdout).handoff;
    expect(JSON.parse(sent.stdout).newPersona).toBe(true);
    const text = sb.read(dev, `${BANK}/handoffs.md`);
    expect(text).toContain(`to=qa`);
    expect(text).toContain("- env: staging\n- ticket: SHOP-42");
    expect(text).toContain(`**Tasks:** ${task}`);
    expect(text).toContain("> The checkout flow, step 3.");
    ok(await sb.memory(dev, ["save"]));
    const started = ok(await sb.memory(qa, ["start"])).stdout;
    expect(started.split("\n")[0]).toBe(`Handoff from dev (${handoff.at}): my shift ends`);
    expect(JSON.parse(ok(await sb.memory(qa, ["handoff", "list", "--open", "--json"])).stdout).handoffs.map((h: { id: string }) => h.id)).toEqual([handoff.id]);
    ok(await sb.memory(qa, ["handoff", "accept", handoff.id.slice(0, 20)]));
    expect(ok(await sb.memory(qa, ["handoff", "list", "--open"])).stdout.trim()).toBe("No open handoffs.");
    expect(ok(await sb.memory(qa, ["context"])).stdout).not.toContain("Handoffs to you");
    ok(await sb.memory(qa, ["save"]));
    ok(await sb.memory(dev, ["start"]));
    const back = JSON.parse(ok(await sb.memory(dev, ["handoff", "list", "--json"])).stdout).handoffs[0];
    expect(back.acceptedBy).toBe("qa");
    expect(back.accepted).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // nothing to say is refused; a fact that is not KEY=VALUE too
    expect((await sb.memory(dev, ["handoff", "qa"])).code).toBe(2);
    expect((await sb.memory(dev, ["handoff", "qa", "--fact", "nokey"])).stderr).toContain("--fact takes KEY=VALUE");
  });
});

describe("the briefing's packing", () => {
  const section = (title: string, texts: string[]): BriefSection => ({ title, noun: "entry", more: "memory list", items: texts.map((t, i) => ({ key: `${title}${i}`, text: t })) });

  it("takes whole items in order while they fit 90% of the budget, and says what it left out", () => {
    const sections = [section("First", ["a".repeat(90)]), section("Second", ["b".repeat(300), "c".repeat(30), "d".repeat(3000)])];
    const b = packBriefing("# Briefing", sections, 300);
    expect(b.estimate).toBeLessThanOrEqual(270);
    expect(b.sections.map((s) => s.items.map((i) => i.key))).toEqual([["First0"], ["Second0", "Second1"]]);
    expect(b.footer).toBe('Left out to stay within the budget: 1 entry of "Second" (memory list).');
    const all = packBriefing("# Briefing", [section("Only", ["tiny"])], 1000);
    expect(all.footer).toBe("Nothing left out.");
    expect(all.text).toBe("# Briefing\n## Only\n\ntiny\n\n---\nNothing left out.\n");
  });
});

describe("the remote's circuit breaker", () => {
  it("offline, the second save skips the network at once; status says so; --retry-now and a reachable remote close it", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    const env = { MEMORY_REMOTE_COOLDOWN: "30" }; // the default, which the other tests turn off
    ok(await sb.memory(dev, ["init", "--persona", "dev"], { env }));
    ok(await sb.memory(dev, ["save"], { env }));
    const ssh = join(sb.dir, "slow-ssh");
    sb.write(sb.dir, "slow-ssh", "#!/bin/sh\nsleep 20\n");
    chmodSync(ssh, 0o755);
    sb.git(dev, "remote", "set-url", "origin", "ssh://git.example.invalid/bank.git");
    const offline = { ...env, GIT_SSH_COMMAND: ssh, MEMORY_NETWORK_TIMEOUT: "1" };
    ok(await sb.memory(dev, ["add", "pattern", "First while offline"], { env: offline }));
    const first = ok(await sb.memory(dev, ["save"], { env: offline }));
    expect(first.stderr).toContain("push pending");
    ok(await sb.memory(dev, ["add", "pattern", "Second while offline"], { env: offline }));
    const started = Date.now();
    const second = ok(await sb.memory(dev, ["save", "--json"], { env: offline }));
    expect(Date.now() - started).toBeLessThan(1000);
    const report = JSON.parse(second.stdout).sync;
    expect(report.skippedUntil).toMatch(/^\d{4}-/);
    expect(report.pendingPush).toBe(2);
    const status = JSON.parse(ok(await sb.memory(dev, ["status", "--json"], { env: offline })).stdout);
    expect(status.remoteBreaker.failures).toBe(1);
    expect(ok(await sb.memory(dev, ["status"], { env: offline })).stdout).toContain("syncs skip it until");
    // The remote is back: --retry-now goes to it, delivers both saves and closes the breaker.
    sb.git(dev, "remote", "set-url", "origin", origin);
    const back = JSON.parse(ok(await sb.memory(dev, ["save", "--retry-now", "--json"], { env })).stdout).sync;
    expect(back.pushed).toBe(true);
    expect(JSON.parse(ok(await sb.memory(dev, ["status", "--json"], { env })).stdout).remoteBreaker).toBeNull();
    expect(sb.git(origin, "show", `memory:${BANK}/patterns-buffer.md`)).toContain("Second while offline");
  });
});

describe("private notes", () => {
  it("stay in this clone's git dir: recall and the briefing here find them, saves never carry them", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    const id = ok(await sb.memory(dev, ["add", "lesson", "My staging password hint", "-m", "the one from the wiki, page seven", "--private"])).stdout.trim();
    ok(await sb.memory(dev, ["add", "pattern", "Shared wiki pattern", "-m", "wiki pages are the source of truth"]));
    ok(await sb.memory(dev, ["save"]));
    for (const f of ["patterns-buffer.md", "lessons-buffer.md", "SESSION_LOG.md"]) expect(sb.git(origin, "show", `memory:${BANK}/${f}`)).not.toContain("staging password");
    for (const f of ["patterns-buffer.md", "lessons-buffer.md"]) expect(sb.read(dev, `${BANK}/${f}`)).not.toContain("staging password");
    const hits = JSON.parse(ok(await sb.memory(dev, ["recall", "wiki", "--json"])).stdout).results;
    expect(hits.map((h: { id: string; source: string }) => [h.id, h.source])).toContainEqual([id, "private"]);
    expect(ok(await sb.memory(dev, ["context"])).stdout).toContain("## Your private notes");
    ok(await sb.memory(qa, ["start"]));
    const theirs = JSON.parse(ok(await sb.memory(qa, ["recall", "wiki", "--json"])).stdout).results;
    expect(theirs.map((h: { title: string }) => h.title)).toEqual(["Shared wiki pattern"]);
  });
});

describe("memory hook git-sync (what git's hooks run)", () => {
  it("after a plain pull brings harvested docs, the entries leave the buffers here, with no network; markers are said", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    ok(await sb.memory(dev, ["add", "decision", "Use SQLite", "-m", "small data"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["start"]));
    ok(await sb.memory(dev, ["harvest", "--all", "--yes"]));
    sb.git(qa, "pull", "-q", "origin", "main");
    const before = sb.git(qa, "rev-parse", "memory");
    sb.git(qa, "remote", "set-url", "origin", join(sb.dir, "nowhere.git")); // no network needed
    const res = await sb.memory(qa, ["hook", "git-sync"]);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe("");
    expect(sb.read(qa, `${BANK}/decisions-inbox.md`)).not.toContain("Use SQLite");
    expect(sb.git(qa, "rev-parse", "memory")).not.toBe(before); // a local bank commit, pushed by the next save
    sb.write(qa, `${BANK}/patterns-buffer.md`, "<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> other\n");
    const said = await sb.memory(qa, ["hook", "git-sync"]);
    expect(said.code).toBe(0);
    expect(said.stderr).toContain("git conflict markers");
    expect(said.stderr).toContain("memory doctor --fix");
  });
});
