/**
 * A line-based 3-way merge (diff3 over a shortest edit script, as `git merge-file` does it) that never
 * writes conflict markers and never drops a line. Pure: lines or text in, lines or text out.
 *
 * - A change only one side made is applied.
 * - The same change made on both sides is applied once.
 * - Changes that overlap in the base (a true conflict) keep both sides' versions of that region, whole,
 *   the smaller text first: the result is the same whichever side is "ours" (`git pull --rebase` swaps
 *   the sides), and no line either side wrote is lost.
 * - Lines are never de-duplicated: two sections that both end with `**Date**: …` keep both lines.
 * - Changes next to each other (one side edits line 3, the other line 4 or inserts after line 3) are not a
 *   conflict: both apply. Two insertions at the same point are: both are kept.
 *
 * Cost: common prefix and suffix are trimmed first, then Myers' O(ND) diff runs on what is left, so a
 * 100k-line file with a few edits merges in milliseconds. When two versions differ so much that the diff
 * would cost more than a fixed budget, the differing middle is taken as one change (a conflict keeps both).
 */
import { joinLines, sameLines, splitLines, type TextShape } from "./text.js";

export interface TextMergeInput {
  base: string;
  ours: string;
  theirs: string;
}

/** A change from `a` to `b`: a's lines [aStart, aEnd) became b's lines [bStart, bEnd). */
export interface Hunk {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/** Work (diagonal steps and snake steps) one diff may spend before it gives up on finding a short script. */
const DIFF_BUDGET = 4_000_000;

/** The hunks that turn `a` into `b`, in order; equal lines between them are matched. */
export function diffLines(a: readonly string[], b: readonly string[]): Hunk[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let aEnd = a.length;
  let bEnd = b.length;
  while (aEnd > start && bEnd > start && a[aEnd - 1] === b[bEnd - 1]) aEnd--, bEnd--;
  if (start === aEnd && start === bEnd) return [];
  if (start === aEnd || start === bEnd) return [{ aStart: start, aEnd, bStart: start, bEnd }];

  // Lines as small integers: comparing numbers in the inner loop, not strings.
  const codes = new Map<string, number>();
  const code = (line: string): number => {
    let c = codes.get(line);
    if (c === undefined) codes.set(line, (c = codes.size));
    return c;
  };
  const x = Int32Array.from(a.slice(start, aEnd), code);
  const y = Int32Array.from(b.slice(start, bEnd), code);
  const matches = myers(x, y);
  if (!matches) return [{ aStart: start, aEnd, bStart: start, bEnd }];

  const hunks: Hunk[] = [];
  let [i, j] = [0, 0];
  for (let m = 0; m <= matches.length; m += 2) {
    const [mi, mj] = m < matches.length ? [matches[m]!, matches[m + 1]!] : [x.length, y.length];
    if (mi > i || mj > j) hunks.push({ aStart: start + i, aEnd: start + mi, bStart: start + j, bEnd: start + mj });
    [i, j] = [mi + 1, mj + 1];
  }
  return hunks;
}

/**
 * Myers' greedy shortest edit script. Returns matched pairs as a flat list [i0, j0, i1, j1, …] in order,
 * or null when the budget runs out. Keeps the diagonals each round reached (O(D²) memory, bounded by the budget) to walk back.
 */
function myers(a: Int32Array, b: Int32Array): number[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let work = 0;
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let xi = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let yi = xi - k;
      const from = xi;
      while (xi < n && yi < m && a[xi] === b[yi]) xi++, yi++;
      work += 1 + xi - from;
      v[offset + k] = xi;
      if (xi >= n && yi >= m) {
        trace.push(window(v, offset, d));
        return walkBack(trace, n, m);
      }
    }
    trace.push(window(v, offset, d));
    if (work > DIFF_BUDGET) return null;
  }
  return null;
}

/** The diagonals round d reached: k = -d, -d+2, …, d, stored at (k + d) / 2. */
function window(v: Int32Array, offset: number, d: number): Int32Array {
  const w = new Int32Array(d + 1);
  for (let i = 0; i <= d; i++) w[i] = v[offset - d + 2 * i]!;
  return w;
}

function walkBack(trace: Int32Array[], n: number, m: number): number[] {
  const pairs: number[] = [];
  let [x, y] = [n, m];
  for (let d = trace.length - 1; d >= 0; d--) {
    const k = x - y;
    let startX = 0;
    let startY = 0;
    if (d > 0) {
      const prev = trace[d - 1]!;
      const at = (kk: number) => prev[(kk + d - 1) / 2]!;
      const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
      const prevK = down ? k + 1 : k - 1;
      const prevX = at(prevK);
      const prevY = prevX - prevK;
      [startX, startY] = down ? [prevX, prevY + 1] : [prevX + 1, prevY];
      for (let sx = x, sy = y; sx > startX && sy > startY; ) pairs.push(--sy, --sx);
      [x, y] = [prevX, prevY];
    } else {
      for (let sx = x, sy = y; sx > 0 && sy > 0; ) pairs.push(--sy, --sx);
    }
  }
  return pairs.reverse();
}

interface SideHunk extends Hunk {
  side: 0 | 1;
}

/** Merges lists of lines: see the rules at the top of this file. */
export function mergeTextLines(base: readonly string[], ours: readonly string[], theirs: readonly string[]): string[] {
  if (sameLines(ours, theirs) || sameLines(theirs, base)) return [...ours];
  if (sameLines(ours, base)) return [...theirs];
  const sides = [ours, theirs] as const;
  const hunks: SideHunk[] = [
    ...diffLines(base, ours).map((h) => ({ ...h, side: 0 as const })),
    ...diffLines(base, theirs).map((h) => ({ ...h, side: 1 as const })),
  ].sort((p, q) => p.aStart - q.aStart || p.aEnd - q.aEnd || p.side - q.side);

  const out: string[] = [];
  const delta = [0, 0]; // how far each side's line numbers run ahead of the base's, before the current group
  let done = 0; // base lines written so far
  for (let g = 0; g < hunks.length; ) {
    const group = [hunks[g++]!];
    let [gs, ge] = [group[0]!.aStart, group[0]!.aEnd];
    while (g < hunks.length && overlaps(group, ge, hunks[g]!)) {
      ge = Math.max(ge, hunks[g]!.aEnd);
      group.push(hunks[g++]!);
    }
    append(out, base, done, gs);
    const regions = ([0, 1] as const).map((side) => {
      const own = group.filter((h) => h.side === side);
      const grow = own.reduce((sum, h) => sum + (h.bEnd - h.bStart) - (h.aEnd - h.aStart), 0);
      const region = sides[side].slice(gs + delta[side]!, ge + delta[side]! + grow);
      delta[side]! += grow;
      return { changed: own.length > 0, region };
    });
    const [o, t] = [regions[0]!, regions[1]!];
    if (!o.changed) append(out, t.region);
    else if (!t.changed || sameLines(o.region, t.region)) append(out, o.region);
    else {
      const [first, second] = compareLines(o.region, t.region) <= 0 ? [o.region, t.region] : [t.region, o.region];
      append(out, first);
      append(out, second);
    }
    done = ge;
  }
  append(out, base, done, base.length);
  return out;
}

/** Appends lines [from, to) one by one: a spread of 100k arguments would overflow the stack. */
function append(out: string[], lines: readonly string[], from = 0, to = lines.length): void {
  for (let i = from; i < to; i++) out.push(lines[i]!);
}

/**
 * Whether a hunk (later in base order) belongs to the group that reaches `ge`: it overlaps a change of the
 * other side (hunks of one side never overlap), or both sides insert at the very same point, where the
 * order of the two insertions would be a guess. Changes that merely touch (one side's change ends where
 * the other's begins, an insertion right before or after lines the other side changed) are independent.
 */
function overlaps(group: readonly SideHunk[], ge: number, h: SideHunk): boolean {
  if (h.aStart < ge) return true;
  if (h.aStart > ge || h.aStart !== h.aEnd) return false;
  return group.some((k) => k.side !== h.side && k.aStart === ge && k.aEnd === ge);
}

function compareLines(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Merges three texts line by line. Line endings and BOM are the base's (else the sides' when they agree,
 * else LF); the result ends without a newline only when both sides did.
 */
export function mergeText({ base, ours, theirs }: TextMergeInput): string {
  if (ours === theirs || theirs === base) return ours;
  if (ours === base) return theirs;
  const [b, o, t] = [splitLines(base), splitLines(ours), splitLines(theirs)];
  const lines = mergeTextLines(b.lines, o.lines, t.lines);
  const shape = textShape(b, o, t, base);
  const text = joinLines(lines, shape);
  const open = (s: string) => s !== "" && !s.endsWith("\n");
  return open(ours) && open(theirs) && lines.length > 0 ? text.slice(0, -shape.eol.length) : text;
}

/** Line endings and BOM: the base's, else the sides' when they agree, else plain LF. */
export function textShape(b: TextShape, o: TextShape, t: TextShape, baseText: string): TextShape {
  if (baseText !== "") return { eol: b.eol, bom: b.bom };
  if (o.eol === t.eol && o.bom === t.bom) return { eol: o.eol, bom: o.bom };
  return { eol: "\n", bom: false };
}
