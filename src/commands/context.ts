import { briefing, type ContextOptions, type ContextResult } from "../app/context.js";
import { MemoryError } from "../core/errors.js";
import { describe } from "../ui/messages.js";
import { json, type Output } from "../ui/output.js";

export async function contextCommand(options: ContextOptions, out: Output, asJson: boolean): Promise<void> {
  const result = await briefing(options);
  if (asJson) return out.data(json(toJson(result)));
  out.data(result.text.trimEnd());
}

export function toJson(r: ContextResult): object {
  return {
    persona: r.persona,
    task: r.task,
    budget: r.budget,
    estimate: r.estimate,
    leftOut: r.leftOut,
    footer: r.footer,
    sections: r.sections.map((s) => ({ title: s.title, leftOut: s.leftOut, items: s.items.map((i) => ({ key: i.key, tokens: i.tokens, text: i.text })) })),
    text: r.text,
  };
}

/** What an agent's hook sent on stdin, as far as the briefing cares. */
export interface HookPayload {
  event: string;
  /** The agent's shape of answer: Claude Code and Codex (`hookSpecificOutput`), Cursor, or plain text. */
  agent: "claude" | "cursor" | "text";
  prompt: string | null;
  cwd: string | null;
}

export function readHookPayload(stdin: string, env: NodeJS.ProcessEnv): HookPayload {
  let raw: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(stdin) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) raw = parsed as Record<string, unknown>;
  } catch {
    // no payload (run by hand, or an agent that sends none): answer in plain text
  }
  const event = typeof raw.hook_event_name === "string" ? raw.hook_event_name : typeof raw.hookEventName === "string" ? raw.hookEventName : "";
  const cursor = env.CURSOR_VERSION !== undefined || typeof raw.cursor_version === "string" || /^[a-z]/.test(event);
  return {
    event,
    agent: event === "" ? "text" : cursor ? "cursor" : "claude",
    prompt: typeof raw.prompt === "string" ? raw.prompt : null,
    cwd: typeof raw.cwd === "string" ? raw.cwd : null,
  };
}

/** The briefing in the shape the agent reads: additional context for Claude Code and Codex, Cursor's field, or the text. */
export function hookAnswer(payload: HookPayload, text: string): string {
  if (payload.agent === "claude") return JSON.stringify({ hookSpecificOutput: { hookEventName: payload.event, additionalContext: text } });
  if (payload.agent === "cursor") return JSON.stringify({ additional_context: text });
  return text;
}

/**
 * `memory context --hook`: what an agent's session hook runs. At a session start it syncs first (pulling
 * what the team learned; the remote is waited for briefly, and an unreachable one is skipped), then answers
 * with the briefing in the agent's format. It never fails the agent's session: a problem is one line on
 * stderr and the briefing says what it could. (`start` is imported only here: a plain briefing never loads it.)
 */
export async function contextHookCommand(options: ContextOptions, out: Output, stdin: string): Promise<void> {
  const payload = readHookPayload(stdin, options.env ?? {});
  const said = (err: unknown) => out.warn(err instanceof MemoryError ? describe(err) : String(err));
  if (/^session_?start$/i.test(payload.event)) {
    try {
      const { start } = await import("../app/start.js");
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
