/** What a harvested doc (a post-mortem, an ADR) says about where it came from. Pure. */

/** The entry ids a post-mortem or ADR names in `source:` lines: how a doc records what it was made from. */
export function sourceIds(text: string): string[] {
  return [...text.matchAll(/^source:[ \t]*["']?([^\s"']+)/gm)].map((m) => m[1]!);
}
