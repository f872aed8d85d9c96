/**
 * JSON texts with line numbers, without a YAML parser: MCP catalogs are
 * JSON, and loading `yaml` (about 260 KB of code) for line numbers would
 * cost every `check` with a JSON catalog. `JSON.parse` does the parsing
 * (exact JSON semantics, fast); a small scanner finds the line of a syntax
 * error (V8's messages do not always carry a position); and one scan of an
 * accepted text records the offset of every value and object key by path
 * (`jsonLineLocator`), so lookups are a map access and a binary search over
 * line starts. A duplicated key resolves to its last occurrence, the one
 * `JSON.parse` keeps.
 */
import { CatalogError } from "./catalog-error.js";

/** A path into a JSON value: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/** A 1-based line and column (UTF-16 code units). */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/** Parses `text` as JSON, or throws a `CatalogError` naming `file` and the line and column of the first syntax error. */
export function parseJson(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const offset = jsonErrorOffset(text);
    const at = offset === undefined ? undefined : positionAt(text, offset);
    throw CatalogError.single(
      `${what} is not valid JSON: ${jsonErrorReason(err)}`,
      file,
      at?.line,
      undefined,
      at?.column,
    );
  }
}

/** `JSON.parse`'s complaint without V8's position and quoted text (the line is reported on its own). */
export function jsonErrorReason(err: unknown): string {
  return (err as Error).message.replace(/ in JSON at position \d+.*$/s, "").replace(/, ".*" is not valid JSON$/s, "");
}

/** 1-based line of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  return positionAt(text, offset).line;
}

/** 1-based line and column of `offset` in `text`. */
export function positionAt(text: string, offset: number): LineColumn {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Offsets of one value: where it starts, and where its key starts (members of objects). */
interface Spot {
  readonly value: number;
  readonly key: number | undefined;
}

/** Path steps, each an object key or an array index as a string, each after a NUL (the root is ""). */
function pathKey(path: JsonPath): string {
  let key = "";
  for (const step of path) key += `\u0000${String(step)}`;
  return key;
}

/** Every value's offsets in `text`, by `pathKey`. */
function scan(text: string): Map<string, Spot> {
  const spots = new Map<string, Spot>();
  let i = 0;
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else return;
    }
  };
  const skipString = (): void => {
    i++; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 92) i += 2;
      else if (c === 34) {
        i++;
        return;
      } else i++;
    }
  };
  const value = (path: string, key: number | undefined): void => {
    ws();
    spots.set(path, { value: i, key });
    const c = text[i];
    const prefix = `${path}\u0000`;
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      while (i < text.length) {
        ws();
        const keyStart = i;
        skipString();
        const name = JSON.parse(text.slice(keyStart, i)) as string;
        ws();
        i++; // ':'
        value(prefix + name, keyStart);
        ws();
        if (text[i++] !== ",") return; // '}'
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (let index = 0; i < text.length; index++) {
        value(prefix + String(index), undefined);
        ws();
        if (text[i++] !== ",") return; // ']'
      }
    } else if (c === '"') {
      skipString();
    } else {
      while (i < text.length && !",]} \t\r\n".includes(text[i] ?? "")) i++;
    }
  };
  value("", undefined);
  return spots;
}

/** Offsets where lines start. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of `offset`, by binary search over `starts`. */
function lineColumnOf(starts: readonly number[], offset: number): LineColumn {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

/**
 * Finds lines of paths in the JSON `text` (which `JSON.parse` accepts),
 * scanning it once, on the first lookup. A lookup gives the line of the
 * value at `path`, or of its key when `key` is set; the nearest enclosing
 * value's line when the path stops early; undefined when the text is not JSON.
 */
export function jsonLineLocator(text: string): (path: JsonPath, key?: boolean) => number | undefined {
  const locate = jsonPositionLocator(text);
  return (path, key = false) => locate(path, key)?.line;
}

/** As `jsonLineLocator`, with the column too. */
export function jsonPositionLocator(text: string): (path: JsonPath, key?: boolean) => LineColumn | undefined {
  let index: { spots: Map<string, Spot>; starts: number[] } | undefined;
  let broken = false;
  return (path, key = false) => {
    if (broken) return undefined;
    if (index === undefined) {
      try {
        index = { spots: scan(text), starts: lineStarts(text) };
      } catch {
        broken = true;
        return undefined;
      }
    }
    for (let n = path.length; n >= 0; n--) {
      const spot = index.spots.get(pathKey(path.slice(0, n)));
      if (spot === undefined) continue;
      const offset = key && spot.key !== undefined ? spot.key : spot.value;
      return lineColumnOf(index.starts, offset);
    }
    return undefined;
  };
}

/** The line of the value at `path` in the JSON `text` (see `jsonLineLocator`); scans the text on every call. */
export function jsonLineOfPath(text: string, path: JsonPath, key = false): number | undefined {
  return jsonLineLocator(text)(path, key);
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
