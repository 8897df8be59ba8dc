import { doctor, type Check, type DoctorOptions, type DoctorResult } from "../app/doctor.js";
import { json, type Output } from "../ui/output.js";

/** Prints the checks; true when every one passed. */
export async function doctorCommand(options: DoctorOptions, out: Output, asJson: boolean): Promise<boolean> {
  const result = await doctor({ ...options, onWait: out.waiting });
  renderDoctor(result, out, asJson);
  return result.ok;
}

/** The next step for a check that found problems. */
const HINTS: Record<Check["id"], string> = {
  bank: "run `memory init` or `memory doctor --fix` to create missing files",
  unmerged: "resolve the other files and commit (`git commit`), or abort the merge (`git merge --abort`), then run `memory doctor` again",
  markers: "resolve the markers by hand (keep every entry), then run `memory doctor` again",
  parse: "edit the named line, then run `memory doctor` again",
  context: "run `memory doctor --fix` to stamp it (its text becomes your persona's section), then `memory save`",
  unmarked: "run `memory doctor --fix` to make each section an entry (its date from the text or history, its author from history)",
  attributes: "run `memory doctor --fix`, or check .gitattributes and .git/info/attributes for a line overriding the bank's",
  drivers: "run `memory doctor --fix` to register the drivers",
  persona: "run `memory init --persona NAME` (or set MEMORY_PERSONA)",
  adr: "renumber the later ADR and update links to it (`memory doctor --fix` does both)",
  harvested: "keep the doc that was published first, delete the other, and fix links to it",
};

const hintFor = (check: Check): string | undefined =>
  check.ok ? undefined : check.noBank ? "run `memory init` first" : HINTS[check.id];

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
  const checks = result.checks.map((check) => {
    const { noBank: _, ...shown } = check;
    const hint = hintFor(check);
    return hint ? { ...shown, hint } : shown;
  });
  if (asJson) return out.data(json({ ...result, checks }));
  const c = out.color;
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${check.ok ? c.green("✓") : c.red("✗")} ${LABELS[check.id]}`);
    for (const f of check.fixed) lines.push(`    fixed: ${f}`);
    for (const p of check.problems) lines.push(`    ${p}`);
    if ("hint" in check) lines.push(`    → ${check.hint}`);
  }
  out.data(lines.join("\n"));
}
