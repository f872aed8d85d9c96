/**
 * JSON read with line numbers for errors: `JSON.parse` does the parsing (exact
 * JSON semantics, fast); only when something is wrong do we go back to the
 * text, with a small scanner for the line of a syntax error (V8's messages
 * do not always carry a position) and with the `yaml` parser's node ranges
 * for the line of a value at a path (JSON is YAML 1.2).
 */
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Node as YamlNode } from "yaml";
import { UsageError } from "../errors.js";

/** A path into a JSON value: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/** Parses `text` as JSON, or throws a `UsageError` naming `file` and the line of the first syntax error. */
export function parseJson(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const offset = jsonErrorOffset(text);
    const reason = (err as Error).message
      .replace(/ in JSON at position \d+.*$/s, "")
      .replace(/, ".*" is not valid JSON$/s, "");
    throw new UsageError(
      `${what} is not valid JSON: ${reason}`,
      file,
      offset === undefined ? undefined : lineAt(text, offset),
    );
  }
}

/** 1-based line of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The line of the value at `path` in the JSON (or YAML) `text`, or of its key
 * when `key` is set; the nearest enclosing node's line when the path stops
 * early; undefined when nothing can be found. Parses `text` on every call:
 * for many lookups in one text use `lineLocator`.
 */
export function lineOfPath(text: string, path: JsonPath, key = false): number | undefined {
  return lineLocator(text)(path, key);
}

/** Finds lines of paths in one text, parsing it (with node ranges) once, on the first lookup. */
export function lineLocator(text: string): (path: JsonPath, key?: boolean) => number | undefined {
  let parsed: { doc: ReturnType<typeof parseDocument>; lineCounter: LineCounter } | undefined;
  return (path, key = false) => {
    if (parsed === undefined) {
      const lineCounter = new LineCounter();
      parsed = { doc: parseDocument(text, { lineCounter, keepSourceTokens: false, uniqueKeys: false }), lineCounter };
    }
    let node: unknown = parsed.doc.contents;
    let keyNode: unknown;
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
        if (pair === undefined) break;
        keyNode = pair.key;
        node = pair.value;
      } else if (node !== null && typeof node === "object" && "items" in node && Array.isArray(node.items)) {
        const item: unknown = typeof step === "number" ? node.items[step] : undefined;
        if (item === undefined) break;
        keyNode = undefined;
        node = item;
      } else {
        break;
      }
    }
    const target = (key && keyNode !== undefined ? keyNode : node) as YamlNode | null | undefined;
    const start = target?.range?.[0];
    return start === undefined ? undefined : parsed.lineCounter.linePos(start).line;
  };
}

/** Offset of the first JSON syntax error in `text`, by a minimal recursive-descent scanner. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && " \t\n\r".includes(text[i] ?? "")) i++;
  };
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const str = (): void => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      if (text[i] === "\\") {
        i++;
        const e = text[i] ?? "";
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(e) || e === "") fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        str();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') {
      str();
    } else {
      const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
      if (m === null) fail();
      else i += m[0].length;
    }
  };
  try {
    value();
    ws();
    return i < text.length ? i : undefined;
  } catch (err) {
    if (err instanceof SyntaxAt) return err.offset;
    throw err;
  }
}

/** Where the scanner stopped. */
class SyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}
