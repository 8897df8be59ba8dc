/**
 * `memory context --hook`: what an agent's session hook runs. At a session start it syncs first (pulling
 * what the team learned; the remote is waited for briefly, and an unreachable one is skipped), then answers
 * with the briefing in the agent's format. It never fails the agent's session: a problem is one line on
 * stderr and the briefing says what it could.
 */
import { briefing, type ContextOptions } from "../app/context.js";
import { start } from "../app/start.js";
import { MemoryError } from "../core/errors.js";
import { describe } from "../ui/messages.js";
import type { Output } from "../ui/output.js";
import { hookAnswer, readHookPayload } from "./context.js";

export async function contextHookCommand(options: ContextOptions, out: Output, stdin: string): Promise<void> {
  const payload = readHookPayload(stdin, options.env ?? {});
  const said = (err: unknown) => out.warn(err instanceof MemoryError ? describe(err) : String(err));
  if (/^session_?start$/i.test(payload.event)) {
    try {
      const started = await start({ cwd: options.cwd, env: options.env, persona: options.persona });
      if (started.sync.unreachable) out.info(`the remote was not reached (${started.sync.unreachable}); the briefing is from this clone`);
    } catch (err) {
      said(err);
    }
  }
  const task = options.task ?? (payload.prompt?.trim() || undefined);
  try {
    const result = await briefing({ ...options, task });
    out.data(hookAnswer(payload, result.text.trimEnd()));
  } catch (err) {
    said(err);
  }
}
