/** `memory report`: the team view as one self-contained HTML page (core/report.ts draws it). */
import { bufferNames } from "../core/config.js";
import { isoSeconds, now } from "../core/clock.js";
import { renderReport, type ReportData } from "../core/report.js";
import { computeContributions, syncHealth } from "../core/team.js";
import { taskOf } from "../core/tasks.js";
import { loadBufferStatus } from "../bank/files.js";
import { readItemsSeen } from "../bank/query.js";
import { harvestTargets, openWorkspace } from "../bank/workspace.js";
import { handoffsOf } from "./handoff.js";
import { sinceTime } from "./recall.js";
import { readLog } from "./team.js";

const DAY = 86_400_000;
const dayOf = (at: string): string => (at.length >= 10 ? at.slice(0, 10) : "");

export async function report(options: { cwd?: string; env?: NodeJS.ProcessEnv; since?: string }): Promise<{ html: string; data: ReportData }> {
  const ws = await openWorkspace(options.cwd, options.env);
  const clock = now(ws.env).getTime();
  const since = options.since ? sinceTime(options.since, ws.env) : null;
  const items = await readItemsSeen(ws);
  const events = await readLog(ws);
  const tasks = items.filter((i) => i.type === "task" && i.source === "bank").map(taskOf);
  // Each entry once, wherever it is now (the bank, a doc it was harvested to, the archive).
  const seen = new Set<string>();
  const entries = items.filter((i) => {
    if (i.id === i.file || !i.at || (since && i.at < since) || seen.has(i.id)) return false;
    seen.add(i.id);
    return true;
  });
  // Days from the window's start (or the first entry, at most 90 days back) to today.
  const first = since ?? entries.map((i) => i.at).sort()[0] ?? isoSeconds(new Date(clock));
  const start = Math.max(Date.parse(`${dayOf(first)}T00:00:00Z`), clock - 89 * DAY);
  const days: string[] = [];
  for (let t = start; t <= clock; t += DAY) days.push(new Date(t).toISOString().slice(0, 10));
  const index = new Map(days.map((d, i) => [d, i]));
  const contributions = computeContributions(items, tasks, events, { since: since ?? undefined });
  const personas = contributions.map((c) => c.persona);
  const perDay: Record<string, number[]> = Object.fromEntries(personas.map((p) => [p, days.map(() => 0)]));
  const byType: Record<string, number> = {};
  for (const i of entries) {
    const d = index.get(dayOf(i.at));
    if (d !== undefined && perDay[i.author]) perDay[i.author]![d]!++;
    if (i.type !== "task" && i.type !== "handoff") byType[i.type] = (byType[i.type] ?? 0) + 1;
  }
  const buffers = [];
  for (const name of bufferNames(ws.config)) {
    const s = await loadBufferStatus(ws, name);
    buffers.push({ label: s.label, count: s.unit === "lines" ? s.lines : s.items, threshold: s.threshold, unit: s.unit });
  }
  const syncs = events.filter((e) => e.sync && (!since || e.at >= since));
  const syncDays = days.map((day) => {
    const on = syncs.filter((e) => dayOf(e.at) === day).map((e) => e.sync!.outcome);
    return { day, ok: on.filter((o) => ["pushed", "up-to-date", "pending"].includes(o)).length, offline: on.filter((o) => o === "offline" || o === "skipped").length, failed: on.filter((o) => o.startsWith("failed")).length };
  });
  const health = syncHealth(syncs);
  const adrDirs = harvestTargets(ws, "adr");
  const adrs = items
    .filter((i) => i.source === "docs" && adrDirs.some((d) => i.file.startsWith(`${d}/`)) && i.id !== i.file)
    .map((i) => ({ file: i.file, title: i.title, status: i.status ?? "?", day: dayOf(i.at) }))
    .sort((a, b) => (a.file < b.file ? -1 : 1));
  const data: ReportData = {
    title: `Memory report: ${ws.root.split("/").pop() ?? "bank"}`,
    generated: isoSeconds(new Date(clock)),
    since,
    personas,
    days,
    perDay,
    byType: Object.fromEntries(Object.entries(byType).sort((a, b) => b[1] - a[1])),
    buffers,
    syncDays,
    sync: { successRate: health.successRate, p50ms: health.p50ms, p95ms: health.p95ms, conflicts: health.conflicts, retries: health.retries },
    adrs,
    handoffs: handoffsOf(items, { open: true }).map((h) => ({ from: h.from, to: h.to, title: h.title.replace(/^Handoff to [^:]+: /, ""), at: h.at })),
    tasks: tasks.filter((t) => t.status !== "done").map((t) => ({ title: t.title, status: t.status, priority: t.priority, who: t.claimedBy ?? t.assignee ?? "" })),
    contributions: contributions.map((c) => ({ persona: c.persona, entries: c.entries, adrs: c.adrs, handoffs: c.handoffs, tasksDone: c.tasksDone, lastActive: c.lastActive })),
  };
  return { html: renderReport(data), data };
}
