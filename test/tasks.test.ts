/** The task queue: add, list, claim, done, assign, and two claims made apart. */
import { describe, expect, it } from "vitest";
import { BANK, Sandbox } from "./helpers.js";
import { ok } from "./fixtures.js";
import { createEntry } from "../src/core/entries.js";
import { mergeBuffers } from "../src/core/merge.js";

const TASKS = `${BANK}/tasks.md`;

async function pair(): Promise<{ sb: Sandbox; origin: string; dev: string; qa: string }> {
  const sb = new Sandbox({ layout: "branch" });
  const origin = sb.origin();
  const [dev, qa] = [sb.clone(origin, "dev"), sb.clone(origin, "qa")];
  ok(await sb.memory(dev, ["init", "--persona", "dev"]));
  ok(await sb.memory(qa, ["init", "--persona", "qa"]));
  return { sb, origin, dev, qa };
}

const tasksOf = async (sb: Sandbox, cwd: string, ...args: string[]) => JSON.parse(ok(await sb.memory(cwd, ["task", "list", "--json", ...args])).stdout).tasks;

describe("memory task", () => {
  it("two personas claiming one task while apart: after both sync exactly one holds it, the earlier claim; the other is told", async () => {
    const { sb, dev, qa } = await pair();
    const id = ok(await sb.memory(dev, ["task", "add", "Fix the flaky checkout test", "--priority", "high"])).stdout.trim();
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["start"]));
    // Apart: qa claims first, dev a minute later; then both sync.
    ok(await sb.memory(qa, ["task", "claim", id], { env: { MEMORY_NOW: "2026-11-29T10:00:00Z" } }));
    ok(await sb.memory(dev, ["task", "claim", id.slice(0, 20)], { env: { MEMORY_NOW: "2026-11-29T10:01:00Z" } }));
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["save"]));
    const told = ok(await sb.memory(dev, ["start"])).stdout;
    expect(told).toContain(`Claim lost: "Fix the flaky checkout test" (${id}) is held by qa, who claimed it first`);
    for (const c of [dev, qa]) {
      const [task] = await tasksOf(sb, c);
      expect(task.claimedBy).toBe("qa");
      expect(task.status).toBe("claimed");
      expect(task.lostClaims).toEqual([{ persona: "dev", at: "2026-11-29T10:01:00Z" }]);
    }
    expect(sb.read(dev, TASKS)).toBe(sb.read(qa, TASKS));
    expect(ok(await sb.memory(dev, ["context"])).stdout).toContain(`**Claim lost:** "Fix the flaky checkout test" (${id}) is held by qa`);
    // Held by another: a new claim is refused, nothing written.
    const again = await sb.memory(dev, ["task", "claim", id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`task ${id} is claimed by qa`);
  });

  it("dependencies block a claim until done; done and assign; list filters; tasks reach the briefing and start", async () => {
    const { sb, dev, qa } = await pair();
    const first = ok(await sb.memory(dev, ["task", "add", "Write the migration"])).stdout.trim();
    const second = ok(await sb.memory(dev, ["task", "add", "Run the migration", "--depends", first, "--assign", "qa", "--priority", "critical"])).stdout.trim();
    expect((await tasksOf(sb, dev, "--status", "blocked")).map((t: { id: string }) => t.id)).toEqual([second]);
    const blocked = await sb.memory(qa, ["task", "claim", second]);
    expect(blocked.code).toBe(1); // qa has not even got it yet
    ok(await sb.memory(dev, ["save"]));
    const started = ok(await sb.memory(qa, ["start"])).stdout;
    expect(started).toContain(`Task for you: "Run the migration" (critical; ${second})`);
    const waits = await sb.memory(qa, ["task", "claim", second]);
    expect(waits.code).toBe(1);
    expect(waits.stderr).toContain(`waits for ${first} "Write the migration", not done yet`);
    ok(await sb.memory(dev, ["task", "claim", first]));
    ok(await sb.memory(dev, ["task", "done", first, "-m", "schema v7 written"]));
    expect(sb.read(dev, TASKS)).toContain("**Done** (dev, ");
    ok(await sb.memory(dev, ["save"]));
    ok(await sb.memory(qa, ["start"]));
    ok(await sb.memory(qa, ["task", "claim", second]));
    expect(ok(await sb.memory(qa, ["context"])).stdout).toContain("- **Run the migration** (critical, claimed by you;");
    expect((await tasksOf(sb, qa, "--mine")).map((t: { id: string }) => t.id)).toEqual([second]);
    ok(await sb.memory(qa, ["task", "assign", second, "ops"]));
    expect((await tasksOf(sb, qa, "--status", "done")).map((t: { id: string }) => t.id)).toEqual([first]);
    const text = ok(await sb.memory(qa, ["task", "list"])).stdout;
    expect(text.split("\n")[0]).toContain("Run the migration");
  });

  it("refusals are one line with the next step, a non-zero exit, and leave tasks.md as it was", async () => {
    const { sb, dev } = await pair();
    const id = ok(await sb.memory(dev, ["task", "add", "Write the migration"])).stdout.trim();
    ok(await sb.memory(dev, ["task", "done", id]));
    const before = sb.read(dev, TASKS);
    const cases: [string[], number, string][] = [
      [["task", "add", "Another", "--priority", "urgent"], 2, `argument 'urgent' is invalid. Allowed choices are low, medium, high, critical; see \`memory task --help\``],
      [["task", "add", "Another", "--depends", "t-nope"], 2, `no task with id "t-nope" for --depends`],
      [["task", "list", "--status", "half"], 2, `argument 'half' is invalid. Allowed choices are open, claimed, done, blocked; see`],
      [["task", "claim", "t-nope"], 1, `no task with id "t-nope"`],
      [["task", "claim", id], 1, `task ${id} is done (by dev)`],
      [["task", "done", id], 1, `task ${id} is done already (by dev)`],
      [["task", "assign", id, "qa"], 1, `task ${id} is done already`],
    ];
    for (const [args, code, said] of cases) {
      const r = await sb.memory(dev, args);
      expect(r.code, args.join(" ")).toBe(code);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toContain(said);
      expect(r.stdout).toBe("");
    }
    expect(sb.read(dev, TASKS)).toBe(before);
  });

  it("the merge of two changes of one task is the same whichever side is ours", () => {
    const base = createEntry({ id: "T1", type: "task", author: "dev", createdAt: "2026-11-29T09:00:00Z", title: "Task", tags: [], body: "", attrs: { status: "open", priority: "medium" } });
    const claim = (by: string, at: string) => createEntry({ ...base, attrs: { ...base.attrs, status: "claimed", "claimed-by": by, "claimed-at": at } });
    const text = (...entries: ReturnType<typeof createEntry>[]) => `# Tasks\n\n${entries.map((e) => e.lines.join("\n")).join("\n\n")}\n`;
    const [a, b] = [text(claim("qa", "2026-11-29T10:00:00Z")), text(claim("dev", "2026-11-29T10:00:00Z"))];
    const one = mergeBuffers({ base: text(base), ours: a, theirs: b });
    const other = mergeBuffers({ base: text(base), ours: b, theirs: a });
    expect(one).toBe(other);
    expect(one).toContain("claimed-by=dev"); // same time: the persona that sorts first
    expect(one).toContain("lost-claims=qa@2026-11-29T10:00:00Z");
    const done = text(createEntry({ ...base, attrs: { ...base.attrs, status: "done", "done-by": "ops", "done-at": "2026-11-29T11:00:00Z" } }));
    expect(mergeBuffers({ base: text(base), ours: a, theirs: done })).toContain("status=done");
    expect(mergeBuffers({ base: text(base), ours: done, theirs: a })).toBe(mergeBuffers({ base: text(base), ours: a, theirs: done }));
  });

  it("keeps what only one side changed, and both done notes; two dones in one second agree on both sides", () => {
    const base = createEntry({ id: "T2", type: "task", author: "dev", createdAt: "2026-11-29T09:00:00Z", title: "Task", tags: [], body: "first", attrs: { status: "open", priority: "medium" } });
    const text = (e: ReturnType<typeof createEntry>) => `# Tasks\n\n${e.lines.join("\n")}\n`;
    const both = (x: ReturnType<typeof createEntry>, y: ReturnType<typeof createEntry>) => {
      const one = mergeBuffers({ base: text(base), ours: text(x), theirs: text(y) });
      expect(mergeBuffers({ base: text(base), ours: text(y), theirs: text(x) })).toBe(one);
      return one;
    };
    // An edit of the body on one side, a claim on the other: both kept.
    const edited = createEntry({ ...base, body: "first, and a better description" });
    const claimed = createEntry({ ...base, attrs: { ...base.attrs, status: "claimed", "claimed-by": "qa", "claimed-at": "2026-11-29T10:05:00Z" } });
    const m1 = both(edited, claimed);
    expect(m1).toContain("a better description");
    expect(m1).toContain("claimed-by=qa");
    // An assignment on one side, a claim on the other: both kept.
    const assigned = createEntry({ ...base, attrs: { ...base.attrs, assignee: "bob", "assigned-at": "2026-11-29T10:00:00Z" } });
    const m2 = both(assigned, claimed);
    expect(m2).toContain("assignee=bob");
    expect(m2).toContain("claimed-by=qa");
    // Two people finish it in the same second: one done-by, the same on both sides, and both notes.
    const doneBy = (who: string) => createEntry({ ...base, body: `first\n\n**Done** (${who}, 2026-11-29T11:00:00Z): ${who}'s note`, attrs: { ...base.attrs, status: "done", "done-by": who, "done-at": "2026-11-29T11:00:00Z" } });
    const m3 = both(doneBy("alice"), doneBy("bob"));
    expect(m3).toContain("done-by=alice");
    expect(m3).toContain("alice's note");
    expect(m3).toContain("bob's note");
  });
});
