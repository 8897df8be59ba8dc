import { status, type StatusOptions, type StatusResult } from "../app/status.js";
import { json, type Output } from "../ui/output.js";

export async function statusCommand(options: StatusOptions, out: Output, asJson: boolean): Promise<void> {
  renderStatus(await status(options), out, asJson);
}

export function renderStatus(s: StatusResult, out: Output, asJson: boolean): void {
  if (asJson) return out.data(json(s));
  const c = out.color;
  const lines: string[] = [];
  lines.push(`${s.branch ? `On branch ${c.bold(s.branch)}` : c.yellow("HEAD detached")} · persona ${s.persona ? c.bold(s.persona) : c.yellow("unknown (run memory init --persona NAME)")}`);
  lines.push(s.sync.mode === "branch" ? `Bank synced on its own branch ${c.bold(s.sync.branch!)} (no commits on code branches)` : `Bank synced on the checked-out branch${s.sync.branch ? ` ${c.bold(s.sync.branch)}` : ""}`);
  if (!s.upstream) lines.push("No remote: saves stay in this clone.");
  else if (s.remoteBreaker) lines.push(c.yellow(`${s.remote} unreachable since ${s.remoteBreaker.since.slice(11, 19)} UTC (${s.remoteBreaker.failures} in a row): syncs skip it until ${s.remoteBreaker.until.slice(11, 19)} UTC; --retry-now tries now`));
  else if (s.behind === null) lines.push(`${s.upstream}: not pushed yet; ${s.ahead} commit${s.ahead === 1 ? "" : "s"} waiting to push`);
  else if (s.ahead === 0 && s.behind === 0) lines.push(`${s.upstream}: up to date (as of the last fetch)`);
  else lines.push(`${s.upstream}: ${s.ahead} ahead, ${s.behind} behind${s.ahead ? ` (${s.ahead} waiting to push)` : ""}`);
  lines.push("");
  const width = Math.max(...s.buffers.map((b) => b.label.length));
  for (const b of s.buffers) {
    const count = b.unit === "lines" ? b.lines : b.items;
    const unmarked = b.unmarked ? c.yellow(`${b.unmarked} unmarked section${b.unmarked === 1 ? "" : "s"} (memory doctor --fix adopts them)`) : "";
    const state = [b.ready ? c.green("ready to harvest") : b.near ? c.yellow("near threshold") : "", unmarked].filter(Boolean).join(", ");
    const fill = (b.threshold !== null ? `${count}/${b.threshold} ${b.unit}` : "not harvested").padEnd(14);
    lines.push(`  ${b.label.padEnd(width)}  ${fill} ${b.items} item${b.items === 1 ? "" : "s"}${state ? `  ${state}` : ""}`.trimEnd());
  }
  out.data(lines.join("\n"));
}
