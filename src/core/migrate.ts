/**
 * `memory migrate`, the pure part: what each file of a bank kept another way (Cline's six files, Roo Code's
 * logs, Cursor's, this design's original layout) is to the migration, and its sections as entries with the
 * dates and authors found for them. Files, outlines and history in; entries and texts out.
 */
import { isoSeconds } from "./clock.js";
import { createEntry, entryMarker, parseBuffer, type Entry } from "./entries.js";
import type { Section } from "./sections.js";
import { isBlank, joinLines, splitLines } from "./text.js";

/** What `--from` accepts. */
export const MIGRATE_FROM = ["auto", "cline", "roo", "cursor", "legacy"] as const;
export type MigrateFrom = (typeof MIGRATE_FROM)[number];
/** The kind of bank found; `memory` is this tool's own, with nothing left to migrate. */
export type BankKind = Exclude<MigrateFrom, "auto"> | "memory";

/** The generic entry types a source holds; the config says which buffer takes each. */
export type SourceType = "pattern" | "lesson" | "decision";

/**
 * What a file of the old bank becomes, by its name:
 * - `entries`: its sections become entries in a buffer (Cline's systemPatterns, decision logs, lessons
 *   learned); the file itself leaves the bank, its text kept word for word in an archive under Docs/;
 * - `doc`: a reference doc of the original layout (patterns, lessons, troubleshooting) moves out to Docs/
 *   word for word, each section marked as an entry where it stands (it is already what a harvest makes);
 * - `context`: an active context under another name (`active-context.md`): the config names it;
 * - `kept`: stays as it is (productContext, techContext, progress, projectbrief, anything else).
 */
export type SourceRole =
  | { role: "entries"; type: SourceType }
  | { role: "doc"; type: "pattern" | "lesson"; doc: "patterns" | "lessons" | "troubleshooting" }
  | { role: "context" }
  | { role: "kept" };

const nameKey = (name: string): string => name.toLowerCase().replace(/\.md$/, "").replace(/[-_ .]/g, "");

/** The role of a file in the old bank folder that is not one of this bank's own files. */
export function roleOf(name: string): SourceRole {
  if (!/\.md$/i.test(name)) return { role: "kept" };
  const k = nameKey(name);
  // Another bank's buffers by their default names (a config that renamed this bank's own).
  if (k === "patternsbuffer" || k === "lessonsbuffer" || k === "decisionsinbox") return { role: "kept" };
  if (k === "activecontext") return { role: "context" };
  if (k === "systempatterns") return { role: "entries", type: "pattern" };
  if (k.startsWith("patterns")) return { role: "doc", type: "pattern", doc: "patterns" };
  if (k === "lessons") return { role: "doc", type: "lesson", doc: "lessons" };
  if (k === "troubleshooting") return { role: "doc", type: "lesson", doc: "troubleshooting" };
  if (/^(lessons?learn(ed|ings?)|learnings)$/.test(k)) return { role: "entries", type: "lesson" };
  if (k.startsWith("decision")) return { role: "entries", type: "decision" };
  return { role: "kept" };
}

const CLINE = new Set(["projectbrief", "productcontext", "techcontext", "systempatterns", "progress"]);

/**
 * The kind of bank in a folder, by the files it holds besides this bank's own: the original layout
 * (`patterns.md`, `decisions.md`…), Cursor's (by its folder), Roo Code's (`decisionLog.md`), Cline's six
 * files; `memory` when there is nothing of another kind and this bank's buffers are there already.
 */
export function detectKind(folder: string, foreign: readonly string[], hasOwnBuffers: boolean): BankKind {
  const keys = foreign.map(nameKey);
  if (foreign.some((n) => roleOf(n).role === "doc") || keys.some((k) => k.startsWith("decisions"))) return "legacy";
  if (/(^|\/)\.cursor\/memory-bank$/.test(folder)) return "cursor";
  if (keys.includes("decisionlog")) return "roo";
  if (keys.some((k) => CLINE.has(k))) return "cline";
  return hasOwnBuffers ? "memory" : "cline";
}

/** Who wrote a line and when, from history. */
export interface Provenance {
  author?: string;
  /** ISO 8601. */
  at?: string;
}

export interface EntryOptions {
  /** The entry type the sections get. */
  type: string;
  /** Author when history does not say. */
  persona: string;
  /** Time when neither the text nor history says. */
  now: Date;
  /** What history says of each line (1-based). */
  history: ReadonlyMap<number, Provenance>;
  /** A fresh id for a time. */
  newId: (timeMs: number) => string;
}

export interface MigratedEntry {
  entry: Entry;
  /** 1-based line of the section in its source. */
  line: number;
  /** Where its time came from: a date written in it, the history of its first line, or the clock. */
  atFrom: "text" | "history" | "now";
  /** Where its author came from: the history of its first line, or the persona migrating. */
  byFrom: "history" | "persona";
}

interface Found {
  at: string;
  author: string;
  atFrom: MigratedEntry["atFrom"];
  byFrom: MigratedEntry["byFrom"];
}

function provenance(section: Section, options: EntryOptions): Found {
  const known = options.history.get(section.line);
  const at = section.written ?? known?.at ?? isoSeconds(options.now);
  return {
    at,
    author: known?.author ?? options.persona,
    atFrom: section.written ? "text" : known?.at ? "history" : "now",
    byFrom: known?.author ? "history" : "persona",
  };
}

/** The sections as new entries for a buffer, in their order; a group only lends its name to its sections' tags. */
export function sectionEntries(sections: readonly Section[], options: EntryOptions): MigratedEntry[] {
  return sections
    .filter((s) => !s.group)
    .map((s) => {
      const found = provenance(s, options);
      const entry = createEntry({
        id: options.newId(Date.parse(found.at)),
        type: options.type,
        author: found.author,
        createdAt: found.at,
        title: s.title.trim() === "" ? `Section at line ${s.line}` : s.title,
        tags: s.tags,
        body: s.body,
      });
      return { entry, line: s.line, atFrom: found.atFrom, byFrom: found.byFrom };
    });
}

/**
 * The text with an entry marker above each section's heading and every other line as it was (a blank line
 * goes above a marker that would follow text): each section becomes an entry where it stands, its heading
 * its title. Groups are marked too, since every line after the first marker belongs to an entry. Null when
 * the result would not read back as exactly those entries, so the caller can keep the text unmarked.
 */
export function markSections(text: string, sections: readonly Section[], options: EntryOptions): { text: string; entries: MigratedEntry[] } | null {
  const { lines, ...shape } = splitLines(text);
  const byLine = new Map(sections.map((s) => [s.line, s]));
  const out: string[] = [];
  const planned: Array<Omit<MigratedEntry, "entry"> & { id: string }> = [];
  lines.forEach((line, i) => {
    const s = byLine.get(i + 1);
    if (s) {
      const found = provenance(s, options);
      const id = options.newId(Date.parse(found.at));
      if (out.length > 0 && !isBlank(out[out.length - 1]!)) out.push("");
      out.push(entryMarker({ id, type: options.type, author: found.author, createdAt: found.at, tags: s.tags }));
      planned.push({ id, line: s.line, atFrom: found.atFrom, byFrom: found.byFrom });
    }
    out.push(line);
  });
  const marked = joinLines(out, shape);
  let entries: Entry[];
  try {
    entries = parseBuffer(marked).entries;
  } catch {
    return null;
  }
  if (entries.length !== planned.length || entries.some((e, k) => e.id !== planned[k]!.id)) return null;
  return { text: marked, entries: entries.map((entry, k) => ({ entry, line: planned[k]!.line, atFrom: planned[k]!.atFrom, byFrom: planned[k]!.byFrom })) };
}

/** The settings a migration writes into the config file. */
export interface ConfigSettings {
  /** The bank folder, when it is not the default. */
  bank?: string;
  /** The active context's file name, when it is not the default. */
  contextFile?: string;
}

/** The config file's text with these settings, everything else in it as it was (its JSON re-indented). */
export function configWith(existing: string | null, settings: ConfigSettings): string {
  const raw: Record<string, unknown> = existing && existing.trim() !== "" ? (JSON.parse(existing) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { version: raw.version ?? 1, ...raw };
  if (settings.bank !== undefined) out.bank = settings.bank;
  if (settings.contextFile !== undefined) {
    const context = typeof raw.context === "object" && raw.context !== null ? (raw.context as Record<string, unknown>) : {};
    out.context = { ...context, file: settings.contextFile };
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}
