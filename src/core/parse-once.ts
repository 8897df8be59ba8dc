/**
 * One parse per text: a command reads the same buffer several times (the checks before a sync, the digest,
 * the fill of each buffer), and at 10,000 entries a parse costs tens of milliseconds. The last few parses
 * are kept, keyed by the text itself (and the default type, the one option that changes the result); each
 * caller gets its own arrays, so adding to or replacing entries in one never shows in another. A text that
 * does not parse is not kept: its error names the caller's file every time.
 */
import { parseBuffer, type BufferDoc, type Entry, type ParseOptions } from "./entries.js";
import { countBuffer, type BufferCounts } from "./thresholds.js";

const KEPT = 12;
const kept = new Map<string, { defaultType: string; doc: BufferDoc }>();

export function parseBufferOnce(source: string, options: ParseOptions = {}): BufferDoc {
  const defaultType = options.defaultType ?? "";
  const hit = kept.get(source);
  let doc: BufferDoc;
  if (hit && hit.defaultType === defaultType) {
    doc = hit.doc;
    kept.delete(source); // most recent last
  } else doc = parseBuffer(source, options);
  kept.set(source, { defaultType, doc });
  if (kept.size > KEPT) kept.delete(kept.keys().next().value!);
  return { shape: { ...doc.shape }, header: [...doc.header], entries: [...doc.entries] };
}

/** The parse of `source` if one is kept (a command that parsed it already), else undefined: nothing is parsed. */
export function parsedAlready(source: string, defaultType = ""): BufferDoc | undefined {
  const hit = kept.get(source);
  return hit && hit.defaultType === defaultType ? hit.doc : undefined;
}

/** As `readEntries`: the entries of a text that may be an old or broken version, none when it does not parse. */
export function readEntriesOnce(text: string | null | undefined, defaultType?: string): Entry[] {
  if (!text) return [];
  try {
    return parseBufferOnce(text, defaultType === undefined ? {} : { defaultType }).entries;
  } catch {
    return [];
  }
}

const counted = new Map<string, BufferCounts>();

/**
 * A buffer checked as a parse checks it, and counted, without building its entries (the checks before a sync,
 * `status`): once per text, like a parse. Throws the parse's errors, naming the caller's file.
 */
export function countBufferOnce(source: string, options: { file?: string } = {}): BufferCounts {
  const hit = counted.get(source);
  if (hit) return { ...hit };
  const counts = countBuffer(source, options);
  rememberCounts(source, counts);
  return { ...counts };
}

/** The counts of `source` if this command counted it already, else undefined: nothing is scanned. */
export function countedAlready(source: string): BufferCounts | undefined {
  const hit = counted.get(source);
  return hit ? { ...hit } : undefined;
}

/** Records counts found elsewhere for `source` (a check made by an earlier command of the same text). */
export function rememberCounts(source: string, counts: BufferCounts): void {
  counted.set(source, { ...counts });
  if (counted.size > KEPT) counted.delete(counted.keys().next().value!);
}

/** Whether `source` was found to read in this command already (parsed, or checked and counted): nothing is parsed. */
export function soundAlready(source: string): boolean {
  return kept.has(source) || counted.has(source);
}
