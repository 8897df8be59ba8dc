import { harvest, type HarvestOptions, type HarvestResult } from "../app/harvest.js";
import type { HarvestPlan } from "../core/harvest.js";
import { json, type Output } from "../ui/output.js";
import { terminalPrompt } from "../ui/prompt.js";
import { withSpinner } from "../ui/spinner.js";
import { renderSync } from "./render-sync.js";

export async function harvestCommand(options: HarvestOptions, out: Output, asJson: boolean): Promise<void> {
  const { io } = out;
  // Questions only where someone can answer them; no spinner then, it would draw over the prompt.
  const prompt = io.stdinIsTTY && io.stderr.isTTY && !options.yes && !options.dryRun ? await terminalPrompt(io) : undefined;
  try {
    const result = prompt
      ? await harvest({ ...options, ask: prompt.ask, onWait: out.waiting, onPersona: out.persona })
      : await withSpinner(out, "harvesting", (progress) => harvest({ ...options, progress, onWait: out.waiting, onPersona: out.persona }));
    renderHarvest(result, out, asJson, !!prompt);
  } finally {
    prompt?.close();
  }
}

/** The plan without file contents: what `--json` prints. */
function planForJson(plan: HarvestPlan) {
  return {
    empty: plan.empty,
    buffers: plan.buffers.map(({ content: _c, ...b }) => ({ ...b, changes: _c !== undefined })),
    files: plan.files.map(({ content: _c, ...f }) => f),
  };
}

export function renderHarvest(result: HarvestResult, out: Output, asJson: boolean, asked = false): void {
  if (asJson) return out.data(json({ ...result, plan: planForJson(result.plan) }));
  const { plan } = result;
  const lines: string[] = [];
  if (plan.empty) {
    const declined = plan.buffers.reduce((n, b) => n + b.kept.length, 0);
    const nonEmpty = plan.buffers.some((b) => b.count > 0);
    lines.push(
      declined > 0 && result.dryRun
        ? `Nothing to harvest until ${declined === 1 ? "a decision is" : `${declined} decisions are`} accepted (in a terminal, or with --yes).`
        : declined > 0
          ? `Nothing harvested: ${declined} decision${declined === 1 ? "" : "s"} not accepted, kept in the inbox.`
        : nonEmpty
          ? "Nothing to harvest: no buffer is at its threshold (see `memory status`, or use --all)."
          : "Nothing to harvest: the buffers are empty.",
    );
  }
  else {
    lines.push(result.dryRun ? "Harvest plan (dry run, nothing written):" : "Harvested:");
    for (const b of plan.buffers) {
      const fill = `${b.count}/${b.threshold} ${b.unit}`;
      if (!b.selected) {
        lines.push(`  ${b.label}: ${fill}, not harvested`);
        continue;
      }
      const mine = new Set(b.harvested);
      const files = plan.files.filter((f) => [...f.entries, ...(f.lists ?? [])].some((id) => mine.has(id)));
      lines.push(`  ${b.label}: ${fill}, ${b.harvested.length} entr${b.harvested.length === 1 ? "y" : "ies"}`);
      for (const f of files) lines.push(`    ${f.action === "create" ? "+" : "~"} ${f.path}${f.kind === "patterns" ? ` (${f.entries.length})` : ""}`);
      if (b.alreadyHarvested.length) lines.push(`    ${b.alreadyHarvested.length} already in the docs: removed from the buffer`);

      if (b.kept.length) lines.push(`    ${b.kept.length} decision${b.kept.length === 1 ? "" : "s"} kept in the inbox`);
    }
  }
  for (const b of plan.buffers) {
    const n = b.editedSinceHarvest.length;
    if (n > 0) lines.push(`  ${b.label}: ${n} already in the docs but edited since, kept here: fold the edit into the doc, then delete ${n === 1 ? "it" : "them"} (${b.editedSinceHarvest.join(", ")})`);
  }
  const unmarked = plan.buffers.reduce((n, b) => n + (b.unmarked ?? 0), 0);
  if (unmarked > 0) {
    lines.push(`${unmarked} hand-written section${unmarked === 1 ? " is" : "s are"} not entries yet, so harvest cannot take ${unmarked === 1 ? "it" : "them"}: \`memory doctor --fix\` adopts them`);
  }
  out.data(lines.join("\n"));
  const n = result.unasked;
  if (n > 0 && result.dryRun && !plan.empty) out.info(`${n} decision${n === 1 ? "" : "s"} would need a yes (asked in a terminal, or --yes); shown as kept`);
  else if (n > 0 && !result.dryRun && asked) out.warn(`${n} decision${n === 1 ? "" : "s"} arrived from the remote after the questions and stayed in the inbox; run memory harvest again to decide ${n === 1 ? "it" : "them"}`);
  else if (n > 0 && !result.dryRun) out.warn(`${n} decision${n === 1 ? "" : "s"} stayed in the inbox: no terminal to ask in; pass --yes to turn them all into ADRs`);
  if (result.pullRequest) {
    const pr = result.pullRequest;
    out.success(`the docs are on ${pr.branch} (${pr.commit.slice(0, 7)}): ${pr.base} refuses direct pushes`);
    out.info(`open the pull request: ${pr.command}`);
    out.info("the harvested entries stay in the buffers until it is merged; the next start then lets them go");
  } else {
    if (result.commit) out.success(`harvest committed (${result.commit.slice(0, 7)})`);
    if (result.sync) renderSync(result.sync, out);
  }
  if (result.settled?.length) out.success(`${result.settled.length} harvested entr${result.settled.length === 1 ? "y" : "ies"} left the buffers (their docs are on the default branch)`);
}
