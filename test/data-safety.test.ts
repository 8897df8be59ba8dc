/**
 * Nothing lost: whatever people and agents put in the bank, and however a command ends. Each test is a
 * way the bank once lost or damaged what someone wrote.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BANK, Sandbox } from "./helpers.js";
import { parseBuffer } from "../src/core/entries.js";

const LESSONS = `${BANK}/lessons-buffer.md`;

function ok(run: { code: number; stderr: string; stdout: string }): typeof run {
  expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
  return run;
}

/** A bare origin with a bank, and two initialized clones, dev and qa. */
async function devAndQa(): Promise<{ sb: Sandbox; origin: string; dev: string; qa: string }> {
  const sb = new Sandbox();
  const origin = sb.origin();
  const dev = sb.clone(origin, "dev");
  ok(await sb.memory(dev, ["init", "--persona", "dev"]));
  ok(await sb.memory(dev, ["save"]));
  const qa = sb.clone(origin, "qa");
  ok(await sb.memory(qa, ["init", "--persona", "qa"]));
  return { sb, origin, dev, qa };
}

async function initialized(): Promise<{ sb: Sandbox; repo: string }> {
  const sb = new Sandbox();
  const repo = sb.repo();
  ok(await sb.memory(repo, ["init", "--persona", "dev"]));
  return { sb, repo };
}

describe("add never changes what is already in the buffer", () => {
  it("keeps bytes that are not UTF-8 in other entries exactly as they were", async () => {
    const { sb, repo } = await initialized();
    const path = join(repo, LESSONS);
    const before = Buffer.concat([
      readFileSync(path),
      Buffer.from("\n<!-- entry id=latin-1 type=lesson by=dev at=2026-11-20T10:00:00Z -->\n## Caf", "utf8"),
      Buffer.from([0xe9, 0x20, 0xff, 0xfe]),
      Buffer.from("\n\nBody with a stray byte: ", "utf8"),
      Buffer.from([0x80]),
      Buffer.from("\n", "utf8"),
    ]);
    writeFileSync(path, before);
    const id = ok(await sb.memory(repo, ["add", "lesson", "Après coup", "-m", "naïve"])).stdout.trim();
    const after = readFileSync(path);
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    const added = parseBuffer(after.toString("utf8")).entries.at(-1)!;
    expect([added.id, added.title, added.body]).toEqual([id, "Après coup", "naïve"]);
  });

  it("refuses to add after a code fence that never closes, naming its line, and changes nothing", async () => {
    const { sb, repo } = await initialized();
    const hand = `${sb.read(repo, LESSONS)}\n<!-- entry id=hand-1 -->\n## Written by hand\n\n\`\`\`js\nconsole.log("no end")\n`;
    sb.write(repo, LESSONS, hand);
    const res = await sb.memory(repo, ["add", "lesson", "Lost in the fence"]);
    expect(res.code).toBe(1);
    const fenceLine = hand.split("\n").indexOf("```js") + 1;
    expect(res.stderr).toContain(`${LESSONS}:${fenceLine}: a code fence opens here and never closes`);
    expect(res.stdout).toBe("");
    expect(sb.read(repo, LESSONS)).toBe(hand);
  });

  it("keeps CRLF line endings and a BOM when it appends", async () => {
    const { sb, repo } = await initialized();
    const crlf = `\uFEFF${sb.read(repo, LESSONS).replace(/\n/g, "\r\n")}`;
    sb.write(repo, LESSONS, crlf);
    ok(await sb.memory(repo, ["add", "lesson", "Windows", "-m", "two\nlines"]));
    const text = sb.read(repo, LESSONS);
    expect(text.startsWith(crlf)).toBe(true);
    expect(text.slice(crlf.length)).not.toMatch(/[^\r]\n/);
    expect(parseBuffer(text).entries.map((e) => e.body)).toEqual(["two\nlines"]);
  });
});

describe("a harvest lands whole or not at all", () => {
  async function ready(): Promise<{ sb: Sandbox; repo: string; before: string; head: string }> {
    const { sb, repo } = await initialized();
    for (let i = 0; i < 5; i++) ok(await sb.memory(repo, ["add", "decision", `Decision ${i}`, "-m", `Because ${i}.`]));
    ok(await sb.memory(repo, ["save", "--no-push"]));
    return { sb, repo, before: sb.read(repo, `${BANK}/decisions-inbox.md`), head: sb.git(repo, "rev-parse", "HEAD").trim() };
  }

  it("a commit git refuses (signing fails) leaves the buffers, the docs and HEAD as they were", async () => {
    const { sb, repo, before, head } = await ready();
    sb.git(repo, "config", "commit.gpgsign", "true");
    sb.git(repo, "config", "gpg.program", "false");
    const res = await sb.memory(repo, ["harvest", "--yes", "--no-push"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("git could not make the commit");
    expect(sb.read(repo, `${BANK}/decisions-inbox.md`)).toBe(before);
    expect(existsSync(join(repo, "Docs/03-Reference/ADR"))).toBe(false);
    expect(sb.git(repo, "rev-parse", "HEAD").trim()).toBe(head);
    expect(sb.git(repo, "status", "--porcelain")).toBe("");
  });

  it("a file where the ADR folder should be stops it before anything changes", async () => {
    const { sb, repo, before, head } = await ready();
    sb.write(repo, "Docs/03-Reference/ADR", "not a folder\n");
    const res = await sb.memory(repo, ["harvest", "--yes", "--no-push"]);
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toContain("Docs/03-Reference/ADR");
    expect(sb.read(repo, `${BANK}/decisions-inbox.md`)).toBe(before);
    expect(sb.git(repo, "rev-parse", "HEAD").trim()).toBe(head);
  });

  it("stopped after the branch moved and before the files followed, the next command finishes it", async () => {
    const { sb, repo, head } = await ready();
    // The state a kill -9 leaves between the two steps: the harvest commit is HEAD, the files are old.
    const harvested = await sb.memory(repo, ["harvest", "--yes", "--no-push", "--json"]);
    const commit = JSON.parse(ok(harvested).stdout).commit as string;
    const after = sb.read(repo, `${BANK}/decisions-inbox.md`);
    const adrs = sb.git(repo, "ls-tree", "--name-only", "HEAD", "Docs/03-Reference/ADR/").trim().split("\n");
    sb.git(repo, "reset", "-q", "--hard", head);
    sb.git(repo, "update-ref", "HEAD", commit);
    const blobs = sb.git(repo, "ls-tree", "-r", commit).trim().split("\n").map((l) => l.split(/\s+/));
    const files = blobs.filter(([, , , p]) => p!.startsWith(BANK) || p!.startsWith("Docs/") || p === ".gitattributes").map(([, , sha, p]) => [p, sha]);
    sb.write(repo, ".git/memory/harvest-journal.json", JSON.stringify({ from: head, to: commit, message: "harvest", files }));
    expect(sb.git(repo, "status", "--porcelain")).not.toBe("");

    const id = ok(await sb.memory(repo, ["add", "decision", "After the stop"])).stdout.trim();
    const inbox = parseBuffer(sb.read(repo, `${BANK}/decisions-inbox.md`)).entries.map((e) => e.id);
    expect(inbox).toEqual([...parseBuffer(after).entries.map((e) => e.id), id]);
    expect(adrs.every((a) => existsSync(join(repo, a)))).toBe(true);
    expect(existsSync(join(repo, ".git/memory/harvest-journal.json"))).toBe(false);
    expect(sb.git(repo, "status", "--porcelain")).toBe(` M ${BANK}/decisions-inbox.md\n`);
  });
});

describe("a harvest stopped before the branch moved", () => {
  it("is rolled forward by the next command, and a buffer edited meanwhile keeps the edit", async () => {
    const { sb, repo } = await initialized();
    for (let i = 0; i < 5; i++) ok(await sb.memory(repo, ["add", "decision", `Decision ${i}`]));
    ok(await sb.memory(repo, ["add", "pattern", "Kept by hand"]));
    ok(await sb.memory(repo, ["save", "--no-push"]));
    const head = sb.git(repo, "rev-parse", "HEAD").trim();
    const commit = JSON.parse(ok(await sb.memory(repo, ["harvest", "--yes", "--no-push", "--only", "decisions", "--json"])).stdout).commit as string;
    const files = sb.git(repo, "diff", "--name-only", head, commit).trim().split("\n").map((p) => [p, sb.git(repo, "rev-parse", `${commit}:${p}`).trim()]);
    // Back to where a kill -9 right after writing the journal leaves things: HEAD, index and files untouched.
    sb.git(repo, "reset", "-q", "--hard", head);
    sb.write(repo, ".git/memory/harvest-journal.json", JSON.stringify({ from: head, to: commit, message: "harvest", files }));
    const patterns = `${BANK}/patterns-buffer.md`;
    sb.write(repo, `${BANK}/SESSION_LOG.md`, `${sb.read(repo, `${BANK}/SESSION_LOG.md`)}- a line a person added meanwhile\n`);

    ok(await sb.memory(repo, ["status"]));
    ok(await sb.memory(repo, ["add", "pattern", "After the stop"]));
    expect(sb.git(repo, "rev-parse", "HEAD").trim()).toBe(commit);
    expect(parseBuffer(sb.read(repo, `${BANK}/decisions-inbox.md`)).entries).toEqual([]);
    expect(readdirSync(join(repo, "Docs/03-Reference/ADR"))).toHaveLength(5);
    expect(sb.read(repo, `${BANK}/SESSION_LOG.md`)).toContain("- a line a person added meanwhile");
    expect(titles(sb.read(repo, patterns))).toEqual(["Kept by hand", "After the stop"]);
    expect(existsSync(join(repo, ".git/memory/harvest-journal.json"))).toBe(false);
  });
});

describe("a remote whose history was rewritten", () => {
  it("is not merged back by a stale clone (a purged secret stays purged), and the way back is said", async () => {
    const { sb, origin, dev, qa } = await devAndQa();
    const clean = sb.git(dev, "rev-parse", "HEAD").trim();
    ok(await sb.memory(dev, ["add", "lesson", "Leaked", "-m", "token: purge-me-4711"]));
    ok(await sb.memory(dev, ["save", "--allow-secret"]));
    ok(await sb.memory(qa, ["start"]));
    expect(sb.read(qa, LESSONS)).toContain("purge-me-4711");

    // The team purges it: dev resets and force-pushes.
    sb.git(dev, "reset", "-q", "--hard", clean);
    sb.git(dev, "push", "-q", "--force", "origin", "main");
    ok(await sb.memory(qa, ["add", "pattern", "Written after the leak"]));
    const res = await sb.memory(qa, ["save"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("origin/main was rewritten (force-pushed)");
    expect(res.stderr).toContain("git reset --keep origin/main");
    // Every later sync refuses too (an agent's hook runs one each session), also after a forced fetch alone.
    expect((await sb.memory(qa, ["start"])).code).toBe(1);
    sb.git(qa, "fetch", "-q", "--force", "origin", "main:refs/remotes/origin/main");
    const afterFetch = await sb.memory(qa, ["save"]);
    expect(afterFetch.code).toBe(1);
    expect(afterFetch.stderr).toContain("was rewritten");
    expect(sb.git(origin, "log", "-p", "--all")).not.toContain("purge-me-4711");
    // The way back the message gives: keep the work, move to the new history, add it again.
    sb.git(qa, "branch", "memory-before-rewrite");
    sb.git(qa, "reset", "-q", "--keep", "origin/main");
    ok(await sb.memory(qa, ["add", "pattern", "Written after the leak"]));
    ok(await sb.memory(qa, ["save"]));
    expect(sb.git(origin, "log", "-p", "--all")).not.toContain("purge-me-4711");
  });
});

describe("a bank file is only created empty when the remote has none", () => {
  async function teamWithEntries(): Promise<{ sb: Sandbox; origin: string; dev: string }> {
    const sb = new Sandbox();
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["add", "lesson", "The team's lesson"]));
    sb.write(dev, `${BANK}/activeContext.md`, sb.read(dev, `${BANK}/activeContext.md`).replace("## Current focus", "## Current focus\n\nShipping the team's release."));
    ok(await sb.memory(dev, ["save"], { env: { MEMORY_NOW: "2026-11-20T10:00:00Z" } }));
    return { sb, origin, dev };
  }

  it("git init, remote add, init, start: the team's context and entries are kept", async () => {
    const { sb, origin, dev } = await teamWithEntries();
    const fresh = join(sb.dir, "fresh");
    sb.git(sb.dir, "init", "-q", "-b", "main", fresh);
    sb.git(fresh, "remote", "add", "origin", origin);
    ok(await sb.memory(fresh, ["init", "--persona", "newcomer"], { env: { MEMORY_NOW: "2026-11-28T10:00:00Z" } }));
    ok(await sb.memory(fresh, ["start"], { env: { MEMORY_NOW: "2026-11-28T10:00:00Z" } }));
    expect(sb.read(fresh, `${BANK}/activeContext.md`)).toContain("Shipping the team's release.");
    expect(titles(sb.read(fresh, LESSONS))).toEqual(["The team's lesson"]);
    ok(await sb.memory(dev, ["start"]));
    expect(sb.read(dev, `${BANK}/activeContext.md`)).toContain("Shipping the team's release.");
  });

  it("a sparse checkout without .claude/ does not publish empty buffers over the team's", async () => {
    const { sb, origin } = await teamWithEntries();
    const sparse = sb.clone(origin, "sparse");
    sb.write(sparse, "src/app.ts", "");
    sb.git(sparse, "sparse-checkout", "set", "src");
    expect(existsSync(join(sparse, LESSONS))).toBe(false);
    ok(await sb.memory(sparse, ["init", "--persona", "qa"]));
    ok(await sb.memory(sparse, ["save"]));
    expect(titles(sb.git(origin, "show", `main:${LESSONS}`))).toEqual(["The team's lesson"]);
  });

  it("doctor --fix restores a deleted buffer from the branch, not from the empty template", async () => {
    const { sb, dev } = await teamWithEntries();
    const before = sb.read(dev, LESSONS);
    rmSync(join(dev, LESSONS));
    ok(await sb.memory(dev, ["doctor", "--fix"]));
    expect(sb.read(dev, LESSONS)).toBe(before);
    ok(await sb.memory(dev, ["save"]));
  });
});

const titles = (text: string): string[] => parseBuffer(text).entries.map((e) => e.title);

describe("doctor and a merge left unfinished", () => {
  it("after a plain git pull conflicts in Patterns.md, doctor reports it and --fix re-merges and concludes", async () => {
    const { sb, origin, dev, qa } = await devAndQa();
    ok(await sb.memory(qa, ["add", "pattern", "From qa"]));
    ok(await sb.memory(qa, ["harvest", "--all", "--no-push"]));
    ok(await sb.memory(dev, ["add", "pattern", "From dev"]));
    ok(await sb.memory(dev, ["harvest", "--all"]));
    for (const s of ["union", "latest", "log"]) sb.git(qa, "config", "--local", "--remove-section", `merge.memory-${s}`);
    expect(() => sb.git(qa, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")).toThrow(/git pull .* failed/);
    const doc = "Docs/03-Reference/Patterns.md";
    const found = await sb.memory(qa, ["doctor"]);
    expect(found.code).toBe(3);
    expect(found.stdout).toContain(`${doc} is unmerged`);
    expect(found.stdout).toContain("a merge is in progress");
    ok(await sb.memory(qa, ["doctor", "--fix"]));
    expect(existsSync(join(qa, ".git", "MERGE_HEAD"))).toBe(false);
    expect(titles(sb.read(qa, doc)).sort()).toEqual(["From dev", "From qa"]);
    expect(sb.git(qa, "status", "--porcelain")).toBe("");
  });
});

describe("text without an entry marker is never invisible", () => {
  it("is counted by status and harvest, reported by doctor, and adopted by doctor --fix with its date and author", async () => {
    const { sb, repo } = await initialized();
    const path = `${BANK}/patterns-buffer.md`;
    sb.write(repo, path, `${sb.read(repo, path)}\n## 2025-07-15 Cache keys carry the locale\n\n**Date**: 2025-07-15\nWe saw stale pages.\n\n## Retry with jitter\n\nSix tries.\n`);
    sb.git(repo, "add", path);
    sb.git(repo, "-c", "user.name=Ada Writer", "commit", "-q", "-m", "notes by hand");

    const status = JSON.parse(ok(await sb.memory(repo, ["status", "--json"])).stdout);
    expect(status.buffers[0]).toMatchObject({ items: 0, unmarked: 2 });
    expect(ok(await sb.memory(repo, ["status"])).stdout).toContain("2 unmarked sections");
    expect(ok(await sb.memory(repo, ["harvest", "--all", "--dry-run"])).stdout).toContain("2 hand-written sections are not entries yet");

    const found = await sb.memory(repo, ["doctor"]);
    expect(found.code).toBe(3);
    expect(found.stdout).toContain(`${path}:6: "2025-07-15 Cache keys carry the locale" is not an entry`);
    ok(await sb.memory(repo, ["doctor", "--fix"], { env: { MEMORY_NOW: "2026-11-28T10:00:00Z" } }));
    const entries = parseBuffer(sb.read(repo, path)).entries;
    expect(entries.map((e) => [e.title, e.createdAt, e.author, e.type])).toEqual([
      ["2025-07-15 Cache keys carry the locale", "2025-07-15T00:00:00Z", "Ada Writer", "pattern"],
      ["Retry with jitter", expect.stringMatching(/^\d{4}-\d\d-\d\dT/), "Ada Writer", "pattern"],
    ]);
    expect(entries[0]!.body).toBe("**Date**: 2025-07-15\nWe saw stale pages.");
    expect(entries[1]!.body).toBe("Six tries.");
    expect(JSON.parse(ok(await sb.memory(repo, ["status", "--json"])).stdout).buffers[0]).toMatchObject({ items: 2 });
    ok(await sb.memory(repo, ["doctor"]));
  });
});

describe("two clones that set up the bank before either shared it", () => {
  it("merge their .gitattributes as text, so the first sync between them goes through", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    const qa = sb.clone(origin, "qa");
    sb.write(dev, ".claude/memory.config.json", JSON.stringify({ version: 1, buffers: { preferences: { file: "preferences.md", types: ["preference"] } } }));
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    ok(await sb.memory(dev, ["add", "preference", "Tabs"]));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["add", "pattern", "From qa"]));
    ok(await sb.memory(qa, ["start"]));
    expect(sb.read(qa, ".gitattributes")).toContain(`${BANK}/preferences.md merge=memory-union`);
    expect(titles(sb.read(qa, `${BANK}/preferences.md`))).toEqual(["Tabs"]);
    ok(await sb.memory(qa, ["save"]));
    ok(await sb.memory(dev, ["start"]));
    expect(titles(sb.read(dev, `${BANK}/patterns-buffer.md`))).toEqual(["From qa"]);
  });
});

describe("quiet history", () => {
  it("a start with nothing of its own makes no commit; its log line travels with the next save", async () => {
    const { sb, dev, qa } = await devAndQa();
    ok(await sb.memory(qa, ["start"]));
    const before = sb.git(qa, "rev-list", "--count", "HEAD").trim();
    ok(await sb.memory(qa, ["start"], { env: { MEMORY_NOW: "2026-11-28T09:00:00Z" } }));
    ok(await sb.memory(qa, ["start"], { env: { MEMORY_NOW: "2026-11-28T09:05:00Z" } }));
    expect(sb.git(qa, "rev-list", "--count", "HEAD").trim()).toBe(before);
    expect(sb.git(qa, "status", "--porcelain")).toBe("");
    ok(await sb.memory(qa, ["add", "pattern", "Worth a commit"]));
    ok(await sb.memory(qa, ["save"]));
    const log = sb.git(qa, "show", `HEAD:${BANK}/SESSION_LOG.md`);
    expect(log).toContain("- 2026-11-28T09:00:00Z · qa · start");
    expect(log).toContain("- 2026-11-28T09:05:00Z · qa · start");
    ok(await sb.memory(dev, ["start"]));
    expect(sb.read(dev, `${BANK}/SESSION_LOG.md`)).toContain("- 2026-11-28T09:05:00Z · qa · start");
  });
});

describe("start's digest", () => {
  it("tells what others added, harvested (and where), changed and removed, and the new docs", async () => {
    const { sb, dev, qa } = await devAndQa();
    ok(await sb.memory(qa, ["add", "lesson", "Qa's lesson to edit"]));
    ok(await sb.memory(qa, ["add", "lesson", "Qa's lesson to remove"]));
    ok(await sb.memory(qa, ["save"]));
    ok(await sb.memory(dev, ["start"]));
    for (let i = 0; i < 5; i++) ok(await sb.memory(qa, ["add", "decision", `Decision ${i}`]));
    ok(await sb.memory(qa, ["harvest", "--yes"]));
    const lessons = sb.read(qa, LESSONS);
    const blocks = lessons.split("<!-- entry");
    const edited = blocks[0] + "<!-- entry" + blocks[1]!.replace("## Qa's lesson to edit", "## Qa's lesson to edit, edited");
    sb.write(qa, LESSONS, edited.trimEnd() + "\n");
    ok(await sb.memory(qa, ["save"]));

    const digest = JSON.parse(ok(await sb.memory(dev, ["start", "--json"])).stdout);
    expect(digest.newEntries).toEqual([]);
    expect(digest.harvested.map((h: { title: string; doc: string }) => [h.title, h.doc.startsWith("Docs/03-Reference/ADR/ADR-00")])).toEqual(
      Array.from({ length: 5 }, (_, i) => [`ADR-00${i + 1}: Decision ${i}`, true]),
    );
    expect(digest.edited.map((e: { title: string }) => e.title)).toEqual(["Qa's lesson to edit, edited"]);
    expect(digest.removed.map((e: { title: string }) => e.title)).toEqual(["Qa's lesson to remove"]);
    expect(digest.newDocs).toHaveLength(5);
    const text = ok(await sb.memory(dev, ["start"])).stdout;
    expect(text).toContain("Nothing new from others since you last looked.");
  });
});

describe("found in review", () => {
  it("leaves other people's *.tmp files alone, and a failed commit does not write log lines twice", async () => {
    const { sb, repo } = await initialized();
    sb.write(repo, `${BANK}/export.31337.tmp`, "mine\n");
    sb.write(repo, "Docs/03-Reference/budget.2024.tmp", "mine too\n");
    ok(await sb.memory(repo, ["add", "pattern", "One"]));
    expect(sb.read(repo, `${BANK}/export.31337.tmp`)).toBe("mine\n");
    expect(sb.read(repo, "Docs/03-Reference/budget.2024.tmp")).toBe("mine too\n");

    const log = sb.read(repo, `${BANK}/SESSION_LOG.md`);
    sb.git(repo, "config", "commit.gpgsign", "true");
    sb.git(repo, "config", "gpg.program", "false");
    expect((await sb.memory(repo, ["save", "--no-push"])).code).toBe(1);
    expect(sb.read(repo, `${BANK}/SESSION_LOG.md`)).toBe(log);
    sb.git(repo, "config", "commit.gpgsign", "false");
    ok(await sb.memory(repo, ["save", "--no-push"]));
    const saved = sb.read(repo, `${BANK}/SESSION_LOG.md`).split("\n").filter((l) => l.includes(" · save · "));
    expect(saved).toHaveLength(1);
  });

  it("a config file the team's .gitignore hides stays local", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    sb.write(dev, ".gitignore", ".claude/memory.config.json\n");
    sb.git(dev, "rm", "-q", "--cached", ".claude/memory.config.json");
    sb.git(dev, "add", ".gitignore");
    sb.git(dev, "commit", "-q", "-m", "ignore the local config");
    sb.write(dev, ".claude/memory.config.json", JSON.stringify({ buffers: { patterns: { threshold: 3 } } }));
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    expect(sb.git(origin, "ls-tree", "-r", "--name-only", "main")).not.toContain("memory.config.json");
    expect(sb.git(origin, "ls-tree", "-r", "--name-only", "main")).toContain(`${BANK}/patterns-buffer.md`);
  });
});
