import type { BufferStatus } from "../core/thresholds.js";

/** `patterns-buffer has 18 lines (near harvest threshold 20)`; undefined when the buffer is not near. */
export function thresholdWarning(s: BufferStatus): string | undefined {
  if (!s.near) return undefined;
  const count = s.unit === "lines" ? s.lines : s.items;
  const unit = count === 1 ? s.unit.replace(/s$/, "") : s.unit;
  return s.ready
    ? `${s.label} has ${count} ${unit} (at harvest threshold ${s.threshold}; run \`memory harvest\`)`
    : `${s.label} has ${count} ${unit} (near harvest threshold ${s.threshold})`;
}
