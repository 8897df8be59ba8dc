/** `memory status`: where the clone stands against its remote (as of the last fetch) and how full each buffer is. */
import { bufferNames } from "../core/config.js";
import type { BufferStatus } from "../core/thresholds.js";
import { remoteCounts, revParse } from "../git/repo.js";
import { bankCounts } from "../git/bank-ref.js";
import { ownWriterTracking } from "../git/writers.js";
import { bankUpstream } from "../bank/line.js";
import { isOpen, readBreaker, type BreakerState } from "../bank/breaker.js";
import { loadBufferStatus } from "../bank/files.js";
import { openWorkspace, persona, requireBank } from "../bank/workspace.js";

export interface StatusOptions {
  cwd?: string;
  persona?: string;
  env?: NodeJS.ProcessEnv;
}

export interface StatusResult {
  /** Where the bank is synced: on its own branch (`branch`), or on the checked-out one (`current`). */
  sync: { mode: "branch" | "current"; branch: string | null };
  /** The checked-out branch; null when HEAD is detached. */
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
  /** The remote was unreachable a moment ago: the network is skipped until `until` (null when it is not). */
  remoteBreaker: BreakerState | null;
}

export async function status(options: StatusOptions = {}): Promise<StatusResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  const branch = ws.codeBranch;
  const upstream = bankUpstream(ws.gitConfig, ws.line, branch);
  // The bank branch where the remote's was last fetched (both read from the ref files): nothing to count.
  const bankSide = async (remote: string, trackingRef: string) => {
    const [here, there] = await Promise.all([revParse(ws, ws.line.ref), revParse(ws, trackingRef)]);
    if (here && here === there) return { ahead: 0, behind: 0 };
    return bankCounts(ws.root, ws.line.ref, trackingRef, await ownWriterTracking(ws.commonDir, remote, ws.line.branch!));
  };
  const codeSide = async (remote: string, trackingRef: string) => {
    const [here, there] = await Promise.all([branch ? revParse(ws, `refs/heads/${branch}`) : Promise.resolve(""), revParse(ws, trackingRef)]);
    if (here && here === there) return { ahead: 0, behind: 0 };
    return remoteCounts(ws.root, remote, trackingRef);
  };
  const counts = (): Promise<{ ahead: number; behind: number | null } | undefined> => {
    if (!upstream) return Promise.resolve(undefined);
    return ws.line.bank ? bankSide(upstream.remote, upstream.trackingRef) : codeSide(upstream.remote, upstream.trackingRef);
  };
  const [countsResult, buffers, breaker] = await Promise.all([counts(), Promise.all(bufferNames(ws.config).map((b) => loadBufferStatus(ws, b))), readBreaker(ws.commonDir)]);
  return {
    sync: { mode: ws.line.mode, branch: ws.line.branch },
    branch,
    persona: persona(ws, options.persona)?.name ?? null,
    remote: upstream?.remote ?? null,
    upstream: upstream ? `${upstream.remote}/${upstream.branch}` : null,
    ahead: countsResult?.ahead ?? null,
    behind: countsResult?.behind ?? null,
    pendingPush: countsResult?.ahead ?? null,
    bank: ws.config.bank,
    buffers,
    remoteBreaker: upstream && isOpen(breaker, upstream.remote, Date.now()) ? breaker : null,
  };
}

