/**
 * Differential testing of the two evaluation paths of compiled code: the
 * real sandbox (`run()`: checker, codegen, QuickJS in a worker thread, host
 * handlers) against node:vm (`evalCompiled` from tests/helpers/node-eval.ts,
 * the same PRELUDE and compiled code with stub handlers). Both runs of a
 * program are reduced to an `Outcome` (status, result JSON, error, calls,
 * prints) that must be identical.
 */
import { catalogFromObject, catalogTypes } from "../../src/catalog/build.js";
import type { Catalog } from "../../src/catalog/types.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/types.js";
import { compile, compileInfo, type CompileInfo } from "../../src/runtime/codegen.js";
import { run } from "../../src/runtime/run.js";
import type { TraceEvent } from "../../src/runtime/types.js";
import { parse } from "../../src/syntax/parse.js";
import { evalCompiled, type StubHandler } from "../helpers/node-eval.js";
import { STUB_HANDLERS } from "./generator.js";

const { list, record } = catalogTypes;

/** The generator's pure catalog functions (`STUB_HANDLERS`), with their types. */
export const DIFF_CATALOG: Catalog = catalogFromObject({
  functions: {
    double: { params: { x: "number" }, returns: "number" },
    label: { params: { s: "string" }, returns: "string" },
    nums: { params: { n: "number" }, returns: list("number"), maxItems: 5 },
    rec: { params: { s: "string" }, returns: record({ name: "string", size: "number" }, "Rec") },
  },
});

/**
 * A policy that rejects nothing the generator writes on purpose: no budgets
 * (every function is pure) and loops nested as deep as generated programs go
 * (two `for` levels plus comprehensions inside their expressions).
 */
export function diffPolicy(catalog: Catalog = DIFF_CATALOG): Promise<Policy> {
  return loadPolicy({ maxLoopDepth: 8 }, catalog);
}

/** One catalog call as both paths report it (JSON texts keep key order). */
export interface CallView {
  readonly fn: string;
  readonly args: string;
  /** Absent when the call did not return a result. */
  readonly result?: string;
  readonly line: number;
}

/** What both evaluation paths must agree on for one program. */
export interface Outcome {
  readonly status: "ok" | "error";
  /** The returned value as JSON text (dict key order included). */
  readonly result?: string;
  readonly error?: { readonly kind: string; readonly line?: number; readonly message: string };
  readonly calls: readonly CallView[];
  readonly prints: readonly { readonly text: string; readonly line: number }[];
}

/** What a program did in the sandbox: rejected by the checker, or an outcome. */
export type SandboxRun =
  | { readonly rejected: readonly { readonly rule: string; readonly message: string; readonly line: number }[] }
  | { readonly outcome: Outcome };

/** Options shared by both paths. */
export interface DiffOptions {
  /** Step budget; 0 or absent = unlimited. */
  readonly maxSteps?: number;
  /** Handlers of both paths (default `STUB_HANDLERS`); they must be deterministic. */
  readonly handlers?: Readonly<Record<string, StubHandler>>;
}

/** Runs `source` through `run()` (checker, compile, QuickJS sandbox, host handlers). */
export async function runInSandbox(
  source: string,
  catalog: Catalog,
  policy: Policy,
  opts: DiffOptions = {},
): Promise<SandboxRun> {
  const prints: { text: string; line: number }[] = [];
  const onEvent = (e: TraceEvent): void => {
    if (e.type === "print") prints.push({ text: e.text, line: e.line });
  };
  const r = await run(source, {
    catalog,
    policy,
    handlers: opts.handlers ?? STUB_HANDLERS,
    file: "gen.pw",
    onEvent,
    ...(opts.maxSteps === undefined ? {} : { maxSteps: opts.maxSteps }),
  });
  if (r.status === "rejected") {
    const errors = (r.diagnostics ?? []).filter((d) => d.severity === "error");
    return { rejected: errors.map((d) => ({ rule: d.rule, message: d.message, line: d.span.start.line })) };
  }
  const calls = r.calls.map((c): CallView => ({
    fn: c.fn,
    args: JSON.stringify(c.args),
    ...(c.result === undefined ? {} : { result: JSON.stringify(c.result) }),
    line: c.line,
  }));
  const outputs = r.output ?? [];
  // The trace's print events and the result's `output` must tell the same story.
  if (JSON.stringify(outputs) !== JSON.stringify(prints.map((p) => p.text))) {
    throw new Error(`run(): output ${JSON.stringify(outputs)} differs from the traced prints`);
  }
  if (r.status === "ok") {
    return { outcome: { status: "ok", result: JSON.stringify(r.result ?? null), calls, prints } };
  }
  const e = r.error;
  if (e === undefined) throw new Error("run(): status error without an error");
  const error =
    e.line === undefined ? { kind: e.kind, message: e.message } : { kind: e.kind, line: e.line, message: e.message };
  return { outcome: { status: "error", error, calls, prints } };
}

/** Stub handlers that also record each result in call order (node-eval lists calls without results). */
function recording(
  handlers: Readonly<Record<string, StubHandler>>,
  results: { value: unknown }[],
): Record<string, StubHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, h]) => [
      name,
      (...args: unknown[]): unknown => {
        const slot: { value: unknown } = { value: undefined };
        results.push(slot);
        slot.value = h(...args);
        return slot.value;
      },
    ]),
  );
}

/** Compiles `source` as `run()` does (same CompileInfo from the catalog); throws on a syntax error. */
export function compileForNode(source: string, info: CompileInfo): string {
  const { module, diagnostics } = parse(source, "gen.pw");
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`parse failed: ${errors.map((d) => d.message).join("; ")}`);
  return compile(module, info).code;
}

/** Runs `source` through compile + node:vm with the same stub handlers. */
export async function runInNode(source: string, info: CompileInfo, opts: DiffOptions = {}): Promise<Outcome> {
  const results: { value: unknown }[] = [];
  const out = await evalCompiled(compileForNode(source, info), {
    handlers: recording(opts.handlers ?? STUB_HANDLERS, results),
    maxSteps: opts.maxSteps ?? 0,
  });
  const calls = out.calls.map((c, i): CallView => {
    const slot = results[i];
    return {
      fn: c.fn,
      args: JSON.stringify(c.args),
      ...(slot === undefined || slot.value === undefined ? {} : { result: JSON.stringify(slot.value) }),
      line: c.line,
    };
  });
  const prints = out.prints.map((p) => ({ text: p.text, line: p.line }));
  if (out.error === undefined) return { status: "ok", result: JSON.stringify(out.result ?? null), calls, prints };
  const e = out.error;
  const error =
    e.line === undefined ? { kind: e.kind, message: e.message } : { kind: e.kind, line: e.line, message: e.message };
  return { status: "error", error, calls, prints };
}

/** The CompileInfo `run()` uses for `catalog`. */
export function infoFor(catalog: Catalog): CompileInfo {
  return compileInfo(catalog);
}

/** Maps `items` through `f` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  f: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The largest step budget that still stops `source` with kind `steps` in
 * node:vm (so budget n+1 lets it finish), by binary search; undefined when
 * even budget 1 is enough or the program does not finish within `cap` steps.
 */
export async function stepThreshold(source: string, info: CompileInfo, cap = 1 << 20): Promise<number | undefined> {
  const stops = async (n: number): Promise<boolean> =>
    (await runInNode(source, info, { maxSteps: n })).error?.kind === "steps";
  if (await stops(cap)) return undefined;
  if (!(await stops(1))) return undefined;
  let lo = 1; // stops
  let hi = cap; // does not stop
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await stops(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The result of comparing one program. */
export interface Comparison {
  readonly seed: number;
  readonly source: string;
  readonly maxSteps?: number;
  /** Undefined when the checker rejected the program. */
  readonly quickjs?: Outcome;
  readonly node?: Outcome;
  readonly rejected?: readonly { readonly rule: string; readonly message: string; readonly line: number }[];
}

/** Runs one program through both paths. */
export async function compareOne(
  seed: number,
  source: string,
  catalog: Catalog,
  policy: Policy,
  info: CompileInfo,
  opts: DiffOptions = {},
): Promise<Comparison> {
  const sandbox = await runInSandbox(source, catalog, policy, opts);
  const base = { seed, source, ...(opts.maxSteps === undefined ? {} : { maxSteps: opts.maxSteps }) };
  if ("rejected" in sandbox) return { ...base, rejected: sandbox.rejected };
  const node = await runInNode(source, info, opts);
  return { ...base, quickjs: sandbox.outcome, node };
}

/** True when both paths agree exactly (JSON texts compared as strings, fields in a fixed order). */
export function agree(a: Outcome, b: Outcome): boolean {
  return canonical(a) === canonical(b);
}

function canonical(o: Outcome): string {
  return JSON.stringify([
    o.status,
    o.result,
    o.error === undefined ? undefined : [o.error.kind, o.error.line, o.error.message],
    o.calls.map((c) => [c.fn, c.args, c.result, c.line]),
    o.prints.map((p) => [p.text, p.line]),
  ]);
}
