import { BUFFER_NAMES } from "../core/config.js";
import type { BufferStatus } from "../core/thresholds.js";
import { readHead, remoteCounts } from "../git/repo.js";
import { findUpstream } from "../git/remote.js";
import { loadBufferStatus } from "../bank.js";
import { openWorkspace, persona, requireBank } from "../workspace.js";
import { json, type Output } from "../ui.js";

export interface StatusOptions {
  cwd?: string;
  persona?: string;
  env?: NodeJS.ProcessEnv;
}

export interface StatusResult {
  /** null when HEAD is detached. */
  branch: string | null;
  persona: string | null;
  /** Remote name, or null when the clone has none (saves stay local). */
  remote: string | null;
  /** `origin/main`, or null when there is no remote. */
  upstream: string | null;
  /** Commits here and not on the remote (as of the last fetch). */
  ahead: number | null;
  /** Commits on the remote (as of the last fetch) and not here; null when the branch was never pushed. */
  behind: number | null;
  /** Local commits waiting to be pushed. */
  pendingPush: number | null;
  bank: string;
  buffers: BufferStatus[];
}

export async function status(options: StatusOptions = {}): Promise<StatusResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  const { branch } = await readHead(ws.gitDir);
  const upstream = branch ? findUpstream(ws.gitConfig, branch) : undefined;
  const [counts, buffers] = await Promise.all([
    upstream ? remoteCounts(ws.root, upstream.remote, upstream.trackingRef) : undefined,
    Promise.all(BUFFER_NAMES.map((b) => loadBufferStatus(ws, b))),
  ]);
  return {
    branch,
    persona: persona(ws, options.persona)?.name ?? null,
    remote: upstream?.remote ?? null,
    upstream: upstream ? `${upstream.remote}/${upstream.branch}` : null,
    ahead: counts?.ahead ?? null,
    behind: counts?.behind ?? null,
    pendingPush: counts?.ahead ?? null,
    bank: ws.config.bank,
    buffers,
  };
}

export function renderStatus(s: StatusResult, out: Output, asJson: boolean): void {
  if (asJson) return out.data(json(s));
  const c = out.color;
  const lines: string[] = [];
  lines.push(`${s.branch ? `On branch ${c.bold(s.branch)}` : c.yellow("HEAD detached")} · persona ${s.persona ? c.bold(s.persona) : c.yellow("unknown (run memory init --persona NAME)")}`);
  if (!s.upstream) lines.push("No remote: saves stay in this clone.");
  else if (s.behind === null) lines.push(`${s.upstream}: not pushed yet; ${s.ahead} commit${s.ahead === 1 ? "" : "s"} waiting to push`);
  else if (s.ahead === 0 && s.behind === 0) lines.push(`${s.upstream}: up to date (as of the last fetch)`);
  else lines.push(`${s.upstream}: ${s.ahead} ahead, ${s.behind} behind${s.ahead ? ` (${s.ahead} waiting to push)` : ""}`);
  lines.push("");
  const width = Math.max(...s.buffers.map((b) => b.label.length));
  for (const b of s.buffers) {
    const count = b.unit === "lines" ? b.lines : b.items;
    const state = b.ready ? c.green("ready to harvest") : b.near ? c.yellow("near threshold") : "";
    const fill = `${count}/${b.threshold} ${b.unit}`.padEnd(14);
    lines.push(`  ${b.label.padEnd(width)}  ${fill} ${b.items} item${b.items === 1 ? "" : "s"}${state ? `  ${state}` : ""}`.trimEnd());
  }
  out.data(lines.join("\n"));
}
