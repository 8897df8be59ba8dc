/**
 * The task queue's rules, pure. A task is an entry of type `task` whose state lives in its marker:
 * `status` (open, claimed, done), `priority`, `assignee`, `depends` (ids), `claimed-by`/`claimed-at`,
 * `done-by`/`done-at`, `assigned-at`, and `lost-claims` (`persona@time` of claims that lost a race).
 * When two clones change one task while apart, the merge keeps one task, decided the same way on both
 * sides: done beats everything; of two claims the earlier one holds it (then the persona that sorts
 * first), and the other is recorded as lost; of two assignments the later one counts.
 */
import { createEntry, type Entry } from "./entries.js";
import type { Item } from "./query.js";

export const PRIORITIES = ["low", "medium", "high", "critical"] as const;
export type Priority = (typeof PRIORITIES)[number];
export type TaskStatus = "open" | "claimed" | "done";

export interface Task {
  id: string;
  title: string;
  body: string;
  author: string;
  at: string;
  status: TaskStatus;
  priority: Priority;
  assignee: string | null;
  depends: string[];
  claimedBy: string | null;
  claimedAt: string | null;
  doneBy: string | null;
  doneAt: string | null;
  /** Claims that lost a race: who and when. */
  lostClaims: Array<{ persona: string; at: string }>;
  file: string;
}

const attrsOf = (i: Pick<Item, "attrs">): Record<string, string> => i.attrs ?? {};

export function taskOf(i: Item): Task {
  const a = attrsOf(i);
  const status = (["open", "claimed", "done"] as const).find((s) => s === a.status) ?? "open";
  const priority = PRIORITIES.find((p) => p === a.priority) ?? "medium";
  return {
    id: i.id,
    title: i.title,
    body: i.body,
    author: i.author,
    at: i.at,
    status,
    priority,
    assignee: a.assignee || null,
    depends: (a.depends ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    claimedBy: a["claimed-by"] || null,
    claimedAt: a["claimed-at"] || null,
    doneBy: a["done-by"] || null,
    doneAt: a["done-at"] || null,
    lostClaims: (a["lost-claims"] ?? "").split(",").filter(Boolean).map((c) => {
      const at = c.lastIndexOf("@");
      return { persona: c.slice(0, at), at: c.slice(at + 1) };
    }),
    file: i.file,
  };
}

/** Why a task cannot be claimed by `persona` now, or null. `tasks`: every task, for its dependencies. */
export function claimProblem(task: Task, persona: string, tasks: ReadonlyMap<string, Task>): string | null {
  if (task.status === "done") return `task ${task.id} is done (by ${task.doneBy ?? "?"})`;
  if (task.status === "claimed" && task.claimedBy && task.claimedBy !== persona) return `task ${task.id} is claimed by ${task.claimedBy} (since ${task.claimedAt ?? "?"})`;
  const open = task.depends.filter((d) => tasks.get(d)?.status !== "done");
  if (open.length) return `task ${task.id} waits for ${open.map((d) => `${d}${tasks.get(d) ? ` "${tasks.get(d)!.title}"` : " (not found)"}`).join(", ")}, not done yet`;
  return null;
}

/** Whether a task is blocked: a dependency not done. */
export const isBlocked = (task: Task, tasks: ReadonlyMap<string, Task>): boolean => task.status !== "done" && task.depends.some((d) => tasks.get(d)?.status !== "done");

const time = (t: string | undefined): number => {
  const n = t ? Date.parse(t) : Number.NaN;
  return Number.isNaN(n) ? Number.POSITIVE_INFINITY : n;
};

/**
 * Both sides changed one task: one task, the same on both sides. State attributes are resolved by the
 * rules above; title and body come from the side changed last (its latest state time), so a done note or
 * an edit is kept.
 */
export function mergeTask(ours: Entry, theirs: Entry): Entry {
  const a = ours.attrs ?? {};
  const b = theirs.attrs ?? {};
  // The side changed last gives title, body and the other attributes; a tie goes by text, so both clones
  // pick the same side whichever is "ours".
  const last = (x: Record<string, string>) => Math.max(0, ...[x["done-at"], x["claimed-at"], x["assigned-at"]].map((t) => (t ? Date.parse(t) || 0 : 0)));
  const textOf = (e: Entry) => e.lines.join("\n");
  const byLast = last(a) !== last(b) ? (last(b) > last(a) ? theirs : ours) : textOf(ours) <= textOf(theirs) ? ours : theirs;
  const out: Record<string, string> = { ...(byLast.attrs ?? {}) };
  // Claims: the earlier holds it, then the persona that sorts first; the other is a lost claim.
  const ca = a["claimed-by"] ? { by: a["claimed-by"], at: a["claimed-at"] ?? "" } : null;
  const cb = b["claimed-by"] ? { by: b["claimed-by"], at: b["claimed-at"] ?? "" } : null;
  const lost = new Set([...(a["lost-claims"] ?? "").split(","), ...(b["lost-claims"] ?? "").split(",")].filter(Boolean));
  let claim = ca ?? cb;
  if (ca && cb && ca.by !== cb.by) {
    const [win, lose] = time(ca.at) < time(cb.at) || (time(ca.at) === time(cb.at) && ca.by < cb.by) ? [ca, cb] : [cb, ca];
    claim = win;
    lost.add(`${lose.by}@${lose.at}`);
  } else if (ca && cb) claim = time(ca.at) <= time(cb.at) ? ca : cb;
  if (claim) {
    out["claimed-by"] = claim.by;
    out["claimed-at"] = claim.at;
  }
  if (lost.size) out["lost-claims"] = [...lost].sort().join(",");
  // Assignments: the later counts.
  if (a.assignee !== b.assignee && a.assignee && b.assignee) {
    const ta = a["assigned-at"] ? Date.parse(a["assigned-at"]) : 0;
    const tb = b["assigned-at"] ? Date.parse(b["assigned-at"]) : 0;
    const later = ta !== tb ? (ta > tb ? a : b) : a.assignee < b.assignee ? a : b;
    out.assignee = later.assignee!;
    if (later["assigned-at"]) out["assigned-at"] = later["assigned-at"];
  }
  // Done beats claimed beats open; the earlier done is the one kept.
  const done = [a, b].filter((x) => x.status === "done").sort((x, y) => time(x["done-at"]) - time(y["done-at"]))[0];
  if (done) {
    out.status = "done";
    if (done["done-by"]) out["done-by"] = done["done-by"];
    if (done["done-at"]) out["done-at"] = done["done-at"];
  } else out.status = claim ? "claimed" : a.status === "open" && b.status === "open" ? "open" : (out.status ?? "open");
  const text = done ? (done === a ? ours : theirs) : byLast;
  return createEntry({ ...text, attrs: out });
}

export function taskLine(t: Task, tasks: ReadonlyMap<string, Task>): string {
  const state = t.status === "done" ? `done by ${t.doneBy ?? "?"}` : t.status === "claimed" ? `claimed by ${t.claimedBy}` : isBlocked(t, tasks) ? "blocked" : "open";
  return `${t.id}  ${t.priority.padEnd(8)} ${state.padEnd(20)} ${t.assignee ? `→ ${t.assignee}  ` : ""}${t.title}`;
}
