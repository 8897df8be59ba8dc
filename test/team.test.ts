/** The team view over a scripted week of six personas: log, stats, contributions, insights. */
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { ok } from "./fixtures.js";
import { DAYS, PERSONAS, PLAN, scriptedWeek, type Week } from "./week.js";
import { parseLog, syncHealth } from "../src/core/team.js";

let week: Week;
beforeAll(async () => {
  week = await scriptedWeek();
}, 240_000);

const json = async (args: string[], who = "lead") => JSON.parse(ok(await week.sb.memory(week.clones[who]!, [...args, "--json"], { env: { MEMORY_NOW: `${DAYS[4]}T21:00:00Z` } })).stdout);

describe("the team view of a scripted week", () => {
  it("stats count every entry by type and persona, and the syncs all succeeded", async () => {
    const s = await json(["stats"]);
    const perDay = (p: (typeof PERSONAS)[number]) => PLAN[p].reduce((n, [, c]) => n + c, 0);
    // Decisions left the inbox for ADRs on Wednesday afternoon: the architect's of Monday to Wednesday
    // (it adds before it harvests), the lead's of Monday and Tuesday (it adds after).
    const harvested: Partial<Record<(typeof PERSONAS)[number], number>> = { architect: 3, lead: 2 };
    for (const p of PERSONAS) {
      const inBank = perDay(p) * 5 - (harvested[p] ?? 0);
      expect(s.entries.byPersona[p] ?? 0).toBe(inBank + (p === "dev" ? 1 : 0) + (p === "lead" ? 1 : 0)); // + dev's handoff, lead's task
    }
    expect(s.docs.byType.decision).toBe(5);
    expect(s.docs.byPersona).toMatchObject({ architect: 3, lead: 2 });
    expect(s.sync.successRate).toBe(1);
    expect(s.sync.syncs).toBeGreaterThanOrEqual(PERSONAS.length * 5);
    expect(s.sync.p95ms).toBeGreaterThan(0);
    // Every day's starts travelled with that day's save; Friday evening's last starts made no commit, so
    // only lead's own one is here (waiting in its git dir for its next save).
    expect(s.events.start).toBe(PERSONAS.length * 5 + 1);
  });

  it("contributions per persona: entries, ADRs, handoffs, tasks done, last active", async () => {
    const c = (await json(["contributions", "--since", "2026-11-20"])).personas as Array<{ persona: string; entries: number; adrs: number; handoffs: number; tasksDone: number; lastActive: string }>;
    const by = Object.fromEntries(c.map((x) => [x.persona, x]));
    expect(Object.keys(by).sort()).toEqual([...PERSONAS].sort());
    expect(by.architect!.adrs).toBe(3);
    expect(by.lead!.adrs).toBe(2);
    expect(by.dev!.handoffs).toBe(1);
    expect(by.qa!.tasksDone).toBe(1);
    expect(by.dev!.entries).toBe(15);
    expect(by.docs!.lastActive.startsWith("2026-11-27")).toBe(true);
    const qaOnly = (await json(["contributions", "qa", "--since", "2026-11-20"])).personas;
    expect(qaOnly.map((x: { persona: string }) => x.persona)).toEqual(["qa"]);
  });

  it("the log shows the week as data, filtered by persona and time", async () => {
    const events = (await json(["log", "--by", "qa", "--since", "2026-11-26"])).events as Array<{ persona: string; event: string; at: string; detail: string }>;
    expect(events.every((e) => e.persona === "qa" && e.at >= "2026-11-26")).toBe(true);
    expect(events.some((e) => e.event === "task" && e.detail.startsWith("done "))).toBe(true);
    expect(events.filter((e) => e.event === "save").length).toBeGreaterThanOrEqual(2);
  });

  it("insights name the open handoff, buffers at threshold and recurring tags", async () => {
    const found = (await json(["insights"])).insights as Array<{ kind: string; text: string }>;
    expect(found.some((i) => i.kind === "handoff" && i.text.includes("to ops from dev"))).toBe(true);
    expect(found.some((i) => i.kind === "ready" && i.text.startsWith("patterns-buffer"))).toBe(true);
    expect(found.some((i) => i.kind === "tag" && i.text.startsWith('"pattern" came up'))).toBe(true);
  });
});

describe("the log's lines", () => {
  it("parse back, sync lines with their figures; health counts successes, retries, offline and failures", () => {
    const text = [
      "# Session log",
      "- 2026-11-29T10:00:00Z · dev · start · main",
      "- 2026-11-29T10:00:01Z · dev · sync · save 820ms 2x merge pushed",
      "- 2026-11-29T10:05:00Z · qa · sync · start 30ms 0x none skipped",
      "- 2026-11-29T10:06:00Z · qa · sync · save 61000ms 1x none offline",
      "- 2026-11-29T10:07:00Z · ops · sync · save 400ms 1x none failed:merge-conflict",
      "not a line",
    ].join("\r\n");
    const events = parseLog(text);
    expect(events.map((e) => e.event)).toEqual(["start", "sync", "sync", "sync", "sync"]);
    expect(events[1]!.sync).toEqual({ command: "save", ms: 820, attempts: 2, merged: "merge", outcome: "pushed" });
    const h = syncHealth(events);
    expect(h).toMatchObject({ syncs: 4, succeeded: 1, offline: 2, failed: 1, retries: 1, conflicts: 1, merges: 1 });
    expect(h.successRate).toBe(0.5);
  });
});

describe("memory report", () => {
  it("one self-contained page: every persona, the ADRs with their status, open handoffs and tasks, no network", async () => {
    const res = ok(await week.sb.memory(week.clones.lead!, ["report", "--since", "2026-11-20"], { env: { MEMORY_NOW: `${DAYS[4]}T21:00:00Z` } }));
    const html = res.stdout;
    expect(html.startsWith("<!doctype html>")).toBe(true);
    for (const p of PERSONAS) expect(html).toContain(`<td>${p}</td>`);
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain("ADR-001: architect decision 1.1");
    expect(html).toMatch(/<td>proposed<\/td>/);
    expect(html).toContain("<td>dev</td><td>ops</td><td>my shift ends</td>"); // dev's handoff to ops, still open
    expect(html).not.toMatch(/<script|https?:\/\/|<link |@import|url\(/i);
    expect(html).toContain("prefers-color-scheme: dark");
    // Text from the bank is escaped.
    expect(html).not.toContain("<b>what");
  });

  const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
  it.skipIf(!chromium)(`renders in headless Chromium without console errors${chromium ? "" : " (skipped: no chromium here; Debian's chromium package)"}`, async () => {
    const out = join(week.sb.dir, "report.html");
    ok(await week.sb.memory(week.clones.lead!, ["report", "--out", out], { env: { MEMORY_NOW: `${DAYS[4]}T21:00:00Z` } }));
    const png = join(week.sb.dir, "report.png");
    const res = spawnSync(chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${join(week.sb.dir, "chrome")}`, "--enable-logging=stderr", "--v=0", "--window-size=1100,1600", `--screenshot=${png}`, `file://${out}`], { encoding: "utf8", timeout: 60_000 });
    expect(existsSync(png)).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(20_000);
    expect(res.stderr).not.toMatch(/CONSOLE\(\d+\)|Uncaught|Refused to/);
  }, 90_000);
});
