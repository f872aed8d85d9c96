/** The public shapes of a run: `run --format json` and trace events. */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { RuntimeErrorKind } from "../diagnostics/codes.js";

/** Any JSON-shaped value that crosses the sandbox boundary. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/** One catalog call as listed in `run --format json`. */
export interface CallRecord {
  readonly seq: number;
  readonly fn: string;
  readonly args: readonly JsonValue[];
  readonly result?: JsonValue;
  readonly effect: string | null;
  readonly line: number;
  readonly startMs?: number;
  readonly endMs?: number;
  /** True when the result came from the journal instead of the handler. */
  readonly replayed?: boolean;
}

export interface RunError {
  readonly kind: RuntimeErrorKind;
  readonly message: string;
  readonly line?: number;
}

export interface RunResult {
  readonly status: "ok" | "rejected" | "error";
  readonly result?: JsonValue;
  readonly calls: readonly CallRecord[];
  readonly stats: { readonly calls: number; readonly wallMs: number };
  readonly error?: RunError;
  /** When `status` is `rejected`: the checker's diagnostics. */
  readonly diagnostics?: readonly Diagnostic[];
  /** Lines written by `print`. */
  readonly output?: readonly string[];
}

/** Context every handler receives as its last argument. */
export interface HandlerContext {
  readonly idempotencyKey: string;
  readonly seq: number;
  readonly signal: AbortSignal;
}

export type Handler = (...args: unknown[]) => unknown;
export type Handlers = Readonly<Record<string, Handler>>;

/** A call waiting for a person's approval. */
export interface PendingCall {
  readonly fn: string;
  readonly args: readonly JsonValue[];
  readonly line: number;
  readonly seq: number;
}

/** Streamed to `onEvent` and `--trace FILE.jsonl` as it happens. */
export type TraceEvent =
  | { readonly type: "run-start"; readonly runId: string; readonly t: number }
  | {
      readonly type: "call-start";
      readonly seq: number;
      readonly fn: string;
      readonly args: readonly JsonValue[];
      readonly effect: string | null;
      readonly line: number;
      readonly t: number;
    }
  | {
      readonly type: "call-end";
      readonly seq: number;
      readonly fn: string;
      readonly result: JsonValue;
      readonly line: number;
      readonly t: number;
      readonly ms: number;
      readonly replayed?: boolean;
    }
  | { readonly type: "print"; readonly text: string; readonly line: number; readonly t: number }
  /** Something the runtime did that the run's owner should know, e.g. taking over a stale journal lock. */
  | { readonly type: "note"; readonly message: string; readonly t: number }
  | {
      readonly type: "error";
      readonly kind: RuntimeErrorKind;
      readonly message: string;
      readonly line?: number;
      readonly t: number;
    }
  | { readonly type: "run-end"; readonly status: "ok" | "error"; readonly t: number; readonly result?: JsonValue };
