/** How full a buffer is against its harvest threshold. Pure. */
import { countLines, type BufferDoc } from "./entries.js";
import type { BufferConfig, BufferName, Unit } from "./config.js";
import { unmarkedSections } from "./unmarked.js";
import { isMarkerLine, scanBuffer, unclosedFence, type ScannedBuffer } from "./scan.js";
import { isSpaceCode } from "./text.js";

export interface BufferStatus {
  name: BufferName;
  /** `patterns-buffer`: the name people see. */
  label: string;
  /** Repo-relative path. */
  file: string;
  lines: number;
  items: number;
  /** null for a buffer harvest never takes (a team's own buffer may only be kept and merged). */
  threshold: number | null;
  unit: Unit;
  /** At or past the threshold: the next harvest takes it. */
  ready: boolean;
  /** At or past the `near` share of the threshold (ready buffers are near too). */
  near: boolean;
  /** Hand-written sections without an entry marker (present only when there are some). */
  unmarked?: number;
}

/** What a buffer's fill is counted from: its entries' non-blank lines, its entries, its hand-written sections. */
export interface BufferCounts {
  lines: number;
  items: number;
  unmarked: number;
}

export function countsOf(doc: BufferDoc): BufferCounts {
  return { lines: countLines(doc), items: doc.entries.length, unmarked: unmarkedSections(doc).length };
}

/**
 * The counts of a buffer's text without building its entries (`status` at 10,000 entries): scanned and
 * checked as a parse checks it, the same errors included.
 */
export function countBuffer(text: string, options: { file?: string } = {}): BufferCounts {
  return countScanned(scanBuffer(text, options));
}

function countScanned(scanned: ScannedBuffer): BufferCounts {
  const src = scanned.text;
  let lines = 0;
  for (const span of scanned.entries) {
    let filled = false;
    for (let i = span.start; i < span.end; i++) {
      const c = src.charCodeAt(i);
      if (c === 10) {
        if (filled) lines++;
        filled = false;
      } else if (!filled && !isSpaceCode(c)) filled = true;
    }
    if (filled) lines++;
  }
  return { lines, items: scanned.entries.length, unmarked: unmarkedSections({ shape: scanned.shape, header: scanned.header, entries: [] }).length };
}

/** More ids in an appended tail than this: the whole text is counted instead of searched for each. */
const APPENDED_IDS = 32;

/**
 * The counts of `prefix + tail`, from the counts of `prefix` (a text found sound) when all that came after it
 * is entries appended at its end (`memory add`): only the tail is scanned, whatever the size of the rest. An
 * entry's span ends where the next marker begins and blank lines count for nothing, so the prefix's entries
 * count as they did, and its header (the unmarked sections) is untouched. Null when that cannot be told this
 * way: the tail does not start with a marker line, a fence is open where the prefix ends, an id of the tail
 * occurs in the prefix (or an escape there may spell one), or the tail does not read (the whole text is then
 * counted, and its error named with the file's own line).
 */
export function appendedCounts(prefix: string, before: BufferCounts, tail: string): BufferCounts | null {
  if (before.items === 0 || !prefix.endsWith("\n") || tail === "") return null;
  const first = /[^\s]/.exec(tail);
  if (!first) return null;
  const lineStart = tail.lastIndexOf("\n", first.index) + 1;
  const eol = tail.indexOf("\n", lineStart);
  if (!isMarkerLine(tail.slice(lineStart, eol < 0 ? tail.length : eol).replace(/\r$/, ""))) return null;
  if (unclosedFence(prefix) !== 0 || prefix.includes("\\u")) return null;
  let scanned: ScannedBuffer;
  try {
    scanned = scanBuffer(tail);
  } catch {
    return null;
  }
  if (scanned.entries.length > APPENDED_IDS || scanned.entries.some((e) => prefix.includes(e.id))) return null;
  const added = countScanned(scanned);
  return { lines: before.lines + added.lines, items: before.items + added.items, unmarked: before.unmarked };
}

export function bufferStatus(
  name: BufferName,
  label: string,
  file: string,
  buffer: BufferConfig,
  source: BufferDoc | BufferCounts,
  nearShare: number,
): BufferStatus {
  const { lines, items, unmarked } = "entries" in source ? countsOf(source) : source;
  const count = buffer.unit === "lines" ? lines : items;
  return {
    name,
    label,
    file,
    lines,
    items,
    threshold: buffer.harvest === "none" ? null : buffer.threshold,
    unit: buffer.unit,
    // A buffer that is never harvested has no threshold to reach.
    ready: buffer.harvest !== "none" && count >= buffer.threshold,
    near: buffer.harvest !== "none" && count > 0 && count >= buffer.threshold * nearShare,
    ...(unmarked > 0 ? { unmarked } : {}),
  };
}

/** `patterns-buffer has 18 lines (near harvest threshold 20)`; undefined when the buffer is not near. */
export function thresholdWarning(s: BufferStatus): string | undefined {
  if (!s.near) return undefined;
  const count = s.unit === "lines" ? s.lines : s.items;
  const unit = count === 1 ? s.unit.replace(/s$/, "") : s.unit;
  return s.ready
    ? `${s.label} has ${count} ${unit} (at harvest threshold ${s.threshold}; run \`memory harvest\`)`
    : `${s.label} has ${count} ${unit} (near harvest threshold ${s.threshold})`;
}
