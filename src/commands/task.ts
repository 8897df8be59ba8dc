import { addTask, assignTask, claimTask, finishTask, listTasks, type TaskListOptions } from "../app/tasks.js";
import { taskLine, type Task } from "../core/tasks.js";
import { json, type Output } from "../ui/output.js";

type Where = { cwd?: string; env?: NodeJS.ProcessEnv; persona?: string };

export async function taskAddCommand(options: Where & { title: string; body?: string; assign?: string; depends?: string[]; priority?: string }, out: Output, asJson: boolean): Promise<void> {
  const task = await addTask({ ...options, onWait: out.waiting });
  if (asJson) return out.data(json(task));
  out.data(task.id);
  out.success(`task added to ${task.file}${task.assignee ? `, assigned to ${task.assignee}` : ""}; memory save shares it`);
}

export async function taskListCommand(options: TaskListOptions, out: Output, asJson: boolean): Promise<void> {
  const { tasks } = await listTasks(options);
  if (asJson) return out.data(json({ tasks }));
  if (tasks.length === 0) return out.data("No tasks.");
  const byId = new Map<string, Task>(tasks.map((t) => [t.id, t]));
  out.data(tasks.map((t) => taskLine(t, byId)).join("\n"));
}

export async function taskChangeCommand(kind: "claim" | "done" | "assign", options: Where & { id: string; note?: string; to?: string }, out: Output, asJson: boolean): Promise<void> {
  const task =
    kind === "claim" ? await claimTask({ ...options, onWait: out.waiting })
    : kind === "done" ? await finishTask({ ...options, onWait: out.waiting })
    : await assignTask({ ...options, to: options.to!, onWait: out.waiting });
  if (asJson) return out.data(json(task));
  out.data(task.id);
  const said = kind === "claim" ? `claimed by ${task.claimedBy}` : kind === "done" ? `done by ${task.doneBy}` : `assigned to ${task.assignee}`;
  out.success(`"${task.title}" ${said}; memory save shares it`);
}
