/**
 * The command line: declarations only. Each action imports its command module when it runs, so
 * `memory --version` and the merge driver never load what they do not use. The one place where errors
 * become exit codes.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { MemoryError } from "../core/errors.js";
import { version } from "../infra/version.js";
import { createOutput, processIo, type Io, type Output } from "../ui/output.js";
import { ExitCode } from "./exit-codes.js";
import { reportError } from "./boundary.js";
import { addAction, contextHookAction, saveAction, type AddFlags } from "./actions.js";
import { declareHooks } from "./hooks.js";
import { declareTeam } from "./team.js";
import { example } from "./help.js";



/** Thrown by an action that has said all it has to say and only sets the exit code. */
class Exit extends Error {
  constructor(readonly code: number) {
    super("");
  }
}

export function buildProgram(out: Output, argv: readonly string[]): Command {
  const { io } = out;
  const where = { cwd: io.cwd, env: io.env };
  const program = new Command("memory")
    .description("One shared, git-backed memory in plain markdown for a team of agents and people.")
    .version(version(), "-V, --version")
    .showSuggestionAfterError()
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(usageError(program, s, argv)),
    });

  program
    .command("init")
    .description("create the bank, set its merge attributes, register the merge drivers, record the persona")
    .option("--persona <name>", "persona of this clone (dev, qa, architect…)")
    .option("--ci", "also write .github/workflows/memory-harvest.yml")
    .option("--json", "print the result as JSON")
    .addHelpText("after", example("memory init --persona dev", "memory init --persona lead --ci"))
    .action(async (o: { persona?: string; ci?: boolean; json?: boolean }) => {
      const { initCommand } = await import("../commands/init.js");
      await initCommand({ ...where, persona: o.persona, ci: !!o.ci }, out, !!o.json);
    });

  program
    .command("add")
    .alias("remember")
    .description("append an entry to the buffer of its type: pattern, lesson (solution, bug, gotcha), decision")
    .argument("<type>", "pattern | lesson | solution | bug | gotcha | decision")
    .argument("<title>", "one line")
    .option("-m, --message <body>", "the entry's markdown body; - reads it from stdin")
    .option("--tags <list>", "comma-separated tags")
    .option("--supersedes <id>", "the entry this one replaces (id or unique prefix): recall ranks the old one down")
    .option("--related <id>", "an entry this one relates to (repeatable)", (v: string, all: string[] = []) => [...all, v])
    .option("--expires <when>", "a day (2027-01-31) or a count of days (30d) after which it counts as expired")
    .option("--private", "keep it in this clone only (in .git/), for its own recall and briefing; never shared")
    .option("--persona <name>", "author, instead of this clone's persona")
    .option("--json", 'print {"id", "file"} as JSON')
    .addHelpText("after", example(
      'memory add pattern "Retry pushes with jitter" -m "Back off 50-400 ms; 6 tries covered 8 racing clones." --tags git,sync',
      'git log -1 --format=%B | memory remember lesson "Flaky push test" -m -',
      'memory add decision "Cache for 120 s" --supersedes 01M8JD --expires 90d',
    ))
    .action((type: string, title: string, o: AddFlags) => addAction(out, type, title, o));

  program
    .command("start")
    .description("pull what the other clones learned, log the start, and show what is new since you last looked")
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--json", "print the digest as JSON")
    .option("--retry-now", "try the remote even if it was unreachable a moment ago")
    .addHelpText("after", example("memory start", "memory start --json | jq '.newEntries[].title'"))
    .action(async (o: { persona?: string; json?: boolean; retryNow?: boolean }) => {
      const { startCommand } = await import("../commands/start.js");
      await startCommand({ ...where, persona: o.persona, retryNow: !!o.retryNow }, out, !!o.json);
    });

  program
    .command("save")
    .description("commit the bank (only the bank), merge the remote through the drivers, and push")
    .option("-m, --message <msg>", "commit message and log note")
    .option("--no-push", "commit here only; the next start or save pushes")
    .option("--allow-secret", "save even when new text looks like a key or token")
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--json", "print the result as JSON")
    .option("--hook", "run from an agent's hook: reads its JSON on stdin, waits at most 10 s for the remote")
    .option("--retry-now", "try the remote even if it was unreachable a moment ago")
    .addHelpText("after", example('memory save -m "caching decisions"', "memory save --no-push"))
    .action(async (o: { message?: string; push: boolean; allowSecret?: boolean; persona?: string; json?: boolean; hook?: boolean; retryNow?: boolean }) => {
      await saveAction(out, { message: o.message, push: o.push, allowSecret: !!o.allowSecret, persona: o.persona, json: !!o.json, hook: !!o.hook, retryNow: !!o.retryNow });
    });

  program
    .command("harvest")
    .description("promote buffers at their thresholds into Patterns.md, post-mortems and numbered ADRs, in one commit")
    .option("--dry-run", "print the plan; change nothing")
    .option("-y, --yes", "turn every decision into an ADR without asking")
    .option("--all", "harvest every non-empty buffer, not only those at their threshold")
    .option("--only <name>", "only this buffer: patterns, lessons or decisions (or pattern, patterns-buffer…)")
    .option("--no-push", "commit here only; the next start or save pushes")
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--json", "print the plan and result as JSON")
    .addHelpText("after", example("memory harvest --dry-run", "memory harvest --yes", "memory harvest --all --only lessons"))
    .action(async (o: { dryRun?: boolean; yes?: boolean; all?: boolean; only?: string; push: boolean; persona?: string; json?: boolean }) => {
      const { harvestCommand } = await import("../commands/harvest.js");
      const options = { ...where, dryRun: !!o.dryRun, yes: !!o.yes, all: !!o.all, only: o.only, push: o.push, persona: o.persona };
      await harvestCommand(options, out, !!o.json);
    });

  program
    .command("migrate")
    .description("adopt a memory bank kept another way (Cline, Roo Code, Cursor, the original layout): sections become entries, in one commit")
    .addOption(new Option("--from <kind>", "the kind of bank to adopt").choices(["auto", "cline", "roo", "cursor", "legacy"]).default("auto"))
    .option("--dry-run", "print the plan; change nothing")
    .option("--allow-secret", "migrate even when new text looks like a key or token")
    .option("--to-branch", "move a bank committed on this branch to a branch of its own (sync.branch, default memory)")
    .option("--no-push", "with --to-branch: commit here only")
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--json", "print the plan and result as JSON")
    .addHelpText("after", example("memory migrate --dry-run", "memory migrate", "memory migrate --to-branch", "memory migrate --from cursor --dry-run --json | jq '.plan.sources[].entries[].title'"))
    .action(async (o: { from: "auto" | "cline" | "roo" | "cursor" | "legacy"; dryRun?: boolean; allowSecret?: boolean; toBranch?: boolean; push: boolean; persona?: string; json?: boolean }) => {
      const { migrateCommand } = await import("../commands/migrate.js");
      const options = { ...where, from: o.from, dryRun: !!o.dryRun, allowSecret: !!o.allowSecret, toBranch: !!o.toBranch, push: o.push, persona: o.persona };
      await migrateCommand(options, out, !!o.json);
    });

  program
    .command("merge-driver", { hidden: true })
    .description("what git runs to merge a bank file (registered by `memory init`); not for people")
    .argument("<strategy>", "union | latest | log | text")
    .argument("<files...>", "%O %A %B %P: base, ours (the result is written here), theirs, path")
    .addHelpText("after", example("git config merge.memory-union.driver \"memory merge-driver union %O %A %B %P\""))
    .action(async (strategy: string, files: string[]) => {
      const { mergeDriverCommand } = await import("../commands/merge-driver.js");
      const code = await mergeDriverCommand([strategy, ...files], out);
      if (code !== 0) throw new Exit(code);
    });

  const filterOptions = (cmd: Command, withIn: boolean): Command => {
    cmd
      .option("--type <type>", "only entries of this type (pattern, lesson, decision…)")
      .option("--by <persona>", "only entries written by this persona")
      .option("--since <when>", "only entries written since a day (2026-11-01) or for a count of days (7d)")
      .option("--tag <tag>", "only entries with this tag (repeatable: all of them)", (v: string, all: string[] = []) => [...all, v]);
    if (withIn) cmd.addOption(new Option("--in <where>", "search the bank, the docs, or both").choices(["bank", "docs", "all"]).default("all"));
    return cmd;
  };
  type Filters = { type?: string; by?: string; since?: string; tag?: string[]; in?: "bank" | "docs" | "all" };

  filterOptions(
    program
      .command("recall")
      .description("ranked search over the bank's entries and the docs (Patterns.md, post-mortems, ADRs, other Docs/**/*.md)")
      .argument("<query...>", "words to look for; a typo or the start of a word is enough"),
    true,
  )
    .option("--limit <n>", "at most this many results", (v: string) => positiveInt(v, "--limit"), 10)
    .option("--all", "also superseded and expired entries (ranked down)")
    .option("--archived", "also the entries `memory cleanup` moved to the bank's archive (ranked down)")
    .option("--json", "print the results as JSON")
    .addHelpText("after", example('memory recall "database timeout"', "memory recall retry --type pattern --since 30d", "memory recall cache --in docs --json | jq '.results[0].file'", 'memory recall "old cache setting" --archived'))
    .action(async (words: string[], o: Filters & { limit: number; all?: boolean; archived?: boolean; json?: boolean }) => {
      const { recallCommand, toFilter } = await import("../commands/recall.js");
      await recallCommand({ ...where, query: words.join(" "), filter: toFilter(o, io.env), limit: o.limit, all: !!o.all, archived: !!o.archived }, out, !!o.json);
    });

  program
    .command("show")
    .description("one entry or harvested doc: its text, where it lives, its relations both ways, where it was harvested to")
    .argument("<id>", "an entry id, or enough of its start to name one")
    .option("--json", "print it as JSON")
    .addHelpText("after", example("memory show 01M8JD2E", "memory show 01M8JD2E --json | jq .harvestedTo"))
    .action(async (id: string, o: { json?: boolean }) => {
      const { showCommand } = await import("../commands/show.js");
      await showCommand({ ...where, id }, out, !!o.json);
    });

  filterOptions(program.command("list").description("the bank's entries, newest first"), false)
    .option("--json", "print them as JSON")
    .addHelpText("after", example("memory list", "memory list --by qa --since 7d", "memory list --type decision --json | jq -r '.items[].title'"))
    .action(async (o: Filters & { json?: boolean }) => {
      const [{ listCommand }, { toFilter }] = await Promise.all([import("../commands/show.js"), import("../commands/recall.js")]);
      await listCommand({ ...where, filter: toFilter(o, io.env) }, out, !!o.json);
    });

  program
    .command("edit")
    .description("change one entry's title, body or tags, by id; the next save shares it")
    .argument("<id>", "an entry id, or enough of its start to name one")
    .option("--title <title>", "the new title")
    .option("-m, --message <body>", "the new body; - reads it from stdin")
    .option("--tags <list>", "the new comma-separated tags (empty to remove them)")
    .option("--json", 'print {"id", "file", "changed"} as JSON')
    .addHelpText("after", example('memory edit 01M8JD2E --title "Retry pushes with jitter (50-400 ms)"', "memory edit 01M8JD2E --tags git,sync,ci"))
    .action(async (id: string, o: { title?: string; message?: string; tags?: string; json?: boolean }) => {
      const { editCommand } = await import("../commands/edit.js");
      const body = o.message === "-" ? await io.readStdin() : o.message;
      await editCommand({ ...where, id, title: o.title, body, tags: o.tags === undefined ? undefined : [o.tags] }, out, !!o.json);
    });

  program
    .command("forget")
    .description("remove one entry from the bank, by id; the next save shares it")
    .argument("<id>", "an entry id, or enough of its start to name one")
    .option("--json", 'print {"id", "file", "title"} as JSON')
    .addHelpText("after", example("memory forget 01M8JD2E"))
    .action(async (id: string, o: { json?: boolean }) => {
      const { forgetCommand } = await import("../commands/edit.js");
      await forgetCommand({ ...where, id }, out, !!o.json);
    });

  declareHooks(program, out, where);
  declareTeam(program, out, where);

  program
    .command("context")
    .description("a briefing for an agent on stdout, within a token budget: handoffs, context, what is new, what fits the task")
    .option("--task <text>", "what the agent is about to do: the entries and docs that fit it come in")
    .option("--budget <tokens>", "at most this many tokens (estimated as characters / 3)", (v: string) => positiveInt(v, "--budget"), 2000)
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--json", "print the sections and the estimate as JSON")
    .option("--hook", "run from an agent's hook: reads its JSON on stdin, syncs first at a session start, answers in the agent's format")
    .addHelpText("after", example('memory context --task "fix the flaky checkout test"', "memory context --budget 800", "memory context --json | jq .estimate"))
    .action(async (o: { task?: string; budget: number; persona?: string; json?: boolean; hook?: boolean }) => {
      if (o.hook) return contextHookAction(out, { task: o.task, budget: o.budget, persona: o.persona });
      const { contextCommand } = await import("../commands/context.js");
      await contextCommand({ ...where, task: o.task, budget: o.budget, persona: o.persona }, out, !!o.json);
    });

  const handoffs = program
    .command("handoff")
    .enablePositionalOptions()
    .description("hand work to another persona: next steps, the reason, critical facts, the tasks it covers")
    .argument("[persona]", "who takes it over")
    .option("-m, --message <next>", "what to do next; - reads it from stdin")
    .option("--reason <why>", "why it is handed over")
    .option("--fact <KEY=VALUE>", "a critical fact (repeatable)", (v: string, all: string[] = []) => [...all, v])
    .option("--task <id>", "a task or entry it covers (repeatable)", (v: string, all: string[] = []) => [...all, v])
    .option("--persona <name>", "sender, instead of this clone's persona")
    .option("--json", "print the handoff as JSON")
    .addHelpText("after", example('memory handoff qa -m "Run the checkout suite on staging" --fact branch=feature/checkout --reason "end of my day"', "memory handoff list --open", "memory handoff accept 01M8JD2E"))
    .action(async (to: string | undefined, o: { message?: string; reason?: string; fact?: string[]; task?: string[]; persona?: string; json?: boolean }) => {
      if (!to) throw new MemoryError("usage", "name the persona to hand the work to (memory handoff qa -m …), or use memory handoff list");
      const { handoffCommand } = await import("../commands/handoff.js");
      const next = o.message === "-" ? await io.readStdin() : o.message;
      await handoffCommand({ ...where, to, next, reason: o.reason, facts: o.fact, tasks: o.task, persona: o.persona }, out, !!o.json);
    });
  handoffs
    .command("list")
    .description("handoffs, newest first")
    .option("--open", "only those not accepted yet")
    .option("--json", "print them as JSON")
    .action(async (o: { open?: boolean; json?: boolean }) => {
      const { handoffListCommand } = await import("../commands/handoff.js");
      await handoffListCommand({ ...where, open: !!o.open }, out, !!o.json);
    });
  handoffs
    .command("accept")
    .description("take over a handoff: it leaves the top of start and context")
    .argument("<id>", "the handoff's id, or enough of its start")
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--json", "print it as JSON")
    .action(async (id: string, o: { persona?: string; json?: boolean }) => {
      const { handoffAcceptCommand } = await import("../commands/handoff.js");
      await handoffAcceptCommand({ ...where, id, persona: o.persona }, out, !!o.json);
    });

  const tasks = program
    .command("task")
    .enablePositionalOptions()
    .description("the team's task queue: add, list, claim, done, assign");
  tasks
    .command("add")
    .description("add a task to the queue")
    .argument("<title>", "one line")
    .option("-m, --message <body>", "what it is about; - reads it from stdin")
    .option("--assign <persona>", "who should do it")
    .option("--depends <id>", "a task that must be done first (repeatable)", (v: string, all: string[] = []) => [...all, v])
    .addOption(new Option("--priority <level>", "how urgent").choices(["low", "medium", "high", "critical"]).default("medium"))
    .option("--persona <name>", "author, instead of this clone's persona")
    .option("--json", "print the task as JSON")
    .addHelpText("after", example('memory task add "Fix the flaky checkout test" --assign qa --priority high', 'memory task add "Ship v2" --depends 01M8JD2E'))
    .action(async (title: string, o: { message?: string; assign?: string; depends?: string[]; priority: string; persona?: string; json?: boolean }) => {
      const { taskAddCommand } = await import("../commands/task.js");
      const body = o.message === "-" ? await io.readStdin() : o.message;
      await taskAddCommand({ ...where, title, body, assign: o.assign, depends: o.depends, priority: o.priority, persona: o.persona }, out, !!o.json);
    });
  tasks
    .command("list")
    .description("the queue: open and claimed first, by priority")
    .option("--mine", "only tasks assigned to or claimed by this persona")
    .addOption(new Option("--status <status>", "only tasks in this state").choices(["open", "claimed", "done", "blocked"]))
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--json", "print the tasks as JSON")
    .action(async (o: { mine?: boolean; status?: string; persona?: string; json?: boolean }) => {
      const { taskListCommand } = await import("../commands/task.js");
      await taskListCommand({ ...where, mine: !!o.mine, status: o.status, persona: o.persona }, out, !!o.json);
    });
  for (const [name, what] of [["claim", "take a task: refused when another holds it, or a task it depends on is not done"], ["done", "mark a task done"]] as const) {
    tasks
      .command(name)
      .description(what)
      .argument("<id>", "the task's id, or enough of its start")
      .option("-m, --message <note>", name === "done" ? "a note on how it went" : "unused")
      .option("--persona <name>", "persona, instead of this clone's")
      .option("--json", "print the task as JSON")
      .action(async (id: string, o: { message?: string; persona?: string; json?: boolean }) => {
        const { taskChangeCommand } = await import("../commands/task.js");
        await taskChangeCommand(name, { ...where, id, note: o.message, persona: o.persona }, out, !!o.json);
      });
  }
  tasks
    .command("assign")
    .description("give a task to a persona")
    .argument("<id>", "the task's id, or enough of its start")
    .argument("<persona>", "who should do it")
    .option("--persona <name>", "persona, instead of this clone's")
    .option("--json", "print the task as JSON")
    .action(async (id: string, to: string, o: { persona?: string; json?: boolean }) => {
      const { taskChangeCommand } = await import("../commands/task.js");
      await taskChangeCommand("assign", { ...where, id, to, persona: o.persona }, out, !!o.json);
    });

  const teamView = (name: string, what: string, examples: string[], run: (o: { since?: string; by?: string; json?: boolean }, positional?: string) => Promise<void>, positional?: string) => {
    const cmd = program.command(name).description(what);
    if (positional) cmd.argument(`[${positional}]`, "only this persona");
    cmd
      .option("--since <when>", "only since a day (2026-11-01) or for a count of days (7d)")
      .option("--json", "print it as JSON")
      .addHelpText("after", example(...examples));
    if (!positional) cmd.option("--by <persona>", "only this persona");
    cmd.action(async (...args: unknown[]) => {
      const o = (positional ? args[1] : args[0]) as { since?: string; by?: string; json?: boolean };
      await run(o, positional ? (args[0] as string | undefined) : undefined);
    });
  };
  teamView("log", "the session log: who started, saved, synced, harvested, handed off, changed tasks, when, and how each sync went", ["memory log --since 1d", "memory log --by qa --json | jq '.events[] | select(.sync)'"], async (o) => {
    const { logCommand } = await import("../commands/stats.js");
    await logCommand({ ...where, since: o.since, by: o.by }, out, !!o.json);
  });
  teamView("stats", "counts by type, persona, buffer and doc; sync success, conflicts, retries and times against the design's goals", ["memory stats --since 7d", "memory stats --json | jq .sync"], async (o) => {
    const { statsCommand } = await import("../commands/stats.js");
    await statsCommand({ ...where, since: o.since, by: o.by }, out, !!o.json);
  });
  teamView("contributions", "per persona: entries, ADRs, post-mortems, patterns, handoffs, tasks done, saves, last active", ["memory contributions --since 7d", "memory contributions qa --json"], async (o, persona) => {
    const { contributionsCommand } = await import("../commands/stats.js");
    await contributionsCommand({ ...where, since: o.since ?? "7d", by: persona }, out, !!o.json);
  }, "persona");
  teamView("insights", "what needs attention: buffers at threshold, undecided ADRs, stale entries, open handoffs, unclaimed tasks, recurring tags, quiet personas", ["memory insights", "memory insights --json | jq -r '.insights[].text'"], async (o) => {
    const { insightsCommand } = await import("../commands/stats.js");
    await insightsCommand({ ...where, since: o.since, by: o.by }, out, !!o.json);
  });

  program
    .command("report")
    .description("one self-contained HTML page: contributions over time, entries by type, buffer fill, sync health, ADRs, open handoffs and tasks")
    .option("--out <file>", "write it to this file (else to stdout)")
    .option("--since <when>", "only since a day (2026-11-01) or for a count of days (30d)")
    .addHelpText("after", example("memory report --out memory-report.html", "memory report --since 30d > report.html"))
    .action(async (o: { out?: string; since?: string }) => {
      const { reportCommand } = await import("../commands/report.js");
      await reportCommand({ ...where, out: o.out, since: o.since }, out);
    });

  program
    .command("mcp")
    .description("serve the bank to agents over MCP (stdio): remember, recall, show, list, context, handoff, status, save, start")
    .option("--persona <name>", "persona the server writes as, instead of this clone's")
    .addHelpText("after", example("memory mcp", "claude mcp add memory -- memory mcp --persona dev"))
    .action(async (o: { persona?: string }) => {
      const { serveStdio } = await import("../integrations/mcp.js");
      await serveStdio({ ...where, ...(o.persona ? { persona: o.persona } : {}) });
    });

  program
    .command("hook", { hidden: true })
    .description("what git hooks run; not for people")
    .argument("<name>", "git-sync")
    .argument("[args...]", "what git passed the hook")
    .action(async (name: string) => {
      const { gitSyncHook } = await import("../commands/hook.js");
      if (name !== "git-sync") throw new MemoryError("usage", `no hook named "${name}"`);
      await gitSyncHook(where, out);
    });

  program
    .command("status")
    .description("branch, ahead/behind, pending pushes, persona, and how full each buffer is")
    .option("--json", "print the status as JSON")
    .addHelpText("after", example("memory status", "memory status --json | jq '.buffers[] | select(.ready) | .label'"))
    .action(async (o: { json?: boolean }) => {
      const { statusCommand } = await import("../commands/status.js");
      await statusCommand(where, out, !!o.json);
    });

  program
    .command("doctor")
    .description("check the bank: files parse, attributes apply, drivers registered, no conflicts, ADR numbers unique")
    .option("--fix", "repair what can be repaired")
    .option("--json", "print the checks as JSON")
    .addHelpText("after", example("memory doctor", "memory doctor --fix"))
    .action(async (o: { fix?: boolean; json?: boolean }) => {
      const { doctorCommand } = await import("../commands/doctor.js");
      if (!(await doctorCommand({ ...where, fix: !!o.fix }, out, !!o.json))) throw new Exit(ExitCode.Problems);
    });

  program
    .command("config")
    .description("print the effective config (the file's settings over the defaults)")
    .option("--json", "print it as JSON: a valid config file")
    .addHelpText("after", example("memory config", "memory config --json > .claude/memory.config.json"))
    .action(async (o: { json?: boolean }) => {
      const { configCommand } = await import("../commands/config.js");
      await configCommand(where, out, !!o.json);
    })
    .command("set")
    .description("change one setting in .claude/memory.config.json, validated (VALUE is JSON when it reads as JSON)")
    .argument("<key>", "the setting, with dots: buffers.patterns.threshold, sync.branch")
    .argument("<value>", "20, true, \"current\", [\"pattern\"]…")
    .addHelpText("after", example("memory config set buffers.patterns.threshold 30", "memory config set sync.branch current"))
    .action(async (key: string, value: string) => {
      const { setConfig } = await import("../app/config.js");
      const res = await setConfig({ ...where, key, value });
      out.success(`${res.key} = ${JSON.stringify(res.value)} in ${res.source}`);
    });

  program.addOption(new Option("--no-color", "no colours (also NO_COLOR=1)").hideHelp());
  program.addHelpText("after", example("memory init --persona dev", 'memory add pattern "Name things after the domain"', "memory status"));
  return program;
}

/** commander's complaint as one line with the next step: the help of the command it was about. */
function usageError(program: Command, message: string, argv: readonly string[]): string {
  const known = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  const command = argv.slice(2).find((a) => known.includes(a));
  return `memory: ${message.replace(/^error: /, "").trim().replace(/\.$/, "")}; see \`memory ${command ? `${command} ` : ""}--help\`\n`;
}

/** Runs the CLI and returns the exit code; `io` is the process unless a test gives its own. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  if (argv.includes("--no-color")) io = { ...io, env: { ...io.env, NO_COLOR: "1" } };
  const out = await createOutput(io);
  try {
    await buildProgram(out, argv).parseAsync(argv);
    return ExitCode.Ok;
  } catch (err) {
    return exitCodeFor(err, out);
  }
}

function exitCodeFor(err: unknown, out: Output): number {
  if (err instanceof CommanderError) {
    // Help and version exit 0; anything else commander rejects is a usage error.
    return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  if (err instanceof Exit) return err.code;
  return reportError(err, out);
}

/** A whole number of at least 1, or a usage error naming the flag. */
function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} takes a whole number of at least 1`);
  return n;
}

