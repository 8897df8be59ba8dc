/**
 * `memory consolidate` and `memory cleanup` against real git: a bare origin, clones with the bank on its own
 * branch (and one test with the original layout). Near-duplicates become one entry that supersedes them;
 * expired and superseded entries move to the archive, which recall searches with --archived. Plans change
 * nothing; a yes commits once and syncs; nothing is lost.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { BANK, CLI, Sandbox, type Layout } from "./helpers.js";
import { ok } from "./fixtures.js";
import { parseBuffer } from "../src/core/entries.js";

const PATTERNS = `${BANK}/patterns-buffer.md`;
const LESSONS = `${BANK}/lessons-buffer.md`;
const DECISIONS = `${BANK}/decisions-inbox.md`;
const ARCHIVE = `${BANK}/archive.md`;
const LOG = `${BANK}/SESSION_LOG.md`;

const RETRY = "Back off 50 to 400 ms between push attempts; six tries covered eight racing clones in the benchmark.";
const RETRY_AGAIN = "Back off 50 to 400 ms between push attempts; six tries covered eight racing clones in our benchmark.";

interface Hit {
  id: string;
  source: string;
  supersededBy?: string;
  archived?: boolean;
}

async function world(layout: Layout = "branch"): Promise<{ sb: Sandbox; origin: string; dev: string }> {
  const sb = new Sandbox({ layout });
  const origin = sb.origin();
  const dev = sb.clone(origin, "dev");
  ok(await sb.memory(dev, ["init", "--persona", "dev"]));
  return { sb, origin, dev };
}

/** Adds an entry at a given time (ids and times in order), returns its id. */
async function add(sb: Sandbox, cwd: string, at: string, ...args: string[]): Promise<string> {
  return ok(await sb.memory(cwd, ["add", ...args], { env: { MEMORY_NOW: at } })).stdout.trim();
}

const json = async (sb: Sandbox, cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) => JSON.parse(ok(await sb.memory(cwd, [...args, "--json"], { env })).stdout);
const recall = async (sb: Sandbox, cwd: string, ...args: string[]): Promise<Hit[]> => (await json(sb, cwd, ["recall", ...args])).results;
const entriesOf = (sb: Sandbox, cwd: string, rel: string) => (existsSync(join(cwd, rel)) ? parseBuffer(sb.read(cwd, rel)).entries : []);
const idsOf = (sb: Sandbox, cwd: string, rel: string) => entriesOf(sb, cwd, rel).map((e) => e.id);
const commits = (sb: Sandbox, cwd: string, ref: string): number => Number(sb.git(cwd, "rev-list", "--count", ref).trim());
const tip = (sb: Sandbox, cwd: string, ref: string): string => sb.git(cwd, "rev-parse", ref).trim();

/** Every file of the bank folder, byte for byte, and git's view of the clone. */
function snapshot(sb: Sandbox, cwd: string): Record<string, string> {
  const dir = join(cwd, BANK);
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = readFileSync(join(dir, name)).toString("base64");
  out["git status"] = sb.git(cwd, "status", "--porcelain", "--ignored");
  out["memory branch"] = sb.git(cwd, "for-each-ref", "--format=%(refname) %(objectname)");
  out["info/attributes"] = existsSync(join(cwd, ".git/info/attributes")) ? sb.read(cwd, ".git/info/attributes") : "";
  return out;
}

/** The team's near-duplicates: two patterns saying the same, one that does not, and a lesson with the same words. */
async function duplicates(sb: Sandbox, dev: string): Promise<{ older: string; newer: string; distinct: string; lesson: string }> {
  const older = await add(sb, dev, "2026-11-20T10:00:00Z", "pattern", "Retry pushes with jitter", "-m", RETRY, "--tags", "git");
  const newer = await add(sb, dev, "2026-11-21T10:00:00Z", "pattern", "Retry pushes with random jitter", "-m", RETRY_AGAIN, "--tags", "sync");
  const distinct = await add(sb, dev, "2026-11-21T11:00:00Z", "pattern", "Name things after the domain", "-m", "Use the words the business uses, in code and in tickets.");
  const lesson = await add(sb, dev, "2026-11-21T12:00:00Z", "lesson", "Retry pushes with jitter", "-m", RETRY);
  ok(await sb.memory(dev, ["save"]));
  return { older, newer, distinct, lesson };
}

describe("memory consolidate", () => {
  it("proposes near-duplicates of one buffer and type, not distinct entries; the plan alone changes nothing", async () => {
    const { sb, dev } = await world();
    const { older, newer } = await duplicates(sb, dev);
    const before = snapshot(sb, dev);

    const plan = await json(sb, dev, ["consolidate", "--dry-run"]);
    expect(plan).toMatchObject({ dryRun: true, applied: false, threshold: 0.6, commit: null, sync: null });
    expect(plan.groups).toHaveLength(1);
    expect(plan.groups[0]).toMatchObject({ label: "patterns-buffer", type: "pattern", title: "Retry pushes with random jitter", supersedes: [older, newer], tags: ["git", "sync"], id: null });
    expect(plan.groups[0].entries.map((e: { id: string }) => e.id)).toEqual([older, newer]);
    expect(plan.groups[0].entries[0].similarity).toBeGreaterThanOrEqual(0.6);

    // Without --yes and without a terminal: the plan, and nothing written.
    const text = ok(await sb.memory(dev, ["consolidate"]));
    expect(text.stdout).toContain('patterns-buffer: 2 pattern entries → "Retry pushes with random jitter"');
    expect(text.stdout).toContain(older);
    expect(text.stderr).toContain("nothing written: no terminal to ask in; pass --yes");
    expect(ok(await sb.memory(dev, ["consolidate", "--dry-run"])).stdout).toContain("(dry run, nothing written)");
    expect(snapshot(sb, dev)).toEqual(before);

    // A stricter threshold, from the flag or the config, finds nothing; one out of range is a usage error.
    expect((await json(sb, dev, ["consolidate", "--dry-run", "--threshold", "0.95"])).groups).toEqual([]);
    const bad = await sb.memory(dev, ["consolidate", "--threshold", "1.5"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--threshold takes a number above 0 and at most 1");
    sb.write(dev, ".claude/memory.config.json", JSON.stringify({ consolidate: { threshold: 0.95 } }));
    expect(ok(await sb.memory(dev, ["consolidate", "--dry-run"])).stdout).toContain("No near-duplicates (similarity 0.95 or more)");
  });

  it("--yes writes one entry that supersedes the group, commits once and syncs; recall then shows the new one only", async () => {
    const { sb, origin, dev } = await world();
    const { older, newer, distinct, lesson } = await duplicates(sb, dev);
    const count = commits(sb, dev, "memory");

    const res = await json(sb, dev, ["consolidate", "--yes"], { MEMORY_NOW: "2026-11-22T09:00:00Z" });
    expect(res).toMatchObject({ dryRun: false, applied: true, skipped: 0 });
    const id: string = res.groups[0].id;
    expect(res.commit).toBe(tip(sb, dev, "memory"));
    expect(commits(sb, dev, "memory")).toBe(count + 1);
    expect(res.sync.pushed).toBe(true);
    expect(tip(sb, origin, "memory")).toBe(tip(sb, dev, "memory"));
    expect(sb.git(dev, "status", "--porcelain")).toBe("");

    // The new entry: the newest's title and body, a line for the other, every tag, supersedes both.
    const made = entriesOf(sb, dev, PATTERNS).find((e) => e.id === id)!;
    expect(made.lines[0]).toBe(`<!-- entry id=${id} type=pattern by=dev at=2026-11-22T09:00:00Z tags=git,sync supersedes=${older},${newer} -->`);
    expect(made.title).toBe("Retry pushes with random jitter");
    expect(made.body).toBe(`${RETRY_AGAIN}\n\nConsolidated from:\n- Retry pushes with jitter (\`${older}\`, dev, 2026-11-20)`);
    // The old entries stay, superseded; the lesson and the distinct pattern are untouched.
    expect(idsOf(sb, dev, PATTERNS)).toEqual([older, newer, distinct, id]);
    expect(idsOf(sb, dev, LESSONS)).toEqual([lesson]);
    expect(sb.read(dev, LOG)).toMatch(/· dev · consolidate · 2 entries into 1/);

    const hits = await recall(sb, dev, "jitter", "--in", "bank");
    expect(hits.map((h) => h.id).sort()).toEqual([id, lesson].sort());
    const all = await recall(sb, dev, "jitter", "--in", "bank", "--all");
    expect(all.find((h) => h.id === older)!.supersededBy).toBe(id);
    expect(all.find((h) => h.id === newer)!.supersededBy).toBe(id);
    const shown = await json(sb, dev, ["show", id]);
    expect(shown.supersedes.map((l: { id: string }) => l.id)).toEqual([older, newer]);
    expect(ok(await sb.memory(dev, ["show", id])).stdout).toContain(`supersedes ${older} "Retry pushes with jitter"`);
    expect((await json(sb, dev, ["show", older])).supersededBy.map((l: { id: string }) => l.id)).toEqual([id]);

    // Consolidated once: a second run finds nothing, and a clone that starts has the new entry.
    expect((await json(sb, dev, ["consolidate", "--yes"])).groups).toEqual([]);
    expect(commits(sb, dev, "memory")).toBe(count + 1);
    const qa = sb.clone(origin, "qa");
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    expect(idsOf(sb, qa, PATTERNS)).toEqual([older, newer, distinct, id]);
  });

  // `script` (util-linux) gives the CLI a real terminal; without it this one case cannot be run.
  const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
  it.skipIf(!hasScript)("in a terminal, asks per group and writes only the accepted ones", async () => {
    const { sb, dev } = await world();
    const { older, newer } = await duplicates(sb, dev);
    const l1 = await add(sb, dev, "2026-11-21T13:00:00Z", "lesson", "Flaky checkout test on CI");
    const l2 = await add(sb, dev, "2026-11-21T14:00:00Z", "lesson", "Flaky checkout test in CI");
    ok(await sb.memory(dev, ["save"]));
    // The answers are typed into the terminal ahead of the questions: yes to the first group, no to the second.
    const res = spawnSync("script", ["-qec", `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} consolidate`, "/dev/null"], {
      cwd: dev,
      env: sb.env({ TERM: "dumb" }),
      input: "y\nn\n",
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(res.status, res.stdout).toBe(0);
    expect(res.stdout).toContain('Consolidate 2 pattern entries of patterns-buffer into one, "Retry pushes with random jitter"? (y/N)');
    expect(res.stdout).toContain('Consolidate 2 lesson entries of lessons-buffer into one, "Flaky checkout test in CI"? (y/N)');
    const made = entriesOf(sb, dev, PATTERNS).filter((e) => e.supersedes);
    expect(made.map((e) => e.supersedes)).toEqual([[older, newer]]);
    expect(entriesOf(sb, dev, LESSONS).filter((e) => e.supersedes)).toEqual([]);
    expect(idsOf(sb, dev, LESSONS)).toContain(l1);
    expect(idsOf(sb, dev, LESSONS)).toContain(l2);
    expect(sb.git(dev, "status", "--porcelain")).toBe("");
  });

  it("consolidated decisions harvest into an ADR that supersedes each of their ADRs", async () => {
    const { sb, dev } = await world();
    const d1 = await add(sb, dev, "2026-11-20T10:00:00Z", "decision", "Cache product pages for sixty seconds", "-m", "Put a sixty second cache in front of the catalogue service so that product pages stay fast under load.");
    const d2 = await add(sb, dev, "2026-11-21T10:00:00Z", "decision", "Cache product pages for 60 seconds", "-m", "Put a sixty second cache in front of the catalogue service so that product pages stay fast under peak load.");
    const made = (await json(sb, dev, ["consolidate", "--yes"])).groups[0];
    expect(made.supersedes).toEqual([d1, d2]);
    ok(await sb.memory(dev, ["harvest", "--all", "--yes"]));
    const dir = join(dev, "Docs/03-Reference/ADR");
    const adrs = readdirSync(dir).sort();
    expect(adrs).toHaveLength(3);
    const [a1, a2, a3] = adrs.map((f) => readFileSync(join(dir, f), "utf8"));
    expect(a3).toContain(`source: ${made.id}`);
    expect(a3).toContain(`Supersedes [ADR-001](${adrs[0]}) and [ADR-002](${adrs[1]}).`);
    expect(a1).toContain("status: superseded by ADR-003");
    expect(a2).toContain("status: superseded by ADR-003");
  });
});

describe("memory cleanup", () => {
  it("moves an expired and a superseded entry to archive.md, with archived=; recall finds them only with --archived; another clone sees the moves", async () => {
    const { sb, origin, dev } = await world();
    const d1 = await add(sb, dev, "2026-11-20T10:00:00Z", "decision", "Cache pages for 60 s", "-m", "Sixty seconds in front of the catalogue.");
    const d2 = await add(sb, dev, "2026-11-21T10:00:00Z", "decision", "Cache pages for 120 s", "-m", "Twice as long: the catalogue changes slowly.", "--supersedes", d1);
    const gone = await add(sb, dev, "2026-11-21T11:00:00Z", "lesson", "Warm the cache by hand", "-m", "Until the warmup job exists.", "--expires", "2026-11-25");
    const kept = await add(sb, dev, "2026-11-21T12:00:00Z", "pattern", "Name things after the domain", "-m", "The business's words.");
    ok(await sb.memory(dev, ["save"]));
    const qa = sb.clone(origin, "qa");
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    const everything = [d1, d2, gone, kept];
    const markers = new Map([...entriesOf(sb, dev, DECISIONS), ...entriesOf(sb, dev, LESSONS)].map((e) => [e.id, e.lines]));
    const count = commits(sb, dev, "memory");

    // The plan first: nothing written.
    const later = { MEMORY_NOW: "2026-12-01T10:00:00Z" };
    const before = snapshot(sb, dev);
    const plan = await json(sb, dev, ["cleanup", "--dry-run"], later);
    expect(plan).toMatchObject({ dryRun: true, applied: false, archive: ARCHIVE, commit: null });
    // In buffer order: lessons before decisions.
    expect(plan.moves.map((m: { id: string; reasons: string[] }) => [m.id, m.reasons])).toEqual([[gone, ["expired"]], [d1, ["superseded"]]]);
    expect(ok(await sb.memory(dev, ["cleanup"], { env: later })).stderr).toContain("nothing moved: no terminal to ask in; pass --yes");
    expect(snapshot(sb, dev)).toEqual(before);

    const res = await json(sb, dev, ["cleanup", "--yes"], later);
    expect(res).toMatchObject({ applied: true });
    expect(res.moves.find((m: { id: string }) => m.id === d1)).toMatchObject({ supersededBy: [d2], archived: "2026-11-21T10:00:00Z" });
    expect(res.moves.find((m: { id: string }) => m.id === gone)).toMatchObject({ expires: "2026-11-25", archived: "2026-11-25T23:59:59Z" });
    expect(commits(sb, dev, "memory")).toBe(count + 1);
    expect(tip(sb, origin, "memory")).toBe(tip(sb, dev, "memory"));
    expect(sb.git(dev, "status", "--porcelain")).toBe("");

    // The buffers lost them; the archive has each with its text, and its marker as it was plus archived=.
    expect(idsOf(sb, dev, DECISIONS)).toEqual([d2]);
    expect(idsOf(sb, dev, LESSONS)).toEqual([]);
    const archived = entriesOf(sb, dev, ARCHIVE);
    expect(archived.map((e) => e.id).sort()).toEqual([d1, gone].sort());
    for (const e of archived) {
      const was = markers.get(e.id)!;
      const at = e.id === d1 ? "2026-11-21T10:00:00Z" : "2026-11-25T23:59:59Z";
      expect(e.lines).toEqual([was[0]!.replace(/ -->$/, ` archived=${at} -->`), ...was.slice(1)]);
    }
    expect(sb.read(dev, LOG)).toMatch(/· dev · cleanup · 2 entries archived/);
    expect(sb.read(dev, ".git/info/attributes")).toContain(`${ARCHIVE} merge=memory-union`);
    ok(await sb.memory(dev, ["doctor"]));

    // Recall: hidden, even with --all; found with --archived, marked as such.
    expect(await recall(sb, dev, "warm")).toEqual([]);
    expect(await recall(sb, dev, "warm", "--all")).toEqual([]);
    const found = await recall(sb, dev, "warm", "--archived");
    expect(found.map((h) => [h.id, h.source, h.archived])).toEqual([[gone, "archive", true]]);
    expect((await recall(sb, dev, "sixty", "--archived", "--in", "bank"))[0]).toMatchObject({ id: d1, source: "archive", supersededBy: d2 });
    expect(ok(await sb.memory(dev, ["recall", "warm", "--archived"])).stdout).toContain("archived");
    // show finds it in the archive; edit and forget say where it went.
    const shown = await json(sb, dev, ["show", d1]);
    expect(shown).toMatchObject({ source: "archive", file: ARCHIVE });
    expect(shown.supersededBy.map((l: { id: string }) => l.id)).toEqual([d2]);
    expect((await json(sb, dev, ["show", d2])).supersedes[0]).toMatchObject({ id: d1, file: ARCHIVE });
    const edit = await sb.memory(dev, ["edit", d1, "--title", "x"]);
    expect(edit.code).toBe(1);
    expect(edit.stderr).toContain(`was archived into ${ARCHIVE}`);
    // A second cleanup finds nothing more.
    expect((await json(sb, dev, ["cleanup", "--yes"], later)).moves).toEqual([]);

    // The other clone: start brings the moves and says so; the archive merges by entry there too.
    const digest = await json(sb, qa, ["start"], later);
    expect(digest.archived.map((e: { id: string }) => e.id).sort()).toEqual([d1, gone].sort());
    expect(digest.removed).toEqual([]);
    expect(ok(await sb.memory(qa, ["start"], { env: later })).stdout).not.toContain("Removed");
    expect(sb.read(qa, ARCHIVE)).toBe(sb.read(dev, ARCHIVE));
    expect(idsOf(sb, qa, DECISIONS)).toEqual([d2]);
    expect(sb.read(qa, ".git/info/attributes")).toContain(`${ARCHIVE} merge=memory-union`);
    ok(await sb.memory(qa, ["doctor"]));
    expect((await recall(sb, qa, "warm", "--archived")).map((h) => h.id)).toEqual([gone]);

    // Nothing lost: every entry ever written is in a buffer or the archive, in both clones.
    for (const clone of [dev, qa]) {
      const held = [PATTERNS, LESSONS, DECISIONS, ARCHIVE].flatMap((f) => idsOf(sb, clone, f));
      expect(held.sort()).toEqual([...everything].sort());
    }
  });

  it("two clones that archive the same entry at once merge to one copy of it", async () => {
    const { sb, origin, dev } = await world();
    const old = await add(sb, dev, "2026-11-20T10:00:00Z", "pattern", "Old way", "-m", "Do it by hand.");
    await add(sb, dev, "2026-11-21T10:00:00Z", "pattern", "New way", "-m", "Let the job do it.", "--supersedes", old);
    ok(await sb.memory(dev, ["save"]));
    const qa = sb.clone(origin, "qa");
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    ok(await sb.memory(dev, ["cleanup", "--yes"], { env: { MEMORY_NOW: "2026-12-01T10:00:00Z" } }));
    // qa cleans up a day later, before it has seen dev's cleanup: its commit merges with dev's, and both
    // wrote the same bytes for the entry (archived= says when it was superseded, not when it was moved).
    const res = await json(sb, qa, ["cleanup", "--yes"], { MEMORY_NOW: "2026-12-02T10:00:00Z" });
    expect(res.moves.map((m: { id: string }) => m.id)).toEqual([old]);
    expect(res.sync.pushed).toBe(true);
    ok(await sb.memory(dev, ["start"]));
    for (const clone of [dev, qa]) {
      expect(idsOf(sb, clone, ARCHIVE)).toEqual([old]);
      expect(idsOf(sb, clone, PATTERNS)).toHaveLength(1);
    }
    expect(sb.read(qa, ARCHIVE)).toBe(sb.read(dev, ARCHIVE));
  });

  it("an archive with committed conflict markers is refused by save and merged again by doctor --fix", async () => {
    const { sb, dev } = await world();
    const old = await add(sb, dev, "2026-11-20T10:00:00Z", "pattern", "Old way", "-m", "Do it by hand.");
    await add(sb, dev, "2026-11-21T10:00:00Z", "pattern", "New way", "-m", "Let the job do it.", "--supersedes", old);
    ok(await sb.memory(dev, ["cleanup", "--yes"]));
    const [header, entry] = sb.read(dev, ARCHIVE).split(/\n(?=<!-- entry)/);
    const other = "<!-- entry id=hand-1 type=pattern by=qa at=2026-11-19T10:00:00Z archived=2026-11-19T12:00:00Z -->\n## Archived elsewhere\n";
    sb.write(dev, ARCHIVE, `${header}\n<<<<<<< HEAD\n${entry}=======\n${other}>>>>>>> theirs\n`);
    const refused = await sb.memory(dev, ["save"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${ARCHIVE}:`);
    expect(refused.stderr).toContain("git conflict markers");
    expect((await sb.memory(dev, ["doctor"])).code).toBe(3);
    ok(await sb.memory(dev, ["doctor", "--fix"]));
    expect(idsOf(sb, dev, ARCHIVE).sort()).toEqual([old, "hand-1"].sort());
    ok(await sb.memory(dev, ["save"]));
  });

  it("with the bank on the checked-out branch, the archive's merge line goes into .gitattributes in the same commit", async () => {
    const { sb, origin, dev } = await world("current");
    const old = await add(sb, dev, "2026-11-20T10:00:00Z", "lesson", "Old lesson", "-m", "x");
    await add(sb, dev, "2026-11-21T10:00:00Z", "lesson", "New lesson", "-m", "y", "--supersedes", old);
    ok(await sb.memory(dev, ["save"]));
    const res = await json(sb, dev, ["cleanup", "--yes"]);
    expect(res.commit).toBe(tip(sb, dev, "HEAD"));
    expect(sb.git(dev, "show", "--name-only", "--format=", "HEAD").trim().split("\n").sort()).toEqual([".gitattributes", ARCHIVE, LESSONS, LOG].sort());
    expect(sb.read(dev, ".gitattributes")).toContain(`${ARCHIVE} merge=memory-union`);
    expect(sb.read(dev, ".gitattributes")).not.toContain("*.md merge=memory-text");
    expect(sb.git(dev, "status", "--porcelain")).toBe("");
    ok(await sb.memory(dev, ["doctor"]));
    const qa = sb.clone(origin, "qa");
    ok(await sb.memory(qa, ["init", "--persona", "qa"]));
    expect(idsOf(sb, qa, ARCHIVE)).toEqual([old]);
    ok(await sb.memory(qa, ["doctor"]));
  });
});
