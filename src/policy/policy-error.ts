/**
 * A policy file that cannot be used: a `UsageError` (exit 2) that also names
 * the key at fault, as `flows[0].to` or `budgets.book_table`.
 */
import { UsageError } from "../errors.js";

/** A policy that does not parse, has an unknown key or names something the catalog lacks. */
export class PolicyError extends UsageError {
  override readonly name: string = "PolicyError";
  constructor(
    message: string,
    file?: string,
    line?: number,
    /** The key at fault (`maxLoopDepth`, `flows[0].to`), when there is one. */
    readonly key?: string,
    help?: string,
  ) {
    super(message, file, line, help);
  }
}
