/**
 * Typed errors, shared by every layer. A lower layer says what is wrong with the data or the clone, and
 * at most how to mend that data ("write it like 2026-01-31T09:30:00Z"); it never names a command, flag or
 * argument. The command line (src/cli/messages.ts) adds the next step for each kind and picks the exit code.
 */

/** What went wrong, for the edge to word and to choose an exit code by. */
export type ProblemKind =
  /** A bank file or doc that cannot be read as the tool expects (file and line known). */
  | "parse"
  /** git conflict markers in a bank file. */
  | "markers"
  /** The config file is invalid. */
  | "config"
  /** An argument or value the user typed is not one the command knows. */
  | "usage"
  /** An entry to write is incomplete (no title…). */
  | "entry"
  /** A branch named as the bank's holds other files: the bank is never committed on it. */
  | "not-a-bank-branch"
  /** No entry or doc with that id. */
  | "not-found"
  /** A task that cannot take this change (claimed by another, done, waiting for another task). */
  | "task"
  /** The id names a doc harvest wrote, not an entry in the bank. */
  | "harvested"
  /** The id names an entry cleanup moved to the bank's archive. */
  | "archived"
  | "not-a-repo"
  | "no-bank"
  | "no-persona"
  /** HEAD detached, or a merge, rebase, cherry-pick or revert half done. */
  | "repo-state"
  /** Another git process holds the index. */
  | "index-locked"
  /** Bank files a merge left unmerged. */
  | "unmerged"
  /** A bank file was deleted from the work tree. */
  | "missing-file"
  /** Text that looks like a key or token. */
  | "secret"
  /** Unsaved edits to a file the command would rewrite. */
  | "dirty-target"
  /** git could not make a commit (identity, signing, a hook). */
  | "commit-failed"
  /** Merging the remote would conflict outside the bank: nothing was merged. */
  | "merge-conflict"
  /** git would not move the work tree: local changes in the way. */
  | "merge-refused"
  /** An attribute override would merge bank files without the drivers. */
  | "foreign-attributes"
  /** The server refused the push for a reason other than a race. */
  | "push-failed"
  /** Every push attempt was rejected because others kept pushing first. */
  | "push-exhausted"
  /** The remote branch's history was rewritten since this clone last fetched it. */
  | "history-rewritten"
  /** A writer ref on the remote still holds commits a rewrite of the bank branch removed. */
  | "writer-ref-rewritten"
  /** A stale local harvest could not be reverted. */
  | "undo-failed"
  /** Another memory process holds the clone's lock for too long. */
  | "locked"
  /** memory was started from a git hook of the memory process holding the lock. */
  | "reentrant"
  /** git is not installed, or a git process hung and was stopped. */
  | "git-missing"
  | "git-timeout"
  /** A git command failed in a way the caller did not expect. */
  | "git-failed"
  /** A path (through a symbolic link, or as configured) that would read or write outside the work tree or inside .git. */
  | "outside-repo"
  /** A file hooks are wired into that cannot be read as its format (JSON that does not parse, a stray marker line). */
  | "hooks-file"
  /** No bank of another kind (or of ours) where a migration looks for one. */
  | "no-source"
  /** This tool's bank and another kind of bank, in two folders: a migration would leave one behind. */
  | "two-banks"
  /** The branch has no commit yet. */
  | "no-commits"
  /** A clock override that is not a time. */
  | "clock"
  /** Something the code did not expect. */
  | "bug";

export class MemoryError extends Error {
  readonly kind: ProblemKind;
  /** Values the edge may use to word the next step (an upstream, a file, a command to run). */
  readonly detail: Readonly<Record<string, string>>;
  constructor(kind: ProblemKind, message: string, detail: Record<string, string> = {}) {
    super(message);
    this.name = "MemoryError";
    this.kind = kind;
    this.detail = detail;
  }
}

/** A file that cannot be read as the tool expects: names the file and line, the reason and how to mend it. */
export class ParseError extends MemoryError {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  /** How to mend the data, when the format says (else the edge says to fix it by hand). */
  readonly fix: string | undefined;
  constructor(file: string, line: number, reason: string, fix?: string, kind: "parse" | "markers" = "parse") {
    super(kind, `${file}:${line}: ${reason}${fix ? `; ${fix}` : ""}`);
    this.name = "ParseError";
    this.file = file;
    this.line = line;
    this.reason = reason;
    this.fix = fix;
  }
}
