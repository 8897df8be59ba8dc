/** Exit codes are part of the interface: scripts and CI jobs branch on them (see README, "Exit codes"). */
export enum ExitCode {
  Ok = 0,
  /** The command refused or failed for a reason it explains (bad state, bad file, no bank…). */
  Failed = 1,
  /** The command line itself was wrong: unknown command, flag or value. */
  Usage = 2,
  /** `memory doctor` found problems it did not (or could not) repair. */
  Problems = 3,
  /** Something the code did not expect: a bug. */
  Internal = 70,
}

/**
 * An error meant for the user: one line saying what is wrong and what to do next.
 * Commands throw it; only the entry point turns it into output and an exit code.
 */
export class MemoryError extends Error {
  readonly code: ExitCode;
  constructor(message: string, code: ExitCode = ExitCode.Failed) {
    super(message);
    this.name = "MemoryError";
    this.code = code;
  }
}

/** Thrown when a bank file cannot be read as the tool expects; names the file and line. */
export class ParseError extends MemoryError {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  constructor(file: string, line: number, reason: string, next = "fix it by hand, then run `memory doctor`") {
    super(`${file}:${line}: ${reason}; ${next}`);
    this.name = "ParseError";
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
