/**
 * How the CLI prints a `UsageError` on standard error (then exits 2).
 *
 * One problem: `partwise: ` and the error's `format()`, `file:line: message`
 * with `  help: …` under it. A catalog or policy error that carries several
 * problems (`CatalogError`, `PolicyError`) prints each as its own line in
 * the compilers' form, `partwise: file:line:column: message` (the column
 * when known), its help indented under it, and ends with a count:
 * `partwise: 3 problems in policy.yaml` (`…, the first 50 listed` when the
 * loader cut the list). Every line that starts a message names the tool, so
 * the lines stay attributable when several tools write to one terminal.
 */
import { CatalogError } from "../catalog/catalog-error.js";
import type { LoadProblem } from "../catalog/load-problem.js";
import type { UsageError } from "../errors.js";
import { PolicyError } from "../policy/policy-error.js";

const PREFIX = "partwise: ";

/** The text `partwise` writes on standard error for `err` (ends with a newline). */
export function renderUsageError(err: UsageError): string {
  const many = err instanceof CatalogError || err instanceof PolicyError ? err : undefined;
  if (many === undefined || many.problems.length + many.omitted <= 1) return `${PREFIX}${err.format()}\n`;
  const lines = many.problems.map(
    (p) => `${PREFIX}${problemLine(p)}${p.help === undefined ? "" : `\n  help: ${p.help}`}`,
  );
  lines.push(`${PREFIX}${countLine(many.problems, many.omitted)}`);
  return lines.join("\n") + "\n";
}

/** `file:line:column: message`, with as much of the place as is known. */
function problemLine(p: LoadProblem): string {
  if (p.file === undefined) return p.message;
  if (p.line === undefined) return `${p.file}: ${p.message}`;
  return `${p.file}:${p.line}${p.column === undefined ? "" : `:${p.column}`}: ${p.message}`;
}

/** `N problems in FILE` (or `in A and B`), saying how many were listed when the loader cut the list. */
function countLine(problems: readonly LoadProblem[], omitted: number): string {
  const files = [...new Set(problems.flatMap((p) => (p.file === undefined ? [] : [p.file])))];
  const last = files.pop();
  const where = last === undefined ? "" : files.length === 0 ? ` in ${last}` : ` in ${files.join(", ")} and ${last}`;
  const listed = omitted > 0 ? `, the first ${problems.length} listed` : "";
  return `${problems.length + omitted} problems${where}${listed}`;
}
