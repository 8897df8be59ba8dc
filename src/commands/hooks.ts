import { hooksStatus, installHooks, uninstallHooks, type HookReason, type HookResult, type HookStatus, type HooksOptions, type HookTarget } from "../app/hooks.js";
import { json, type Output } from "../ui/output.js";

export interface HooksCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Targets named by flags; none: the command's default. */
  targets: HookTarget[];
}

const HOOK_LIST = "post-merge, post-rewrite and post-checkout";
const CODEX_MCP = "Codex: run `codex mcp add memory -- memory mcp`";
const CURSOR_MCP = 'Cursor: put {"mcpServers": {"memory": {"command": "memory", "args": ["mcp"]}}} in .cursor/mcp.json (or install with --mcp --cursor)';

/** What a person should know or do about one result, in a line (a snippet, if any, follows it). */
function note(reason: HookReason | undefined, item: { file: string; hooks?: string[] }): string | undefined {
  const hooks = item.hooks?.join(", ") ?? HOOK_LIST;
  switch (reason) {
    case undefined:
      return undefined;
    case "codex-feature":
      return "Codex runs hooks only with `[features] codex_hooks = true` in its config.toml (~/.codex/config.toml, or .codex/config.toml in a trusted project); memory does not edit that file";
    case "lefthook":
      return `lefthook manages git's hooks here, so memory's commands are in ${item.file} (lefthook's local config; keep it out of commits): run \`lefthook install\` so git runs them`;
    case "lefthook-keys":
      return `${item.file} already has ${hooks}, and YAML takes each key once: merge these lines into it by hand, then run \`lefthook install\` (nothing was written)`;
    case "lefthook-format":
      return `${item.file} is not YAML, which memory does not edit: add these commands in its format, then run \`lefthook install\``;
    case "pre-commit":
      return `pre-commit writes the ${hooks} hooks again on each install: add this local hook to the repos of ${item.file}, then run \`pre-commit install -t post-merge -t post-checkout -t post-rewrite\``;
    case "hooks-outside":
      return `core.hooksPath leads to ${item.file}, outside this repository, where memory never writes: add these lines to its ${HOOK_LIST} hooks yourself`;
    case "not-shell":
      return `${item.file} is not a shell script: have it run this line yourself (nothing was written)`;
    case "not-executable":
      return `${item.file} is not executable, so git does not run it: \`chmod +x ${item.file}\` if it should run`;
    case "not-ours":
      return `${item.file} exists and is not memory's, so it was left alone`;
    case "mcp-foreign":
      return `${item.file} already has a "memory" server that is not \`memory mcp\`, so it was left alone: it is yours to keep, change or remove`;
    case "mcp-clients":
      return `${item.file} starts \`memory mcp\` for Claude Code (it asks once before it trusts a project's server). ${CODEX_MCP}. ${CURSOR_MCP}`;
    case "mcp-codex":
      return `${item.file} starts \`memory mcp\` for Claude Code (it asks once before it trusts a project's server). ${CODEX_MCP}`;
  }
}

/** A result as `--json` prints it. */
function shown(r: HookResult): { target: HookTarget; file: string; action: HookResult["action"]; note?: string; snippet?: string[] } {
  const text = note(r.reason, r);
  return { target: r.target, file: r.file, action: r.action, ...(text ? { note: text } : {}), ...(r.snippet ? { snippet: r.snippet } : {}) };
}

function renderChanges(results: HookResult[], out: Output, asJson: boolean, installing: boolean): void {
  const items = results.map(shown);
  if (asJson) out.data(json({ targets: items }));
  else {
    const width = Math.max(...items.map((i) => i.target.length));
    const fileWidth = Math.max(...items.map((i) => i.file.length));
    const lines: string[] = [];
    for (const i of items) {
      lines.push(`${i.target.padEnd(width)}  ${i.file.padEnd(fileWidth)}  ${i.action}`);
      if (i.snippet) lines.push(...i.snippet.map((l) => `    ${l}`));
    }
    out.data(lines.join("\n"));
  }
  const said = new Set<string>();
  for (const [n, r] of results.entries()) {
    const text = items[n]!.note;
    if (!text || said.has(text)) continue;
    said.add(text);
    if (r.action === "manual" || r.reason === "not-executable") out.warn(text);
    else out.info(text);
  }
  const count = (action: HookResult["action"]): number => results.filter((r) => r.action === action).length;
  const manual = count("manual");
  if (installing) {
    const done = [["added", count("added")], ["updated", count("updated")]].filter(([, n]) => n).map(([a, n]) => `${n} ${a}`);
    if (done.length) out.success(`memory is wired in: ${done.join(", ")}${manual ? `; ${manual} left to do by hand` : ""}`);
    else if (manual) out.warn(`nothing written; ${manual} left to do by hand`);
    else out.success("already wired in: nothing to change");
  } else {
    const removed = count("removed");
    out.success(removed ? `memory's hooks taken out of ${removed} file${removed === 1 ? "" : "s"}; everything else was left as it was` : "nothing of memory's to take out");
  }
}

export async function hooksInstallCommand(options: HooksCommandOptions, out: Output, asJson: boolean): Promise<void> {
  const result = await installHooks(toOptions(options));
  renderChanges(result.targets, out, asJson, true);
}

export async function hooksUninstallCommand(options: HooksCommandOptions, out: Output, asJson: boolean): Promise<void> {
  const result = await uninstallHooks(toOptions(options));
  renderChanges(result.targets, out, asJson, false);
}

export async function hooksStatusCommand(options: HooksCommandOptions, out: Output, asJson: boolean): Promise<void> {
  renderStatus((await hooksStatus(toOptions(options))).targets, out, asJson);
}

const toOptions = (o: HooksCommandOptions): HooksOptions => ({ cwd: o.cwd, env: o.env, targets: o.targets });

/** What a state means for the person reading it. */
function stateNote(s: HookStatus): string | undefined {
  switch (s.state) {
    case "partial":
      return `only some of memory's hooks are there; \`memory hooks install --${s.target}\` adds the rest`;
    case "outdated":
      return `memory's block is older than this version's; \`memory hooks install --${s.target}\` brings it up to date`;
    case "invalid":
      return s.problem;
    default:
      return note(s.reason, s);
  }
}

export function renderStatus(states: HookStatus[], out: Output, asJson: boolean): void {
  const items = states.map((s) => {
    const text = stateNote(s);
    return { target: s.target, file: s.file, state: s.state, ...(text ? { note: text } : {}), ...(s.snippet ? { snippet: s.snippet } : {}) };
  });
  if (asJson) return out.data(json({ targets: items }));
  const c = out.color;
  const width = Math.max(...items.map((i) => i.target.length));
  const fileWidth = Math.max(...items.map((i) => i.file.length));
  const paint = (state: string): string =>
    state === "installed" ? c.green(state) : state === "absent" ? c.dim(state) : state === "invalid" ? c.red(state) : c.yellow(state);
  const lines: string[] = [];
  for (const i of items) {
    lines.push(`${i.target.padEnd(width)}  ${i.file.padEnd(fileWidth)}  ${paint(i.state)}${i.note ? `  (${i.note})` : ""}`);
  }
  out.data(lines.join("\n"));
}
