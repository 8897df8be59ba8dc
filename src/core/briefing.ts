/**
 * A briefing for an agent within a token budget, pure. Sections come in order of relevance; each holds
 * whole items (a handoff, a context section, an entry), taken in order while they fit. The briefing fills
 * to 90% of the budget and never past it by the estimate, and ends with one line that says what was left
 * out and how to get it.
 */

/** Tokens of a text, estimated: ceil(characters / 3), on the safe side for Claude's tokenizer on bank text. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 3);

export interface BriefItem {
  /** An id or other key, for --json. */
  key: string;
  /** The item's markdown, whole. */
  text: string;
}

export interface BriefSection {
  title: string;
  items: BriefItem[];
  /** How to get what this section leaves out (`memory recall "…"`), for the closing line. */
  more: string;
  /** What one left-out item is called (`entry`, `handoff`), for the closing line. */
  noun: string;
}

export interface PackedSection {
  title: string;
  items: Array<BriefItem & { tokens: number }>;
  leftOut: number;
}

export interface Briefing {
  text: string;
  /** The whole briefing's estimate, footer included. */
  estimate: number;
  budget: number;
  sections: PackedSection[];
  /** The closing line ("Left out: …" or "Nothing left out."). */
  footer: string;
  leftOut: number;
}

/** Share of the budget a briefing fills to, at most. */
export const FILL = 0.9;

export function packBriefing(heading: string, sections: readonly BriefSection[], budget: number): Briefing {
  const target = Math.floor(budget * FILL);
  const titleOf = (s: BriefSection) => `\n## ${s.title}\n`;
  const itemText = (item: BriefItem) => `\n${item.text.trim()}\n`;
  const taken = sections.map((s) => s.items.map(() => false));
  const counts = sections.map(() => 0);
  let used = estimateTokens(`${heading}\n`);
  /** What taking item j of section i adds: the item, and the section's title if it is its first. */
  const adds = (i: number, j: number): number => estimateTokens(itemText(sections[i]!.items[j]!)) + (counts[i] === 0 ? estimateTokens(titleOf(sections[i]!)) : 0);
  const footerNow = () => footerText(sections.map((s, i) => ({ section: s, leftOut: s.items.length - counts[i]! })));
  // First pass: room kept for the longest closing line these sections could need; second pass: the slack
  // the real closing line leaves is filled with what still fits, in the same order.
  const worst = estimateTokens(`\n---\n${footerText(sections.filter((s) => s.items.length > 0).map((s) => ({ section: s, leftOut: 1 })))}\n`);
  for (const pass of [0, 1]) {
    sections.forEach((s, i) => {
      for (let j = 0; j < s.items.length; j++) {
        if (taken[i]![j]) continue;
        const add = adds(i, j);
        // In the second pass the closing line is what it would be with this item in (it can only get shorter).
        counts[i]!++;
        const footer = pass === 0 ? worst : estimateTokens(`\n---\n${footerNow()}\n`);
        counts[i]!--;
        if (used + add + footer > target) continue;
        taken[i]![j] = true;
        used += add;
        counts[i]!++;
      }
    });
  }
  const footer = footerNow();
  const parts: string[] = [heading];
  const packed: PackedSection[] = sections.map((s, i) => {
    const items = s.items.filter((_, j) => taken[i]![j]);
    if (items.length) parts.push(titleOf(s), ...items.map(itemText));
    return { title: s.title, items: items.map((item) => ({ ...item, tokens: estimateTokens(item.text) })), leftOut: s.items.length - items.length };
  });
  parts.push(`\n---\n${footer}\n`);
  const text = parts.join("");
  return {
    text,
    estimate: estimateTokens(text),
    budget,
    sections: packed.filter((p) => p.items.length > 0 || p.leftOut > 0),
    footer,
    leftOut: packed.reduce((n, p) => n + p.leftOut, 0),
  };
}

function footerText(counts: Array<{ section: BriefSection; leftOut: number }>): string {
  const left = counts.filter((c) => c.leftOut > 0);
  if (left.length === 0) return "Nothing left out.";
  const plural = (noun: string) => (noun.endsWith("y") ? `${noun.slice(0, -1)}ies` : `${noun}s`);
  const said = left.map((c) => `${c.leftOut} ${c.leftOut === 1 ? c.section.noun : plural(c.section.noun)} of "${c.section.title}" (${c.section.more})`);
  return `Left out to stay within the budget: ${said.join("; ")}.`;
}

/** The smallest budget a briefing of these sections fits in (its heading and the longest closing line). */
export function minimumBudget(heading: string, sections: readonly BriefSection[]): number {
  const fixed = estimateTokens(`${heading}\n`) + estimateTokens(`\n---\n${footerText(sections.map((s) => ({ section: s, leftOut: 1 })))}\n`);
  return Math.ceil(fixed / FILL) + 1;
}
