/** Everything a command needs to know about the clone it runs in, read once at the boundary. */
import { readdir, readFile, stat } from "../infra/quick-fs.js";
import { join } from "node:path";
import { ARCHIVE_FILE, bufferConfig, bufferNames, CONFIG_FILE, defaultConfig, OTHER_FILES_MERGE, parseConfig, type BufferName, type Config, type HarvestKind, type MergeStrategy } from "../core/config.js";
import { referenceMerge } from "../core/entries.js";
import { readTextIfExists } from "../infra/fs.js";
import { resolvePersona, type Persona } from "../core/persona.js";
import { MemoryError } from "../core/errors.js";
import { findRepo, readGitConfig, readHead, type GitConfig, type RepoPaths } from "../git/repo.js";
import { resolveLine, type BankLine } from "./line.js";
import { isWithin, realTarget } from "../infra/fs.js";

export interface Workspace extends RepoPaths {
  config: Config;
  /** The config file's repo-relative path when one exists, else null (defaults). */
  configFile: string | null;
  gitConfig: GitConfig;
  env: NodeJS.ProcessEnv;
  /** The checked-out branch, or null when HEAD is detached. */
  codeBranch: string | null;
  /** Where the bank is synced: its own branch, or the checked-out one. */
  line: BankLine;
}

/** `context`, `log`, or the name of a buffer (the config refuses buffers named context or log). */
export type BankFileKey = "context" | "log" | BufferName;

export interface BankFile {
  key: BankFileKey;
  /** Set for buffers (files of entries): the buffer's name. */
  buffer?: BufferName;
  /** Path relative to the repository root, with `/`: what git and messages use. */
  rel: string;
  abs: string;
  merge: MergeStrategy;
}

export async function openWorkspace(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<Workspace> {
  const repo = await findRepo(cwd, env);
  const [configText, gitConfig] = await Promise.all([
    readFile(join(repo.root, CONFIG_FILE), "utf8").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw new MemoryError("config", `cannot read ${CONFIG_FILE}: ${err.message}`);
    }),
    readGitConfig(repo.root, repo),
  ]);
  const config = configText === null ? defaultConfig() : parseConfig(configText);
  const codeBranch = (await readHead(repo.gitDir)).branch;
  const line = await resolveLine(repo, config, codeBranch);
  const ws: Workspace = { ...repo, config, configFile: configText === null ? null : CONFIG_FILE, gitConfig, env, codeBranch, line };
  await refuseEscapes(ws);
  return ws;
}

/**
 * Every path memory reads or writes must stay in the work tree and out of .git once symbolic links are
 * followed: a committed `SESSION_LOG.md -> ~/.ssh/id_rsa`, a symlinked `.claude` or ADR folder would
 * otherwise have `start` publish a private file, or `harvest` write outside the repository.
 */
export async function refuseEscapes(ws: Workspace, more: readonly string[] = []): Promise<void> {
  const [root, gitDir, commonDir] = await Promise.all([ws.root, ws.gitDir, ws.commonDir].map((p) => realTarget(p)));
  const paths = [
    CONFIG_FILE,
    ".gitattributes",
    ws.config.bank,
    ...bankFiles(ws).map((f) => f.rel),
    archiveFile(ws).rel,
    ...harvestTargets(ws),
    ...["patterns.md", "post-mortem.md", "adr.md"].map((name) => `${TEMPLATE_OVERRIDES}/${name}`),
    ...more,
  ];
  for (const rel of paths) {
    const real = await realTarget(join(ws.root, rel));
    if (!isWithin(real, root!) || isWithin(real, gitDir!) || isWithin(real, commonDir!)) {
      throw new MemoryError("outside-repo", `${rel} leads to ${real}, outside this repository's work tree (a symbolic link?); memory never reads or writes there`, { path: rel });
    }
  }
}

/** Templates a repository can override: `.claude/memory-templates/<name>.md`. */
export const TEMPLATE_OVERRIDES = ".claude/memory-templates";

/** The bank's files in a fixed order: context, buffers, log. */
export function bankFiles(ws: Workspace): BankFile[] {
  const { config } = ws;
  const file = (key: BankFileKey, name: string, merge: MergeStrategy, buffer?: BufferName): BankFile => {
    const rel = `${config.bank.replace(/\/+$/, "")}/${name}`;
    return { key, rel, abs: join(ws.root, rel), merge, ...(buffer ? { buffer } : {}) };
  };
  return [
    file("context", config.context.file, config.context.merge),
    ...bufferNames(config).map((b) => file(b, bufferConfig(config, b).file, bufferConfig(config, b).merge, b)),
    file("log", config.log.file, config.log.merge),
  ];
}

/**
 * The bank's archive: entries `cleanup` moved out of the buffers, in the buffers' format. Not one of the
 * files every bank must have: it exists once something was archived, and from then on merges by entry.
 */
export function archiveFile(ws: Workspace): { rel: string; abs: string } {
  const rel = `${bankDir(ws)}/${ARCHIVE_FILE}`;
  return { rel, abs: join(ws.root, rel) };
}

/** The bank's buffers (files of entries), in config order. */
export const bufferFiles = (ws: Workspace): Array<BankFile & { buffer: BufferName }> =>
  bankFiles(ws).filter((f): f is BankFile & { buffer: BufferName } => f.buffer !== undefined);

/** A file git must merge with one of the drivers, and which. */
export interface MergedFile {
  rel: string;
  merge: MergeStrategy;
  /**
   * `bank`: one of the bank's own files; `archive`: the bank's archive, once it exists; `other`: another
   * file in the bank folder; `reference`: a harvest target; `attributes`: `.gitattributes` itself, which
   * every clone's init writes its lines into.
   */
  role: "bank" | "archive" | "other" | "reference" | "attributes";
}

/** A line `.gitattributes` needs: a path, or the pattern for the bank folder's other markdown files. */
export interface AttributeLine {
  path: string;
  merge: MergeStrategy;
  glob?: boolean;
}

const bankDir = (ws: Workspace): string => ws.config.bank.replace(/\/+$/, "");

/**
 * The bank folder's files that are not its own (Cline's progress.md, productContext.md…), by name: the
 * `*.md` files there, and any file the config's `files` names. Sorted.
 */
export async function otherBankFiles(ws: Workspace): Promise<string[]> {
  const own = new Set([...bankFiles(ws).map((f) => f.rel.slice(bankDir(ws).length + 1)), ARCHIVE_FILE]);
  const entries = await readdir(join(ws.root, bankDir(ws)), { withFileTypes: true }).catch(() => []);
  const names = entries.filter((e) => e.isFile() && /\.md$/i.test(e.name)).map((e) => e.name);
  return [...new Set([...names, ...Object.keys(ws.config.files)])].filter((n) => !own.has(n)).sort();
}

/** A bank as a command is about to write it, where it differs from the disk (for `.gitattributes` planned ahead). */
export interface PlannedBank {
  /** The bank folder's other markdown files, by name, instead of those on disk. */
  others?: readonly string[];
  /** Reference docs' texts (null: absent) instead of those on disk. */
  references?: ReadonlyMap<string, string | null>;
}

/**
 * Every file `.gitattributes` must give a driver, with the driver it must get: the bank's own files, its
 * archive once it exists (by entry), the bank folder's other files (`text` unless the config's `files`
 * says otherwise), and each reference doc (by entry when it holds only entries or does not exist yet, else
 * as text; see `referenceMerge`).
 */
export async function mergedFiles(ws: Workspace, planned: PlannedBank = {}): Promise<MergedFile[]> {
  const others = (planned.others ?? (await otherBankFiles(ws))).map((name): MergedFile => ({
    rel: `${bankDir(ws)}/${name}`,
    merge: ws.config.files[name]?.merge ?? OTHER_FILES_MERGE,
    role: "other",
  }));
  const references = await Promise.all(
    [...new Set(harvestTargets(ws, "reference"))].map(async (rel): Promise<MergedFile> => ({
      rel,
      merge: referenceMerge(planned.references?.has(rel) ? planned.references.get(rel)! : await readTextIfExists(join(ws.root, rel))),
      role: "reference",
    })),
  );
  // Two clones that each ran init before either shared the bank both add `.gitattributes`: merged as text,
  // which keeps both sides' lines, it never stops the first sync between them.
  const attributes: MergedFile = { rel: ".gitattributes", merge: "text", role: "attributes" };
  // The archive gets its line with the commit that first holds it (a bank that never archived has none).
  const archived = (await stat(archiveFile(ws).abs).catch(() => null))?.isFile() ?? false;
  const archive: MergedFile[] = archived ? [{ rel: archiveFile(ws).rel, merge: "union", role: "archive" }] : [];
  return [...bankFiles(ws).map((f): MergedFile => ({ rel: f.rel, merge: f.merge, role: "bank" })), ...archive, ...others, ...references, attributes];
}

/**
 * The lines `.gitattributes` must hold, in the order they must keep. Once the bank folder holds a markdown
 * file of its own kind (or the config names one), a pattern line gives every such file the `text` driver,
 * even one created later; it comes before the bank files' own lines, so theirs win (a later line wins).
 * A bank with only its own files gets no pattern line.
 */
export async function attributeLines(ws: Workspace, planned: PlannedBank = {}): Promise<AttributeLine[]> {
  const files = await mergedFiles(ws, planned);
  const hasOthers = files.some((f) => f.role === "other");
  const named = files.filter((f) => f.role !== "other" || ws.config.files[f.rel.slice(bankDir(ws).length + 1)] !== undefined);
  return [
    ...(hasOthers ? [{ path: `${bankDir(ws)}/*.md`, merge: OTHER_FILES_MERGE, glob: true }] : []),
    ...named.map((f) => ({ path: f.rel, merge: f.merge })),
  ];
}

/** Where harvest writes: the target of every harvested buffer (of one kind, if given), in config order. */
export function harvestTargets(ws: Workspace, kind?: HarvestKind): string[] {
  return bufferNames(ws.config)
    .map((b) => bufferConfig(ws.config, b))
    .filter((b) => b.harvest !== "none" && (kind === undefined || b.harvest === kind))
    .map((b) => b.target.replace(/\/+$/, ""));
}

export function bankFile(ws: Workspace, key: BankFileKey): BankFile {
  return bankFiles(ws).find((f) => f.key === key)!;
}

/** Whether commits made here are signed (`commit.gpgsign`): `commit-tree` does not read that setting itself. */
export const signsCommits = (ws: Workspace): boolean => /^(true|yes|on|1)$/i.test(ws.gitConfig.get("commit.gpgsign") ?? "");

export function persona(ws: Workspace, flag?: string): Persona | undefined {
  return resolvePersona({
    flag,
    env: ws.env.MEMORY_PERSONA,
    gitPersona: ws.gitConfig.get("memory.persona"),
    gitUserName: ws.gitConfig.get("user.name"),
  });
}

export function requirePersona(ws: Workspace, flag?: string): Persona {
  const found = persona(ws, flag);
  if (!found) {
    throw new MemoryError("no-persona", "no persona for this clone");
  }
  return found;
}

/** Refuses when the bank folder does not exist yet. */
export async function requireBank(ws: Workspace): Promise<void> {
  const dir = join(ws.root, ws.config.bank);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) {
    throw new MemoryError("no-bank", `no memory bank at ${ws.config.bank}`);
  }
}
