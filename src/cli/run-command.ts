/**
 * `partwise run FILE.pw --catalog C [--policy P] [--input I.json] [--format pretty|json]
 * [--trace T.jsonl] [--journal J.jsonl] [--concurrency N] [--timeout-ms N] [--memory-mb N]
 * [--approve all|none]`.
 *
 * The composition is checked first, here: a rejected one is reported
 * without loading the runtime (and without running anything); an accepted
 * one is handed to `run` with its report (`checked`), so it is not checked
 * twice. Notes of the run (a stale journal lock taken over) go to standard
 * error. Exit 0 ok,
 * 1 rejected, 3 runtime failure; 2 for a usage error or a run that failed
 * because of the input file (error kind `input`).
 */
import type { CheckReport } from "../checker/report.js";
import { UsageError } from "../errors.js";
import type { JsonValue, PendingCall, RunResult, TraceEvent } from "../runtime/types.js";
import { askApproval, type PromptStreams } from "./approval-prompt.js";
import { checkBytes } from "./check-file.js";
import { LineWriter, assertWritable, readJsonFile, readSourceBytes } from "./io.js";
import { loadContext, type Context } from "./load.js";
import type { Output } from "./output.js";
import { renderRunPretty, runResultToJson } from "./run-output.js";

export interface RunCommandOptions {
  readonly catalog: string;
  readonly policy: string | undefined;
  readonly input: string | undefined;
  readonly format: "pretty" | "json";
  readonly trace: string | undefined;
  readonly journal: string | undefined;
  readonly concurrency: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly memoryMb: number | undefined;
  /** `all` or `none`; undefined asks on the terminal when there is one, else `none`. */
  readonly approve: "all" | "none" | undefined;
}

/** The exit code for a finished run. */
export function runExitCode(r: RunResult): number {
  switch (r.status) {
    case "ok":
      return 0;
    case "rejected":
      return 1;
    case "error":
      return r.error?.kind === "input" ? 2 : 3;
  }
}

/** Reads `--input`: a JSON object of input values. */
export function readInputFile(file: string): Readonly<Record<string, JsonValue>> {
  const v = readJsonFile(file, "input");
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new UsageError(
      "the input must be a JSON object of input values",
      file,
      1,
      'write e.g. {"users": ["kim", "lee"]}',
    );
  }
  return v as Readonly<Record<string, JsonValue>>;
}

/**
 * Runs `run`; returns the exit code. Calls the policy asks approval for are
 * asked about on `terminal` unless `--approve` answers them; without
 * `terminal`, on standard input and standard error when both are terminals
 * and the composition is not read from standard input, else refused.
 */
export async function runCommand(
  path: string,
  opts: RunCommandOptions,
  out: Output,
  terminal?: PromptStreams,
): Promise<number> {
  const src = await readSourceBytes(path);
  const input = opts.input === undefined ? undefined : readInputFile(opts.input);
  if (opts.trace !== undefined) assertWritable(opts.trace, "trace");
  const ctx = await loadContext(opts.catalog, opts.policy);
  const checked = checkBytes(src.file, src.bytes, ctx);
  const show = (r: RunResult): number => {
    out.stdout(
      opts.format === "json"
        ? JSON.stringify(runResultToJson(r), null, 2) + "\n"
        : renderRunPretty(r, { file: src.file, source: checked.source, color: out.color, width: out.width }),
    );
    return runExitCode(r);
  };
  if (!checked.report.ok) {
    return show({
      status: "rejected",
      calls: [],
      stats: { calls: 0, wallMs: 0 },
      diagnostics: checked.report.diagnostics,
    });
  }

  assertHandlers(checked.report.bounds, ctx, opts.catalog);

  const trace = opts.trace === undefined ? undefined : new LineWriter(opts.trace, "trace");
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once("SIGINT", onSigint);
  const ask = opts.approve === undefined ? (terminal ?? processTerminal(path)) : undefined;
  const approve =
    ask !== undefined
      ? (call: PendingCall): Promise<boolean> => askApproval(call, ask)
      : (_call: PendingCall): Promise<boolean> => Promise.resolve(opts.approve === "all");
  try {
    const { run } = await import("../runtime/run.js");
    const result = await run(checked.source, {
      catalog: ctx.catalog,
      policy: ctx.policy,
      file: src.file,
      ...(input !== undefined ? { input } : {}),
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.memoryMb !== undefined ? { memoryMb: opts.memoryMb } : {}),
      ...(opts.journal !== undefined ? { journal: opts.journal } : {}),
      onEvent: (e: TraceEvent) => {
        trace?.write(JSON.stringify(e));
        if (e.type === "note") out.stderr(`partwise: note: ${e.message}\n`);
      },
      checked: {
        source: checked.source,
        report: checked.report,
        catalog: ctx.catalog,
        policy: ctx.policy,
        file: src.file,
      },
      signal: abort.signal,
      approve,
    });
    return show(result);
  } finally {
    process.removeListener("SIGINT", onSigint);
    trace?.close();
  }
}

/**
 * The CLI can only run catalog functions that have a body in the catalog
 * module (the API can pass `handlers`): a function the composition may call
 * without one makes the catalog unusable for `run` (exit 2), before
 * anything runs.
 */
function assertHandlers(bounds: CheckReport["bounds"], ctx: Context, catalogFile: string): void {
  const missing = Object.entries(bounds)
    .filter(([fn, b]) => b.max !== 0 && ctx.catalog.functions.get(fn)?.hasHandler === false)
    .map(([fn]) => `\`${fn}\``);
  if (missing.length === 0) return;
  const fns = missing.join(", ");
  throw new UsageError(
    `the catalog has no handler for ${fns}, which the composition calls`,
    catalogFile,
    undefined,
    ctx.catalog.format === "mcp"
      ? "an MCP tool list gives only signatures: run with a TypeScript catalog whose exported functions have bodies, or call `run()` with `handlers`"
      : `give ${fns} a body in the catalog (\`export declare function\` is check-only)`,
  );
}

/** Standard input and standard error, when a person can be asked there. */
function processTerminal(path: string): PromptStreams | undefined {
  return path !== "-" && process.stdin.isTTY && process.stderr.isTTY
    ? { input: process.stdin, output: process.stderr }
    : undefined;
}
