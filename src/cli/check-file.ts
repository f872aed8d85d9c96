/**
 * One composition from bytes to a `CheckReport`: decode (invalid UTF-8 is a
 * `syntax` diagnostic, a binary file a usage error), then the checker. The
 * decoder's diagnostics join the checker's (replacing the parser's own
 * complaint at the same place, as `parseBytes` does), sorted, so every
 * renderer sees one list.
 */
import { check } from "../checker/check.js";
import type { CheckReport } from "../checker/report.js";
import { sortDiagnostics } from "../diagnostics/diagnostic.js";
import { decodeSource } from "../syntax/parse.js";
import type { Context } from "./load.js";
import { assertText } from "./io.js";

/** A checked composition: its name, its decoded text and the report. */
export interface CheckedSource {
  readonly file: string;
  readonly source: string;
  readonly report: CheckReport;
}

/** Decodes a composition's bytes; throws a `UsageError` for a binary file. */
export function decodeComposition(
  file: string,
  bytes: Uint8Array,
): { readonly text: string; readonly diagnostics: ReturnType<typeof decodeSource>["diagnostics"] } {
  assertText(file, bytes, "composition");
  return decodeSource(bytes, file);
}

/** Checks one composition given as bytes. */
export function checkBytes(file: string, bytes: Uint8Array, ctx: Context): CheckedSource {
  const decoded = decodeComposition(file, bytes);
  const report = check(decoded.text, { catalog: ctx.catalog, policy: ctx.policy, file });
  if (decoded.diagnostics.length === 0) return { file, source: decoded.text, report };
  // The parser also trips over each U+FFFD the decoder put in; keep the decoder's diagnostic there.
  const bad = new Set(decoded.diagnostics.map((d) => d.span.start.offset));
  const rest = report.diagnostics.filter((d) => !(d.rule === "syntax" && bad.has(d.span.start.offset)));
  const diagnostics = sortDiagnostics([...decoded.diagnostics, ...rest]);
  return {
    file,
    source: decoded.text,
    report: { ...report, diagnostics, ok: diagnostics.every((d) => d.severity !== "error") },
  };
}
