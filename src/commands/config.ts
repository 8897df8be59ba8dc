import { config, type ConfigResult } from "../app/config.js";
import { json, type Output } from "../ui/output.js";

export async function configCommand(options: { cwd?: string; env?: NodeJS.ProcessEnv }, out: Output, asJson: boolean): Promise<void> {
  renderConfig(await config(options), out, asJson);
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
