/**
 * The marker reader as it was written with regular expressions, kept to hold the single-pass reader in
 * src/core/marker.ts to the same answers.
 */
import { ParseError } from "../../src/core/errors.js";

const ATTR = /\s*([A-Za-z][\w-]*)=("(?:[^"\\]|\\.)*"|[^\s"]+)/y;
const REST = /\s*$/y;

/** The attributes of a `<!-- <word> k=v … -->` line; a ParseError naming the file and line when it cannot be read. */
export function readMarkerByRegex(line: string, word: string, lineNo: number, file: string): Map<string, string> {
  const close = line.lastIndexOf("-->");
  if (close < 0 || line.slice(close + 3).trim() !== "") {
    throw new ParseError(file, lineNo, `${word} marker does not end with -->`, `keep the marker on one line: <!-- ${word} … -->`);
  }
  const inner = line.slice(line.indexOf(word) + word.length, close);
  const attrs = new Map<string, string>();
  let pos = 0;
  for (;;) {
    REST.lastIndex = pos;
    if (REST.test(inner)) break;
    ATTR.lastIndex = pos;
    const m = ATTR.exec(inner);
    if (!m) {
      const near = inner.slice(pos).trim().slice(0, 30);
      throw new ParseError(file, lineNo, `cannot read the ${word} marker near "${near}"`, 'write attributes as key=value or key="value with spaces"');
    }
    attrs.set(m[1]!, unquote(m[2]!, lineNo, file));
    pos = ATTR.lastIndex;
  }
  return attrs;
}

function unquote(raw: string, lineNo: number, file: string): string {
  if (!raw.startsWith('"')) return raw;
  try {
    return JSON.parse(raw) as string;
  } catch {
    throw new ParseError(file, lineNo, `cannot read the quoted value ${raw.slice(0, 30)}`, 'escape quotes inside it as \\"');
  }
}
