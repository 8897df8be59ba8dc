import { save, type SaveOptions, type SaveResult } from "../app/save.js";
import { describeAdded } from "../app/bank-commit.js";
import { json, type Output } from "../ui/output.js";
import { withSpinner } from "../ui/spinner.js";
import { renderSync } from "./render-sync.js";
import { contextLines } from "./render-context.js";

export async function saveCommand(options: SaveOptions, out: Output, asJson: boolean): Promise<void> {
  const result = await withSpinner(out, "saving the bank", (progress) => save({ ...options, progress, onWait: out.waiting, onPersona: out.persona }));
  renderSave(result, out, asJson);
}

export function renderSave(result: SaveResult, out: Output, asJson: boolean): void {
  if (asJson) return out.data(json(result));
  if (result.commit) out.success(`saved ${describeAdded(result.added, result.contextStamped)} (${result.commit.slice(0, 7)})`);
  else out.info("nothing new to save");
  if (result.sync) renderSync(result.sync, out);
  else if (result.commit) out.info("not pushed (--no-push); the next start or save pushes it");
  for (const line of contextLines(result.contextReplaced)) out.warn(line);
}
