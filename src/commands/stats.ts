import { contributions, insights, log, stats, type TeamOptions } from "../app/team.js";
import type { LogEvent } from "../core/team.js";
import { json, type Output } from "../ui/output.js";

export async function logCommand(options: TeamOptions, out: Output, asJson: boolean): Promise<void> {
  const events = await log(options);
  if (asJson) return out.data(json({ events }));
  if (events.length === 0) return out.data("No log lines.");
  out.data(events.map(line).join("\n"));
}

const line = (e: LogEvent): string => `${e.at}  ${e.persona.padEnd(10)} ${e.event.padEnd(8)} ${e.detail}${e.shared ? "" : "  (here only, until the next save)"}`;

const pct = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(1)}%`);
const ms = (x: number | null) => (x === null ? "n/a" : x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x} ms`);
const list = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(", ") || "none";

export async function statsCommand(options: TeamOptions, out: Output, asJson: boolean): Promise<void> {
  const s = await stats(options);
  if (asJson) return out.data(json(s));
  const h = s.sync;
  out.data([
    `Since ${s.since ?? "the start"}${options.by ? `, by ${options.by}` : ""}:`,
    `  entries: ${s.entries.total} (by type: ${list(s.entries.byType)}; by persona: ${list(s.entries.byPersona)})`,
    `  buffers: ${list(s.entries.byBuffer)}`,
    `  docs: ${s.docs.total} (by type: ${list(s.docs.byType)}; by persona: ${list(s.docs.byPersona)})`,
    `  syncs: ${h.syncs}; success ${pct(h.successRate)} (goal > 99%), conflicts ${pct(h.conflictRate)} (goal < 1%), p50 ${ms(h.p50ms)}, p95 ${ms(h.p95ms)} (goal < 3 s), retries ${h.retries}, merges ${h.merges}, offline or skipped ${h.offline}`,
    `  events: ${list(s.events)}`,
  ].join("\n"));
}

export async function contributionsCommand(options: TeamOptions, out: Output, asJson: boolean): Promise<void> {
  const c = await contributions(options);
  if (asJson) return out.data(json(c));
  if (c.personas.length === 0) return out.data("No contributions yet.");
  out.data([
    `Since ${c.since ?? "the start"}:`,
    ...c.personas.map((p) => `  ${p.persona.padEnd(12)} ${String(p.entries).padStart(4)} entries, ${p.adrs} ADRs, ${p.lessons} post-mortems, ${p.patterns} patterns, ${p.handoffs} handoffs, ${p.tasksDone} tasks done, ${p.saves} saves; last active ${p.lastActive ?? "never"}`),
  ].join("\n"));
}

export async function insightsCommand(options: TeamOptions, out: Output, asJson: boolean): Promise<void> {
  const found = await insights(options);
  if (asJson) return out.data(json({ insights: found }));
  if (found.length === 0) return out.data("Nothing needs attention.");
  out.data(found.map((i) => `- ${i.text}`).join("\n"));
}
