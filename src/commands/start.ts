import { start, type StartOptions, type StartResult } from "../app/start.js";
import { json, type Output } from "../ui/output.js";
import { thresholdWarning } from "../ui/warnings.js";
import { withSpinner } from "../ui/spinner.js";
import { renderSync } from "./render-sync.js";
import { contextLines } from "./render-context.js";

export async function startCommand(options: StartOptions, out: Output, asJson: boolean): Promise<void> {
  const result = await withSpinner(out, "syncing the bank", (progress) => start({ ...options, progress, onWait: out.waiting, onPersona: out.persona }));
  renderStart(result, out, asJson);
}

/** `patterns-buffer has 18 lines (near harvest threshold 20)`, one per buffer near its threshold. */
const warningsOf = (result: StartResult): string[] => result.near.map(thresholdWarning).filter((w): w is string => w !== undefined);

export function renderStart(result: StartResult, out: Output, asJson: boolean): void {
  if (asJson) {
    const { near: _, ...rest } = result;
    return out.data(json({ ...rest, warnings: warningsOf(result) }));
  }
  renderSync(result.sync, out);
  const lines: string[] = [];
  // Work handed to this persona comes first.
  for (const h of result.handoffs) {
    lines.push(`Handoff from ${h.from} (${h.at}): ${h.title.replace(/^Handoff to [^:]+: /, "")}`);
    for (const l of h.body.split("\n").filter((x) => x.trim() !== "").slice(0, 12)) lines.push(`  ${l}`);
    lines.push(`  accept it with: memory handoff accept ${h.id}`);
  }
  for (const t of result.tasks.lost) lines.push(`Claim lost: "${t.title}" (${t.id}) is held by ${t.claimedBy}, who claimed it first`);
  for (const t of result.tasks.assigned) lines.push(`Task for you: "${t.title}" (${t.priority}; ${t.id}); claim it with: memory task claim ${t.id}`);
  const quiet = [result.newEntries, result.harvested, result.edited, result.removed, result.archived, result.newDocs, result.handoffs, result.tasks.lost, result.tasks.assigned].every((l) => l.length === 0);
  if (quiet && !result.contextReplaced) lines.push("Nothing new from others since you last looked.");
  if (result.newEntries.length > 0) {
    lines.push(`New from others since you last looked (${result.newEntries.length}):`);
    for (const e of result.newEntries) lines.push(`  ${e.buffer}: "${e.title}" by ${e.author}, ${e.createdAt} (${e.id})`);
  }
  if (result.harvested.length > 0) {
    lines.push(`Harvested into the docs (${result.harvested.length}):`);
    for (const h of result.harvested) lines.push(`  "${h.title}" by ${h.author} → ${h.doc}`);
  }
  if (result.edited.length > 0) {
    lines.push(`Changed (${result.edited.length}):`);
    for (const e of result.edited) lines.push(`  ${e.buffer}: "${e.title}" by ${e.author} (${e.id})`);
  }
  if (result.removed.length > 0) {
    lines.push(`Removed (${result.removed.length}):`);
    for (const e of result.removed) lines.push(`  ${e.buffer}: "${e.title}" by ${e.author} (${e.id})`);
  }
  if (result.archived.length > 0) {
    lines.push(`Archived (${result.archived.length}; \`memory recall --archived\` still finds them):`);
    for (const e of result.archived) lines.push(`  ${e.buffer}: "${e.title}" by ${e.author} (${e.id})`);
  }
  if (result.newDocs.length > 0) lines.push(`New docs: ${result.newDocs.join(", ")}`);
  lines.push(...contextLines(result.contextReplaced));
  lines.push(...warningsOf(result));
  out.data(lines.join("\n"));
}
