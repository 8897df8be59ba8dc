/**
 * Buffers found sound before, kept in the git dir (`.git/memory/checked.json`, this clone's only): by the
 * identity of the file that held the text (inode, size, modification and change times), and a big one also by
 * the blob id git gives its text. A command that finds a buffer's file as it was when last checked takes its
 * counts without reading it; one that finds a big text again (in another file, or read from git) takes them
 * without scanning megabytes. A changed small buffer is scanned, which costs less than hashing it. A text that
 * does not read is never kept, so its error is found, with its line, every time.
 */
import { lstat, readFile } from "../infra/quick-fs.js";
import { join } from "node:path";
import { countBufferOnce, countedAlready, rememberCounts } from "../core/parse-once.js";
import { appendedCounts, type BufferCounts } from "../core/thresholds.js";
import { coarseTimes, fileIdentity, fileSystemNow, readBytesIfExists, writeTextAtomic } from "../infra/fs.js";

/** Below this many characters a scan is cheaper than the hash and the file. */
const WORTH = 64 * 1024;
const KEPT = 32;
/**
 * How long after its last change a file is kept by its identity. An edit of the same size in the same tick
 * of the file system's clock keeps a file's times, so the tick must be over. Times with a fraction of a second
 * come from the kernel's coarse clock (a tick of 10 ms at most): 100 ms leaves room, and a file changed more
 * recently is kept once a file written now gets a later time (`fileSystemNow`). Times in whole seconds (FAT
 * keeps two) wait 2 s.
 */
const SETTLED_MS = 100;
const SETTLED_COARSE_MS = 2000;

const checkedFile = (gitDir: string): string => join(gitDir, "memory", "checked.json");

/** Texts whose hash this process has kept (or found kept), the last few. */
const keptHere = new Set<string>();
function keptNow(text: string): void {
  keptHere.add(text);
  if (keptHere.size > KEPT) keptHere.delete(keptHere.values().next().value!);
}

interface Kept {
  /** By the sha1 of the text. */
  texts: Map<string, BufferCounts>;
  /** By the file's path: its identity when it held a text found sound, that text's key and its counts. */
  files: Map<string, KeptFile>;
}

type KeptFile = { id: string; key?: string } & BufferCounts;

/**
 * A file's identity, and whether it is old enough to be kept by it; null when it does not exist. Called
 * before the file is read: a file changed before the tick asked here is settled for the read that follows.
 */
async function identity(abs: string, gitDir: string): Promise<{ id: string; settled: boolean } | null> {
  const s = await lstat(abs, { bigint: true }).catch(() => null);
  if (!s) return null;
  const newest = s.mtimeNs > s.ctimeNs ? s.mtimeNs : s.ctimeNs;
  const coarse = coarseTimes(s);
  const wait = coarse ? SETTLED_COARSE_MS : SETTLED_MS;
  if (newest / 1_000_000n < BigInt(Date.now() - wait)) return { id: fileIdentity(s), settled: true };
  if (coarse) return { id: fileIdentity(s), settled: false };
  // Changed a moment ago (the merge a start just made): settled once the file system's clock has moved on.
  const now = await fileSystemNow(join(gitDir, "memory", "tick"));
  return { id: fileIdentity(s), settled: now !== null && newest < now };
}

/**
 * A buffer file's text and counts, checked as a parse would (throwing its errors); null when there is no
 * such file. When the file is the one last found sound (the same identity), the counts come without reading
 * it, and `text` is null.
 */
export async function checkedBuffer(gitDir: string, abs: string, rel: string): Promise<{ text: string | null; counts: BufferCounts } | null> {
  const before = await identity(abs, gitDir);
  if (before?.settled) {
    const hit = (await readChecked(gitDir)).files.get(rel);
    if (hit && hit.id === before.id) return { text: null, counts: { lines: hit.lines, items: hit.items, unmarked: hit.unmarked } };
  }
  const bytes = await readBytesIfExists(abs);
  if (bytes === null) return null;
  const text = bytes.toString("utf8");
  // (Kept by identity only when the file did not change while it was read.)
  const after = before?.settled ? await identity(abs, gitDir) : null;
  return { text, counts: await checkedCounts(gitDir, text, rel, after && after.id === before!.id ? after.id : null) };
}

/**
 * The counts of a big buffer's text found sound before: in this command, or by an earlier one (its hash
 * kept); null when it was not. A buffer whose file is kept by its identity is not read by the checks before a
 * sync, so a command that then needs its earlier text (start's digest) asks here instead of parsing it all.
 * Small texts: null (a parse costs less than the hash).
 */
export async function countsBefore(gitDir: string, text: string, blob?: string): Promise<BufferCounts | null> {
  const counted = countedAlready(text);
  if (counted) return counted;
  if (text.length < WORTH) return null;
  const kept = (await readChecked(gitDir)).texts;
  // A text read from git comes with its blob id, which is its key: nothing to hash.
  const hit = (blob !== undefined ? kept.get(blob) : undefined) ?? kept.get(await textKey(text));
  return hit ? { ...hit } : null;
}

/**
 * A big text's key among those kept: the id git gives a blob of its bytes, so a text read from git is found
 * by the id git names it with (node:crypto is loaded here only: it costs several ms).
 */
async function textKey(text: string | Buffer): Promise<string> {
  const { createHash } = await import("node:crypto");
  const size = typeof text === "string" ? Buffer.byteLength(text, "utf8") : text.length;
  return createHash("sha1").update(`blob ${size}\0`).update(text).digest("hex");
}

/**
 * The counts of a text that is the one last found sound in its file, with entries appended (`memory add`):
 * the earlier text is known by its size and key, and only what came after it is read (`appendedCounts`).
 */
async function appendedTo(earlier: KeptFile | undefined, text: string): Promise<BufferCounts | null> {
  // (The earlier text's size in bytes is part of its file's identity.)
  const size = Number(earlier?.id.split(":")[1]);
  if (!earlier?.key || !Number.isInteger(size) || size <= 0) return null;
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= size || bytes[size - 1] !== 10 || (await textKey(bytes.subarray(0, size))) !== earlier.key) return null;
  // (Cut after a line break: the tail's first character starts there in the text too.)
  const tail = bytes.subarray(size).toString("utf8");
  return appendedCounts(text.slice(0, text.length - tail.length), earlier, tail);
}

/**
 * Checks a buffer's text as a parse would (throwing its errors) and counts it, once per text across commands.
 * `fileId`: the identity of the file the text was read from, when it is old enough to be kept by it.
 */
export async function checkedCounts(gitDir: string, text: string, file: string, fileId: string | null = null): Promise<BufferCounts> {
  if (text.length < WORTH) {
    // A small text is scanned (no hash), and its file kept by its identity: unchanged, it is not read again.
    const counts = countBufferOnce(text, { file });
    if (fileId === null) return counts;
    const kept = await readChecked(gitDir);
    if (kept.files.get(file)?.id === fileId) return counts;
    kept.files.set(file, { id: fileId, ...counts });
    await writeChecked(gitDir, kept);
    return counts;
  }
  const already = countedAlready(text);
  if (already && !fileId && keptHere.has(text)) return already;
  const key = await textKey(text);
  const kept = await readChecked(gitDir);
  const hit = kept.texts.get(key);
  // (Counts found in this command another way, from a digest's window, are kept by the hash too: the next
  // command finds the text without scanning it.)
  const appended = hit || already ? null : await appendedTo(kept.files.get(file), text);
  if (appended) rememberCounts(text, appended);
  const counts = hit ? { ...hit } : (already ?? appended ?? countBufferOnce(text, { file }));
  keptNow(text);
  if (hit) rememberCounts(text, hit);
  const byFile = fileId !== null && kept.files.get(file)?.id !== fileId;
  if (hit && !byFile) return counts;
  kept.texts.delete(key);
  kept.texts.set(key, counts);
  if (fileId) kept.files.set(file, { id: fileId, key, ...counts });
  await writeChecked(gitDir, kept);
  return counts;
}

async function writeChecked(gitDir: string, kept: Kept): Promise<void> {
  const data = { ...Object.fromEntries([...kept.texts].slice(-KEPT)), files: Object.fromEntries(kept.files) };
  await writeTextAtomic(checkedFile(gitDir), `${JSON.stringify(data)}\n`).catch(() => undefined);
}

const isCounts = (v: Partial<BufferCounts> | null): v is BufferCounts => !!v && [v.lines, v.items, v.unmarked].every((n) => Number.isInteger(n) && n! >= 0);

async function readChecked(gitDir: string): Promise<Kept> {
  const out: Kept = { texts: new Map(), files: new Map() };
  try {
    const parsed = JSON.parse(await readFile(checkedFile(gitDir), "utf8")) as Record<string, unknown>;
    for (const [key, value] of Object.entries(parsed)) {
      const v = value as Partial<BufferCounts> | null;
      if (/^[0-9a-f]{40}$/.test(key) && isCounts(v)) out.texts.set(key, { lines: v.lines, items: v.items, unmarked: v.unmarked });
    }
    const files = parsed.files as Record<string, (Partial<BufferCounts> & { id?: unknown }) | null> | undefined;
    for (const [rel, v] of Object.entries(files && typeof files === "object" ? files : {})) {
      const id = v?.id;
      const key = (v as { key?: unknown } | null)?.key;
      if (isCounts(v) && typeof id === "string") out.files.set(rel, { id, ...(typeof key === "string" ? { key } : {}), lines: v.lines, items: v.items, unmarked: v.unmarked });
    }
  } catch {
    // none yet, or unreadable: everything is scanned (and the file written anew)
  }
  return out;
}
