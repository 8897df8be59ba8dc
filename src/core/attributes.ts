/** Keeps the bank's lines in `.gitattributes` in place without disturbing anything else there. Pure. */
import { joinLines, splitLines } from "./text.js";

export interface WantedAttribute {
  /** Repo-relative path of the file. */
  path: string;
  /** Merge driver name, e.g. `memory-union`. */
  driver: string;
}

export interface AttributesChange {
  text: string;
  changed: boolean;
  added: string[];
  updated: string[];
}

export const ATTRIBUTES_COMMENT = "# memory: how git merges the shared memory bank (written by `memory init`)";

/** A path as a gitattributes pattern: quoted C-style when it holds spaces or specials. */
export function attributePattern(path: string): string {
  if (/^[^\s"\\#!*?[\]]+$/.test(path)) return path;
  return `"${path.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\t/g, "\\t")}"`;
}

/** A line's pattern as written: a C-style quoted pattern ("my bank/a.md") is one token, spaces and all. */
function firstToken(line: string): string {
  const t = line.trim();
  if (!t.startsWith('"')) return t.split(/\s+/)[0] ?? "";
  const m = /^"(?:[^"\\]|\\.)*"/.exec(t);
  return m ? m[0] : t.split(/\s+/)[0] ?? "";
}

export function ensureAttributes(existing: string | null, wanted: readonly WantedAttribute[]): AttributesChange {
  const { lines, ...shape } = splitLines(existing ?? "");
  const added: string[] = [];
  const updated: string[] = [];
  const out = [...lines];
  for (const { path, driver } of wanted) {
    const pattern = attributePattern(path);
    const index = out.findIndex((l) => firstToken(l) === pattern);
    if (index < 0) {
      if (added.length === 0 && !out.includes(ATTRIBUTES_COMMENT)) {
        if (out.length > 0 && out[out.length - 1]!.trim() !== "") out.push("");
        out.push(ATTRIBUTES_COMMENT);
      }
      out.push(`${pattern} merge=${driver}`);
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
    updated.push(path);
  }
  const changed = added.length > 0 || updated.length > 0;
  return { text: changed ? joinLines(out, shape) : existing ?? "", changed, added, updated };
}
