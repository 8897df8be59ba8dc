/** Which remote and branch a clone syncs with, from git config alone (no process). */
import type { GitConfig } from "./repo.js";

export interface Upstream {
  remote: string;
  /** Branch name on the remote. */
  branch: string;
  /** Local remote-tracking ref, e.g. `refs/remotes/origin/main`. */
  trackingRef: string;
}

/** The remote of the branch's upstream, else `origin`, else the only remote; undefined when there is none. */
export function findUpstream(gitConfig: GitConfig, branch: string): Upstream | undefined {
  const remotes = [...gitConfig.keys()]
    .map((k) => /^remote\.(.+)\.url$/.exec(k)?.[1])
    .filter((r): r is string => r !== undefined);
  const configured = gitConfig.get(`branch.${branch}.remote`);
  const remote = configured && remotes.includes(configured)
    ? configured
    : remotes.includes("origin") ? "origin" : remotes.length === 1 ? remotes[0] : undefined;
  if (!remote) return undefined;
  const merge = remote === configured ? gitConfig.get(`branch.${branch}.merge`) : undefined;
  const remoteBranch = merge?.replace(/^refs\/heads\//, "") ?? branch;
  return { remote, branch: remoteBranch, trackingRef: `refs/remotes/${remote}/${remoteBranch}` };
}
