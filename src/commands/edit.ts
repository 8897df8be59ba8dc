import { edit, forget, type EditOptions } from "../app/edit.js";
import { json, type Output } from "../ui/output.js";

export async function editCommand(options: EditOptions, out: Output, asJson: boolean): Promise<void> {
  const res = await edit({ ...options, onWait: out.waiting });
  if (asJson) return out.data(json(res));
  out.data(res.id);
  out.success(res.changed ? `edited in ${res.file}; memory save shares it` : "it already reads so; nothing changed");
}

export async function forgetCommand(options: { cwd?: string; env?: NodeJS.ProcessEnv; id: string }, out: Output, asJson: boolean): Promise<void> {
  const res = await forget({ ...options, onWait: out.waiting });
  if (asJson) return out.data(json(res));
  out.data(res.id);
  out.success(`"${res.title}" removed from ${res.file}; memory save shares it`);
}
