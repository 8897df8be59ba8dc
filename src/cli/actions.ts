/**
 * What the calls both the full parser (main.ts) and the fast path (fast.ts) take do, written once: the two
 * ways in cannot drift apart.
 */
import type { Output } from "../ui/output.js";
import { hookEnv } from "./boundary.js";

export interface SaveFlags {
  message?: string | undefined;
  push: boolean;
  allowSecret: boolean;
  persona?: string | undefined;
  json: boolean;
  /** Run from an agent's hook: its JSON on stdin (nothing in it changes a save), short waits. */
  hook: boolean;
  retryNow: boolean;
}

export async function saveAction(out: Output, o: SaveFlags): Promise<void> {
  const { io } = out;
  const { saveCommand } = await import("../commands/save.js");
  if (o.hook) await io.readStdin();
  const env = o.hook ? hookEnv(io.env) : io.env;
  await saveCommand({ cwd: io.cwd, env, message: o.message, push: o.push, allowSecret: o.allowSecret, persona: o.persona, retryNow: o.retryNow }, out, o.json);
}

/** `context --hook`: answers the agent's hook (its JSON on stdin) in the agent's format. */
export async function contextHookAction(out: Output, o: { task?: string | undefined; budget?: number | undefined; persona?: string | undefined }): Promise<void> {
  const { io } = out;
  const { contextHookCommand } = await import("../commands/context.js");
  await contextHookCommand({ cwd: io.cwd, env: hookEnv(io.env), task: o.task, budget: o.budget, persona: o.persona }, out, await io.readStdin());
}

export interface AddFlags {
  message?: string | undefined;
  tags?: string | undefined;
  supersedes?: string | undefined;
  related?: string[] | undefined;
  expires?: string | undefined;
  private?: boolean | undefined;
  persona?: string | undefined;
  json?: boolean | undefined;
}

/** `add <type> <title>`: the body from `-m`, or from stdin with `-m -`. */
export async function addAction(out: Output, type: string, title: string, o: AddFlags): Promise<void> {
  const { io } = out;
  const { addCommand } = await import("../commands/add.js");
  if (o.message === "-" && io.stdinIsTTY) out.info("reading the body from the terminal: type it, then Ctrl-D on a line of its own");
  const body = o.message === "-" ? await io.readStdin() : o.message;
  await addCommand({ cwd: io.cwd, env: io.env, type, title, body, tags: o.tags ? [o.tags] : [], supersedes: o.supersedes, related: o.related, expires: o.expires, private: !!o.private, persona: o.persona }, out, !!o.json);
}
