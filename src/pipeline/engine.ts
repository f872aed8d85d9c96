/**
 * The pipeline's view of the rest of Partwise: the checker, the runtime,
 * `explain` and the parser, behind one small interface. Every pipeline
 * function takes an `Engine` (defaulting to the real one, loaded lazily),
 * so tests inject stubs and the CLI pays for the checker only when a
 * pipeline command runs.
 */
import type { Catalog } from "../catalog/types.js";
import type { CheckReport } from "../checker/report.js";
import type { Policy } from "../policy/types.js";
import type { Module } from "../syntax/ast.js";
import type { Handlers, JsonValue, PendingCall, RunResult, TraceEvent } from "../runtime/types.js";
import type { CompositionFeatures } from "./features.js";

/** Options of `check` (contract, "Library API"). */
export interface CheckOptions {
  readonly catalog: Catalog;
  readonly policy?: Policy;
  readonly file?: string;
}

/** Options of `run` (contract, "Library API"). */
export interface RunOptions {
  readonly catalog: Catalog;
  readonly policy?: Policy;
  readonly handlers?: Handlers;
  readonly input?: Readonly<Record<string, JsonValue>>;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  readonly journal?: string;
  readonly onEvent?: (e: TraceEvent) => void;
  readonly signal?: AbortSignal;
  readonly approve?: (call: PendingCall) => Promise<boolean>;
  readonly maxSteps?: number;
}

/** The operations the pipeline needs from the checker, the runtime and the front end. */
export interface Engine {
  /** Synchronous, cheap static check (the inner loop). */
  readonly check: (source: string, opts: CheckOptions) => CheckReport;
  /** Checks, then runs in the sandbox. */
  readonly run: (source: string, opts: RunOptions) => Promise<RunResult>;
  /** `explain` rendered as text (the paper's solution summary); absent when unavailable. */
  readonly explainText?: (source: string, opts: { readonly catalog: Catalog; readonly policy?: Policy }) => string;
  /** `explain` as its JSON value. */
  readonly explainJson?: (source: string, opts: { readonly catalog: Catalog; readonly policy?: Policy }) => unknown;
  /** The parser, for the order of a composition's call sites. */
  readonly parse?: (source: string, file: string) => { readonly module: Module };
  /**
   * Structural features from the checker's own facts (`features.ts`);
   * `undefined` for a composition the checker computes no facts for (a
   * `syntax` error). Without it, results and episodes carry no `features`.
   */
  readonly features?: (source: string, opts: CheckOptions) => CompositionFeatures | undefined;
  /**
   * The handlers a catalog module exports (what `run` falls back to for a
   * function without a given handler). Lets the pipeline serve and count
   * calls of such functions itself (tool calls of partial solutions).
   */
  readonly handlers?: (catalog: Catalog) => Promise<Handlers>;
}

let real: Promise<Engine> | undefined;

/**
 * The real engine: the checker, explain and parser modules, imported once
 * on first use; the runtime (QuickJS) only when something runs.
 */
export function loadEngine(): Promise<Engine> {
  real ??= (async (): Promise<Engine> => {
    const [checkMod, explainMod, parseMod, featuresMod] = await Promise.all([
      import("../checker/check.js"),
      import("../checker/explain.js"),
      import("../syntax/parse.js"),
      import("./features.js"),
    ]);
    return {
      check: (source, opts) => checkMod.check(source, opts),
      run: async (source, opts) => (await import("../runtime/run.js")).run(source, opts),
      explainText: (source, opts) => explainMod.renderExplanation(explainMod.explain(source, opts), "text"),
      explainJson: (source, opts) => explainMod.explain(source, opts),
      parse: (source, file) => parseMod.parse(source, file),
      features: (source, opts) => featuresMod.sourceFeatures(source, opts),
      handlers: async (catalog) => (await import("../runtime/handlers.js")).catalogHandlers(catalog),
    };
  })();
  return real;
}
