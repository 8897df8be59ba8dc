/**
 * A scripted week of six personas, for the team view's tests: each day every persona starts, adds entries
 * by a fixed plan, and saves; on Wednesday the architect harvests; handoffs and tasks change hands. Times
 * come from MEMORY_NOW, so the history is known: the figures the tests expect are counted from this script.
 */
import { Sandbox } from "./helpers.js";
import { ok } from "./fixtures.js";

export const PERSONAS = ["dev", "qa", "architect", "lead", "ops", "docs"] as const;
export const DAYS = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"];

/** What each persona adds each day: [type, count]. */
export const PLAN: Record<(typeof PERSONAS)[number], Array<[string, number]>> = {
  dev: [["pattern", 2], ["lesson", 1]],
  qa: [["lesson", 2]],
  architect: [["decision", 1], ["pattern", 1]],
  lead: [["decision", 1]],
  ops: [["gotcha", 1]],
  docs: [["pattern", 1]],
};

export interface Week {
  sb: Sandbox;
  origin: string;
  clones: Record<string, string>;
  task: string;
}

export async function scriptedWeek(): Promise<Week> {
  const sb = new Sandbox({ layout: "branch" });
  const origin = sb.origin();
  const clones: Record<string, string> = {};
  for (const p of PERSONAS) {
    clones[p] = sb.clone(origin, p);
    ok(await sb.memory(clones[p]!, ["init", "--persona", p], { env: { MEMORY_NOW: `${DAYS[0]}T07:00:00Z` } }));
  }
  let task = "";
  for (const [d, day] of DAYS.entries()) {
    for (const [i, p] of PERSONAS.entries()) {
      const at = (h: number, m = 0) => ({ MEMORY_NOW: `${day}T${String(h).padStart(2, "0")}:${String(m + i).padStart(2, "0")}:00Z` });
      const cwd = clones[p]!;
      ok(await sb.memory(cwd, ["start"], { env: at(8) }));
      let n = 0;
      for (const [type, count] of PLAN[p]) {
        for (let k = 0; k < count; k++) ok(await sb.memory(cwd, ["add", type, `${p} ${type} ${d + 1}.${++n}`, "-m", `What ${p} learned on day ${d + 1}.`, "--tags", `day${d + 1},${type}`], { env: at(10, k) }));
      }
      if (d === 0 && p === "lead") task = ok(await sb.memory(cwd, ["task", "add", "Review the release checklist", "--assign", "qa", "--priority", "high"], { env: at(11) })).stdout.trim();
      if (d === 1 && p === "qa") ok(await sb.memory(cwd, ["task", "claim", task], { env: at(11) }));
      if (d === 3 && p === "qa") ok(await sb.memory(cwd, ["task", "done", task, "-m", "checked"], { env: at(11) }));
      if (d === 1 && p === "dev") ok(await sb.memory(cwd, ["handoff", "ops", "-m", "Deploy the cache change", "--reason", "my shift ends"], { env: at(17) }));
      if (d === 2 && p === "architect") ok(await sb.memory(cwd, ["harvest", "--all", "--only", "decisions", "--yes"], { env: at(16) }));
      ok(await sb.memory(cwd, ["save"], { env: at(18) }));
    }
  }
  // Everyone catches up on Friday evening, twice, so every clone holds every line.
  for (const pass of [0, 1]) for (const [i, p] of PERSONAS.entries()) ok(await sb.memory(clones[p]!, [pass ? "start" : "save"], { env: { MEMORY_NOW: `${DAYS[4]}T20:${String(10 * pass + i).padStart(2, "0")}:00Z` } }));
  return { sb, origin, clones, task };
}
