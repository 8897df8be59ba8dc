/**
 * Line-level helpers shared by every bank file format: how a file's bytes become lines and back.
 * Files are handled as LF text inside the tool; the BOM and line ending seen on read are restored on write.
 */

export interface TextShape {
  bom: boolean;
  eol: "\n" | "\r\n";
}

export interface SplitText extends TextShape {
  lines: string[];
}

/** Splits a file into lines; a final newline does not create an empty last line. */
export function splitLines(source: string): SplitText {
  const bom = source.charCodeAt(0) === 0xfeff;
  const body = bom ? source.slice(1) : source;
  const firstBreak = body.indexOf("\n");
  const eol = firstBreak > 0 && body[firstBreak - 1] === "\r" ? "\r\n" : "\n";
  if (body === "") return { bom, eol, lines: [] };
  const lines = body.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return { bom, eol, lines };
}

/** Joins lines back into a file that ends with a newline (an empty list is an empty file). */
export function joinLines(lines: readonly string[], shape: TextShape): string {
  if (lines.length === 0) return shape.bom ? "\uFEFF" : "";
  return (shape.bom ? "\uFEFF" : "") + lines.join(shape.eol) + shape.eol;
}

export const isBlank = (line: string): boolean => line.trim() === "";

/** A character code `trim()` and `\s` take for white space (line terminators included). */
export function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Drops blank lines at the end of a list (returns a new array). */
export function trimTrailingBlank(lines: readonly string[]): string[] {
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1]!)) end--;
  return lines.slice(0, end);
}

/** Drops blank lines at the start of a list (returns a new array). */
export function trimLeadingBlank(lines: readonly string[]): string[] {
  let start = 0;
  while (start < lines.length && isBlank(lines[start]!)) start++;
  return lines.slice(start);
}

/**
 * Tracks CommonMark fenced code blocks line by line, so that `##` lines and entry markers
 * quoted inside a fence are never taken for structure.
 */
export class FenceTracker {
  private char = "";
  private length = 0;

  get open(): boolean {
    return this.length > 0;
  }

  /** Feeds one line; returns true when the line is inside a fence or is a fence line itself. */
  feed(line: string): boolean {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (this.length > 0) {
      if (m && m[1]![0] === this.char && m[1]!.length >= this.length && m[2]!.trim() === "") {
        this.length = 0;
      }
      return true;
    }
    if (m) {
      const fence = m[1]!;
      // A backtick fence's info string may not contain a backtick (then it is inline code, not a fence).
      if (fence[0] === "`" && m[2]!.includes("`")) return false;
      this.char = fence[0]!;
      this.length = fence.length;
      return true;
    }
    return false;
  }

  /** The line that closes the currently open fence. */
  closer(): string {
    return this.char.repeat(this.length);
  }
}

const MARKER = /^(?:<{7}|>{7})(?: |$)/;

/**
 * The 1-based line of the first git conflict marker (`<<<<<<< …` or `>>>>>>> …`), or 0 when there is none.
 * A lone closing marker counts too: it is what a half-resolved conflict leaves behind. (Bodies written by
 * `memory add` indent such lines, so they never read as markers.)
 */
export function conflictMarkerLine(lines: readonly string[]): number {
  const i = lines.findIndex((l) => MARKER.test(l));
  return i + 1;
}

/** Whether two lists of lines are the same, line for line. */
export function sameLines(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
