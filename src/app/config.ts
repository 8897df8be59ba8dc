/** `memory config`: the effective config, the file's settings over the defaults. */
import { join } from "node:path";
import { CONFIG_FILE, parseConfig, type Config } from "../core/config.js";
import { MemoryError } from "../core/errors.js";
import { readTextIfExists, writeTextAtomic } from "../infra/fs.js";
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


/**
 * `memory config set KEY VALUE`: one setting changed in the config file (created when missing), validated
 * as the whole file before anything is written. VALUE is read as JSON when it is JSON (`20`, `true`,
 * `["a"]`), else as text. The rest of the file's settings stay.
 */
export async function setConfig(options: { cwd?: string; env?: NodeJS.ProcessEnv; key: string; value: string }): Promise<ConfigResult & { key: string; value: unknown }> {
  const ws = await openWorkspace(options.cwd, options.env);
  const path = options.key.split(".").filter(Boolean);
  if (path.length === 0 || path.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p) || p === "__proto__" || p === "constructor" || p === "prototype")) {
    throw new MemoryError("usage", `"${options.key}" is not a setting's name; use dots between its parts, e.g. buffers.patterns.threshold`);
  }
  let value: unknown = options.value;
  try {
    value = JSON.parse(options.value);
  } catch {
    // text
  }
  const file = join(ws.root, CONFIG_FILE);
  const text = await readTextIfExists(file);
  let raw: Record<string, unknown> = {};
  if (text !== null && text.trim() !== "") {
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new MemoryError("config", `${CONFIG_FILE} is not valid JSON; fix it by hand first`);
    }
  }
  let at: Record<string, unknown> = raw;
  for (const part of path.slice(0, -1)) {
    if (typeof at[part] !== "object" || at[part] === null || Array.isArray(at[part])) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  at[path.at(-1)!] = value;
  const next = `${JSON.stringify(raw, null, 2)}\n`;
  const config = parseConfig(next); // refuses, naming the setting, before anything is written
  await writeTextAtomic(file, next);
  return { source: CONFIG_FILE, config, key: path.join("."), value };
}
