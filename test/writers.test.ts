/**
 * Writer refs (ADR-017): a save that finds the bank branch's tip taken by another clone pushes to a ref of
 * its own instead of fetching, merging and pushing again; every sync merges the writers' refs, and the
 * next push that lands on the branch takes them in and deletes them.
 */
import { describe, expect, it } from "vitest";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { BANK, Sandbox } from "./helpers.js";
import { ok, titles } from "./fixtures.js";

const PATTERNS = `${BANK}/patterns-buffer.md`;
const WRITERS = "refs/memory/writers/memory/";

function world(): { sb: Sandbox; origin: string } {
  const sb = new Sandbox({ layout: "branch" });
  return { sb, origin: sb.origin() };
}

/** dev and qa share a bank; then dev saves a secret (`purge-me-4711`). `clean`: the bank branch before it. */
async function leaked(): Promise<{ sb: Sandbox; origin: string; dev: string; qa: string; clean: string }> {
  const { sb, origin } = world();
  const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
  ok(await sb.memory(dev, ["init", "--persona", "dev"]));
  ok(await sb.memory(dev, ["save"]));
  const clean = sb.git(dev, "rev-parse", "refs/heads/memory").trim();
  ok(await sb.memory(qa, ["init", "--persona", "qa"]));
  ok(await sb.memory(dev, ["add", "lesson", "Leaked", "-m", "token: purge-me-4711"]));
  ok(await sb.memory(dev, ["save", "--allow-secret"]));
  return { sb, origin, dev, qa, clean };
}

const writerRefs = (sb: Sandbox, origin: string): string[] => sb.git(origin, "for-each-ref", "--format=%(refname)", WRITERS).split("\n").filter(Boolean);
const onRemote = (sb: Sandbox, origin: string, rev: string): string[] => titles(sb.git(origin, "show", `${rev}:${PATTERNS}`));

/**
 * A pre-push hook in `clone` that, once, runs `script` just before the clone's next push: another clone
 * moving the remote between this clone's fetch and its push, as a race would, every time.
 */
function onceBeforePush(clone: string, script: string): void {
  // With no tracking ref the save fetches before it pushes at all (no push first), so the move falls
  // between its fetch and its push.
  spawnSync("git", ["update-ref", "-d", "refs/remotes/origin/memory"], { cwd: clone });
  const hook = join(clone, ".git", "hooks", "pre-push");
  writeFileSync(hook, `#!/bin/sh\nrm -f "$0"\n${script}\nexit 0\n`);
  chmodSync(hook, 0o755);
}

describe("writer refs", () => {
  it("a save that loses the race lands on its own writer ref in two pushes; a fresh clone's start takes it in and deletes the ref", async () => {
    const { sb, origin } = world();
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    ok(await sb.memory(qa, ["add", "pattern", "From qa"]));
    ok(await sb.memory(qa, ["save", "--no-push"]));
    ok(await sb.memory(dev, ["add", "pattern", "From dev"]));
    // qa's commit reaches the branch after dev fetched and before dev pushes.
    onceBeforePush(dev, `git -C "${qa}" push -q origin refs/heads/memory:refs/heads/memory`);
    const saved = JSON.parse(ok(await sb.memory(dev, ["save", "--json"])).stdout).sync;
    expect(saved).toMatchObject({ pushed: true, attempts: 2 });
    expect(saved.writerRef).toMatch(/^refs\/memory\/writers\/memory\/dev-[0-9a-f]{8}$/);
    expect(writerRefs(sb, origin)).toEqual([saved.writerRef]);
    expect(onRemote(sb, origin, "memory")).toEqual(["From qa"]);
    expect(onRemote(sb, origin, saved.writerRef)).toEqual(["From dev"]);
    // What the writer ref holds counts as pushed.
    const status = JSON.parse(ok(await sb.memory(dev, ["status", "--json"])).stdout);
    expect(status.ahead).toBe(0);

    const fresh = sb.clone(origin, "fresh");
    ok(await sb.memory(fresh, ["init", "--persona", "lead"]));
    const started = JSON.parse(ok(await sb.memory(fresh, ["start", "--json"])).stdout);
    expect(started.sync).toMatchObject({ pushed: true, folded: 1, writerRef: null });
    expect(titles(sb.read(fresh, PATTERNS)).sort()).toEqual(["From dev", "From qa"]);
    expect(onRemote(sb, origin, "memory").sort()).toEqual(["From dev", "From qa"]);
    expect(writerRefs(sb, origin)).toEqual([]);
    // Every clone ends with the same bytes.
    ok(await sb.memory(dev, ["start"]));
    ok(await sb.memory(qa, ["start"]));
    expect(sb.read(dev, PATTERNS)).toBe(sb.read(fresh, PATTERNS));
    expect(sb.read(qa, PATTERNS)).toBe(sb.read(fresh, PATTERNS));
  });

  it("an entry forgotten on the branch stays forgotten when a writer ref made before the forget is taken in", async () => {
    const { sb, origin } = world();
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    const added = JSON.parse(ok(await sb.memory(dev, ["add", "pattern", "Wrong turn", "--json"])).stdout);
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    expect(titles(sb.read(qa, PATTERNS))).toEqual(["Wrong turn"]);
    // qa's new entry goes to its writer ref: dev forgets the old one and takes the branch first.
    ok(await sb.memory(qa, ["add", "pattern", "Keep me"]));
    ok(await sb.memory(dev, ["forget", added.id]));
    ok(await sb.memory(dev, ["save", "--no-push"]));
    onceBeforePush(qa, `git -C "${dev}" push -q origin refs/heads/memory:refs/heads/memory`);
    expect(JSON.parse(ok(await sb.memory(qa, ["save", "--json"])).stdout).sync.writerRef).toBeTruthy();
    // The writer ref still holds "Wrong turn" as it was before the forget: merging it must not bring it back.
    ok(await sb.memory(dev, ["start"]));
    expect(titles(sb.read(dev, PATTERNS))).toEqual(["Keep me"]);
    expect(onRemote(sb, origin, "memory")).toEqual(["Keep me"]);
    expect(writerRefs(sb, origin)).toEqual([]);
  });

  it("a writer ref that moved after it was fetched is not deleted: the landing push fails whole, and nothing is lost", async () => {
    const { sb, origin } = world();
    const [dev, qa, ops] = [sb.clone(origin, "dev"), sb.clone(origin, "qa"), sb.clone(origin, "ops")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    for (const [c, p] of [[qa, "qa"], [ops, "ops"]] as const) ok(await sb.memory(c, ["init", "--persona", p]));
    // qa's first entry goes to its writer ref (ops took the branch first).
    ok(await sb.memory(ops, ["add", "pattern", "From ops"]));
    ok(await sb.memory(ops, ["save", "--no-push"]));
    ok(await sb.memory(qa, ["add", "pattern", "First from qa"]));
    onceBeforePush(qa, `git -C "${ops}" push -q origin refs/heads/memory:refs/heads/memory`);
    const first = JSON.parse(ok(await sb.memory(qa, ["save", "--json"])).stdout).sync;
    expect(first.writerRef).toBeTruthy();
    // dev fetches that ref; before dev's push lands, qa adds a second entry to the same ref.
    ok(await sb.memory(qa, ["add", "pattern", "Second from qa"]));
    ok(await sb.memory(qa, ["save", "--no-push"]));
    onceBeforePush(dev, `git -C "${qa}" push -q origin refs/heads/memory:${first.writerRef}`);
    ok(await sb.memory(dev, ["add", "pattern", "From dev"]));
    const landed = JSON.parse(ok(await sb.memory(dev, ["save", "--json"])).stdout).sync;
    // The branch did not move, and the ref was not deleted: dev went to its own writer ref.
    expect(landed.writerRef).toMatch(/\/dev-/);
    expect(onRemote(sb, origin, first.writerRef)).toContain("Second from qa");
    const fresh = sb.clone(origin, "fresh");
    ok(await sb.memory(fresh, ["init", "--persona", "lead"]));
    ok(await sb.memory(fresh, ["start"]));
    expect(titles(sb.read(fresh, PATTERNS)).sort()).toEqual(["First from qa", "From dev", "From ops", "Second from qa"]);
    expect(writerRefs(sb, origin)).toEqual([]);
  });

  it("taking in many writer refs at once gives the bytes git's own merges through the drivers give, with no driver process", async () => {
    const { sb, origin } = world();
    const [dev, ...writers] = await Promise.all(["dev", "qa", "ops", "ux"].map(async (p) => sb.clone(origin, p)));
    ok(await sb.memory(dev!, ["init", "--persona", "dev"]));
    for (const k of [1, 2, 3]) ok(await sb.memory(dev!, ["add", "pattern", `Shared ${k}`, "-m", `line ${k}`]));
    ok(await sb.memory(dev!, ["save"]));
    const shared = JSON.parse(ok(await sb.memory(dev!, ["list", "--json"])).stdout);
    for (const [i, w] of writers.entries()) {
      ok(await sb.memory(w, ["init", "--persona", `w${i}`]));
      ok(await sb.memory(w, ["add", "pattern", `From writer ${i}`, "-m", `written by ${i}`]));
      ok(await sb.memory(w, ["add", "lesson", `Lesson ${i}`]));
      if (i === 1) ok(await sb.memory(w, ["forget", shared.items.find((x: { title: string }) => x.title === "Shared 2").id]));
      ok(await sb.memory(w, ["save", "--no-push"]));
      sb.git(w, "push", "-q", "origin", `refs/heads/memory:${WRITERS}w${i}`);
    }
    ok(await sb.memory(dev!, ["add", "pattern", "Dev after them"]));
    ok(await sb.memory(dev!, ["save", "--no-push"]));
    // The same heads merged by git, one at a time, through the drivers, in a work tree of dev's clone.
    const check = join(sb.dir, "check");
    sb.git(dev!, "fetch", "-q", "origin", `+${WRITERS}*:refs/check/*`);
    sb.git(dev!, "branch", "check", "memory");
    sb.git(dev!, "worktree", "add", "-q", check, "check");
    for (const i of [0, 1, 2]) sb.git(check, "merge", "-q", "--no-edit", `refs/check/w${i}`);

    const trace = join(sb.dir, "trace.txt");
    ok(sb.memoryCli(dev!, ["start"], { env: { GIT_TRACE: trace } }));
    expect(readFileSync(trace, "utf8")).not.toMatch(/merge-driver/);
    for (const file of [PATTERNS, `${BANK}/lessons-buffer.md`]) expect(sb.read(dev!, file)).toBe(sb.read(check, file));
    expect(titles(sb.read(dev!, PATTERNS))).not.toContain("Shared 2");
    expect(writerRefs(sb, origin)).toEqual([]);
  });

  it("a save with nothing new on the remote lands in one push and no fetch; once the remote moved, it fetches and merges", async () => {
    const { sb, origin } = world();
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    ok(await sb.memory(dev, ["add", "pattern", "Quiet save"]));
    const trace = join(sb.dir, "trace-quiet.txt");
    const quiet = JSON.parse(ok(sb.memoryCli(dev, ["save", "--json"], { env: { GIT_TRACE: trace } })).stdout).sync;
    expect(quiet).toMatchObject({ pushed: true, attempts: 1, merged: "none" });
    expect(readFileSync(trace, "utf8")).not.toMatch(/built-in: git fetch/);
    expect(onRemote(sb, origin, "memory")).toEqual(["Quiet save"]);
    // qa pushed since: the first push is refused (the remote is not where dev last saw it), then the usual sync.
    ok(await sb.memory(qa, ["add", "pattern", "From qa"]));
    ok(await sb.memory(qa, ["save"]));
    ok(await sb.memory(dev, ["add", "pattern", "After qa"]));
    const moved = JSON.parse(ok(await sb.memory(dev, ["save", "--json"])).stdout).sync;
    expect(moved).toMatchObject({ pushed: true, attempts: 2, merged: "merge", writerRef: null });
    expect(onRemote(sb, origin, "memory").sort()).toEqual(["After qa", "From qa", "Quiet save"]);
  });

  it("a clone whose tracking ref a forced fetch moved back does not push first: the rewrite is refused, nothing published", async () => {
    const { sb, origin } = world();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    const clean = sb.git(dev, "rev-parse", "refs/heads/memory").trim();
    ok(await sb.memory(dev, ["add", "lesson", "Leaked", "-m", "token: purge-me-4711"]));
    ok(await sb.memory(dev, ["save", "--allow-secret"]));
    // The team moves the branch back to before the leak; dev fetches that by force but keeps its branch.
    sb.git(origin, "update-ref", "refs/heads/memory", clean);
    sb.git(dev, "fetch", "-q", "--force", "origin", "memory:refs/remotes/origin/memory");
    ok(await sb.memory(dev, ["add", "pattern", "Later"]));
    const res = await sb.memory(dev, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("origin/memory was rewritten (force-pushed)");
    expect(sb.git(origin, "log", "-p", "refs/heads/memory")).not.toContain("purge-me-4711");
  });

  it("two writers that each merged the other's work (a criss-cross) are taken in as git would, a forget after it kept", async () => {
    const { sb, origin } = world();
    const [dev, qa, ops] = ["dev", "qa", "ops"].map((p) => sb.clone(origin, p)) as [string, string, string];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["add", "pattern", "Shared"]));
    ok(await sb.memory(dev, ["save"]));
    for (const [c, p, title] of [[qa, "qa", "From A"], [ops, "ops", "From B"]] as const) {
      ok(await sb.memory(c, ["init", "--persona", p]));
      ok(await sb.memory(c, ["add", "pattern", title]));
      ok(await sb.memory(c, ["save", "--no-push"]));
      sb.git(c, "push", "-q", "origin", `refs/heads/memory:refs/check/${p}`);
    }
    // A merges B, B merges A (each folded the other and lost the landing push); then B forgets "From A".
    sb.git(dev, "fetch", "-q", "origin", "+refs/check/*:refs/check/*");
    const wt = join(sb.dir, "wt");
    sb.git(dev, "worktree", "add", "-q", "--detach", wt, "refs/check/qa");
    sb.git(wt, "merge", "-q", "--no-edit", "refs/check/ops");
    const ma = sb.git(wt, "rev-parse", "HEAD").trim();
    sb.git(wt, "checkout", "-q", "--detach", "refs/check/ops");
    sb.git(wt, "merge", "-q", "--no-edit", "refs/check/qa");
    sb.write(wt, PATTERNS, sb.read(wt, PATTERNS).replace(/<!-- entry [^\n]*-->\n## From A\n/, ""));
    expect(titles(sb.read(wt, PATTERNS)).sort()).toEqual(["From B", "Shared"]);
    sb.git(wt, "commit", "-qam", "forget From A");
    const b2 = sb.git(wt, "rev-parse", "HEAD").trim();
    sb.git(wt, "checkout", "-q", "--detach", ma);
    sb.git(wt, "merge", "-q", "--no-edit", b2);
    const byGit = titles(sb.read(wt, PATTERNS)).sort();
    expect(byGit).toEqual(["From B", "Shared"]);

    sb.git(dev, "push", "-q", "origin", `${ma}:${WRITERS}a`, `${b2}:${WRITERS}b`);
    ok(await sb.memory(dev, ["start"]));
    expect(titles(sb.read(dev, PATTERNS)).sort()).toEqual(byGit);
    expect(onRemote(sb, origin, "memory").sort()).toEqual(byGit);
  });

  it("a server without atomic pushes gets the branch alone: the writer refs stay until a later landing, nothing lost", async () => {
    const { sb, origin } = world();
    sb.git(origin, "config", "receive.advertiseAtomic", "false");
    const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    ok(await sb.memory(qa, ["add", "pattern", "From qa"]));
    ok(await sb.memory(qa, ["save", "--no-push"]));
    sb.git(qa, "push", "-q", "origin", `refs/heads/memory:${WRITERS}qa-1`);
    ok(await sb.memory(dev, ["add", "pattern", "From dev"]));
    onceBeforePush(dev, "true"); // (no tracking ref: dev fetches first, and takes qa's ref in)
    const saved = JSON.parse(ok(await sb.memory(dev, ["save", "--json"])).stdout).sync;
    expect(saved).toMatchObject({ pushed: true, writerRef: null });
    expect(onRemote(sb, origin, "memory").sort()).toEqual(["From dev", "From qa"]);
    expect(writerRefs(sb, origin)).toEqual([`${WRITERS}qa-1`]);
    // Already in the branch, the ref costs nothing: a fresh clone sees each entry once.
    const fresh = sb.clone(origin, "fresh");
    ok(await sb.memory(fresh, ["init", "--persona", "lead"]));
    ok(await sb.memory(fresh, ["start"]));
    expect(titles(sb.read(fresh, PATTERNS)).sort()).toEqual(["From dev", "From qa"]);
  });

  it("eight clones saving at once all succeed within three pushes; a fresh clone sees every entry and every clone ends alike", async () => {
    const { sb, origin } = world();
    const first = sb.clone(origin, "first");
    ok(await sb.memory(first, ["init", "--persona", "first"]));
    ok(await sb.memory(first, ["save"]));
    const clones: string[] = [];
    for (let i = 0; i < 8; i++) {
      const c = sb.clone(origin, `p${i}`);
      ok(await sb.memory(c, ["init", "--persona", `p${i}`]));
      ok(await sb.memory(c, ["add", "pattern", `Burst ${i}`]));
      clones.push(c);
    }
    const runs = await Promise.all(clones.map((c) => sb.memoryAsync(c, ["save", "--json"])));
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      const sync = JSON.parse(r.stdout).sync;
      expect(sync.pushed).toBe(true);
      expect(sync.attempts).toBeLessThanOrEqual(3);
    }
    const expected = clones.map((_, i) => `Burst ${i}`).sort();
    const delivered = new Set([...onRemote(sb, origin, "memory"), ...writerRefs(sb, origin).flatMap((r) => onRemote(sb, origin, r))]);
    expect([...delivered].sort()).toEqual(expected);
    const fresh = sb.clone(origin, "fresh");
    ok(await sb.memory(fresh, ["init", "--persona", "lead"]));
    ok(await sb.memory(fresh, ["start"]));
    expect(titles(sb.read(fresh, PATTERNS)).sort()).toEqual(expected);
    expect(writerRefs(sb, origin)).toEqual([]);
    for (const c of clones) ok(await sb.memory(c, ["start"]));
    for (const c of clones) expect(sb.read(c, PATTERNS)).toBe(sb.read(fresh, PATTERNS));
  });

  it("a writer ref still holding what a rewrite of the branch removed is refused, with the way out", async () => {
    const { sb, origin, dev, qa, clean } = await leaked();
    // qa took the leak in, then its next save went to its writer ref.
    ok(await sb.memory(qa, ["start"]));
    ok(await sb.memory(qa, ["add", "pattern", "After the leak"]));
    ok(await sb.memory(dev, ["add", "pattern", "Race"]));
    ok(await sb.memory(dev, ["save", "--no-push"]));
    onceBeforePush(qa, `git -C "${dev}" push -q origin refs/heads/memory:refs/heads/memory`);
    const ref = JSON.parse(ok(await sb.memory(qa, ["save", "--json"])).stdout).sync.writerRef;
    expect(ref).toBeTruthy();
    // The team purges the branch, but not the writer ref; dev takes its own bank back to the clean commit.
    const leakedTip = sb.git(dev, "rev-parse", "refs/heads/memory").trim();
    sb.git(origin, "update-ref", "refs/heads/memory", clean);
    sb.git(dev, "fetch", "-q", "--force", "origin", "memory:refs/remotes/origin/memory");
    sb.git(dev, "update-ref", "refs/heads/memory", clean);
    spawnSync("git", ["read-tree", "-m", "-u", leakedTip, clean], { cwd: dev, env: { ...sb.env(), GIT_INDEX_FILE: join(dev, ".git/memory/bank-index") } });
    writeFileSync(join(dev, ".git/memory/bank-base"), `${clean}\n`);
    expect(sb.read(dev, `${BANK}/lessons-buffer.md`)).not.toContain("purge-me-4711");
    const res = await sb.memory(dev, ["start"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`the writer ref ${ref} on origin still holds what was removed`);
    expect(res.stderr).toContain(`git push origin :${ref}`);
    expect(sb.git(origin, "log", "-p", "refs/heads/memory")).not.toContain("purge-me-4711");
  });
});

describe("the bank branch rewritten to purge a secret", () => {
  it("a clone that took the secret in is refused with the bank's own way back, and after the README's steps it saves without bringing it back", async () => {
    const { sb, origin, dev, qa, clean } = await leaked();
    ok(await sb.memory(qa, ["start"]));
    sb.git(origin, "update-ref", "refs/heads/memory", clean); // the team purges it
    ok(await sb.memory(qa, ["add", "pattern", "Written after the leak", "-m", "keep this"]));
    ok(await sb.memory(qa, ["save", "--no-push"]));
    sb.git(qa, "fetch", "-q", "--force", "origin", "memory:refs/remotes/origin/memory");
    const head = sb.git(qa, "rev-parse", "HEAD").trim();
    const refused = await sb.memory(qa, ["save"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("git branch memory-before-rewrite memory");
    expect(refused.stderr).toContain('"When the bank branch was rewritten"');
    expect(refused.stderr).not.toContain("git reset --keep");

    // The README's steps, as written there.
    sb.git(qa, "branch", "memory-before-rewrite", "memory");
    sb.git(qa, "fetch", "--force", "origin", "memory:refs/remotes/origin/memory");
    sb.git(qa, "branch", "-f", "memory", "origin/memory");
    const reset = spawnSync("git", ["read-tree", "--reset", "-u", "memory"], { cwd: qa, env: { ...sb.env(), GIT_INDEX_FILE: ".git/memory/bank-index" } });
    expect(reset.status).toBe(0);
    writeFileSync(join(qa, ".git/memory/bank-base"), sb.git(qa, "rev-parse", "memory"));
    expect(sb.git(qa, "diff", "origin/memory...memory-before-rewrite", "--", BANK)).toContain("Written after the leak");

    ok(await sb.memory(qa, ["add", "pattern", "Written after the leak", "-m", "keep this"]));
    ok(await sb.memory(qa, ["save"]));
    expect(sb.git(qa, "rev-parse", "HEAD").trim()).toBe(head); // the code branch never moved
    expect(sb.git(origin, "log", "-p", "refs/heads/memory")).not.toContain("purge-me-4711");
    expect(onRemote(sb, origin, "memory")).toEqual(["Written after the leak"]);
    expect(sb.read(qa, `${BANK}/lessons-buffer.md`)).not.toContain("purge-me-4711");
  });
});

describe("a secret that reached only writer refs", () => {
  /** qa's secret reaches a writer ref; dev takes it in, and its merge goes to dev's own writer ref. */
  async function leakedToWriterRefs(): Promise<{ sb: Sandbox; origin: string; dev: string }> {
    const { sb, origin } = world();
    const [dev, qa, ops] = ["dev", "qa", "ops"].map((p) => sb.clone(origin, p)) as [string, string, string];
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    for (const [c, p] of [[qa, "qa"], [ops, "ops"]] as const) ok(await sb.memory(c, ["init", "--persona", p]));
    ok(await sb.memory(qa, ["add", "pattern", "Leaky", "-m", "token: purge-me-4711"]));
    ok(await sb.memory(qa, ["save", "--no-push", "--allow-secret"]));
    sb.git(qa, "push", "-q", "origin", `refs/heads/memory:${WRITERS}qa-1`);
    ok(await sb.memory(ops, ["add", "pattern", "From ops"]));
    ok(await sb.memory(ops, ["save", "--no-push"]));
    // dev takes qa's ref in, but ops takes the branch first: dev's merge goes to dev's own writer ref.
    ok(await sb.memory(dev, ["add", "pattern", "From dev"]));
    onceBeforePush(dev, `git -C "${ops}" push -q origin refs/heads/memory:refs/heads/memory`);
    expect(JSON.parse(ok(await sb.memory(dev, ["save", "--json"])).stdout).sync.writerRef).toBeTruthy();
    return { sb, origin, dev };
  }

  it("is not pushed back by a clone that took it in, once the team deleted those refs; the README's steps mend the clone", async () => {
    const { sb, origin, dev } = await leakedToWriterRefs();
    // The team purges: every writer ref goes (the branch never held the secret).
    for (const r of writerRefs(sb, origin)) sb.git(origin, "update-ref", "-d", r);
    ok(await sb.memory(dev, ["add", "pattern", "Later"]));
    const refused = await sb.memory(dev, ["save"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("a writer ref was deleted on origin without being taken into origin/memory");
    expect(refused.stderr).toContain('"When the bank branch was rewritten"');
    expect((await sb.memory(dev, ["start"])).code).toBe(1); // every later sync too
    expect(sb.git(origin, "log", "-p", "--all")).not.toContain("purge-me-4711");

    // The README's steps; then the work written after it is added again and saved.
    sb.git(dev, "branch", "memory-before-rewrite", "memory");
    sb.git(dev, "fetch", "--force", "origin", "memory:refs/remotes/origin/memory");
    sb.git(dev, "branch", "-f", "memory", "origin/memory");
    expect(spawnSync("git", ["read-tree", "--reset", "-u", "memory"], { cwd: dev, env: { ...sb.env(), GIT_INDEX_FILE: ".git/memory/bank-index" } }).status).toBe(0);
    writeFileSync(join(dev, ".git/memory/bank-base"), sb.git(dev, "rev-parse", "memory"));
    ok(await sb.memory(dev, ["add", "pattern", "Later"]));
    ok(await sb.memory(dev, ["save"]));
    expect(sb.git(origin, "log", "-p", "--all")).not.toContain("purge-me-4711");
    expect(onRemote(sb, origin, "memory").sort()).toEqual(["From ops", "Later"]);
  });

  it("is seen deleted by a start its checks refuse too: the fetch it began beside them leaves no writer ref gone unseen", async () => {
    const { sb, origin, dev } = await leakedToWriterRefs();
    for (const r of writerRefs(sb, origin)) sb.git(origin, "update-ref", "-d", r);
    const lessons = `${BANK}/lessons-buffer.md`;
    const good = sb.read(dev, lessons);
    sb.write(dev, lessons, `${good}\n<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n`);
    const broken = await sb.memory(dev, ["start"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("git conflict markers");
    sb.write(dev, lessons, good);
    ok(await sb.memory(dev, ["add", "pattern", "Later"]));
    const refused = await sb.memory(dev, ["save"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("a writer ref was deleted on origin without being taken into origin/memory");
    expect(sb.git(origin, "log", "-p", "--all")).not.toContain("purge-me-4711");
  });
});
