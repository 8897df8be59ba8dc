/**
 * Many contents into the object store at once, and many files of a commit read back by their blob ids: the
 * two ends of a harvest that grow with the number of docs it writes.
 */
import { mkdir, readFile, rename, rm, writeFile } from "../infra/quick-fs.js";
import { join } from "node:path";
import { git, gitObjects, type GitObjects, type ObjectSession } from "./run.js";
import { readBlobs } from "./repo.js";

/**
 * Stores each content as a blob, exactly as given (no filters: line endings stay as written), through one
 * `git fast-import`: the objects go into one pack (a few loose ones below `fastimport.unpackLimit`), not a
 * file of ours plus a loose object per content, and objects the store already has are not written again.
 * Returns the blob ids, in order. The marks file (blob ids by number) is the one way every git reports them.
 */
export async function writeBlobs(root: string, gitDir: string, contents: readonly string[]): Promise<string[]> {
  if (contents.length === 0) return [];
  const marks = join(gitDir, "memory", `blobs-${process.pid}.marks`);
  await mkdir(join(gitDir, "memory"), { recursive: true });
  try {
    // `data <n>` counts bytes; the stream ends with `done`, so a cut-off input fails instead of importing part.
    const input = contents.map((c, i) => `blob\nmark :${i + 1}\ndata ${Buffer.byteLength(c, "utf8")}\n${c}\n`).join("") + "done\n";
    await git(["fast-import", "--quiet", "--done", `--export-marks=${marks}`], { cwd: root, input });
    const ids = new Map<number, string>();
    for (const line of (await readFile(marks, "utf8")).split("\n")) {
      const m = /^:(\d+) ([0-9a-f]+)$/.exec(line);
      if (m) ids.set(Number(m[1]), m[2]!);
    }
    return contents.map((_, i) => {
      const id = ids.get(i + 1);
      if (!id) throw new Error(`git fast-import reported no blob for content ${i + 1} of ${contents.length}`);
      return id;
    });
  } finally {
    await rm(marks, { force: true });
  }
}

/**
 * Every file under `specs` (folders, listed to the bottom, or files) in `commit`, by path: its type and object
 * id; null when there is no such commit. A commit named by its id never changes, so with `keep` (a file in the
 * git dir) the last few listings are kept there and not asked of git again. With an object store session
 * they are kept by what the specs are at the commit (their tree and blob ids, one question to the session):
 * a commit that left the docs as they were finds its listing too.
 */
export async function listTree(root: string, commit: string, specs: readonly string[], keep?: string, objects?: ObjectSession): Promise<Map<string, { type: string; id: string }> | null> {
  const key = keep && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit) ? await listingKey(commit, specs, objects) : null;
  const kept = key ? await readKeptTrees(keep!) : null;
  const hit = key ? kept?.[key] : undefined;
  if (hit) return new Map(hit);
  const listed = await git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", ...specs], { cwd: root, okCodes: [128] });
  if (listed.code !== 0) return null;
  const out = parseListing(listed.stdout);
  if (key) {
    const entries = Object.entries({ ...kept, [key]: [...out] }).slice(-KEPT_TREES);
    await writeFile(`${keep}.${process.pid}.tmp`, JSON.stringify(Object.fromEntries(entries)))
      .then(() => rename(`${keep}.${process.pid}.tmp`, keep!))
      .catch(() => rm(`${keep}.${process.pid}.tmp`, { force: true }));
  }
  return out;
}

/** What a listing is kept by: the specs' ids at the commit when a session tells them, else the commit. */
async function listingKey(commit: string, specs: readonly string[], objects?: ObjectSession): Promise<string> {
  const ids = objects ? await objects.get().then((o) => o.info([`${commit}^{commit}`, ...specs.map((p) => `${commit}:${p}`)])).catch(() => null) : null;
  // (No session, or a commit the store lacks: kept by the commit, and asked of git, which says so.)
  if (!ids?.[0]) return `${commit} ${JSON.stringify(specs)}`;
  return `ids ${JSON.stringify(specs.map((p, i) => [p, ids[i + 1]?.oid ?? null]))}`;
}

const KEPT_TREES = 8;
type Listing = Array<[string, { type: string; id: string }]>;

async function readKeptTrees(file: string): Promise<Record<string, Listing>> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, Listing>) : {};
  } catch {
    return {};
  }
}

function parseListing(stdout: string): Map<string, { type: string; id: string }> {
  const out = new Map<string, { type: string; id: string }>();
  for (const record of stdout.split("\0")) {
    // `<mode> <type> <id>\t<path>`
    const tab = record.indexOf("\t");
    if (tab < 0) continue;
    const [, type, id] = record.slice(0, tab).split(" ");
    out.set(record.slice(tab + 1), { type: type!, id: id! });
  }
  return out;
}

/**
 * The text of each of `paths` in `commit` (null where it has none). Listed with `ls-tree`, then read by blob
 * id: a `<commit>:<path>` name makes git search the path's folder entry by entry, which for thousands of
 * docs in one folder costs seconds. Folders are listed, not each path, so the command line stays short.
 */
export async function readFilesAt(root: string, commit: string, paths: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>(paths.map((p) => [p, null]));
  if (paths.length === 0) return out;
  // A file at the top is named itself (its folder, the root, would list the whole tree).
  const specs = [...new Set(paths.map((p) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : p)))];
  const listed = await listTree(root, commit, specs);
  if (!listed) return out; // no such commit: it holds none of them
  const ids = new Map<string, string>();
  for (const [path, { type, id }] of listed) if (type === "blob" && out.has(path)) ids.set(path, id);
  const texts = await readBlobs(root, [...new Set(ids.values())]);
  for (const [path, id] of ids) out.set(path, texts.get(id) ?? null);
  return out;
}

export interface CommitDiff {
  /** The paths whose blobs differ between the two commits (a path one of them lacks differs). */
  changed: string[];
  /** The blob id of each path at the first commit, where it has one. */
  before: Map<string, string>;
  /** Texts by name (`<commit>:<path>`, a blob id), from the same process; null where a name is no blob. */
  read: (names: readonly string[]) => Promise<Map<string, string | null>>;
  close: () => void;
}

/**
 * Which of `paths` (files) differ between commits `a` and `b`, told by their blob ids, with a reader of texts
 * from the same `cat-file --batch-command`: one process where `diff-tree` and a `cat-file` are two. Null when
 * git cannot (older than 2.36): the caller asks those two.
 */
export async function openDiff(root: string, a: string, b: string, paths: readonly string[], session?: ObjectSession): Promise<CommitDiff | null> {
  let objects: GitObjects | null = null;
  try {
    objects = session ? await session.get() : await gitObjects(root, { command: true });
    const ids = await objects.info(paths.flatMap((p) => [`${a}:${p}`, `${b}:${p}`]));
    const changed = paths.filter((_, i) => ids[2 * i]?.oid !== ids[2 * i + 1]?.oid);
    const open = objects;
    const before = new Map<string, string>();
    paths.forEach((p, i) => ids[2 * i]?.type === "blob" && before.set(p, ids[2 * i]!.oid));
    return {
      changed,
      before,
      read: async (names) => {
        const got = await open.read(names);
        return new Map(names.map((n, i) => [n, got[i]?.type === "blob" ? got[i]!.data.toString("utf8") : null]));
      },
      // (A session the command keeps open is its to end.)
      close: () => (session ? undefined : open.close()),
    };
  } catch {
    if (!session) objects?.close();
    return null;
  }
}
