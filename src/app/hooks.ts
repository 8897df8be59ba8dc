/**
 * `memory hooks`: wires memory into agents' session hooks (Claude Code, Codex, Cursor), the MCP servers
 * they start (`.mcp.json`, `.cursor/mcp.json`), the instructions agents read (AGENTS.md, CLAUDE.md), and
 * git's post-merge, post-rewrite and post-checkout hooks; takes exactly that out again; says what is wired.
 *
 * Every file is planned first and written only when every target could be planned, so a refusal (a
 * settings file that is not JSON, a path that leads outside the repository) leaves everything as it was.
 * A bank is not needed: hooks can be wired before `init`.
 */
import { readdir, rmdir, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import {
  AGENTS_MD_BLOCK,
  blockState,
  CLAUDE_HOOKS,
  CODEX_HOOKS,
  CURSOR_HOOKS,
  CURSOR_RULE,
  GIT_HOOK_BLOCK,
  GIT_HOOKS,
  addAgentHooks,
  addMcpServer,
  agentHooksState,
  isOurCursorRule,
  isShellScript,
  LEFTHOOK_BLOCK,
  LEFTHOOK_LINES,
  lefthookKeysTaken,
  mcpServerState,
  NEW_GIT_HOOK,
  PRE_COMMIT_SNIPPET,
  preCommitHasOurs,
  removeAgentHooks,
  removeBlock,
  removeMcpServer,
  upsertBlock,
  type AgentHooks,
  type Block,
  type WiredState,
} from "../core/hooks.js";
import { MemoryError } from "../core/errors.js";
import { git } from "../git/run.js";
import { exists, isWithin, readTextIfExists, realTarget, writeTextAtomic } from "../infra/fs.js";
import { openWorkspace, type Workspace } from "../bank/workspace.js";

export type HookTarget = "claude" | "codex" | "cursor" | "mcp" | "agents-md" | "git";
export const HOOK_TARGETS: readonly HookTarget[] = ["claude", "codex", "cursor", "mcp", "agents-md", "git"];
/** What `install` wires when no target is named. */
export const DEFAULT_INSTALL_TARGETS: readonly HookTarget[] = ["claude", "agents-md", "git"];

export type HookAction = "added" | "updated" | "unchanged" | "removed" | "manual";

/** Why a result wants a person's attention; the edge words it. */
export type HookReason =
  /** Codex runs hooks only with `[features] codex_hooks = true`. */
  | "codex-feature"
  /** Our commands went into lefthook's local config: lefthook must install its hooks. */
  | "lefthook"
  /** lefthook's local config already names these git hooks: merging into it is the owner's job. */
  | "lefthook-keys"
  /** lefthook's local config is JSON or TOML, which we do not edit. */
  | "lefthook-format"
  /** pre-commit owns these git hook files (it writes them again): a local hook in its config instead. */
  | "pre-commit"
  /** core.hooksPath leads outside this repository. */
  | "hooks-outside"
  /** The hook is not a shell script: our shell line cannot go in it. */
  | "not-shell"
  /** The hook exists but is not executable, so git does not run it. */
  | "not-executable"
  /** A file of that name exists and is not ours: left alone. */
  | "not-ours"
  /** The MCP config already has a `memory` server that is not `memory mcp`: left alone. */
  | "mcp-foreign"
  /** Our server is in .mcp.json: how Codex and Cursor get it too. */
  | "mcp-clients"
  /** Our server is in .mcp.json and .cursor/mcp.json: how Codex gets it too. */
  | "mcp-codex";

export interface HookResult {
  target: HookTarget;
  /** Repository-relative, with `/` (a hook in the git dir as `.git/hooks/post-merge`). */
  file: string;
  action: HookAction;
  reason?: HookReason;
  /** The lines to add by hand, for `manual`. */
  snippet?: string[];
  /** Git hooks a reason is about (pre-commit's, lefthook's keys). */
  hooks?: string[];
}

export type HookState = WiredState | "manual" | "invalid";

export interface HookStatus {
  target: HookTarget;
  file: string;
  state: HookState;
  reason?: HookReason;
  /** For `invalid`: what is wrong with the file. */
  problem?: string;
  snippet?: string[];
  hooks?: string[];
}

export interface HooksOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  targets?: readonly HookTarget[];
}

export interface HooksResult {
  targets: HookResult[];
}

export interface HooksStatusResult {
  targets: HookStatus[];
}

export const CLAUDE_SETTINGS = ".claude/settings.json";
export const CODEX_HOOKS_FILE = ".codex/hooks.json";
export const CURSOR_HOOKS_FILE = ".cursor/hooks.json";
export const CURSOR_RULE_FILE = ".cursor/rules/memory.mdc";
/** Claude Code's project MCP servers. */
export const MCP_FILE = ".mcp.json";
export const CURSOR_MCP_FILE = ".cursor/mcp.json";
const AGENT_DOCS = ["AGENTS.md", "CLAUDE.md"] as const;
const PRE_COMMIT_CONFIGS = [".pre-commit-config.yaml", ".pre-commit-config.yml"];
const LEFTHOOK_CONFIGS = ["lefthook", ".lefthook", ".config/lefthook"].flatMap((n) => ["yml", "yaml", "json", "toml"].map((ext) => `${n}.${ext}`));
const LEFTHOOK_LOCALS = ["lefthook-local.yml", ".lefthook-local.yml", "lefthook-local.yaml", ".lefthook-local.yaml"];
const LEFTHOOK_LOCALS_OTHER = ["lefthook-local.json", ".lefthook-local.json", "lefthook-local.toml", ".lefthook-local.toml"];
/** Folders an install may have created in the work tree, deepest first: an uninstall takes them out when it leaves them empty. */
const OWN_DIRS = [".cursor/rules", ".cursor", ".codex", ".claude"];

type Mode = "install" | "uninstall";

/** A file to write (its real path, links followed) or delete (`text` null). */
interface Write {
  abs: string;
  text: string | null;
  mode?: number;
}

interface Planned {
  result: HookResult;
  write?: Write;
}

/** The repository's real folders: where memory may write. */
interface Places {
  ws: Workspace;
  root: string;
  gitDirs: string[];
}

export async function installHooks(options: HooksOptions = {}): Promise<HooksResult> {
  return change("install", options.targets?.length ? options.targets : DEFAULT_INSTALL_TARGETS, options);
}

export async function uninstallHooks(options: HooksOptions = {}): Promise<HooksResult> {
  return change("uninstall", options.targets?.length ? options.targets : HOOK_TARGETS, options);
}

async function change(mode: Mode, targets: readonly HookTarget[], options: HooksOptions): Promise<HooksResult> {
  const p = await places(options);
  const plans: Planned[] = [];
  try {
    for (const target of HOOK_TARGETS.filter((t) => targets.includes(t))) plans.push(...(await plan(p, target, mode, targets)));
  } catch (err) {
    if (err instanceof MemoryError && err.kind === "hooks-file") throw new MemoryError(err.kind, err.message, { ...err.detail, command: mode });
    throw err;
  }
  const deleted: string[] = [];
  for (const { write } of plans) {
    if (!write) continue;
    if (write.text !== null) await writeTextAtomic(write.abs, write.text, write.mode);
    else {
      await unlink(write.abs).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
      deleted.push(write.abs);
    }
  }
  if (deleted.length) await pruneOwnDirs(p, deleted);
  return { targets: plans.map((x) => x.result) };
}

function plan(p: Places, target: HookTarget, mode: Mode, targets: readonly HookTarget[]): Promise<Planned[]> {
  switch (target) {
    case "claude":
      return agentFile(p, target, CLAUDE_SETTINGS, CLAUDE_HOOKS, mode).then((x) => [x]);
    case "codex":
      return agentFile(p, target, CODEX_HOOKS_FILE, CODEX_HOOKS, mode).then((x) => [mode === "install" ? { ...x, result: { ...x.result, reason: "codex-feature" } } : x]);
    case "cursor":
      return Promise.all([agentFile(p, target, CURSOR_HOOKS_FILE, CURSOR_HOOKS, mode), cursorRule(p, mode)]);
    case "mcp":
      return mcpConfigs(p, mode, targets.includes("cursor"));
    case "agents-md":
      return agentDocs(p, mode);
    case "git":
      return gitHooks(p, mode);
  }
}

// ---------------------------------------------------------------- where files are, safely

async function places(options: HooksOptions): Promise<Places> {
  const ws = await openWorkspace(options.cwd, options.env);
  const [root, gitDir, commonDir] = await Promise.all([ws.root, ws.gitDir, ws.commonDir].map((d) => realTarget(d)));
  return { ws, root: root!, gitDirs: [gitDir!, commonDir!] };
}

interface Place {
  /** As the user sees it: repository-relative with `/`. */
  rel: string;
  /** Where it really is, links followed: what is read and written. */
  real: string;
  text: string | null;
  /** The file's permission bits, kept when it is written again. */
  mode?: number;
}

const display = (p: Places, abs: string): string => relative(p.ws.root, abs).split(sep).join("/");

/** Refuses a path that, links followed, leads outside the work tree (or, unless `gitDir`, into .git). */
async function place(p: Places, abs: string, gitDir = false): Promise<Place> {
  const rel = display(p, abs);
  const real = await realTarget(abs);
  const inGit = p.gitDirs.some((d) => isWithin(real, d));
  if (!(gitDir && inGit) && (!isWithin(real, p.root) || inGit)) {
    throw new MemoryError("outside-repo", `${rel} leads to ${real}, outside this repository's work tree (a symbolic link?); memory never writes there`, { path: rel });
  }
  const text = await readTextIfExists(real);
  const info = text === null ? null : await stat(real);
  return { rel, real, text, ...(info ? { mode: info.mode & 0o7777 } : {}) };
}

const inRepo = (p: Places, rel: string): Promise<Place> => place(p, join(p.ws.root, rel));

function planned(target: HookTarget, f: Place, action: HookAction, text?: string | null, mode?: number, extra: Partial<HookResult> = {}): Planned {
  const result: HookResult = { target, file: f.rel, action, ...extra };
  if (text === undefined || action === "unchanged" || action === "manual") return { result };
  const keep = mode ?? f.mode;
  return { result, write: { abs: f.real, text, ...(keep === undefined ? {} : { mode: keep }) } };
}

/** Removes the folders an install may have created, when deleting files left them empty. */
async function pruneOwnDirs(p: Places, deleted: readonly string[]): Promise<void> {
  for (const rel of OWN_DIRS) {
    const dir = await realTarget(join(p.ws.root, rel));
    if (!isWithin(dir, p.root) || !deleted.some((f) => isWithin(f, dir))) continue;
    await rmdir(dir).catch(() => {}); // not empty, or not there: left as it is
  }
}

// ---------------------------------------------------------------- agents

async function agentFile(p: Places, target: HookTarget, rel: string, agent: AgentHooks, mode: Mode): Promise<Planned> {
  const f = await inRepo(p, rel);
  const edit = mode === "install" ? addAgentHooks(f.text, f.rel, agent) : removeAgentHooks(f.text, f.rel, agent);
  return planned(target, f, edit.change, edit.text);
}

async function cursorRule(p: Places, mode: Mode): Promise<Planned> {
  const f = await inRepo(p, CURSOR_RULE_FILE);
  const ours = f.text !== null && isOurCursorRule(f.text);
  if (mode === "uninstall") return ours ? planned("cursor", f, "removed", null) : planned("cursor", f, "unchanged");
  if (f.text === null) return planned("cursor", f, "added", CURSOR_RULE);
  if (!ours) return planned("cursor", f, "manual", undefined, undefined, { reason: "not-ours" });
  return planned("cursor", f, f.text === CURSOR_RULE ? "unchanged" : "updated", CURSOR_RULE);
}

// ---------------------------------------------------------------- MCP servers

async function mcpConfig(p: Places, rel: string, mode: Mode): Promise<Planned> {
  const f = await inRepo(p, rel);
  if (mode === "uninstall") {
    const edit = removeMcpServer(f.text, f.rel);
    return planned("mcp", f, edit.change, edit.text);
  }
  if (mcpServerState(f.text, f.rel) === "foreign") return planned("mcp", f, "manual", undefined, undefined, { reason: "mcp-foreign" });
  const edit = addMcpServer(f.text, f.rel);
  return planned("mcp", f, edit.change, edit.text);
}

/**
 * `.mcp.json` (Claude Code's project servers), and `.cursor/mcp.json` when Cursor is named too. An
 * uninstall looks in both: Cursor's file whenever it exists, since an earlier install may have written it.
 */
async function mcpConfigs(p: Places, mode: Mode, cursor: boolean): Promise<Planned[]> {
  const claude = await mcpConfig(p, MCP_FILE, mode);
  const withCursor = cursor || (mode === "uninstall" && (await inRepo(p, CURSOR_MCP_FILE)).text !== null);
  const results = [claude];
  if (withCursor) results.push(await mcpConfig(p, CURSOR_MCP_FILE, mode));
  if (mode === "install") claude.result.reason ??= cursor ? "mcp-codex" : "mcp-clients";
  return results;
}

/** AGENTS.md and CLAUDE.md that exist, once each (CLAUDE.md is often a link to AGENTS.md). */
async function existingAgentDocs(p: Places): Promise<Place[]> {
  const found: Place[] = [];
  for (const name of AGENT_DOCS) {
    const f = await inRepo(p, name);
    if (f.text !== null && !found.some((g) => g.real === f.real)) found.push(f);
  }
  return found;
}

async function agentDocs(p: Places, mode: Mode): Promise<Planned[]> {
  const docs = await existingAgentDocs(p);
  if (mode === "uninstall") {
    if (docs.length === 0) return [planned("agents-md", await inRepo(p, "AGENTS.md"), "unchanged")];
    return docs.map((f) => {
      const edit = removeBlock(f.text, AGENTS_MD_BLOCK, f.rel);
      return planned("agents-md", f, edit.change, edit.text);
    });
  }
  if (docs.length === 0) docs.push(await inRepo(p, "AGENTS.md"));
  return docs.map((f) => {
    const edit = upsertBlock(f.text ?? "", AGENTS_MD_BLOCK, f.rel, "end");
    return planned("agents-md", f, edit.change, edit.text);
  });
}

// ---------------------------------------------------------------- git

/** Who runs git's hooks here, and where memory's line goes. */
interface GitHooksSetup {
  /** The hooks folder git runs (`git rev-parse --git-path hooks`, after core.hooksPath). */
  hooksDir: string;
  /** Where our hook scripts go: the hooks folder, or husky's `.husky/` for its `.husky/_`. */
  scriptsDir: string;
  /** core.hooksPath leads outside the repository: nothing of ours can go there. */
  outside: boolean;
  lefthook: boolean;
  /** pre-commit's config, when the repository has one. */
  preCommit: Place | null;
}

async function gitSetup(p: Places): Promise<GitHooksSetup> {
  const { stdout } = await git(["rev-parse", "--git-path", "hooks"], { cwd: p.ws.root, drivers: false });
  const hooksDir = await realTarget(resolve(p.ws.root, stdout.trim()));
  const husky = basename(hooksDir) === "_" && basename(dirname(hooksDir)) === ".husky";
  const scriptsDir = husky ? dirname(hooksDir) : hooksDir;
  const outside = !isWithin(scriptsDir, p.root) && !p.gitDirs.some((d) => isWithin(scriptsDir, d));
  const lefthook = (await anyExists(p, LEFTHOOK_CONFIGS)) || (!outside && (await hooksMention(hooksDir, /lefthook/i)));
  let preCommit: Place | null = null;
  for (const rel of PRE_COMMIT_CONFIGS) {
    const f = await inRepo(p, rel);
    if (f.text !== null) {
      preCommit = f;
      break;
    }
  }
  return { hooksDir, scriptsDir, outside, lefthook, preCommit };
}

async function anyExists(p: Places, rels: readonly string[]): Promise<boolean> {
  for (const rel of rels) if (await exists(join(p.ws.root, rel))) return true;
  return false;
}

/** Whether a hook git runs from this folder mentions `pattern` (a hook manager's name). */
async function hooksMention(dir: string, pattern: RegExp): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (name.endsWith(".sample")) continue;
    const info = await stat(join(dir, name)).catch(() => null);
    if (!info?.isFile() || info.size > 256 * 1024) continue;
    const text = await readTextIfExists(join(dir, name)).catch(() => null);
    if (text && pattern.test(text)) return true;
  }
  return false;
}

/** A hook file written by pre-commit (which writes it again on each `pre-commit install`). */
const isPreCommitHook = (text: string | null): boolean => text !== null && /pre-commit/.test(text) && /pre_commit|pre-commit\.com|hook-impl/.test(text);

const blockLines = (block: Block): string[] => [block.start, ...block.body, block.end];

async function gitHooks(p: Places, mode: Mode): Promise<Planned[]> {
  const setup = await gitSetup(p);
  if (mode === "uninstall") return gitUninstall(p, setup);
  if (setup.lefthook) return [await lefthookLocal(p, mode)];
  if (setup.outside) {
    const file = display(p, setup.hooksDir);
    return [{ result: { target: "git", file, action: "manual", reason: "hooks-outside", snippet: blockLines(GIT_HOOK_BLOCK) } }];
  }
  const results: Planned[] = [];
  const owned: string[] = [];
  for (const hook of GIT_HOOKS) {
    const f = await place(p, join(setup.scriptsDir, hook), true);
    if (setup.preCommit && isPreCommitHook(f.text)) {
      owned.push(hook);
      continue;
    }
    if (f.text !== null && f.text.trim() !== "" && !isShellScript(f.text)) {
      results.push(planned("git", f, "manual", undefined, undefined, { reason: "not-shell", snippet: blockLines(GIT_HOOK_BLOCK) }));
      continue;
    }
    const fresh = f.text === null || f.text.trim() === "";
    const edit = upsertBlock(fresh ? NEW_GIT_HOOK : f.text!, GIT_HOOK_BLOCK, f.rel, "top");
    const husky = setup.scriptsDir !== setup.hooksDir;
    const executable = fresh || husky || ((f.mode ?? 0) & 0o111) !== 0;
    results.push(planned("git", f, edit.change, edit.text, fresh ? 0o755 : f.mode, executable ? {} : { reason: "not-executable" }));
  }
  if (owned.length) {
    const f = setup.preCommit!;
    const action: HookAction = preCommitHasOurs(f.text) ? "unchanged" : "manual";
    results.push({ result: { target: "git", file: f.rel, action, reason: "pre-commit", hooks: owned, ...(action === "manual" ? { snippet: [...PRE_COMMIT_SNIPPET] } : {}) } });
  }
  return results;
}

/** The lefthook local config memory writes to: the one that exists, else `lefthook-local.yml`. */
async function lefthookLocalFile(p: Places): Promise<{ f: Place; yaml: boolean }> {
  for (const rel of LEFTHOOK_LOCALS) {
    const f = await inRepo(p, rel);
    if (f.text !== null) return { f, yaml: true };
  }
  for (const rel of LEFTHOOK_LOCALS_OTHER) {
    const f = await inRepo(p, rel);
    if (f.text !== null) return { f, yaml: false };
  }
  return { f: await inRepo(p, LEFTHOOK_LOCALS[0]!), yaml: true };
}

async function lefthookLocal(p: Places, mode: Mode): Promise<Planned> {
  const { f, yaml } = await lefthookLocalFile(p);
  if (mode === "uninstall") {
    if (!yaml) return planned("git", f, "unchanged");
    const edit = removeBlock(f.text, LEFTHOOK_BLOCK, f.rel);
    return planned("git", f, edit.change, edit.text);
  }
  const snippet = [...LEFTHOOK_LINES];
  if (!yaml) return planned("git", f, "manual", undefined, undefined, { reason: "lefthook-format", snippet });
  const taken = lefthookKeysTaken(f.text, f.rel);
  if (taken.length) return planned("git", f, "manual", undefined, undefined, { reason: "lefthook-keys", hooks: taken, snippet });
  const edit = upsertBlock(f.text ?? "", LEFTHOOK_BLOCK, f.rel, "end");
  return planned("git", f, edit.change, edit.text, undefined, { reason: "lefthook" });
}

/**
 * Takes our block out wherever an install may have put it: where git runs hooks now, the default
 * `.git/hooks` (core.hooksPath may have changed since), the copies hook managers keep of hooks they
 * replaced (pre-commit's `.legacy`, lefthook's `.old`), and lefthook's local config.
 */
async function gitUninstall(p: Places, setup: GitHooksSetup): Promise<Planned[]> {
  const dirs = [setup.outside ? null : setup.scriptsDir, await realTarget(join(p.ws.commonDir, "hooks"))].filter((d): d is string => d !== null);
  const seen = new Set<string>();
  const results: Planned[] = [];
  for (const [i, dir] of [...new Set(dirs)].entries()) {
    for (const hook of GIT_HOOKS) {
      for (const name of [hook, `${hook}.legacy`, `${hook}.old`]) {
        const f = await place(p, join(dir, name), true);
        if (seen.has(f.real)) continue;
        seen.add(f.real);
        const edit = removeBlock(f.text, GIT_HOOK_BLOCK, f.rel, true);
        // Report where git runs hooks now; elsewhere, only what was taken out.
        if (edit.change === "removed" || (i === 0 && name === hook)) results.push(planned("git", f, edit.change, edit.text));
      }
    }
  }
  const { f } = await lefthookLocalFile(p);
  if (f.text !== null) {
    const local = await lefthookLocal(p, "uninstall");
    if (local.result.action === "removed" || setup.lefthook) results.push(local);
  }
  return results;
}

// ---------------------------------------------------------------- status

export async function hooksStatus(options: HooksOptions = {}): Promise<HooksStatusResult> {
  const p = await places(options);
  const targets = options.targets?.length ? options.targets : HOOK_TARGETS;
  const out: HookStatus[] = [];
  for (const target of HOOK_TARGETS.filter((t) => targets.includes(t))) out.push(...(await statusOf(p, target)));
  return { targets: out };
}

/** A state read from a file that may not parse: `invalid`, with what is wrong, instead of a refusal. */
function stateOf(target: HookTarget, f: Place, read: () => WiredState | Pick<HookStatus, "state" | "reason">): HookStatus {
  try {
    const state = read();
    return { target, file: f.rel, ...(typeof state === "string" ? { state } : state) };
  } catch (err) {
    if (err instanceof MemoryError && err.kind === "hooks-file") return { target, file: f.rel, state: "invalid", problem: err.message };
    throw err;
  }
}

async function statusOf(p: Places, target: HookTarget): Promise<HookStatus[]> {
  switch (target) {
    case "claude":
    case "codex":
    case "cursor": {
      const [rel, agent] = target === "claude" ? [CLAUDE_SETTINGS, CLAUDE_HOOKS] : target === "codex" ? [CODEX_HOOKS_FILE, CODEX_HOOKS] : [CURSOR_HOOKS_FILE, CURSOR_HOOKS];
      const f = await inRepo(p, rel);
      const hooks = stateOf(target, f, () => agentHooksState(f.text, f.rel, agent));
      if (target === "codex" && hooks.state !== "absent" && hooks.state !== "invalid") hooks.reason = "codex-feature";
      if (target !== "cursor") return [hooks];
      const rule = await inRepo(p, CURSOR_RULE_FILE);
      const ruleState: HookStatus =
        rule.text === null
          ? { target, file: rule.rel, state: "absent" }
          : !isOurCursorRule(rule.text)
            ? { target, file: rule.rel, state: "manual", reason: "not-ours" }
            : { target, file: rule.rel, state: rule.text === CURSOR_RULE ? "installed" : "outdated" };
      return [hooks, ruleState];
    }
    case "mcp": {
      const out: HookStatus[] = [];
      for (const rel of [MCP_FILE, CURSOR_MCP_FILE]) {
        const f = await inRepo(p, rel);
        out.push(
          stateOf(target, f, () => {
            const state = mcpServerState(f.text, f.rel);
            return state === "foreign" ? { state: "manual", reason: "mcp-foreign" } : state;
          }),
        );
      }
      return out;
    }
    case "agents-md": {
      const docs = await existingAgentDocs(p);
      if (docs.length === 0) return [{ target, file: "AGENTS.md", state: "absent" }];
      return docs.map((f) => stateOf(target, f, () => blockState(f.text, AGENTS_MD_BLOCK, f.rel)));
    }
    case "git":
      return gitStatus(p);
  }
}

async function gitStatus(p: Places): Promise<HookStatus[]> {
  const setup = await gitSetup(p);
  if (setup.lefthook) {
    const { f, yaml } = await lefthookLocalFile(p);
    const snippet = [...LEFTHOOK_LINES];
    if (!yaml) return [{ target: "git", file: f.rel, state: "manual", reason: "lefthook-format", snippet }];
    const s = stateOf("git", f, () => blockState(f.text, LEFTHOOK_BLOCK, f.rel));
    if (s.state === "absent") {
      const taken = lefthookKeysTaken(f.text, f.rel);
      if (taken.length) return [{ ...s, state: "manual", reason: "lefthook-keys", hooks: taken, snippet }];
    }
    return [{ ...s, reason: "lefthook" }];
  }
  if (setup.outside) return [{ target: "git", file: display(p, setup.hooksDir), state: "manual", reason: "hooks-outside", snippet: blockLines(GIT_HOOK_BLOCK) }];
  const out: HookStatus[] = [];
  const owned: string[] = [];
  for (const hook of GIT_HOOKS) {
    const f = await place(p, join(setup.scriptsDir, hook), true);
    if (setup.preCommit && isPreCommitHook(f.text)) {
      owned.push(hook);
      continue;
    }
    const s = stateOf("git", f, () => blockState(f.text, GIT_HOOK_BLOCK, f.rel));
    if (s.state === "absent" && f.text !== null && f.text.trim() !== "" && !isShellScript(f.text)) out.push({ ...s, state: "manual", reason: "not-shell", snippet: blockLines(GIT_HOOK_BLOCK) });
    else if (s.state !== "absent" && s.state !== "invalid" && setup.scriptsDir === setup.hooksDir && ((f.mode ?? 0) & 0o111) === 0) out.push({ ...s, reason: "not-executable" });
    else out.push(s);
  }
  if (owned.length) {
    const f = setup.preCommit!;
    const ours = preCommitHasOurs(f.text);
    out.push({ target: "git", file: f.rel, state: ours ? "installed" : "manual", reason: "pre-commit", hooks: owned, ...(ours ? {} : { snippet: [...PRE_COMMIT_SNIPPET] }) });
  }
  return out;
}
