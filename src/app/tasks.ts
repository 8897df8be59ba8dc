/**
 * `memory task`: the team's task queue, entries of the tasks buffer whose state lives in their markers
 * (core/tasks.ts). Every change rewrites one entry, as a hand edit would; the next save shares it and the
 * merge resolves two clones' changes of one task the same way on both sides.
 */
import { isoSeconds, now } from "../core/clock.js";
import { createEntry, serializeBuffer, type Entry } from "../core/entries.js";
import { MemoryError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { findItem } from "../core/query.js";
import { claimProblem, isBlocked, PRIORITIES, taskOf, type Priority, type Task } from "../core/tasks.js";
import { writeTextAtomic } from "../infra/fs.js";
import { appendEntry, loadBuffer } from "../bank/files.js";
import { readItems } from "../bank/query.js";
import { openWorkspace, requireBank, requirePersona, type Workspace } from "../bank/workspace.js";
import { locked } from "./session.js";
import { addPendingLog } from "../bank/pending-log.js";
import { logLine } from "../core/merge.js";

export const TASK_BUFFER = "tasks";

interface Where {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  persona?: string;
  onWait?: (holder: string) => void;
}

/** Every task in the bank, by id. */
export async function readTasks(ws: Workspace): Promise<Map<string, Task>> {
  const items = await readItems(ws, "worktree", { docs: false });
  return new Map(items.filter((i) => i.type === "task" && i.source === "bank").map((i) => [i.id, taskOf(i)]));
}

export async function addTask(options: Where & { title: string; body?: string; assign?: string; depends?: string[]; priority?: string }): Promise<Task> {
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  const author = requirePersona(ws, options.persona).name;
  const priority = options.priority ?? "medium";
  if (!PRIORITIES.includes(priority as Priority)) throw new MemoryError("usage", `--priority takes ${PRIORITIES.join(", ")}, not "${priority}"`);
  const at = now(ws.env);
  return locked(ws, options, async () => {
    const items = await readItems(ws, "worktree", { docs: false });
    const depends = (options.depends ?? []).map((d) => {
      const found = findItem(items.filter((i) => i.type === "task"), d);
      if (!found) throw new MemoryError("usage", `no task with id "${d}" for --depends`);
      return found.id;
    });
    const entry = createEntry({
      id: newId(at.getTime()),
      type: "task",
      author,
      createdAt: isoSeconds(at),
      title: options.title,
      tags: [],
      body: options.body ?? "",
      attrs: {
        status: "open",
        priority,
        ...(options.assign ? { assignee: options.assign, "assigned-at": isoSeconds(at) } : {}),
        ...(depends.length ? { depends: depends.join(",") } : {}),
      },
    });
    const { file } = await appendEntry(ws, TASK_BUFFER, entry, { persona: author, now: isoSeconds(at) });
    await addPendingLog(ws.gitDir, logLine(isoSeconds(at), author, "task", `add ${entry.id}`));
    return taskOf({ id: entry.id, type: "task", author, at: entry.createdAt, title: entry.title, tags: [], body: entry.body, source: "bank", file: file.rel, line: 0, text: "", attrs: entry.attrs! });
  });
}

export interface TaskListOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  persona?: string;
  mine?: boolean;
  status?: string;
}

export async function listTasks(options: TaskListOptions): Promise<{ tasks: Array<Task & { blocked: boolean }>; persona: string | null }> {
  const ws = await openWorkspace(options.cwd, options.env);
  const tasks = await readTasks(ws);
  const persona = options.mine ? requirePersona(ws, options.persona).name : null;
  const wanted = options.status;
  if (wanted && !["open", "claimed", "done", "blocked"].includes(wanted)) throw new MemoryError("usage", `--status takes open, claimed, done or blocked, not "${wanted}"`);
  const rank = (t: Task) => PRIORITIES.length - PRIORITIES.indexOf(t.priority);
  const list = [...tasks.values()]
    .map((t) => ({ ...t, blocked: isBlocked(t, tasks) }))
    .filter((t) => !persona || t.assignee === persona || t.claimedBy === persona)
    .filter((t) => !wanted || (wanted === "blocked" ? t.blocked : t.status === wanted && !(wanted === "open" && t.blocked)))
    .sort((a, b) => (a.status === "done" ? 1 : 0) - (b.status === "done" ? 1 : 0) || rank(a) - rank(b) || (a.at < b.at ? -1 : 1));
  return { tasks: list, persona };
}

/** Claim, finish or assign one task: its marker rewritten in place. */
async function change(options: Where & { id: string }, edit: (task: Task, entry: Entry, persona: string, at: string, tasks: Map<string, Task>) => Entry, verb: string): Promise<Task> {
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  const persona = requirePersona(ws, options.persona).name;
  const at = isoSeconds(now(ws.env));
  return locked(ws, options, async () => {
    const tasks = await readTasks(ws);
    const items = (await readItems(ws, "worktree", { docs: false })).filter((i) => i.type === "task");
    const item = findItem(items, options.id);
    if (!item) throw new MemoryError("not-found", `no task with id "${options.id}"`);
    const { file, doc } = await loadBuffer(ws, item.buffer!);
    const index = doc.entries.findIndex((e) => e.id === item.id);
    const next = edit(tasks.get(item.id)!, doc.entries[index]!, persona, at, tasks);
    await writeTextAtomic(file.abs, serializeBuffer({ ...doc, entries: doc.entries.map((e, i) => (i === index ? next : e)) }));
    await addPendingLog(ws.gitDir, logLine(at, persona, "task", `${verb} ${item.id}`));
    return taskOf({ ...item, title: next.title, body: next.body, attrs: next.attrs ?? {} });
  });
}

export const claimTask = (options: Where & { id: string }): Promise<Task> =>
  change(options, (task, entry, persona, at, tasks) => {
    const problem = claimProblem(task, persona, tasks);
    if (problem) throw new MemoryError("task", problem);
    if (task.claimedBy === persona) return entry;
    return createEntry({ ...entry, attrs: { ...entry.attrs, status: "claimed", "claimed-by": persona, "claimed-at": at } });
  }, "claim");

export const finishTask = (options: Where & { id: string; note?: string }): Promise<Task> =>
  change(options, (task, entry, persona, at) => {
    if (task.status === "done") throw new MemoryError("task", `task ${task.id} is done already (by ${task.doneBy ?? "?"})`);
    const note = options.note?.trim();
    const body = note ? `${entry.body ? `${entry.body}\n\n` : ""}**Done** (${persona}, ${at}): ${note}` : entry.body;
    return createEntry({ ...entry, body, attrs: { ...entry.attrs, status: "done", "done-by": persona, "done-at": at } });
  }, "done");

export const assignTask = (options: Where & { id: string; to: string }): Promise<Task> =>
  change(options, (task, entry, _persona, at) => {
    if (task.status === "done") throw new MemoryError("task", `task ${task.id} is done already`);
    return createEntry({ ...entry, attrs: { ...entry.attrs, assignee: options.to, "assigned-at": at } });
  }, `assign ${options.to}`);
