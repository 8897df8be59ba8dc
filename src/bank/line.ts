/**
 * Where the bank is synced (ADR-010): on a branch of its own (`memory`), shared by every clone whatever
 * code branch it has checked out, or on the checked-out branch (`"current"`, the original layout).
 *
 * The config's `sync.branch` decides when it is set. Unset, a bank already committed on the checked-out
 * branch stays there (a team's layout never changes under it), and any other bank uses `memory`. A clone
 * on the bank branch says so in `.git/info/exclude`, which is what keeps the bank's files out of the code
 * branches; reading that file is all most commands pay to know the mode.
 */
import { readFile } from "../infra/quick-fs.js";
import { join } from "node:path";
import { CONFIG_FILE, DEFAULT_BANK_BRANCH, type Config } from "../core/config.js";
import { bankIndexFile, type BankRef } from "../git/bank-ref.js";
import { findUpstream, type Upstream } from "../git/remote.js";
import type { GitConfig, RepoPaths } from "../git/repo.js";
import { git } from "../git/run.js";
import { indexHolds } from "../git/worktree.js";
import { writeTextAtomic } from "../infra/fs.js";
import { MemoryError } from "../core/errors.js";

export interface BankLine {
  mode: "branch" | "current";
  /** The branch the bank is committed on: the bank branch, or the checked-out branch (null when detached). */
  branch: string | null;
  /** What the bank's commits are on: `refs/heads/memory`, or `HEAD`. */
  ref: string;
  /** Branch mode: the bank branch and this work tree's index of it. */
  bank: BankRef | null;
  /** Branch mode: why (`config`, or `default`). */
  chosenBy: "config" | "default" | "committed";
}

export const EXCLUDE_COMMENT = "# memory: the bank is synced on its own branch; code branches leave these alone";

export const excludeFile = (commonDir: string): string => join(commonDir, "info", "exclude");
export const infoAttributesFile = (commonDir: string): string => join(commonDir, "info", "attributes");

/** Adds the bank's lines to `.git/info/exclude` where missing (the rest of the file stays). */
export async function ensureExcluded(commonDir: string, config: Config): Promise<void> {
  const file = excludeFile(commonDir);
  const text = (await readFile(file, "utf8").catch(() => "")) ?? "";
  const missing = excludeLines(config).filter((l) => !text.split(/\r?\n/).includes(l));
  if (missing.length) await writeTextAtomic(file, `${text}${text && !text.endsWith("\n") ? "\n" : ""}${missing.join("\n")}\n`);
}

/** The lines `.git/info/exclude` holds for a bank on its own branch. */
export function excludeLines(config: Config): string[] {
  return [EXCLUDE_COMMENT, `/${config.bank.replace(/\/+$/, "")}/`, `/${CONFIG_FILE}`];
}

export async function resolveLine(repo: RepoPaths, config: Config, codeBranch: string | null): Promise<BankLine> {
  const named = config.sync.branch;
  if (named === "current") return current(codeBranch, "config");
  if (named) {
    if (named === codeBranch) throw new MemoryError("config", `${CONFIG_FILE}: sync.branch names the branch checked out here (${named}); use "current" for the bank on it, or a branch of its own such as "memory"`);
    return onBranch(repo, named, "config", config);
  }
  const exclude = await readFile(excludeFile(repo.commonDir), "utf8").catch(() => "");
  if (exclude.includes(EXCLUDE_COMMENT)) return onBranch(repo, DEFAULT_BANK_BRANCH, "default", config);
  // The bank committed on the checked-out branch (a clone of the original layout): it stays there.
  const context = `${config.bank.replace(/\/+$/, "")}/${config.context.file}`;
  if (await indexHolds(repo.root, repo.gitDir, context)) return current(codeBranch, "committed");
  // Not here yet, but on the remote's code branch (a clone made before the bank was pulled): it stays there too.
  const remoteBranches = [...new Set([codeBranch, "HEAD", "main", "master"].filter(Boolean))].map((b) => `refs/remotes/origin/${b}:${context}`);
  const found = await git(["cat-file", "--batch-check"], { cwd: repo.root, input: `${remoteBranches.join("\n")}\n` });
  if (/ blob \d+$/m.test(found.stdout)) return current(codeBranch, "committed");
  return onBranch(repo, DEFAULT_BANK_BRANCH, "default", config);
}

function current(codeBranch: string | null, chosenBy: BankLine["chosenBy"]): BankLine {
  return { mode: "current", branch: codeBranch, ref: "HEAD", bank: null, chosenBy };
}

function onBranch(repo: RepoPaths, branch: string, chosenBy: BankLine["chosenBy"], config: Config): BankLine {
  const ref = `refs/heads/${branch}`;
  const tops = [...new Set([config.bank, CONFIG_FILE].map((p) => p.replace(/^\.\//, "").split("/")[0]!))];
  const bank: BankRef = { root: repo.root, ref, index: bankIndexFile(repo.gitDir), tops, commonDir: repo.commonDir, refFiles: repo.refFiles === true };
  return { mode: "branch", branch, ref, bank, chosenBy };
}

/**
 * The remote and branch the bank syncs with: the code branch's upstream (current mode); the bank branch on
 * the code branch's remote, else `origin`, else the only remote (branch mode).
 */
export function bankUpstream(gitConfig: GitConfig, line: BankLine, codeBranch: string | null): Upstream | undefined {
  if (line.mode === "current") return line.branch ? findUpstream(gitConfig, line.branch) : undefined;
  const remote = findUpstream(gitConfig, codeBranch ?? "")?.remote;
  if (!remote) return undefined;
  return { remote, branch: line.branch!, trackingRef: `refs/remotes/${remote}/${line.branch}` };
}
