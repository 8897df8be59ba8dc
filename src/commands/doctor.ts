import { doctor, type Check, type DoctorOptions, type DoctorResult } from "../app/doctor.js";
import { json, type Output } from "../ui/output.js";

/** Prints the checks; true when every one passed. */
export async function doctorCommand(options: DoctorOptions, out: Output, asJson: boolean): Promise<boolean> {
  const result = await doctor(options);
  renderDoctor(result, out, asJson);
  return result.ok;
}

const LABELS: Record<Check["id"], string> = {
  bank: "bank files present",
  parse: "bank files parse",
  context: "activeContext stamped",
  markers: "no conflict markers",
  unmerged: "no unmerged bank files",
  unmarked: "every section is an entry",
  attributes: "merge attributes apply",
  drivers: "merge drivers registered",
  persona: "persona known",
  adr: "ADR numbers unique",
  harvested: "each entry harvested once",
};

export function renderDoctor(result: DoctorResult, out: Output, asJson: boolean): void {
  if (asJson) return out.data(json(result));
  const c = out.color;
  const lines: string[] = [];
  for (const check of result.checks) {
    lines.push(`${check.ok ? c.green("✓") : c.red("✗")} ${LABELS[check.id]}`);
    for (const f of check.fixed) lines.push(`    fixed: ${f}`);
    for (const p of check.problems) lines.push(`    ${p}`);
    if (check.hint) lines.push(`    → ${check.hint}`);
  }
  out.data(lines.join("\n"));
}
