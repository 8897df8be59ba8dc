/**
 * `memory doctor`: each rule probes one kind of problem and, where it can, repairs it; the probe runs again
 * after a repair, so what is reported as fixed really is.
 */
import { readdir, readFile, unlink } from "node:fs/promises";
import { join, relative } from "node:path";
import { adrNumber, duplicateAdrNumbers, highestAdrNumber, inferAdrStyle, renumberedName, writtenLabel } from "../core/adr.js";
import { renumberHeading, renumberReferences, type AdrRename } from "../core/adr-index.js";
import { configuredAdrStyle } from "../core/harvest.js";
import { sourceIds } from "../core/docs.js";
import { adoptContext, contextProblem } from "../core/context.js";
import { isoSeconds, now } from "../core/clock.js";
import { conflictMarkerLine, splitLines } from "../core/text.js";
import { MERGERS } from "../core/merge.js";
import { parseBuffer, serializeBuffer } from "../core/entries.js";
import { adoptSections, headerWithoutSections, unmarkedSections } from "../core/unmarked.js";
import { newId } from "../core/ids.js";
import { defaultType, MERGE_STRATEGIES } from "../core/config.js";
import { ParseError } from "../core/errors.js";
import { resolveConflicts, type Sides } from "../core/conflicts.js";
import { driverCommand, driverName } from "../git/drivers.js";
import { checkAttr, readBlobs, unmergedPaths } from "../git/repo.js";
import { addedIn, lineProvenance } from "../git/history.js";
import { changedPaths, commitOnly, concludeMerge, stageFiles, trackFiles, untrack } from "../git/worktree.js";
import { exists, readTextIfExists, writeTextAtomic } from "../infra/fs.js";
import { markdownNames, readFolder } from "../bank/docs.js";
import { inspectBankFile, type FileProblem } from "../bank/files.js";
import { archiveFile, bankFiles, bufferFiles, harvestTargets, mergedFiles, openWorkspace, persona, type BankFile, type MergedFile, type Workspace } from "../bank/workspace.js";
import { createMissingBankFiles, ensureBankAttributes, registerDrivers } from "./setup.js";
import { locked } from "./session.js";

export interface DoctorOptions {
  cwd?: string;
  fix?: boolean;
  persona?: string;
  env?: NodeJS.ProcessEnv;
  onWait?: (holder: string) => void;
}

export interface Check {
  id: "bank" | "parse" | "context" | "markers" | "unmerged" | "unmarked" | "attributes" | "drivers" | "persona" | "adr" | "harvested";
  ok: boolean;
  /** What is wrong, one line each, naming file and line where there is one. */
  problems: string[];
  /** What `--fix` repaired in this run. */
  fixed: string[];
  /** Set when no bank exists at all (every other check would fail for that one reason). */
  noBank?: boolean;
}

export interface DoctorResult {
  ok: boolean;
  checks: Check[];
}

interface Scope {
  ws: Workspace;
  files: BankFile[];
  persona: string | undefined;
}

interface Rule {
  id: Check["id"];
  /** Returns the problems found, one line each. */
  probe: (scope: Scope) => Promise<string[]>;
  /** Repairs what it can; the probe runs again afterwards. */
  fix?: (scope: Scope) => Promise<void>;
}

const RULES: Rule[] = [
  {
    id: "bank",
    probe: async (scope) => (await problems(scope, "missing")).map((p) => `${p.file} is missing`),
    fix: async ({ ws, persona: name }) => void (await createMissingBankFiles(ws, name ?? "unknown")),
  },
  {
    // The bank folder's other files and the reference docs too: a plain pull leaves them conflicted as well.
    id: "unmerged",
    probe: async ({ ws }) => {
      const ours = (await mergedFiles(ws)).map((f) => f.rel);
      const all = await unmergedPaths(ws.root, []);
      const problems = all.filter((p) => ours.includes(p)).map((p) => `${p} is unmerged (a merge left it conflicted)`);
      if (await exists(join(ws.gitDir, "MERGE_HEAD"))) {
        const others = all.filter((p) => !ours.includes(p));
        problems.push(
          others.length > 0
            ? `a merge is in progress, with ${others.length} file${others.length === 1 ? "" : "s"} outside the bank unmerged (${others.slice(0, 3).join(", ")})`
            : "a merge is in progress and has not been committed",
        );
      }
      return problems;
    },
    fix: async ({ ws }) => remergeUnmerged(ws, await mergedFiles(ws)),
  },
  {
    id: "markers",
    probe: async (scope) => (await problems(scope, "markers")).map(describeProblem),
    fix: async ({ ws, files }) => remergeMarkers([...files, { key: "archive", ...archiveFile(ws), merge: "union" }]),
  },
  {
    id: "parse",
    probe: async (scope) => (await problems(scope, "parse")).map(describeProblem),
  },
  {
    // An unstamped context (every real bank we looked at) merges only line by line; --fix makes its text
    // the section of the persona running it, stamped, and replaces a stamp that is not a time.
    id: "context",
    probe: async ({ ws, files }) => {
      const context = files.find((f) => f.key === "context")!;
      const { text, problem } = await inspectBankFile(ws, context);
      const found = text !== null && !problem ? contextProblem(context.rel, text) : undefined;
      return found ? [found] : [];
    },
    fix: async ({ ws, files, persona: name }) => {
      const context = files.find((f) => f.key === "context")!;
      const text = await readTextIfExists(context.abs);
      if (text === null || !name) return;
      const fixed = adoptContext(text, isoSeconds(now(ws.env)), name);
      if (fixed !== text) await writeTextAtomic(context.abs, fixed);
    },
  },
  {
    id: "unmarked",
    probe: async ({ ws }) => {
      const found: string[] = [];
      for (const f of bufferFiles(ws)) {
        const { text, problem } = await inspectBankFile(ws, f);
        if (text === null || problem) continue;
        for (const s of unmarkedSections(parseBuffer(text, { file: f.rel }))) {
          found.push(`${f.rel}:${s.line}: "${s.title}" is not an entry (no marker): it does not merge by id and harvest cannot take it`);
        }
      }
      return found;
    },
    fix: async ({ ws, persona: name }) => adoptUnmarked(ws, name ?? "unknown"),
  },
  {
    id: "attributes",
    probe: async ({ ws }) => {
      const files = await mergedFiles(ws);
      const attrs = await checkAttr(ws.root, "merge", files.map((f) => f.rel));
      return files
        .filter((f) => attrs.get(f.rel) !== driverName(f.merge))
        .map((f) => `${f.rel} merges with "${attrs.get(f.rel) ?? "unspecified"}", not ${driverName(f.merge)}`);
    },
    fix: async ({ ws }) => void (await ensureBankAttributes(ws)),
  },
  {
    id: "drivers",
    probe: async ({ ws }) => {
      const problems: string[] = [];
      for (const s of MERGE_STRATEGIES) {
        const key = `merge.${driverName(s)}.driver`;
        const value = ws.gitConfig.get(key);
        if (value === undefined) problems.push(`${key} is not registered in .git/config`);
        else if (value !== driverCommand(s)) problems.push(`${key} runs "${value}", not this memory`);
      }
      return problems;
    },
    fix: async ({ ws }) => void (await registerDrivers(ws)),
  },
  {
    id: "persona",
    probe: async ({ persona: name }) => (name ? [] : ["no persona: entries would have no author"]),
  },
  {
    id: "adr",
    probe: async ({ ws }) => {
      const found: string[] = [];
      for (const dir of harvestTargets(ws, "adr")) {
        for (const [n, sets] of await sharedNumbers(ws, dir)) found.push(`ADR number ${n} is used by ${sets.flat().map((f) => `${dir}/${f}`).join(" and ")}`);
      }
      return found;
    },
    fix: async ({ ws }) => {
      for (const dir of harvestTargets(ws, "adr")) await renumberDuplicateAdrs(ws, dir);
    },
  },
  {
    id: "harvested",
    probe: async ({ ws }) => harvestedTwice(ws),
  },
];

export async function doctor(options: DoctorOptions = {}): Promise<DoctorResult> {
  const ws = await openWorkspace(options.cwd, options.env);
  // No bank at all: one problem says it, rather than every check failing for the same reason.
  if (!options.fix && !(await exists(join(ws.root, ws.config.bank)))) {
    return { ok: false, checks: [{ id: "bank", ok: false, problems: [`no memory bank at ${ws.config.bank}`], fixed: [], noBank: true }] };
  }
  const files = bankFiles(ws);
  const scope: Scope = { ws, files, persona: persona(ws, options.persona)?.name };
  // Repairs rewrite bank files: under the clone's lock, so an agent's `add` meanwhile is never lost.
  return options.fix ? locked(ws, options, () => runRules(scope, true)) : runRules(scope, false);
}

async function runRules(scope: Scope, fix: boolean): Promise<DoctorResult> {
  const checks: Check[] = [];
  for (const rule of RULES) {
    let problems = await rule.probe(scope);
    const fixed: string[] = [];
    if (problems.length > 0 && fix && rule.fix) {
      await rule.fix(scope);
      const left = await rule.probe(scope);
      fixed.push(...problems.filter((p) => !left.includes(p)));
      problems = left;
    }
    checks.push({ id: rule.id, ok: problems.length === 0, problems, fixed });
  }
  return { ok: checks.every((c) => c.ok), checks };
}

/**
 * A plain `git pull` in a clone without the drivers leaves bank files (and the patterns reference) conflicted
 * with stages :1: :2: :3:. Runs the right driver on those stages, stages the result, and finishes the merge
 * if those were its only conflicts.
 */
async function remergeUnmerged(ws: Workspace, files: MergedFile[]): Promise<void> {
  const unmerged = await unmergedPaths(ws.root, files.map((f) => f.rel));
  const blobs = await readBlobs(ws.root, unmerged.flatMap((p) => [1, 2, 3].map((n) => `:${n}:${p}`)));
  // The driver `.gitattributes` names (a reference doc's depends on its content, unreadable mid-conflict).
  const attrs = await checkAttr(ws.root, "merge", unmerged);
  for (const rel of unmerged) {
    const file = files.find((f) => f.rel === rel)!;
    const named = MERGE_STRATEGIES.find((s) => driverName(s) === attrs.get(rel));
    const merge = (sides: Sides) => MERGERS[file.role === "reference" && named ? named : file.merge]({ ...sides, file: rel });
    // A stage may itself hold markers (a clone without drivers committed a conflicted file): resolve those first.
    const [base, ours, theirs] = [1, 2, 3].map((n) => resolveConflicts(blobs.get(`:${n}:${rel}`) ?? "", merge));
    let merged: string;
    try {
      merged = merge({ base: base!, ours: ours!, theirs: theirs! });
    } catch {
      continue; // a side that does not parse: left for a person, the check reports it
    }
    await writeTextAtomic(join(ws.root, rel), merged);
    await stageFiles(ws.root, [rel]);
  }
  const left = await unmergedPaths(ws.root, []);
  if (left.length === 0 && (await exists(join(ws.gitDir, "MERGE_HEAD")))) {
    await concludeMerge(ws.root);
  }
}

/** Conflict markers with no merge in progress (a conflicted file was committed): merge the two sides again. */
async function remergeMarkers(files: BankFile[]): Promise<void> {
  for (const f of files) {
    const text = await readTextIfExists(f.abs);
    if (text === null || !conflictMarkerLine(splitLines(text).lines)) continue;
    try {
      await writeTextAtomic(f.abs, resolveConflicts(text, (sides) => MERGERS[f.merge]({ ...sides, file: f.rel })));
    } catch {
      // a side that does not parse: left for a person, the check reports it
    }
  }
}

/** Entry ids that more than one post-mortem or ADR names as its `source:`. */
async function harvestedTwice(ws: Workspace): Promise<string[]> {
  const where = new Map<string, string[]>();
  for (const target of [...harvestTargets(ws, "post-mortem"), ...harvestTargets(ws, "adr")]) {
    for (const [name, text] of await readFolder(join(ws.root, target))) {
      for (const id of sourceIds(text)) where.set(id, [...(where.get(id) ?? []), `${target}/${name}`]);
    }
  }
  return [...where].filter(([, files]) => files.length > 1).map(([id, files]) => `entry ${id} was harvested twice: ${files.join(" and ")}`);
}


/**
 * Numbers that ADRs from more than one commit use, each with its files grouped by the commit that added
 * them, earliest first. Files that share a number and arrived in one commit are companions (an ADR and
 * its impact analysis), not a duplicate; a file not committed yet is a set of its own.
 */
async function sharedNumbers(ws: Workspace, dir: string, names?: string[]): Promise<Map<number, string[][]>> {
  const out = new Map<number, string[][]>();
  for (const [n, files] of duplicateAdrNumbers(names ?? (await markdownNames(join(ws.root, dir))))) {
    const added = await Promise.all(files.map((f) => addedIn(ws.root, `${dir}/${f}`)));
    const sets = new Map<string, { files: string[]; time: number }>();
    files.forEach((f, i) => {
      const key = added[i]?.sha ?? `uncommitted:${f}`;
      const set = sets.get(key) ?? { files: [], time: added[i]?.time ?? Number.POSITIVE_INFINITY };
      set.files.push(f);
      sets.set(key, set);
    });
    if (sets.size < 2) continue;
    out.set(n, [...sets.values()].sort((a, b) => a.time - b.time || (a.files[0]! < b.files[0]! ? -1 : 1)).map((s) => s.files));
  }
  return out;
}

/**
 * Two branches each created ADR-004: the set of files that entered history first keeps its number; each
 * later set gets the next free number, named in the folder's style (prefix, padding, separator). Each
 * renamed file's heading follows, and other docs' links to it are updated: file names, link texts and,
 * where a line names it and not the others that had its number, mentions like `ADR 25`.
 */
async function renumberDuplicateAdrs(ws: Workspace, dir: string): Promise<void> {
  const names = await markdownNames(join(ws.root, dir));
  const shared = await sharedNumbers(ws, dir, names);
  if (shared.size === 0) return;
  const style = inferAdrStyle(names, configuredAdrStyle(ws.config));
  let next = Math.max(0, highestAdrNumber(names)) + 1;
  const renames: AdrRename[] = [];
  for (const [n, sets] of shared) {
    for (const set of sets.slice(1)) {
      const to = next++;
      for (const f of set) renames.push({ from: f, to: renumberedName(f, to, style), fromNumber: n, toNumber: to });
    }
  }
  for (const r of renames) {
    const oldPath = join(ws.root, dir, r.from);
    const text = (await readTextIfExists(oldPath)) ?? "";
    await writeTextAtomic(join(ws.root, dir, r.to), renumberHeading(text, r.fromNumber, r.toNumber));
    await untrack(ws.root, `${dir}/${r.from}`);
    await unlink(oldPath);
  }
  const hadNumber = (n: number) => names.filter((f) => adrNumber(f) === n);
  // Links to the old file names, in every markdown file under the docs folders and the bank.
  const touched: string[] = [];
  const dirty = new Set(await changedPaths(ws.root, ["."]));
  const roots = [...new Set([dir, ...harvestTargets(ws).map((t) => t.replace(/\/[^/]*\.md$/, "")), ws.config.bank])];
  for (const root of roots) {
    for (const file of await markdownFiles(join(ws.root, root))) {
      const text = await readFile(file, "utf8");
      const updated = renumberReferences(text, renames, hadNumber);
      if (updated !== text && dirty.has(relative(ws.root, file))) continue; // never commit someone's unsaved edits
      if (updated !== text) {
        await writeTextAtomic(file, updated);
        touched.push(relative(ws.root, file));
      }
    }
  }
  const moved = renames.flatMap((r) => [`${dir}/${r.from}`, `${dir}/${r.to}`]);
  await trackFiles(ws.root, renames.map((r) => `${dir}/${r.to}`));
  const summary = renames.map((r) => `${r.from.replace(/\.md$/, "")} → ${writtenLabel(r.to) ?? r.to}`).join(", ");
  await commitOnly(ws.root, [...new Set([...moved, ...touched])], `memory: renumber ${summary}`);
}

async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith(".md")).map((e) => join(e.parentPath ?? e.path, e.name));
}

/** Makes every hand-written section of every buffer an entry, placed before the entries that follow it. */
async function adoptUnmarked(ws: Workspace, persona: string): Promise<void> {
  for (const f of bufferFiles(ws)) {
    const { text, problem } = await inspectBankFile(ws, f);
    if (text === null || problem) continue;
    const doc = parseBuffer(text, { file: f.rel, defaultType: defaultType(ws.config, f.buffer) });
    const sections = unmarkedSections(doc);
    if (sections.length === 0) continue;
    const history = await lineProvenance(ws.root, f.rel);
    const adopted = adoptSections(sections, { type: defaultType(ws.config, f.buffer), persona, now: now(ws.env), history, newId });
    await writeTextAtomic(f.abs, serializeBuffer({ ...doc, header: headerWithoutSections(doc), entries: [...adopted, ...doc.entries] }));
  }
}

/** The bank files' problems of one kind, in bank order. */
async function problems({ ws, files }: Scope, kind: FileProblem["kind"]): Promise<FileProblem[]> {
  const found: FileProblem[] = [];
  for (const f of files) {
    const { problem } = await inspectBankFile(ws, f);
    if (problem?.kind === kind) found.push(problem);
  }
  const archived = await archiveProblem(ws);
  if (archived?.kind === kind) found.push(archived);
  return found;
}

/** What stands in the way of reading the archive, when there is one (it is never missing: it is made when needed). */
async function archiveProblem(ws: Workspace): Promise<FileProblem | undefined> {
  const { rel, abs } = archiveFile(ws);
  const text = await readTextIfExists(abs);
  if (text === null) return undefined;
  const line = conflictMarkerLine(splitLines(text).lines);
  if (line) return { kind: "markers", file: rel, error: new ParseError(rel, line, "git conflict markers", undefined, "markers") };
  try {
    parseBuffer(text, { file: rel });
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    return { kind: "parse", file: rel, error: err };
  }
  return undefined;
}

const describeProblem = (p: FileProblem): string => (p.kind === "missing" ? `${p.file} is missing` : `${p.error.file}:${p.error.line}: ${p.error.reason}`);


