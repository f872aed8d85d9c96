/** Hand-built diagnostics for renderer tests: spans from line/column pairs of a source text. */
import { RULES, type RuleName } from "../../src/diagnostics/codes.js";
import type { Diagnostic, Fix, Note } from "../../src/diagnostics/diagnostic.js";
import { LineMap, type Span } from "../../src/syntax/span.js";

/** The span from (line, column) to (endLine, endColumn), 1-based, end exclusive. */
export function at(
  file: string,
  source: string,
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
): Span {
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    if (source[i] === "\r" && source[i + 1] === "\n") i++;
    if (source[i] === "\n" || source[i] === "\r") starts.push(i + 1);
  }
  const offset = (l: number, c: number): number => (starts[l - 1] ?? source.length) + c - 1;
  return new LineMap(source).span(file, offset(line, column), offset(endLine, endColumn));
}

/** A diagnostic with the registry's code and default severity. */
export function diag(
  rule: RuleName,
  message: string,
  span: Span,
  more: { notes?: readonly Note[]; help?: string; severity?: "error" | "warning"; fixes?: readonly Fix[] } = {},
): Diagnostic {
  const info = RULES[rule];
  return {
    rule,
    code: info.code,
    severity: more.severity ?? (info.defaultSeverity === "warn" ? "warning" : "error"),
    message,
    span,
    notes: more.notes ?? [],
    ...(more.help !== undefined ? { help: more.help } : {}),
    ...(more.fixes !== undefined ? { fixes: more.fixes } : {}),
  };
}

/** The unaligned composition of the seed example (language.md). */
export const UNALIGNED = `bookings = {}
for u in users:
    prefs = ask_preference(u)
    for r in prefs:
        book_table(r)
r = identify_overlap(prefs)
`;
