/**
 * The one-line HTML comments that start an entry (`<!-- entry id=… -->`) or a persona's context section
 * (`<!-- context persona=… -->`): `key=value` attributes, a value quoted as JSON when it holds spaces,
 * quotes or `=`. Pure.
 */
import { ParseError } from "./errors.js";
import { isSpaceCode } from "./text.js";

/** The attributes of a `<!-- <word> k=v … -->` line; a ParseError naming the file and line when it cannot be read. */
export function readMarker(line: string, word: string, lineNo: number, file: string): Map<string, string> {
  const close = line.lastIndexOf("-->");
  if (close < 0 || line.slice(close + 3).trim() !== "") {
    throw new ParseError(file, lineNo, `${word} marker does not end with -->`, `keep the marker on one line: <!-- ${word} … -->`);
  }
  // One pass over `key=value` pairs (a marker is read for every entry of every buffer a command reads).
  const inner = line.slice(line.indexOf(word) + word.length, close);
  const attrs = new Map<string, string>();
  const end = inner.length;
  let pos = 0;
  for (;;) {
    const start = pos;
    while (pos < end && isSpaceCode(inner.charCodeAt(pos))) pos++;
    if (pos === end) break;
    const keyStart = pos;
    let c = inner.charCodeAt(pos);
    let ok = isLetter(c);
    if (ok) {
      pos++;
      while (pos < end && isKeyChar(inner.charCodeAt(pos))) pos++;
      ok = pos < end && inner.charCodeAt(pos) === 61; // '='
    }
    let value = "";
    if (ok) {
      const key = inner.slice(keyStart, pos);
      pos++;
      c = pos < end ? inner.charCodeAt(pos) : -1;
      if (c === 34) {
        // A quoted value: to the next quote that no backslash escapes.
        let q = pos + 1;
        while (q < end && inner.charCodeAt(q) !== 34) q += inner.charCodeAt(q) === 92 ? 2 : 1;
        ok = q < end;
        if (ok) {
          value = unquote(inner.slice(pos, q + 1), lineNo, file);
          pos = q + 1;
        }
      } else {
        const valueStart = pos;
        while (pos < end && !isSpaceCode(inner.charCodeAt(pos)) && inner.charCodeAt(pos) !== 34) pos++;
        ok = pos > valueStart;
        if (ok) value = inner.slice(valueStart, pos);
      }
      if (ok) attrs.set(key, value);
    }
    if (!ok) {
      const near = inner.slice(start).trim().slice(0, 30);
      throw new ParseError(file, lineNo, `cannot read the ${word} marker near "${near}"`, 'write attributes as key=value or key="value with spaces"');
    }
  }
  return attrs;
}


const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** `[\w-]`: letters, digits, `_` and `-`. */
const isKeyChar = (c: number): boolean => isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 45;

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
