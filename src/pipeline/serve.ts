/**
 * `partwise serve --stdio`: the pipeline's operations as newline-delimited
 * JSON over standard input and output, so a training loop in another
 * language drives Partwise from a subprocess.
 *
 * Request: `{"id": any, "op": "check" | "run" | "explain" | "evaluate", …}`.
 * Response: `{"id", "ok": true, "result": …}` or `{"id", "ok": false,
 * "error": {"message"}}` for a request that cannot be served. `ok` says
 * whether the *request* succeeded; a rejected composition is a successful
 * `check` whose `result.ok` is false. A request that fails because of
 * subtask (or catalog, policy) problems also lists every one:
 * `"error": {"message", "problems": [{message, key?, help?, …}], "omitted"?}`
 * (as in batch error records, see `problems.ts`).
 *
 * - `check`: `{program, subtasks?}` → the report `{ok, diagnostics, bounds}`.
 * - `run`: `{program, input?, subtasks?}` → the run (as `run --format json`).
 *   Calls the policy asks approval for are refused: nobody can answer.
 * - `explain`: `{program, format?: "json" | "text"}` → the explanation.
 * - `evaluate`: `{program, subtasks?, input?, solutions?, judgements?,
 *   expected?, verifierScore?, reward?}` → an `Episode` (see episode.ts):
 *   `solutions` maps subtask names to recorded tables (`{"kind": "table",
 *   "results": {…}}`) or JavaScript source (`{"kind": "source", …}`);
 *   `judgements` maps them to partial rewards; R is 1/0 by deep equality
 *   with `expected`, or `verifierScore` when given (default 0).
 *
 * Requests run concurrently; each response carries its request's id, and
 * responses are written as requests finish (a `check` finishes at once, a
 * `run` when its calls do). Standard output carries only responses.
 */
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Catalog } from "../catalog/types.js";
import type { Policy } from "../policy/types.js";
import type { JsonValue } from "../runtime/types.js";
import { processEpisode, type BatchEpisode } from "./batch-line.js";
import { loadEngine, type Engine } from "./engine.js";
import { evaluateEpisode } from "./episode.js";
import { policyForCatalog, withSubtasks, type SubtaskDecl } from "./plan.js";
import { errorFields, errorProblems, type ErrorProblems } from "./problems.js";
import type { PartialSolution } from "./solutions.js";

/** Options of {@link serve}. */
export interface ServeOptions {
  readonly catalog: Catalog;
  readonly policy: Policy;
  readonly input?: Readable;
  readonly write?: (line: string) => void;
  readonly engine?: Engine;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class RequestError extends Error {
  constructor(
    message: string,
    /** Every problem, when the request fails because of subtask, catalog or policy problems. */
    readonly problems?: ErrorProblems,
  ) {
    super(message);
  }
}

function str(req: Record<string, unknown>, key: string): string {
  const v = req[key];
  if (typeof v !== "string") throw new RequestError(`\`${key}\` must be a string`);
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Answers one request (already parsed). Exported for tests. */
export async function handleRequest(
  req: Record<string, unknown>,
  opts: ServeOptions & { readonly engine: Engine },
): Promise<unknown> {
  const op = req.op;
  const subtasks = req.subtasks as readonly SubtaskDecl[] | undefined;
  if (subtasks !== undefined && !Array.isArray(subtasks)) throw new RequestError("`subtasks` must be a list");
  const input = req.input;
  if (input !== undefined && !isObject(input)) throw new RequestError("`input` must be an object");
  switch (op) {
    case "check":
    case "run": {
      const ep: BatchEpisode = {
        id: typeof req.id === "string" ? req.id : "<request>",
        program: str(req, "program"),
        ...(subtasks !== undefined ? { subtasks } : {}),
        ...(input !== undefined ? { input: input as Record<string, JsonValue> } : {}),
      };
      const r = await processEpisode(ep, 1, {
        engine: opts.engine,
        catalog: opts.catalog,
        policy: opts.policy,
        run: op === "run",
        features: req.features === true,
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.memoryMb !== undefined ? { memoryMb: opts.memoryMb } : {}),
      });
      if (r.error !== undefined) {
        const e = r.error as { message: string; problems?: ErrorProblems["problems"]; omitted?: number };
        throw new RequestError(
          e.message,
          e.problems !== undefined ? { problems: e.problems, omitted: e.omitted ?? 0 } : undefined,
        );
      }
      if (op === "run") return r.run;
      const { id: _id, ...report } = r;
      return report;
    }
    case "explain": {
      const program = str(req, "program");
      const catalog = withSubtasks(opts.catalog, subtasks);
      const policy = policyForCatalog(opts.policy, catalog);
      if (req.format === "text") {
        if (opts.engine.explainText === undefined) throw new RequestError("`explain` is not available");
        return opts.engine.explainText(program, { catalog, policy });
      }
      if (opts.engine.explainJson === undefined) throw new RequestError("`explain` is not available");
      return opts.engine.explainJson(program, { catalog, policy });
    }
    case "evaluate": {
      const program = str(req, "program");
      const solutions = isObject(req.solutions) ? (req.solutions as Record<string, PartialSolution>) : {};
      const judgements = isObject(req.judgements) ? (req.judgements as Record<string, number>) : {};
      for (const s of Object.values(solutions)) {
        if (!isObject(s) || (s.kind !== "table" && s.kind !== "source")) {
          throw new RequestError('each solution must be {"kind": "table", …} or {"kind": "source", …}');
        }
      }
      const expected = req.expected;
      const fixed = typeof req.verifierScore === "number" ? req.verifierScore : undefined;
      return evaluateEpisode({
        task: {
          ...(typeof req.id === "string" ? { id: req.id } : {}),
          ...(input !== undefined ? { input: input as Record<string, JsonValue> } : {}),
          ...(isObject(req.label) ? { label: req.label } : {}),
        },
        plan: { program, ...(subtasks !== undefined ? { subtasks } : {}) },
        catalog: opts.catalog,
        policy: opts.policy,
        proxy: {
          version: typeof req.judgeVersion === "string" ? req.judgeVersion : "serve",
          solve: (st) => solutions[st.name],
          judge: (st) => judgements[st.name] ?? 0,
        },
        verifier: (_task, s) => fixed ?? (expected !== undefined && deepEqual(s.result, expected) ? 1 : 0),
        ...(isObject(req.reward) ? { reward: req.reward } : {}),
        engine: opts.engine,
        trace: req.trace === true,
        run: {
          ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
          ...(opts.memoryMb !== undefined ? { memoryMb: opts.memoryMb } : {}),
        },
      });
    }
    default:
      throw new RequestError(`unknown op ${JSON.stringify(op)}; use one of "check", "run", "explain", "evaluate"`);
  }
}

/** Serves requests until the input ends; resolves when every response is written. */
export async function serve(opts: ServeOptions): Promise<void> {
  const engine = opts.engine ?? (await loadEngine());
  const write = opts.write ?? ((line: string): void => void process.stdout.write(line));
  const rl = createInterface({ input: opts.input ?? process.stdin, crlfDelay: Infinity });
  const inflight = new Set<Promise<void>>();
  for await (const text of rl) {
    if (text.trim() === "") continue;
    let req: unknown;
    try {
      req = JSON.parse(text);
    } catch (err) {
      write(JSON.stringify({ id: null, ok: false, error: { message: `not valid JSON: ${String(err)}` } }) + "\n");
      continue;
    }
    if (!isObject(req)) {
      write(JSON.stringify({ id: null, ok: false, error: { message: "a request must be a JSON object" } }) + "\n");
      continue;
    }
    const id = req.id ?? null;
    const p = handleRequest(req, { ...opts, engine })
      .then(
        (result) => JSON.stringify({ id, ok: true, result }),
        (err: unknown) =>
          JSON.stringify({
            id,
            ok: false,
            error: errorFields(
              err instanceof Error ? err.message : `internal error: ${String(err)}`,
              err instanceof RequestError ? err.problems : errorProblems(err),
            ),
          }),
      )
      .then((line) => {
        write(line + "\n");
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all([...inflight]);
}
