import type { Config } from "../core/config.js";
import { openWorkspace } from "../workspace.js";
import { json, type Output } from "../ui.js";

export interface ConfigResult {
  /** The config file's repo-relative path, or null when the defaults apply. */
  source: string | null;
  config: Config;
}

export async function config(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ConfigResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  return { source: ws.configFile, config: ws.config };
}

/** `--json` prints exactly a valid config file, so `memory config --json > .claude/memory.config.json` starts one. */
export function renderConfig(result: ConfigResult, out: Output, asJson: boolean): void {
  out.info(result.source ? `from ${result.source}` : "defaults (no .claude/memory.config.json)");
  if (asJson) return out.data(json(result.config));
  const lines: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else lines.push(`${path} = ${String(value)}`);
  };
  walk(result.config, "");
  out.data(lines.join("\n"));
}
