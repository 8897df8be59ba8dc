/**
 * What wiring memory into agents' session hooks and git hooks writes, as pure text edits: a file's text in,
 * the new text and what changed out. Every edit keeps what is not ours byte for byte, a second install
 * changes nothing, and an uninstall takes out exactly what an install put in.
 *
 * Ours are recognised by content, never by position: a JSON hook by its exact command string, a block of
 * text by its marker lines.
 */
import { MemoryError } from "./errors.js";
import { addItem, addMember, memberOf, parseJsonDoc, removeItem, removeMember, valueOf, type ArrayNode, type JsonDoc, type ObjectNode } from "./json-edit.js";

export const CONTEXT_COMMAND = "memory context --hook";
export const SAVE_COMMAND = "memory save --hook";
/** Seconds an agent gives one of our hooks. */
export const HOOK_TIMEOUT = 30;
/** What git hooks run: never fails the git operation, and does nothing where memory is not installed. */
export const GIT_SYNC_LINE = 'command -v memory >/dev/null 2>&1 && memory hook git-sync "$@" || true';
/** The git hooks memory is wired into. */
export const GIT_HOOKS = ["post-merge", "post-rewrite", "post-checkout"] as const;
export type GitHookName = (typeof GIT_HOOKS)[number];

/** One hook of ours in an agent's hooks file: the event, what it runs, and (nested files) its matcher. */
export interface HookSpec {
  event: string;
  command: string;
  matcher?: string;
}

/**
 * `nested`: Claude Code's and Codex's `hooks.<Event>: [{matcher, hooks: [{type, command, timeout}]}]`;
 * `flat`: Cursor's `{version: 1, hooks: {<event>: [{command}]}}`.
 */
export type HooksFileShape = "nested" | "flat";

export interface AgentHooks {
  shape: HooksFileShape;
  hooks: readonly HookSpec[];
}

export const CLAUDE_HOOKS: AgentHooks = {
  shape: "nested",
  hooks: [
    { event: "SessionStart", matcher: "startup|resume|clear|compact", command: CONTEXT_COMMAND },
    { event: "SessionEnd", command: SAVE_COMMAND },
    { event: "PreCompact", matcher: "manual|auto", command: SAVE_COMMAND },
  ],
};

export const CODEX_HOOKS: AgentHooks = {
  shape: "nested",
  hooks: [
    { event: "SessionStart", matcher: "startup|resume|clear", command: CONTEXT_COMMAND },
    { event: "Stop", command: SAVE_COMMAND },
    { event: "PreCompact", matcher: "manual|auto", command: SAVE_COMMAND },
  ],
};

export const CURSOR_HOOKS: AgentHooks = {
  shape: "flat",
  hooks: [
    { event: "sessionStart", command: CONTEXT_COMMAND },
    { event: "sessionEnd", command: SAVE_COMMAND },
    { event: "preCompact", command: SAVE_COMMAND },
  ],
};

export type InstallChange = "added" | "updated" | "unchanged";
export type UninstallChange = "removed" | "unchanged";

export interface InstallEdit {
  text: string;
  change: InstallChange;
}

/** `text` null: nothing of the file's own is left (it held only what we wrote); the file can go. */
export interface UninstallEdit {
  text: string | null;
  change: UninstallChange;
}

/** What a file holds of ours: all of it, some of it, an older copy of it, or none. */
export type WiredState = "installed" | "partial" | "outdated" | "absent";

function refuse(file: string, reason: string): never {
  throw new MemoryError("hooks-file", `${file} ${reason}`, { file });
}

// ---------------------------------------------------------------- agents' JSON hooks files

const BOM = "\uFEFF";

interface Parsed {
  bom: string;
  doc: JsonDoc;
  root: ObjectNode;
}

/** The file's text as JSON with an object at its top, or a refusal naming the file and what is wrong. */
function parseObjectFile(text: string, file: string): Parsed {
  const bom = text.startsWith(BOM) ? BOM : "";
  const body = text.slice(bom.length);
  let doc: JsonDoc;
  try {
    doc = parseJsonDoc(body);
  } catch (err) {
    refuse(file, `is not valid JSON (${jsonReason(body, err)}); fix it or move it away`);
  }
  if (doc.root.kind !== "object") refuse(file, "does not hold a JSON object; fix it or move it away");
  return { bom, doc, root: doc.root };
}

/** An agent's hooks file, refused also when its `hooks` or one of our events' lists has another type. */
function parseHooksFile(text: string, file: string, agent: AgentHooks): Parsed {
  const parsed = parseObjectFile(text, file);
  const hooks = memberOf(parsed.root, "hooks")?.member.value;
  if (hooks && hooks.kind !== "object") refuse(file, 'has a "hooks" that is not an object; fix it or move it away');
  if (hooks?.kind === "object") {
    for (const spec of agent.hooks) {
      const event = memberOf(hooks, spec.event)?.member.value;
      if (event && event.kind !== "array") refuse(file, `has a "hooks.${spec.event}" that is not a list; fix it or move it away`);
    }
  }
  return parsed;
}

/** JSON.parse's complaint in a few words (without the text it quotes), with the line when it gives a position. */
function jsonReason(text: string, err: unknown): string {
  const message = (err instanceof Error ? err.message : String(err)).replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, "");
  const position = /\s*(?:in|after) JSON at position (\d+).*$/s.exec(message);
  if (!position) return message;
  const line = text.slice(0, Number(position[1])).split("\n").length;
  return `${message.slice(0, position.index)} on line ${line}`;
}

const isBlankText = (text: string | null): boolean => text === null || text.replace(BOM, "").trim() === "";

/** The element an install adds for one hook. */
function entryFor(agent: AgentHooks, spec: HookSpec): unknown {
  if (agent.shape === "flat") return { command: spec.command };
  const hook = { type: "command", command: spec.command, timeout: HOOK_TIMEOUT };
  return spec.matcher === undefined ? { hooks: [hook] } : { matcher: spec.matcher, hooks: [hook] };
}

/** Where our hook is in an event's list: its item (and, nested, the index in that item's `hooks`). */
function findOurs(doc: JsonDoc, arr: ArrayNode, agent: AgentHooks, spec: HookSpec): { item: number; hook: number } | undefined {
  const items = valueOf(doc, arr) as unknown[];
  for (const [i, item] of items.entries()) {
    if (typeof item !== "object" || item === null) continue;
    if (agent.shape === "flat") {
      if ((item as { command?: unknown }).command === spec.command) return { item: i, hook: -1 };
      continue;
    }
    const hooks = (item as { hooks?: unknown }).hooks;
    if (!Array.isArray(hooks)) continue;
    const h = hooks.findIndex((x: unknown) => typeof x === "object" && x !== null && (x as { command?: unknown }).command === spec.command);
    if (h >= 0) return { item: i, hook: h };
  }
  return undefined;
}

interface Located {
  hooks?: { node: ObjectNode; index: number };
  event?: { node: ArrayNode; index: number };
}

function locate(root: ObjectNode, event: string): Located {
  const hooks = memberOf(root, "hooks");
  if (!hooks || hooks.member.value.kind !== "object") return {};
  const ev = memberOf(hooks.member.value, event);
  const found: Located = { hooks: { node: hooks.member.value, index: hooks.index } };
  if (ev && ev.member.value.kind === "array") found.event = { node: ev.member.value, index: ev.index };
  return found;
}

/** Which of the agent's hooks the file holds (by event), after refusing a file that is not JSON. */
export function presentAgentHooks(text: string | null, file: string, agent: AgentHooks): HookSpec[] {
  if (isBlankText(text)) return [];
  const { doc, root } = parseHooksFile(text!, file, agent);
  return agent.hooks.filter((spec) => {
    const at = locate(root, spec.event).event;
    return at !== undefined && findOurs(doc, at.node, agent, spec) !== undefined;
  });
}

export function agentHooksState(text: string | null, file: string, agent: AgentHooks): WiredState {
  const present = presentAgentHooks(text, file, agent).length;
  return present === 0 ? "absent" : present === agent.hooks.length ? "installed" : "partial";
}

/**
 * Adds each of the agent's hooks that the file lacks (an existing hook with our command, whatever its
 * matcher or timeout, counts as there: a person may have tuned it). A missing or blank file starts as `{}`.
 */
export function addAgentHooks(text: string | null, file: string, agent: AgentHooks): InstallEdit {
  const fresh = isBlankText(text);
  let current = fresh ? "{\n}\n" : text!;
  const before = presentAgentHooks(current, file, agent).length;
  const step = (edit: (p: Parsed) => string | undefined): void => {
    const p = parseHooksFile(current, file, agent);
    const next = edit(p);
    if (next !== undefined) current = p.bom + next;
  };
  if (agent.shape === "flat") step(({ doc, root }) => (memberOf(root, "version") ? undefined : addMember(doc, root, "version", 1)));
  for (const spec of agent.hooks) {
    step(({ doc, root }) => {
      const at = locate(root, spec.event);
      if (!at.hooks) return addMember(doc, root, "hooks", { [spec.event]: [entryFor(agent, spec)] });
      if (!at.event) return addMember(doc, at.hooks.node, spec.event, [entryFor(agent, spec)]);
      if (findOurs(doc, at.event.node, agent, spec)) return undefined;
      return addItem(doc, at.event.node, entryFor(agent, spec));
    });
  }
  if (!fresh && current === text) return { text: current, change: "unchanged" };
  return { text: current, change: before === 0 ? "added" : "updated" };
}

/**
 * Takes out each hook with one of our commands from its event's list; a group, an event list or `hooks`
 * that this leaves empty goes too, nothing else does. `text` null when the file is left with nothing
 * (`{}`, or Cursor's `{"version": 1}` alone).
 */
export function removeAgentHooks(text: string | null, file: string, agent: AgentHooks): UninstallEdit {
  if (isBlankText(text)) return { text, change: "unchanged" };
  let current = text!;
  for (const spec of agent.hooks) {
    for (;;) {
      const { bom, doc, root } = parseHooksFile(current, file, agent);
      const at = locate(root, spec.event);
      if (!at.hooks || !at.event) break;
      const ours = findOurs(doc, at.event.node, agent, spec);
      if (!ours) break;
      const item = at.event.node.items[ours.item]!;
      const inner = item.kind === "object" ? memberOf(item, "hooks")?.member.value : undefined;
      let next: string;
      if (agent.shape === "nested" && inner?.kind === "array" && inner.items.length > 1) next = removeItem(doc, inner, ours.hook);
      else if (at.event.node.items.length > 1) next = removeItem(doc, at.event.node, ours.item);
      else if (at.hooks.node.members.length > 1) next = removeMember(doc, at.hooks.node, at.event.index);
      else next = removeMember(doc, root, at.hooks.index);
      current = bom + next;
    }
  }
  if (current === text) return { text, change: "unchanged" };
  const { doc, root } = parseHooksFile(current, file, agent);
  const left = root.members.filter((m) => !(agent.shape === "flat" && m.key === "version" && valueOf(doc, m.value) === 1));
  return { text: left.length === 0 ? null : current, change: "removed" };
}

// ---------------------------------------------------------------- MCP clients' server lists

/** The name our server goes by in an MCP client's `mcpServers`. */
export const MCP_SERVER_NAME = "memory";
/** How an MCP client starts our server: `memory mcp` over stdio. */
export const MCP_SERVER = { command: "memory", args: ["mcp"] } as const;

/**
 * What an MCP config (`.mcp.json`, `.cursor/mcp.json`) holds under our name: our server, none, or a
 * `memory` server of someone else's (another command or other arguments), which is theirs to keep.
 */
export type McpServerState = "installed" | "absent" | "foreign";

/** An MCP config, refused also when its `mcpServers` is not an object. */
function parseMcpFile(text: string, file: string): Parsed {
  const parsed = parseObjectFile(text, file);
  const servers = memberOf(parsed.root, "mcpServers")?.member.value;
  if (servers && servers.kind !== "object") refuse(file, 'has a "mcpServers" that is not an object; fix it or move it away');
  return parsed;
}

/** Ours by exact command and arguments (other keys a person added, `type` or `env`, do not matter). */
function isOurServer(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { command, args } = value as { command?: unknown; args?: unknown };
  return (
    command === MCP_SERVER.command &&
    Array.isArray(args) &&
    args.length === MCP_SERVER.args.length &&
    args.every((a: unknown, i) => a === MCP_SERVER.args[i])
  );
}

interface McpLocated {
  servers?: { node: ObjectNode; index: number };
  ours?: { index: number; value: unknown };
}

function locateServer(doc: JsonDoc, root: ObjectNode): McpLocated {
  const servers = memberOf(root, "mcpServers");
  if (!servers || servers.member.value.kind !== "object") return {};
  const found: McpLocated = { servers: { node: servers.member.value, index: servers.index } };
  const ours = memberOf(servers.member.value, MCP_SERVER_NAME);
  if (ours) found.ours = { index: ours.index, value: valueOf(doc, ours.member.value) };
  return found;
}

export function mcpServerState(text: string | null, file: string): McpServerState {
  if (isBlankText(text)) return "absent";
  const { doc, root } = parseMcpFile(text!, file);
  const { ours } = locateServer(doc, root);
  return !ours ? "absent" : isOurServer(ours.value) ? "installed" : "foreign";
}

/**
 * Adds our server to `mcpServers` (made when missing); a missing or blank file starts as `{}`. A `memory`
 * server that is not ours is left as it is (`unchanged`): the caller reports it from `mcpServerState`.
 */
export function addMcpServer(text: string | null, file: string): InstallEdit {
  const fresh = isBlankText(text);
  const current = fresh ? "{\n}\n" : text!;
  const { bom, doc, root } = parseMcpFile(current, file);
  const at = locateServer(doc, root);
  if (at.ours) return { text: current, change: "unchanged" };
  const server = { command: MCP_SERVER.command, args: [...MCP_SERVER.args] };
  const next = at.servers ? addMember(doc, at.servers.node, MCP_SERVER_NAME, server) : addMember(doc, root, "mcpServers", { [MCP_SERVER_NAME]: server });
  return { text: bom + next, change: "added" };
}

/**
 * Takes our server out of `mcpServers`, and `mcpServers` when that leaves it empty (as an install that
 * made it would); a `memory` server of someone else's stays. `text` null when the file is left as `{}`.
 */
export function removeMcpServer(text: string | null, file: string): UninstallEdit {
  if (isBlankText(text)) return { text, change: "unchanged" };
  const { bom, doc, root } = parseMcpFile(text!, file);
  const at = locateServer(doc, root);
  if (!at.servers || !at.ours || !isOurServer(at.ours.value)) return { text, change: "unchanged" };
  const next = at.servers.node.members.length > 1 ? removeMember(doc, at.servers.node, at.ours.index) : removeMember(doc, root, at.servers.index);
  const left = parseMcpFile(next, file).root.members.length;
  return { text: left === 0 ? null : bom + next, change: "removed" };
}

// ---------------------------------------------------------------- marked blocks of text

export interface Block {
  start: string;
  end: string;
  body: readonly string[];
}

/** A file as lines that keep their own endings, so untouched lines keep their bytes. */
interface Lines {
  bom: string;
  lines: string[];
  /** The ending new lines get: the file's first one, else LF. */
  eol: string;
}

function toLines(text: string): Lines {
  const bom = text.startsWith(BOM) ? BOM : "";
  const body = text.slice(bom.length);
  const lines = body.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const first = lines.find((l) => l.endsWith("\n"));
  return { bom, lines, eol: first?.endsWith("\r\n") ? "\r\n" : "\n" };
}

const fromLines = (l: Lines): string => l.bom + l.lines.join("");
const content = (line: string): string => line.replace(/\r?\n$/, "");
const blank = (line: string): boolean => content(line).trim() === "";

/** Where the block is (first and last line, the markers), or undefined; a stray marker is refused. */
function findBlock(l: Lines, block: Block, file: string): { from: number; to: number } | undefined {
  const starts: number[] = [];
  const ends: number[] = [];
  l.lines.forEach((line, i) => {
    const c = content(line).trim();
    if (c === block.start) starts.push(i);
    else if (c === block.end) ends.push(i);
  });
  if (starts.length === 0 && ends.length === 0) return undefined;
  if (starts.length !== 1 || ends.length !== 1 || starts[0]! > ends[0]!) {
    refuse(file, `has a "${block.start}" line without its "${block.end}" line, or more than one of either; keep one pair of them, or none`);
  }
  return { from: starts[0]!, to: ends[0]! };
}

const sameBody = (l: Lines, at: { from: number; to: number }, block: Block): boolean => {
  const inside = l.lines.slice(at.from + 1, at.to).map(content);
  return inside.length === block.body.length && inside.every((line, i) => line === block.body[i]);
};

export function blockState(text: string | null, block: Block, file: string): WiredState {
  if (text === null) return "absent";
  const l = toLines(text);
  const at = findBlock(l, block, file);
  return !at ? "absent" : sameBody(l, at, block) ? "installed" : "outdated";
}

/**
 * Puts the block in the file, or brings the one there up to date (only the lines between its markers
 * change). A new block goes at the end, after a blank line of its own (`end`), or as the first thing after a `#!`
 * line (`top`: in a script it runs whatever the rest does, an `exit` included).
 */
export function upsertBlock(text: string, block: Block, file: string, where: "end" | "top"): InstallEdit {
  const l = toLines(text);
  const at = findBlock(l, block, file);
  const lines = (body: readonly string[]): string[] => body.map((b) => b + l.eol);
  if (at) {
    if (sameBody(l, at, block)) return { text, change: "unchanged" };
    l.lines.splice(at.from + 1, at.to - at.from - 1, ...lines(block.body));
    return { text: fromLines(l), change: "updated" };
  }
  const all = lines([block.start, ...block.body, block.end]);
  if (where === "top") {
    const index = l.lines[0]?.startsWith("#!") ? 1 : 0;
    if (index === 1 && !l.lines[0]!.endsWith("\n")) l.lines[0] += l.eol;
    l.lines.splice(index, 0, ...all);
  } else {
    const last = l.lines.length - 1;
    if (last >= 0 && !l.lines[last]!.endsWith("\n")) l.lines[last] += l.eol;
    // Always a blank line of ours before it, even after one of the file's: removing the block removes it.
    if (last >= 0) l.lines.push(l.eol);
    l.lines.push(...all);
  }
  return { text: fromLines(l), change: "added" };
}

/**
 * Takes the block out (and the blank line `upsertBlock` put before it at the end of a file). `text` null
 * when what is left is nothing of the file's own: blank lines, or only a `#!` line when `shebangOnlyIsEmpty`.
 */
export function removeBlock(text: string | null, block: Block, file: string, shebangOnlyIsEmpty = false): UninstallEdit {
  if (text === null) return { text, change: "unchanged" };
  const l = toLines(text);
  const at = findBlock(l, block, file);
  if (!at) return { text, change: "unchanged" };
  const atEnd = at.to === l.lines.length - 1;
  l.lines.splice(at.from, at.to - at.from + 1);
  if (atEnd && at.from > 0 && blank(l.lines[at.from - 1]!)) l.lines.splice(at.from - 1, 1);
  const own = l.lines.filter((line, i) => !blank(line) && !(shebangOnlyIsEmpty && i === 0 && line.startsWith("#!")));
  return { text: own.length === 0 ? null : fromLines(l), change: "removed" };
}

// ---------------------------------------------------------------- what the blocks say

/** What any agent is told about the bank: the same words in AGENTS.md, CLAUDE.md and Cursor's rule. */
export const AGENT_GUIDE: readonly string[] = [
  "## Team memory",
  "",
  "This repository keeps a shared memory bank: what agents and people learn, synced through git by the `memory` command.",
  "",
  "- At the start of a session run `memory start`, then read `memory context` (or `memory context --task \"what you are about to do\"`).",
  "- Record what you learn as you go: `memory add pattern|lesson|decision \"title\" -m \"body\"`.",
  "- Look things up with `memory recall \"words\"`; read one entry with `memory show ID`.",
  "- Hand work over to another persona with `memory handoff PERSONA -m \"next steps\"`.",
  "- At the end of a session run `memory save`.",
];

export const AGENTS_MD_BLOCK: Block = {
  start: "<!-- >>> memory >>> -->",
  end: "<!-- <<< memory <<< -->",
  body: [...AGENT_GUIDE, "", "<!-- This block is kept current by `memory hooks install`; write your own text outside it. -->"],
};

export const GIT_HOOK_BLOCK: Block = {
  start: "# >>> memory >>>",
  end: "# <<< memory <<<",
  body: [GIT_SYNC_LINE],
};

/** A new git hook: a POSIX shell script holding only our block. */
export const NEW_GIT_HOOK = "#!/bin/sh\n";

const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "yash", "posh"]);

/**
 * Whether our shell line can go in this hook: no `#!` line (git and husky run it with sh), or one naming
 * a POSIX shell (directly or through env). A Python or Node hook must be edited by its owner.
 */
export function isShellScript(text: string): boolean {
  const first = content(toLines(text).lines[0] ?? "");
  if (!first.startsWith("#!")) return true;
  const words = first.slice(2).trim().split(/\s+/);
  let i = 0;
  if (words[0]?.split("/").pop() === "env") {
    i = 1;
    while (words[i]?.startsWith("-")) i++;
  }
  return SHELLS.has(words[i]?.split("/").pop() ?? "");
}

/** lefthook runs each command with `sh -c`: the hook's arguments come in through its `{0}` template. */
const LEFTHOOK_RUN = GIT_SYNC_LINE.replace('"$@"', "{0}");

/** The lines lefthook needs for the git hooks (top-level keys of lefthook-local.yml). */
export const LEFTHOOK_LINES: readonly string[] = GIT_HOOKS.flatMap((hook) => [
  `${hook}:`,
  "  commands:",
  "    memory-git-sync:",
  `      run: '${LEFTHOOK_RUN}'`,
]);

export const LEFTHOOK_BLOCK: Block = { start: "# >>> memory >>>", end: "# <<< memory <<<", body: LEFTHOOK_LINES };

/**
 * The git hooks a lefthook config already names outside our block: YAML allows each key once, and
 * merging into someone's structure is theirs to do.
 */
export function lefthookKeysTaken(text: string | null, file: string): GitHookName[] {
  if (text === null) return [];
  const l = toLines(text);
  const at = findBlock(l, LEFTHOOK_BLOCK, file);
  const outside = l.lines.filter((_, i) => !at || i < at.from || i > at.to).map(content);
  return GIT_HOOKS.filter((hook) => outside.some((line) => new RegExp(`^["']?${hook}["']?\\s*:`).test(line)));
}

/** A `local` hook for .pre-commit-config.yaml (pre-commit owns the git hook files it installs). */
export const PRE_COMMIT_SNIPPET: readonly string[] = [
  "  - repo: local",
  "    hooks:",
  "      - id: memory-git-sync",
  "        name: memory git-sync",
  `        entry: sh -c '${GIT_SYNC_LINE}' --`,
  "        language: system",
  "        always_run: true",
  "        pass_filenames: false",
  "        stages: [post-merge, post-checkout, post-rewrite]",
];

/** Whether a pre-commit config already runs our line. */
export const preCommitHasOurs = (text: string | null): boolean => text !== null && text.includes("memory hook git-sync");

/** A rules file of Cursor's that we wrote (the marker line says so). */
export const CURSOR_RULE_MARKER = "<!-- memory-hooks: managed file, rewritten by `memory hooks install`, removed by `memory hooks uninstall` -->";

export const CURSOR_RULE = [
  "---",
  "description: How to use the team's shared memory bank (the memory command)",
  "alwaysApply: true",
  "---",
  CURSOR_RULE_MARKER,
  "",
  ...AGENT_GUIDE,
  "",
].join("\n");

export const isOurCursorRule = (text: string): boolean => text.includes(CURSOR_RULE_MARKER);
