import { list, recall, show, sinceTime, type RecallOptions } from "../app/recall.js";
import { edit, forget, type EditOptions } from "../app/edit.js";
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
    const marks = [r.supersededBy ? c.yellow(`superseded by ${r.supersededBy}`) : "", r.expired ? c.yellow("expired") : ""].filter(Boolean).join(", ");
    lines.push(`${c.bold(r.title)}  ${c.dim(`${r.type} · ${r.author || "?"} · ${day(r.at)} · ${r.source} ${r.file}:${r.line}`)}${marks ? `  ${marks}` : ""}`);
    if (r.snippet && r.snippet !== r.title) lines.push(`    ${r.snippet}`);
    lines.push(`    ${c.dim(`${r.id}  score ${r.score}`)}`);
  }
  out.data(lines.join("\n"));
  if (report.more > 0) out.info(`${report.more} more match${report.more === 1 ? "" : "es"}; raise --limit to see them`);
}

export async function showCommand(options: { cwd?: string; env?: NodeJS.ProcessEnv; id: string }, out: Output, asJson: boolean): Promise<void> {
  const s = await show(options);
  if (asJson) {
    const { text, ...item } = s.item;
    return out.data(json({ ...item, text, expired: s.expired, supersedes: s.supersedes, supersededBy: s.supersededBy, related: s.related, relatedBy: s.relatedBy, harvestedTo: s.harvestedTo }));
  }
  const c = out.color;
  const i = s.item;
  const lines = [
    `${c.bold(i.title)}`,
    `${i.id} · ${i.type} · by ${i.author || "?"} · ${i.at || "undated"}${i.expires ? ` · expires ${i.expires}${s.expired ? " (expired)" : ""}` : ""}`,
    `in ${i.source === "bank" ? "the bank" : "the docs"}: ${i.file}:${i.line}`,
  ];
  const said = (label: string, links: Array<{ id: string; title: string; file: string; line: number }>) => {
    for (const l of links) lines.push(`${label} ${l.id}${l.title ? ` "${l.title}"` : ""}${l.file ? ` (${l.file}:${l.line})` : " (not found here)"}`);
  };
  if (s.supersedes) said("supersedes", [s.supersedes]);
  said("superseded by", s.supersededBy);
  said("related to", s.related);
  said("related from", s.relatedBy);
  said("harvested to", s.harvestedTo);
  lines.push("", i.source === "bank" ? i.text : i.body);
  out.data(lines.join("\n"));
}

export async function listCommand(options: { cwd?: string; env?: NodeJS.ProcessEnv; filter: ItemFilter }, out: Output, asJson: boolean): Promise<void> {
  const items = await list(options);
  if (asJson) return out.data(json({ items }));
  if (items.length === 0) return out.data("No entries.");
  out.data(items.map((i) => `${i.id}  ${day(i.at)}  ${i.type.padEnd(9)} ${(i.author || "?").padEnd(10)} ${i.title}`).join("\n"));
}

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
