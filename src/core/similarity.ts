/**
 * How alike two entries read, for `consolidate`. Pure: texts in, numbers and groups out.
 *
 * A text is normalized (Unicode NFKC, lower case, CRLF read as LF, HTML comments, link targets and the
 * lines that open or close a code fence dropped, so markdown punctuation never counts) and cut into words:
 * runs of letters, digits and marks, and each CJK character on its own (those scripts do not space their
 * words). Two texts are compared by the Jaccard index of their word 3-shingles (every three words in a row),
 * so the same sentences in a different order still share most shingles while the same words in other
 * sentences do not. A text of fewer than SHORT_TEXT words has too few shingles to say anything: a pair with
 * one is compared by its sets of words instead.
 */

/** Words in a shingle. */
export const SHINGLE_SIZE = 3;
/** Texts with fewer words than this are compared word by word. */
export const SHORT_TEXT = 8;

const FENCE_LINE = /^\s{0,3}(?:`{3,}|~{3,})[^\n]*$/gm;
const COMMENT = /<!--[\s\S]*?-->/g;
const LINK_TARGET = /\]\([^)\s]*(?:\s+"[^"]*")?\)/g;
const CJK = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}";
const WORD = new RegExp(`[${CJK}]|(?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}])+`, "gu");

/** The words of a text, normalized: what similarity is measured on. */
export function words(text: string): string[] {
  const plain = text
    .normalize("NFKC")
    .replace(/\r\n?/g, "\n")
    .replace(COMMENT, " ")
    .replace(FENCE_LINE, " ")
    .replace(LINK_TARGET, "] ")
    .toLowerCase();
  return plain.match(WORD) ?? [];
}

/** Every `size` words in a row, joined by a space; the words themselves for a text shorter than that. */
export function shingles(list: readonly string[], size = SHINGLE_SIZE): Set<string> {
  if (list.length < size) return new Set(list);
  const out = new Set<string>();
  for (let i = 0; i + size <= list.length; i++) out.add(list.slice(i, i + size).join(" "));
  return out;
}

/** |a ∩ b| / |a ∪ b|; 0 when both are empty (nothing to go by is not a likeness). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const x of small) if (large.has(x)) common++;
  return common / (a.size + b.size - common);
}

/** How alike two texts read, from 0 to 1 (see the top of this file). */
export function similarity(a: string, b: string): number {
  return compare(features(a), features(b));
}

interface Features {
  words: Set<string>;
  shingles: Set<string>;
  short: boolean;
}

function features(text: string): Features {
  const list = words(text);
  return { words: new Set(list), shingles: shingles(list), short: list.length < SHORT_TEXT };
}

const compare = (a: Features, b: Features): number => (a.short || b.short ? jaccard(a.words, b.words) : jaccard(a.shingles, b.shingles));

/** What an entry brings to the comparison; `supersedes` names entries already replaced, which are skipped. */
export interface Comparable {
  id: string;
  type: string;
  /** ISO time it was written ("" when unknown). */
  at: string;
  title: string;
  body: string;
  /** The buffer holding it: only entries of one buffer and one type are grouped. */
  buffer?: string | undefined;
  supersedes?: readonly string[] | undefined;
}

export interface NearDuplicateGroup<T extends Comparable> {
  buffer: string;
  type: string;
  /** Two or more entries, oldest first (by time, then id). */
  entries: T[];
  /** The pairs found alike enough, each with its similarity: what joined the group. */
  links: Array<{ a: string; b: string; similarity: number }>;
}

export interface GroupOptions {
  /** Ids to leave out besides those the entries themselves supersede (superseded by a doc or an archived entry). */
  superseded?: ReadonlySet<string>;
}

/**
 * The entries that read alike, in groups: two entries of one buffer and one type whose similarity is at
 * least `threshold` are in one group, and so is every entry alike to one in it (the groups are the
 * connected parts of the "alike" graph). Entries another entry (of these, or in `superseded`) already
 * replaces are left out. Groups come oldest first by their oldest entry; the same input gives the same
 * groups whatever its order.
 */
export function nearDuplicateGroups<T extends Comparable>(entries: readonly T[], threshold: number, options: GroupOptions = {}): Array<NearDuplicateGroup<T>> {
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`threshold must be above 0 and at most 1, not ${threshold}`);
  const replaced = new Set(options.superseded ?? []);
  for (const e of entries) for (const id of e.supersedes ?? []) if (id !== e.id) replaced.add(id);
  const buckets = new Map<string, T[]>();
  for (const e of [...entries].sort(byTimeThenId)) {
    if (replaced.has(e.id)) continue;
    const key = JSON.stringify([e.buffer ?? "", e.type]);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(e);
    else buckets.set(key, [e]);
  }
  const groups: Array<NearDuplicateGroup<T>> = [];
  for (const bucket of buckets.values()) {
    if (bucket.length < 2) continue;
    const feats = bucket.map((e) => features(`${e.title}\n${e.body}`));
    const pairs = new Map<string, { i: number; j: number; similarity: number }>();
    const keep = (i: number, j: number, s: number) => {
      const [x, y] = i < j ? [i, j] : [j, i];
      pairs.set(`${x} ${y}`, { i: x, j: y, similarity: s });
    };
    // Long with long, by shingles; any pair with a short text, by words (as `similarity` does).
    const long = feats.map((f, i) => (f.short ? -1 : i)).filter((i) => i >= 0);
    for (const [a, b, s] of similarPairs(long.map((i) => feats[i]!.shingles), threshold)) keep(long[a]!, long[b]!, s);
    if (feats.some((f) => f.short)) {
      for (const [a, b, s] of similarPairs(feats.map((f) => f.words), threshold)) if (feats[a]!.short || feats[b]!.short) keep(a, b, s);
    }
    const parent = bucket.map((_, i) => i);
    const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
    for (const { i, j } of pairs.values()) {
      const [ri, rj] = [root(i), root(j)];
      if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
    }
    const members = new Map<number, number[]>();
    bucket.forEach((_, i) => {
      const list = members.get(root(i));
      if (list) list.push(i);
      else members.set(root(i), [i]);
    });
    for (const [r, list] of members) {
      if (list.length < 2) continue;
      const links = [...pairs.values()]
        .filter((p) => root(p.i) === r)
        .sort((p, q) => p.i - q.i || p.j - q.j)
        .map((p) => ({ a: bucket[p.i]!.id, b: bucket[p.j]!.id, similarity: p.similarity }));
      const first = bucket[list[0]!]!;
      groups.push({ buffer: first.buffer ?? "", type: first.type, entries: list.map((i) => bucket[i]!), links });
    }
  }
  return groups.sort((a, b) => byTimeThenId(a.entries[0]!, b.entries[0]!));
}

function byTimeThenId(a: Pick<Comparable, "at" | "id">, b: Pick<Comparable, "at" | "id">): number {
  const [ta, tb] = [Date.parse(a.at), Date.parse(b.at)].map((t) => (Number.isNaN(t) ? 0 : t));
  return ta! - tb! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Floating error in `threshold × size` must not round a bound up past the true one. */
const EPSILON = 1e-9;

/**
 * Every pair of sets whose Jaccard index is at least `threshold`, as `[i, j, similarity]` with i < j:
 * exactly the pairs a comparison of all of them would give, without comparing all of them. Two filters
 * from the all-pairs similarity join literature (Bayardo et al., "Scaling up all pairs similarity
 * search"; Xiao et al., PPJoin) skip pairs that cannot reach the threshold:
 * - size: J(x, y) ≤ |x| / |y| for |x| ≤ |y|, so a set is never compared with one over |x| / t;
 * - prefix: with the tokens of every set in one global order (rarest first), two sets with J ≥ t share a
 *   token among the first |x| − ⌈t·|x|⌉ + 1 of each; only sets that do are compared.
 */
export function similarPairs(sets: ReadonlyArray<ReadonlySet<string>>, threshold: number): Array<[number, number, number]> {
  const frequency = new Map<string, number>();
  for (const s of sets) for (const t of s) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  const rarestFirst = (a: string, b: string) => frequency.get(a)! - frequency.get(b)! || (a < b ? -1 : a > b ? 1 : 0);
  const order = sets.map((s, i) => ({ i, tokens: [...s].sort(rarestFirst) })).filter((x) => x.tokens.length > 0);
  order.sort((a, b) => a.tokens.length - b.tokens.length || a.i - b.i);
  const index = new Map<string, number[]>();
  const out: Array<[number, number, number]> = [];
  for (const { i, tokens } of order) {
    const size = tokens.length;
    const prefix = size - Math.ceil(threshold * size - EPSILON) + 1;
    const seen = new Set<number>();
    for (const t of tokens.slice(0, prefix)) {
      for (const j of index.get(t) ?? []) {
        if (seen.has(j)) continue;
        seen.add(j);
        // Sets come smallest first: j is no larger than i, and too small when |j| < t·|i|.
        if (sets[j]!.size < threshold * size - EPSILON) continue;
        const s = jaccard(sets[i]!, sets[j]!);
        if (s >= threshold - EPSILON) out.push(i < j ? [i, j, s] : [j, i, s]);
      }
      const list = index.get(t);
      if (list) list.push(i);
      else index.set(t, [i]);
    }
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}
