import { migrate, type MigrateOptions, type MigrateResult } from "../app/migrate.js";
import { json, type Output } from "../ui/output.js";
import { withSpinner } from "../ui/spinner.js";

export async function migrateCommand(options: MigrateOptions, out: Output, asJson: boolean): Promise<void> {
  const result = await withSpinner(out, options.dryRun ? "planning the migration" : "migrating", () => migrate({ ...options, onWait: out.waiting }));
  renderMigrate(result, out, asJson);
}

export function renderMigrate(result: MigrateResult, out: Output, asJson: boolean): void {
  if (asJson) return out.data(json(result));
  const { plan } = result;
  if (plan.empty) {
    if (result.move) return renderMove(result, out);
    out.data(`Nothing to migrate: ${plan.bank}/ is already a bank of this tool, set up.`);
    return;
  }
  const lines = [`${result.dryRun ? "Migration plan" : "Migrated"}: the ${plan.from} bank in ${plan.bank}/${result.dryRun ? " (dry run, nothing written)" : ""}`];
  for (const s of plan.sources) {
    const n = s.entries.length;
    const entries = `${n} entr${n === 1 ? "y" : "ies"}`;
    if (s.becomes === "entries") lines.push(`  ${s.path} → ${entries} in ${s.file}; its text kept in ${s.movedTo}`);
    else if (s.becomes === "doc") lines.push(`  ${s.path} → ${s.movedTo}, word for word${n ? `, ${entries} marked in place` : ""}`);
    else lines.push(`  ${s.path}: stamped, its text is ${result.persona}'s section`);
    if (s.note) lines.push(`      (${s.note})`);
    for (const e of s.entries) {
      const tags = e.tags.length ? ` [${e.tags.join(", ")}]` : "";
      lines.push(`      + "${e.title}" ${e.type}, ${e.at} (${e.atFrom}), by ${e.by} (${e.byFrom})${tags}`);
    }
  }
  const kept = plan.kept.filter((k) => !k.note).map((k) => k.path);
  if (kept.length) lines.push(`  kept as they are: ${kept.join(", ")}`);
  for (const k of plan.kept.filter((x) => x.note)) lines.push(`  kept as it is: ${k.path} (${k.note})`);
  if (plan.config) {
    const s = plan.config.settings;
    const said = [...(s.bank ? [`bank = ${s.bank}`] : []), ...(s.contextFile ? [`context.file = ${s.contextFile}`] : [])];
    lines.push(`  ${plan.config.path}: ${said.join(", ")}`);
  }
  out.data(lines.join("\n"));
  if (result.move) return renderMove(result, out);
  if (result.commit) out.success(`migration committed (${result.commit.slice(0, 7)}); check it with memory doctor, share it with memory save`);
  else if (result.dryRun) out.info("run without --dry-run to apply it as one commit");
}

function renderMove(result: MigrateResult, out: Output): void {
  const move = result.move!;
  if (result.dryRun) {
    out.data(`Would move the bank (${move.files.length} files) to its own branch, ${move.branch}: one commit there, and one here that stops tracking it.`);
    out.info("run without --dry-run to move it");
    return;
  }
  out.data(`Moved the bank (${move.files.length} files) to its own branch, ${move.branch}.`);
  out.success(`${move.branch}: ${move.bankCommit!.slice(0, 7)}; this branch stops tracking the bank: ${move.codeCommit!.slice(0, 7)}`);
  if (move.codeRefused) out.warn(`the commit on this branch was not pushed (${move.codeRefused}); merge it through a pull request`);
  out.info("every other clone: memory save, git pull, then memory init (it takes the bank from its branch)");
}
