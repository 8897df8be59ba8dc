/**
 * Merging many heads of the bank at once, in this process (ADR-017): the bank branch and every writer's
 * ref. Pure: the commit graph and the files' contents come in, the merge bases and merged files go out.
 *
 * The heads are folded in turn, each merged into the result so far against its merge base with all the
 * heads before it: exactly the base git would use for the same sequence of two-way merges, so deletions
 * and harvests are honoured as a merge commit per head would honour them.
 */

export interface GraphCommit {
  oid: string;
  parents: readonly string[];
}

export interface FoldPlan {
  /** The heads to fold, in order: none of them is in another's history. The first is ours when ours is one. */
  heads: string[];
  /** For each head after the first, its merge base with the heads before it (null: unrelated histories). */
  bases: Array<string | null>;
  /**
   * A head has more than one best merge base with the heads before it (a criss-cross: two clones each merged
   * the other's work). Git merges such bases into a virtual one first; one base alone would read a
   * deletion on one side as an addition on the other. The fold leaves this to git.
   */
  crissCross: boolean;
}

/**
 * Plans the fold of `heads` (ours first) from the commits in their histories that `boundary` lacks (git's
 * `rev-list --parents heads --not boundary`), where `boundary` is a common ancestor of them all (null: none
 * is known, and `commits` holds the whole histories). Heads in another head's history drop out.
 */
export function planFold(commits: readonly GraphCommit[], heads: readonly string[], boundary: string | null): FoldPlan {
  const byOid = new Map(commits.map((c) => [c.oid, c]));
  const unique = [...new Set(heads)];
  const bitOf = new Map(unique.map((h, i) => [h, 1n << BigInt(i)]));
  // reach[c]: which heads have c in their history (bit i for head i), over the listed commits.
  const reach = new Map<string, bigint>();
  const order = topoOrder(commits, unique);
  for (const oid of order) {
    const bits = (reach.get(oid) ?? 0n) | (bitOf.get(oid) ?? 0n);
    reach.set(oid, bits);
    for (const p of byOid.get(oid)!.parents) if (byOid.has(p)) reach.set(p, (reach.get(p) ?? 0n) | bits);
  }
  // A head another head reaches (or one the listing lacks: the boundary or older, in every head's history) is already in.
  const independent = unique.filter((h) => byOid.has(h) && (reach.get(h)! & ~bitOf.get(h)!) === 0n);
  const kept = independent.length ? independent : unique.slice(0, 1);
  const bases: Array<string | null> = [];
  let crissCross = false;
  let before = 0n;
  for (let i = 0; i < kept.length; i++) {
    const mine = bitOf.get(kept[i]!)!;
    if (i > 0) {
      // Common ancestors: reached by this head and by one before it. Children come before parents in the
      // order, so the first common one has no common child: a best base. Failing any, the boundary, which
      // every head has.
      const common = (oid: string) => {
        const bits = reach.get(oid) ?? 0n;
        return (bits & mine) !== 0n && (bits & before) !== 0n;
      };
      const best = order.find(common);
      bases.push(best ?? boundary);
      // Another best base: a common commit that is not in the first one's history, or the boundary when
      // the first one does not hold it.
      if (best !== undefined) {
        const inBest = historyOf(best, byOid);
        if (order.some((oid) => common(oid) && !inBest.has(oid)) || (boundary !== null && !inBest.has(boundary))) crissCross = true;
      }
    }
    before |= mine;
  }
  return { heads: kept, bases, crissCross };
}

/** A commit and every listed commit in its history, with the parents named outside the listing. */
function historyOf(oid: string, byOid: ReadonlyMap<string, GraphCommit>): Set<string> {
  const seen = new Set<string>();
  const stack = [oid];
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const p of byOid.get(next)?.parents ?? []) stack.push(p);
  }
  return seen;
}

/** The listed commits, children before parents (each head's history walked from the head down). */
function topoOrder(commits: readonly GraphCommit[], heads: readonly string[]): string[] {
  const byOid = new Map(commits.map((c) => [c.oid, c]));
  const children = new Map<string, number>();
  for (const c of commits) for (const p of c.parents) if (byOid.has(p)) children.set(p, (children.get(p) ?? 0) + 1);
  const ready = commits.filter((c) => !children.get(c.oid)).map((c) => c.oid);
  // Heads first, in the order given, so that ties keep the caller's order.
  ready.sort((a, b) => rank(heads, a) - rank(heads, b));
  const out: string[] = [];
  while (ready.length) {
    const oid = ready.shift()!;
    out.push(oid);
    for (const p of byOid.get(oid)?.parents ?? []) {
      if (!byOid.has(p)) continue;
      const left = children.get(p)! - 1;
      children.set(p, left);
      if (left === 0) ready.push(p);
    }
  }
  return out;
}

const rank = (heads: readonly string[], oid: string): number => {
  const i = heads.indexOf(oid);
  return i === -1 ? heads.length : i;
};

/** A file in one commit: its blob and mode, or absent. */
export interface FileVersion {
  oid: string;
  mode: string;
}

export type Files = ReadonlyMap<string, FileVersion>;

/** How a path both sides changed is merged: the merged text, or null when this file is not merged here. */
export type PathMerger = (path: string, base: string, ours: string, theirs: string) => string | null;

export type FoldResult =
  | { kind: "merged"; files: Map<string, FileVersion | { text: string; mode: string }> }
  /** A change this fold does not decide (a file deleted on one side and changed on the other, a file no driver merges). */
  | { kind: "undecided"; path: string };

/**
 * Folds the heads' files: each head against its base, into the result so far. A side that left a file as
 * the base had it takes the other side's version; a file both changed goes to `merge` with the texts
 * (`text(oid)`; an absent base reads as empty, as git gives a driver for a file added on both sides).
 */
export function foldFiles(heads: readonly Files[], bases: ReadonlyArray<Files | null>, text: (oid: string) => string, merge: PathMerger): FoldResult {
  type Version = FileVersion | { text: string; mode: string } | null;
  const result = new Map<string, Version>([...heads[0]!].map(([p, v]) => [p, v]));
  const same = (a: Version, b: Version): boolean => {
    if (a === null || b === null) return a === b;
    const ta = "oid" in a ? null : a.text;
    const tb = "oid" in b ? null : b.text;
    if (ta === null && tb === null) return (a as FileVersion).oid === (b as FileVersion).oid && a.mode === b.mode;
    return (ta ?? text((a as FileVersion).oid)) === (tb ?? text((b as FileVersion).oid)) && a.mode === b.mode;
  };
  const read = (v: Version): string => (v === null ? "" : "oid" in v ? text(v.oid) : v.text);
  for (let i = 1; i < heads.length; i++) {
    const theirs = heads[i]!;
    const base = bases[i - 1] ?? new Map<string, FileVersion>();
    const paths = new Set([...result.keys(), ...theirs.keys(), ...base.keys()]);
    for (const path of paths) {
      const b = base.get(path) ?? null;
      const o = result.get(path) ?? null;
      const t = theirs.get(path) ?? null;
      if (same(t, b) || same(o, t)) continue;
      if (same(o, b)) {
        if (t === null) result.delete(path);
        else result.set(path, t);
        continue;
      }
      if (o === null || t === null) return { kind: "undecided", path };
      const merged = merge(path, read(b), read(o), read(t));
      if (merged === null) return { kind: "undecided", path };
      result.set(path, { text: merged, mode: o.mode });
    }
  }
  const files = new Map<string, FileVersion | { text: string; mode: string }>();
  for (const [p, v] of result) if (v !== null) files.set(p, v);
  return { kind: "merged", files };
}
