/**
 * A catalog file that cannot be used: a `UsageError` (exit 2) that carries
 * every problem the loader found, not only the first. `message`, `file`,
 * `line` and `help` are those of the first problem in source order, so code
 * that reads one error keeps working; `format()` prints them all.
 */
import { UsageError } from "../errors.js";
import { capProblems, formatProblems, type LoadProblem } from "./load-problem.js";

/** A catalog that does not parse or has things in it a catalog cannot use. */
export class CatalogError extends UsageError {
  override readonly name: string = "CatalogError";
  /** The key of the first problem (`tools[0].inputSchema`), in an MCP tool list. */
  readonly key: string | undefined;
  /** 1-based column of the first problem, when known. */
  readonly column: number | undefined;
  /** Every problem found, in source order, at most `MAX_PROBLEMS`; the first is the one `message` describes. */
  readonly problems: readonly LoadProblem[];
  /** How many more problems were found than `problems` lists. */
  readonly omitted: number;

  /** `problems` must be in source order (see `inSourceOrder`) and not empty. */
  constructor(problems: readonly LoadProblem[]) {
    const { shown, omitted } = capProblems(problems);
    const first = shown[0];
    if (first === undefined) throw new Error("CatalogError needs at least one problem");
    super(first.message, first.file, first.line, first.help);
    this.key = first.key;
    this.column = first.column;
    this.problems = shown;
    this.omitted = omitted;
  }

  /** A catalog error with one problem. */
  static single(message: string, file: string, line?: number, help?: string, column?: number): CatalogError {
    return new CatalogError([{ message, file, line, column, key: undefined, help }]);
  }

  /** Every problem, `file:line: message` with its help, then `and N more problems` when the list was cut. */
  override format(): string {
    return formatProblems(this.problems, this.omitted);
  }
}
