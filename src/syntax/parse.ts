/**
 * `parse`: source text to AST and diagnostics, never throwing.
 *
 * Lexing (one shared regex lexer), the layout pass (line structure, keywords,
 * strings, forbidden constructs) and the embedded-actions parser (one shared
 * instance) run in sequence; then nodes are numbered 0..n-1 in source order
 * (pre-order, children in source order) with an explicit stack, so deep
 * trees cannot overflow it. `decodeSource` turns bytes into text and reports
 * invalid UTF-8; `parseBytes` does both.
 */
import { diagnostic, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Module, Node, Stmt } from "./ast.js";
import { HELP_SEPARATOR, PARSER } from "./grammar.js";
import { layout, reportLexErrors } from "./layout.js";
import { syntaxError } from "./messages.js";
import { PositionFinder } from "./positions.js";
import { LineMap } from "./span.js";
import { LEXER } from "./tokens.js";
import { forEachChild } from "./visit.js";

/** What `parse` returns: the module (partial when there are errors), its diagnostics, and the line map. */
export interface ParseResult {
  readonly module: Module;
  /** `syntax` and `forbidden-construct` diagnostics, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly lineMap: LineMap;
}

let parsing = false;

/**
 * Parses a composition. Never throws: every problem in the text is a
 * diagnostic, and a failure of the parser itself becomes an `internal` one.
 */
export function parse(source: string, file = "<input>"): ParseResult {
  const lineMap = new LineMap(source);
  const pos = new PositionFinder(file, lineMap.lineStartOffsets(), source.length);
  const diagnostics: Diagnostic[] = [];
  let body: Stmt[] = [];
  if (parsing) {
    // Only reachable if a caller re-enters `parse` from inside a parse (it never does itself).
    diagnostics.push(
      diagnostic("internal", { message: "`parse` was called while another parse was running", span: pos.span(0, 0) }),
    );
  } else {
    parsing = true;
    try {
      const lexed = LEXER.tokenize(source);
      reportLexErrors(source, lexed.errors, 0, pos, diagnostics);
      const lexCount = diagnostics.length;
      const tokens = layout(source, lexed.tokens, pos, diagnostics);
      const layoutCount = diagnostics.length;
      body = PARSER.parseTokens(tokens, pos, diagnostics, source.length);
      addParserErrors(PARSER.errors, diagnostics, lexCount, layoutCount, pos, source.length);
    } catch (e) {
      diagnostics.push(
        diagnostic("internal", {
          message: `the parser failed: ${e instanceof Error ? e.message : String(e)}`,
          span: pos.span(0, 0),
          help: "please report this with the input that caused it",
        }),
      );
      body = [];
    } finally {
      PARSER.release();
      parsing = false;
    }
  }
  const module: Module = {
    kind: "Module",
    id: -1,
    span: pos.span(0, source.length),
    file,
    body,
    nodeCount: 0,
  };
  const count = numberNodes(module);
  (module as { nodeCount: number }).nodeCount = count;
  return { module, diagnostics: sortDiagnostics(diagnostics), lineMap };
}

interface ParserError {
  readonly message: string;
  readonly token: { readonly startOffset: number; readonly endOffset?: number | undefined };
  readonly previousToken?: { readonly startOffset: number; readonly endOffset?: number | undefined };
}

/**
 * Adds chevrotain's errors as diagnostics: one per position, none where the
 * layout pass already reported, none on a line with a character the lexer
 * dropped, none after a bracket that is never closed (everything after it
 * is one broken line).
 */
function addParserErrors(
  errors: readonly ParserError[],
  diagnostics: Diagnostic[],
  lexCount: number,
  layoutCount: number,
  pos: PositionFinder,
  textEnd: number,
): void {
  const seen = new Set<number>();
  const lexLines = new Set<number>();
  let cutoff = Infinity;
  for (let i = 0; i < layoutCount; i++) {
    const d = diagnostics[i]!;
    seen.add(d.span.start.offset);
    if (i < lexCount) lexLines.add(d.span.start.line);
    if (d.message.endsWith("is never closed") && d.rule === "syntax") cutoff = Math.min(cutoff, d.span.start.offset);
  }
  for (const e of errors) {
    let start = e.token.startOffset;
    let end = (e.token.endOffset ?? NaN) + 1;
    if (Number.isNaN(start)) {
      const prev = e.previousToken;
      const prevEnd = prev === undefined ? NaN : (prev.endOffset ?? NaN) + 1;
      start = Number.isNaN(prevEnd) ? textEnd : prevEnd;
      end = start;
    }
    if (Number.isNaN(end) || end < start) end = start;
    if (seen.has(start) || start > cutoff) continue;
    const span = pos.span(start, end);
    // A character the lexer dropped explains any error later on its line.
    if (lexLines.has(span.start.line)) continue;
    seen.add(start);
    const [message = "", help] = e.message.split(HELP_SEPARATOR);
    diagnostics.push(syntaxError(span, message, help));
  }
}

/** Gives every node its source-order id; returns the count. */
function numberNodes(module: Module): number {
  let next = 0;
  const stack: Node[] = [module];
  const children: Node[] = [];
  let count = 0;
  const collect = (c: Node): void => {
    children[count++] = c;
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    (node as { id: number }).id = next++;
    count = 0;
    forEachChild(node, collect);
    for (let i = count - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return next;
}

/** Text decoded from bytes, with a `syntax` diagnostic per run of invalid UTF-8. */
export interface DecodedSource {
  readonly text: string;
  readonly diagnostics: readonly Diagnostic[];
}

const UTF8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Decodes UTF-8 bytes. Each maximal run of invalid bytes becomes one U+FFFD
 * in the text and a `syntax` diagnostic at its line and column.
 */
export function decodeSource(bytes: Uint8Array, file = "<input>"): DecodedSource {
  const bad = invalidRuns(bytes);
  if (bad.length === 0) return { text: UTF8.decode(bytes), diagnostics: [] };
  let text = "";
  const offsets: number[] = [];
  let from = 0;
  for (const [s, e] of bad) {
    text += UTF8.decode(bytes.subarray(from, s));
    offsets.push(text.length);
    text += "\uFFFD";
    from = e;
  }
  text += UTF8.decode(bytes.subarray(from));
  const lineMap = new LineMap(text);
  const diagnostics = offsets.map((o, i) => {
    const run = bad[i]!;
    const shown = Array.from(bytes.subarray(run[0], Math.min(run[1], run[0] + 4)), (b) =>
      b.toString(16).toUpperCase().padStart(2, "0"),
    ).join(" ");
    return syntaxError(
      lineMap.span(file, o, o + 1),
      `invalid UTF-8 (bytes ${shown}${run[1] - run[0] > 4 ? " …" : ""})`,
      "save the file as UTF-8",
    );
  });
  return { text, diagnostics };
}

/** Half-open byte ranges `[start, end)` of invalid UTF-8, merged when adjacent. */
function invalidRuns(b: Uint8Array): [number, number][] {
  const runs: [number, number][] = [];
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need = 0;
    let min = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    }
    let ok = need > 0;
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; ok && k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (d & 0x3f);
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (ok) {
      i += need + 1;
      continue;
    }
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
    i++;
  }
  return runs;
}

/**
 * Decodes and parses bytes (what the CLI reads). Diagnostics of invalid
 * UTF-8 replace the parser's "unexpected character" at the same place.
 */
export function parseBytes(bytes: Uint8Array, file = "<input>"): ParseResult {
  const decoded = decodeSource(bytes, file);
  const result = parse(decoded.text, file);
  if (decoded.diagnostics.length === 0) return result;
  const bad = new Set(decoded.diagnostics.map((d) => d.span.start.offset));
  const merged = [...decoded.diagnostics, ...result.diagnostics.filter((d) => !bad.has(d.span.start.offset))];
  return { ...result, diagnostics: sortDiagnostics(merged) };
}
