/**
 * Writer refs (ADR-017): when another clone took the bank branch's tip first, a clone's commits go to a ref
 * of its own on the remote (`refs/memory/writers/<branch>/<writer>`), which no other clone writes, instead
 * of fetching, merging and pushing again. Every sync fetches the writers' refs with the branch and merges
 * them through the drivers; the next push that lands on the branch takes them in and deletes them, each
 * only if it still points where it was fetched.
 */
import { mkdir, readFile, writeFile } from "../infra/quick-fs.js";
import { dirname, join } from "node:path";
import { git } from "./run.js";
import { readRefsUnder, type RepoPaths } from "./repo.js";

/** Where the remote keeps the writers' refs of the bank branch `branch`. */
export const writerPrefix = (branch: string): string => `refs/memory/writers/${branch}/`;

/** Where this clone keeps what it fetched of them (out of `refs/remotes`: they are not branches). */
export const writerTrackingPrefix = (remote: string, branch: string): string => `refs/memory/remote/${remote}/${branch}/`;

/** The fetch refspec that mirrors the remote's writer refs (forced: each is deleted once taken in). */
export const writerRefspec = (remote: string, branch: string): string => `+${writerPrefix(branch)}*:${writerTrackingPrefix(remote, branch)}*`;

const writerFile = (commonDir: string): string => join(commonDir, "memory", "writer");

/**
 * This clone's writer name: the persona it was made for (as a ref name can hold it) and 8 random hex
 * digits, made once per clone and kept in the git dir (every work tree of the clone shares it, as they
 * share the bank branch).
 */
export async function writerName(commonDir: string, persona: string): Promise<string> {
  const kept = await readWriterName(commonDir);
  if (kept) return kept;
  const file = writerFile(commonDir);
  const slug = persona.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 24) || "writer";
  const name = `${slug}-${Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(4))).toString("hex")}`;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${name}\n`);
  return name;
}

/** This clone's writer name, or null while it has never needed one. */
export async function readWriterName(commonDir: string): Promise<string | null> {
  const kept = (await readFile(writerFile(commonDir), "utf8").catch(() => "")).trim();
  return /^[a-z0-9-]{1,40}$/.test(kept) ? kept : null;
}

/** The tracking ref of this clone's writer ref, when it has one: what it holds is on the remote. */
export async function ownWriterTracking(commonDir: string, remote: string, branch: string): Promise<string | null> {
  const name = await readWriterName(commonDir);
  return name ? `${writerTrackingPrefix(remote, branch)}${name}` : null;
}

export interface WriterTip {
  /** The tracking ref here: `refs/memory/remote/origin/memory/dev-1a2b3c4d`. */
  tracking: string;
  /** The ref on the remote: `refs/memory/writers/memory/dev-1a2b3c4d`. */
  remoteRef: string;
  commit: string;
}

/** The writer refs as last fetched. */
export async function writerTips(repo: Pick<RepoPaths, "root" | "commonDir" | "refFiles">, remote: string, branch: string): Promise<WriterTip[]> {
  const local = writerTrackingPrefix(remote, branch);
  return (await readRefsUnder(repo, local)).map(({ ref, commit }) => ({ tracking: ref, remoteRef: `${writerPrefix(branch)}${ref.slice(local.length)}`, commit }));
}

/** Records that the remote's writer ref now holds `commit` (a push does not move a tracking ref outside `refs/remotes`). */
export async function setWriterTracking(root: string, remote: string, branch: string, writer: string, commit: string): Promise<void> {
  await git(["update-ref", "-m", "memory: pushed to the writer ref", `${writerTrackingPrefix(remote, branch)}${writer}`, commit], { cwd: root });
}

const droppedFile = (commonDir: string): string => join(commonDir, "memory", "dropped-writers");

/**
 * Writer refs that went from the remote without being taken into its branch: deleted by hand, as a purge
 * of a secret deletes them. `before` are the tips as fetched last time, `after` as fetched now; what is
 * gone (or was replaced by a commit that does not hold it) and is not in `trackingRef` is recorded in the
 * git dir, for every later sync to refuse while the bank branch holds it. One process when nothing went.
 */
export async function recordDroppedWriters(root: string, commonDir: string, trackingRef: string, before: readonly WriterTip[], after: readonly WriterTip[]): Promise<void> {
  const now = new Map(after.map((t) => [t.tracking, t.commit]));
  const gone = before.filter((t) => now.get(t.tracking) !== t.commit).map((t) => t.commit);
  if (gone.length === 0) return;
  const outside = await git(["rev-list", "--count", ...gone, "--not", trackingRef, ...after.map((t) => t.commit), "--"], { cwd: root, okCodes: [128] });
  if (outside.code !== 0 || outside.stdout.trim() === "0") return;
  const dropped: string[] = [];
  for (const commit of gone) {
    const held = await git(["merge-base", "--is-ancestor", commit, trackingRef], { cwd: root, okCodes: [1, 128] });
    const kept = held.code === 0 || (await Promise.all(after.map((t) => git(["merge-base", "--is-ancestor", commit, t.commit], { cwd: root, okCodes: [1, 128] })))).some((r) => r.code === 0);
    if (!kept) dropped.push(commit);
  }
  if (dropped.length === 0) return;
  const known = (await readFile(droppedFile(commonDir), "utf8").catch(() => "")).split("\n").filter(Boolean);
  await mkdir(dirname(droppedFile(commonDir)), { recursive: true });
  await writeFile(droppedFile(commonDir), `${[...new Set([...known, ...dropped])].join("\n")}\n`);
}

/** A recorded dropped writer commit that `ref` still holds, or null (no process while none is recorded). */
export async function heldDroppedWriter(root: string, commonDir: string, ref: string): Promise<string | null> {
  const known = (await readFile(droppedFile(commonDir), "utf8").catch(() => "")).split("\n").filter(Boolean);
  for (const commit of known) {
    if ((await git(["merge-base", "--is-ancestor", commit, ref], { cwd: root, okCodes: [1, 128] })).code === 0) return commit;
  }
  return null;
}
