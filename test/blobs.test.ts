/**
 * Writing many contents into the object store in one process, and reading a commit's files back by blob id
 * (src/git/blobs.ts), against real repositories.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { Sandbox } from "./helpers.js";
import { listTree, openDiff, readFilesAt, writeBlobs } from "../src/git/blobs.js";
import { commitsTouchingLine } from "../src/git/history.js";
import { gitObjects, ObjectSession } from "../src/git/run.js";

/** git's own id for these bytes, taken as they are. */
function hashOf(sb: Sandbox, repo: string, bytes: Buffer): string {
  const res = spawnSync("git", ["hash-object", "--no-filters", "--stdin"], { cwd: repo, env: sb.env(), input: bytes });
  return res.stdout.toString().trim();
}

/** Makes `edit`, records everything in the work tree as one commit (empty if nothing changed), and returns its id. */
function commitAll(sb: Sandbox, repo: string, message: string, edit: () => void = () => {}): string {
  edit();
  sb.git(repo, "add", "-A");
  sb.git(repo, "commit", "-q", "--allow-empty", "-m", message);
  return sb.git(repo, "rev-parse", "HEAD").trim();
}

/** The bytes of each blob, from one `cat-file --batch`. */
function blobBytes(sb: Sandbox, repo: string, ids: readonly string[]): Buffer[] {
  const out = spawnSync("git", ["cat-file", "--batch"], { cwd: repo, env: sb.env(), input: `${ids.join("\n")}\n` }).stdout;
  const blobs: Buffer[] = [];
  let pos = 0;
  for (const _ of ids) {
    const nl = out.indexOf(0x0a, pos);
    const size = Number(out.subarray(pos, nl).toString().split(" ")[2]);
    blobs.push(out.subarray(nl + 1, nl + 1 + size));
    pos = nl + 1 + size + 1;
  }
  return blobs;
}

describe("writeBlobs", () => {
  const nasty = [
    "",
    "no final newline",
    "line one\r\nline two\r\n",
    "\uFEFF# BOM first\n",
    "café, naïve, 日本語, 🙂 (more bytes than characters)\n",
    "blob\nmark :1\ndata 3\nabc\ndone\n", // the import stream's own words, as text
    "```\n## a heading in a fence\n```\n",
    "x".repeat(300_000),
  ];

  it("stores each content byte for byte, with git's own ids, in order", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const ids = await writeBlobs(repo, join(repo, ".git"), nasty);
    expect(ids).toHaveLength(nasty.length);
    const stored = blobBytes(sb, repo, ids);
    nasty.forEach((text, i) => {
      const bytes = Buffer.from(text, "utf8");
      expect(ids[i]).toBe(hashOf(sb, repo, bytes));
      expect(stored[i]!.equals(bytes)).toBe(true);
    });
    // The marks file is gone, and a second import of the same contents gives the same ids.
    expect(sb.git(repo, "status", "--porcelain", "--ignored")).toBe("");
    expect(await writeBlobs(repo, join(repo, ".git"), nasty)).toEqual(ids);
  });

  it("any text round-trips", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 20 }), async (texts) => {
        const stored = blobBytes(sb, repo, await writeBlobs(repo, join(repo, ".git"), texts));
        texts.forEach((text, i) => expect(stored[i]!.equals(Buffer.from(text, "utf8"))).toBe(true));
      }),
      { numRuns: 15 },
    );
  });

  it("puts hundreds of contents in one pack, not a loose object each", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const loose = () => Number(/^count: (\d+)$/m.exec(sb.git(repo, "count-objects", "-v"))![1]);
    const before = loose();
    const ids = await writeBlobs(repo, join(repo, ".git"), Array.from({ length: 500 }, (_, i) => `# Post-mortem ${i}\n\nWhat happened.\n`));
    expect(new Set(ids).size).toBe(500);
    expect(loose()).toBe(before);
    expect(Number(/^in-pack: (\d+)$/m.exec(sb.git(repo, "count-objects", "-v"))![1])).toBeGreaterThanOrEqual(500);
  });
});

describe("readFilesAt", () => {
  it("reads files of a commit, in a big folder, at the top, with odd names; null for what it lacks", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const many = Array.from({ length: 60 }, (_, i) => `Docs/PM/pm-${i}.md`);
    for (const p of many) sb.write(repo, p, `# ${p}\r\n`);
    sb.write(repo, "Docs/PM-other/pm-1.md", "a neighbour folder\n");
    sb.write(repo, "Docs/a b/é \"quoted\".md", "odd name\n");
    sb.git(repo, "add", ".");
    sb.git(repo, "commit", "-q", "-m", "docs");
    const commit = sb.git(repo, "rev-parse", "HEAD").trim();
    sb.write(repo, "Docs/PM/pm-0.md", "edited since, not committed\n");
    const wanted = [...many, "README.md", "Docs/a b/é \"quoted\".md", "Docs/PM/missing.md", "Docs", "nowhere/x.md"];
    const texts = await readFilesAt(repo, commit, wanted);
    expect([...texts.keys()]).toEqual(wanted);
    for (const p of many) expect(texts.get(p)).toBe(`# ${p}\r\n`);
    expect(texts.get("README.md")).toBe("# project\n");
    expect(texts.get("Docs/a b/é \"quoted\".md")).toBe("odd name\n");
    expect(texts.get("Docs/PM/missing.md")).toBeNull();
    expect(texts.get("Docs")).toBeNull(); // a folder is not a file
    expect(texts.get("nowhere/x.md")).toBeNull();
    expect([...(await readFilesAt(repo, "0".repeat(40), ["README.md"])).values()]).toEqual([null]);
  });
});

describe("a commit's listing, kept", () => {
  it("is git's listing; by a commit id it is kept and given again, by a ref name it is asked every time", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    sb.write(repo, "Docs/a.md", "a\n");
    sb.write(repo, "Docs/sub/b.md", "b\n");
    sb.git(repo, "add", "Docs");
    sb.git(repo, "commit", "-q", "-m", "docs");
    const first = sb.git(repo, "rev-parse", "HEAD").trim();
    const keep = join(sb.dir, "trees.json");
    const listed = await listTree(repo, first, ["Docs"], keep);
    expect([...listed!.keys()].sort()).toEqual(["Docs/a.md", "Docs/sub/b.md"]);
    expect(existsSync(keep)).toBe(true);
    // The kept answer is the one given, without git: a repository that lost the commit still lists it.
    const again = await listTree(join(sb.dir, "nowhere"), first, ["Docs"], keep);
    expect(again).toEqual(listed);
    // A ref name is not kept: the branch moves.
    sb.write(repo, "Docs/c.md", "c\n");
    sb.git(repo, "add", "Docs");
    sb.git(repo, "commit", "-q", "-m", "more docs");
    expect([...(await listTree(repo, "HEAD", ["Docs"], keep))!.keys()].sort()).toEqual(["Docs/a.md", "Docs/c.md", "Docs/sub/b.md"]);
    // A damaged file of kept listings is asked of git again.
    writeFileSync(keep, "{ not json");
    expect(await listTree(repo, first, ["Docs"], keep)).toEqual(listed);
  });

  it("through an object store session, is kept by the folders' ids: a commit that left them as they were finds it", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const commit = (path: string, text: string) => commitAll(sb, repo, path, () => sb.write(repo, path, text));
    commit("Docs/a.md", "a\n");
    const first = commit("notes.md", "1\n");
    const second = commit("notes.md", "2\n"); // the docs as they were
    const third = commit("Docs/b.md", "b\n");
    const keep = join(sb.dir, "trees.json");
    const objects = new ObjectSession(repo);
    try {
      const listed = await listTree(repo, first, ["Docs", "Docs/Patterns.md"], keep, objects);
      expect([...listed!.keys()]).toEqual(["Docs/a.md"]);
      // Kept by the ids, not the commit: a planted listing under that key is what the second commit gets.
      const kept = JSON.parse(readFileSync(keep, "utf8")) as Record<string, unknown>;
      const key = Object.keys(kept).find((k) => k.startsWith("ids "))!;
      writeFileSync(keep, JSON.stringify({ [key]: [["Docs/planted.md", { type: "blob", id: "0".repeat(40) }]] }));
      expect([...(await listTree(repo, second, ["Docs", "Docs/Patterns.md"], keep, objects))!.keys()]).toEqual(["Docs/planted.md"]);
      // Docs that changed, and a commit the store lacks, are asked of git.
      expect([...(await listTree(repo, third, ["Docs", "Docs/Patterns.md"], keep, objects))!.keys()].sort()).toEqual(["Docs/a.md", "Docs/b.md"]);
      expect(await listTree(repo, "1".repeat(40), ["Docs"], keep, objects)).toBeNull();
    } finally {
      objects.close();
    }
  });
});

describe("openDiff", () => {
  it("tells the paths whose blobs differ between two commits as diff-tree does, and reads texts from the same process", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const files = { "a/same.md": "same\n", "a/changed.md": "before\n", "a/gone.md": "gone\n", "mode.md": "x\n" };
    const one = commitAll(sb, repo, "one", () => Object.entries(files).forEach(([p, text]) => sb.write(repo, p, text)));
    const two = commitAll(sb, repo, "two", () => {
      sb.write(repo, "a/changed.md", "after\r\nno final newline");
      sb.write(repo, "a/new.md", "new\n");
      rmSync(join(repo, "a/gone.md"));
      sb.git(repo, "update-index", "--chmod=+x", "mode.md");
    });
    const paths = ["a/same.md", "a/changed.md", "a/gone.md", "a/new.md", "mode.md", "never.md"];
    const diff = (await openDiff(repo, one, two, paths))!;
    try {
      expect(diff.changed).toEqual(["a/changed.md", "a/gone.md", "a/new.md"]);
      // (diff-tree also names a change of mode alone; a text's content is all a reading needs)
      expect(sb.git(repo, "diff-tree", "-r", "--name-only", "--no-renames", one, two, "--", ...paths).split("\n").filter((p) => p !== "" && p !== "mode.md")).toEqual(diff.changed);
      expect(diff.before.get("a/changed.md")).toBe(sb.git(repo, "rev-parse", `${one}:a/changed.md`).trim());
      expect(diff.before.has("a/new.md")).toBe(false);
      const texts = await diff.read([`${one}:a/changed.md`, `${two}:a/changed.md`, `${two}:a/gone.md`, `${one}:a`]);
      expect([...texts.values()]).toEqual(["before\n", "after\r\nno final newline", null, null]);
    } finally {
      diff.close();
    }
  });
});

describe("commitsTouchingLine", () => {
  it("lists the commits that changed a file as git log does, along a line of single commits, and leaves merges to git", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const commit = (edit: () => void, message: string) => commitAll(sb, repo, message, edit);
    const since = commit(() => sb.write(repo, "other.md", "0\n"), "start");
    commit(() => sb.write(repo, "ctx.md", "one\n"), "adds it");
    commit(() => sb.write(repo, "other.md", "1\n"), "leaves it");
    commit(() => sb.write(repo, "ctx.md", "two\n"), "changes it");
    commit(() => rmSync(join(repo, "ctx.md")), "removes it");
    commit(() => sb.write(repo, "ctx.md", "two\n"), "brings it back");
    commit(() => undefined, "empty");
    const objects = await gitObjects(repo, { command: true });
    try {
      const log = (range: string) => sb.git(repo, "log", "--full-history", "--format=%H", range, "--", "ctx.md").split("\n").filter(Boolean);
      expect(await commitsTouchingLine(objects, since, "HEAD", "ctx.md")).toEqual(log(`${since}..HEAD`));
      expect(await commitsTouchingLine(objects, since, "HEAD", "ctx.md")).toHaveLength(4);
      expect(await commitsTouchingLine(objects, since, "HEAD", "never.md")).toEqual([]);
      // More commits than asked for, a range that does not end at `since`, a merge: git answers instead.
      expect(await commitsTouchingLine(objects, since, "HEAD", "ctx.md", 3)).toBeNull();
      expect(await commitsTouchingLine(objects, "0".repeat(40), "HEAD", "ctx.md")).toBeNull();
      sb.git(repo, "checkout", "-q", "-b", "side", since);
      commit(() => sb.write(repo, "side.md", "s\n"), "side");
      sb.git(repo, "checkout", "-q", "-");
      sb.git(repo, "merge", "-q", "--no-edit", "side");
      expect(await commitsTouchingLine(objects, since, "HEAD", "ctx.md")).toBeNull();
    } finally {
      objects.close();
    }
  });
});

describe("an object store session git cannot keep (a git older than 2.36 has no --batch-command)", () => {
  it("leaves each reader to ask git its own way, with the same answers", async () => {
    const sb = new Sandbox();
    const repo = sb.repo();
    const one = commitAll(sb, repo, "one", () => sb.write(repo, "Docs/a.md", "a\n"));
    const two = commitAll(sb, repo, "two", () => sb.write(repo, "Docs/a.md", "b\n"));
    // A session whose process ends at once: started where git finds no repository.
    const dead = new ObjectSession(sb.dir);
    try {
      expect(await openDiff(repo, one, two, ["Docs/a.md"], dead)).toBeNull();
      const keep = join(sb.dir, "trees.json");
      expect([...(await listTree(repo, one, ["Docs"], keep, dead))!.keys()]).toEqual(["Docs/a.md"]);
      expect(Object.keys(JSON.parse(readFileSync(keep, "utf8")))).toEqual([`${one} ${JSON.stringify(["Docs"])}`]);
    } finally {
      dead.close();
    }
  });
});
