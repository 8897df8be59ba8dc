/**
 * The command line: declarations only. Each action imports its command module when it runs, so
 * `memory --version` and the merge driver never load what they do not use.
 */
import { Command, CommanderError, Option } from "commander";
import { ExitCode, MemoryError } from "./errors.js";
import { version } from "./version.js";
import { createOutput, type Output } from "./ui.js";

const example = (...lines: string[]): string => `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;


async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** commander's complaint as one line with the next step: the help of the command it was about. */
function usageError(message: string): string {
  const known = ["init", "add", "remember", "start", "save", "status", "harvest", "doctor", "config", "merge-driver"];
  const command = process.argv.slice(2).find((a) => known.includes(a));
  return `memory: ${message.replace(/^error: /, "").trim()}; see \`memory ${command ? `${command} ` : ""}--help\`\n`;
}

export function buildProgram(out: Output): Command {
  const program = new Command("memory")
    .description("One shared, git-backed memory in plain markdown for a team of agents and people.")
    .version(version(), "-V, --version")
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(usageError(s)) });

  program
    .command("init")
    .description("create the bank, set its merge attributes, register the merge drivers, record the persona")
    .option("--persona <name>", "persona of this clone (dev, qa, architect…)")
    .option("--ci", "also write .github/workflows/memory-harvest.yml")
    .option("--json", "print the result as JSON")
    .addHelpText("after", example("memory init --persona dev", "memory init --persona lead --ci"))
    .action(async (o: { persona?: string; ci?: boolean; json?: boolean }) => {
      const { init, renderInit } = await import("./commands/init.js");
      renderInit(await init({ persona: o.persona, ci: !!o.ci }), out, !!o.json);
    });

  program
    .command("add")
    .alias("remember")
    .description("append an entry to the buffer of its type: pattern, lesson (solution, bug, gotcha), decision")
    .argument("<type>", "pattern | lesson | solution | bug | gotcha | decision")
    .argument("<title>", "one line")
    .option("-m, --message <body>", "the entry's markdown body; - reads it from stdin")
    .option("--tags <list>", "comma-separated tags")
    .option("--persona <name>", "author, instead of this clone's persona")
    .option("--json", 'print {"id", "file"} as JSON')
    .addHelpText("after", example(
      'memory add pattern "Retry pushes with jitter" -m "Back off 50-400 ms; 6 tries covered 8 racing clones." --tags git,sync',
      'git log -1 --format=%B | memory remember lesson "Flaky push test" -m -',
    ))
    .action(async (type: string, title: string, o: { message?: string; tags?: string; persona?: string; json?: boolean }) => {
      const { add, renderAdd } = await import("./commands/add.js");
      const body = o.message === "-" ? await readStdin() : o.message;
      renderAdd(await add({ type, title, body, tags: o.tags ? [o.tags] : [], persona: o.persona }), out, !!o.json);
    });

  program
    .command("start")
    .description("pull what the other clones learned, log the start, and show what is new since you last looked")
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--json", "print the digest as JSON")
    .addHelpText("after", example("memory start", "memory start --json | jq '.newEntries[].title'"))
    .action(async (o: { persona?: string; json?: boolean }) => {
      const { start, renderStart } = await import("./commands/start.js");
      const result = await withSpinner("syncing the bank", (progress) => start({ persona: o.persona, progress }));
      renderStart(result, out, !!o.json);
    });

  program
    .command("save")
    .description("commit the bank (only the bank), merge the remote through the drivers, and push")
    .option("-m, --message <msg>", "commit message and log note")
    .option("--no-push", "commit here only; the next start or save pushes")
    .option("--allow-secret", "save even when new text looks like a key or token")
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--json", "print the result as JSON")
    .addHelpText("after", example('memory save -m "caching decisions"', "memory save --no-push"))
    .action(async (o: { message?: string; push: boolean; allowSecret?: boolean; persona?: string; json?: boolean }) => {
      const { save, renderSave } = await import("./commands/save.js");
      const result = await withSpinner("saving the bank", (progress) =>
        save({ message: o.message, push: o.push, allowSecret: !!o.allowSecret, persona: o.persona, progress }),
      );
      renderSave(result, out, !!o.json);
    });

  program
    .command("harvest")
    .description("promote buffers at their thresholds into Patterns.md, post-mortems and numbered ADRs, in one commit")
    .option("--dry-run", "print the plan; change nothing")
    .option("-y, --yes", "turn every decision into an ADR without asking")
    .option("--all", "harvest every non-empty buffer, not only those at their threshold")
    .option("--only <name>", "only this buffer: patterns, lessons or decisions (or patterns-buffer…)")
    .option("--no-push", "commit here only; the next start or save pushes")
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--json", "print the plan and result as JSON")
    .addHelpText("after", example("memory harvest --dry-run", "memory harvest --yes", "memory harvest --all --only lessons"))
    .action(async (o: { dryRun?: boolean; yes?: boolean; all?: boolean; only?: string; push: boolean; persona?: string; json?: boolean }) => {
      const [{ harvest, renderHarvest }, { findBuffer }, { openWorkspace }] = await Promise.all([
        import("./commands/harvest.js"),
        import("./core/config.js"),
        import("./workspace.js"),
      ]);
      let only: ReturnType<typeof findBuffer>;
      if (o.only !== undefined) {
        only = findBuffer((await openWorkspace()).config, o.only);
        if (!only) throw new MemoryError(`no buffer named "${o.only}"; use patterns, lessons or decisions`, ExitCode.Usage);
      }
      const options = { dryRun: !!o.dryRun, yes: !!o.yes, all: !!o.all, only, push: o.push, persona: o.persona };
      // Questions only where someone can answer them; no spinner then, it would draw over the prompt.
      const prompt = process.stdin.isTTY && process.stderr.isTTY && !o.yes && !o.dryRun ? await terminalPrompt() : undefined;
      try {
        const result = prompt
          ? await harvest({ ...options, ask: prompt.ask })
          : await withSpinner("harvesting", (progress) => harvest({ ...options, progress }));
        renderHarvest(result, out, !!o.json);
      } finally {
        prompt?.close();
      }
    });

  program
    .command("merge-driver", { hidden: true })
    .description("what git runs to merge a bank file (registered by `memory init`); not for people")
    .argument("<strategy>", "union | latest | log")
    .argument("<files...>", "%O %A %B %P: base, ours (the result is written here), theirs, path")
    .addHelpText("after", example("git config merge.memory-union.driver \"memory merge-driver union %O %A %B %P\""))
    .action(async (strategy: string, files: string[]) => {
      const { runMergeDriver } = await import("./commands/merge-driver.js");
      const code = await runMergeDriver([strategy, ...files]);
      if (code !== 0) throw new MemoryError("", code);
    });

  program
    .command("status")
    .description("branch, ahead/behind, pending pushes, persona, and how full each buffer is")
    .option("--json", "print the status as JSON")
    .addHelpText("after", example("memory status", "memory status --json | jq '.buffers[] | select(.ready) | .label'"))
    .action(async (o: { json?: boolean }) => {
      const { status, renderStatus } = await import("./commands/status.js");
      renderStatus(await status(), out, !!o.json);
    });

  program
    .command("doctor")
    .description("check the bank: files parse, attributes apply, drivers registered, no conflicts, ADR numbers unique")
    .option("--fix", "repair what can be repaired")
    .option("--json", "print the checks as JSON")
    .addHelpText("after", example("memory doctor", "memory doctor --fix"))
    .action(async (o: { fix?: boolean; json?: boolean }) => {
      const { doctor, renderDoctor } = await import("./commands/doctor.js");
      const result = await doctor({ fix: !!o.fix });
      renderDoctor(result, out, !!o.json);
      if (!result.ok) throw new MemoryError("", ExitCode.Problems);
    });

  program
    .command("config")
    .description("print the effective config (the file's settings over the defaults)")
    .option("--json", "print it as JSON: a valid config file")
    .addHelpText("after", example("memory config", "memory config --json > .claude/memory.config.json"))
    .action(async (o: { json?: boolean }) => {
      const { config, renderConfig } = await import("./commands/config.js");
      renderConfig(await config(), out, !!o.json);
    });

  program.addOption(new Option("--no-color", "no colours (also NO_COLOR=1)").hideHelp());
  program.addHelpText("after", example("memory init --persona dev", 'memory add pattern "Name things after the domain"', "memory status"));
  return program;
}

/**
 * Yes/no questions on the terminal. Lines are queued as they arrive, so answers typed ahead of their
 * question are kept; anything but y or yes is no, and so is the end of input (Ctrl+D).
 */
async function terminalPrompt(): Promise<{ ask: (question: string) => Promise<boolean>; close: () => void }> {
  const { createInterface } = await import("node:readline");
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines: string[] = [];
  const waiting: Array<(line: string | null) => void> = [];
  let ended = false;
  rl.on("line", (line) => (waiting.length ? waiting.shift()!(line) : lines.push(line)));
  rl.on("close", () => {
    ended = true;
    for (const w of waiting.splice(0)) w(null);
  });
  const yes = (line: string | null) => line !== null && /^y(es)?$/i.test(line.trim());
  return {
    ask: async (question) => {
      process.stderr.write(question);
      if (lines.length > 0) return yes(lines.shift()!);
      if (ended) return process.stderr.write("\n"), false;
      return yes(await new Promise<string | null>((r) => waiting.push(r)));
    },
    close: () => rl.close(),
  };
}

/** Runs work with a spinner on a terminal (stderr), or silently elsewhere. */
async function withSpinner<T>(label: string, work: (progress: (message: string) => void) => Promise<T>): Promise<T> {
  // Only on a terminal that can show one: ora colours its frames, and loops on a 0-column terminal.
  const usable = process.stderr.isTTY && !process.env.CI && !process.env.NO_COLOR && (process.stderr.columns ?? 0) > 0;
  if (!usable) return work(() => {});
  const { default: ora } = await import("ora");
  const spinner = ora({ text: label, stream: process.stderr }).start();
  try {
    return await work((message) => (spinner.text = message));
  } finally {
    spinner.stop();
  }
}

/** Runs the CLI and returns the exit code; the only place errors become exit codes. */
export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--no-color")) process.env.NO_COLOR = "1";
  try {
    await buildProgram(await createOutput()).parseAsync(argv);
    return ExitCode.Ok;
  } catch (err) {
    return exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version exit 0; anything else commander rejects is a usage error.
    return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  if (err instanceof MemoryError) {
    if (err.message) process.stderr.write(`memory: ${err.message}\n`);
    return err.code;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`memory: unexpected error; this is a bug, please report it with the output of \`memory --version\`\n${detail}\n`);
  return ExitCode.Internal;
}
