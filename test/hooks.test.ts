/**
 * `memory hooks install|uninstall|status`: agents' hooks files, AGENTS.md/CLAUDE.md, git hooks (plain,
 * husky, lefthook, pre-commit). The pure edits are tested with strings (CRLF, BOM, no final newline, empty,
 * not JSON); the commands against real repositories, and one real `git pull` through a husky hook.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "./helpers.js";
import { ok } from "./fixtures.js";
import {
  addAgentHooks,
  addMcpServer,
  type AgentHooks,
  AGENTS_MD_BLOCK,
  agentHooksState,
  blockState,
  CLAUDE_HOOKS,
  CODEX_HOOKS,
  CURSOR_HOOKS,
  GIT_HOOK_BLOCK,
  GIT_SYNC_LINE,
  isShellScript,
  LEFTHOOK_BLOCK,
  lefthookKeysTaken,
  mcpServerState,
  removeAgentHooks,
  removeBlock,
  removeMcpServer,
  upsertBlock,
} from "../src/core/hooks.js";
import { MemoryError } from "../src/core/errors.js";

const SETTINGS = ".claude/settings.json";

/** A settings file as Claude Code writes it, with a user's SessionStart command and a PreToolUse hook. */
const USER_SETTINGS = `${JSON.stringify(
  {
    model: "opus",
    permissions: { allow: ["Bash(npm test)"] },
    hooks: {
      SessionStart: [{ matcher: "startup", hooks: [{ type: "command", command: "./scripts/greet.sh" }] }],
      PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "./scripts/guard.sh", timeout: 5 }] }],
    },
  },
  null,
  2,
)}\n`;

const commandsOf = (settings: unknown, event: string): string[] =>
  ((settings as { hooks?: Record<string, Array<{ hooks?: Array<{ command: string }>; command?: string }>> }).hooks?.[event] ?? []).flatMap((g) =>
    g.hooks ? g.hooks.map((h) => h.command) : [g.command!],
  );

const refusal = (fn: () => unknown): MemoryError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof MemoryError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
};

describe("agents' hooks files, as text", () => {
  it("a missing file becomes Claude's three hooks, 2-space JSON; removing them leaves nothing", () => {
    const edit = addAgentHooks(null, SETTINGS, CLAUDE_HOOKS);
    expect(edit.change).toBe("added");
    const parsed = JSON.parse(edit.text);
    expect(parsed).toEqual({
      hooks: {
        SessionStart: [{ matcher: "startup|resume|clear|compact", hooks: [{ type: "command", command: "memory context --hook", timeout: 30 }] }],
        SessionEnd: [{ hooks: [{ type: "command", command: "memory save --hook", timeout: 30 }] }],
        PreCompact: [{ matcher: "manual|auto", hooks: [{ type: "command", command: "memory save --hook", timeout: 30 }] }],
      },
    });
    expect(edit.text).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
    expect(removeAgentHooks(edit.text, SETTINGS, CLAUDE_HOOKS)).toEqual({ text: null, change: "removed" });
  });

  it("merges beside a user's hooks, keeps every other byte, and comes out exactly as it went in", () => {
    const edit = addAgentHooks(USER_SETTINGS, SETTINGS, CLAUDE_HOOKS);
    const parsed = JSON.parse(edit.text);
    expect(commandsOf(parsed, "SessionStart")).toEqual(["./scripts/greet.sh", "memory context --hook"]);
    expect(commandsOf(parsed, "PreToolUse")).toEqual(["./scripts/guard.sh"]);
    expect(parsed.model).toBe("opus");
    expect(addAgentHooks(edit.text, SETTINGS, CLAUDE_HOOKS)).toEqual({ text: edit.text, change: "unchanged" });
    expect(removeAgentHooks(edit.text, SETTINGS, CLAUDE_HOOKS)).toEqual({ text: USER_SETTINGS, change: "removed" });
  });

  it("keeps CRLF, a BOM, a missing final newline and hand formatting (tabs, one-line arrays)", () => {
    const text = '\uFEFF{\r\n\t"permissions": { "allow": ["Read", "Write"] },\r\n\t"hooks": {\r\n\t\t"SessionEnd": [{ "hooks": [{ "type": "command", "command": "./bye.sh" }] }]\r\n\t}\r\n}';
    const edit = addAgentHooks(text, SETTINGS, CLAUDE_HOOKS);
    expect(edit.text.startsWith("\uFEFF")).toBe(true);
    expect(edit.text.endsWith("}")).toBe(true);
    expect(edit.text).not.toMatch(/[^\r]\n/);
    expect(edit.text).toContain('\t"permissions": { "allow": ["Read", "Write"] },\r\n');
    expect(edit.text).toContain('\t\t\t\t\t\t"command": "memory save --hook",\r\n');
    expect(commandsOf(JSON.parse(edit.text.slice(1)), "SessionEnd")).toEqual(["./bye.sh", "memory save --hook"]);
    // A list written on one line gets ours on that line.
    expect(edit.text).toContain('"SessionEnd": [{ "hooks": [{ "type": "command", "command": "./bye.sh" }] }, {"hooks":[{"type":"command","command":"memory save --hook","timeout":30}]}]');
    expect(removeAgentHooks(edit.text, SETTINGS, CLAUDE_HOOKS)).toEqual({ text, change: "removed" });
  });

  it("keeps a one-line file on one line", () => {
    const text = '{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"x"}]}]}}\n';
    const edit = addAgentHooks(text, SETTINGS, CLAUDE_HOOKS);
    expect(edit.text.trimEnd()).not.toContain("\n");
    expect(removeAgentHooks(edit.text, SETTINGS, CLAUDE_HOOKS).text).toBe(text);
  });

  it("an empty file is a new one; our command with a tuned timeout counts as there; a user's hook in our group stays", () => {
    expect(addAgentHooks("", SETTINGS, CLAUDE_HOOKS).change).toBe("added");
    expect(removeAgentHooks("", SETTINGS, CLAUDE_HOOKS)).toEqual({ text: "", change: "unchanged" });
    const tuned = JSON.stringify({
      hooks: {
        SessionStart: [{ matcher: "startup", hooks: [{ type: "command", command: "memory context --hook", timeout: 90 }, { type: "command", command: "./mine.sh" }] }],
      },
    }, null, 2);
    const edit = addAgentHooks(tuned, SETTINGS, CLAUDE_HOOKS);
    expect(edit.change).toBe("updated");
    expect(commandsOf(JSON.parse(edit.text), "SessionStart")).toEqual(["memory context --hook", "./mine.sh"]);
    expect(agentHooksState(tuned, SETTINGS, CLAUDE_HOOKS)).toBe("partial");
    const removed = JSON.parse(removeAgentHooks(edit.text, SETTINGS, CLAUDE_HOOKS).text!);
    expect(removed).toEqual({ hooks: { SessionStart: [{ matcher: "startup", hooks: [{ type: "command", command: "./mine.sh" }] }] } });
  });

  it("refuses a file that is not JSON (naming file and line), or whose hooks are not an object", () => {
    const bad = refusal(() => addAgentHooks('{\n  "hooks": {},\n}\n', SETTINGS, CLAUDE_HOOKS));
    expect(bad.kind).toBe("hooks-file");
    expect(bad.message).toMatch(/^\.claude\/settings\.json is not valid JSON \(.* on line 3\)/);
    expect(refusal(() => removeAgentHooks("{ nope", SETTINGS, CLAUDE_HOOKS)).kind).toBe("hooks-file");
    expect(refusal(() => addAgentHooks('{"hooks": []}', SETTINGS, CLAUDE_HOOKS)).message).toContain('"hooks" that is not an object');
    expect(refusal(() => addAgentHooks('{"hooks": {"SessionEnd": {}}}', SETTINGS, CLAUDE_HOOKS)).message).toContain('"hooks.SessionEnd" that is not a list');
    expect(refusal(() => addAgentHooks("[]", SETTINGS, CLAUDE_HOOKS)).message).toContain("does not hold a JSON object");
  });

  it("Cursor's flat file: version 1 first in a new file, merged beside other hooks, gone when only version is left", () => {
    const fresh = addAgentHooks(null, ".cursor/hooks.json", CURSOR_HOOKS).text;
    expect(JSON.parse(fresh)).toEqual({
      version: 1,
      hooks: { sessionStart: [{ command: "memory context --hook" }], sessionEnd: [{ command: "memory save --hook" }], preCompact: [{ command: "memory save --hook" }] },
    });
    expect(removeAgentHooks(fresh, ".cursor/hooks.json", CURSOR_HOOKS).text).toBeNull();
    const theirs = `${JSON.stringify({ version: 1, hooks: { afterFileEdit: [{ command: "./format.sh" }], sessionStart: [{ command: "./hello.sh" }] } }, null, 2)}\n`;
    const edit = addAgentHooks(theirs, ".cursor/hooks.json", CURSOR_HOOKS);
    expect(commandsOf(JSON.parse(edit.text), "sessionStart")).toEqual(["./hello.sh", "memory context --hook"]);
    expect(removeAgentHooks(edit.text, ".cursor/hooks.json", CURSOR_HOOKS).text).toBe(theirs);
  });
});

describe("agents' hooks files, any file", () => {
  /** A user's settings: other keys of any JSON, and hooks of their own (never ours) in non-empty lists. */
  const userFile = (agent: AgentHooks) => {
    const command = fc.string({ minLength: 1, maxLength: 12 }).filter((c) => !c.startsWith("memory "));
    const entry: fc.Arbitrary<unknown> = agent.shape === "flat"
      ? command.map((c) => ({ command: c }))
      : fc.record({ matcher: fc.constantFrom("startup", "Bash", "*"), hooks: fc.array(command.map((c) => ({ type: "command", command: c })), { minLength: 1, maxLength: 2 }) });
    const events = fc.dictionary(fc.constantFrom(...agent.hooks.map((h) => h.event), "PreToolUse", "afterFileEdit"), fc.array(entry, { minLength: 1, maxLength: 3 }), { minKeys: 1 });
    const others = fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== "hooks" && k !== "version" && k !== "__proto__"), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 });
    return fc.record({
      others,
      hooks: fc.option(events, { nil: undefined }),
      indent: fc.constantFrom(0, 2, 4, "\t"),
      crlf: fc.boolean(),
      bom: fc.boolean(),
      finalNewline: fc.boolean(),
    }).map(({ others, hooks, indent, crlf, bom, finalNewline }) => {
      // Cursor's files say their version (one an install adds to a file without it stays).
      const own = agent.shape === "flat" ? { version: 1, ...others } : others;
      const value = hooks ? { ...own, hooks } : own;
      let text = JSON.stringify(value, null, indent);
      if (crlf) text = text.replace(/\n/g, "\r\n");
      return { text: (bom ? "\uFEFF" : "") + text + (finalNewline ? (crlf ? "\r\n" : "\n") : "") };
    });
  };

  for (const [name, agent] of [["Claude", CLAUDE_HOOKS], ["Codex", CODEX_HOOKS], ["Cursor", CURSOR_HOOKS]] as const) {
    it(`${name}: install keeps every value of the file's own, twice is once, uninstall gives back the same bytes`, () => {
      fc.assert(
        fc.property(userFile(agent), ({ text }) => {
          const value = JSON.parse(text.replace(/^\uFEFF/, "")) as Record<string, unknown>;
          const once = addAgentHooks(text, "f.json", agent);
          expect(once.change).toBe("added");
          expect(agentHooksState(once.text, "f.json", agent)).toBe("installed");
          expect(addAgentHooks(once.text, "f.json", agent)).toEqual({ text: once.text, change: "unchanged" });
          const parsed = JSON.parse(once.text.replace(/^\uFEFF/, "")) as Record<string, unknown>;
          for (const [key, v] of Object.entries(value)) if (key !== "hooks") expect(parsed[key]).toEqual(v);
          for (const [event, list] of Object.entries((value as { hooks?: Record<string, unknown[]> }).hooks ?? {})) {
            expect((parsed.hooks as Record<string, unknown[]>)[event]!.slice(0, list.length)).toEqual(list);
          }
          if (text.includes("\r\n")) expect(once.text).not.toMatch(/[^\r]\n/);
          expect(removeAgentHooks(once.text, "f.json", agent)).toEqual({ text, change: "removed" });
        }),
        { numRuns: 150 },
      );
    });
  }
});

/** A project's .mcp.json as a person keeps it: tabs, CRLF, a server written on one line, a key after the list. */
const USER_MCP = '{\r\n\t"mcpServers": {\r\n\t\t"github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": { "GITHUB_TOKEN": "${GITHUB_TOKEN}" } }\r\n\t},\r\n\t"note": "shared"\r\n}\r\n';
const OUR_SERVER = { command: "memory", args: ["mcp"] };

describe("MCP configs, as text", () => {
  it("a missing file becomes our server alone; removing it leaves nothing", () => {
    const edit = addMcpServer(null, ".mcp.json");
    expect(edit.change).toBe("added");
    expect(JSON.parse(edit.text)).toEqual({ mcpServers: { memory: OUR_SERVER } });
    expect(edit.text).toBe(`${JSON.stringify({ mcpServers: { memory: OUR_SERVER } }, null, 2)}\n`);
    expect(mcpServerState(edit.text, ".mcp.json")).toBe("installed");
    expect(removeMcpServer(edit.text, ".mcp.json")).toEqual({ text: null, change: "removed" });
    expect(addMcpServer("", ".mcp.json").change).toBe("added");
    expect(removeMcpServer("", ".mcp.json")).toEqual({ text: "", change: "unchanged" });
  });

  it("goes in beside another server, keeps every other byte (CRLF, tabs, a BOM), and comes out exactly as it went in", () => {
    for (const text of [USER_MCP, `\uFEFF${USER_MCP}`, '{"mcpServers":{"x":{"command":"x"}}}', '{\n  "other": true\n}\n']) {
      const edit = addMcpServer(text, ".mcp.json");
      expect(edit.change).toBe("added");
      const parsed = JSON.parse(edit.text.replace(/^\uFEFF/, ""));
      const before = JSON.parse(text.replace(/^\uFEFF/, ""));
      expect(parsed).toEqual({ ...before, mcpServers: { ...before.mcpServers, memory: OUR_SERVER } });
      expect(addMcpServer(edit.text, ".mcp.json")).toEqual({ text: edit.text, change: "unchanged" });
      expect(removeMcpServer(edit.text, ".mcp.json")).toEqual({ text, change: "removed" });
    }
    const edit = addMcpServer(USER_MCP, ".mcp.json");
    expect(edit.text.startsWith('{\r\n\t"mcpServers": {\r\n\t\t"github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": { "GITHUB_TOKEN": "${GITHUB_TOKEN}" } },\r\n\t\t"memory": {\r\n')).toBe(true);
    expect(edit.text).not.toMatch(/[^\r]\n/);
  });

  it("a memory server with other arguments is someone else's: never replaced, never removed; extra keys on ours do not matter", () => {
    const theirs = '{ "mcpServers": { "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] } } }\n';
    expect(mcpServerState(theirs, ".mcp.json")).toBe("foreign");
    expect(addMcpServer(theirs, ".mcp.json")).toEqual({ text: theirs, change: "unchanged" });
    expect(removeMcpServer(theirs, ".mcp.json")).toEqual({ text: theirs, change: "unchanged" });
    for (const server of [{ command: "memory", args: ["mcp", "--persona", "dev"] }, { command: "memory" }, { command: "/usr/bin/memory", args: ["mcp"] }]) {
      expect(mcpServerState(JSON.stringify({ mcpServers: { memory: server } }), ".mcp.json")).toBe("foreign");
    }
    const typed = JSON.stringify({ mcpServers: { memory: { type: "stdio", ...OUR_SERVER } } });
    expect(mcpServerState(typed, ".mcp.json")).toBe("installed");
    expect(removeMcpServer(typed, ".mcp.json").text).toBeNull();
  });

  it("refuses a file that is not JSON, or whose mcpServers is not an object", () => {
    const bad = refusal(() => addMcpServer('{\n  "mcpServers": {},\n}\n', ".mcp.json"));
    expect(bad.kind).toBe("hooks-file");
    expect(bad.message).toMatch(/^\.mcp\.json is not valid JSON \(.* on line 3\)/);
    expect(refusal(() => removeMcpServer("{ nope", ".mcp.json")).kind).toBe("hooks-file");
    expect(refusal(() => mcpServerState('{"mcpServers": []}', ".mcp.json")).message).toContain('"mcpServers" that is not an object');
    expect(refusal(() => addMcpServer("[]", ".mcp.json")).message).toContain("does not hold a JSON object");
  });
});

describe("marked blocks, as text", () => {
  const older = (block: typeof AGENTS_MD_BLOCK, eol = "\n"): string => [block.start, "## Old words", block.end, ""].join(eol);

  it("appends after a blank line, keeps CRLF and the lines around it, and comes out byte for byte", () => {
    const text = "# Project\r\n\r\nBuild with make.";
    const edit = upsertBlock(text, AGENTS_MD_BLOCK, "CLAUDE.md", "end");
    expect(edit.change).toBe("added");
    expect(edit.text.startsWith("# Project\r\n\r\nBuild with make.\r\n\r\n<!-- >>> memory >>> -->\r\n")).toBe(true);
    expect(edit.text).not.toMatch(/[^\r]\n/);
    expect(upsertBlock(edit.text, AGENTS_MD_BLOCK, "CLAUDE.md", "end")).toEqual({ text: edit.text, change: "unchanged" });
    expect(blockState(edit.text, AGENTS_MD_BLOCK, "CLAUDE.md")).toBe("installed");
    // Without a final newline to begin with, the one line gained is all that stays.
    expect(removeBlock(edit.text, AGENTS_MD_BLOCK, "CLAUDE.md").text).toBe(`${text}\r\n`);
    const withNewline = "# Project\n";
    expect(removeBlock(upsertBlock(withNewline, AGENTS_MD_BLOCK, "AGENTS.md", "end").text, AGENTS_MD_BLOCK, "AGENTS.md").text).toBe(withNewline);
  });

  it("brings an older block up to date without touching the text around it", () => {
    const text = `Intro\n\n${older(AGENTS_MD_BLOCK)}\nMy own notes after it.\n`;
    expect(blockState(text, AGENTS_MD_BLOCK, "AGENTS.md")).toBe("outdated");
    const edit = upsertBlock(text, AGENTS_MD_BLOCK, "AGENTS.md", "end");
    expect(edit.change).toBe("updated");
    expect(edit.text.startsWith("Intro\n\n<!-- >>> memory >>> -->\n## Team memory\n")).toBe(true);
    expect(edit.text.endsWith("<!-- <<< memory <<< -->\n\nMy own notes after it.\n")).toBe(true);
    expect(removeBlock(edit.text, AGENTS_MD_BLOCK, "AGENTS.md").text).toBe("Intro\n\n\nMy own notes after it.\n");
  });

  it("a file that held only the block is left with nothing; a stray marker is refused", () => {
    const only = upsertBlock("", AGENTS_MD_BLOCK, "AGENTS.md", "end").text;
    expect(only.startsWith(AGENTS_MD_BLOCK.start)).toBe(true);
    expect(removeBlock(only, AGENTS_MD_BLOCK, "AGENTS.md")).toEqual({ text: null, change: "removed" });
    const stray = refusal(() => upsertBlock(`x\n${AGENTS_MD_BLOCK.start}\ny\n`, AGENTS_MD_BLOCK, "AGENTS.md", "end"));
    expect(stray.kind).toBe("hooks-file");
    expect(stray.message).toContain("AGENTS.md has a");
  });

  it("any text with a final newline comes back byte for byte, at the end or at the top", () => {
    const line = fc.oneof(fc.constant(""), fc.constant("   "), fc.string({ maxLength: 20 }).map((t) => t.replace(/[\r\n]/g, "")), fc.constant("#!/bin/sh"));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), fc.boolean(), (lines, crlf, bom) => {
        const eol = crlf ? "\r\n" : "\n";
        const text = (bom ? "\uFEFF" : "") + lines.map((l) => l + eol).join("");
        for (const where of ["end", "top"] as const) {
          const edit = upsertBlock(text, AGENTS_MD_BLOCK, "f", where);
          expect(upsertBlock(edit.text, AGENTS_MD_BLOCK, "f", where).change).toBe("unchanged");
          if (crlf && lines.length) expect(edit.text).not.toMatch(/[^\r]\n/);
          const back = removeBlock(edit.text, AGENTS_MD_BLOCK, "f");
          expect(back.text).toBe(lines.every((l) => l.trim() === "") ? null : text);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a git hook gets the block right after its #! line, before an exit; only a #! line left means nothing left", () => {
    const script = "#!/usr/bin/env bash\nset -e\nnpm ci\nexit 0\n";
    const edit = upsertBlock(script, GIT_HOOK_BLOCK, "post-merge", "top");
    expect(edit.text).toBe(`#!/usr/bin/env bash\n# >>> memory >>>\n${GIT_SYNC_LINE}\n# <<< memory <<<\nset -e\nnpm ci\nexit 0\n`);
    expect(removeBlock(edit.text, GIT_HOOK_BLOCK, "post-merge", true).text).toBe(script);
    const ours = upsertBlock("#!/bin/sh\n", GIT_HOOK_BLOCK, "post-merge", "top").text;
    expect(removeBlock(ours, GIT_HOOK_BLOCK, "post-merge", true).text).toBeNull();
    // husky 9's scripts have no #! line.
    expect(upsertBlock("npm ci\n", GIT_HOOK_BLOCK, ".husky/post-merge", "top").text).toBe(`# >>> memory >>>\n${GIT_SYNC_LINE}\n# <<< memory <<<\nnpm ci\n`);
  });

  it("tells shell scripts from others, and finds lefthook keys outside our block", () => {
    expect(["#!/bin/sh\n", "#!/usr/bin/env bash\n", "#!/usr/bin/env -S zsh -e\n", "npm ci\n", "#!/bin/dash"].map(isShellScript)).toEqual([true, true, true, true, true]);
    expect(["#!/usr/bin/env python3\nprint(1)\n", "#!/usr/bin/env node\n"].map(isShellScript)).toEqual([false, false]);
    const ours = upsertBlock("pre-commit:\n  commands: {}\n", LEFTHOOK_BLOCK, "lefthook-local.yml", "end").text;
    expect(lefthookKeysTaken(ours, "lefthook-local.yml")).toEqual([]);
    expect(lefthookKeysTaken("post-merge:\n  commands: {}\n'post-checkout':\n  x: 1\n", "lefthook-local.yml")).toEqual(["post-merge", "post-checkout"]);
  });
});

/** A sandbox repository with no bank: hooks need none. */
function setup(): { sb: Sandbox; repo: string } {
  const sb = new Sandbox({ layout: "branch" });
  return { sb, repo: sb.repo() };
}

const bytes = (sb: Sandbox, repo: string, rel: string): string | null => (existsSync(join(repo, rel)) ? readFileSync(join(repo, rel), "latin1") : null);
const isExecutable = (path: string): boolean => (statSync(path).mode & 0o100) !== 0;
const actions = (stdout: string): Array<[string, string, string]> =>
  (JSON.parse(stdout) as { targets: Array<{ target: string; file: string; action: string }> }).targets.map((t) => [t.target, t.file, t.action]);

describe("memory hooks install/uninstall: agents", () => {
  it("Claude: keeps a user's hooks, a second install changes no byte, uninstall gives back the original bytes", async () => {
    const { sb, repo } = setup();
    sb.write(repo, SETTINGS, USER_SETTINGS);
    const first = ok(await sb.memory(repo, ["hooks", "install", "--claude", "--json"]));
    expect(actions(first.stdout)).toEqual([["claude", SETTINGS, "added"]]);
    const once = sb.read(repo, SETTINGS);
    const settings = JSON.parse(once);
    expect(commandsOf(settings, "SessionStart")).toEqual(["./scripts/greet.sh", "memory context --hook"]);
    expect(commandsOf(settings, "PreToolUse")).toEqual(["./scripts/guard.sh"]);
    expect(commandsOf(settings, "SessionEnd")).toEqual(["memory save --hook"]);
    expect(settings.hooks.PreCompact[0].matcher).toBe("manual|auto");

    const second = ok(await sb.memory(repo, ["hooks", "install", "--claude"]));
    expect(second.stdout).toMatch(/claude\s+\.claude\/settings\.json\s+unchanged/);
    expect(sb.read(repo, SETTINGS)).toBe(once);

    ok(await sb.memory(repo, ["hooks", "uninstall", "--claude"]));
    expect(sb.read(repo, SETTINGS)).toBe(USER_SETTINGS);
  });

  it("Codex and Cursor files merge beside what is there and come out as they went in; Codex's feature flag is named", async () => {
    const { sb, repo } = setup();
    const codex = `${JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: "command", command: "./notify.sh" }] }] } }, null, 2)}\n`;
    const cursor = `${JSON.stringify({ version: 1, hooks: { afterFileEdit: [{ command: "./format.sh" }] } }, null, 2)}\n`;
    sb.write(repo, ".codex/hooks.json", codex);
    sb.write(repo, ".cursor/hooks.json", cursor);
    const res = ok(await sb.memory(repo, ["hooks", "install", "--codex", "--cursor", "--json"]));
    expect(actions(res.stdout)).toEqual([
      ["codex", ".codex/hooks.json", "added"],
      ["cursor", ".cursor/hooks.json", "added"],
      ["cursor", ".cursor/rules/memory.mdc", "added"],
    ]);
    expect(JSON.parse(res.stdout).targets[0].note).toContain("[features] codex_hooks = true");
    expect(res.stderr).toContain("codex_hooks = true");
    const codexNow = JSON.parse(sb.read(repo, ".codex/hooks.json"));
    expect(commandsOf(codexNow, "Stop")).toEqual(["./notify.sh", "memory save --hook"]);
    expect(codexNow.hooks.SessionStart[0].matcher).toBe("startup|resume|clear");
    const cursorNow = JSON.parse(sb.read(repo, ".cursor/hooks.json"));
    expect(cursorNow.hooks.afterFileEdit).toEqual([{ command: "./format.sh" }]);
    expect(cursorNow.hooks.sessionStart).toEqual([{ command: "memory context --hook" }]);
    const rule = sb.read(repo, ".cursor/rules/memory.mdc");
    expect(rule).toMatch(/^---\n(.*\n)*alwaysApply: true\n---\n/);
    expect(rule).toContain("memory recall");

    const snapshot = [".codex/hooks.json", ".cursor/hooks.json", ".cursor/rules/memory.mdc"].map((f) => sb.read(repo, f));
    ok(await sb.memory(repo, ["hooks", "install", "--codex", "--cursor"]));
    expect([".codex/hooks.json", ".cursor/hooks.json", ".cursor/rules/memory.mdc"].map((f) => sb.read(repo, f))).toEqual(snapshot);

    ok(await sb.memory(repo, ["hooks", "uninstall", "--codex", "--cursor"]));
    expect(sb.read(repo, ".codex/hooks.json")).toBe(codex);
    expect(sb.read(repo, ".cursor/hooks.json")).toBe(cursor);
    expect(existsSync(join(repo, ".cursor/rules"))).toBe(false);
  });

  it("files and folders it created are gone after uninstall; a rules file of the user's own is left alone", async () => {
    const { sb, repo } = setup();
    ok(await sb.memory(repo, ["hooks", "install", "--codex", "--claude"]));
    expect(existsSync(join(repo, ".codex/hooks.json"))).toBe(true);
    ok(await sb.memory(repo, ["hooks", "uninstall"]));
    expect(readdirSync(repo).sort()).toEqual([".git", "README.md"]);

    sb.write(repo, ".cursor/rules/memory.mdc", "---\nalwaysApply: false\n---\nMy memory rule.\n");
    const res = ok(await sb.memory(repo, ["hooks", "install", "--cursor", "--json"]));
    expect(actions(res.stdout)).toContainEqual(["cursor", ".cursor/rules/memory.mdc", "manual"]);
    expect(res.stderr).toContain("is not memory's");
    ok(await sb.memory(repo, ["hooks", "uninstall", "--cursor"]));
    expect(sb.read(repo, ".cursor/rules/memory.mdc")).toBe("---\nalwaysApply: false\n---\nMy memory rule.\n");
    expect(existsSync(join(repo, ".cursor/hooks.json"))).toBe(false);
  });

  it("AGENTS.md: the block is added, brought up to date when older, and removed; the text around it is never touched", async () => {
    const { sb, repo } = setup();
    const mine = "# Agents\n\nRun `make test` before you push.\n";
    sb.write(repo, "AGENTS.md", mine);
    ok(await sb.memory(repo, ["hooks", "install", "--agents-md"]));
    const once = sb.read(repo, "AGENTS.md");
    expect(once.startsWith(`${mine}\n<!-- >>> memory >>> -->\n`)).toBe(true);
    for (const words of ["memory start", "memory context --task", 'memory add pattern|lesson|decision "title" -m "body"', 'memory recall "words"', "memory show ID", 'memory handoff PERSONA -m "next steps"', "memory save"]) {
      expect(once).toContain(words);
    }
    expect(existsSync(join(repo, "CLAUDE.md"))).toBe(false);

    // An older version of the tool wrote other words between the markers.
    sb.write(repo, "AGENTS.md", `${mine}\n<!-- >>> memory >>> -->\nRun memory sometimes.\n<!-- <<< memory <<< -->\n\nMy footer.\n`);
    const res = ok(await sb.memory(repo, ["hooks", "install", "--agents-md", "--json"]));
    expect(actions(res.stdout)).toEqual([["agents-md", "AGENTS.md", "updated"]]);
    const updated = sb.read(repo, "AGENTS.md");
    expect(updated).toBe(once.replace(/\n$/, "\n\nMy footer.\n"));

    ok(await sb.memory(repo, ["hooks", "uninstall", "--agents-md"]));
    expect(sb.read(repo, "AGENTS.md")).toBe(`${mine}\n\nMy footer.\n`);
  });

  it("CLAUDE.md alone gets the block and keeps its CRLF; with neither file, AGENTS.md is created and removed again", async () => {
    const { sb, repo } = setup();
    const claude = "# Claude\r\n\r\nBe brief.\r\n";
    sb.write(repo, "CLAUDE.md", claude);
    ok(await sb.memory(repo, ["hooks", "install", "--agents-md"]));
    const text = bytes(sb, repo, "CLAUDE.md")!;
    expect(text).toContain("<!-- >>> memory >>> -->\r\n");
    expect(text).not.toMatch(/[^\r]\n/);
    expect(existsSync(join(repo, "AGENTS.md"))).toBe(false);
    ok(await sb.memory(repo, ["hooks", "uninstall", "--agents-md"]));
    expect(bytes(sb, repo, "CLAUDE.md")).toBe(claude);

    const { sb: sb2, repo: bare } = setup();
    ok(await sb2.memory(bare, ["hooks", "install", "--agents-md"]));
    expect(sb2.read(bare, "AGENTS.md").startsWith("<!-- >>> memory >>> -->\n")).toBe(true);
    ok(await sb2.memory(bare, ["hooks", "uninstall", "--agents-md"]));
    expect(existsSync(join(bare, "AGENTS.md"))).toBe(false);
  });

  it("CLAUDE.md linked to AGENTS.md gets one block, and stays a link", async () => {
    const { sb, repo } = setup();
    sb.write(repo, "AGENTS.md", "# Shared\n");
    symlinkSync("AGENTS.md", join(repo, "CLAUDE.md"));
    const res = ok(await sb.memory(repo, ["hooks", "install", "--agents-md", "--json"]));
    expect(actions(res.stdout)).toEqual([["agents-md", "AGENTS.md", "added"]]);
    expect(lstatSync(join(repo, "CLAUDE.md")).isSymbolicLink()).toBe(true);
    expect(sb.read(repo, "AGENTS.md").match(/>>> memory >>>/g)).toHaveLength(1);
  });
});

describe("memory hooks install/uninstall: MCP", () => {
  const MCP = ".mcp.json";
  const CURSOR_MCP = ".cursor/mcp.json";

  it("keeps another server byte for byte, twice is once, uninstall gives back the original bytes; Codex's and Cursor's lines are given", async () => {
    const { sb, repo } = setup();
    sb.write(repo, MCP, USER_MCP);
    const first = ok(await sb.memory(repo, ["hooks", "install", "--mcp", "--json"]));
    expect(actions(first.stdout)).toEqual([["mcp", MCP, "added"]]);
    const note = JSON.parse(first.stdout).targets[0].note as string;
    expect(note).toContain("codex mcp add memory -- memory mcp");
    expect(note).toContain('{"mcpServers": {"memory": {"command": "memory", "args": ["mcp"]}}} in .cursor/mcp.json');
    expect(first.stderr).toContain("codex mcp add memory -- memory mcp");
    const once = bytes(sb, repo, MCP)!;
    const githubLine = '\t\t"github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": { "GITHUB_TOKEN": "${GITHUB_TOKEN}" } },\r\n';
    expect(once).toContain(githubLine);
    expect(once.endsWith('\t},\r\n\t"note": "shared"\r\n}\r\n')).toBe(true);
    expect(JSON.parse(once).mcpServers.memory).toEqual(OUR_SERVER);
    expect(existsSync(join(repo, ".cursor"))).toBe(false);

    const second = ok(await sb.memory(repo, ["hooks", "install", "--mcp", "--json"]));
    expect(actions(second.stdout)).toEqual([["mcp", MCP, "unchanged"]]);
    expect(bytes(sb, repo, MCP)).toBe(once);

    const removed = ok(await sb.memory(repo, ["hooks", "uninstall", "--mcp", "--json"]));
    expect(actions(removed.stdout)).toEqual([["mcp", MCP, "removed"]]);
    expect(bytes(sb, repo, MCP)).toBe(USER_MCP);
  });

  it("is not installed without its flag, and a flagless uninstall takes it out; a file it created goes", async () => {
    const { sb, repo } = setup();
    const plain = ok(await sb.memory(repo, ["hooks", "install", "--json"]));
    expect(actions(plain.stdout).map(([t]) => t)).not.toContain("mcp");
    expect(existsSync(join(repo, MCP))).toBe(false);
    ok(await sb.memory(repo, ["hooks", "install", "--mcp"]));
    expect(JSON.parse(sb.read(repo, MCP))).toEqual({ mcpServers: { memory: OUR_SERVER } });
    const res = ok(await sb.memory(repo, ["hooks", "uninstall", "--json"]));
    expect(actions(res.stdout)).toContainEqual(["mcp", MCP, "removed"]);
    expect(readdirSync(repo).sort()).toEqual([".git", "README.md"]);
  });

  it("a memory server of the user's own is left and reported manual", async () => {
    const { sb, repo } = setup();
    const theirs = `${JSON.stringify({ mcpServers: { memory: { command: "npx", args: ["-y", "@modelcontextprotocol/server-memory"] } } }, null, 2)}\n`;
    sb.write(repo, MCP, theirs);
    const res = ok(await sb.memory(repo, ["hooks", "install", "--mcp", "--json"]));
    const item = JSON.parse(res.stdout).targets[0];
    expect(item).toMatchObject({ target: "mcp", file: MCP, action: "manual" });
    expect(item.note).toContain('already has a "memory" server that is not `memory mcp`');
    expect(res.stderr).toContain("warning:");
    expect(res.stderr).toContain("nothing written; 1 left to do by hand");
    expect(sb.read(repo, MCP)).toBe(theirs);
    const status = ok(await sb.memory(repo, ["hooks", "status", "--json"]));
    expect(JSON.parse(status.stdout).targets.find((t: { file: string }) => t.file === MCP)).toMatchObject({ state: "manual", note: expect.stringContaining("left alone") });
    const removed = ok(await sb.memory(repo, ["hooks", "uninstall", "--mcp", "--json"]));
    expect(actions(removed.stdout)).toEqual([["mcp", MCP, "unchanged"]]);
    expect(sb.read(repo, MCP)).toBe(theirs);
  });

  it("with --cursor it also writes .cursor/mcp.json beside Cursor's own servers; status says so per file", async () => {
    const { sb, repo } = setup();
    const cursorMine = `${JSON.stringify({ mcpServers: { docs: { url: "https://example.com/mcp" } } }, null, 2)}\n`;
    sb.write(repo, CURSOR_MCP, cursorMine);
    const res = ok(await sb.memory(repo, ["hooks", "install", "--mcp", "--cursor", "--json"]));
    expect(actions(res.stdout)).toEqual([
      ["cursor", ".cursor/hooks.json", "added"],
      ["cursor", ".cursor/rules/memory.mdc", "added"],
      ["mcp", MCP, "added"],
      ["mcp", CURSOR_MCP, "added"],
    ]);
    const note = JSON.parse(res.stdout).targets[2].note as string;
    expect(note).toContain("codex mcp add memory -- memory mcp");
    expect(note).not.toContain(".cursor/mcp.json");
    expect(JSON.parse(sb.read(repo, MCP))).toEqual({ mcpServers: { memory: OUR_SERVER } });
    expect(JSON.parse(sb.read(repo, CURSOR_MCP))).toEqual({ mcpServers: { docs: { url: "https://example.com/mcp" }, memory: OUR_SERVER } });

    const status = ok(await sb.memory(repo, ["hooks", "status", "--json"]));
    const mcp = JSON.parse(status.stdout).targets.filter((t: { target: string }) => t.target === "mcp").map((t: { file: string; state: string }) => [t.file, t.state]);
    expect(mcp).toEqual([[MCP, "installed"], [CURSOR_MCP, "installed"]]);

    // `--mcp` alone takes ours out of both files; Cursor's hooks stay until --cursor.
    const removed = ok(await sb.memory(repo, ["hooks", "uninstall", "--mcp", "--json"]));
    expect(actions(removed.stdout)).toEqual([["mcp", MCP, "removed"], ["mcp", CURSOR_MCP, "removed"]]);
    expect(existsSync(join(repo, MCP))).toBe(false);
    expect(sb.read(repo, CURSOR_MCP)).toBe(cursorMine);
    expect(existsSync(join(repo, ".cursor/hooks.json"))).toBe(true);
  });

  it("a .mcp.json that is not JSON is refused, naming the file, and nothing is written for any target", async () => {
    const { sb, repo } = setup();
    const broken = '{ "mcpServers": { "github": ';
    sb.write(repo, MCP, broken);
    const res = await sb.memory(repo, ["hooks", "install", "--claude", "--mcp", "--cursor"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^memory: \.mcp\.json is not valid JSON \([^)]+\); fix it or move it away; then run `memory hooks install` again \(nothing was written\)\n$/);
    expect(sb.read(repo, MCP)).toBe(broken);
    expect(existsSync(join(repo, SETTINGS))).toBe(false);
    expect(existsSync(join(repo, ".cursor"))).toBe(false);
    const un = await sb.memory(repo, ["hooks", "uninstall"]);
    expect(un.code).toBe(1);
    expect(un.stderr).toContain("then run `memory hooks uninstall` again");
    const status = ok(await sb.memory(repo, ["hooks", "status", "--json"]));
    expect(JSON.parse(status.stdout).targets.find((t: { file: string }) => t.file === MCP)).toMatchObject({ target: "mcp", state: "invalid" });
  });
});

describe("memory hooks install/uninstall: refusals", () => {
  it("a settings.json that is not JSON is refused, naming the file, and nothing at all is written", async () => {
    const { sb, repo } = setup();
    const broken = '{\n  "hooks": {\n    "SessionStart": [\n  }\n';
    sb.write(repo, SETTINGS, broken);
    const res = await sb.memory(repo, ["hooks", "install"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^memory: \.claude\/settings\.json is not valid JSON \([^)]+\); fix it or move it away; then run `memory hooks install` again \(nothing was written\)\n$/);
    expect(res.stdout).toBe("");
    expect(sb.read(repo, SETTINGS)).toBe(broken);
    expect(existsSync(join(repo, "AGENTS.md"))).toBe(false);
    expect(readdirSync(join(repo, ".git/hooks")).filter((f) => !f.endsWith(".sample"))).toEqual([]);
    const status = ok(await sb.memory(repo, ["hooks", "status", "--json"]));
    expect(JSON.parse(status.stdout).targets[0]).toMatchObject({ target: "claude", state: "invalid" });
  });

  it("a settings.json linked to a file outside the repository is refused; nothing is written there or here", async () => {
    const { sb, repo } = setup();
    sb.write(sb.dir, "elsewhere/settings.json", "{}\n");
    mkdirSync(join(repo, ".claude"));
    symlinkSync(join(sb.dir, "elsewhere/settings.json"), join(repo, SETTINGS));
    const res = await sb.memory(repo, ["hooks", "install"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(".claude/settings.json leads to");
    expect(sb.read(sb.dir, "elsewhere/settings.json")).toBe("{}\n");
    expect(existsSync(join(repo, "AGENTS.md"))).toBe(false);
  });

  it("works outside a bank and from a subfolder; refuses outside a repository", async () => {
    const { sb, repo } = setup();
    mkdirSync(join(repo, "src"));
    ok(await sb.memory(join(repo, "src"), ["hooks", "install", "--claude"]));
    expect(existsSync(join(repo, SETTINGS))).toBe(true);
    const outside = await sb.memory(sb.home, ["hooks", "status"]);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain("not inside a git work tree");
  });
});

/** A fake `memory` first on PATH that writes down how each git hook called it. */
function fakeMemory(sb: Sandbox): { env: NodeJS.ProcessEnv; log: string } {
  const bin = join(sb.dir, "bin");
  const log = join(sb.dir, "memory-calls.log");
  sb.write(bin, "memory", `#!/bin/sh\necho "$*" >> '${log}'\n`);
  chmodSync(join(bin, "memory"), 0o755);
  return { env: sb.env({ PATH: `${bin}:${process.env.PATH}` }), log };
}

function gitWith(env: NodeJS.ProcessEnv, cwd: string, ...args: string[]): string {
  const res = spawnSync("git", args, { cwd, env, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`git ${args.join(" ")}: ${res.stderr}`);
  return res.stdout + res.stderr;
}

describe("memory hooks install/uninstall: git", () => {
  const hooks = ["post-merge", "post-rewrite", "post-checkout"];

  it("a plain repository gets three executable hooks; a user's post-merge keeps its #! line, content and mode", async () => {
    const { sb, repo } = setup();
    const mine = "#!/bin/bash\n# refresh dependencies\nnpm ci --silent\nexit 0\n";
    sb.write(repo, ".git/hooks/post-merge", mine);
    chmodSync(join(repo, ".git/hooks/post-merge"), 0o750);
    const res = ok(await sb.memory(repo, ["hooks", "install", "--git", "--json"]));
    expect(actions(res.stdout)).toEqual(hooks.map((h) => ["git", `.git/hooks/${h}`, "added"]));
    for (const h of hooks) {
      expect(isExecutable(join(repo, ".git/hooks", h))).toBe(true);
      expect(sb.read(repo, `.git/hooks/${h}`)).toContain(`# >>> memory >>>\n${GIT_SYNC_LINE}\n# <<< memory <<<\n`);
    }
    expect(sb.read(repo, ".git/hooks/post-rewrite")).toBe(`#!/bin/sh\n# >>> memory >>>\n${GIT_SYNC_LINE}\n# <<< memory <<<\n`);
    const merged = sb.read(repo, ".git/hooks/post-merge");
    expect(merged.startsWith("#!/bin/bash\n# >>> memory >>>\n")).toBe(true);
    expect(merged.endsWith("# <<< memory <<<\n# refresh dependencies\nnpm ci --silent\nexit 0\n")).toBe(true);
    expect(statSync(join(repo, ".git/hooks/post-merge")).mode & 0o777).toBe(0o750);

    const again = ok(await sb.memory(repo, ["hooks", "install", "--git", "--json"]));
    expect(actions(again.stdout).map(([, , a]) => a)).toEqual(["unchanged", "unchanged", "unchanged"]);

    ok(await sb.memory(repo, ["hooks", "uninstall", "--git"]));
    expect(sb.read(repo, ".git/hooks/post-merge")).toBe(mine);
    expect(statSync(join(repo, ".git/hooks/post-merge")).mode & 0o777).toBe(0o750);
    expect(existsSync(join(repo, ".git/hooks/post-rewrite"))).toBe(false);
    expect(existsSync(join(repo, ".git/hooks/post-checkout"))).toBe(false);
  });

  it("the hook runs memory on a checkout, and a checkout succeeds where memory is missing or fails", async () => {
    const { sb, repo } = setup();
    ok(await sb.memory(repo, ["hooks", "install", "--git"]));
    const { env, log } = fakeMemory(sb);
    gitWith(env, repo, "checkout", "-q", "-b", "feature");
    expect(readFileSync(log, "utf8")).toMatch(/^hook git-sync [0-9a-f]{40} [0-9a-f]{40} 1\n$/);
    // No memory on PATH at all, and a memory that fails: git carries on.
    gitWith(sb.env({ PATH: "/usr/bin:/bin" }), repo, "checkout", "-q", "main");
    sb.write(sb.dir, "bin/memory", "#!/bin/sh\nexit 3\n");
    gitWith(env, repo, "checkout", "-q", "feature");
  });

  it("husky: the line goes to .husky/post-merge (never .husky/_), and a real git pull runs it", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const a = sb.clone(origin, "a");
    const b = sb.clone(origin, "b");
    // What husky 9 sets up: core.hooksPath=.husky/_, whose generated stubs run .husky/<hook> with sh -e.
    const stub = '#!/bin/sh\nhook=$(basename "$0")\nscript="$(dirname "$(dirname "$0")")/$hook"\n[ -f "$script" ] || exit 0\nsh -e "$script" "$@"\n';
    for (const h of [...hooks, "pre-commit"]) {
      sb.write(b, `.husky/_/${h}`, stub);
      chmodSync(join(b, ".husky/_", h), 0o755);
    }
    sb.write(b, ".husky/pre-commit", "npm test\n");
    sb.git(b, "config", "core.hooksPath", ".husky/_");

    const res = ok(await sb.memory(b, ["hooks", "install", "--git", "--json"]));
    expect(actions(res.stdout)).toEqual(hooks.map((h) => ["git", `.husky/${h}`, "added"]));
    expect(sb.read(b, ".husky/_/post-merge")).toBe(stub);
    expect(readdirSync(join(b, ".git/hooks")).filter((f) => !f.endsWith(".sample"))).toEqual([]);
    expect(sb.read(b, ".husky/post-merge")).toContain(GIT_SYNC_LINE);

    sb.write(a, "CHANGES.md", "one change\n");
    sb.git(a, "add", "CHANGES.md");
    sb.git(a, "commit", "-q", "-m", "a change");
    sb.git(a, "push", "-q", "origin", "main");
    const { env, log } = fakeMemory(sb);
    gitWith(env, b, "pull", "-q", "--no-rebase", "origin", "main");
    expect(sb.read(b, "CHANGES.md")).toBe("one change\n");
    expect(readFileSync(log, "utf8")).toBe("hook git-sync 0\n");

    const status = ok(await sb.memory(b, ["hooks", "status", "--json"]));
    expect(JSON.parse(status.stdout).targets.filter((t: { target: string }) => t.target === "git").map((t: { file: string; state: string }) => [t.file, t.state])).toEqual(
      hooks.map((h) => [`.husky/${h}`, "installed"]),
    );
    ok(await sb.memory(b, ["hooks", "uninstall", "--git"]));
    expect(readdirSync(join(b, ".husky")).sort()).toEqual(["_", "pre-commit"]);
  });

  it("lefthook: a marked block in lefthook-local.yml, nothing in .git/hooks; keys of the user's own are left to them", async () => {
    const { sb, repo } = setup();
    sb.write(repo, "lefthook.yml", "pre-commit:\n  commands:\n    lint:\n      run: npm run lint\n");
    const res = ok(await sb.memory(repo, ["hooks", "install", "--git", "--json"]));
    expect(actions(res.stdout)).toEqual([["git", "lefthook-local.yml", "added"]]);
    expect(res.stderr).toContain("lefthook install");
    const local = sb.read(repo, "lefthook-local.yml");
    expect(local).toContain("# >>> memory >>>\npost-merge:\n  commands:\n    memory-git-sync:\n      run: 'command -v memory >/dev/null 2>&1 && memory hook git-sync {0} || true'\n");
    expect(local).toContain("post-checkout:\n");
    expect(local).toContain("post-rewrite:\n");
    expect(readdirSync(join(repo, ".git/hooks")).filter((f) => !f.endsWith(".sample"))).toEqual([]);
    ok(await sb.memory(repo, ["hooks", "install", "--git"]));
    expect(sb.read(repo, "lefthook-local.yml")).toBe(local);
    ok(await sb.memory(repo, ["hooks", "uninstall", "--git"]));
    expect(existsSync(join(repo, "lefthook-local.yml"))).toBe(false);

    const theirs = "post-merge:\n  commands:\n    deps:\n      run: npm ci\n";
    sb.write(repo, "lefthook-local.yml", theirs);
    const manual = ok(await sb.memory(repo, ["hooks", "install", "--git", "--json"]));
    const item = JSON.parse(manual.stdout).targets[0];
    expect(item).toMatchObject({ target: "git", file: "lefthook-local.yml", action: "manual" });
    expect(item.note).toContain("already has post-merge");
    expect(item.snippet).toContain("    memory-git-sync:");
    expect(sb.read(repo, "lefthook-local.yml")).toBe(theirs);
  });

  it("lefthook's own hook scripts are recognised without its config file", async () => {
    const { sb, repo } = setup();
    const script = '#!/bin/sh\n# lefthook hook\ncall_lefthook run "post-checkout" "$@"\n';
    sb.write(repo, ".git/hooks/post-checkout", script);
    chmodSync(join(repo, ".git/hooks/post-checkout"), 0o755);
    const res = ok(await sb.memory(repo, ["hooks", "install", "--git", "--json"]));
    expect(actions(res.stdout)).toEqual([["git", "lefthook-local.yml", "added"]]);
    expect(sb.read(repo, ".git/hooks/post-checkout")).toBe(script);
  });

  it("pre-commit: its own hook files are not written; the local hook to add is given instead", async () => {
    const { sb, repo } = setup();
    sb.write(repo, ".pre-commit-config.yaml", "repos: []\n");
    const generated = "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\nexec python -mpre_commit hook-impl --hook-type=post-merge \"$@\"\n";
    sb.write(repo, ".git/hooks/post-merge", generated);
    chmodSync(join(repo, ".git/hooks/post-merge"), 0o755);
    const res = ok(await sb.memory(repo, ["hooks", "install", "--git", "--json"]));
    const items = JSON.parse(res.stdout).targets;
    expect(items.map((t: { file: string; action: string }) => [t.file, t.action])).toEqual([
      [".git/hooks/post-rewrite", "added"],
      [".git/hooks/post-checkout", "added"],
      [".pre-commit-config.yaml", "manual"],
    ]);
    expect(items[2].note).toContain("pre-commit install -t post-merge");
    expect(items[2].snippet.join("\n")).toContain("stages: [post-merge, post-checkout, post-rewrite]");
    expect(sb.read(repo, ".git/hooks/post-merge")).toBe(generated);
    expect(sb.read(repo, ".pre-commit-config.yaml")).toBe("repos: []\n");
  });

  it("says when a hook it wrote into is not executable; uninstall also finds the block pre-commit moved to .legacy", async () => {
    const { sb, repo } = setup();
    sb.write(repo, ".git/hooks/post-rewrite", "#!/bin/sh\necho rewritten\n");
    chmodSync(join(repo, ".git/hooks/post-rewrite"), 0o644);
    const res = ok(await sb.memory(repo, ["hooks", "install", "--git", "--json"]));
    const item = JSON.parse(res.stdout).targets.find((t: { file: string }) => t.file === ".git/hooks/post-rewrite");
    expect(item).toMatchObject({ action: "added", note: expect.stringContaining("is not executable, so git does not run it") });
    expect(statSync(join(repo, ".git/hooks/post-rewrite")).mode & 0o777).toBe(0o644);

    // `pre-commit install -t post-merge` moves an existing hook to post-merge.legacy and runs it from there.
    const ours = sb.read(repo, ".git/hooks/post-merge");
    sb.write(repo, ".git/hooks/post-merge.legacy", ours);
    sb.write(repo, ".git/hooks/post-merge", "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\nexec python -mpre_commit hook-impl\n");
    const removed = ok(await sb.memory(repo, ["hooks", "uninstall", "--git", "--json"]));
    expect(actions(removed.stdout)).toContainEqual(["git", ".git/hooks/post-merge.legacy", "removed"]);
    expect(existsSync(join(repo, ".git/hooks/post-merge.legacy"))).toBe(false);
    expect(sb.read(repo, ".git/hooks/post-rewrite")).toBe("#!/bin/sh\necho rewritten\n");
  });

  it("a hooks path outside the repository and a hook in Python are left to their owner", async () => {
    const { sb, repo } = setup();
    sb.write(repo, ".git/hooks/post-merge", "#!/usr/bin/env python3\nprint('merged')\n");
    const res = ok(await sb.memory(repo, ["hooks", "install", "--git", "--json"]));
    expect(actions(res.stdout)[0]).toEqual(["git", ".git/hooks/post-merge", "manual"]);
    expect(sb.read(repo, ".git/hooks/post-merge")).toBe("#!/usr/bin/env python3\nprint('merged')\n");

    const shared = join(sb.dir, "shared-hooks");
    mkdirSync(shared);
    sb.git(repo, "config", "core.hooksPath", shared);
    const outside = ok(await sb.memory(repo, ["hooks", "install", "--git", "--json"]));
    const item = JSON.parse(outside.stdout).targets[0];
    expect(item).toMatchObject({ target: "git", action: "manual" });
    expect(item.note).toContain("outside this repository");
    expect(readdirSync(shared)).toEqual([]);
  });
});

describe("memory hooks status", () => {
  it("says per target and file what is wired", async () => {
    const { sb, repo } = setup();
    const before = ok(await sb.memory(repo, ["hooks", "status", "--json"]));
    const states = (stdout: string): Array<[string, string, string]> =>
      (JSON.parse(stdout) as { targets: Array<{ target: string; file: string; state: string }> }).targets.map((t) => [t.target, t.file, t.state]);
    expect(states(before.stdout)).toEqual([
      ["claude", SETTINGS, "absent"],
      ["codex", ".codex/hooks.json", "absent"],
      ["cursor", ".cursor/hooks.json", "absent"],
      ["cursor", ".cursor/rules/memory.mdc", "absent"],
      ["mcp", ".mcp.json", "absent"],
      ["mcp", ".cursor/mcp.json", "absent"],
      ["agents-md", "AGENTS.md", "absent"],
      ["git", ".git/hooks/post-merge", "absent"],
      ["git", ".git/hooks/post-rewrite", "absent"],
      ["git", ".git/hooks/post-checkout", "absent"],
    ]);
    ok(await sb.memory(repo, ["hooks", "install"]));
    ok(await sb.memory(repo, ["hooks", "install", "--codex"]));
    // One of Claude's hooks taken out by hand; an older AGENTS.md block.
    const settings = JSON.parse(sb.read(repo, SETTINGS));
    delete settings.hooks.PreCompact;
    sb.write(repo, SETTINGS, JSON.stringify(settings, null, 2));
    sb.write(repo, "AGENTS.md", sb.read(repo, "AGENTS.md").replace("## Team memory", "## Memory"));
    const after = ok(await sb.memory(repo, ["hooks", "status", "--json"]));
    expect(states(after.stdout)).toEqual([
      ["claude", SETTINGS, "partial"],
      ["codex", ".codex/hooks.json", "installed"],
      ["cursor", ".cursor/hooks.json", "absent"],
      ["cursor", ".cursor/rules/memory.mdc", "absent"],
      ["mcp", ".mcp.json", "absent"],
      ["mcp", ".cursor/mcp.json", "absent"],
      ["agents-md", "AGENTS.md", "outdated"],
      ["git", ".git/hooks/post-merge", "installed"],
      ["git", ".git/hooks/post-rewrite", "installed"],
      ["git", ".git/hooks/post-checkout", "installed"],
    ]);
    const text = ok(await sb.memory(repo, ["hooks", "status"]));
    expect(text.stdout).toMatch(/^claude\s+\.claude\/settings\.json\s+partial\s+\(only some of memory's hooks are there; `memory hooks install --claude` adds the rest\)$/m);
    expect(text.stdout).toMatch(/^agents-md\s+AGENTS\.md\s+outdated/m);
    expect(text.stdout).toMatch(/^codex\s+\.codex\/hooks\.json\s+installed\s+\(Codex runs hooks only with/m);
  });

  it("is declared with help, and install's help names what no flag installs", async () => {
    const { sb, repo } = setup();
    const help = ok(await sb.memory(repo, ["hooks", "install", "--help"]));
    expect(help.stdout).toContain("with no target flag: --claude --agents-md --git");
    expect(help.stdout).toContain("$ memory hooks install --claude --git");
    const typo = await sb.memory(repo, ["hooks", "instal"]);
    expect(typo.code).toBe(2);
  });
});
