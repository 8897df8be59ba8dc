/**
 * The markdown parser (mdast-util-from-markdown, the remark parser), loaded only by the command that reads
 * markdown people wrote (`migrate`): ~30 ms of import no other command should pay. What it hands back is
 * the outline of a document: its top-level blocks and the lines they span, so that a heading inside a code
 * fence, a list or a table is never taken for a section. See ADR-009.
 */

import type { OutlineBlock } from "../core/sections.js";

export type Outliner = (text: string) => OutlineBlock[];

let loaded: Outliner | undefined;

/** The parser, imported on first use. The text must be free of a BOM (line numbers are the text's own). */
export async function loadOutliner(): Promise<Outliner> {
  if (loaded) return loaded;
  const { fromMarkdown } = await import("mdast-util-from-markdown");
  loaded = (text) =>
    fromMarkdown(text).children.flatMap((node): OutlineBlock[] => {
      const { position } = node;
      if (!position) return [];
      const block: OutlineBlock = { type: node.type, start: position.start.line, end: position.end.line };
      if (node.type === "heading") block.depth = node.depth;
      return [block];
    });
  return loaded;
}
