/**
 * One batch line in, one result line out (contract, "Batch lines"). Shared
 * by the in-process path, the worker threads and `serve`. A line that is
 * not JSON, lacks an `id` or holds a bad subtask declaration becomes
 * `{"id"?, "error": {"message", "line"}}`; a failure inside the checker or
 * the runtime is recorded the same way, so no line is ever lost. When the
 * failure is a subtask, catalog or policy problem, the error also lists
 * every problem found: `"problems": [{message, file?, line?, column?, key?,
 * help?}]` (see `problems.ts`), plus `"omitted": N` when more than 50 were
 * found; `message` is the first problem's.
 *
 * Result lines: `{id, ok, diagnostics, bounds}` as in `check --format
 * json`, plus `run` (as `run --format json`) with `--run`; extended with
 * `label` (echoed from the input, for `partwise p2c`) and `features`
 * (loop depth, shape, effect calls, glue operations; from the checker's
 * facts, see `features.ts`) when the line carries a `label` or features
 * were asked for, and the composition parses.
 */
import type { Catalog } from "../catalog/types.js";
import type { Policy } from "../policy/types.js";
import type { JsonValue, RunResult } from "../runtime/types.js";
import type { Engine } from "./engine.js";
import { PlanError, policyForCatalog, withSubtasks, type SubtaskDecl } from "./plan.js";
import { errorFields, errorProblems, type ErrorProblems } from "./problems.js";

/** One parsed input line. */
export interface BatchEpisode {
  readonly id: string;
  readonly program: string;
  readonly input?: Readonly<Record<string, JsonValue>>;
  readonly subtasks?: readonly SubtaskDecl[];
  readonly label?: JsonValue;
}

/** What every line is processed against. */
export interface LineContext {
  readonly engine: Engine;
  readonly catalog: Catalog;
  readonly policy: Policy;
  /** Also run compositions that pass the check. */
  readonly run: boolean;
  /** Add `features` to every result (they are added anyway to a line with a `label`). */
  readonly features: boolean;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
}

/** An input line that cannot be processed, with the reason. */
export class LineError extends Error {
  override readonly name: string = "LineError";
  constructor(
    message: string,
    readonly id: string | undefined,
    /** Every problem, when the line fails because of subtask, catalog or policy problems. */
    readonly problems?: ErrorProblems,
  ) {
    super(message);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses and validates one input line; throws `LineError`. */
export function parseBatchLine(text: string): BatchEpisode {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new LineError(`not valid JSON: ${err instanceof Error ? err.message : String(err)}`, undefined);
  }
  if (!isObject(v)) throw new LineError("a batch line must be a JSON object", undefined);
  const id = v.id;
  if (typeof id !== "string" || id === "") {
    throw new LineError("the line has no `id` (a non-empty string)", typeof id === "number" ? String(id) : undefined);
  }
  if (typeof v.program !== "string") throw new LineError("the line has no `program` (a string)", id);
  if (v.input !== undefined && !isObject(v.input)) throw new LineError("`input` must be a JSON object", id);
  if (v.subtasks !== undefined && !Array.isArray(v.subtasks)) throw new LineError("`subtasks` must be a list", id);
  return {
    id,
    program: v.program,
    ...(v.input !== undefined ? { input: v.input as Record<string, JsonValue> } : {}),
    ...(v.subtasks !== undefined ? { subtasks: v.subtasks as SubtaskDecl[] } : {}),
    ...(v.label !== undefined ? { label: v.label as JsonValue } : {}),
  };
}

/** Derived catalog and policy per distinct subtask list (planners repeat declarations). */
const derived = new Map<string, { readonly catalog: Catalog; readonly policy: Policy }>();
const DERIVED_CACHE_SIZE = 256;

function contextFor(ctx: LineContext, ep: BatchEpisode): { readonly catalog: Catalog; readonly policy: Policy } {
  if (ep.subtasks === undefined || ep.subtasks.length === 0) return ctx;
  const key = `${ctx.catalog.hash}\n${ctx.policy.hash}\n${JSON.stringify(ep.subtasks)}`;
  const hit = derived.get(key);
  if (hit !== undefined) return hit;
  let catalog: Catalog;
  try {
    catalog = withSubtasks(ctx.catalog, ep.subtasks);
  } catch (err) {
    if (err instanceof PlanError) throw new LineError(err.message, ep.id, errorProblems(err));
    throw err;
  }
  const out = { catalog, policy: policyForCatalog(ctx.policy, catalog) };
  if (derived.size >= DERIVED_CACHE_SIZE) derived.delete(derived.keys().next().value as string);
  derived.set(key, out);
  return out;
}

/** The result object of one episode. */
export type BatchResult = Readonly<Record<string, unknown>>;

/** The error record of a line: `{id?, error: {message, line, problems?, omitted?}}`. */
export function errorRecord(
  id: string | undefined,
  message: string,
  line: number,
  problems?: ErrorProblems,
): BatchResult {
  const { message: _m, ...more } = errorFields(message, problems);
  return { ...(id !== undefined ? { id } : {}), error: { message, line, ...more } };
}

function notRun(): RunResult {
  return { status: "rejected", calls: [], stats: { calls: 0, wallMs: 0 } };
}

/** Processes one input line (1-based `line`); never throws. */
export async function processLine(text: string, line: number, ctx: LineContext): Promise<BatchResult> {
  let ep: BatchEpisode;
  try {
    ep = parseBatchLine(text);
  } catch (err) {
    if (err instanceof LineError) return errorRecord(err.id, err.message, line, err.problems);
    return errorRecord(undefined, `internal error: ${String(err)}`, line);
  }
  return processEpisode(ep, line, ctx);
}

/** Processes one parsed episode; never throws. */
export async function processEpisode(ep: BatchEpisode, line: number, ctx: LineContext): Promise<BatchResult> {
  try {
    const { catalog, policy } = contextFor(ctx, ep);
    const report = ctx.engine.check(ep.program, { catalog, policy, file: ep.id });
    const out: Record<string, unknown> = {
      id: ep.id,
      ok: report.ok,
      diagnostics: report.diagnostics,
      bounds: report.bounds,
    };
    if ((ctx.features || ep.label !== undefined) && ctx.engine.features !== undefined) {
      const features = ctx.engine.features(ep.program, { catalog, policy, file: ep.id });
      if (features !== undefined) out.features = features;
    }
    if (ep.label !== undefined) out.label = ep.label;
    if (ctx.run) {
      out.run = report.ok
        ? await ctx.engine.run(ep.program, {
            catalog,
            policy,
            ...(ep.input !== undefined ? { input: ep.input } : {}),
            ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
            ...(ctx.memoryMb !== undefined ? { memoryMb: ctx.memoryMb } : {}),
            // Nobody can answer an approval request in a batch: such calls are refused.
            approve: () => Promise.resolve(false),
          })
        : notRun();
    }
    return out;
  } catch (err) {
    if (err instanceof LineError) return errorRecord(err.id, err.message, line, err.problems);
    // A catalog or policy problem met while processing (a custom engine may load files) is the input's, not a bug.
    const problems = errorProblems(err);
    if (problems !== undefined && err instanceof Error) return errorRecord(ep.id, err.message, line, problems);
    return errorRecord(ep.id, `internal error: ${err instanceof Error ? err.message : String(err)}`, line);
  }
}
