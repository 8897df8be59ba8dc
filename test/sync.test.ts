/**
 * start and save against real git, run in-process: a bare origin, several clones. The failure cases come
 * from the research notes on syncing markdown through git. Racing clones and hooks that run memory are
 * in e2e.test.ts.
 */
import { describe, expect, it } from "vitest";
import { chmodSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BANK, Sandbox } from "./helpers.js";
import { CONTEXT, LESSONS, PATTERNS, head, ok, solo, team, titles } from "./fixtures.js";
import { parseBuffer } from "../src/core/entries.js";

describe("save and start between clones", () => {
  it("gives the same bytes under a plain git merge and git pull --rebase", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    ok(await sb.memory(dev, ["add", "lesson", "From dev", "-m", "one\n\n```\n## fenced\n```\n- tags: x"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["add", "lesson", "From qa", "-m", "two\n\n```\n## fenced\n```\n- tags: x"]));
    sb.git(qa, "add", "-A");
    sb.git(qa, "commit", "-q", "-m", "qa entry");
    const mine = head(sb, qa);
    sb.git(qa, "pull", "-q", "--rebase", "origin", "main");
    const rebased = sb.read(qa, LESSONS);
    sb.git(qa, "reset", "-q", "--hard", mine);
    sb.git(qa, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main");
    const merged = sb.read(qa, LESSONS);
    expect(rebased).toBe(merged);
    expect(titles(merged)).toEqual(["From dev", "From qa"]);
    expect(merged).not.toMatch(/^(<{7}|>{7})/m);
  });

  it("keeps a drained buffer drained while an entry appended meanwhile survives", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    ok(await sb.memory(dev, ["add", "pattern", "old one"]));
    ok(await sb.memory(dev, ["add", "pattern", "old two"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["start"]));
    // dev drains the buffer (as a harvest does) while qa appends
    const doc = sb.read(dev, PATTERNS).split("<!-- entry")[0]!.trimEnd() + "\n";
    sb.write(dev, PATTERNS, doc);
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["add", "pattern", "new three"]));
    ok(await sb.memory(qa, ["save"]));
    ok(await sb.memory(dev, ["start"]));
    expect(titles(sb.read(dev, PATTERNS))).toEqual(["new three"]);
    expect(titles(sb.read(qa, PATTERNS))).toEqual(["new three"]);
  });

  it("keeps both texts of an entry edited on two clones, and an edit over a deletion", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    ok(await sb.memory(dev, ["add", "lesson", "shared", "-m", "original"]));
    ok(await sb.memory(dev, ["add", "lesson", "doomed", "-m", "original"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["start"]));
    sb.write(dev, LESSONS, sb.read(dev, LESSONS).replace("original", "dev's version").replace(/<!-- entry[^\n]*\n## doomed\n\noriginal\n?/, ""));
    sb.write(qa, LESSONS, sb.read(qa, LESSONS).replace("original", "qa's version").replace(/\n\noriginal\n$/, "\n\nqa kept this\n"));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["save"]));
    ok(await sb.memory(dev, ["start"]));
    const bodies = parseBuffer(sb.read(dev, LESSONS)).entries.map((e) => e.body).sort();
    expect(bodies).toEqual(["dev's version", "qa kept this", "qa's version"]);
    ok(await sb.memory(qa, ["start"]));
    expect(sb.read(qa, LESSONS)).toBe(sb.read(dev, LESSONS));
  });

  it("merges two banks created independently (add/add with no common bank)", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const a = sb.clone(origin, "a");
    const b = sb.clone(origin, "b");
    ok(await sb.memory(a, ["init", "--persona", "dev"]));
    ok(await sb.memory(b, ["init", "--persona", "qa"]));
    ok(await sb.memory(a, ["add", "pattern", "from a"]));
    ok(await sb.memory(b, ["add", "pattern", "from b"]));
    ok(await sb.memory(a, ["save"]));
    ok(await sb.memory(b, ["save"]));
    ok(await sb.memory(a, ["start"]));
    expect(titles(sb.read(a, PATTERNS)).sort()).toEqual(["from a", "from b"]);
    expect(sb.read(a, PATTERNS)).toBe(sb.read(b, PATTERNS));
    expect(ok(await sb.memory(a, ["doctor"])).stdout).not.toContain("✗");
  });
});

describe("criss-cross history", () => {
  it("merges by entry when there are two merge bases (the driver also builds the virtual base)", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    ok(await sb.memory(dev, ["add", "pattern", "dev one", "-m", "a\n- tags: same"]));
    ok(await sb.memory(dev, ["save", "--no-push"]));
    ok(await sb.memory(qa, ["add", "pattern", "qa one", "-m", "b\n- tags: same"]));
    ok(await sb.memory(qa, ["save", "--no-push"]));
    // Each merges the other's commit directly: two merge commits, each with both tips as parents.
    sb.git(dev, "fetch", "-q", qa, "main:refs/peer/qa");
    sb.git(qa, "fetch", "-q", dev, "main:refs/peer/dev");
    sb.git(dev, "merge", "-q", "--no-edit", "refs/peer/qa");
    sb.git(qa, "merge", "-q", "--no-edit", "refs/peer/dev");
    ok(await sb.memory(dev, ["add", "pattern", "dev two", "-m", "c\n- tags: same"]));
    ok(await sb.memory(dev, ["save", "--no-push"]));
    ok(await sb.memory(qa, ["add", "pattern", "qa two", "-m", "d\n- tags: same"]));
    ok(await sb.memory(qa, ["save", "--no-push"]));
    sb.git(dev, "fetch", "-q", qa, "main:refs/peer/qa");
    expect(sb.git(dev, "merge-base", "--all", "HEAD", "refs/peer/qa").trim().split("\n")).toHaveLength(2);
    sb.git(dev, "merge", "-q", "--no-edit", "refs/peer/qa");
    const got = titles(sb.read(dev, PATTERNS));
    expect(got.sort()).toEqual(["dev one", "dev two", "qa one", "qa two"]);
    expect(sb.read(dev, PATTERNS)).not.toMatch(/^(<{7}|>{7})/m);
    ok(await sb.memory(dev, ["save"]));
  });
});

describe("activeContext: the latest stamp wins", () => {
  const edit = (sb: Sandbox, cwd: string, text: string) => sb.write(cwd, CONTEXT, sb.read(cwd, CONTEXT).replace(/## Current focus\n[^#]*/, `## Current focus\n\n${text}\n\n`));

  it("under memory, whichever clone saves last, and start says where the replaced text is", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    edit(sb, dev, "dev works on checkout");
    ok(await sb.memory(dev, ["save"], { env: { MEMORY_NOW: "2026-11-22T11:00:00Z" } }));
    edit(sb, qa, "qa works on search");
    ok(await sb.memory(qa, ["save"], { env: { MEMORY_NOW: "2026-11-22T10:00:00Z" } })); // saved later, stamped earlier
    expect(sb.read(qa, CONTEXT)).toContain("dev works on checkout");
    const started = ok(await sb.memory(qa, ["start", "--json"]));
    const replaced = JSON.parse(started.stdout).contextReplaced;
    // qa's own save already merged dev's copy in; start still says so and where qa's text went
    expect(replaced).toMatchObject({ by: "dev", updated: "2026-11-22T11:00:00Z" });
    const [, ref, path] = /^git show (\S+):(\S+)$/.exec(replaced.previous)!;
    expect(sb.git(qa, "show", `${ref}:${path}`)).toContain("qa works on search");
    ok(await sb.memory(dev, ["start"]));
    expect(sb.read(dev, CONTEXT)).toBe(sb.read(qa, CONTEXT));
  });

  it("start says where the replaced text is when the newer copy came in a line of commits (a fast-forward)", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    edit(sb, qa, "qa works on search");
    ok(await sb.memory(qa, ["save"], { env: { MEMORY_NOW: "2026-11-22T10:00:00Z" } }));
    ok(await sb.memory(qa, ["start"]));
    ok(await sb.memory(dev, ["start"]));
    edit(sb, dev, "dev works on checkout");
    ok(await sb.memory(dev, ["save"], { env: { MEMORY_NOW: "2026-11-22T11:00:00Z" } }));
    // Two more saves of dev's that leave the context alone: the line has three commits.
    for (const title of ["One", "Two"]) {
      ok(await sb.memory(dev, ["add", "pattern", title, "-m", "x"]));
      ok(await sb.memory(dev, ["save"], { env: { MEMORY_NOW: "2026-11-22T11:05:00Z" } }));
    }
    expect(sb.git(qa, "rev-list", "--merges", "--count", "HEAD..origin/main").trim()).toBe("0");
    const replaced = JSON.parse(ok(await sb.memory(qa, ["start", "--json"])).stdout).contextReplaced;
    expect(replaced).toMatchObject({ by: "dev", updated: "2026-11-22T11:00:00Z" });
    const [, ref, path] = /^git show (\S+):(\S+)$/.exec(replaced.previous)!;
    expect(sb.git(qa, "show", `${ref}:${path}`)).toContain("qa works on search");
    // Nothing of qa's replaced since: the next start says nothing of it.
    ok(await sb.memory(dev, ["add", "pattern", "Three", "-m", "x"]));
    ok(await sb.memory(dev, ["save"]));
    expect(JSON.parse(ok(await sb.memory(qa, ["start", "--json"])).stdout).contextReplaced).toBeNull();
  });

  it("under a plain git pull --rebase, with the later stamp on either side", async () => {
    for (const [devTime, qaTime, winner] of [
      ["2026-11-22T09:00:00Z", "2026-11-22T12:00:00Z", "qa"],
      ["2026-11-22T12:00:00Z", "2026-11-22T09:00:00Z", "dev"],
    ] as const) {
      const { sb, clones } = await team("dev", "qa");
      const { dev, qa } = clones as { dev: string; qa: string };
      edit(sb, dev, "dev text");
      ok(await sb.memory(dev, ["save"], { env: { MEMORY_NOW: devTime } }));
      edit(sb, qa, "qa text");
      ok(await sb.memory(qa, ["save", "--no-push"], { env: { MEMORY_NOW: qaTime } }));
      sb.git(qa, "pull", "-q", "--rebase", "origin", "main");
      expect(sb.read(qa, CONTEXT)).toContain(`${winner} text`);
      expect(sb.read(qa, CONTEXT)).toMatch(new RegExp(`by: ${winner}\\n`));
    }
  });
});

describe("doctor --fix after a plain git pull in a clone without the drivers", () => {
  it.each([
    ["not registered", (sb: Sandbox, qa: string) => {
      for (const s of ["union", "latest", "log"]) sb.git(qa, "config", "--local", "--remove-section", `merge.memory-${s}`);
    }],
    ["registered with a missing command (git leaves no markers)", (sb: Sandbox, qa: string) => {
      for (const s of ["union", "latest", "log"]) sb.git(qa, "config", "--local", `merge.memory-${s}.driver`, "no-such-memory %O %A %B %P");
    }],
  ])("re-merges the conflicted buffer from git's stages and finishes the merge (driver %s)", async (_name, breakDrivers) => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    breakDrivers(sb, qa);
    ok(await sb.memory(dev, ["add", "pattern", "dev entry", "-m", "x\n- tags: same"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["add", "pattern", "qa entry", "-m", "y\n- tags: same"]));
    sb.git(qa, "add", "-A");
    sb.git(qa, "commit", "-q", "-m", "qa");
    let failed = false;
    try {
      sb.git(qa, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main");
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
    const refused = await sb.memory(qa, ["save"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("memory doctor --fix");
    const found = await sb.memory(qa, ["doctor"]);
    expect(found.code).toBe(3);
    expect(found.stdout).toContain(`${PATTERNS} is unmerged`);
    const fixed = ok(await sb.memory(qa, ["doctor", "--fix"]));
    expect(fixed.stdout).toContain("fixed:");
    expect(existsSync(join(qa, ".git", "MERGE_HEAD"))).toBe(false);
    expect(titles(sb.read(qa, PATTERNS))).toEqual(["dev entry", "qa entry"]);
    expect(sb.git(qa, "status", "--porcelain")).toBe("");
    ok(await sb.memory(qa, ["save"]));
  });

  it("re-merges conflict markers that were committed", async () => {
    const { sb, dev } = await solo();
    ok(await sb.memory(dev, ["add", "lesson", "kept"]));
    const text = sb.read(dev, LESSONS);
    const [headPart, entry] = [text.split("<!-- entry")[0]!, `<!-- entry${text.split("<!-- entry")[1]}`];
    const other = entry.replace(/id=\S+/, "id=other-1").replace("## kept", "## other");
    sb.write(dev, LESSONS, `${headPart}<<<<<<< HEAD\n${entry}=======\n${other}>>>>>>> theirs\n`);
    expect((await sb.memory(dev, ["doctor"])).code).toBe(3);
    ok(await sb.memory(dev, ["doctor", "--fix"]));
    expect(titles(sb.read(dev, LESSONS))).toEqual(["kept", "other"]);
  });
});

describe("the user's own work is left alone", () => {
  it("commits only the bank: staged, unstaged and untracked work stays as it was", async () => {
    const { sb, dev } = await solo();
    sb.write(dev, "staged.txt", "staged\n");
    sb.git(dev, "add", "staged.txt");
    sb.write(dev, "README.md", "# project\nunstaged edit\n");
    sb.write(dev, "notes/untracked.txt", "mine\n");
    ok(await sb.memory(dev, ["add", "pattern", "p"]));
    sb.write(dev, PATTERNS, `${sb.read(dev, PATTERNS)}`);
    const before = sb.git(dev, "status", "--porcelain", "--", ".", `:!${BANK}`);
    const cached = sb.git(dev, "diff", "--cached", "--", "staged.txt");
    ok(await sb.memory(dev, ["save"]));
    expect(sb.git(dev, "status", "--porcelain", "--", ".", `:!${BANK}`)).toBe(before);
    expect(sb.git(dev, "diff", "--cached", "--", "staged.txt")).toBe(cached);
    expect(sb.git(dev, "show", "--name-only", "--format=", "HEAD").trim().split("\n").sort()).toEqual([`${BANK}/SESSION_LOG.md`, PATTERNS].sort());
    expect(sb.read(dev, "README.md")).toBe("# project\nunstaged edit\n");
  });

  it("shares the bank even where .gitignore hides .claude/, without un-ignoring anything else", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    sb.write(dev, ".gitignore", ".claude/\n");
    sb.git(dev, "add", ".gitignore");
    sb.git(dev, "commit", "-q", "-m", "ignore .claude");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    sb.write(dev, ".claude/settings.local.json", "{}\n");
    ok(await sb.memory(dev, ["add", "pattern", "shared anyway"]));
    const saved = ok(await sb.memory(dev, ["save", "--json"]));
    expect(JSON.parse(saved.stdout).added).toEqual({ "patterns-buffer": 1 });
    const files = sb.git(dev, "ls-files").split("\n");
    expect(files).toContain(PATTERNS);
    expect(files).not.toContain(".claude/settings.local.json");
    const qa = sb.clone(origin, "qa");
    expect(titles(sb.read(qa, PATTERNS))).toEqual(["shared anyway"]);
  });

  it("merges while the user has staged work elsewhere, which stays staged and out of every commit", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    sb.git(qa, "config", "merge.ff", "only"); // a setting that would make a plain `git merge` refuse
    ok(await sb.memory(dev, ["add", "pattern", "from dev"]));
    ok(await sb.memory(dev, ["save"]));
    sb.write(qa, "app.js", "console.log(1)\n");
    sb.git(qa, "add", "app.js");
    ok(await sb.memory(qa, ["add", "pattern", "from qa"]));
    ok(await sb.memory(qa, ["save"]));
    expect(titles(sb.read(qa, PATTERNS))).toEqual(["from dev", "from qa"]);
    expect(sb.git(qa, "status", "--porcelain", "--", "app.js")).toBe("A  app.js\n");
    expect(sb.git(qa, "log", "--format=%H", "--", "app.js")).toBe("");
  });

  it("ignores untracked files in the bank folder: an editor's swap file is neither committed nor in the way", async () => {
    const { sb, dev } = await solo();
    sb.write(dev, `${BANK}/.patterns-buffer.md.swp`, "junk");
    sb.write(dev, `${BANK}/notes.txt`, "mine\n");
    ok(await sb.memory(dev, ["add", "pattern", "p"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(dev, ["start"]));
    expect(sb.git(dev, "ls-files", BANK)).not.toMatch(/swp|notes/);
    expect(sb.git(dev, "status", "--porcelain")).toBe(`?? ${BANK}/.patterns-buffer.md.swp\n?? ${BANK}/notes.txt\n`);
  });

  it("refuses to merge over uncommitted changes the remote also changed, touching nothing", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    sb.write(dev, "README.md", "# project\nfrom dev\n");
    sb.git(dev, "commit", "-q", "-am", "readme");
    sb.git(dev, "push", "-q", "origin", "main");
    sb.write(qa, "README.md", "# project\nqa's unsaved work\n");
    sb.git(qa, "config", "merge.autoStash", "true"); // must not make git stash qa's work and leave it conflicted
    ok(await sb.memory(qa, ["add", "pattern", "p"]));
    const res = await sb.memory(qa, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("README.md would be overwritten by the merge");
    expect(sb.read(qa, "README.md")).toBe("# project\nqa's unsaved work\n");
    expect(existsSync(join(qa, ".git", "MERGE_HEAD"))).toBe(false);
    expect(sb.git(qa, "stash", "list")).toBe("");
    expect(sb.git(qa, "log", "-1", "--format=%s")).toContain("memory: save");
  });

  it("aborts a merge that conflicts outside the bank and leaves the tree as it was", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    sb.write(dev, "src.txt", "dev\n");
    sb.git(dev, "add", "src.txt");
    sb.git(dev, "commit", "-q", "-m", "dev src");
    sb.git(dev, "push", "-q", "origin", "main");
    sb.write(qa, "src.txt", "qa\n");
    sb.git(qa, "add", "src.txt");
    sb.git(qa, "commit", "-q", "-m", "qa src");
    const before = head(sb, qa);
    ok(await sb.memory(qa, ["add", "lesson", "l"]));
    const res = await sb.memory(qa, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("conflicts in src.txt; nothing was merged and your files are as they were");
    expect(existsSync(join(qa, ".git", "MERGE_HEAD"))).toBe(false);
    expect(sb.read(qa, "src.txt")).toBe("qa\n");
    expect(sb.git(qa, "status", "--porcelain")).toBe("");
    expect(sb.git(qa, "rev-parse", "HEAD~1").trim()).toBe(before); // the bank commit is kept on top
  });
});

describe("refusals and offline work", () => {
  it("refuses a detached HEAD and a merge in progress, with HEAD unmoved", async () => {
    const { sb, dev } = await solo();
    const h = head(sb, dev);
    sb.git(dev, "checkout", "-q", "--detach");
    for (const cmd of ["start", "save"]) {
      const res = await sb.memory(dev, [cmd]);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain("HEAD is detached");
    }
    sb.git(dev, "checkout", "-q", "main");
    sb.write(dev, join(".git", "MERGE_HEAD"), `${h}\n`);
    const res = await sb.memory(dev, ["start"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("a merge is in progress");
    expect(head(sb, dev)).toBe(h);
  });

  it("keeps the commit when the remote is unreachable, says so, and delivers it later", async () => {
    const { sb, origin, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    sb.git(dev, "remote", "set-url", "origin", join(sb.dir, "nowhere.git"));
    ok(await sb.memory(dev, ["add", "pattern", "written offline"]));
    const res = ok(await sb.memory(dev, ["save"]));
    expect(res.stderr).toContain("push pending");
    expect(JSON.parse(ok(await sb.memory(dev, ["status", "--json"])).stdout).pendingPush).toBe(1);
    const offlineStart = ok(await sb.memory(dev, ["start", "--json"]));
    expect(JSON.parse(offlineStart.stdout).sync.unreachable).toBeTruthy();
    sb.git(dev, "remote", "set-url", "origin", origin);
    ok(await sb.memory(dev, ["start"]));
    expect(JSON.parse(ok(await sb.memory(dev, ["status", "--json"])).stdout).pendingPush).toBe(0);
    const qaStart = ok(await sb.memory(qa, ["start"]));
    expect(qaStart.stdout).toContain('"written offline" by dev');
  });

  it("works without a remote: the commit stays local", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    ok(await sb.memory(repo, ["init", "--persona", "dev"]));
    ok(await sb.memory(repo, ["add", "pattern", "local"]));
    const res = ok(await sb.memory(repo, ["save", "--json"]));
    expect(JSON.parse(res.stdout).sync).toMatchObject({ remote: null, pushed: false });
    expect(sb.git(repo, "log", "-1", "--format=%s").trim()).toBe("memory: save (dev)");
    ok(await sb.memory(repo, ["start"]));
  });

  it("start applies the same gate and stamps activeContext like save does", async () => {
    const { sb, origin, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    await sb.memory(dev, ["add", "lesson", "token", "-m", `gh${"p"}_${"a".repeat(36)}`]);
    const refused = await sb.memory(dev, ["start"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("a GitHub token looks like a secret");
    expect(sb.git(origin, "log", "-1", "--format=%s", "main").trim()).toBe("memory: bank");
    // qa saved an older context; dev edits later and starts: dev's copy is stamped now and wins
    sb.write(qa, CONTEXT, sb.read(qa, CONTEXT).replace("## Current focus", "## Current focus\n\nqa's focus"));
    ok(await sb.memory(qa, ["save"], { env: { MEMORY_NOW: "2030-01-01T10:00:00Z" } }));
    sb.write(dev, LESSONS, sb.read(dev, LESSONS).split("<!-- entry")[0]!);
    sb.write(dev, CONTEXT, sb.read(dev, CONTEXT).replace("## Current focus", "## Current focus\n\ndev's focus"));
    ok(await sb.memory(dev, ["start"], { env: { MEMORY_NOW: "2030-01-01T11:00:00Z" } }));
    expect(sb.read(dev, CONTEXT)).toContain("dev's focus");
    expect(sb.read(dev, CONTEXT)).toMatch(/updated: 2030-01-01T11:00:00Z\nby: dev\n/);
  });

  it("refuses text that looks like a secret unless --allow-secret, naming the entry", async () => {
    const { sb, dev } = await solo();
    const id = ok(await sb.memory(dev, ["add", "gotcha", "Deploy creds", "-m", "key: AKIAABCDEFGHIJKLMNOP"])).stdout.trim();
    const before = head(sb, dev);
    const res = await sb.memory(dev, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`(entry ${id} "Deploy creds"): an AWS access key id looks like a secret`);
    expect(head(sb, dev)).toBe(before);
    ok(await sb.memory(dev, ["save", "--allow-secret"]));
    // Added after entries already saved (only the new text is read): the line is still the file's own.
    const second = ok(await sb.memory(dev, ["add", "gotcha", "More creds", "-m", "first line\nsecret: AKIAQRSTUVWXYZABCDEF"])).stdout.trim();
    const again = await sb.memory(dev, ["save"]);
    expect(again.code).toBe(1);
    const line = sb.read(dev, LESSONS).split("\n").findIndex((l) => l.includes("AKIAQRSTUVWXYZABCDEF")) + 1;
    expect(again.stderr).toContain(`${LESSONS}:${line} (entry ${second} "More creds"): an AWS access key id looks like a secret`);
    expect(again.stderr).not.toContain(id);
  });
});

describe("hooks, locks and broken configuration", () => {
  it("commits past a failing pre-commit hook, and keeps the commit when a pre-push hook refuses", async () => {
    const { sb, dev } = await solo();
    sb.write(dev, ".git/hooks/pre-commit", "#!/bin/sh\necho 'lint failed' >&2\nexit 1\n");
    sb.write(dev, ".git/hooks/pre-push", "#!/bin/sh\necho 'tests failed' >&2\nexit 1\n");
    for (const h of ["pre-commit", "pre-push"]) chmodSync(join(dev, ".git/hooks", h), 0o755);
    ok(await sb.memory(dev, ["add", "pattern", "through hooks"]));
    const res = await sb.memory(dev, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("push to origin/main failed");
    expect(res.stderr).toContain("your commit is kept here");
    expect(sb.git(dev, "log", "-1", "--format=%s")).toContain("memory: save");
  });

  it("stops at once, with the server's reason, when the remote refuses the push (not a race to retry)", async () => {
    const { sb, origin, dev } = await solo();
    sb.write(origin, "hooks/pre-receive", "#!/bin/sh\necho 'main is protected' >&2\nexit 1\n");
    chmodSync(join(origin, "hooks/pre-receive"), 0o755);
    ok(await sb.memory(dev, ["add", "pattern", "p"]));
    const res = await sb.memory(dev, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("rejected by the remote (pre-receive hook declined): main is protected");
    expect(res.stderr).not.toContain("rejected 12 times");
  });

  it("refuses while another git process holds index.lock", async () => {
    const { sb, dev } = await solo();
    sb.write(dev, ".git/index.lock", "");
    const res = await sb.memory(dev, ["save"], { env: { MEMORY_GIT_LOCK_WAIT: "0.3" } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("index.lock exists");
  });

  it("merges through the drivers even when .git/config names a broken driver command", async () => {
    const { sb, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    sb.git(qa, "config", "--local", "merge.memory-union.driver", "no-such-command %O %A %B");
    ok(await sb.memory(dev, ["add", "pattern", "from dev"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["add", "pattern", "from qa"]));
    ok(await sb.memory(qa, ["save"]));
    expect(titles(sb.read(qa, PATTERNS))).toEqual(["from dev", "from qa"]);
    const doc = await sb.memory(qa, ["doctor"]);
    expect(doc.code).toBe(3);
    expect(doc.stdout).toContain('merge.memory-union.driver runs "no-such-command %O %A %B", not this memory');
  });

  it("reports a commit that cannot be signed, leaving the bank changes in place", async () => {
    const { sb, dev } = await solo();
    sb.git(dev, "config", "commit.gpgsign", "true");
    sb.git(dev, "config", "gpg.program", "false");
    ok(await sb.memory(dev, ["add", "pattern", "unsigned"]));
    const before = head(sb, dev);
    const res = await sb.memory(dev, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("git could not commit the bank (failed to write commit object); your changes are still in the files");
    expect(head(sb, dev)).toBe(before);
    expect(titles(sb.read(dev, PATTERNS))).toEqual(["unsigned"]);
  });
});

describe("second review: what must never happen quietly", () => {
  it("refuses to merge when an attribute override would bypass the drivers, and publishes nothing", async () => {
    const { sb, origin, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    ok(await sb.memory(dev, ["add", "pattern", "from dev", "-m", "x\n- tags: same"]));
    ok(await sb.memory(dev, ["save"]));
    sb.write(qa, ".git/info/attributes", "*.md merge=union\n");
    ok(await sb.memory(qa, ["add", "pattern", "from qa", "-m", "y\n- tags: same"]));
    const before = sb.git(origin, "rev-parse", "main");
    const res = await sb.memory(qa, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/memory-bank\/\S+ would be merged with "union", not memory-\w+ \(an override/);
    expect(sb.git(origin, "rev-parse", "main")).toBe(before);
  });

  it("signs merge commits when commit.gpgsign is on, and makes none when it cannot", async () => {
    const { sb, origin, clones } = await team("dev", "qa");
    const { dev, qa } = clones as { dev: string; qa: string };
    ok(await sb.memory(dev, ["add", "pattern", "from dev"]));
    ok(await sb.memory(dev, ["save"]));
    sb.git(qa, "commit", "-q", "--allow-empty", "-m", "local work");
    sb.git(qa, "config", "commit.gpgsign", "true");
    sb.git(qa, "config", "gpg.program", "false");
    const head = sb.git(qa, "rev-parse", "HEAD");
    const before = sb.git(origin, "rev-parse", "main");
    const res = await sb.memory(qa, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("git could not make the merge commit");
    expect(sb.git(qa, "rev-parse", "HEAD")).toBe(head);
    expect(sb.git(origin, "rev-parse", "main")).toBe(before);
  });

  it("stops a fetch that hangs (an ssh that never answers) and keeps the commit as pending", async () => {
    const { sb, dev } = await solo();
    const ssh = join(sb.dir, "slow-ssh");
    sb.write(sb.dir, "slow-ssh", "#!/bin/sh\nsleep 20\n");
    chmodSync(ssh, 0o755);
    sb.git(dev, "remote", "set-url", "origin", "ssh://git.example.invalid/bank.git");
    ok(await sb.memory(dev, ["add", "pattern", "while offline"]));
    const started = Date.now();
    const res = ok(await sb.memory(dev, ["save"], { env: { GIT_SSH_COMMAND: ssh, MEMORY_NETWORK_TIMEOUT: "1" } }));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(res.stderr).toContain("push pending");
    expect(res.stderr).toContain("took longer than 1 s and was stopped");
    expect(sb.git(dev, "log", "-1", "--format=%s")).toContain("memory: save");
  });

  it("refuses a buffer that does not parse, naming file and line, and commits nothing", async () => {
    const { sb, origin, dev } = await solo();
    const broken = `${sb.read(dev, PATTERNS)}\n<!-- entry id=bad -->\nno title heading\n`;
    sb.write(dev, PATTERNS, broken);
    const head = sb.git(dev, "rev-parse", "HEAD");
    for (const cmd of ["save", "start"]) {
      const res = await sb.memory(dev, [cmd]);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(new RegExp(`^memory: ${PATTERNS.replace(/[.]/g, "\\.")}:\\d+: entry bad has no title heading`));
    }
    expect(sb.git(dev, "rev-parse", "HEAD")).toBe(head);
    expect(sb.read(dev, PATTERNS)).toBe(broken);
    expect(sb.git(origin, "log", "-1", "--format=%s", "main").trim()).toBe("memory: bank");
  });

  it("refuses to commit a deleted bank file", async () => {
    const { sb, origin, dev } = await solo();
    rmSync(join(dev, LESSONS));
    const before = sb.git(origin, "rev-parse", "main");
    const res = await sb.memory(dev, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${LESSONS} is missing; restore it`);
    expect(sb.git(origin, "rev-parse", "main")).toBe(before);
  });

  it("names the right way out of a rebase in progress", async () => {
    const { sb, dev } = await solo();
    sb.write(dev, ".git/rebase-merge/head-name", "refs/heads/main\n");
    const res = await sb.memory(dev, ["start"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("a rebase is in progress in this clone; finish it or abort it (`git rebase --continue` or `git rebase --abort`)");
  });
});

