/**
 * Line numbers in YAML (and JSON) texts through the `yaml` parser's node
 * ranges, for policies (YAML or JSON). JSON-only helpers that need no YAML
 * parser (`parseJson`, `jsonErrorOffset`, `jsonLineLocator`, …) live in
 * `json-lines.ts` and are re-exported here; catalogs import them from there,
 * so reading an MCP catalog never loads `yaml`.
 */
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Node as YamlNode } from "yaml";
import type { JsonPath, LineColumn } from "./json-lines.js";

export {
  jsonErrorOffset,
  jsonErrorReason,
  lineAt,
  parseJson,
  positionAt,
  type JsonPath,
  type LineColumn,
} from "./json-lines.js";

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
  const locate = positionLocator(text);
  return (path, key = false) => locate(path, key)?.line;
}

/** As `lineLocator`, with the column too. */
export function positionLocator(text: string): (path: JsonPath, key?: boolean) => LineColumn | undefined {
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
    if (start === undefined) return undefined;
    const { line, col } = parsed.lineCounter.linePos(start);
    return { line, column: col };
  };
}
