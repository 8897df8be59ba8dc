/** `memory log`, `stats`, `contributions` and `insights`: the team view, from the bank, its docs and its log. */
import { bufferNames } from "../core/config.js";
import { now } from "../core/clock.js";
import { computeContributions, computeInsights, computeStats, filterLog, parseLog, type Contribution, type Insight, type LogEvent, type Stats, type Window } from "../core/team.js";
import { taskOf } from "../core/tasks.js";
import { nearDuplicateGroups } from "../core/similarity.js";
import type { Item } from "../core/query.js";
import { readTextIfExists } from "../infra/fs.js";
import { loadBufferStatus } from "../bank/files.js";
import { readPendingLog } from "../bank/pending-log.js";
import { readItemsSeen } from "../bank/query.js";
import { bankFile, openWorkspace, type Workspace } from "../bank/workspace.js";
import { sinceTime } from "./recall.js";

export interface TeamOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** `7d`, a day or an ISO time. */
  since?: string;
  by?: string;
}

/** The shared log and this clone's lines still waiting for the next commit. */
export async function readLog(ws: Workspace): Promise<LogEvent[]> {
  const shared = parseLog((await readTextIfExists(bankFile(ws, "log").abs)) ?? "");
  const waiting = parseLog((await readPendingLog(ws.gitDir)).join("\n"), false);
  return [...shared, ...waiting];
}

const windowOf = (options: TeamOptions): Window => ({ since: options.since ? sinceTime(options.since, options.env ?? process.env) : undefined, by: options.by });

export async function log(options: TeamOptions): Promise<LogEvent[]> {
  const ws = await openWorkspace(options.cwd, options.env);
  return filterLog(await readLog(ws), windowOf(options));
}

export async function stats(options: TeamOptions): Promise<Stats & { since: string | null }> {
  const ws = await openWorkspace(options.cwd, options.env);
  const w = windowOf(options);
  return { since: w.since ?? null, ...computeStats(await readItemsSeen(ws), await readLog(ws), w) };
}

export async function contributions(options: TeamOptions): Promise<{ since: string | null; personas: Contribution[] }> {
  const ws = await openWorkspace(options.cwd, options.env);
  const w = windowOf(options);
  const items = await readItemsSeen(ws);
  const tasks = items.filter((i) => i.type === "task" && i.source === "bank").map(taskOf);
  return { since: w.since ?? null, personas: computeContributions(items, tasks, await readLog(ws), w) };
}

export async function insights(options: TeamOptions & { staleDays?: number }): Promise<Insight[]> {
  const ws = await openWorkspace(options.cwd, options.env);
  const items = await readItemsSeen(ws);
  const tasks = items.filter((i) => i.type === "task" && i.source === "bank").map(taskOf);
  const ready: Array<{ label: string; count: string }> = [];
  for (const name of bufferNames(ws.config)) {
    const s = await loadBufferStatus(ws, name);
    if (s.ready) ready.push({ label: s.label, count: `${s.unit === "lines" ? s.lines : s.items}/${s.threshold} ${s.unit}` });
  }
  // Near-duplicates: the pairs that joined a group, as consolidate would propose them.
  const entries = items.filter((i) => i.source === "bank" && i.type !== "task" && i.type !== "handoff");
  const byId = new Map(entries.map((i) => [i.id, i]));
  const duplicates = nearDuplicateGroups(entries, ws.config.consolidate.threshold).flatMap((g) => g.links.map((l) => [byId.get(l.a)!, byId.get(l.b)!] as [Item, Item]));
  return computeInsights({ items, tasks, events: await readLog(ws), ready, duplicates, now: now(ws.env).getTime(), staleDays: options.staleDays ?? 14 });
}
