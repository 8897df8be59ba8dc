/**
 * `memory migrate`: adopts a memory bank kept another way (Cline, Roo Code, Cursor, this design's original
 * layout). Finds the bank folder and its kind, plans what each file becomes (entries in the buffers, docs
 * moved out to Docs/, files kept as they are), then applies the plan as one commit made off to the side and
 * landed like a harvest's (harvest-journal.ts): whole or not at all, and never over a file edited meanwhile.
 */
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isoSeconds, now } from "../core/clock.js";
import { bufferConfig, bufferLabel, CONFIG_FILE, defaultConfig, defaultType, parseConfig, resolveType, type Config } from "../core/config.js";
import { adoptContext } from "../core/context.js";
import { appendText, parseBuffer, readEntries, serializeBuffer, type Entry } from "../core/entries.js";
import { MemoryError, ParseError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { logLine } from "../core/merge.js";
import {
  configWith,
  detectKind,
  markSections,
  roleOf,
  sectionEntries,
  type BankKind,
  type ConfigSettings,
  type MigratedEntry,
  type MigrateFrom,
  type Provenance,
} from "../core/migrate.js";
import { findSecrets } from "../core/secrets.js";
import { findSections, type Sections } from "../core/sections.js";
import { conflictMarkerLine, splitLines } from "../core/text.js";
import { adoptSections, headerWithoutSections, unmarkedSections } from "../core/unmarked.js";
import { lineProvenance } from "../git/history.js";
import { headCommit, readBlobs, readHead } from "../git/repo.js";
import { commitFiles, type FileContent } from "../git/snapshot.js";
import { refuseBadState } from "../git/state.js";
import { indexLockWaitMs } from "../git/run.js";
import { readBytesIfExists, readTextIfExists } from "../infra/fs.js";
import { renderTemplate } from "../bank/files.js";
import { loadOutliner, type Outliner } from "../bank/markdown.js";
import { readSeen, writeSeen } from "../bank/seen.js";
import { bankFiles, bufferFiles, harvestTargets, openWorkspace, refuseEscapes, requirePersona, type Workspace, signsCommits } from "../bank/workspace.js";
import { refuseUnwritable } from "./harvest.js";
import { land } from "./harvest-journal.js";
import { locked, withLine, type SessionOptions } from "./session.js";
import { moveToBranch, type MoveResult } from "./move-to-branch.js";
import { plannedAttributes, registerDrivers } from "./setup.js";

export interface MigrateOptions extends SessionOptions {
  /** The kind of bank to look for; `auto` finds it. */
  from?: MigrateFrom;
  dryRun?: boolean;
  allowSecret?: boolean;
  /** Also move the bank (committed on the code branch) to a branch of its own. */
  toBranch?: boolean;
  push?: boolean;
}

/** An entry the migration makes, as the plan shows it. */
export interface PlannedEntry {
  id: string;
  title: string;
  type: string;
  at: string;
  by: string;
  tags: string[];
  /** 1-based line of its section in the source file. */
  line: number;
  atFrom: MigratedEntry["atFrom"];
  byFrom: MigratedEntry["byFrom"];
}

/** What one file of the old bank becomes. */
export interface SourcePlan {
  path: string;
  /**
   * `entries`: its sections become entries in `file` (a buffer) and its text moves to `movedTo`;
   * `doc`: it moves to `movedTo` word for word, each section marked as an entry there (`file` is `movedTo`);
   * `context`: it is the active context, stamped where it is (its text becomes the persona's section).
   */
  becomes: "entries" | "doc" | "context";
  file: string;
  movedTo?: string;
  entries: PlannedEntry[];
  /** Something worth knowing (a heading that could not be marked in place, a context under another name). */
  note?: string;
}

export interface MigrationPlan {
  from: BankKind;
  bank: string;
  sources: SourcePlan[];
  /** What stays in the bank folder as it is (folders end with `/`), with the reason when it could have been migrated. */
  kept: Array<{ path: string; note?: string }>;
  /** Settings written to the config file (where the bank is, the context's name), or null. */
  config: { path: string; action: "create" | "update"; settings: ConfigSettings } | null;
  files: Array<{ path: string; action: "create" | "update" | "delete" }>;
  /** Entries made, per buffer label or doc path. */
  counts: Record<string, number>;
  empty: boolean;
}

export interface MigrateResult {
  dryRun: boolean;
  persona: string;
  plan: MigrationPlan;
  /** The migration commit, or null (dry run, or nothing to do). */
  commit: string | null;
  /** With --to-branch: the move of the bank to its own branch. */
  move?: MoveResult;
}

/** Where banks of other tools live, in the order they are looked for when no config file names one. */
const FOLDERS: Record<MigrateFrom, string[]> = {
  auto: [defaultConfig().bank, "memory-bank", ".cursor/memory-bank"],
  cline: ["memory-bank", defaultConfig().bank, ".cursor/memory-bank"],
  roo: ["memory-bank", defaultConfig().bank],
  cursor: [".cursor/memory-bank"],
  legacy: [defaultConfig().bank],
};

/** Where the text of a file whose sections became entries is kept: `Docs/99-Archive/<bank folder>/<name>`. */
const ARCHIVE = "Docs/99-Archive";

export async function migrate(options: MigrateOptions = {}): Promise<MigrateResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  const persona = requirePersona(ws, options.persona).name;
  await refuseBadState(ws.gitDir, (await readHead(ws.gitDir)).branch, indexLockWaitMs(ws.env));
  return locked(ws, options, async () => {
    const head = await headCommit(ws);
    if (!head) throw new MemoryError("no-commits", "this branch has no commit yet, so the migration has nothing to build on");
    const built = await plan(ws, persona, options);
    if (!built.plan.empty) await refuseSecrets(ws, built, options);
    if (options.dryRun || built.plan.empty) {
      const move = options.toBranch ? await moveToBranch(ws, persona, { dryRun: !!options.dryRun, push: options.push }) : undefined;
      return { dryRun: !!options.dryRun, persona, plan: built.plan, commit: null, ...(move ? { move } : {}) };
    }
    const commit = await apply(ws, built, head, persona);
    if (!options.toBranch) return { dryRun: false, persona, plan: built.plan, commit };
    // The adopted bank is committed on this branch now: it moves from there, as any bank of the original layout.
    const adopted = await openWorkspace(options.cwd, options.env);
    const move = await moveToBranch(adopted, persona, { push: options.push });
    return { dryRun: false, persona, plan: built.plan, commit, move };
  });
}

interface Built {
  plan: MigrationPlan;
  /** The planned workspace: the config as the migration leaves it. */
  ws: Workspace;
  writes: FileContent[];
  /** Files leaving the bank folder, with the text each has now. */
  removes: FileContent[];
  summary: string;
}

interface Found {
  folder: string;
  names: string[];
  /** Folders in it, by name. */
  folders: string[];
}

/** The bank folder: the config's when there is a config file, else the first of the usual ones with something to migrate. */
async function findBank(ws: Workspace, from: MigrateFrom): Promise<Found> {
  const candidates = ws.configFile ? [ws.config.bank] : FOLDERS[from];
  const own = ownNames(ws.config);
  const found: Found[] = [];
  for (const folder of candidates) {
    const entries = await readdir(join(ws.root, folder), { withFileTypes: true }).catch(() => null);
    if (!entries) continue;
    const names = entries.filter((e) => e.isFile()).map((e) => e.name).sort();
    const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    found.push({ folder, names, folders });
  }
  // First a folder with files to migrate, then one that is not a complete bank of ours yet, then any.
  const sources = (f: Found) => f.names.some((n) => !own.has(n) && roleOf(n).role !== "kept");
  const incomplete = (f: Found) => [...own].some((n) => !f.names.includes(n));
  const chosen = found.find(sources) ?? found.find(incomplete) ?? found[0];
  if (!chosen) {
    throw new MemoryError("no-source", `no memory bank found (looked in ${candidates.map((c) => `${c}/`).join(", ")})`, { from });
  }
  // Moving the bank to another folder would leave the entries of the one already here behind.
  const current = found.find((f) => f.folder === ws.config.bank);
  if (chosen !== current && current) {
    for (const name of current.names.filter((n) => own.has(n) && n !== ws.config.context.file && n !== ws.config.log.file)) {
      if (readEntries(await readTextIfExists(join(ws.root, current.folder, name))).length > 0) {
        throw new MemoryError("two-banks", `${current.folder}/ already holds this tool's bank with entries, and ${chosen.folder}/ a bank to migrate`, {
          bank: current.folder,
          other: chosen.folder,
        });
      }
    }
  }
  return chosen;
}

const ownNames = (config: Config): Set<string> =>
  new Set([config.context.file, config.log.file, ...Object.values(config.buffers).map((b) => b.file)]);

async function plan(ws: Workspace, persona: string, options: MigrateOptions): Promise<Built> {
  const from = options.from ?? "auto";
  const found = await findBank(ws, from);
  const { folder } = found;
  const at = now(ws.env);
  const stamp = isoSeconds(at);

  // The config as the migration leaves it: the bank where it was found, the context under its own name.
  const settings: ConfigSettings = {};
  if (folder !== ws.config.bank) settings.bank = folder;
  const contextAlias = found.names.includes(ws.config.context.file) ? undefined : found.names.find((n) => roleOf(n).role === "context");
  if (contextAlias) settings.contextFile = contextAlias;
  const configText = Object.keys(settings).length > 0 ? configWith(await readTextIfExists(join(ws.root, CONFIG_FILE)), settings) : null;
  const config = configText === null ? ws.config : parseConfig(configText);
  const planned: Workspace = { ...ws, config, configFile: configText === null ? ws.configFile : CONFIG_FILE };
  await refuseEscapes(planned);

  const own = ownNames(config);
  const foreign = found.names.filter((n) => !own.has(n));
  const kind: BankKind = from === "auto" ? detectKind(folder, foreign, bufferFiles(planned).some((b) => found.names.includes(basename(b.rel)))) : from;

  const writes = new Map<string, string>();
  const removes = new Map<string, string>();
  const sources: SourcePlan[] = [];
  const kept: MigrationPlan["kept"] = found.folders.map((d) => ({ path: `${folder}/${d}/` }));
  const counts: Record<string, number> = {};
  const appended = new Map<string, Entry[]>();
  const onDisk = new Map<string, boolean>();
  const isFree = async (p: string): Promise<boolean> => {
    if (writes.has(p)) return false;
    if (!onDisk.has(p)) onDisk.set(p, (await readBytesIfExists(join(ws.root, p))) !== null);
    return !onDisk.get(p);
  };
  /** The path, or with `-2`, `-3`… when a file is there or planned: nothing is ever written over. */
  const pickPath = async (p: string): Promise<string> => {
    if (await isFree(p)) return p;
    for (let n = 2; ; n++) if (await isFree(suffixed(p, n))) return suffixed(p, n);
  };
  let outline: Outliner | undefined;

  for (const name of foreign) {
    const rel = `${folder}/${name}`;
    const role = roleOf(name);
    if (role.role === "kept" || role.role === "context") {
      kept.push({ path: rel, ...(role.role === "context" ? { note: `not the context: ${config.context.file} is` } : {}) });
      continue;
    }
    const source = await readSource(ws, rel);
    if (source === null) {
      kept.push({ path: rel, note: "not UTF-8 text: kept as it is" });
      continue;
    }
    const match = resolveType(config, role.type);
    if (!match) {
      kept.push({ path: rel, note: `no buffer takes entries of type ${role.type}` });
      continue;
    }
    outline ??= await loadOutliner();
    const sections = sectionsOf(source, outline);
    const type = match.type;
    const history = sections.sections.length ? await lineProvenance(ws.root, rel) : new Map<number, Provenance>();
    const entryOptions = { type, persona, now: at, history, newId };

    if (role.role === "doc" && sections.style !== "log") {
      const target = await pickPath(docPath(config, role.doc, name));
      const marked = sections.style === "headings" ? markSections(source, sections.sections, entryOptions) : null;
      writes.set(target, marked?.text ?? source);
      removes.set(rel, source);
      const entries = marked?.entries ?? [];
      if (entries.length) counts[target] = entries.length;
      sources.push({
        path: rel,
        becomes: "doc",
        file: target,
        movedTo: target,
        entries: entries.map(view),
        ...(sections.style === "headings" && !marked ? { note: "its headings do not read back as entries: moved word for word, unmarked" } : {}),
      });
      continue;
    }
    const made = sectionEntries(sections.sections, entryOptions);
    if (made.length === 0) {
      kept.push({ path: rel, note: "no sections to make entries of" });
      continue;
    }
    const buffer = bufferFiles(planned).find((b) => b.buffer === match.buffer)!;
    appended.set(buffer.rel, [...(appended.get(buffer.rel) ?? []), ...made.map((m) => m.entry)]);
    const label = bufferLabel(bufferConfig(config, match.buffer));
    counts[label] = (counts[label] ?? 0) + made.length;
    const archive = await pickPath(`${ARCHIVE}/${basename(folder)}/${name}`);
    writes.set(archive, source);
    removes.set(rel, source);
    sources.push({ path: rel, becomes: "entries", file: buffer.rel, movedTo: archive, entries: made.map(view) });
  }

  // The bank's own files: the context stamped (its text becomes the persona's section), buffers with the
  // new entries (and any hand-written sections adopted, as doctor --fix would), missing ones from templates.
  const vars = { persona, now: stamp };
  for (const f of bankFiles(planned)) {
    const existing = await readTextIfExists(f.abs);
    if (existing !== null && conflictMarkerLine(splitLines(existing).lines)) {
      throw new ParseError(f.rel, conflictMarkerLine(splitLines(existing).lines), "git conflict markers", undefined, "markers");
    }
    if (f.key === "log") continue;
    if (f.key === "context") {
      const text = existing ?? (await renderTemplate(planned, "context", vars));
      const stamped = adoptContext(text, stamp, persona);
      if (existing === null || stamped !== existing) {
        writes.set(f.rel, stamped);
        sources.push({
          path: f.rel,
          becomes: "context",
          file: f.rel,
          entries: [],
          ...(existing === null ? { note: "created: the bank had none" } : contextAlias ? { note: `the config names ${contextAlias} as the context` } : {}),
        });
      }
      continue;
    }
    const buffer = f.buffer!;
    let text = existing ?? (await renderTemplate(planned, buffer, vars));
    const doc = parseBuffer(text, { file: f.rel, defaultType: defaultType(config, buffer) });
    const unmarked = unmarkedSections(doc);
    if (unmarked.length > 0) {
      const blame = await lineProvenance(ws.root, f.rel);
      const adopted = adoptSections(unmarked, { type: defaultType(config, buffer), persona, now: at, history: blame, newId });
      text = serializeBuffer({ ...doc, header: headerWithoutSections(doc), entries: [...adopted, ...doc.entries] });
      const label = bufferLabel(bufferConfig(config, buffer));
      counts[label] = (counts[label] ?? 0) + adopted.length;
    }
    for (const e of appended.get(f.rel) ?? []) text = appendText(text, e);
    if (text !== existing) writes.set(f.rel, text);
  }
  if (configText !== null) writes.set(CONFIG_FILE, configText);

  // .gitattributes for the bank as it will be: its folder's other files, the reference docs as written.
  const others = found.names.filter((n) => /\.md$/i.test(n) && !own.has(n) && !removes.has(`${folder}/${n}`));
  const references = new Map(harvestTargets(planned, "reference").filter((t) => writes.has(t)).map((t) => [t, writes.get(t)!] as const));
  const attributes = await plannedAttributes(planned, { others, references });
  if (attributes !== null) writes.set(".gitattributes", attributes);

  const empty = writes.size === 0 && removes.size === 0;
  const summary = describe(counts, sources);
  if (!empty) {
    const log = bankFiles(planned).find((f) => f.key === "log")!;
    const text = (await readTextIfExists(log.abs)) ?? (await renderTemplate(planned, "log", vars));
    writes.set(log.rel, withLine(text, logLine(stamp, persona, "migrate", `${kind} bank: ${summary}`)));
  }
  await refuseEscapes(planned, [...writes.keys(), ...removes.keys()]);

  const files: MigrationPlan["files"] = [];
  for (const path of writes.keys()) files.push({ path, action: (await readBytesIfExists(join(ws.root, path))) === null ? "create" : "update" });
  for (const path of removes.keys()) files.push({ path, action: "delete" });
  return {
    plan: {
      from: kind,
      bank: folder,
      sources,
      kept: kept.sort((a, b) => (a.path < b.path ? -1 : 1)),
      config: configText === null ? null : { path: CONFIG_FILE, action: ws.configFile ? "update" : "create", settings },
      files,
      counts,
      empty,
    },
    ws: planned,
    writes: [...writes].map(([path, content]) => ({ path, content })),
    removes: [...removes].map(([path, content]) => ({ path, content })),
    summary,
  };
}

const suffixed = (path: string, n: number): string => {
  const dot = path.lastIndexOf(".");
  return dot > path.lastIndexOf("/") ? `${path.slice(0, dot)}-${n}${path.slice(dot)}` : `${path}-${n}`;
};

/** Where a reference doc of the original layout moves (the design's phase 1), by the config's targets where it has them. */
function docPath(config: Config, doc: "patterns" | "lessons" | "troubleshooting", name: string): string {
  const target = (type: string, kind: string): string | undefined => {
    const match = resolveType(config, type);
    const cfg = match && bufferConfig(config, match.buffer);
    return cfg && cfg.harvest === kind ? cfg.target.replace(/\/+$/, "") : undefined;
  };
  const patterns = target("pattern", "reference") ?? "Docs/03-Reference/Patterns.md";
  if (doc === "patterns") return patterns;
  if (doc === "troubleshooting") return `${dirname(patterns)}/Troubleshooting.md`;
  return `${target("lesson", "post-mortem") ?? "Docs/06-PostMortems"}/${name}`;
}

/** A source's text; null when its bytes are not UTF-8 (it is then kept as it is, untouched). Refuses conflict markers. */
async function readSource(ws: Workspace, rel: string): Promise<string | null> {
  const bytes = (await readBytesIfExists(join(ws.root, rel)))!;
  const text = bytes.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(bytes)) return null;
  const marker = conflictMarkerLine(splitLines(text).lines);
  if (marker) throw new ParseError(rel, marker, "git conflict markers", undefined, "markers");
  return text;
}

/** The sections of a source, found by the markdown parser (line numbers are the file's own). */
function sectionsOf(text: string, outline: Outliner): Sections {
  const { lines } = splitLines(text);
  // A lone CR is a line break to the parser, not to the bank's reader: keep the two counting the same lines.
  return findSections(lines, outline(lines.map((l) => l.replace(/\r/g, " ")).join("\n")));
}


const view = (m: MigratedEntry): PlannedEntry => ({
  id: m.entry.id,
  title: m.entry.title,
  type: m.entry.type,
  at: m.entry.createdAt,
  by: m.entry.author,
  tags: m.entry.tags,
  line: m.line,
  atFrom: m.atFrom,
  byFrom: m.byFrom,
});

/** `12 pattern entries, 3 decision entries, 2 docs moved, context stamped`: for the commit and the log. */
function describe(counts: Record<string, number>, sources: readonly SourcePlan[]): string {
  const parts = Object.entries(counts).map(([where, n]) => `${n} in ${where.split("/").pop()}`);
  const moved = sources.filter((s) => s.movedTo).length;
  if (moved) parts.push(`${moved} file${moved === 1 ? "" : "s"} moved to Docs`);
  if (sources.some((s) => s.becomes === "context")) parts.push("context stamped");
  return parts.join(", ") || "bank set up";
}

/**
 * Text that looks like a secret, in lines the commit adds that git did not hold before (a bank that was
 * never committed, say): refused, as save refuses it, unless allowed.
 */
async function refuseSecrets(ws: Workspace, built: Built, options: MigrateOptions): Promise<void> {
  if (options.allowSecret) return;
  const paths = [...built.writes.map((f) => f.path), ...built.removes.map((f) => f.path)];
  const heads = await readBlobs(ws.root, paths.map((p) => `HEAD:${p}`));
  const known = new Set([...heads.values()].flatMap((t) => (t ?? "").split(/\r?\n/)));
  for (const f of built.writes) {
    const lines = f.content.split(/\r?\n/);
    for (const [i, line] of lines.entries()) {
      if (known.has(line)) continue;
      const hit = findSecrets(line)[0];
      if (hit) throw new MemoryError("secret", `${f.path}:${i + 1}: ${hit.kind} looks like a secret`, { command: "migrate" });
    }
  }
}

/** One commit made off to the side, then landed; the drivers registered; this clone has seen it. */
async function apply(ws: Workspace, built: Built, head: string, persona: string): Promise<string> {
  const { plan: p } = built;
  await refuseUnwritable(ws.root, built.writes.map((f) => f.path));
  const message = `memory: migrate ${p.from} bank (${persona}): ${built.summary}`;
  const sign = signsCommits(ws);
  const snapshot = await commitFiles(ws.root, ws.gitDir, head, built.writes, message, { sign, remove: built.removes });
  await land(
    ws,
    { from: head, to: snapshot.commit, message, files: [...snapshot.blobs], removed: [...snapshot.removed] },
    new Map(built.writes.map((f) => [f.path, f.content])),
    new Map(built.removes.map((f) => [f.path, f.content])),
  );
  await registerDrivers(built.ws, [["memory.persona", persona]]);
  const seen = await readSeen(ws.gitDir);
  if (!seen || seen.commit === head) await writeSeen(ws.gitDir, { commit: snapshot.commit, at: isoSeconds(now(ws.env)) });
  return snapshot.commit;
}
