/**
 * A policy file that cannot be used: a `UsageError` (exit 2) that also names
 * the key at fault, as `flows[0].to` or `budgets.book_table`, and carries
 * every problem the loader found. `message`, `file`, `line`, `key` and
 * `help` are those of the first problem in source order; `format()` prints
 * them all.
 */
import { UsageError } from "../errors.js";
import { capProblems, formatProblems, type LoadProblem } from "../catalog/load-problem.js";

/** A policy that does not parse, has an unknown key or names something the catalog lacks. */
export class PolicyError extends UsageError {
  override readonly name: string = "PolicyError";
  /** 1-based column of the first problem, when known. */
  readonly column: number | undefined;
  /** Every problem found, in source order, at most `MAX_PROBLEMS`; the first is the one `message` describes. */
  readonly problems: readonly LoadProblem[];
  /** How many more problems were found than `problems` lists. */
  readonly omitted: number;

  constructor(
    message: string,
    file?: string,
    line?: number,
    /** The key at fault (`maxLoopDepth`, `flows[0].to`), when there is one. */
    readonly key?: string,
    help?: string,
    /** The first problem's column, and every problem when there are several (the first being this one). */
    found?: {
      readonly column?: number | undefined;
      readonly problems?: readonly LoadProblem[];
      readonly omitted?: number;
    },
  ) {
    super(message, file, line, help);
    this.column = found?.column;
    this.problems = found?.problems ?? [{ message, file, line, column: this.column, key, help }];
    this.omitted = found?.omitted ?? 0;
  }

  /** The error for `problems` (in source order, not empty): the first one's fields, all of them listed. */
  static of(problems: readonly LoadProblem[]): PolicyError {
    const { shown, omitted } = capProblems(problems);
    const first = shown[0];
    if (first === undefined) throw new Error("PolicyError needs at least one problem");
    return new PolicyError(first.message, first.file, first.line, first.key, first.help, {
      column: first.column,
      problems: shown,
      omitted,
    });
  }

  /** Every problem, `file:line: message` with its help, then `and N more problems` when the list was cut. */
  override format(): string {
    return formatProblems(this.problems, this.omitted);
  }
}
