/**
 * The team view, pure: the session log read as data, and the figures of `stats`, `contributions` and
 * `insights` from the bank's items, its tasks and its log. The original design's success metrics: sync
 * success above 99%, conflicts below 1%, time to sync under 3 s.
 */
import type { Item } from "./query.js";
import { isExpired } from "./recall.js";
import { isBlocked, type Task } from "./tasks.js";

export interface LogEvent {
  at: string;
  persona: string;
  event: string;
  detail: string;
  /** For sync lines: what the sync did. */
  sync?: { command: string; ms: number; attempts: number; merged: string; outcome: string };
  /** False for lines still waiting in this clone's git dir. */
  shared: boolean;
}

const LINE = /^- (\S+) · ([^·]+?) · ([^·]+?)(?: · (.*))?$/;
const SYNC = /^(\S+) (\d+)ms (\d+)x (\S+) (\S+)$/;

export function parseLog(text: string, shared = true): LogEvent[] {
  const out: LogEvent[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = LINE.exec(raw.trim());
    if (!m || Number.isNaN(Date.parse(m[1]!))) continue;
    const e: LogEvent = { at: m[1]!, persona: m[2]!.trim(), event: m[3]!.trim(), detail: (m[4] ?? "").trim(), shared };
    if (e.event === "sync") {
      const s = SYNC.exec(e.detail);
      if (s) e.sync = { command: s[1]!, ms: Number(s[2]), attempts: Number(s[3]), merged: s[4]!, outcome: s[5]! };
    }
    out.push(e);
  }
  return out;
}

export interface Window {
  /** ISO time: only what happened at or after it. */
  since?: string | undefined;
  by?: string | undefined;
}

const within = (at: string, w: Window): boolean => !w.since || (Date.parse(at) || 0) >= Date.parse(w.since);

export function filterLog(events: readonly LogEvent[], w: Window): LogEvent[] {
  return events.filter((e) => within(e.at, w) && (!w.by || e.persona === w.by)).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

const percentile = (sorted: readonly number[], p: number): number | null => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : null);

export interface SyncHealth {
  syncs: number;
  /** Reached the remote and ended pushed or up to date (skipped and offline ones are not failures of sync, but are not successes). */
  succeeded: number;
  offline: number;
  failed: number;
  /** Share of syncs that reached the remote and succeeded, 0–1 (null with none). */
  successRate: number | null;
  /** Push attempts beyond the first. */
  retries: number;
  merges: number;
  conflicts: number;
  conflictRate: number | null;
  p50ms: number | null;
  p95ms: number | null;
}

export function syncHealth(events: readonly LogEvent[]): SyncHealth {
  const syncs = events.filter((e) => e.sync).map((e) => e.sync!);
  const tried = syncs.filter((s) => s.outcome !== "skipped" && s.outcome !== "offline");
  const succeeded = tried.filter((s) => s.outcome === "pushed" || s.outcome === "up-to-date" || s.outcome === "pending").length;
  const conflicts = tried.filter((s) => s.outcome === "failed:merge-conflict").length;
  const times = tried.map((s) => s.ms).sort((a, b) => a - b);
  return {
    syncs: syncs.length,
    succeeded,
    offline: syncs.length - tried.length,
    failed: tried.length - succeeded,
    successRate: tried.length ? succeeded / tried.length : null,
    retries: tried.reduce((n, s) => n + Math.max(0, s.attempts - 1), 0),
    merges: tried.filter((s) => s.merged === "merge").length,
    conflicts,
    conflictRate: tried.length ? conflicts / tried.length : null,
    p50ms: percentile(times, 50),
    p95ms: percentile(times, 95),
  };
}

export interface Stats {
  entries: { total: number; byType: Record<string, number>; byPersona: Record<string, number>; byBuffer: Record<string, number> };
  docs: { total: number; byType: Record<string, number>; byPersona: Record<string, number> };
  sync: SyncHealth;
  events: Record<string, number>;
}

const count = <T>(xs: readonly T[], key: (x: T) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
};

/** Entries and docs are counted by when they were written; log events by when they happened. */
export function computeStats(items: readonly Item[], events: readonly LogEvent[], w: Window): Stats {
  const bank = items.filter((i) => (i.source === "bank") && within(i.at, w) && (!w.by || i.author === w.by));
  const docs = items.filter((i) => i.source === "docs" && i.id !== i.file && within(i.at, w) && (!w.by || i.author === w.by));
  const log = filterLog(events, w);
  return {
    entries: { total: bank.length, byType: count(bank, (i) => i.type), byPersona: count(bank, (i) => i.author), byBuffer: count(bank, (i) => i.buffer ?? "?") },
    docs: { total: docs.length, byType: count(docs, (i) => i.type), byPersona: count(docs, (i) => i.author) },
    sync: syncHealth(log),
    events: count(log, (e) => e.event),
  };
}

export interface Contribution {
  persona: string;
  entries: number;
  byType: Record<string, number>;
  /** Docs harvested from this persona's entries: ADRs, post-mortems, pattern sections. */
  adrs: number;
  lessons: number;
  patterns: number;
  handoffs: number;
  tasksDone: number;
  saves: number;
  lastActive: string | null;
}

export function computeContributions(items: readonly Item[], tasks: readonly Task[], events: readonly LogEvent[], w: Window): Contribution[] {
  const people = new Set<string>();
  const inWindow = (at: string | null | undefined) => !!at && within(at, w);
  for (const i of items) if (i.author && i.author !== "unknown" && i.id !== i.file) people.add(i.author);
  for (const e of events) people.add(e.persona);
  const out: Contribution[] = [];
  for (const p of people) {
    if (w.by && p !== w.by) continue;
    const mine = items.filter((i) => i.author === p && i.id !== i.file && inWindow(i.at));
    const bank = mine.filter((i) => i.source === "bank");
    const docs = mine.filter((i) => i.source === "docs");
    const log = events.filter((e) => e.persona === p);
    const times = [...mine.map((i) => i.at), ...log.map((e) => e.at)].filter(Boolean).sort();
    out.push({
      persona: p,
      entries: bank.filter((i) => i.type !== "handoff" && i.type !== "task").length,
      byType: count(bank, (i) => i.type),
      adrs: docs.filter((i) => i.type === "decision").length,
      lessons: docs.filter((i) => i.type !== "decision" && i.type !== "pattern" && /postmortem|post-mortem|lesson/i.test(i.file + i.type)).length,
      patterns: docs.filter((i) => i.type === "pattern").length,
      handoffs: bank.filter((i) => i.type === "handoff").length,
      tasksDone: tasks.filter((t) => t.doneBy === p && inWindow(t.doneAt)).length,
      saves: log.filter((e) => e.event === "save" && within(e.at, w)).length,
      lastActive: times.at(-1) ?? null,
    });
  }
  return out.sort((a, b) => b.entries + b.adrs - (a.entries + a.adrs) || (a.persona < b.persona ? -1 : 1));
}

export interface Insight {
  kind: string;
  /** One line for a person. */
  text: string;
  /** What it is about: entry, task or handoff ids, a buffer, a persona. */
  refs: string[];
}

export interface InsightInput {
  items: readonly Item[];
  tasks: readonly Task[];
  events: readonly LogEvent[];
  /** Buffers at their threshold: label and count. */
  ready: Array<{ label: string; count: string }>;
  /** Pairs of near-duplicate entries (from the similarity of their texts). */
  duplicates: Array<[Item, Item]>;
  now: number;
  /** Days after which a proposed ADR counts as undecided, and a persona as gone quiet. */
  staleDays: number;
}

export function computeInsights(input: InsightInput): Insight[] {
  const { items, tasks, events, now } = input;
  const day = 86_400_000;
  const out: Insight[] = [];
  for (const r of input.ready) out.push({ kind: "ready", text: `${r.label} is at its harvest threshold (${r.count}): run memory harvest`, refs: [r.label] });
  const undecided = items.filter((i) => i.source === "docs" && /^proposed$/i.test(i.status ?? "") && i.at && now - Date.parse(i.at) > input.staleDays * day);
  for (const d of undecided) out.push({ kind: "undecided", text: `${d.file} has been proposed since ${d.at.slice(0, 10)}: accept or reject it`, refs: [d.file] });
  const bank = items.filter((i) => i.source === "bank");
  const superseded = new Set(bank.flatMap((i) => i.supersedes ?? []));
  const stale = bank.filter((i) => isExpired(i, now) || superseded.has(i.id));
  if (stale.length) out.push({ kind: "stale", text: `${stale.length} entr${stale.length === 1 ? "y is" : "ies are"} expired or superseded: memory cleanup archives them`, refs: stale.map((i) => i.id) });
  for (const [a, b] of input.duplicates) out.push({ kind: "duplicate", text: `"${a.title}" (${a.id}) and "${b.title}" (${b.id}) say nearly the same: memory consolidate`, refs: [a.id, b.id] });
  const open = bank.filter((i) => i.type === "handoff" && !i.attrs?.accepted);
  for (const h of open) out.push({ kind: "handoff", text: `a handoff to ${h.attrs?.to ?? "?"} from ${h.author} is open since ${h.at.slice(0, 10)}`, refs: [h.id] });
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (const t of tasks.filter((t) => t.status === "open")) {
    if (isBlocked(t, byId)) out.push({ kind: "blocked", text: `task "${t.title}" waits for ${t.depends.filter((d) => byId.get(d)?.status !== "done").join(", ")}`, refs: [t.id] });
    else out.push({ kind: "unclaimed", text: `task "${t.title}" (${t.priority}) is not claimed${t.assignee ? ` (assigned to ${t.assignee})` : ""}`, refs: [t.id] });
  }
  // Tags used three times or more in the last 30 days: a theme worth a pattern or a doc.
  const recent = bank.filter((i) => i.at && now - Date.parse(i.at) < 30 * day);
  const tags = new Map<string, number>();
  for (const i of recent) for (const t of i.tags) tags.set(t, (tags.get(t) ?? 0) + 1);
  for (const [tag, n] of [...tags].filter(([, n]) => n >= 3).sort((a, b) => b[1] - a[1])) out.push({ kind: "tag", text: `"${tag}" came up ${n} times in 30 days`, refs: [tag] });
  // Personas gone quiet: active before, nothing for staleDays while others were.
  const last = new Map<string, number>();
  for (const e of events) last.set(e.persona, Math.max(last.get(e.persona) ?? 0, Date.parse(e.at) || 0));
  for (const i of bank) if (i.author && i.at) last.set(i.author, Math.max(last.get(i.author) ?? 0, Date.parse(i.at) || 0));
  const newest = Math.max(0, ...last.values());
  for (const [p, t] of [...last].sort()) {
    if (newest - t > input.staleDays * day) out.push({ kind: "quiet", text: `${p} has been quiet since ${new Date(t).toISOString().slice(0, 10)}`, refs: [p] });
  }
  return out;
}
