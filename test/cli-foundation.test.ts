/** init, add, status, doctor, config and the command line, run in-process; e2e.test.ts runs each as a process. */
import { describe, expect, it } from "vitest";
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { basename, join } from "node:path";
import { BANK, ROOT, Sandbox, modulesLoaded } from "./helpers.js";
import { BANK_FILES, NOW, initialized, ok, solo } from "./fixtures.js";
import { parseBuffer } from "../src/core/entries.js";
import { checkedBuffer, countsBefore } from "../src/bank/checked.js";
import fc from "fast-check";
import { fastAdd } from "../src/cli/fast.js";
import { buildProgram } from "../src/cli/main.js";
import { createOutput } from "../src/ui/output.js";
import { countBuffer } from "../src/core/thresholds.js";

describe("memory init", () => {
  it("changes nothing the second time", async () => {
    const { sb, repo } = await initialized();
    const before = { attrs: sb.read(repo, ".gitattributes"), config: sb.read(repo, ".git/config"), ctx: sb.read(repo, `${BANK}/activeContext.md`) };
    const again = await sb.memory(repo, ["init"], { env: { MEMORY_NOW: "2027-01-01T00:00:00Z" } });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("nothing changed");
    expect(sb.read(repo, ".gitattributes")).toBe(before.attrs);
    expect(sb.read(repo, ".git/config")).toBe(before.config);
    expect(sb.read(repo, `${BANK}/activeContext.md`)).toBe(before.ctx);
  });

  it("in a clone of a repo that has a bank, only registers drivers and persona", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const a = sb.clone(origin, "a");
    expect((await sb.memory(a, ["init", "--persona", "dev"])).code).toBe(0);
    sb.git(a, "add", "-A");
    sb.git(a, "commit", "-q", "-m", "bank");
    sb.git(a, "push", "-q", "origin", "main");
    const b = sb.clone(origin, "b");
    const res = await sb.memory(b, ["init", "--persona", "qa", "--json"]);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.created).toEqual([]);
    expect(out.attributes).toEqual({ added: [], updated: [] });
    expect(out.configured).toContain("merge.memory-union.driver");
    expect(out.configured).toContain("memory.persona");
    expect(sb.git(b, "status", "--porcelain")).toBe("");
  });

  it("refuses outside a git repository and without a persona", async () => {
    const sb = new Sandbox();
    const res = await sb.memory(sb.dir, ["init", "--persona", "dev"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^memory: not inside a git work tree .*git init/);
    const repo = sb.repo();
    const none = await sb.memory(repo, ["init"], { env: { GIT_CONFIG_GLOBAL: "/dev/null" } });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no persona for this clone; pass --persona NAME");
    expect(existsSync(join(repo, BANK))).toBe(false);
  });
});

describe("memory add", () => {
  it("appends an entry with id, author, time, type, title, tags and body, and prints the id", async () => {
    const { sb, repo } = await initialized();
    const res = await sb.memory(repo, ["add", "pattern", "Retry pushes with jitter", "-m", "Back off.\n\n## Detail\n```\n## fenced\n```", "--tags", "git, sync"], { env: NOW });
    expect(res.code, res.stderr).toBe(0);
    const id = res.stdout.trim();
    expect(id).toMatch(/^[0-9A-Z]{26}$/);
    const doc = parseBuffer(sb.read(repo, `${BANK}/patterns-buffer.md`));
    expect(doc.entries).toHaveLength(1);
    expect(doc.entries[0]).toMatchObject({
      id,
      type: "pattern",
      author: "dev",
      createdAt: "2026-11-22T10:00:00Z",
      title: "Retry pushes with jitter",
      tags: ["git", "sync"],
      body: "Back off.\n\n## Detail\n```\n## fenced\n```",
    });
  });

  it("warns on stderr when a buffer nears its threshold, keeping stdout to the id", async () => {
    const { sb, repo } = await initialized();
    let last = await sb.memory(repo, ["add", "decision", "one"]);
    for (const t of ["two", "three", "four"]) last = await sb.memory(repo, ["add", "decision", t]);
    expect(last.stdout.trim()).toMatch(/^[0-9A-Z]{26}$/);
    expect(last.stderr).toContain("decisions-inbox has 4 items (near harvest threshold 5)");
  });

  it("refuses unknown types (usage, exit 2), a missing bank, and a broken buffer without touching it", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const noBank = await sb.memory(repo, ["add", "pattern", "x", "--persona", "dev"]);
    expect([noBank.code, noBank.stderr.trim()]).toEqual([1, "memory: no memory bank at .claude/memory-bank; run `memory init` first"]);
    await sb.memory(repo, ["init", "--persona", "dev"]);
    const bad = await sb.memory(repo, ["add", "idea", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown entry type "idea"; use one of: pattern, lesson, solution, bug, gotcha, decision');
    const broken = "# P\n\n<!-- entry id=a -->\nno heading\n";
    sb.write(repo, `${BANK}/patterns-buffer.md`, broken);
    const res = await sb.memory(repo, ["add", "pattern", "x"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^memory: \.claude\/memory-bank\/patterns-buffer\.md:4: entry a has no title heading;/);
    expect(sb.read(repo, `${BANK}/patterns-buffer.md`)).toBe(broken);
  });
});

describe("memory status", () => {
  it("counts commits waiting to be pushed and commits behind the remote", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const a = sb.clone(origin, "a");
    const b = sb.clone(origin, "b");
    await sb.memory(a, ["init", "--persona", "dev"]);
    await sb.memory(b, ["init", "--persona", "qa"]);
    sb.git(a, "add", "-A");
    sb.git(a, "commit", "-q", "-m", "one");
    sb.git(a, "push", "-q", "origin", "main");
    sb.git(b, "fetch", "-q");
    sb.git(b, "commit", "-q", "--allow-empty", "-m", "local");
    const s = JSON.parse((await sb.memory(b, ["status", "--json"])).stdout);
    expect(s).toMatchObject({ remote: "origin", upstream: "origin/main", ahead: 1, behind: 1, pendingPush: 1, persona: "qa" });
  });

  it("says a clone without a remote keeps its saves, and nothing about an upstream it does not have", async () => {
    const { sb, repo } = await initialized();
    const res = ok(await sb.memory(repo, ["status"]));
    expect(res.stdout).toContain("No remote: saves stay in this clone.");
    expect(res.stdout).not.toContain("null");
  });

  it("refuses without a bank", async () => {
    const sb = new Sandbox();
    const res = await sb.memory(sb.repo(), ["status"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("run `memory init` first");
  });
});

describe("memory doctor", () => {
  it("passes on a fresh bank", async () => {
    const { sb, repo } = await initialized();
    const res = await sb.memory(repo, ["doctor", "--json"]);
    expect(res.code, res.stdout).toBe(0);
    expect(JSON.parse(res.stdout).ok).toBe(true);
  });

  it("sees an override in .git/info/attributes, conflict markers, a bad stamp and duplicate ADR numbers", async () => {
    const { sb, repo } = await initialized();
    sb.write(repo, ".git/info/attributes", `${BANK}/lessons-buffer.md merge=text\n`);
    sb.write(repo, `${BANK}/patterns-buffer.md`, "# P\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> theirs\n");
    sb.write(repo, `${BANK}/activeContext.md`, "---\nupdated: someday\n---\n# Ctx\n");
    sb.write(repo, "Docs/03-Reference/ADR/ADR-004-a.md", "# a\n");
    sb.write(repo, "Docs/03-Reference/ADR/ADR-004-b.md", "# b\n");
    const res = await sb.memory(repo, ["doctor"]);
    expect(res.code).toBe(3);
    expect(res.stdout).toContain(`${BANK}/lessons-buffer.md merges with "text", not memory-union`);
    expect(res.stdout).toContain(`${BANK}/patterns-buffer.md:2: git conflict markers`);
    expect(res.stdout).toContain(`${BANK}/activeContext.md:2: updated: "someday" is not an ISO 8601 time`);
    expect(res.stdout).toContain("ADR number 4 is used by Docs/03-Reference/ADR/ADR-004-a.md and Docs/03-Reference/ADR/ADR-004-b.md");
  });

  it("reports a missing bank and --fix creates it", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    expect((await sb.memory(repo, ["doctor"])).code).toBe(3);
    const res = await sb.memory(repo, ["doctor", "--fix"]);
    expect(res.code, res.stdout).toBe(0);
    expect(readdirSync(join(repo, BANK)).sort()).toEqual([...BANK_FILES].sort());
  });
});

describe("memory config and the command line", () => {
  it("prints the effective config, whose JSON is a valid config file", async () => {
    const { sb, repo } = await initialized("dev", "branch");
    const res = await sb.memory(repo, ["config", "--json"]);
    expect(res.stderr).toContain("defaults");
    sb.write(repo, ".claude/memory.config.json", res.stdout.replace('"threshold": 15', '"threshold": 2'));
    const again = await sb.memory(repo, ["config"]);
    expect(again.stdout).toContain("buffers.lessons.threshold = 2");
    expect(again.stderr).toContain("from .claude/memory.config.json");
    await sb.memory(repo, ["add", "lesson", "a", "-m", "x"]);
    expect(JSON.parse((await sb.memory(repo, ["status", "--json"])).stdout).buffers[1]).toMatchObject({ threshold: 2, ready: true });
  });

  it("refuses a bad config with the setting's name", async () => {
    const { sb, repo } = await initialized();
    sb.write(repo, ".claude/memory.config.json", '{"version": 1, "buffers": {"patterns": {"unit": "words"}}}');
    const res = await sb.memory(repo, ["status"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('.claude/memory.config.json: buffers.patterns.unit must be one of "lines", "items"');
  });

  it("honours MEMORY_NOW and refuses a bad one", async () => {
    const { sb, repo } = await initialized();
    const res = await sb.memory(repo, ["add", "pattern", "x"], { env: { MEMORY_NOW: "not a time" } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("MEMORY_NOW is not an ISO 8601 time");
  });
});

describe("the lock", () => {
  it("takes over a lock left by a process that no longer exists", async () => {
    const { sb, repo } = await initialized();
    sb.write(repo, ".git/memory.lock", "999999\n");
    const res = await sb.memory(repo, ["add", "pattern", "after a crash"]);
    expect(res.code, res.stderr).toBe(0);
    expect(existsSync(join(repo, ".git/memory.lock"))).toBe(false);
  });
});

describe("memory config set", () => {
  it("changes one setting, validated before anything is written; the rest of the file stays", async () => {
    const { sb, repo } = await initialized("dev", "branch");
    ok(await sb.memory(repo, ["config", "set", "buffers.patterns.threshold", "30"]));
    ok(await sb.memory(repo, ["config", "set", "recall.halfLife.decision", "730"]));
    const file = JSON.parse(sb.read(repo, ".claude/memory.config.json"));
    expect(file).toEqual({ buffers: { patterns: { threshold: 30 } }, recall: { halfLife: { decision: 730 } } });
    const before = sb.read(repo, ".claude/memory.config.json");
    const typo = await sb.memory(repo, ["config", "set", "buffers.patterns.treshold", "3"]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('did you mean "threshold"?');
    const bad = await sb.memory(repo, ["config", "set", "buffers.patterns.threshold", "zero"]);
    expect(bad.code).toBe(1);
    expect(sb.read(repo, ".claude/memory.config.json")).toBe(before);
    expect(JSON.parse(ok(await sb.memory(repo, ["config", "--json"])).stdout).buffers.patterns.threshold).toBe(30);
  });
});

describe("the commonest calls skip the argument parser", () => {
  it("status, start, save and the agents' hooks never load commander; any other call, or an unknown flag, does", async () => {
    const { sb, dev } = await solo();
    const parser = (text: string) => /node_modules\/commander\//.test(text);
    for (const args of [["status"], ["status", "--json"], ["start", "--json"], ["save"], ["save", "--no-push", "--json"], ["save", "--hook"], ["context", "--hook"]]) {
      expect(parser(modulesLoaded(sb, dev, args, "{}")), args.join(" ")).toBe(false);
    }
    // A bare status loads one file of ours, and neither the process module nor crypto while its refs and
    // git's config are read from files (the config is kept once git was asked).
    modulesLoaded(sb, dev, ["status"]);
    const status = modulesLoaded(sb, dev, ["status"]);
    expect([...new Set(status.match(/\/dist\/[^\n]*/g))]).toEqual([expect.stringMatching(/\/dist\/bundle\/status\.cjs$/)]);
    expect(status).not.toMatch(/node:(child_process|crypto)/);
    expect(parser(modulesLoaded(sb, dev, ["list"]))).toBe(true);
    expect(parser(modulesLoaded(sb, dev, ["save", "-m", "with a message"]))).toBe(true);
    // The fast path answers as the parser does: an unknown flag is a usage error, with the parser's words.
    const bad = sb.memoryCli(dev, ["status", "--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option '--bogus'");
    const json = JSON.parse(ok(sb.memoryCli(dev, ["status", "--json"])).stdout);
    expect(json.persona).toBe("dev");
    // Names an object has of its own kind are no commands.
    for (const name of ["constructor", "toString", "__proto__"]) expect(sb.memoryCli(dev, [name], { input: "{}" }).code).toBe(2);
  });
});

describe("add on the fast path", () => {
  it("takes a body, tags and --json without the parser, and gives the same entry; help and other flags go to the parser", async () => {
    const { sb, dev } = await solo();
    const parser = (text: string) => /node_modules\/commander\//.test(text);
    expect(parser(modulesLoaded(sb, dev, ["add", "pattern", "Fast one", "-m", "the body", "--tags", "a,b", "--json"]))).toBe(false);
    expect(parser(modulesLoaded(sb, dev, ["remember", "lesson", "From stdin", "-m", "-"], "piped body\n"))).toBe(false);
    expect(parser(modulesLoaded(sb, dev, ["add", "decision", "Slow one", "--expires", "30d"]))).toBe(true);
    expect(parser(modulesLoaded(sb, dev, ["add", "--help"]))).toBe(true);
    const doc = parseBuffer(sb.read(dev, `${BANK}/patterns-buffer.md`));
    expect(doc.entries.map((e) => [e.title, e.body, e.tags])).toEqual([["Fast one", "the body", ["a", "b"]]]);
    expect(parseBuffer(sb.read(dev, `${BANK}/lessons-buffer.md`)).entries.map((e) => [e.title, e.body])).toEqual([["From stdin", "piped body"]]);
    const json = JSON.parse(ok(sb.memoryCli(dev, ["add", "pattern", "Second", "--json"])).stdout);
    expect(json.file).toBe(`${BANK}/patterns-buffer.md`);
    // A type the config does not know: the parser's words, and exit 1.
    const bad = sb.memoryCli(dev, ["add", "recipe", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown entry type "recipe"');
  });

  it("reads the words and flags exactly as the parser does, or leaves the call to it", async () => {
    const words = ["pattern", "lesson", "Title", "a,b", "dev", "", "x y"];
    const token = fc.oneof(fc.constantFrom(...words), fc.constantFrom("-m", "--message", "--tags", "--persona", "--json", "-", "--private", "--tags=a", "-h", "--", "-mX"));
    let taken = 0;
    await fc.assert(
      // (Two words, then flags and more tokens, mixed: most calls have the words and some flags.)
      fc.asyncProperty(fc.tuple(fc.constantFrom(...words), fc.constantFrom(...words), fc.array(token, { maxLength: 5 }), fc.nat()), async ([a, b, more, at]) => {
        const args = [...more.slice(0, at % (more.length + 1)), a, b, ...more.slice(at % (more.length + 1))];
        const fast = fastAdd(args);
        if (fast === null) return;
        taken++;
        let parsed: unknown = null;
        const io = { cwd: ROOT, env: {}, stdout: { write: () => {} }, stderr: { write: () => {} }, stdinIsTTY: false, readStdin: async () => "" };
        const program = buildProgram(await createOutput(io), ["node", "memory", "add", ...args]);
        program.commands.find((c) => c.name() === "add")!.action((type: string, title: string, o: Record<string, unknown>) => {
          parsed = { type, title, flags: o };
        });
        await program.parseAsync(["node", "memory", "add", ...args]);
        expect(fast).toEqual(parsed);
      }),
      { numRuns: 500 },
    );
    expect(taken).toBeGreaterThan(50);
  });
});

/** A copy of the package's entry and one of its bundles, in `dir`: the cache tests damage caches the other tests use. */
function packageCopy(dir: string, bundle: string): string {
  const pkg = join(dir, "pkg");
  mkdirSync(join(pkg, "bin"), { recursive: true });
  mkdirSync(join(pkg, "dist", "bundle"), { recursive: true });
  for (const f of ["memory.js", "package.json"]) copyFileSync(join(ROOT, "bin", f), join(pkg, "bin", f));
  copyFileSync(join(ROOT, "dist", "bundle", bundle), join(pkg, "dist", "bundle", bundle));
  return pkg;
}

describe("the hot bundles' code cache", () => {
  it("is written beside the bundle after a first run, used after, and a damaged one is refused and written anew", async () => {
    const { sb, repo } = await initialized();
    const pkg = packageCopy(sb.dir, "status.cjs");
    const status = () => {
      const res = spawnSync(process.execPath, [join(pkg, "bin", "memory.js"), "status", "--json"], { cwd: repo, env: sb.env(), encoding: "utf8" });
      expect(res.status, res.stderr).toBe(0);
      return JSON.parse(res.stdout) as { persona: string };
    };
    const caches = () => readdirSync(join(pkg, "dist", "bundle")).filter((f) => f.endsWith(".cache"));
    expect(caches()).toEqual([]);
    expect(status().persona).toBe("dev");
    expect(caches()).toEqual([expect.stringMatching(/^status\.cjs\.\d+-\d+-\d+\.cache$/)]);
    const cache = join(pkg, "dist", "bundle", caches()[0]!);
    const made = readFileSync(cache);
    expect(status().persona).toBe("dev");
    expect(readFileSync(cache).equals(made)).toBe(true); // used, not written again
    writeFileSync(cache, Buffer.alloc(made.length, 7));
    expect(status().persona).toBe("dev");
    expect(readFileSync(cache).equals(Buffer.alloc(made.length, 7))).toBe(false);
    // A rebuilt bundle (another size or time) never meets the old cache: it gets its own, and the old one goes.
    appendFileSync(join(pkg, "dist", "bundle", "status.cjs"), "\n// rebuilt\n");
    expect(status().persona).toBe("dev");
    expect(caches()).toHaveLength(1);
    expect(caches()[0]).not.toBe(basename(cache));
    expect(readdirSync(join(pkg, "dist", "bundle")).filter((f) => f.endsWith(".runs"))).toEqual([`${caches()[0]}.runs`]);
  });

  it("made by one command, grows with what the next commands run, in the first runs after a build", async () => {
    const { sb, repo } = await initialized();
    const pkg = packageCopy(sb.dir, "fast.cjs");
    const run = (args: string[], input = "") => {
      const res = spawnSync(process.execPath, [join(pkg, "bin", "memory.js"), ...args], { cwd: repo, env: sb.env(), encoding: "utf8", input });
      expect(res.status, res.stderr).toBe(0);
    };
    const cache = () => {
      const name = readdirSync(join(pkg, "dist", "bundle")).find((f) => f.endsWith(".cache"))!;
      return { size: statSync(join(pkg, "dist", "bundle", name)).size, runs: readFileSync(join(pkg, "dist", "bundle", `${name}.runs`), "utf8") };
    };
    run(["context", "--hook"], "{}");
    const first = cache();
    expect(first.runs).toBe("1");
    // A save runs code the briefing did not: the cache made again holds both, and is kept.
    run(["save", "--no-push"]);
    const second = cache();
    expect(second.size).toBeGreaterThan(first.size);
    expect(second.runs).toBe("2");
    // The same command again adds next to nothing: the cache stays as it is.
    run(["save", "--no-push"]);
    expect(cache()).toEqual({ size: second.size, runs: "3" });
  });
});

describe("the hot bundles' code cache, where it cannot be written", () => {
  it("leaves the command as it was: same answer, nothing left behind", async () => {
    const { sb, repo } = await initialized();
    const pkg = packageCopy(sb.dir, "status.cjs");
    const bundle = join(pkg, "dist", "bundle", "status.cjs");
    // The cache's place is taken by a folder with something in it: the write's rename fails, as in a folder
    // the user may not write to.
    const st = statSync(bundle);
    const place = `${bundle}.${st.size}-${Math.floor(st.mtimeMs)}-${st.ino}.cache`;
    mkdirSync(place);
    writeFileSync(join(place, "keep"), "");
    for (let i = 0; i < 2; i++) {
      const res = spawnSync(process.execPath, [join(pkg, "bin", "memory.js"), "status", "--json"], { cwd: repo, env: sb.env(), encoding: "utf8" });
      expect(res.status, res.stderr).toBe(0);
      expect(res.stderr).toBe("");
      expect((JSON.parse(res.stdout) as { persona: string }).persona).toBe("dev");
    }
    expect(readdirSync(join(pkg, "dist", "bundle")).sort()).toEqual([basename(place), "status.cjs"].sort());
  });
});

/** A clone whose patterns buffer holds 700 entries (over 64 KB: a big buffer), written a moment ago. */
async function bigBuffer(): Promise<{ repo: string; rel: string; path: string; gitDir: string }> {
  const { sb, repo } = await initialized();
  const rel = `${BANK}/patterns-buffer.md`;
  const path = join(repo, rel);
  const entries = Array.from({ length: 700 }, (_, k) =>
    `<!-- entry id=01M8K0000000000000000${String(k).padStart(5, "0")} type=pattern by=dev at=2026-11-22T10:00:00Z -->\n## Pattern ${k}\n\nWhat was found, with enough words to make the buffer big.\n`);
  writeFileSync(path, `${sb.read(repo, rel)}\n${entries.join("\n")}`);
  return { repo, rel, path, gitDir: join(repo, ".git") };
}

describe("a buffer checked once", () => {
  it("is not scanned again while its text is the same, and any change to it is checked again", async () => {
    const { sb, repo } = await initialized();
    const path = join(repo, BANK, "patterns-buffer.md");
    const header = sb.read(repo, `${BANK}/patterns-buffer.md`);
    const entries = Array.from({ length: 700 }, (_, k) =>
      `<!-- entry id=01M8K0000000000000000${String(k).padStart(5, "0")} type=pattern by=dev at=2026-11-22T10:00:00Z -->\n## Pattern ${k}\n\nWhat was found, with enough words to make the buffer big.\n`);
    writeFileSync(path, `${header}\n${entries.join("\n")}`);
    const first = JSON.parse(ok(await sb.memory(repo, ["status", "--json"])).stdout);
    expect(first.buffers[0]).toMatchObject({ name: "patterns", items: 700 });
    const kept = JSON.parse(readFileSync(join(repo, ".git/memory/checked.json"), "utf8"));
    expect(Object.values(kept)).toContainEqual({ lines: 2100, items: 700, unmarked: 0 });
    // The same text: the same counts. A broken marker in it: refused, with its line.
    expect(JSON.parse(ok(await sb.memory(repo, ["status", "--json"])).stdout).buffers[0].items).toBe(700);
    writeFileSync(path, readFileSync(path, "utf8").replace("at=2026-11-22T10:00:00Z -->\n## Pattern 345\n", "at=yesterday -->\n## Pattern 345\n"));
    const broken = await sb.memory(repo, ["save"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/patterns-buffer\.md:\d+: entry 01M8K000000000000000000345 has at="yesterday"/);
  });

  it("is not even read while its file is the one found sound, and is read again once the file changes in any way", async () => {
    const { rel, path, gitDir } = await bigBuffer();
    // A file changed a moment ago is always read: a same-size edit in the same tick of the file system's
    // clock would keep its times. Once the tick is over (2 s covers the coarsest clock), its identity is kept.
    expect((await checkedBuffer(gitDir, path, rel))!.text).not.toBeNull();
    await new Promise((r) => setTimeout(r, 2100));
    await checkedBuffer(gitDir, path, rel);
    const again = (await checkedBuffer(gitDir, path, rel))!;
    expect(again).toEqual({ text: null, counts: { lines: 2100, items: 700, unmarked: 0 } });
    // Edited in place, the same size: read, checked and counted again.
    writeFileSync(path, readFileSync(path, "utf8").replace("## Pattern 345\n", "## Pattern 34X\n"));
    expect((await checkedBuffer(gitDir, path, rel))!.text).toContain("## Pattern 34X");
    writeFileSync(path, readFileSync(path, "utf8").replace("at=2026-11-22T10:00:00Z -->\n## Pattern 346\n", "at=yesterday -->\n## Pattern 346\n"));
    await expect(checkedBuffer(gitDir, path, rel)).rejects.toThrow(/entry 01M8K000000000000000000346 has at="yesterday"/);
    rmSync(path);
    expect(await checkedBuffer(gitDir, path, rel)).toBeNull();
  });

  it("written a moment ago, is kept by its identity once the file system's clock has moved on, under git's own id for its text", async () => {
    const { repo, rel, path, gitDir } = await bigBuffer();
    await new Promise((r) => setTimeout(r, 30)); // well under the 100 ms a file waits by the clock alone
    expect((await checkedBuffer(gitDir, path, rel))!.text).not.toBeNull();
    expect(await checkedBuffer(gitDir, path, rel)).toEqual({ text: null, counts: { lines: 2100, items: 700, unmarked: 0 } });
    // The text's key is the blob id git gives it: a text read from git is found by the id git names it with.
    const blob = spawnSync("git", ["hash-object", "--no-filters", path], { cwd: repo, encoding: "utf8" }).stdout.trim();
    expect(Object.keys(JSON.parse(readFileSync(join(gitDir, "memory", "checked.json"), "utf8")))).toContain(blob);
    expect(await countsBefore(gitDir, readFileSync(path, "utf8"), blob)).toEqual({ lines: 2100, items: 700, unmarked: 0 });
    // Changed again, at once: read again.
    appendFileSync(path, "\n");
    expect((await checkedBuffer(gitDir, path, rel))!.text).not.toBeNull();
  });

  it("small, is kept by its file alone: not read while unchanged, read and checked again after any edit", async () => {
    const { sb, repo } = await initialized();
    const rel = `${BANK}/patterns-buffer.md`;
    const path = join(repo, rel);
    const entry = (k: number, at = "2026-11-22T10:00:00Z") => `<!-- entry id=01M8K0000000000000000${String(k).padStart(5, "0")} type=pattern by=dev at=${at} -->\n## Pattern ${k}\n\nShort.\n`;
    writeFileSync(path, `${sb.read(repo, rel)}\n${[0, 1, 2].map((k) => entry(k)).join("\n")}`);
    const gitDir = join(repo, ".git");
    await new Promise((r) => setTimeout(r, 30));
    expect((await checkedBuffer(gitDir, path, rel))!.text).not.toBeNull();
    expect(await checkedBuffer(gitDir, path, rel)).toEqual({ text: null, counts: countBuffer(readFileSync(path, "utf8")) });
    // The same size, an entry that no longer reads: found, with its line.
    writeFileSync(path, readFileSync(path, "utf8").replace(entry(1), entry(1, "2026-11-22T10:00:0Z!")));
    await expect(checkedBuffer(gitDir, path, rel)).rejects.toThrow(/patterns-buffer\.md:\d+: entry 01M8K000000000000000000001 has at=/);
  });

  it("with entries appended after the text found sound, is counted as a full count does, and an appended error is named with its line", async () => {
    const { sb, repo } = await initialized();
    const rel = `${BANK}/patterns-buffer.md`;
    const path = join(repo, rel);
    const marker = (k: number, at = "2026-11-22T10:00:00Z") => `<!-- entry id=01M8K0000000000000000${String(k).padStart(5, "0")} type=pattern by=dev at=${at} -->`;
    const entry = (k: number, at?: string) => `${marker(k, at)}\n## Pattern ${k}\n\nWhat was found, with enough words to make the buffer big.\n`;
    writeFileSync(path, `${sb.read(repo, rel)}\n${Array.from({ length: 700 }, (_, k) => entry(k)).join("\n")}`);
    const gitDir = join(repo, ".git");
    const settle = () => new Promise((r) => setTimeout(r, 30));
    await settle();
    expect((await checkedBuffer(gitDir, path, rel))!.counts.items).toBe(700);
    const full = () => countBuffer(readFileSync(path, "utf8"));
    // One entry, then two more, each appended after what was found sound.
    appendFileSync(path, `\n${entry(700)}`);
    await settle();
    expect((await checkedBuffer(gitDir, path, rel))!.counts).toEqual({ ...full(), items: 701 });
    appendFileSync(path, `\n${entry(701)}\n${entry(702)}`);
    await settle();
    expect((await checkedBuffer(gitDir, path, rel))!.counts).toEqual({ ...full(), items: 703 });
    // An appended entry that reuses an id, or whose time does not read: refused, naming the line in the file.
    const good = readFileSync(path, "utf8");
    appendFileSync(path, `\n${entry(5)}`);
    await expect(checkedBuffer(gitDir, path, rel)).rejects.toThrow(/id 01M8K000000000000000000005/);
    writeFileSync(path, good);
    await settle();
    await checkedBuffer(gitDir, path, rel);
    appendFileSync(path, `\n${entry(703, "yesterday")}`);
    const line = readFileSync(path, "utf8").split("\n").indexOf(marker(703, "yesterday")) + 1;
    await expect(checkedBuffer(gitDir, path, rel)).rejects.toThrow(new RegExp(`patterns-buffer\\.md:${line}: entry 01M8K000000000000000000703 has at="yesterday"`));
  });
});
