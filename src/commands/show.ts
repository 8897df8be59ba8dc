import { list, show } from "../app/lookup.js";
import type { ItemFilter } from "../core/query.js";
import { json, type Output } from "../ui/output.js";

const day = (at: string) => (at ? at.slice(0, 10) : "undated");

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
    `in ${i.source === "bank" ? "the bank" : i.source === "archive" ? `the archive${i.attrs?.archived ? ` (archived ${i.attrs.archived})` : ""}` : "the docs"}: ${i.file}:${i.line}`,
  ];
  const said = (label: string, links: Array<{ id: string; title: string; file: string; line: number }>) => {
    for (const l of links) lines.push(`${label} ${l.id}${l.title ? ` "${l.title}"` : ""}${l.file ? ` (${l.file}:${l.line})` : " (not found here)"}`);
  };
  said("supersedes", s.supersedes);
  said("superseded by", s.supersededBy);
  said("related to", s.related);
  said("related from", s.relatedBy);
  said("harvested to", s.harvestedTo);
  lines.push("", i.source === "bank" || i.source === "archive" ? i.text : i.body);
  out.data(lines.join("\n"));
}

export async function listCommand(options: { cwd?: string; env?: NodeJS.ProcessEnv; filter: ItemFilter }, out: Output, asJson: boolean): Promise<void> {
  const items = await list(options);
  if (asJson) return out.data(json({ items }));
  if (items.length === 0) return out.data("No entries.");
  out.data(items.map((i) => `${i.id}  ${day(i.at)}  ${i.type.padEnd(9)} ${(i.author || "?").padEnd(10)} ${i.title}`).join("\n"));
}

