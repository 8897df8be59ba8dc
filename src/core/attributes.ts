/** Keeps the bank's lines in `.gitattributes` in place without disturbing anything else there. Pure. */
import { joinLines, splitLines } from "./text.js";

export interface WantedAttribute {
  /** Repo-relative path of the file, or a pattern when `glob` is set (`.claude/memory-bank/*.md`). */
  path: string;
  /** Merge driver name, e.g. `memory-union`. */
  driver: string;
  /** The path is a pattern: `*` and `?` stay wildcards. */
  glob?: boolean;
}

export interface AttributesChange {
  text: string;
  changed: boolean;
  added: string[];
  updated: string[];
}

export const ATTRIBUTES_COMMENT = "# memory: how git merges the shared memory bank (written by `memory init`)";

/**
 * A path as a gitattributes pattern: quoted C-style when it holds spaces or specials. A glob keeps its
 * wildcards (only the path's own brackets, `!`, `#`, spaces and quotes force quoting).
 */
export function attributePattern(path: string, glob = false): string {
  if ((glob ? /^[^\s"\\#![\]]+$/ : /^[^\s"\\#!*?[\]]+$/).test(path)) return path;
  return `"${path.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\t/g, "\\t")}"`;
}

/** A line's pattern as written: a C-style quoted pattern ("my bank/a.md") is one token, spaces and all. */
function firstToken(line: string): string {
  const t = line.trim();
  if (!t.startsWith('"')) return t.split(/\s+/)[0] ?? "";
  const m = /^"(?:[^"\\]|\\.)*"/.exec(t);
  return m ? m[0] : t.split(/\s+/)[0] ?? "";
}

/**
 * Adds the wanted lines that are missing and corrects the `merge=` of those that name another driver.
 * Order matters where patterns overlap (the later line wins), so the wanted list is in the order the lines
 * must keep: a missing line goes before the first present line that the list puts after it, and a pattern
 * line (`…/*.md`) found after a line it must precede is moved up, so the files' own lines win over it.
 */
export function ensureAttributes(
  existing: string | null,
  wanted: readonly WantedAttribute[],
  /** Only these of the wanted lines are added or corrected; the others only say where lines go. */
  only: (w: WantedAttribute) => boolean = () => true,
): AttributesChange {
  const { lines, ...shape } = splitLines(existing ?? "");
  const added: string[] = [];
  const updated: string[] = [];
  const out = [...lines];
  const patterns = wanted.map((w) => attributePattern(w.path, w.glob));
  const indexOf = (pattern: string) => out.findIndex((l) => firstToken(l) === pattern);
  /** The first line, if any, of a pattern the wanted list puts after position `k`. */
  const firstLater = (k: number) => Math.min(...patterns.slice(k + 1).map(indexOf).filter((i) => i >= 0));
  for (const [k, w] of wanted.entries()) {
    if (!only(w)) continue;
    const { path, driver, glob } = w;
    const pattern = patterns[k]!;
    let index = indexOf(pattern);
    const later = firstLater(k);
    if (index >= 0 && glob && index > later) {
      const [line] = out.splice(index, 1);
      out.splice(later, 0, line!);
      index = later;
      updated.push(path);
    }
    if (index < 0) {
      const line = `${pattern} merge=${driver}`;
      if (Number.isFinite(later)) out.splice(later, 0, line);
      else {
        if (added.length === 0 && !out.includes(ATTRIBUTES_COMMENT)) {
          if (out.length > 0 && out[out.length - 1]!.trim() !== "") out.push("");
          out.push(ATTRIBUTES_COMMENT);
        }
        out.push(line);
      }
      added.push(path);
      continue;
    }
    const head = firstToken(out[index]!);
    const tokens = [head, ...out[index]!.trim().slice(head.length).trim().split(/\s+/).filter(Boolean)];
    const mergeAt = tokens.findIndex((t) => t === "merge" || t.startsWith("merge=") || t === "-merge" || t === "!merge");
    const want = `merge=${driver}`;
    if (tokens[mergeAt] === want) continue;
    if (mergeAt < 0) tokens.push(want);
    else tokens[mergeAt] = want;
    out[index] = tokens.join(" ");
    if (!updated.includes(path)) updated.push(path);
  }
  const changed = added.length > 0 || updated.length > 0;
  return { text: changed ? joinLines(out, shape) : existing ?? "", changed, added, updated };
}
