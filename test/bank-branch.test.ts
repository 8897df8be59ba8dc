/**
 * The bank on a branch of its own (the default for a new bank): every clone shares it whatever code branch
 * it has checked out, syncing it adds no commit to any code branch, and it syncs when main is protected.
 */
import { describe, expect, it } from "vitest";
import { chmodSync, existsSync, unlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { BANK, Sandbox } from "./helpers.js";
import { ok, titles } from "./fixtures.js";

const PATTERNS = `${BANK}/patterns-buffer.md`;
const LESSONS = `${BANK}/lessons-buffer.md`;

/** An origin whose main has one commit, with nothing of the bank on it. */
function world(): { sb: Sandbox; origin: string } {
  const sb = new Sandbox({ layout: "branch" });
  return { sb, origin: sb.origin() };
}

const mainLog = (sb: Sandbox, origin: string): string => sb.git(origin, "log", "--format=%H", "main");

/** A server hook that refuses every push to main, as a protected branch does. */
function protectMain(origin: string): void {
  const hook = join(origin, "hooks", "pre-receive");
  writeFileSync(hook, '#!/bin/sh\nwhile read old new ref; do\n  if [ "$ref" = "refs/heads/main" ]; then echo "main is protected: open a pull request" >&2; exit 1; fi\ndone\nexit 0\n');
  chmodSync(hook, 0o755);
}

describe("the bank on its own branch", () => {
  it("a bank commit that cannot be signed is reported; the bank branch does not move and the entry stays", async () => {
    const { sb, origin } = world();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    const tip = sb.git(dev, "rev-parse", "refs/heads/memory").trim();
    sb.git(dev, "config", "commit.gpgsign", "true");
    sb.git(dev, "config", "gpg.program", "false");
    ok(await sb.memory(dev, ["add", "pattern", "unsigned"]));
    const res = await sb.memory(dev, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("git could not commit the bank (");
    expect(res.stderr).toContain("your changes are still in the files");
    expect(sb.git(dev, "rev-parse", "refs/heads/memory").trim()).toBe(tip);
    expect(sb.git(origin, "rev-parse", "refs/heads/memory").trim()).toBe(tip);
    expect(titles(sb.read(dev, PATTERNS))).toEqual(["unsigned"]);
  });

  it("a persona on a feature branch and one on main see each other's entries after one save and one start", async () => {
    const { sb, origin } = world();
    const main = sb.clone(origin, "main-dev");
    const feature = sb.clone(origin, "feature-qa");
    sb.git(feature, "checkout", "-q", "-b", "feature/x");
    ok(await sb.memory(main, ["init", "--persona", "dev"]));
    ok(await sb.memory(feature, ["init", "--persona", "qa"]));
    ok(await sb.memory(main, ["add", "pattern", "From main", "-m", "written on main"]));
    ok(await sb.memory(feature, ["add", "lesson", "From the feature branch", "-m", "written on feature/x"]));
    ok(await sb.memory(main, ["save"]));
    ok(await sb.memory(feature, ["save"]));
    const digest = ok(await sb.memory(feature, ["start"]));
    expect(titles(sb.read(feature, PATTERNS))).toEqual(["From main"]);
    expect(ok(await sb.memory(main, ["start"])).stdout).toContain('"From the feature branch" by qa');
    expect(titles(sb.read(main, LESSONS))).toEqual(["From the feature branch"]);
    expect(digest.stderr + digest.stdout).not.toContain("error");
    // Identical bytes in both clones, and the same bank branch tip.
    for (const f of [PATTERNS, LESSONS, `${BANK}/SESSION_LOG.md`]) expect(sb.read(main, f)).toBe(sb.read(feature, f));
    expect(sb.git(main, "rev-parse", "memory")).toBe(sb.git(feature, "rev-parse", "memory"));
    // No remote feature branch was made, nothing landed on main, and both work trees are clean.
    expect(sb.git(origin, "branch", "--format=%(refname:short)").split("\n").filter(Boolean).sort()).toEqual(["main", "memory"]);
    expect(mainLog(sb, origin).trim().split("\n")).toHaveLength(1);
    expect(sb.git(main, "status", "--porcelain")).toBe("");
    expect(sb.git(feature, "status", "--porcelain")).toBe("");
  });

  it("syncs when the server refuses every push to main", async () => {
    const { sb, origin } = world();
    protectMain(origin);
    const [a, b] = [sb.clone(origin, "a"), sb.clone(origin, "b")];
    ok(await sb.memory(a, ["init", "--persona", "dev"]));
    ok(await sb.memory(b, ["init", "--persona", "qa"]));
    ok(await sb.memory(a, ["add", "decision", "Use SQLite", "-m", "small data"]));
    const saved = ok(await sb.memory(a, ["save"]));
    expect(saved.stderr).toContain("pushed to origin/memory");
    ok(await sb.memory(b, ["start"]));
    expect(titles(sb.read(b, `${BANK}/decisions-inbox.md`))).toEqual(["Use SQLite"]);
  });

  it("20 saves and starts by three personas add no commit to main, here or on the remote", async () => {
    const { sb, origin } = world();
    const before = mainLog(sb, origin);
    const clones = ["dev", "qa", "lead"].map((p) => ({ p, dir: sb.clone(origin, p) }));
    for (const { p, dir } of clones) ok(await sb.memory(dir, ["init", "--persona", p]));
    const heads = clones.map(({ dir }) => sb.git(dir, "rev-parse", "HEAD"));
    for (let i = 0; i < 20; i++) {
      const { dir } = clones[i % 3]!;
      if (i % 2 === 0) ok(await sb.memory(dir, ["add", "pattern", `Pattern ${i}`, "-m", `body ${i}`]));
      ok(await sb.memory(dir, [i % 2 === 0 ? "save" : "start"]));
    }
    for (const { dir } of clones) ok(await sb.memory(dir, ["start"]));
    expect(mainLog(sb, origin)).toBe(before);
    clones.forEach(({ dir }, i) => {
      expect(sb.git(dir, "rev-parse", "HEAD")).toBe(heads[i]);
      expect(sb.git(dir, "status", "--porcelain")).toBe("");
      expect(titles(sb.read(dir, PATTERNS))).toHaveLength(10);
    });
  });

  it("a branch switch, a plain pull and a rebase in progress leave the bank alone, and status names the branch", async () => {
    const { sb, origin } = world();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["add", "pattern", "Kept across switches"]));
    sb.git(dev, "checkout", "-q", "-b", "other");
    sb.write(dev, "code.txt", "code\n");
    sb.git(dev, "add", "code.txt");
    sb.git(dev, "commit", "-q", "-m", "code");
    sb.git(dev, "checkout", "-q", "main");
    sb.git(dev, "pull", "-q", "origin", "main");
    expect(titles(sb.read(dev, PATTERNS))).toEqual(["Kept across switches"]);
    // Mid-rebase (a conflict in code), the bank still saves: it never touches HEAD or the index.
    sb.write(dev, "code.txt", "other code\n");
    sb.git(dev, "add", "code.txt");
    sb.git(dev, "commit", "-q", "-m", "conflicting code");
    spawnSync("git", ["rebase", "other"], { cwd: dev, env: sb.env() });
    expect(existsSync(join(dev, ".git", "rebase-merge")) || existsSync(join(dev, ".git", "rebase-apply"))).toBe(true);
    ok(await sb.memory(dev, ["save"]));
    expect(sb.git(origin, "show", `memory:${PATTERNS}`)).toContain("Kept across switches");
    const status = JSON.parse(ok(await sb.memory(dev, ["status", "--json"])).stdout);
    expect(status.sync).toEqual({ mode: "branch", branch: "memory" });
    expect(status.upstream).toBe("origin/memory");
    expect(status.ahead).toBe(0);
  });

  it("a fresh clone's init takes the bank from the remote's bank branch", async () => {
    const { sb, origin } = world();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["add", "lesson", "Read the logs first", "-m", "always"]));
    ok(await sb.memory(dev, ["save"]));
    const qa = sb.clone(origin, "qa");
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    expect(titles(sb.read(qa, LESSONS))).toEqual(["Read the logs first"]);
    ok(await sb.memory(qa, ["add", "lesson", "Second", "-m", "x"]));
    ok(await sb.memory(qa, ["save"]));
    // One line of history: qa built on dev's commit, no unrelated root.
    expect(sb.git(origin, "rev-list", "--count", "memory").trim()).toBe("2");
  });

  it("a bank committed on main keeps the original layout", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const first = sb.clone(origin, "first");
    ok(await sb.memory(first, ["init", "--persona", "dev"]));
    // The original layout: the bank committed on main by hand (as a team that had it before would).
    sb.git(first, "add", "-f", BANK);
    sb.git(first, "commit", "-q", "-m", "bank");
    sb.git(first, "push", "-q", "origin", "HEAD:main");
    const second = sb.clone(origin, "second");
    ok(await sb.memory(second, ["init", "--persona", "qa"]));
    const status = JSON.parse(ok(await sb.memory(second, ["status", "--json"])).stdout);
    expect(status.sync).toEqual({ mode: "current", branch: "main" });
  });

  it("harvest lands the docs on main as one ordinary commit, and the entries leave the bank", async () => {
    const { sb, origin } = world();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    const qa = sb.clone(origin, "qa");
    sb.git(qa, "checkout", "-q", "-b", "feature/y");
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    for (const t of ["Use SQLite", "Ship weekly"]) ok(await sb.memory(dev, ["add", "decision", t, "-m", `${t} because`]));
    const out = JSON.parse(ok(await sb.memory(dev, ["harvest", "--all", "--yes", "--json"])).stdout);
    expect(out.pullRequest).toBeNull();
    expect(out.settled).toHaveLength(2);
    const files = sb.git(origin, "show", "--name-only", "--format=", "main").trim().split("\n").sort();
    expect(files).toEqual(["Docs/03-Reference/ADR/ADR-001-use-sqlite.md", "Docs/03-Reference/ADR/ADR-002-ship-weekly.md"]);
    expect(sb.git(origin, "log", "--format=%s", "main").split("\n")[0]).toContain("memory: harvest");
    expect(titles(sb.git(origin, "show", `memory:${BANK}/decisions-inbox.md`))).toEqual([]);
    expect(sb.git(dev, "status", "--porcelain")).toBe("");
    // Another clone, on a feature branch that has not pulled main, is told where the entries went.
    const digest = ok(await sb.memory(qa, ["start"])).stdout;
    expect(digest).toContain('"ADR-001: Use SQLite" by dev → Docs/03-Reference/ADR/ADR-001-use-sqlite.md');
    expect(digest).toContain("New docs: Docs/03-Reference/ADR/ADR-001-use-sqlite.md, Docs/03-Reference/ADR/ADR-002-ship-weekly.md");
    expect(titles(sb.read(qa, `${BANK}/decisions-inbox.md`))).toEqual([]);
    expect(existsSync(join(qa, "Docs"))).toBe(false);
  });

  it("with main protected, harvest pushes a pull-request branch; entries leave only once it is merged, and numbers stay unique", async () => {
    const { sb, origin } = world();
    protectMain(origin);
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    ok(await sb.memory(dev, ["add", "decision", "Use SQLite", "-m", "small data"]));
    const first = JSON.parse(ok(await sb.memory(dev, ["harvest", "--all", "--yes", "--json"])).stdout);
    expect(first.pullRequest.branch).toMatch(/^memory-harvest\/\d{4}-\d{2}-\d{2}$/);
    expect(first.pullRequest.command).toBe(`gh pr create --base main --head ${first.pullRequest.branch} --fill`);
    // main untouched, here and there; the entry waits in the inbox; the docs are on the branch.
    expect(sb.git(origin, "rev-list", "--count", "main").trim()).toBe("1");
    expect(sb.git(dev, "rev-list", "--count", "main").trim()).toBe("1");
    expect(sb.git(dev, "status", "--porcelain")).toBe("");
    expect(titles(sb.read(dev, `${BANK}/decisions-inbox.md`))).toEqual(["Use SQLite"]);
    expect(sb.git(origin, "show", "--name-only", "--format=", first.pullRequest.branch)).toContain("ADR-001-use-sqlite.md");
    // Harvesting again here publishes nothing new: the pending branch holds that decision.
    const again = JSON.parse(ok(await sb.memory(dev, ["harvest", "--all", "--yes", "--json"])).stdout);
    expect(again.pullRequest).toBeNull();
    // A second clone neither takes ADR-001 nor harvests the pending decision again.
    ok(await sb.memory(qa, ["start"]));
    ok(await sb.memory(qa, ["add", "decision", "Ship weekly", "-m", "cadence"]));
    const second = JSON.parse(ok(await sb.memory(qa, ["harvest", "--all", "--yes", "--json"])).stdout);
    expect(second.pullRequest.branch).not.toBe(first.pullRequest.branch);
    expect(sb.git(origin, "show", "--name-only", "--format=", second.pullRequest.branch).trim().split("\n")).toEqual(["Docs/03-Reference/ADR/ADR-002-ship-weekly.md"]);
    // Both pull requests are merged (by a merge button: no driver runs); the next start lets go.
    const server = sb.clone(origin, "server");
    for (const pr of [first.pullRequest, second.pullRequest]) sb.git(server, "merge", "-q", "--no-edit", `origin/${pr.branch}`);
    unlinkSync(join(origin, "hooks", "pre-receive"));
    sb.git(server, "push", "-q", "origin", "main");
    sb.git(dev, "pull", "-q", "origin", "main");
    ok(await sb.memory(dev, ["start"]));
    expect(titles(sb.read(dev, `${BANK}/decisions-inbox.md`))).toEqual([]);
    expect(existsSync(join(dev, "Docs/03-Reference/ADR/ADR-002-ship-weekly.md"))).toBe(true);
    sb.git(qa, "fetch", "-q", "origin");
    ok(await sb.memory(qa, ["start"]));
    expect(sb.read(qa, `${BANK}/decisions-inbox.md`)).toBe(sb.read(dev, `${BANK}/decisions-inbox.md`));
  });

  it("migrate --to-branch moves a bank committed on main to its own branch; other clones follow with pull and init", async () => {
    const sb = new Sandbox(); // the original layout, chosen by a config on main
    const origin = sb.origin();
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["add", "pattern", "Before the move", "-m", "kept"]));
    sb.write(dev, `${BANK}/progress.md`, "# Progress\n\nHalf done.\n");
    sb.git(dev, "add", "-f", `${BANK}/progress.md`); // a file of the team's own, committed with the bank
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    ok(await sb.memory(qa, ["start"]));
    expect(JSON.parse(ok(await sb.memory(dev, ["status", "--json"])).stdout).sync.mode).toBe("current");

    const plan = ok(await sb.memory(dev, ["migrate", "--to-branch", "--dry-run"]));
    expect(plan.stdout).toContain("Would move the bank");
    expect(sb.git(origin, "branch", "--list", "memory")).toBe("");
    const moved = ok(await sb.memory(dev, ["migrate", "--to-branch"]));
    expect(moved.stdout).toContain("Moved the bank");
    // The bank is on its branch, word for word; main stops tracking it and stops saying "current".
    expect(titles(sb.git(origin, "show", `memory:${PATTERNS}`))).toEqual(["Before the move"]);
    expect(sb.git(origin, "show", `memory:${BANK}/progress.md`)).toBe("# Progress\n\nHalf done.\n");
    expect(sb.git(origin, "ls-tree", "-r", "--name-only", "main")).not.toContain(BANK);
    expect(JSON.parse(sb.git(origin, "show", "main:.claude/memory.config.json"))).toEqual({});
    expect(sb.git(dev, "status", "--porcelain")).toBe("");
    expect(titles(sb.read(dev, PATTERNS))).toEqual(["Before the move"]);
    expect(JSON.parse(ok(await sb.memory(dev, ["status", "--json"])).stdout).sync).toEqual({ mode: "branch", branch: "memory" });

    // Another clone: pull (git removes the files it tracked), init (they come back from the bank branch).
    sb.git(qa, "pull", "-q", "origin", "main");
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    expect(sb.read(qa, `${BANK}/progress.md`)).toBe("# Progress\n\nHalf done.\n");
    ok(await sb.memory(qa, ["add", "pattern", "After the move", "-m", "on the branch"]));
    ok(await sb.memory(qa, ["save"]));
    ok(await sb.memory(dev, ["start"]));
    expect(titles(sb.read(dev, PATTERNS))).toEqual(["Before the move", "After the move"]);
    expect(sb.git(origin, "ls-tree", "-r", "--name-only", "main")).not.toContain(BANK);
    expect(sb.git(origin, "show", `memory:${BANK}/progress.md`)).toBe("# Progress\n\nHalf done.\n");
    // Moving twice is refused, nothing changed.
    const again = await sb.memory(dev, ["migrate", "--to-branch"]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("already synced on its own branch");
  });

  it("a harvest whose docs never left this clone is finished by the next start: undone when another clone published the entry, so no ADR is doubled", async () => {
    const { sb, origin } = world();
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["add", "decision", "Use SQLite", "-m", "small data"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    // dev harvests but keeps it here (offline, or stopped before its push); qa harvests the same decision.
    const kept = JSON.parse(ok(await sb.memory(dev, ["harvest", "--all", "--yes", "--no-push", "--json"])).stdout);
    expect(kept.commit).toBeTruthy();
    expect(sb.git(origin, "rev-list", "--count", "main").trim()).toBe("1");
    // qa sharpens the decision's text first: its ADR differs from the one dev holds, under the same name.
    ok(await sb.memory(qa, ["start"]));
    sb.write(qa, `${BANK}/decisions-inbox.md`, sb.read(qa, `${BANK}/decisions-inbox.md`).replace("small data", "small data, one file"));
    ok(await sb.memory(qa, ["save"]));
    ok(await sb.memory(qa, ["harvest", "--all", "--yes"]));
    ok(await sb.memory(dev, ["start"]));
    // One ADR for the decision, here and on the remote; a plain pull has nothing left to conflict on.
    const adrs = sb.git(origin, "ls-tree", "-r", "--name-only", "main", "Docs/03-Reference/ADR").trim().split("\n");
    expect(adrs).toEqual(["Docs/03-Reference/ADR/ADR-001-use-sqlite.md"]);
    expect(sb.git(origin, "show", "main:Docs/03-Reference/ADR/ADR-001-use-sqlite.md")).toContain("small data, one file");
    sb.git(dev, "pull", "-q", "--no-rebase", "origin", "main");
    expect(sb.read(dev, "Docs/03-Reference/ADR/ADR-001-use-sqlite.md")).toContain("small data, one file");
    expect(sb.git(dev, "ls-files", "Docs/03-Reference/ADR").trim().split("\n")).toEqual(["Docs/03-Reference/ADR/ADR-001-use-sqlite.md"]);
    expect(titles(sb.read(dev, `${BANK}/decisions-inbox.md`))).toEqual([]);
  });

  it("two work trees of one clone share the bank branch: neither's save drops the other's entries", async () => {
    const { sb, origin } = world();
    const a = sb.clone(origin, "a");
    ok(await sb.memory(a, ["init", "--persona", "dev"]));
    ok(await sb.memory(a, ["save"]));
    const wt = join(sb.dir, "wt");
    sb.git(a, "worktree", "add", "-q", wt, "-b", "feature");
    ok(await sb.memory(wt, ["init", "--persona", "qa"]));
    ok(await sb.memory(a, ["add", "pattern", "From the main work tree"]));
    ok(await sb.memory(a, ["save"]));
    ok(await sb.memory(wt, ["add", "pattern", "From the second work tree"]));
    ok(await sb.memory(wt, ["save"]));
    ok(await sb.memory(a, ["save"]));
    ok(await sb.memory(a, ["start"]));
    const remote = titles(sb.git(origin, "show", `memory:${PATTERNS}`));
    expect(remote.sort()).toEqual(["From the main work tree", "From the second work tree"]);
    expect(titles(sb.read(a, PATTERNS)).sort()).toEqual(remote.sort());
    expect(titles(sb.read(wt, PATTERNS)).sort()).toEqual(remote.sort());
  });

  it("a bank branch that someone pushed code onto is not fast-forwarded to: refused, the bank and the work tree left as they were", async () => {
    const { sb, origin } = world();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    const tip = sb.git(dev, "rev-parse", "memory").trim();
    // Someone commits code on top of the bank branch and pushes it.
    const other = sb.clone(origin, "other");
    sb.git(other, "checkout", "-q", "memory");
    sb.write(other, "src/oops.ts", "export {};\n");
    sb.git(other, "add", "src/oops.ts");
    sb.git(other, "commit", "-q", "-m", "code on the wrong branch");
    sb.git(other, "push", "-q", "origin", "memory");
    const start = await sb.memory(dev, ["start"]);
    expect(start.code).toBe(1);
    expect(start.stderr).toContain("holds other files (src): it is not a bank branch");
    expect(sb.git(dev, "rev-parse", "memory").trim()).toBe(tip);
    expect(existsSync(join(dev, "src", "oops.ts"))).toBe(false);
  });

  it("a code branch that happens to be named memory is never taken for the bank: refused, its code left alone", async () => {
    const { sb, origin } = world();
    const dev = sb.clone(origin, "dev");
    sb.git(dev, "checkout", "-q", "-b", "memory");
    sb.write(dev, "src/leak.ts", "export const fixed = true;\n");
    sb.git(dev, "add", "src/leak.ts");
    sb.git(dev, "commit", "-q", "-m", "fix the memory leak");
    sb.git(dev, "push", "-q", "origin", "memory");
    sb.git(dev, "checkout", "-q", "main");
    const before = sb.git(origin, "rev-parse", "memory");
    const init = await sb.memory(dev, ["init", "--persona", "dev"]);
    expect(init.code).toBe(1);
    expect(init.stderr).toContain("memory holds other files (README.md, src): it is not a bank branch");
    expect(init.stderr).toContain('set "sync": { "branch": "<another name>" }');
    expect(sb.git(origin, "rev-parse", "memory")).toBe(before);
    expect(sb.git(dev, "show", "memory:src/leak.ts")).toContain("fixed");
    // Configured elsewhere, the bank works beside it.
    sb.write(dev, ".claude/memory.config.json", JSON.stringify({ sync: { branch: "team-memory" } }));
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["add", "pattern", "Anything"]));
    ok(await sb.memory(dev, ["save"]));
    expect(sb.git(origin, "rev-parse", "memory")).toBe(before);
    expect(sb.git(origin, "show", `team-memory:${PATTERNS}`)).toContain("Anything");
    const same = await sb.memory(dev, ["status"], {});
    expect(same.code).toBe(0);
  });
});


describe("hooks never hold up git or an agent for long", () => {
  it("git's hook gives up at once while another memory command holds the clone; a stopped harvest is not pushed over the person's own commits", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    // Another memory command (this test's own live process) holds the clone's lock.
    sb.write(dev, ".git/memory.lock", `${process.pid} held-by-a-test\n`);
    const started = Date.now();
    const hook = sb.memoryCli(dev, ["hook", "git-sync"]);
    expect(hook.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const brief = sb.memoryCli(dev, ["context", "--hook"], { input: JSON.stringify({ hook_event_name: "SessionStart" }) });
    expect(brief.code).toBe(0);
    expect(JSON.parse(brief.stdout).hookSpecificOutput.additionalContext).toContain("# Memory briefing for dev");
    expect(brief.stderr).toContain("another memory command is running");
    unlinkSync(join(dev, ".git/memory.lock"));
    // A harvest kept here, then a commit of the person's own on top: the next start does not push it.
    ok(await sb.memory(dev, ["add", "decision", "Use SQLite"]));
    ok(await sb.memory(dev, ["harvest", "--all", "--yes", "--no-push"]));
    sb.write(dev, "wip.txt", "work in progress\n");
    sb.git(dev, "add", "wip.txt");
    sb.git(dev, "commit", "-q", "-m", "WIP");
    ok(await sb.memory(dev, ["start"]));
    expect(sb.git(origin, "rev-list", "--count", "main").trim()).toBe("1");
  }, 60_000);
});
