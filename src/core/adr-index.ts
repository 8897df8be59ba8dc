/**
 * An ADR folder's own index (`README.md`, `index.md`): a list or table of links to the ADRs. New ADRs get
 * lines in the format of the last ADR line there, placed after it. Pure.
 *
 *   - [ADR-004: Use Redis](ADR-004-use-redis.md)          → - [ADR-005: New title](ADR-005-new-title.md)
 *   | [ADR-004](ADR-004-x.md) | Use Redis | Accepted | … |  → | [ADR-005](ADR-005-y.md) | New title | Proposed | … |
 *
 * An index without such a line is left as it is.
 */
import { parseAdrName, replaceAdrMentions, replaceLeadingNumber, splitFrontmatter, type AdrDoc } from "./adr.js";
import { FenceTracker, joinLines, splitLines } from "./text.js";

/** An ADR the harvest adds, as the index should name it. */
export interface IndexedAdr {
  /** File name. */
  name: string;
  /** `ADR-005`, `0005`, `20250715`. */
  label: string;
  number?: number;
  title: string;
  /** ISO day. */
  day: string;
  /** `proposed`. */
  status: string;
}

const LINK = /\[((?:[^[\]\\]|\\.|\[[^\]]*\])*)\]\(\s*(<[^>]*>|[^)\s]+)((?:\s+"[^"]*")?\s*)\)/g;
const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])(\s+)/;
const TABLE_ROW = /^\s*\|/;
const STATUS_WORDS = /\b(proposed|accepted|rejected|deprecated|superseded|draft|approved|implemented|enhanced|active|obsolete)\b/i;

interface AdrLink {
  /** Where the link starts and ends in the line. */
  start: number;
  end: number;
  text: string;
  target: string;
  title: string;
  /** The ADR file it points to. */
  file: string;
}

/** The links of a line that point to an ADR file in the same folder. */
function adrLinks(line: string): AdrLink[] {
  const found: AdrLink[] = [];
  for (const m of line.matchAll(LINK)) {
    const target = m[2]!.replace(/^<|>$/g, "");
    if (/^[a-z][\w+.-]*:/i.test(target) || target.startsWith("/")) continue;
    let path: string;
    try {
      path = decodeURI(target.split(/[#?]/)[0]!);
    } catch {
      continue;
    }
    const parts = path.split("/");
    const file = parts.pop()!;
    if (parts.some((p) => p !== ".")) continue;
    if (!parseAdrName(file)) continue;
    found.push({ start: m.index, end: m.index + m[0].length, text: m[1]!, target: m[2]!, title: m[3]!, file });
  }
  return found;
}

/** The index with lines for the new ADRs after its last ADR line; null when it has no ADR line to follow. */
export function addToAdrIndex(text: string, docs: ReadonlyMap<string, AdrDoc>, added: readonly IndexedAdr[]): string | null {
  if (added.length === 0) return null;
  const { lines, ...shape } = splitLines(text);
  const fence = new FenceTracker();
  let last = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence.feed(line)) continue;
    if ((LIST_ITEM.test(line) || TABLE_ROW.test(line)) && adrLinks(line).length > 0) last = i;
  }
  if (last < 0) return null;
  const model = lines[last]!;
  const link = adrLinks(model).pop()!;
  const old = { file: link.file, doc: docs.get(link.file) };
  const header = TABLE_ROW.test(model) ? tableHeader(lines, last) : undefined;
  const ordinal = LIST_ITEM.exec(model)?.[2];
  const made = added.map((adr, i) => {
    const line = header ? tableRow(model, header, link, old, adr) : listLine(model, link, old, adr);
    if (ordinal && /^\d+/.test(ordinal)) return line.replace(/^(\s*)(\d+)/, (_, sp: string, n: string) => `${sp}${Number(n) + i + 1}`);
    return line;
  });
  const joined = joinLines([...lines.slice(0, last + 1), ...made, ...lines.slice(last + 1)], shape);
  // Its last line keeps its ending, or its lack of one.
  return /\r?\n$/.test(text) ? joined : joined.slice(0, -shape.eol.length);
}

interface OldAdr {
  file: string;
  doc: AdrDoc | undefined;
}

/** Replaces what the old ADR's text said (title, number, name, day, status) with the new one's. */
function substitute(text: string, old: OldAdr, adr: IndexedAdr, keepStatus = false): { text: string; changed: boolean; held: string; restore: (t: string) => string } {
  const slots: string[] = [];
  const hold = (value: string) => {
    slots.push(value);
    return `\u0000${slots.length - 1}\u0000`;
  };
  let out = text;
  const base = old.file.replace(/\.md$/i, "");
  const newBase = adr.name.replace(/\.md$/i, "");
  out = out.split(old.file).join(hold(adr.name));
  out = out.split(base).join(hold(newBase));
  const title = old.doc?.title;
  if (title) out = out.split(title).join(hold(adr.title));
  const parsed = parseAdrName(old.file);
  if (parsed?.kind === "number" && adr.number !== undefined) {
    const lead = replaceLeadingNumber(out, parsed.number, adr.number);
    out = replaceAdrMentions(lead, parsed.number, adr.number);
  } else if (parsed) {
    const written = parsed.kind === "number" ? `${parsed.prefix}${parsed.digits}` : parsed.dashed ? parsed.day : parsed.day.replace(/-/g, "");
    out = out.split(written).join(hold(adr.label));
  }
  out = out.replace(/\b\d{4}-\d{2}-\d{2}\b/g, () => hold(adr.day));
  if (!keepStatus) {
    const word = old.doc?.status && new RegExp(`\\b${escape(old.doc.status)}\\b`).test(out) ? new RegExp(`\\b${escape(old.doc.status)}\\b`) : STATUS_WORDS;
    out = out.replace(word, (w) => hold(inCase(w, adr.status)));
  }
  const changed = out !== text;
  const restore = (t: string) => t.replace(/\u0000(\d+)\u0000/g, (_, n: string) => slots[Number(n)]!);
  return { text: restore(out), changed, held: out, restore };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `status` written in the case of `like` (`Accepted` → `Proposed`). */
function inCase(like: string, status: string): string {
  if (like.length > 1 && like === like.toUpperCase()) return status.toUpperCase();
  if (like[0] && like[0] === like[0].toUpperCase()) return status[0]!.toUpperCase() + status.slice(1);
  return status.toLowerCase();
}

/** The link to the old ADR, pointing to the new one, its text naming the new one. */
function newLink(link: AdrLink, old: OldAdr, adr: IndexedAdr): string {
  const target = link.target.replace(new RegExp(`${escape(encodeURI(old.file))}|${escape(old.file)}`), encodeURI(adr.name));
  const { text, changed } = substitute(link.text, old, adr, true);
  return `[${changed ? text : adr.title}](${target}${link.title})`;
}

function listLine(model: string, link: AdrLink, old: OldAdr, adr: IndexedAdr): string {
  // The list marker stays as it is (an ordinal is counted on by the caller); what follows it is the old ADR's.
  const marker = LIST_ITEM.exec(model)?.[0] ?? "";
  const before = marker + substitute(model.slice(marker.length, link.start), old, adr).text;
  const linked = newLink(link, old, adr);
  const rest = model.slice(link.end);
  const after = substitute(rest, old, adr);
  let tail = after.text;
  const end = [...after.held.matchAll(/\u0000\d+\u0000/g)].pop();
  if (after.changed && end) {
    // Up to the last thing that was the old ADR's (its title, day, status); words after it (a summary) are the old ADR's own.
    const cut = end.index + end[0].length;
    const trailing = after.held.slice(cut);
    tail = after.restore(after.held.slice(0, cut) + (/[\p{L}\p{N}]/u.test(trailing) ? /^[)\]*_`|]*/.exec(trailing)![0] : trailing));
  } else if (!after.changed && /[\p{L}\p{N}]/u.test(rest)) {
    // Text of the old ADR's own (a summary): the new line gets the title there, unless the link holds it.
    const lead = /^\s*(?:[-–—:|]\s*)?/u.exec(rest)![0];
    tail = linked.includes(adr.title) ? "" : `${lead || " "}${adr.title}`;
  }
  return `${before}${linked}${tail}`;
}

/** The header cells of the table a row belongs to, when the table has a header and a delimiter row. */
function tableHeader(lines: readonly string[], row: number): string[] | undefined {
  let top = row;
  while (top > 0 && TABLE_ROW.test(lines[top - 1]!)) top--;
  const delimiter = lines[top + 1];
  if (top + 1 >= row || !delimiter || !/^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(delimiter)) return undefined;
  return cells(lines[top]!).map((c) => c.replace(/[*_`]/g, "").trim().toLowerCase());
}

/** A table row's cells (escaped pipes kept in their cell). */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, "").replace(/(?<!\\)\|$/, "");
  return inner.split(/(?<!\\)\|/);
}

function tableRow(model: string, header: readonly string[], link: AdrLink, old: OldAdr, adr: IndexedAdr): string {
  const lead = /^\s*/.exec(model)![0];
  const closed = /(?<!\\)\|\s*$/.test(model);
  const row = cells(model).map((cell, i) => {
    const name = header[i] ?? "";
    const pad = (value: string) => {
      const [l, r] = [/^\s*/.exec(cell)![0], /\s*$/.exec(cell)![0]];
      return `${l || " "}${value}${r || " "}`;
    };
    const content = cell.trim();
    const inner = adrLinks(content).find((l) => l.file === link.file);
    if (inner) {
      const around = (text: string) => substitute(text, old, adr, true).text;
      return pad(around(content.slice(0, inner.start)) + newLink(inner, old, adr) + around(content.slice(inner.end)));
    }
    if (/status|state/.test(name)) {
      // Keeps emphasis around it: `**Accepted**` → `**Proposed**`.
      const [, open = "", word = "", close = ""] = /^([*_]*)(.*?)([*_]*)$/.exec(content) ?? [];
      return pad(`${open}${inCase(word || "P", adr.status)}${close}`);
    }
    if (/date|when|created|updated|day/.test(name)) return pad(adr.day);
    if (/title|decision|subject|topic|name/.test(name)) return pad(adr.title);
    if (/^(adr|#|no\.?|n°|nr\.?|number|num|id|ref)$/.test(name)) return pad(substitute(content, old, adr, true).text);
    return pad("");
  });
  return `${lead}|${row.join("|")}${closed ? "|" : ""}`;
}

// ---------------------------------------------------------------------------------------------------------
// Renumbering: what other markdown says about an ADR that got a new number.

/** An ADR file given another number. */
export interface AdrRename {
  from: string;
  to: string;
  fromNumber: number;
  toNumber: number;
}

const wholeName = (base: string): RegExp => new RegExp(`(?<![\\w-])${escape(base)}(?![\\w-])`, "g");

/**
 * Markdown text with its references to renamed ADRs updated: every whole file name (`ADR025-x` →
 * `ADR048-x`; `ADR025-x-y` is another file and stays), and, on a line that names the renamed file and
 * none of the others that had its number, the link texts (`[ADR-025](…)`, `[25. Title](…)`) and, in a
 * list item or table row, the other mentions of the number (`ADR 25`). A line naming two of them is
 * ambiguous, and so is prose: there only file names and link texts change.
 * `hadNumber`: every file that had a number before the renaming.
 */
export function renumberReferences(text: string, renames: readonly AdrRename[], hadNumber: (n: number) => readonly string[]): string {
  return text
    .split("\n")
    .map((line) => {
      const slots: string[] = [];
      const hold = (value: string) => {
        slots.push(value);
        return `\u0000${slots.length - 1}\u0000`;
      };
      let out = line;
      for (const r of renames) {
        const base = r.from.replace(/\.md$/i, "");
        if (!wholeName(base).test(line)) continue;
        const movesWith = (f: string) => renames.some((x) => x.from === f && x.toNumber === r.toNumber);
        const others = hadNumber(r.fromNumber).filter((f) => f !== r.from && !movesWith(f));
        if (others.some((f) => wholeName(f.replace(/\.md$/i, "")).test(line))) continue;
        out = out.replace(LINK, (whole, label: string, target: string, title: string) => {
          const file = target.replace(/^<|>$/g, "").split(/[#?]/)[0]!.split("/").pop();
          return file === r.from ? `[${replaceLeadingNumber(label, r.fromNumber, r.toNumber)}](${target}${title})` : whole;
        });
        out = out.replace(wholeName(base), () => hold(r.to.replace(/\.md$/i, "")));
        // A list item or table row is about the ADR it links to; prose may speak of the other ADR025 too.
        if (LIST_ITEM.test(line) || TABLE_ROW.test(line)) out = replaceAdrMentions(out, r.fromNumber, r.toNumber);
      }
      for (const r of renames) out = out.replace(wholeName(r.from.replace(/\.md$/i, "")), () => hold(r.to.replace(/\.md$/i, "")));
      return out.replace(/\u0000(\d+)\u0000/g, (_, n: string) => slots[Number(n)]!);
    })
    .join("\n");
}

/** A renamed ADR's own text: its first heading follows the new number (`# ADR025: …` → `# ADR048: …`, `# 25. …` → `# 48. …`). */
export function renumberHeading(text: string, from: number, to: number): string {
  const { content } = splitFrontmatter(text);
  const front = text.slice(0, text.length - content.length);
  return front + content.replace(/^(#[ \t]+)(.*)$/m, (_, hashes: string, heading: string) => `${hashes}${replaceLeadingNumber(heading, from, to)}`);
}
