/** `memory config`: the effective config, the file's settings over the defaults. */
import type { Config } from "../core/config.js";
import { openWorkspace } from "../bank/workspace.js";

export interface ConfigResult {
  /** The config file's repo-relative path, or null when the defaults apply. */
  source: string | null;
  config: Config;
}

export async function config(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ConfigResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  return { source: ws.configFile, config: ws.config };
}

