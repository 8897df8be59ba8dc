import { acceptHandoff, handoff, listHandoffs, type Handoff, type HandoffOptions } from "../app/handoff.js";
import { json, type Output } from "../ui/output.js";

export async function handoffCommand(options: HandoffOptions, out: Output, asJson: boolean): Promise<void> {
  const res = await handoff({ ...options, onWait: out.waiting });
  if (asJson) return out.data(json(res));
  out.data(res.handoff.id);
  out.success(`handed to ${res.handoff.to} in ${res.handoff.file}; memory save shares it`);
  if (res.newPersona) out.info(`nobody has written as ${res.handoff.to} yet: it waits for them, first in their start and context`);
}

export async function handoffListCommand(options: { cwd?: string; env?: NodeJS.ProcessEnv; open?: boolean }, out: Output, asJson: boolean): Promise<void> {
  const list = await listHandoffs(options);
  if (asJson) return out.data(json({ handoffs: list }));
  if (list.length === 0) return out.data(options.open ? "No open handoffs." : "No handoffs.");
  out.data(list.map(describe).join("\n"));
}

const describe = (h: Handoff): string =>
  `${h.id}  ${h.at.slice(0, 10)}  ${h.from} → ${h.to}  ${h.accepted ? `accepted by ${h.acceptedBy ?? "?"} ${h.accepted.slice(0, 10)}` : "open"}  ${h.title.replace(/^Handoff to [^:]+: /, "")}`;

export async function handoffAcceptCommand(options: { cwd?: string; env?: NodeJS.ProcessEnv; persona?: string; id: string }, out: Output, asJson: boolean): Promise<void> {
  const res = await acceptHandoff({ ...options, onWait: out.waiting });
  if (asJson) return out.data(json(res));
  out.data(res.handoff.id);
  if (res.already) out.info(`already accepted by ${res.handoff.acceptedBy ?? "?"} at ${res.handoff.accepted}`);
  else out.success(`accepted; memory save shares it${res.notYours ? ` (it was addressed to ${res.handoff.to})` : ""}`);
}
