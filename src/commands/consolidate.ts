/** `memory consolidate` and `memory cleanup`: the plan, the questions in a terminal, the result. */
import { cleanup, type CleanupOptions, type CleanupResult } from "../app/cleanup.js";
import { consolidate, type ConsolidateOptions, type ConsolidateResult } from "../app/consolidate.js";
import { json, type Output } from "../ui/output.js";
import { terminalPrompt } from "../ui/prompt.js";
import { withSpinner } from "../ui/spinner.js";
import { renderSync } from "./render-sync.js";

const day = (at: string) => (at ? at.slice(0, 10) : "undated");

/** Runs a use case with questions where someone can answer them (and no spinner then, it would draw over them). */
async function withQuestions<O extends { yes?: boolean; dryRun?: boolean }, R>(
  options: O,
  out: Output,
  label: string,
  run: (options: O & { ask?: (q: string) => Promise<boolean>; progress?: (m: string) => void; onWait: (h: string) => void; onPersona: Output["persona"] }) => Promise<R>,
): Promise<{ result: R; asked: boolean }> {
  const { io } = out;
  const prompt = io.stdinIsTTY && io.stderr.isTTY && !options.yes && !options.dryRun ? await terminalPrompt(io) : undefined;
  try {
    const result = prompt
      ? await run({ ...options, ask: prompt.ask, onWait: out.waiting, onPersona: out.persona })
      : await withSpinner(out, label, (progress) => run({ ...options, progress, onWait: out.waiting, onPersona: out.persona }));
    return { result, asked: !!prompt };
  } finally {
    prompt?.close();
  }
}

export async function consolidateCommand(options: ConsolidateOptions, out: Output, asJson: boolean): Promise<void> {
  const { result, asked } = await withQuestions(options, out, "consolidating", consolidate);
  renderConsolidate(result, out, asJson, asked);
}

export function renderConsolidate(result: ConsolidateResult, out: Output, asJson: boolean, asked = false): void {
  if (asJson) return out.data(json(result));
  const { groups } = result;
  if (groups.length === 0) {
    out.data(`No near-duplicates (similarity ${result.threshold} or more) among the bank's current entries.`);
    return;
  }
  const lines = [
    result.applied
      ? `Consolidated (${groups.length} new entr${groups.length === 1 ? "y" : "ies"}):`
      : `Consolidation plan${result.dryRun ? " (dry run, nothing written)" : ""}: ${groups.length} group${groups.length === 1 ? "" : "s"} of near-duplicates (similarity ${result.threshold} or more)`,
  ];
  for (const g of groups) {
    lines.push(`  ${g.label}: ${g.entries.length} ${g.type} entries → "${g.title}"${g.id ? ` (${g.id})` : ""}${g.tags.length ? ` [${g.tags.join(", ")}]` : ""}`);
    for (const e of g.entries) {
      const how = e.similarity === 1 && e === g.entries[g.entries.length - 1] ? "newest: its title and body" : `similarity ${e.similarity}`;
      lines.push(`    ${e.id}  "${e.title}" by ${e.author || "?"}, ${day(e.at)} (${how})`);
    }
  }
  out.data(lines.join("\n"));
  if (result.applied) {
    out.info("the old entries stay in the bank, superseded: recall hides them (--all shows them), `memory cleanup` archives them");
    if (result.skipped > 0) out.info(`${result.skipped} other group${result.skipped === 1 ? " was" : "s were"} not written`);
    if (result.commit) out.success(`consolidate committed (${result.commit.slice(0, 7)})`);
    if (result.sync) renderSync(result.sync, out);
  } else if (result.dryRun) {
    out.info("nothing written; run `memory consolidate --yes` to write them");
  } else if (asked) {
    out.info("nothing written: no group was accepted");
  } else {
    out.info("nothing written: no terminal to ask in; pass --yes to write every group (or --dry-run to only look)");
  }
}

export async function cleanupCommand(options: CleanupOptions, out: Output, asJson: boolean): Promise<void> {
  const { result, asked } = await withQuestions(options, out, "cleaning up", cleanup);
  renderCleanup(result, out, asJson, asked);
}

export function renderCleanup(result: CleanupResult, out: Output, asJson: boolean, asked = false): void {
  if (asJson) return out.data(json(result));
  const { moves } = result;
  if (moves.length === 0) {
    out.data("Nothing to clean up: no entry in the buffers is expired or superseded.");
    return;
  }
  const n = moves.length;
  const lines = [
    result.applied
      ? `Archived (${n} entr${n === 1 ? "y" : "ies"}, now in ${result.archive}):`
      : `Cleanup plan${result.dryRun ? " (dry run, nothing written)" : ""}: ${n} entr${n === 1 ? "y" : "ies"} to move to ${result.archive}`,
  ];
  for (const m of moves) {
    const why = [
      ...(m.supersededBy.length ? [`superseded by ${m.supersededBy.join(", ")}`] : []),
      ...(m.reasons.includes("expired") ? [`expired ${m.expires}`] : []),
    ].join("; ");
    lines.push(`  ${m.label}: "${m.title}" by ${m.author || "?"}, ${day(m.at)} (${m.id}): ${why}`);
  }
  out.data(lines.join("\n"));
  if (result.applied) {
    out.info("nothing was deleted: `memory recall --archived` searches the archive, `memory show ID` shows an entry of it");
    if (result.commit) out.success(`cleanup committed (${result.commit.slice(0, 7)})`);
    if (result.sync) renderSync(result.sync, out);
  } else if (result.dryRun) {
    out.info("nothing written; run `memory cleanup --yes` to move them");
  } else if (asked) {
    out.info("nothing moved");
  } else {
    out.info("nothing moved: no terminal to ask in; pass --yes to move them (or --dry-run to only look)");
  }
}
