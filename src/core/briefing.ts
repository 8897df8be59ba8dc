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
  // Room kept for the closing line, whatever it will say (a long one names every section's way in).
  const footerRoom = estimateTokens(footerText(sections.map((s) => ({ section: s, leftOut: 1 }))));
  let used = estimateTokens(`${heading}\n`);
  const packed: PackedSection[] = [];
  const parts: string[] = [heading];
  for (const section of sections) {
    const out: PackedSection = { title: section.title, items: [], leftOut: 0 };
    const title = `\n## ${section.title}\n`;
    for (const item of section.items) {
      const text = `${out.items.length === 0 ? title : ""}\n${item.text.trim()}\n`;
      const tokens = estimateTokens(text);
      if (used + tokens + footerRoom <= target) {
        used += tokens;
        out.items.push({ ...item, tokens: estimateTokens(item.text) });
        parts.push(text);
      } else out.leftOut++;
    }
    packed.push(out);
  }
  const footer = footerText(packed.map((p, i) => ({ section: sections[i]!, leftOut: p.leftOut })));
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
  const said = left.map((c) => `${c.leftOut} ${c.section.noun}${c.leftOut === 1 ? "" : "s"} of "${c.section.title}" (${c.section.more})`);
  return `Left out to stay within the budget: ${said.join("; ")}.`;
}

/** The smallest budget a briefing of these sections fits in (its heading and the longest closing line). */
export function minimumBudget(heading: string, sections: readonly BriefSection[]): number {
  const fixed = estimateTokens(`${heading}\n`) + estimateTokens(`\n---\n${footerText(sections.map((s) => ({ section: s, leftOut: 1 })))}\n`);
  return Math.ceil(fixed / FILL) + 1;
}
