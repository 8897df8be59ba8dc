/**
 * The words of every refusal: a lower layer says what is wrong (and how to mend the data); this adds the
 * next step a person or an agent should take, in terms of commands. One line, always.
 */
import type { MemoryError, ParseError } from "../core/errors.js";

type Next = (err: MemoryError) => string;

const again = "then run memory again";

const NEXT: Partial<Record<MemoryError["kind"], Next>> = {
  parse: (e) => ((e as ParseError).fix ? "" : "fix it by hand, then run `memory doctor`"),
  markers: () => "run `memory doctor --fix`, or resolve them by hand",
  "not-a-repo": () => "run memory in a clone of your repository, or `git init` one",
  "no-bank": () => "run `memory init` first",
  "not-a-bank-branch": (e) => `set "sync": { "branch": "<another name>" } in .claude/memory.config.json (the branch ${e.detail.branch} is left as it is)`,
  "not-found": () => "look it up with `memory recall WORDS` or `memory list`",
  task: () => "see the queue with `memory task list`",
  harvested: (e) => `edit or delete ${e.detail.file} itself`,
  archived: () => "add a new entry that supersedes it (`memory add TYPE TITLE --supersedes ID`), or edit the archive by hand",
  "no-persona": () => "pass --persona NAME, set MEMORY_PERSONA, or run `memory init --persona NAME`",
  "repo-state": (e) =>
    e.detail.detached
      ? `check out a branch (\`git switch main\`), ${again}`
      : `finish it or abort it (${e.detail.how}${e.detail.operation === "MERGE_HEAD" ? "; if only bank files conflict, `memory doctor --fix` finishes it" : ""}), ${again}`,
  "index-locked": () => "wait for it, or delete that file if no git is running",
  unmerged: () => "run `memory doctor --fix`",
  "missing-file": (e) => `restore it (\`git checkout -- ${e.detail.file}\`) or recreate it with \`memory doctor --fix\``,
  secret: (e) => `remove it, or run \`memory ${e.detail.command ?? "save"} --allow-secret\` if it is not one (nothing was committed)`,
  "no-source": (e) =>
    e.detail.from && e.detail.from !== "auto"
      ? "pass --from auto (or the kind of bank you have), or run `memory init` to start a new bank"
      : "run memory in the repository that holds the bank, or `memory init` to start a new one",
  "two-banks": (e) =>
    `move the files of ${e.detail.other}/ into ${e.detail.bank}/ and run \`memory migrate\` there, or adopt ${e.detail.other}/ by setting "bank": "${e.detail.other}" in .claude/memory.config.json`,
  "no-commits": () => "commit something first (`git commit --allow-empty -m init`), then run memory migrate again",
  "dirty-target": () => "commit or stash them first, then run memory harvest again (nothing was changed)",
  "commit-failed": (e) => `fix the cause (${e.detail.cause ?? "git identity? commit signing?"}) and run memory again`,
  "merge-conflict": (e) => `merge it yourself (\`git merge ${e.detail.upstream}\`), ${again}`,
  "merge-refused": () => `commit or stash them, ${again} (nothing was changed)`,
  "foreign-attributes": () => "run `memory doctor` to see it, `memory doctor --fix` to restore the bank's lines",
  "push-failed": (e) =>
    e.detail.command === "harvest"
      ? "the harvest commit is kept here; fix the cause and run memory harvest again to re-plan it"
      : "your commit is kept here, fix the cause (a hook? branch protection?) and run memory save again",
  "push-exhausted": (e) =>
    e.detail.command === "harvest" ? "nothing was published; run memory harvest again" : "your commit is kept here, run memory save again",
  "history-rewritten": (e) =>
    e.detail.layout === "branch"
      ? `keep your unpublished bank work with \`git branch ${e.detail.branch}-before-rewrite ${e.detail.branch}\`, then take the new history as the README's "When the bank branch was rewritten" says (the checked-out branch is not involved)`
      : `keep your unpublished bank work with \`git branch memory-before-rewrite\`, take the new history with \`git fetch --force ${e.detail.remote} ${e.detail.branch}:refs/remotes/${e.detail.upstream}\` and \`git reset --keep ${e.detail.upstream}\`, then add again what \`git diff ${e.detail.upstream}...memory-before-rewrite -- ${e.detail.bank}\` shows you wrote`,
  "writer-ref-rewritten": (e) =>
    `see what else it holds with \`git log -p ${e.detail.upstream}..${e.detail.tracking} -- ${e.detail.bank}\`, add again what is still wanted, then delete it with \`git push ${e.detail.remote} :${e.detail.ref}\``,
  "undo-failed": (e) => `revert it yourself (\`git revert ${e.detail.sha}\`), ${again}`,
  locked: (e) => `wait for it, or delete ${e.detail.path} if no such process exists`,
  reentrant: () => "run it after that command",
  "git-missing": () => "install git and make sure it is on PATH",
  "git-timeout": (e) => (e.detail.network === "yes" ? "check the remote and try again" : "is a git hook hanging?"),
  "hooks-file": (e) => `then run \`memory hooks ${e.detail.command ?? "install"}\` again (nothing was written)`,
  "outside-repo": (e) => `replace ${e.detail.path} with a real file or folder inside the repository, then run memory again`,
  bug: () => "this is a bug, please report it",
};

/** The one line a refusal prints, after `memory: `. */
export function describe(err: MemoryError): string {
  const next = NEXT[err.kind]?.(err) ?? "";
  return next ? `${err.message}; ${next}` : err.message;
}

/** Exit code for a refusal: 2 for a command line the tool does not understand, else 1. */
export function exitCodeOf(err: MemoryError): number {
  return err.kind === "usage" ? 2 : err.kind === "bug" ? 70 : 1;
}

const FILE_ERRORS: Record<string, string> = {
  EISDIR: "is a directory, not a file",
  ENOTDIR: "has a file where a folder should be",
  ELOOP: "is a symbolic link that loops",
  EACCES: "cannot be read or written (permission denied)",
  EPERM: "cannot be read or written (operation not permitted)",
  ENOENT: "does not exist",
  ENAMETOOLONG: "has a name too long for this system",
  EROFS: "is on a read-only file system",
  ENOSPC: "cannot be written: the disk is full",
};

/** An error of the file system about one path, which the edge can word as one line. */
export function isFileError(err: unknown): err is NodeJS.ErrnoException & { path: string } {
  const e = err as NodeJS.ErrnoException;
  return e instanceof Error && typeof e.code === "string" && e.code in FILE_ERRORS && typeof e.path === "string";
}

/** `.claude/memory-bank/patterns-buffer.md is a directory, not a file; …`, the path shown from `cwd`. */
export function describeFileError(err: NodeJS.ErrnoException & { path: string }, cwd: string): string {
  const path = err.path.startsWith(`${cwd}/`) ? err.path.slice(cwd.length + 1) : err.path;
  return `${path} ${FILE_ERRORS[err.code!]}; fix or move it (\`memory doctor --fix\` recreates a missing bank file), then run memory again`;
}
