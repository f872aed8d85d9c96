/**
 * Partial solutions, as the human-level proxy returns them from `solve`,
 * turned into runtime handlers:
 *
 * - a host handler (`{ kind: "handler", handler }` or a bare function);
 * - a table of recorded results keyed by the JSON of the argument list
 *   (`JSON.stringify(["ana"])`), for replaying a proxy deterministically;
 * - JavaScript source that runs in its own QuickJS sandbox with nothing but
 *   the catalog tools it declares (see `sandbox-solution.ts`).
 */
import type { Handler, HandlerContext, JsonValue } from "../runtime/types.js";

/** A host function the runtime calls with the arguments (and the handler context last). */
export interface HandlerSolution {
  readonly kind: "handler";
  readonly handler: Handler;
}

/** Recorded results keyed by `JSON.stringify(args)`; `fallback` answers any other arguments. */
export interface TableSolution {
  readonly kind: "table";
  readonly results: Readonly<Record<string, JsonValue>>;
  readonly fallback?: JsonValue;
}

/**
 * JavaScript source defining `function solve(...args)` (it may be `async`);
 * it runs in a fresh QuickJS context where each name in `tools` is an async
 * function calling that catalog tool, and nothing else is reachable.
 */
export interface SourceSolution {
  readonly kind: "source";
  readonly source: string;
  readonly tools?: readonly string[];
}

/** What `proxy.solve` returns for one subtask. */
export type PartialSolution = HandlerSolution | TableSolution | SourceSolution;

/** A bare function is shorthand for a handler solution. */
export type PartialSolutionLike = PartialSolution | Handler;

/** Normalises the bare-function shorthand. */
export function normalizeSolution(s: PartialSolutionLike): PartialSolution {
  return typeof s === "function" ? { kind: "handler", handler: s } : s;
}

/** True for the handler context the runtime passes last (`{ idempotencyKey, seq, signal }`). */
function isHandlerContext(x: unknown): boolean {
  return typeof x === "object" && x !== null && "idempotencyKey" in x && "signal" in x;
}

/** The runtime's context of a handler call (its last argument), when there is one. */
export function handlerContext(args: readonly unknown[]): HandlerContext | undefined {
  const last = args[args.length - 1];
  return args.length > 0 && isHandlerContext(last) ? (last as HandlerContext) : undefined;
}

/** The JSON arguments of a handler call (the trailing context removed). */
export function callArgs(args: readonly unknown[]): unknown[] {
  return args.length > 0 && isHandlerContext(args[args.length - 1]) ? args.slice(0, -1) : [...args];
}

/** The table key of an argument list. */
export function tableKey(args: readonly unknown[]): string {
  return JSON.stringify(args);
}

/** A handler that answers from a table of recorded results. */
export function tableHandler(name: string, s: TableSolution): Handler {
  return (...raw: unknown[]): JsonValue => {
    const key = tableKey(callArgs(raw));
    if (Object.prototype.hasOwnProperty.call(s.results, key)) return s.results[key] as JsonValue;
    if (s.fallback !== undefined) return s.fallback;
    throw new Error(`no recorded result of \`${name}\` for arguments ${key}`);
  };
}
