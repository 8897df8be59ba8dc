/**
 * Nothing leaks and nothing crashes: paths that would leave the repository, symbolic links, bad config
 * paths, files that are folders, and a closed stdout. Each case was once a leak, a write outside the
 * repository or a stack trace.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BANK, CLI, Sandbox } from "./helpers.js";
import { findSecrets } from "../src/core/secrets.js";

function ok(run: { code: number; stderr: string; stdout: string }): typeof run {
  expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
  return run;
}

/** One line on stderr, no stack trace. */
function oneLine(run: { code: number; stderr: string }, code = 1): string {
  expect(run.code, run.stderr).toBe(code);
  const lines = run.stderr.trim().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe("symbolic links and paths never lead outside the repository", () => {
  it("a committed SESSION_LOG.md linked to a private file is refused, and its content never reaches the remote", async () => {
    const sb = new Sandbox();
    const origin = sb.origin();
    const dev = sb.clone(origin, "dev");
    ok(await sb.memory(dev, ["init", "--persona", "dev"]));
    ok(await sb.memory(dev, ["save"]));
    const secret = join(sb.dir, "id_rsa");
    writeFileSync(secret, "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END OPENSSH PRIVATE KEY-----\n");
    sb.git(dev, "rm", "-q", `${BANK}/SESSION_LOG.md`);
    symlinkSync(secret, join(dev, BANK, "SESSION_LOG.md"));
    sb.git(dev, "add", `${BANK}/SESSION_LOG.md`);
    sb.git(dev, "commit", "-q", "-m", "log as a link");
    sb.git(dev, "push", "-q", "origin", "main");

    const qa = sb.clone(origin, "qa");
    const init = await sb.memory(qa, ["init", "--persona", "qa"]);
    expect(oneLine(init)).toContain(`${BANK}/SESSION_LOG.md leads to`);
    const start = await sb.memory(qa, ["start"]);
    expect(oneLine(start)).toMatch(/outside this repository's work tree.*replace .*SESSION_LOG\.md with a real file/);
    const published = sb.git(origin, "log", "-p", "--all");
    expect(published).not.toContain("c2VjcmV0LWtleS1ieXRlcw");
  });

  it("a symlinked ADR folder is refused before anything is written", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    ok(await sb.memory(repo, ["init", "--persona", "dev"]));
    for (let i = 0; i < 5; i++) ok(await sb.memory(repo, ["add", "decision", `Decision ${i}`]));
    const outside = join(sb.dir, "outside-adrs");
    mkdirSync(outside);
    mkdirSync(join(repo, "Docs/03-Reference"), { recursive: true });
    symlinkSync(outside, join(repo, "Docs/03-Reference/ADR"));
    const res = await sb.memory(repo, ["harvest", "--yes", "--no-push"]);
    expect(oneLine(res)).toContain("Docs/03-Reference/ADR leads to");
    expect(readdirSync(outside)).toEqual([]);
  });

  it("an entry whose at= is a path is refused as not a time, and no post-mortem is written for it", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    ok(await sb.memory(repo, ["init", "--persona", "dev"]));
    const lessons = `${BANK}/lessons-buffer.md`;
    sb.write(repo, lessons, `${sb.read(repo, lessons)}\n<!-- entry id=evil-1 type=lesson by=x at="../../../x" -->\n## Evil\n\nbody\n`);
    const res = await sb.memory(repo, ["harvest", "--all", "--no-push"]);
    expect(oneLine(res)).toContain(`${lessons}:`);
    expect(res.stderr).toContain('has at="../../../x", which is not an ISO 8601 time');
    expect(existsSync(join(sb.dir, "x.md"))).toBe(false);
    expect(existsSync(join(repo, "Docs"))).toBe(false);
  });

  it.each([
    [{ bank: ".git" }, "bank may not be inside .git"],
    [{ bank: "x/.git/hooks" }, "bank may not be inside .git"],
    [{ buffers: { decisions: { target: ".git/config" } } }, "buffers.decisions.target may not be inside .git"],
    [{ buffers: { patterns: { target: ".gitattributes" } } }, "may not be .gitattributes, a file memory writes itself"],
    [{ bank: "." }, "bank must name a file or folder inside the repository"],
    [{ context: { file: "." } }, "context.file must be a file name inside the bank folder"],
  ])("refuses the config path %j", async (setting, message) => {
    const sb = new Sandbox();
    const repo = sb.repo();
    sb.write(repo, ".claude/memory.config.json", JSON.stringify({ version: 1, ...setting }));
    expect(oneLine(await sb.memory(repo, ["init", "--persona", "dev"]))).toContain(message);
    expect(existsSync(join(repo, ".git", "patterns-buffer.md"))).toBe(false);
  });

  it("takes ./.claude//memory-bank/ as .claude/memory-bank", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    sb.write(repo, ".claude/memory.config.json", JSON.stringify({ version: 1, bank: "./.claude//memory-bank/" }));
    ok(await sb.memory(repo, ["init", "--persona", "dev"]));
    expect(JSON.parse(ok(await sb.memory(repo, ["status", "--json"])).stdout).bank).toBe(".claude/memory-bank");
    expect(sb.read(repo, ".gitattributes")).toContain(".claude/memory-bank/patterns-buffer.md merge=memory-union");
  });

  it("a .claude folder linked outside the repository is refused", async () => {
    const sb = new Sandbox({ layout: "branch" });
    const repo = sb.repo();
    const outside = join(sb.dir, "elsewhere");
    mkdirSync(outside);
    symlinkSync(outside, join(repo, ".claude"));
    expect(oneLine(await sb.memory(repo, ["init", "--persona", "dev"]))).toContain(".claude/memory.config.json leads to");
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe("broken states end in one line, not a stack trace", () => {
  it("a bank file that is a folder, a symlink loop, a pre-1970 clock", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    ok(await sb.memory(repo, ["init", "--persona", "dev"]));
    const early = await sb.memory(repo, ["add", "pattern", "x"], { env: { MEMORY_NOW: "1960-01-01T00:00:00Z" } });
    expect(oneLine(early)).toContain("MEMORY_NOW is not an ISO 8601 time from 1970 on");

    spawnSync("rm", [join(repo, BANK, "patterns-buffer.md")]);
    mkdirSync(join(repo, BANK, "patterns-buffer.md"));
    const dir = await sb.memory(repo, ["add", "pattern", "x"]);
    expect(oneLine(dir)).toContain(`${BANK}/patterns-buffer.md is a directory, not a file`);
    expect(oneLine(await sb.memory(repo, ["save", "--no-push"]))).toContain("is a directory, not a file");

    spawnSync("rmdir", [join(repo, BANK, "patterns-buffer.md")]);
    symlinkSync("patterns-buffer.md", join(repo, BANK, "patterns-buffer.md"));
    const loop = await sb.memory(repo, ["status"]);
    expect(oneLine(loop)).toMatch(/patterns-buffer\.md .*(loops|outside)/);
  });

  it("the merge driver given a file that does not exist says so in one line", () => {
    const sb = new Sandbox();
    const res = spawnSync(process.execPath, [CLI, "merge-driver", "union", "/nope/base", "/nope/ours", "/nope/theirs", "p.md"], { env: sb.env(), encoding: "utf8" });
    expect(res.status).toBe(2);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toContain("/nope/base does not exist");
  });

  it("`memory --help | head -1` ends quietly", () => {
    const sb = new Sandbox();
    for (let i = 0; i < 5; i++) {
      const res = spawnSync("sh", ["-c", `'${process.execPath}' '${CLI}' --help | head -1`], { env: sb.env(), encoding: "utf8" });
      expect(res.stdout).toBe("Usage: memory [options] [command]\n");
      expect(res.stderr).toBe("");
    }
  });
});

describe("secrets are refused wherever new text is published", () => {
  const GH = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";

  it("recognizes AWS secret access keys and Slack webhook URLs, and ignores ordinary text", () => {
    const kinds = (text: string) => findSecrets(text).map((h) => h.kind);
    expect(kinds("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).toEqual(["an AWS secret access key"]);
    expect(kinds("AWS_SECRET_ACCESS_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"")).toEqual(["an AWS secret access key"]);
    expect(kinds("post to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")).toEqual(["a Slack webhook URL"]);
    expect(kinds("clone https://user:hunter22@example.com/repo.git")).toEqual(["a password in a URL"]);
    expect(kinds("see https://example.com/a:b@c and the AWS docs on secret rotation")).toEqual([]);
  });

  it("scans a 300 KB line without hanging (every rule is linear)", () => {
    const nasty = ["a".repeat(300_000), "a://".repeat(75_000), "eyJ".repeat(100_000), `aws${" secret".repeat(40_000)}`];
    const started = Date.now();
    for (const line of nasty) expect(findSecrets(line)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("refuses a token in save's message, a buffer's header and another file of the bank folder", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    ok(await sb.memory(repo, ["init", "--persona", "dev"]));
    sb.write(repo, `${BANK}/progress.md`, "# Progress\n");
    ok(await sb.memory(repo, ["save", "--no-push"]));
    sb.git(repo, "add", `${BANK}/progress.md`);
    sb.git(repo, "commit", "-q", "-m", "progress");
    const head = sb.git(repo, "rev-parse", "HEAD").trim();
    const log = sb.read(repo, `${BANK}/SESSION_LOG.md`);

    ok(await sb.memory(repo, ["add", "pattern", "Harmless"]));
    const message = await sb.memory(repo, ["save", "--no-push", "-m", `rotate ${GH}`]);
    expect(message.code).toBe(1);
    expect(message.stderr).toContain("the commit message (line 1): a GitHub token looks like a secret");
    expect(sb.read(repo, `${BANK}/SESSION_LOG.md`)).toBe(log);

    const patterns = `${BANK}/patterns-buffer.md`;
    const clean = sb.read(repo, patterns);
    sb.write(repo, patterns, clean.replace("\n", `\ntoken: ${GH}\n`));
    const header = await sb.memory(repo, ["save", "--no-push"]);
    expect(header.code).toBe(1);
    expect(header.stderr).toMatch(new RegExp(`${patterns}:2: a GitHub token looks like a secret`));
    sb.write(repo, patterns, clean);

    sb.write(repo, `${BANK}/progress.md`, `# Progress\n\nDeploy with ${GH}\n`);
    const other = await sb.memory(repo, ["save", "--no-push"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`${BANK}/progress.md:3: a GitHub token`);
    expect(sb.git(repo, "rev-parse", "HEAD").trim()).toBe(head);
  });
});
