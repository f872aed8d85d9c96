/**
 * How `run` shows a `RunResult`: `--format json` in the contract's shape
 * (`status`, then `result` / `error` / `diagnostics`, `calls`, `stats`),
 * and `--format pretty` for people: the call list, the result, a runtime
 * error with a code frame at its line, or the checker's diagnostics when
 * the composition was rejected.
 */
import type { RuntimeErrorKind } from "../diagnostics/codes.js";
import { RUNTIME_ERROR_KINDS } from "../diagnostics/codes.js";
import { diagnosticToJson, type JsonDiagnostic } from "../diagnostics/render-json.js";
import { renderFrame, renderPretty } from "../diagnostics/render-pretty.js";
import type { CallRecord, JsonValue, RunResult } from "../runtime/types.js";
import { LineMap, type Span } from "../syntax/span.js";
import pc from "picocolors";

/** One call of `run --format json`. */
export interface JsonCall {
  readonly fn: string;
  readonly args: readonly JsonValue[];
  readonly result?: JsonValue;
  readonly effect: string | null;
  readonly line: number;
  readonly seq: number;
  readonly replayed?: true;
}

/** The `run --format json` document. */
export interface JsonRunResult {
  readonly status: RunResult["status"];
  readonly result?: JsonValue;
  readonly error?: { readonly kind: RuntimeErrorKind; readonly message: string; readonly line?: number };
  readonly diagnostics?: readonly JsonDiagnostic[];
  readonly calls: readonly JsonCall[];
  readonly stats: { readonly calls: number; readonly wallMs: number };
  readonly output?: readonly string[];
}

function callToJson(c: CallRecord): JsonCall {
  return {
    fn: c.fn,
    args: c.args,
    ...(c.result !== undefined ? { result: c.result } : {}),
    effect: c.effect,
    line: c.line,
    seq: c.seq,
    ...(c.replayed === true ? { replayed: true as const } : {}),
  };
}

/** A `RunResult` in the contract's shape and key order (timings per call left out: output stays comparable). */
export function runResultToJson(r: RunResult): JsonRunResult {
  return {
    status: r.status,
    ...(r.status === "ok" ? { result: r.result ?? null } : {}),
    ...(r.error !== undefined
      ? {
          error: {
            kind: r.error.kind,
            message: r.error.message,
            ...(r.error.line !== undefined ? { line: r.error.line } : {}),
          },
        }
      : {}),
    ...(r.diagnostics !== undefined ? { diagnostics: r.diagnostics.map(diagnosticToJson) } : {}),
    calls: r.calls.map(callToJson),
    stats: { calls: r.stats.calls, wallMs: Math.round(r.stats.wallMs * 10) / 10 },
    ...(r.output !== undefined && r.output.length > 0 ? { output: r.output } : {}),
  };
}

/** A JSON value on one line, cut to `max` characters with `…`. */
export function shortJson(v: JsonValue | undefined, max = 80): string {
  if (v === undefined) return "…";
  const s = JSON.stringify(v);
  return s.length <= max ? s : s.slice(0, max - 1) + "…";
}

/** Options for the pretty run report. */
export interface PrettyRunOptions {
  readonly file: string;
  readonly source: string;
  readonly color: boolean;
  readonly width: number;
}

/** The pretty `run` report (ends with a newline). */
export function renderRunPretty(r: RunResult, opts: PrettyRunOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];
  if (r.status === "rejected") {
    out.push(
      renderPretty([{ file: opts.file, source: opts.source, diagnostics: r.diagnostics ?? [] }], {
        color: opts.color,
        width: opts.width,
      }),
    );
    out.push(`${c.bold(c.red("rejected"))}: the composition did not pass the check; nothing ran\n`);
    return out.join("\n");
  }
  if (r.calls.length > 0) {
    out.push(c.bold("calls:"));
    const w = String(Math.max(...r.calls.map((x) => x.seq))).length;
    for (const call of r.calls) {
      const args = call.args.map((a) => shortJson(a, 40)).join(", ");
      const effect = call.effect === null ? "" : `  ${c.yellow(`effect ${call.effect}`)}`;
      const replay = call.replayed === true ? `  ${c.dim("(replayed from the journal)")}` : "";
      out.push(
        `  ${String(call.seq).padStart(w)}  ${c.bold(call.fn)}(${args}) → ${shortJson(call.result)}${effect}  ${c.dim(`line ${call.line}`)}${replay}`,
      );
    }
  }
  for (const line of r.output ?? []) out.push(`${c.dim("print:")} ${line}`);
  const stats = `${r.stats.calls} call${r.stats.calls === 1 ? "" : "s"} in ${Math.round(r.stats.wallMs * 10) / 10} ms`;
  if (r.status === "ok") {
    out.push(`${c.bold("result:")} ${JSON.stringify(r.result ?? null)}`);
    out.push(`${c.bold(c.green("ok"))}: ${stats}`);
    return out.join("\n") + "\n";
  }
  const e = r.error ?? { kind: "runtime" as const, message: "the run failed", line: undefined };
  const text = `${c.bold(c.red(`error[${e.kind}]`))} ${c.dim(RUNTIME_ERROR_KINDS[e.kind])}${c.bold(":")} ${c.bold(e.message)}`;
  out.push(text);
  if (e.line !== undefined) {
    out.push(`${c.blue(" -->")} ${opts.file}:${e.line}`);
    const span = lineSpan(opts.file, opts.source, e.line);
    if (span !== undefined) {
      out.push(renderFrame(span, opts.source, { color: opts.color, width: opts.width }).trimEnd());
    }
  }
  out.push(`${c.bold(c.red("failed"))}: ${stats} before the error`);
  return out.join("\n") + "\n";
}

/** The span of a line's text without its indentation and trailing blanks. */
function lineSpan(file: string, source: string, line: number): Span | undefined {
  const map = new LineMap(source);
  if (line < 1 || line > map.lineCount) return undefined;
  const text = map.lineText(line);
  const startCol = text.length - text.trimStart().length + 1;
  const endCol = Math.max(startCol, text.trimEnd().length + 1);
  return {
    file,
    start: { offset: 0, line, column: startCol },
    end: { offset: 0, line, column: endCol },
  };
}
