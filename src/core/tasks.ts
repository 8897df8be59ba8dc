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
 * Both sides changed one task: one task, the same whichever side is ours. Each attribute merges 3-way
 * against the base (a side that left it as it was takes the other's change); where both changed it, the
 * queue's rules decide: the earlier claim holds it (then the persona that sorts first) and the other is
 * recorded as lost; the later assignment counts; done beats everything, the earlier done is kept. Title and
 * body merge the same way; when both changed them, the smaller text is kept and the other's done notes are
 * added to it, so no note is lost.
 */
export function mergeTask(base: Entry | undefined, ours: Entry, theirs: Entry): Entry {
  const o = base?.attrs ?? {};
  const a = ours.attrs ?? {};
  const b = theirs.attrs ?? {};
  const out: Record<string, string> = {};
  for (const k of [...new Set([...Object.keys(o), ...Object.keys(a), ...Object.keys(b)])].sort()) {
    const [av, bv, ov] = [a[k], b[k], o[k]];
    const v = av === bv ? av : av === ov ? bv : bv === ov ? av : [av, bv].filter((x): x is string => x !== undefined).sort()[0];
    if (v !== undefined) out[k] = v;
  }
  const changed = (k: string) => a[k] !== o[k] && b[k] !== o[k] && a[k] !== b[k];
  // Claims made on both sides: the earlier holds it; the other is a lost claim.
  const lost = new Set([...(a["lost-claims"] ?? "").split(","), ...(b["lost-claims"] ?? "").split(",")].filter(Boolean));
  if (changed("claimed-by") && a["claimed-by"] && b["claimed-by"]) {
    const ca = { by: a["claimed-by"], at: a["claimed-at"] ?? "" };
    const cb = { by: b["claimed-by"], at: b["claimed-at"] ?? "" };
    const [win, lose] = time(ca.at) < time(cb.at) || (time(ca.at) === time(cb.at) && ca.by < cb.by) ? [ca, cb] : [cb, ca];
    out["claimed-by"] = win.by;
    out["claimed-at"] = win.at;
    lost.add(`${lose.by}@${lose.at}`);
  }
  if (lost.size) out["lost-claims"] = [...lost].sort().join(",");
  // Assignments made on both sides: the later counts (then the persona that sorts first).
  if (changed("assignee") && a.assignee && b.assignee) {
    const ta = time(a["assigned-at"]);
    const tb = time(b["assigned-at"]);
    const later = ta !== tb ? (ta > tb && ta !== Number.POSITIVE_INFINITY ? a : tb !== Number.POSITIVE_INFINITY ? b : a) : a.assignee < b.assignee ? a : b;
    out.assignee = later.assignee!;
    if (later["assigned-at"]) out["assigned-at"] = later["assigned-at"];
  }
  // Done beats claimed beats open; of two dones the earlier, then the persona that sorts first.
  const dones = [a, b].filter((x) => x.status === "done").sort((x, y) => time(x["done-at"]) - time(y["done-at"]) || ((x["done-by"] ?? "") < (y["done-by"] ?? "") ? -1 : 1));
  if (dones.length) {
    out.status = "done";
    for (const k of ["done-by", "done-at"]) {
      if (dones[0]![k]) out[k] = dones[0]![k]!;
    }
  } else out.status = out["claimed-by"] ? "claimed" : (out.status ?? "open");
  // Title and body, 3-way; both changed: the smaller text, with the other's done notes added.
  const same = (x: Entry, y: Entry | undefined) => !!y && x.title === y.title && x.body === y.body;
  let text = same(ours, base) ? theirs : same(theirs, base) ? ours : ours.title + ours.body <= theirs.title + theirs.body ? ours : theirs;
  let body = text.body;
  if (!same(ours, base) && !same(theirs, base)) {
    const other = text === ours ? theirs : ours;
    const notes = other.body.split("\n").filter((l) => l.startsWith("**Done**") && !body.includes(l));
    if (notes.length) body = `${body}${body ? "\n\n" : ""}${notes.join("\n\n")}`;
  }
  text = { ...text, body };
  return createEntry({ ...text, attrs: out });
}

export function taskLine(t: Task, tasks: ReadonlyMap<string, Task>): string {
  const state = t.status === "done" ? `done by ${t.doneBy ?? "?"}` : t.status === "claimed" ? `claimed by ${t.claimedBy}` : isBlocked(t, tasks) ? "blocked" : "open";
  return `${t.id}  ${t.priority.padEnd(8)} ${state.padEnd(20)} ${t.assignee ? `→ ${t.assignee}  ` : ""}${t.title}`;
}
