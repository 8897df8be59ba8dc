/**
 * Edits JSON text in place: one member or item added or removed at a time, every other byte kept as the
 * person (or the tool) that wrote the file left it: its indentation, key order, compact arrays, line endings.
 * Reading it back and writing `JSON.stringify` would reformat a settings file someone keeps by hand.
 *
 * The text must already be known valid (`JSON.parse` accepted it); the scanner only records where each
 * value starts and ends. Texts here carry no BOM (the caller strips and restores it).
 */

export type JsonNode = ObjectNode | ArrayNode | ScalarNode;

export interface ObjectNode {
  kind: "object";
  start: number;
  end: number;
  members: Member[];
}

export interface Member {
  key: string;
  /** Where the key's opening quote is. */
  start: number;
  value: JsonNode;
}

export interface ArrayNode {
  kind: "array";
  start: number;
  end: number;
  items: JsonNode[];
}

export interface ScalarNode {
  kind: "scalar";
  start: number;
  end: number;
}

/** A parsed text with what new text written into it should look like. */
export interface JsonDoc {
  text: string;
  root: JsonNode;
  /** The file's line ending (CRLF when it has one). */
  eol: string;
  /** One level of indentation, as the file indents (two spaces when it does not say). */
  unit: string;
  /** The whole value is on one line: new text goes in on that line too. */
  compact: boolean;
}

/** Parses a valid JSON text; throws `SyntaxError` (from `JSON.parse`) for one that is not. */
export function parseJsonDoc(text: string): JsonDoc {
  JSON.parse(text);
  const root = scan(text);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const unit = /\n([ \t]+)\S/.exec(text)?.[1] ?? "  ";
  const compact = !text.slice(root.start, root.end).includes("\n");
  return { text, root, eol, unit, compact };
}

/** The plain value a node holds. */
export const valueOf = (doc: JsonDoc, node: JsonNode): unknown => JSON.parse(doc.text.slice(node.start, node.end));

/** The last member named `key` (the one `JSON.parse` keeps), with its index. */
export function memberOf(obj: ObjectNode, key: string): { member: Member; index: number } | undefined {
  for (let i = obj.members.length - 1; i >= 0; i--) if (obj.members[i]!.key === key) return { member: obj.members[i]!, index: i };
  return undefined;
}

function scan(text: string): JsonNode {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const string = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const scalar = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const value = (): JsonNode => {
    skip();
    const start = i;
    if (text[i] === "{") {
      i++;
      const members: Member[] = [];
      skip();
      if (text[i] === "}") return { kind: "object", start, end: ++i, members };
      for (;;) {
        skip();
        const keyStart = i;
        const key = string();
        skip();
        i++; // :
        members.push({ key, start: keyStart, value: value() });
        skip();
        if (text[i++] === "}") return { kind: "object", start, end: i, members };
      }
    }
    if (text[i] === "[") {
      i++;
      const items: JsonNode[] = [];
      skip();
      if (text[i] === "]") return { kind: "array", start, end: ++i, items };
      for (;;) {
        items.push(value());
        skip();
        if (text[i++] === "]") return { kind: "array", start, end: i, items };
      }
    }
    if (text[i] === '"') {
      string();
      return { kind: "scalar", start, end: i };
    }
    scalar.lastIndex = i;
    scalar.exec(text);
    i = scalar.lastIndex;
    return { kind: "scalar", start, end: i };
  };
  return value();
}

/** The leading white space of the line `pos` is on. */
function lineIndent(text: string, pos: number): string {
  const lineStart = text.lastIndexOf("\n", pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, pos))![0];
}

/** `value` written at an indentation, as the file writes: spread over lines, or on one. */
function render(doc: JsonDoc, value: unknown, indent: string, compact: boolean): string {
  return compact ? JSON.stringify(value) : JSON.stringify(value, null, doc.unit).replace(/\n/g, doc.eol + indent);
}

/** Whether a container's first element starts on a line of its own (else new ones go on its line). */
const spread = (doc: JsonDoc, container: JsonNode, first: JsonNode): boolean => doc.text.slice(container.start, first.start).includes("\n");

/** Inserts `piece(indent, compact)` as the last element of a container. */
function append(doc: JsonDoc, container: ObjectNode | ArrayNode, last: { start: number; end: number } | undefined, first: JsonNode | undefined, piece: (indent: string, compact: boolean) => string): string {
  const { text } = doc;
  if (!last || !first) {
    if (doc.compact) return text.slice(0, container.start + 1) + piece("", true) + text.slice(container.end - 1);
    const outer = lineIndent(text, container.start);
    const inner = outer + doc.unit;
    return text.slice(0, container.start + 1) + doc.eol + inner + piece(inner, false) + doc.eol + outer + text.slice(container.end - 1);
  }
  if (!spread(doc, container, first)) return text.slice(0, last.end) + ", " + piece("", true) + text.slice(last.end);
  const indent = lineIndent(text, last.start);
  return text.slice(0, last.end) + "," + doc.eol + indent + piece(indent, false) + text.slice(last.end);
}

/** Adds `"key": value` as the object's last member. */
export function addMember(doc: JsonDoc, obj: ObjectNode, key: string, value: unknown): string {
  const last = obj.members[obj.members.length - 1];
  const span = last ? { start: last.start, end: last.value.end } : undefined;
  return append(doc, obj, span, obj.members[0]?.value, (indent, compact) => `${JSON.stringify(key)}: ${render(doc, value, indent, compact)}`);
}

/** Adds `value` as the array's last item. */
export function addItem(doc: JsonDoc, arr: ArrayNode, value: unknown): string {
  return append(doc, arr, arr.items[arr.items.length - 1], arr.items[0], (indent, compact) => render(doc, value, indent, compact));
}

/**
 * Removes one element (spans: each element's start and end) with the separator before it (after it, for
 * the first); the only element leaves the container empty (`[]`, `{}`). Undoes `append` byte for byte.
 */
function remove(doc: JsonDoc, container: JsonNode, spans: Array<{ start: number; end: number }>, index: number): string {
  const { text } = doc;
  if (spans.length === 1) return text.slice(0, container.start + 1) + text.slice(container.end - 1);
  if (index > 0) return text.slice(0, spans[index - 1]!.end) + text.slice(spans[index]!.end);
  return text.slice(0, spans[0]!.start) + text.slice(spans[1]!.start);
}

export function removeMember(doc: JsonDoc, obj: ObjectNode, index: number): string {
  return remove(doc, obj, obj.members.map((m) => ({ start: m.start, end: m.value.end })), index);
}

export function removeItem(doc: JsonDoc, arr: ArrayNode, index: number): string {
  return remove(doc, arr, arr.items, index);
}
