/** How full a buffer is against its harvest threshold. Pure. */
import { countLines, type BufferDoc } from "./entries.js";
import type { BufferConfig, BufferName, Unit } from "./config.js";
import { unmarkedSections } from "./unmarked.js";

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

export function bufferStatus(
  name: BufferName,
  label: string,
  file: string,
  buffer: BufferConfig,
  doc: BufferDoc,
  nearShare: number,
): BufferStatus {
  const lines = countLines(doc);
  const items = doc.entries.length;
  const unmarked = unmarkedSections(doc).length;
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
