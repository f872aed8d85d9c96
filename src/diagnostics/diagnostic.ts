/**
 * Diagnostics are data: a rule, its code, a severity, a one-sentence
 * message (names in backticks), the narrowest span, notes that say why
 * (each may point at another span), and help that says what to do.
 * Renderers (pretty, JSON, SARIF) read these values; nothing else does.
 */
import type { Span } from "../syntax/span.js";
import { RULES, type RuleName, type Severity } from "./codes.js";

export interface Note {
  readonly message: string;
  readonly span?: Span;
}

/** A text edit that fixes a diagnostic (replace `span` with `text`). */
export interface Fix {
  readonly message: string;
  readonly span: Span;
  readonly text: string;
}

export interface Diagnostic {
  readonly rule: RuleName;
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly notes: readonly Note[];
  readonly help?: string;
  readonly fixes?: readonly Fix[];
}

/** Fields a factory supplies; code and default severity come from the registry. */
export interface DiagnosticInit {
  readonly message: string;
  readonly span: Span;
  readonly notes?: readonly Note[];
  readonly help?: string;
  readonly fixes?: readonly Fix[];
  readonly severity?: Severity;
}

/** Builds a diagnostic for `rule` with the registry's code and default severity. */
export function diagnostic(rule: RuleName, init: DiagnosticInit): Diagnostic {
  const info = RULES[rule];
  const d: Diagnostic = {
    rule,
    code: info.code,
    severity: init.severity ?? (info.defaultSeverity === "warn" ? "warning" : "error"),
    message: init.message,
    span: init.span,
    notes: init.notes ?? [],
    ...(init.help !== undefined ? { help: init.help } : {}),
    ...(init.fixes !== undefined ? { fixes: init.fixes } : {}),
  };
  return d;
}

/** Sorts diagnostics by position, then rule name, for deterministic output. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      a.span.start.offset - b.span.start.offset ||
      a.span.end.offset - b.span.end.offset ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}
