import { init, type InitOptions, type InitResult } from "../app/setup.js";
import { json, type Output } from "../ui/output.js";

export async function initCommand(options: InitOptions, out: Output, asJson: boolean): Promise<void> {
  renderInit(await init(options), out, asJson);
}

export function renderInit(result: InitResult, out: Output, asJson: boolean): void {
  if (asJson) return out.data(json(result));
  const changed = result.created.length + result.attributes.added.length + result.attributes.updated.length + result.configured.length + (result.ci ? 1 : 0);
  if (result.ci) out.success(`wrote ${result.ci}: harvests on a schedule and on pushes to main`);
  if (result.created.length > 0) out.success(`created ${result.created.length} bank files in ${result.bank}/`);
  const attrs = result.attributes.added.length + result.attributes.updated.length;
  if (attrs > 0) out.success(`${result.sync.attributesFile}: merge drivers set for ${attrs} bank files`);
  if (result.sync.mode === "branch") out.info(`the bank syncs on its own branch, ${result.sync.branch}: no commits on code branches`);
  if (result.configured.some((k) => k.startsWith("merge."))) out.success("merge drivers registered in .git/config");
  if (result.configured.includes("memory.persona")) out.success(`persona of this clone: ${result.persona}`);
  if (changed === 0) out.info(`already set up (persona ${result.persona}); nothing changed`);
  else if (result.created.length > 0) out.info("next: `memory add pattern \"…\"`, then `memory save` to share the bank");
}
