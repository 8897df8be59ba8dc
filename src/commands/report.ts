import { resolve } from "node:path";
import { report } from "../app/report.js";
import { writeTextAtomic } from "../infra/fs.js";
import type { Output } from "../ui/output.js";

export async function reportCommand(options: { cwd: string; env: NodeJS.ProcessEnv; since?: string; out?: string }, out: Output): Promise<void> {
  const { html } = await report(options);
  if (!options.out) return out.data(html.trimEnd());
  const path = resolve(options.cwd, options.out);
  await writeTextAtomic(path, html);
  out.success(`wrote ${options.out} (${Math.round(html.length / 1024)} KB, one self-contained page)`);
}
