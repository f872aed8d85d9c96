/**
 * Every problem of a catalog, policy or subtask error, in the shape batch
 * error records, `serve` error responses and invalid-plan episodes carry:
 * `{message, file?, line?, column?, key?, help?}`, fields without a value
 * left out. `file`, `line` and `column` (1-based) place a problem in a
 * catalog or policy file; a subtask problem has a `key` into the line
 * (`subtasks[0].params[1].type`) instead. At most `MAX_PROBLEMS` (50) are
 * listed; `omitted` counts the rest.
 */
import { CatalogError } from "../catalog/catalog-error.js";
import type { LoadProblem } from "../catalog/load-problem.js";
import { PolicyError } from "../policy/policy-error.js";
import type { JsonValue } from "../runtime/types.js";
import { PlanError } from "./plan.js";

/** One problem as JSON. */
export interface ProblemRecord {
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly key?: string;
  readonly help?: string;
}

/** The problems of an error and how many were left out. */
export interface ErrorProblems {
  readonly problems: readonly ProblemRecord[];
  /** Problems found beyond those listed (0 when none). */
  readonly omitted: number;
}

/** One `LoadProblem` as a record (fields without a value left out). */
export function problemRecord(p: LoadProblem): ProblemRecord {
  return {
    message: p.message,
    ...(p.file !== undefined ? { file: p.file } : {}),
    ...(p.line !== undefined ? { line: p.line } : {}),
    ...(p.column !== undefined ? { column: p.column } : {}),
    ...(p.key !== undefined ? { key: p.key } : {}),
    ...(p.help !== undefined ? { help: p.help } : {}),
  };
}

/** The problems of a `CatalogError`, `PolicyError` or `PlanError`; undefined for any other error. */
export function errorProblems(err: unknown): ErrorProblems | undefined {
  if (err instanceof CatalogError || err instanceof PolicyError || err instanceof PlanError) {
    return { problems: err.problems.map(problemRecord), omitted: err.omitted };
  }
  return undefined;
}

/** `{message}` plus `problems` (and `omitted` when some were left out) for an error that has them. */
export function errorFields(message: string, found: ErrorProblems | undefined): Record<string, JsonValue> {
  if (found === undefined) return { message };
  return {
    message,
    problems: found.problems as unknown as JsonValue,
    ...(found.omitted > 0 ? { omitted: found.omitted } : {}),
  };
}
