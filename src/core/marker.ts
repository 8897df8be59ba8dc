/**
 * The one-line HTML comments that start an entry (`<!-- entry id=… -->`) or a persona's context section
 * (`<!-- context persona=… -->`): `key=value` attributes, a value quoted as JSON when it holds spaces,
 * quotes or `=`. Pure.
 */
import { ParseError } from "./errors.js";

const ATTR = /\s*([A-Za-z][\w-]*)=("(?:[^"\\]|\\.)*"|[^\s"]+)/y;
const REST = /\s*$/y;

/** The attributes of a `<!-- <word> k=v … -->` line; a ParseError naming the file and line when it cannot be read. */
export function readMarker(line: string, word: string, lineNo: number, file: string): Map<string, string> {
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

/** `<!-- <word> k=v … -->`, values quoted where they need it. */
export function writeMarker(word: string, attrs: ReadonlyArray<readonly [string, string]>): string {
  return `<!-- ${word} ${attrs.map(([k, v]) => `${k}=${quoteValue(v)}`).join(" ")} -->`;
}

export function quoteValue(value: string): string {
  if (/^[^\s"=]+$/.test(value) && !value.includes("--")) return value;
  // JSON string, with '>' escaped so that no value can close the HTML comment early.
  return JSON.stringify(value).replace(/>/g, "\\u003e");
}

function unquote(raw: string, lineNo: number, file: string): string {
  if (!raw.startsWith('"')) return raw;
  try {
    return JSON.parse(raw) as string;
  } catch {
    throw new ParseError(file, lineNo, `cannot read the quoted value ${raw.slice(0, 30)}`, 'escape quotes inside it as \\"');
  }
}
