/**
 * `memory hooks install|uninstall|status`: declarations only; each action imports its command module
 * when it runs.
 */
import type { Command } from "commander";
import type { HookTarget } from "../app/hooks.js";
import type { Output } from "../ui/output.js";
import { example } from "./help.js";

interface TargetFlags {
  claude?: boolean;
  codex?: boolean;
  cursor?: boolean;
  mcp?: boolean;
  agentsMd?: boolean;
  git?: boolean;
  json?: boolean;
}

const targetsOf = (o: TargetFlags): HookTarget[] => {
  const all: Array<[HookTarget, boolean | undefined]> = [["claude", o.claude], ["codex", o.codex], ["cursor", o.cursor], ["mcp", o.mcp], ["agents-md", o.agentsMd], ["git", o.git]];
  return all.filter(([, on]) => on).map(([t]) => t);
};

const withTargets = (cmd: Command): Command =>
  cmd
    .option("--claude", "Claude Code: SessionStart, SessionEnd and PreCompact hooks in .claude/settings.json")
    .option("--codex", "Codex: SessionStart, Stop and PreCompact hooks in .codex/hooks.json")
    .option("--cursor", "Cursor: .cursor/hooks.json and the rule .cursor/rules/memory.mdc")
    .option("--mcp", "the `memory mcp` server in .mcp.json (Claude Code), and in .cursor/mcp.json with --cursor")
    .option("--agents-md", "a block telling agents how to use memory, in AGENTS.md (and CLAUDE.md when it exists)")
    .option("--git", "post-merge, post-rewrite and post-checkout hooks (through husky, lefthook or pre-commit when they manage them)")
    .option("--json", "print { targets: [{ target, file, action, note? }] } as JSON");

export function declareHooks(program: Command, out: Output, where: { cwd: string; env: NodeJS.ProcessEnv }): void {
  const hooks = program
    .command("hooks")
    .description("wire memory into agents' session hooks, MCP configs, AGENTS.md and git hooks, keeping every hook you have")
    .addHelpText("after", example("memory hooks install", "memory hooks install --codex --cursor", "memory hooks install --mcp", "memory hooks status", "memory hooks uninstall"));

  withTargets(
    hooks
      .command("install")
      .description("add memory's hooks (with no target flag: --claude --agents-md --git); a second run changes nothing"),
  )
    .addHelpText("after", example("memory hooks install", "memory hooks install --claude --git", "memory hooks install --mcp --cursor", "memory hooks install --codex --json"))
    .action(async (o: TargetFlags) => {
      const { hooksInstallCommand } = await import("../commands/hooks.js");
      await hooksInstallCommand({ ...where, targets: targetsOf(o) }, out, !!o.json);
    });

  withTargets(
    hooks
      .command("uninstall")
      .description("take out exactly what install added (with no target flag: from every target), nothing else"),
  )
    .addHelpText("after", example("memory hooks uninstall", "memory hooks uninstall --git"))
    .action(async (o: TargetFlags) => {
      const { hooksUninstallCommand } = await import("../commands/hooks.js");
      await hooksUninstallCommand({ ...where, targets: targetsOf(o) }, out, !!o.json);
    });

  hooks
    .command("status")
    .description("what is wired, per target and file: installed, partial, outdated, absent, manual or invalid")
    .option("--json", "print { targets: [{ target, file, state, note? }] } as JSON")
    .addHelpText("after", example("memory hooks status", "memory hooks status --json | jq '.targets[] | select(.state != \"installed\")'"))
    .action(async (o: { json?: boolean }) => {
      const { hooksStatusCommand } = await import("../commands/hooks.js");
      await hooksStatusCommand({ ...where, targets: [] }, out, !!o.json);
    });
}
