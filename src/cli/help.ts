/** Help text shared by command declarations. */

/** An `Example(s):` section for `addHelpText("after", …)`. */
export const example = (...lines: string[]): string => `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
