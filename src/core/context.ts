/** activeContext.md: markdown under a small frontmatter whose `updated:` stamp decides which copy is newest. Pure. */
import { joinLines, splitLines } from "./text.js";

export interface ContextStamp {
  /** The `updated:` value as written, or undefined. */
  updated: string | undefined;
  by: string | undefined;
  /** 1-based line of `updated:` (0 when absent), for error messages. */
  line: number;
  /** Whether the file opens with a frontmatter block at all. */
  hasFrontmatter: boolean;
}

/** Reads `updated:` and `by:` from the frontmatter without a YAML parser: the merge driver must start fast. */
export function readStamp(text: string): ContextStamp {
  const { lines } = splitLines(text);
  const stamp: ContextStamp = { updated: undefined, by: undefined, line: 0, hasFrontmatter: false };
  if (lines[0]?.trimEnd() !== "---") return stamp;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trimEnd() === "---" || line.trimEnd() === "...") {
      stamp.hasFrontmatter = true;
      break;
    }
    const m = /^(updated|by):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!m) continue;
    const value = unquote(m[2]!);
    if (m[1] === "updated") [stamp.updated, stamp.line] = [value, i + 1];
    else stamp.by = value;
  }
  if (!stamp.hasFrontmatter) return { updated: undefined, by: undefined, line: 0, hasFrontmatter: false };
  return stamp;
}

/** A YAML scalar as `stampContext` writes it: bare, 'single' or "double" quoted (with JSON escapes). */
function unquote(raw: string): string {
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length > 1) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }
  if (raw.startsWith("'") && raw.endsWith("'") && raw.length > 1) return raw.slice(1, -1).replace(/''/g, "'");
  return raw;
}

/** The stamp as milliseconds, or undefined when it is missing or not a time. */
export function stampTime(stamp: ContextStamp): number | undefined {
  if (!stamp.updated) return undefined;
  const ms = Date.parse(stamp.updated);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The file without its `updated:` and `by:` lines: what decides whether the content changed. */
export function withoutStamp(text: string): string {
  const { lines } = splitLines(text);
  if (lines[0]?.trimEnd() !== "---") return lines.join("\n");
  const end = lines.findIndex((l, i) => i > 0 && (l.trimEnd() === "---" || l.trimEnd() === "..."));
  if (end < 0) return lines.join("\n");
  return lines.filter((l, i) => i === 0 || i >= end || !/^(updated|by):/.test(l)).join("\n");
}

/** Sets `updated:` and `by:` in the frontmatter (adding one if the file has none), keeping everything else. */
export function stampContext(text: string, updated: string, by: string): string {
  const { lines, ...shape } = splitLines(text);
  const quoteIfNeeded = (v: string) => (/^[\w .@+-]*$/.test(v) && !/^\s|\s$/.test(v) ? v : JSON.stringify(v));
  const stamp = [`updated: ${updated}`, `by: ${quoteIfNeeded(by)}`];
  const end = lines[0]?.trimEnd() === "---" ? lines.findIndex((l, i) => i > 0 && (l.trimEnd() === "---" || l.trimEnd() === "...")) : -1;
  if (end < 0) return joinLines(["---", ...stamp, "---", ...lines], shape);
  const front = lines.slice(1, end).filter((l) => !/^(updated|by):/.test(l));
  return joinLines(["---", ...stamp, ...front, ...lines.slice(end)], shape);
}
