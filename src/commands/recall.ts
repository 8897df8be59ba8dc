import { recall, sinceTime, type RecallOptions } from "../app/recall.js";
import type { ItemFilter } from "../core/query.js";
import { json, type Output } from "../ui/output.js";

export interface FilterFlags {
  type?: string;
  by?: string;
  since?: string;
  tag?: string[];
  in?: "bank" | "docs" | "all";
}

/** The filters as the query API takes them (`--since 7d` counted back from now). */
export function toFilter(flags: FilterFlags, env: NodeJS.ProcessEnv): ItemFilter {
  return {
    ...(flags.type ? { type: flags.type } : {}),
    ...(flags.by ? { author: flags.by } : {}),
    ...(flags.since ? { since: sinceTime(flags.since, env) } : {}),
    ...(flags.tag?.length ? { tags: flags.tag } : {}),
    ...(flags.in ? { in: flags.in } : {}),
  };
}

const day = (at: string) => (at ? at.slice(0, 10) : "undated");

export async function recallCommand(options: RecallOptions, out: Output, asJson: boolean): Promise<void> {
  const report = await recall(options);
  if (asJson) return out.data(json({ query: report.query, results: report.results }));
  if (report.results.length === 0) {
    out.data(`Nothing found for "${report.query}".`);
    return;
  }
  const c = out.color;
  const lines: string[] = [];
  for (const r of report.results) {
    const marks = [r.archived ? c.yellow("archived") : "", r.supersededBy ? c.yellow(`superseded by ${r.supersededBy}`) : "", r.expired ? c.yellow("expired") : ""].filter(Boolean).join(", ");
    lines.push(`${c.bold(r.title)}  ${c.dim(`${r.type} · ${r.author || "?"} · ${day(r.at)} · ${r.source} ${r.file}:${r.line}`)}${marks ? `  ${marks}` : ""}`);
    if (r.snippet && r.snippet !== r.title) lines.push(`    ${r.snippet}`);
    lines.push(`    ${c.dim(`${r.id}  score ${r.score}`)}`);
  }
  out.data(lines.join("\n"));
  if (report.more > 0) out.info(`${report.more} more match${report.more === 1 ? "" : "es"}; raise --limit to see them`);
}

