/** `memory status`: where the clone stands against its remote (as of the last fetch) and how full each buffer is. */
import { bufferNames } from "../core/config.js";
import type { BufferStatus } from "../core/thresholds.js";
import { readHead, remoteCounts } from "../git/repo.js";
import { findUpstream } from "../git/remote.js";
import { loadBufferStatus } from "../bank/files.js";
import { openWorkspace, persona, requireBank } from "../bank/workspace.js";

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
    Promise.all(bufferNames(ws.config).map((b) => loadBufferStatus(ws, b))),
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

