/** Questions about history: which commits are where, what changed on the other side. */
import { git, type GitObjects } from "./run.js";
import { isoSeconds } from "../core/clock.js";

export interface CommitInfo {
  sha: string;
  subject: string;
  body: string;
}

/** Commits in HEAD and not in `ref` (newest first); null when `ref` does not exist. */
export async function commitsNotIn(root: string, ref: string): Promise<CommitInfo[] | null> {
  const res = await git(["log", "--format=%H%x00%s%x00%b%x1e", `${ref}..HEAD`, "--"], { cwd: root, okCodes: [128] });
  if (res.code !== 0) return null;
  return res.stdout
    .split("\x1e")
    .map((record) => record.trim().split("\0"))
    .filter((fields) => fields.length >= 2)
    .map(([sha, subject, body]) => ({ sha: sha!, subject: subject!, body: body ?? "" }));
}

/** Whether `ref` changed any of `paths` since it and HEAD parted. */
export async function changedOnOtherSide(root: string, ref: string, paths: readonly string[]): Promise<boolean> {
  const res = await git(["diff", "--name-only", `HEAD...${ref}`, "--", ...paths], { cwd: root });
  return res.stdout.trim() !== "";
}

/** Whether `sha` names a commit this repository has (a recorded one may be gone after a rewrite). */
export async function commitExists(cwd: string, sha: string): Promise<boolean> {
  return (await git(["cat-file", "-e", `${sha}^{commit}`], { cwd, okCodes: [1, 128] })).code === 0;
}

/**
 * Commits in `range` that touch `path`, newest first, at most `max`. --full-history: by default git drops
 * the side of a merge whose copy of the file lost, which is often the one the caller looks for.
 */
export async function commitsTouching(cwd: string, range: string, path: string, max = 50): Promise<string[]> {
  const res = await git(["log", "--full-history", "--format=%H", "-n", String(max), range, "--", path], { cwd });
  return res.stdout.split("\n").filter(Boolean);
}

/**
 * `commitsTouching(since..head)` read through an object store session, when the range is a line of commits of
 * one parent each (the commonest: other clones' saves, fast-forwarded): the commits whose blob at `path`
 * differs from their parent's, newest first, as `git log --full-history -- path` lists them there. Null when
 * the walk meets a merge, a root or a commit it cannot read, or more than `max` commits: git is asked then.
 */
export async function commitsTouchingLine(objects: GitObjects, since: string, head: string, path: string, max = 50): Promise<string[] | null> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(since)) return null;
  const [tip] = await objects.info([`${head}^{commit}`]);
  if (!tip) return null;
  const out: string[] = [];
  for (let at = tip.oid, steps = 0; at !== since; steps++) {
    if (steps >= max) return null;
    const [commit] = await objects.read([at]);
    if (commit?.type !== "commit") return null;
    const parents = commit.data.toString("latin1").split("\n\n", 1)[0]!.split("\n").filter((l) => l.startsWith("parent ")).map((l) => l.slice(7));
    if (parents.length !== 1) return null;
    const [here, before] = await objects.info([`${at}:${path}`, `${parents[0]}:${path}`]);
    if (here?.oid !== before?.oid) out.push(at);
    at = parents[0]!;
  }
  return out;
}

/**
 * The commit that first added a file (following renames) and its time in seconds, or null when the file
 * is not committed. Files added by one commit arrived together.
 */
export async function addedIn(cwd: string, rel: string): Promise<{ sha: string; time: number } | null> {
  // No --follow: it would take a similar file (two short ADRs, stubs) for this one renamed, and its date.
  const res = await git(["log", "--diff-filter=A", "--format=%H %ct", "--", rel], { cwd });
  const rows = res.stdout.trim().split("\n").filter(Boolean).map((row) => row.split(" "));
  // Newest first from git; the oldest add wins, the earlier one in history when two share a second.
  const oldest = rows.reverse().sort((a, b) => Number(a[1]) - Number(b[1]))[0];
  return oldest ? { sha: oldest[0]!, time: Number(oldest[1]) } : null;
}


export interface LineOrigin {
  author: string;
  /** Author time, seconds since the epoch. */
  time: number;
}

/** Who last wrote each line of a file and when (`git blame`), by 1-based line; lines never committed are absent. */
export async function blameLines(root: string, rel: string): Promise<Map<number, LineOrigin>> {
  const res = await git(["blame", "--porcelain", "--", rel], { cwd: root, okCodes: [128] });
  const lines = new Map<number, LineOrigin>();
  if (res.code !== 0) return lines;
  const commits = new Map<string, Partial<LineOrigin>>();
  let current: { sha: string; line: number } | undefined;
  for (const row of res.stdout.split("\n")) {
    const head = /^([0-9a-f]{40}) \d+ (\d+)/.exec(row);
    if (head) {
      current = { sha: head[1]!, line: Number(head[2]) };
      if (!commits.has(current.sha)) commits.set(current.sha, {});
      continue;
    }
    if (!current) continue;
    const info = commits.get(current.sha)!;
    if (row.startsWith("author ")) info.author = row.slice(7);
    else if (row.startsWith("author-time ")) info.time = Number(row.slice(12));
    else if (row.startsWith("\t")) {
      if (!/^0+$/.test(current.sha) && info.author !== undefined && info.time !== undefined) {
        lines.set(current.line, { author: info.author, time: info.time });
      }
    }
  }
  return lines;
}

/** Who last wrote each line and when (ISO 8601), by 1-based line: what adopted sections take as `by` and `at`. */
export async function lineProvenance(root: string, rel: string): Promise<Map<number, { author: string; at: string }>> {
  const blame = await blameLines(root, rel);
  return new Map([...blame].map(([line, o]) => [line, { author: o.author, at: isoSeconds(new Date(o.time * 1000)) }]));
}
