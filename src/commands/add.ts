import { add, type AddOptions, type AddResult } from "../app/add.js";
import { thresholdWarning } from "../ui/warnings.js";
import { json, type Output } from "../ui/output.js";

export async function addCommand(options: AddOptions, out: Output, asJson: boolean): Promise<void> {
  renderAdd(await add({ ...options, onWait: out.waiting, onPersona: out.persona }), out, asJson);
}

export function renderAdd(result: AddResult, out: Output, asJson: boolean): void {
  if (asJson) out.data(json({ id: result.id, file: result.file }));
  else out.data(result.id);
  const warning = thresholdWarning(result.status);
  if (warning) out.warn(warning);
}
