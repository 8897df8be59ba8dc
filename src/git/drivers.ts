/**
 * The merge drivers the bank's `.gitattributes` names. git finds a driver's command in git config, which is
 * not versioned, so `init` registers them per clone and every git call of ours also passes them with `-c`.
 */
import { MERGE_STRATEGIES, type MergeStrategy } from "../core/config.js";
import { cliEntry } from "../infra/paths.js";

export const DRIVER_PREFIX = "memory-";

/** The name in `.gitattributes` (`merge=memory-union`). Never plain `union`: that would shadow git's own. */
export const driverName = (strategy: MergeStrategy): string => `${DRIVER_PREFIX}${strategy}`;

export const DRIVER_LABELS: Record<MergeStrategy, string> = {
  union: "memory: union of entries by id",
  latest: "memory: latest activeContext section wins by its updated stamp",
  log: "memory: union of log lines ordered by time",
  text: "memory: 3-way text merge that keeps both sides' lines",
};

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The command git runs. Absolute paths to this node and this CLI, so a person's plain `git pull` works even
 * where `memory` is not on PATH (a missing driver command would leave the file "conflicted" with no markers).
 */
export function driverCommand(strategy: MergeStrategy, node = process.execPath, entry = cliEntry): string {
  return `${shellQuote(node)} ${shellQuote(entry)} merge-driver ${strategy} %O %A %B %P`;
}


/** `git config` keys and values that register every driver. */
export function driverSettings(): Array<[string, string]> {
  return MERGE_STRATEGIES.flatMap((s): Array<[string, string]> => [
    [`merge.${driverName(s)}.name`, DRIVER_LABELS[s]],
    [`merge.${driverName(s)}.driver`, driverCommand(s)],
  ]);
}

/** `-c key=value` arguments that make a single git call use the drivers, whatever the clone's config says. */
export function driverArgs(): string[] {
  return MERGE_STRATEGIES.flatMap((s) => ["-c", `merge.${driverName(s)}.driver=${driverCommand(s)}`]);
}
