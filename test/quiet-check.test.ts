/**
 * A bank found unchanged is not handed to git again while none of its files, the index or the commit it was
 * compared with moved (`bank-clean` and `worktree-clean` in `.git/memory/`): a start or save with nothing new
 * then runs no `git add` (the bank on its own branch) or `git status` (on the checked-out branch). Any edit,
 * even one that keeps a file's size, or a new file in the bank folder is still seen and saved.
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BANK, Sandbox, gitStarts } from "./helpers.js";
import { ok } from "./fixtures.js";
import { openWorkspace } from "../src/bank/workspace.js";
import { lookAfterMerge } from "../src/git/bank-ref.js";
import { indexHolds } from "../src/git/worktree.js";

const PATTERNS = `${BANK}/patterns-buffer.md`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The git subcommands a run of memory started (GIT_TRACE2_EVENT), and its JSON output. */
async function traced(sb: Sandbox, cwd: string, args: string[]): Promise<{ gits: string[]; out: { commit: string | null } }> {
  const trace = join(sb.dir, "trace.json");
  rmSync(trace, { force: true });
  const run = ok(await sb.memory(cwd, [...args, "--json"], { env: { GIT_TRACE2_EVENT: trace } }));
  // The subcommand: the first argument after git's own `-c` options (children of git are left out: they name no `-c`).
  const gits = gitStarts(trace).filter((a) => a[0] === "git").map((a) => a.filter((_, i) => a[i - 1] !== "-c" && a[i] !== "-c")[1] ?? "");
  return { gits, out: JSON.parse(run.stdout) as { commit: string | null } };
}

describe.each([
  { layout: "branch" as const, branch: "memory", look: "add" },
  { layout: "current" as const, branch: "main", look: "status" },
])("a bank found unchanged, synced on $branch", ({ layout, branch, look }) => {
  it("is not looked at by git again until something in it changes, and every change is still saved", async () => {
    const sb = new Sandbox({ layout });
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["add", "pattern", "Keep ids", "-m", "ids, not positions"]));
    ok(await sb.memory(dev, ["save"]));
    await sleep(2100); // files written in the last 2 s are always looked at again

    // The first look records it; from then on nothing is staged.
    for (let i = 0; i < 2; i++) ok(await sb.memory(dev, ["save", "--no-push"]));
    const quiet = await traced(sb, dev, ["save", "--no-push"]);
    expect(quiet.out.commit).toBeNull();
    expect(quiet.gits).not.toContain(look);
    expect((await traced(sb, dev, ["start"])).gits).not.toContain(look);

    // An edit that keeps the file's size.
    const text = sb.read(dev, PATTERNS);
    writeFileSync(join(dev, PATTERNS), text.replace("ids, not positions", "IDS, not positions"));
    const edited = await traced(sb, dev, ["save"]);
    expect(edited.gits).toContain(look);
    expect(edited.out.commit).not.toBeNull();
    expect(sb.git(origin, "show", `${branch}:${PATTERNS}`)).toContain("IDS, not positions");

    // A new file in the bank folder.
    await sleep(2100);
    for (let i = 0; i < 2; i++) ok(await sb.memory(dev, ["save", "--no-push"]));
    expect((await traced(sb, dev, ["save", "--no-push"])).gits).not.toContain(look);
    writeFileSync(join(dev, BANK, "notes.md"), "# Notes\n\nshared\n");
    const added = await traced(sb, dev, ["save"]);
    expect(added.gits).toContain(look);
    // (On the checked-out branch a file of the team's own in the bank folder is theirs to add, as any file.)
    if (layout === "branch") {
      expect(added.out.commit).not.toBeNull();
      expect(sb.git(origin, "show", `${branch}:${BANK}/notes.md`)).toContain("shared");
    }
  }, 20_000);
});

/** dev's bank saved; then qa adds one entry (`add` its words) and saves it: dev has not seen it yet. */
async function qaSaved(layout: "branch" | "current", add: string[]): Promise<{ sb: Sandbox; origin: string; dev: string }> {
  const sb = new Sandbox({ layout });
  const origin = sb.origin();
  const dev = sb.clone(origin, "dev");
  const qa = sb.clone(origin, "qa");
  ok(await sb.memory(dev, ["init", "--persona", "dev"]));
  ok(await sb.memory(dev, ["save"]));
  ok(await sb.memory(qa, ["init", "--persona", "qa"]));
  ok(await sb.memory(qa, ["add", ...add]));
  ok(await sb.memory(qa, ["save"]));
  return { sb, origin, dev };
}

describe.each([
  { layout: "branch" as const, branch: "memory", look: "add", merge: ["read-tree", "ls-files"] },
  { layout: "current" as const, branch: "main", look: "status", merge: ["merge", "status"] },
])("a start that merged another clone's save, synced on $branch", ({ layout, branch, look, merge }) => {
  it("leaves the bank looked at, so the next command hands nothing to git, and an edit after it is still saved", async () => {
    const { sb, origin, dev } = await qaSaved(layout, ["pattern", "Retry with jitter", "-m", "spread the herd"]);

    const merged = await traced(sb, dev, ["start"]);
    for (const step of merge) expect(merged.gits).toContain(step);
    // (On the checked-out branch HEAD was where the remote's branch was: a fast-forward, with no count of
    // commits and no look for harvests of ours to undo.)
    if (layout === "current") expect(merged.gits.filter((g) => g === "rev-list" || g === "log")).toEqual(["log"]);
    // (Likewise the bank branch, where the remote's was before the fetch: no merge base is asked.)
    if (layout === "branch") expect(merged.gits).not.toContain("merge-base");
    // What the digest reads from the object store comes through one cat-file, with no diff-tree of its own.
    expect(merged.gits).not.toContain("diff-tree");
    expect(sb.read(dev, PATTERNS)).toContain("Retry with jitter");
    const quiet = await traced(sb, dev, ["save", "--no-push"]);
    expect(quiet.out.commit).toBeNull();
    expect(quiet.gits).toEqual([]);

    // An edit of the merged file that keeps its size is seen and published.
    writeFileSync(join(dev, PATTERNS), sb.read(dev, PATTERNS).replace("spread the herd", "SPREAD the herd"));
    const edited = await traced(sb, dev, ["save"]);
    expect(edited.gits).toContain(look);
    expect(sb.git(origin, "show", `${branch}:${PATTERNS}`)).toContain("SPREAD the herd");
  }, 20_000);
});

describe.each([{ layout: "branch" as const }, { layout: "current" as const }])("a save with nothing of its own ($layout)", ({ layout }) => {
  it("brings in what another clone pushed, with one fetch begun while its files are checked", async () => {
    const { sb, dev } = await qaSaved(layout, ["lesson", "Pin the toolchain", "-m", "builds drift"]);
    const saved = await traced(sb, dev, ["save"]);
    expect(saved.out.commit).toBeNull();
    expect(saved.gits.filter((g) => g === "fetch")).toEqual(["fetch"]);
    expect((saved.out as unknown as { sync: { merged: string } }).sync.merged).not.toBe("none");
    expect(sb.read(dev, `${BANK}/lessons-buffer.md`)).toContain("Pin the toolchain");
  }, 20_000);
});

describe("the look after a merge, on the bank's own branch", () => {
  it("keeps no look when a bank file differs from what was merged, or a new file came, junk aside", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    const ws = await openWorkspace(dev, sb.env());
    const bank = ws.line.bank!;
    const paths = [BANK, ".claude/memory.config.json"];
    const clean = join(dev, ".git", "memory", "bank-clean");
    const keep = async () => {
      rmSync(clean, { force: true });
      await sleep(30); // past the file system's tick
      const kept = await lookAfterMerge(bank, paths);
      await kept?.();
      return kept !== null && existsSync(clean);
    };
    expect(await keep()).toBe(true);
    writeFileSync(join(dev, BANK, ".notes.md.swp"), "editor junk");
    expect(await keep()).toBe(true);
    writeFileSync(join(dev, BANK, "notes.md"), "# Notes\n");
    expect(await keep()).toBe(false);
    rmSync(join(dev, BANK, "notes.md"));
    expect(await keep()).toBe(true);
    const text = sb.read(dev, PATTERNS);
    writeFileSync(join(dev, PATTERNS), text.replace("# ", "#!"));
    expect(await keep()).toBe(false);
    writeFileSync(join(dev, PATTERNS), text);
    expect(await keep()).toBe(true);
    rmSync(join(dev, PATTERNS));
    expect(await keep()).toBe(false);
  }, 20_000);
});

describe("whether the checked-out branch tracks a file", () => {
  it("is git's answer, kept while the index file is the same, and asked again once git writes the index", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const gitDir = join(repo, ".git");
    mkdirSync(join(gitDir, "memory"), { recursive: true });
    sb.write(repo, "notes.md", "# Notes\n");
    expect(await indexHolds(repo, gitDir, "notes.md")).toBe(false);
    sb.git(repo, "add", "notes.md");
    expect(await indexHolds(repo, gitDir, "notes.md")).toBe(true);
    expect(await indexHolds(repo, gitDir, "other.md")).toBe(false);
    // Kept: the answer on file is the one given, with no git process (here, a planted wrong one).
    const kept = JSON.parse(readFileSync(join(gitDir, "memory", "tracked.json"), "utf8"));
    expect(kept.paths).toEqual({ "notes.md": true, "other.md": false });
    writeFileSync(join(gitDir, "memory", "tracked.json"), JSON.stringify({ ...kept, paths: { "notes.md": false } }));
    expect(await indexHolds(repo, gitDir, "notes.md")).toBe(false);
    // git writes the index (through a lock file, a new inode): asked again.
    sb.git(repo, "rm", "--cached", "-q", "notes.md");
    sb.git(repo, "add", "notes.md");
    expect(await indexHolds(repo, gitDir, "notes.md")).toBe(true);
    sb.git(repo, "rm", "--cached", "-q", "notes.md");
    expect(await indexHolds(repo, gitDir, "notes.md")).toBe(false);
  });
});
