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
