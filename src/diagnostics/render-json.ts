/**
 * `check --format json`: exactly the shape of the public contract, with keys
 * in the contract's order. Internal fields (offsets, the file inside spans,
 * fixes) are left out; a note that points into another file than its
 * diagnostic carries that file as `file` (an extension the contract allows).
 */
import type { CallBound, CheckReport } from "../checker/report.js";
import type { Span } from "../syntax/span.js";
import type { Diagnostic } from "./diagnostic.js";

/** A line/column pair as in the contract (1-based). */
export interface JsonPosition {
  readonly line: number;
  readonly column: number;
}

export interface JsonSpan {
  readonly start: JsonPosition;
  readonly end: JsonPosition;
}

export interface JsonNote {
  readonly message: string;
  readonly span?: JsonSpan;
  /** Only when the note points into another file than its diagnostic. */
  readonly file?: string;
}

/** One diagnostic of `check --format json`. */
export interface JsonDiagnostic {
  readonly rule: string;
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly span: JsonSpan;
  readonly notes: readonly JsonNote[];
  readonly help?: string;
}

/** One entry of `files`. */
export interface JsonFileReport {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: readonly JsonDiagnostic[];
  readonly bounds: Readonly<Record<string, CallBound>>;
}

/** The whole `check --format json` document. */
export interface JsonCheckOutput {
  readonly files: readonly JsonFileReport[];
  readonly errorCount: number;
  readonly warningCount: number;
}

/** A checked file: the name to report and the checker's report. */
export interface CheckedFile {
  readonly file: string;
  readonly report: CheckReport;
}

/** A span as `{ start: {line, column}, end: {line, column} }`. */
export function spanToJson(span: Span): JsonSpan {
  return {
    start: { line: span.start.line, column: span.start.column },
    end: { line: span.end.line, column: span.end.column },
  };
}

/** One diagnostic in the contract's shape and key order. */
export function diagnosticToJson(d: Diagnostic): JsonDiagnostic {
  return {
    rule: d.rule,
    code: d.code,
    severity: d.severity,
    message: d.message,
    span: spanToJson(d.span),
    notes: d.notes.map((n): JsonNote => {
      if (n.span === undefined) return { message: n.message };
      return {
        message: n.message,
        span: spanToJson(n.span),
        ...(n.span.file !== d.span.file ? { file: n.span.file } : {}),
      };
    }),
    ...(d.help !== undefined ? { help: d.help } : {}),
  };
}

/** The bounds with each entry in `min, max, formula` order. */
function boundsToJson(bounds: Readonly<Record<string, CallBound>>): Record<string, CallBound> {
  const out: Record<string, CallBound> = {};
  for (const [name, b] of Object.entries(bounds)) out[name] = { min: b.min, max: b.max, formula: b.formula };
  return out;
}

/** One file's entry of `files`. */
export function fileReportToJson(f: CheckedFile): JsonFileReport {
  return {
    file: f.file,
    ok: f.report.ok,
    diagnostics: f.report.diagnostics.map(diagnosticToJson),
    bounds: boundsToJson(f.report.bounds),
  };
}

/** The `check --format json` document for the given files. */
export function checkOutputToJson(files: readonly CheckedFile[]): JsonCheckOutput {
  let errorCount = 0;
  let warningCount = 0;
  for (const f of files) {
    for (const d of f.report.diagnostics) {
      if (d.severity === "error") errorCount++;
      else warningCount++;
    }
  }
  return { files: files.map(fileReportToJson), errorCount, warningCount };
}

/** `check --format json` as text (two-space indented, ending with a newline). */
export function renderJson(files: readonly CheckedFile[]): string {
  return JSON.stringify(checkOutputToJson(files), null, 2) + "\n";
}
