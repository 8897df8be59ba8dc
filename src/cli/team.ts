/**
 * `memory consolidate` and `memory cleanup`, the bank's upkeep: declarations only; each action imports its
 * command module when it runs.
 */
import { InvalidArgumentError, type Command } from "commander";
import type { Output } from "../ui/output.js";
import { example } from "./help.js";

interface UpkeepFlags {
  dryRun?: boolean;
  yes?: boolean;
  persona?: string;
  retryNow?: boolean;
  json?: boolean;
}

/** A share above 0 and at most 1, or a usage error naming the flag. */
function share(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n > 0 && n <= 1)) throw new InvalidArgumentError("--threshold takes a number above 0 and at most 1, such as 0.6");
  return n;
}

const withUpkeep = (cmd: Command, yes: string): Command =>
  cmd
    .option("--dry-run", "print the plan; change nothing")
    .option("-y, --yes", yes)
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--retry-now", "try the remote even if it was unreachable a moment ago")
    .option("--json", "print the plan and result as JSON");

export function declareTeam(program: Command, out: Output, where: { cwd: string; env: NodeJS.ProcessEnv }): void {
  withUpkeep(
    program
      .command("consolidate")
      .description("propose near-duplicate entries as one new entry that supersedes them; with a yes, write it in one commit and sync")
      .option("--threshold <share>", "how alike entries must read to count as near-duplicates, above 0 and at most 1 (default: consolidate.threshold, 0.6)", share),
    "write every proposed entry without asking",
  )
    .addHelpText("after", example("memory consolidate --dry-run", "memory consolidate --yes", "memory consolidate --threshold 0.8 --json | jq '.groups[].supersedes'"))
    .action(async (o: UpkeepFlags & { threshold?: number }) => {
      const { consolidateCommand } = await import("../commands/consolidate.js");
      const options = { ...where, dryRun: !!o.dryRun, yes: !!o.yes, persona: o.persona, retryNow: !!o.retryNow, ...(o.threshold !== undefined ? { threshold: o.threshold } : {}) };
      await consolidateCommand(options, out, !!o.json);
    });

  withUpkeep(
    program
      .command("cleanup")
      .description("move expired and superseded entries from the buffers to the bank's archive (recall --archived finds them); with a yes, in one commit, synced"),
    "move them without asking",
  )
    .addHelpText("after", example("memory cleanup --dry-run", "memory cleanup --yes", "memory recall --archived \"cache\""))
    .action(async (o: UpkeepFlags) => {
      const { cleanupCommand } = await import("../commands/consolidate.js");
      await cleanupCommand({ ...where, dryRun: !!o.dryRun, yes: !!o.yes, persona: o.persona, retryNow: !!o.retryNow }, out, !!o.json);
    });
}
