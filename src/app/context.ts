/**
 * `memory context`: a briefing for an agent, from local state only (no network): open handoffs to this
 * persona, its own and the team's current context, what is new since it last looked, with a task the
 * entries and docs recall ranks highest for it (and those whose tags the task names), and near-threshold
 * warnings; packed within a token budget (core/briefing.ts).
 */
import { now } from "../core/clock.js";
import { parseContext, sectionSays } from "../core/context.js";
import { MemoryError } from "../core/errors.js";
import { bufferNames } from "../core/config.js";
import { diffItems, type Item } from "../core/query.js";
import { minimumBudget, packBriefing, type BriefSection, type Briefing } from "../core/briefing.js";
import { thresholdWarning } from "../core/thresholds.js";
import { readTextIfExists } from "../infra/fs.js";
import { commitExists } from "../git/history.js";
import { loadBufferStatus } from "../bank/files.js";
import { readItems } from "../bank/query.js";
import { readSeen } from "../bank/seen.js";
import { bankFile, openWorkspace, persona as personaOf, requireBank } from "../bank/workspace.js";
import { handoffsOf } from "./handoff.js";
import { isBlocked, PRIORITIES, taskOf } from "../core/tasks.js";
import { readPrivate } from "../bank/private.js";
import { isExpired } from "../core/recall.js";

export const DEFAULT_BUDGET = 2000;

export interface ContextOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  persona?: string;
  task?: string;
  budget?: number;
}

export interface ContextResult extends Briefing {
  persona: string;
  task: string | null;
}

export async function briefing(options: ContextOptions): Promise<ContextResult> {
  const budget = options.budget ?? DEFAULT_BUDGET;
  const ws = await openWorkspace(options.cwd, options.env);
  await requireBank(ws);
  const persona = personaOf(ws, options.persona)?.name ?? "unknown";
  const task = options.task?.trim() || null;
  const items = await readItems(ws, "worktree");
  const bank = items.filter((i) => i.source === "bank");
  const sections: BriefSection[] = [];

  // Work handed to this persona, not accepted yet: always first.
  const handoffs = handoffsOf(bank, { open: true, to: persona });
  sections.push({
    title: "Handoffs to you",
    noun: "handoff",
    more: "memory handoff list --open",
    items: handoffs.map((h) => ({ key: h.id, text: `### ${h.title}\nfrom ${h.from}, ${h.at} · accept with \`memory handoff accept ${h.id}\`\n\n${h.body}` })),
  });

  // Its tasks: claims it lost in a race first, then what it holds or was given, most urgent first.
  const tasks = new Map(bank.filter((i) => i.type === "task").map((i) => [i.id, taskOf(i)]));
  const lost = [...tasks.values()].filter((t) => t.status !== "done" && t.claimedBy !== persona && t.lostClaims.some((c) => c.persona === persona));
  const mine = [...tasks.values()]
    .filter((t) => t.status !== "done" && (t.claimedBy === persona || (t.assignee === persona && !t.claimedBy)))
    .sort((a, b) => PRIORITIES.indexOf(b.priority) - PRIORITIES.indexOf(a.priority));
  sections.push({
    title: "Your tasks",
    noun: "task",
    more: "memory task list --mine",
    items: [
      ...lost.map((t) => ({ key: t.id, text: `- **Claim lost:** "${t.title}" (${t.id}) is held by ${t.claimedBy}, who claimed it first` })),
      ...mine.map((t) => ({ key: t.id, text: `- **${t.title}** (${t.priority}, ${t.status === "claimed" ? "claimed by you" : isBlocked(t, tasks) ? "blocked" : "assigned to you"}; ${t.id})${t.body ? `\n  ${t.body.split("\n")[0]}` : ""}` })),
    ],
  });

  // This persona's context (the team's comes after what fits the task).
  const ctx = await readTextIfExists(bankFile(ws, "context").abs);
  let own: Array<{ key: string; text: string }> = [];
  let team: Array<{ key: string; text: string; updated: string }> = [];
  if (ctx) {
    try {
      const doc = parseContext(ctx);
      for (const s of doc.sections) {
        const body = sectionSays(s);
        if (!body) continue;
        const item = { key: `context:${s.persona}`, text: `### ${s.persona}${s.updated ? ` (updated ${s.updated})` : ""}\n\n${body}`, updated: s.updated ?? "" };
        if (s.persona === persona) own = [item];
        else team.push(item);
      }
      if (doc.sections.length === 0 && doc.shared.join("\n").trim()) own = [{ key: "context", text: doc.shared.join("\n").trim() }];
    } catch {
      own = [{ key: "context", text: ctx.trim() }];
    }
  }
  team = team.sort((a, b) => (a.updated > b.updated ? -1 : 1));
  sections.push({ title: "Your context", noun: "section", more: `${bankFile(ws, "context").rel}`, items: own });

  // This clone's private notes, newest first (with a task, recall below ranks them with the rest).
  const notes = task ? [] : (await readPrivate(ws)).filter((n) => !isExpired(n, now(ws.env).getTime())).reverse();
  sections.push({ title: "Your private notes", noun: "note", more: "memory recall WORDS", items: notes.map((n) => ({ key: n.id, text: line(n) })) });

  // With a task: what recall ranks highest for it, and entries whose tags the task names.
  if (task) {
    const { recall } = await import("./recall.js");
    const hits = (await recall({ cwd: options.cwd, env: options.env, query: task, limit: 12 })).results;
    const words = new Set(task.toLowerCase().split(/[^\p{L}\p{N}_./-]+/u).filter((w) => w.length > 2));
    const tagged = bank.filter((i) => (i.type === "lesson" || i.type === "pattern") && i.tags.some((t) => words.has(t.toLowerCase())));
    // Handoffs are shown above; an entry is shown once.
    const seenIds = new Set<string>(handoffs.map((h) => h.id));
    const relevant: Array<{ key: string; text: string }> = [];
    for (const h of hits) {
      if (seenIds.has(h.id)) continue;
      seenIds.add(h.id);
      relevant.push({ key: h.id, text: `- **${h.title}** (${h.type}, ${h.author || "?"}, ${day(h.at)}; ${h.source === "docs" ? h.file : h.id})\n  ${h.snippet}` });
    }
    for (const i of tagged) {
      if (seenIds.has(i.id)) continue;
      seenIds.add(i.id);
      relevant.push({ key: i.id, text: line(i) });
    }
    sections.push({ title: `Relevant to the task: ${task.length > 80 ? `${task.slice(0, 77)}…` : task}`, noun: "entry", more: `memory recall ${JSON.stringify(task.slice(0, 60))}`, items: relevant });
  }

  // The team's context, after what fits the task.
  sections.push({ title: "Team context", noun: "section", more: `${bankFile(ws, "context").rel}`, items: team });
  // Buffers near their harvest threshold.
  const warnings: Array<{ key: string; text: string }> = [];
  for (const name of bufferNames(ws.config)) {
    const w = thresholdWarning(await loadBufferStatus(ws, name));
    if (w) warnings.push({ key: name, text: `- ${w}` });
  }
  sections.push({ title: "Warnings", noun: "warning", more: "memory status", items: warnings });

  // New since the last start looked (what it brought in, and anything since).
  const seen = await readSeen(ws.gitDir);
  const since = seen?.previous?.commit ?? seen?.commit;
  let fresh: Item[] = [];
  if (since === "" || (since && (await commitExists(ws.root, since)))) {
    const then = since ? await readItems(ws, { commit: since }, { docs: false }) : [];
    fresh = diffItems(then, bank).added.filter((i) => i.author !== persona && i.type !== "handoff").reverse();
  }
  const shown = new Set(sections.flatMap((sec) => sec.items.map((i) => i.key)));
  fresh = fresh.filter((i) => !shown.has(i.id));
  sections.push({
    title: "New since you last looked",
    noun: "entry",
    more: seen?.previous?.at || seen?.at ? `memory list --since ${seen.previous?.at || seen.at}` : "memory list",
    items: fresh.map((i) => ({ key: i.id, text: line(i) })),
  });

  const heading = `# Memory briefing for ${persona} (${now(ws.env).toISOString().slice(0, 10)})`;
  const least = minimumBudget(heading, sections);
  if (!Number.isFinite(budget) || budget < least) throw new MemoryError("usage", `--budget ${budget} is too small for a briefing; give at least ${least} tokens`);
  return { ...packBriefing(heading, sections, budget), persona, task };
}

const day = (at: string) => (at ? at.slice(0, 10) : "undated");

/** One entry in one or two lines: type, title, who and when, id, and the start of its body. */
function line(i: Item): string {
  const first = i.body.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  const start = first.length > 160 ? `${first.slice(0, 157)}…` : first;
  return `- **${i.title}** (${i.type}, ${i.author || "?"}, ${day(i.at)}; ${i.id})${start ? `\n  ${start}` : ""}`;
}
