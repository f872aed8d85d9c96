/**
 * One step of the paper's planner-training loop (Figure 2b), evaluated
 * safely: the plan's subtasks join the catalog; the proxy solves and judges
 * each part (partial solutions and partial rewards); the composition is
 * checked, and runs in the sandbox only when the check passes (a rejected
 * composition makes no handler call); the verifier scores the result (R);
 * an optional summary judge scores `explain`'s text (the paper's solution
 * summarization); the reward follows `reward.ts`. Every episode records the
 * hashes of the program, catalog, subtasks and policy and the judge's
 * version, so every reward is attributable.
 *
 * The parts of an episode are the plan's subtasks, then the catalog
 * functions the composition calls, in order of first call site. For a
 * catalog function `proxy.solve` may return `undefined`: the environment's
 * handler serves it and it gets no partial reward.
 *
 * Catalog calls a JavaScript partial solution makes (its declared `tools`)
 * are recorded on the episode as `toolCalls` and counted against the
 * policy's budgets with the composition's calls (`tool-calls.ts`). Only
 * pure tools may be declared: the checker cannot see a call made inside
 * JavaScript (flows, order, effect-in-loop) and an episode has no journal.
 */
import type { Catalog, CatalogFunction } from "../catalog/types.js";
import type { CheckReport } from "../checker/report.js";
import type { Policy } from "../policy/types.js";
import type { Module } from "../syntax/ast.js";
import type { Handler, Handlers, JsonValue, RunResult, TraceEvent } from "../runtime/types.js";
import { loadEngine, type Engine } from "./engine.js";
import type { CompositionFeatures } from "./features.js";
import {
  PlanError,
  policyForCatalog,
  sha256,
  subtasksHash,
  withSubtasks,
  type Plan,
  type SubtaskDecl,
} from "./plan.js";
import { computeReward, type Reward, type RewardConfig, type RewardFunction } from "./reward.js";
import { errorProblems, type ProblemRecord } from "./problems.js";
import { sandboxHandler, type SandboxLimits } from "./sandbox-solution.js";
import {
  normalizeSolution,
  tableHandler,
  type PartialSolution,
  type PartialSolutionLike,
  type SourceSolution,
} from "./solutions.js";
import { ToolCalls, type ToolCallRecord } from "./tool-calls.js";

/** The task an episode works on. Anything besides `input` is for the proxy and the verifier. */
export interface Task {
  readonly id?: string;
  /** Values of the catalog's inputs for the run. */
  readonly input?: Readonly<Record<string, JsonValue>>;
  /** Whole-solution label, carried into the episode for `partwise p2c`. */
  readonly label?: EpisodeLabel;
  readonly [key: string]: unknown;
}

/** A whole-solution label and, optionally, recorded partial judgements. */
export interface EpisodeLabel {
  /** Is the complete solution aligned? (`"aligned"`/`"unaligned"` or a boolean.) */
  readonly whole?: "aligned" | "unaligned" | boolean;
  /** Per part: aligned or not (a boolean, a label, or a reward compared with p2c's threshold). */
  readonly parts?: Readonly<Record<string, boolean | number | "aligned" | "unaligned">>;
  readonly [key: string]: unknown;
}

/** One part as the proxy sees it. */
export interface Subtask {
  readonly name: string;
  /** `plan`: declared by the planner; `catalog`: an environment tool the composition calls. */
  readonly origin: "plan" | "catalog";
  readonly fn: CatalogFunction;
  readonly decl?: SubtaskDecl;
}

/** The human-level proxy H_ϕ: solves subtasks and judges the solutions. */
export interface Proxy {
  /** Version of the judge, recorded on every episode (default `"unversioned"`). */
  readonly version?: string;
  /** The partial solution of one subtask; `undefined` leaves a catalog function to the environment. */
  solve(subtask: Subtask, task: Task): PartialSolutionLike | undefined | Promise<PartialSolutionLike | undefined>;
  /** The partial reward of a solution. */
  judge?(subtask: Subtask, solution: PartialSolution, task: Task): number | Promise<number>;
}

/** What the verifier sees: the complete solution S. */
export interface Solution {
  readonly result: JsonValue | undefined;
  readonly run: RunResult;
  /** Catalog calls the JavaScript partial solutions made during the run (see `Episode.toolCalls`). */
  readonly toolCalls: readonly ToolCallRecord[];
}

/** The verifier V: scores the complete solution (R). A bare function or an object with a version. */
export type Verifier =
  | ((task: Task, solution: Solution) => number | Promise<number>)
  | {
      readonly version?: string;
      verify(task: Task, solution: Solution): number | Promise<number>;
    };

/** Scores the summary (explain's text) of a composition. */
export type SummaryJudge =
  | ((summary: string, task: Task) => number | Promise<number>)
  | {
      readonly version?: string;
      judge(summary: string, task: Task): number | Promise<number>;
    };

/** Arguments of {@link evaluateEpisode}. */
export interface EpisodeOptions {
  readonly task: Task;
  readonly plan: Plan;
  readonly catalog: Catalog;
  readonly policy: Policy;
  readonly proxy: Proxy;
  readonly verifier: Verifier;
  readonly summaryJudge?: SummaryJudge;
  /** The reward formula's knobs, or a custom formula. */
  readonly reward?: Partial<RewardConfig> | RewardFunction;
  /** Host handlers of the environment's catalog functions (default: the runtime's, from the catalog module). */
  readonly handlers?: Handlers;
  /** Run limits. */
  readonly run?: { readonly timeoutMs?: number; readonly memoryMb?: number; readonly concurrency?: number };
  /** Limits of each call of a JavaScript-source partial solution. */
  readonly sandbox?: Partial<SandboxLimits>;
  /** Keep the full trace on the episode (default true). */
  readonly trace?: boolean;
  /** The checker and runtime to use (default: the real ones). */
  readonly engine?: Engine;
}

/** One part's partial solution and reward. */
export interface PartRecord {
  readonly name: string;
  readonly origin: "plan" | "catalog";
  /** How it was solved; `environment` when the proxy left it to the catalog's handler. */
  readonly solution: PartialSolution["kind"] | "environment" | "unsolved";
  /** The proxy's partial reward (absent for an environment part or without a judge). */
  readonly reward?: number;
  /** Why solving or judging failed. */
  readonly error?: string;
}

/** The outcome of an episode. */
export type EpisodeStatus = "ok" | "rejected" | "run-error" | "invalid-plan";

/** What `evaluateEpisode` returns: everything needed to train on and to attribute the reward. */
export interface Episode {
  readonly id?: string;
  readonly status: EpisodeStatus;
  /** The static report (for an invalid plan: `ok: false` with no diagnostics; see `planError`). */
  readonly report: CheckReport;
  /** Why the plan is invalid: its first problem. */
  readonly planError?: string;
  /** Every problem of the plan's subtask declarations (at most 50), as in batch error records. */
  readonly planProblems?: readonly ProblemRecord[];
  /** Structural features from the checker's facts; absent when the composition does not parse. */
  readonly features?: CompositionFeatures;
  readonly parts: readonly PartRecord[];
  /** The run, when the check passed. */
  readonly run?: RunResult;
  readonly trace?: readonly TraceEvent[];
  /**
   * Catalog calls made by JavaScript partial solutions during the run, in
   * the order made; present when the episode ran and some such solution
   * declares tools.
   */
  readonly toolCalls?: readonly ToolCallRecord[];
  /** The verifier's R (only when the run succeeded). */
  readonly verifier?: number;
  readonly summary?: { readonly text: string; readonly score: number | undefined };
  readonly reward: Reward;
  readonly label?: EpisodeLabel;
  readonly hashes: {
    readonly program: string;
    readonly catalog: string;
    readonly subtasks?: string;
    readonly policy: string;
    readonly judge: string;
    readonly verifier: string;
    readonly summaryJudge?: string;
  };
}

function versionOf(x: unknown): string {
  if (typeof x === "object" && x !== null && "version" in x && typeof x.version === "string") return x.version;
  return "unversioned";
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function countBySeverity(report: CheckReport): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of report.diagnostics) {
    if (d.severity === "error") errors++;
    else warnings++;
  }
  return { errors, warnings };
}

/** Catalog functions in order of first call site (from the AST when parsed, else the report's bounds). */
function calledFunctions(module: Module | undefined, report: CheckReport, catalog: Catalog): string[] {
  const names = new Set<string>();
  if (module !== undefined) {
    // Call sites in source order: scan the JSON of the tree once; cheap and independent of node kinds.
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) {
        v.forEach(visit);
      } else if (typeof v === "object" && v !== null) {
        const o = v as Record<string, unknown>;
        if (o.kind === "Call") {
          const callee = o.callee as { kind?: unknown; name?: unknown } | undefined;
          if (callee?.kind === "Name" && typeof callee.name === "string" && catalog.functions.has(callee.name)) {
            // Arguments are evaluated before the call itself, but a person reads the callee first.
            names.add(callee.name);
          }
        }
        for (const [k, x] of Object.entries(o)) if (k !== "span" && k !== "header" && k !== "nameSpan") visit(x);
      }
    };
    visit(module.body);
  }
  for (const name of Object.keys(report.bounds)) if (catalog.functions.has(name)) names.add(name);
  return [...names];
}

/**
 * Evaluates one episode. Never throws for a bad plan, a failing proxy, a
 * rejected composition or a failing run: each is recorded on the episode.
 */
export async function evaluateEpisode(opts: EpisodeOptions): Promise<Episode> {
  const engine = opts.engine ?? (await loadEngine());
  const { task, plan, proxy } = opts;
  const program = plan.program;
  const subtasks = plan.subtasks ?? [];
  const baseHashes = {
    program: sha256(program),
    catalog: opts.catalog.hash,
    ...(subtasks.length > 0 ? { subtasks: subtasksHash(opts.catalog.hash, subtasks) } : {}),
    judge: versionOf(proxy),
    verifier: versionOf(opts.verifier),
    ...(opts.summaryJudge !== undefined ? { summaryJudge: versionOf(opts.summaryJudge) } : {}),
  };
  const common = {
    ...(task.id !== undefined ? { id: task.id } : {}),
    ...(task.label !== undefined ? { label: task.label } : {}),
  };

  // 1. The plan's subtasks join the catalog.
  let catalog: Catalog;
  let policy: Policy;
  try {
    catalog = withSubtasks(opts.catalog, subtasks);
    policy = policyForCatalog(opts.policy, catalog);
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    const report: CheckReport = { ok: false, diagnostics: [], bounds: {} };
    return {
      ...common,
      status: "invalid-plan",
      report,
      planError: err.message,
      planProblems: errorProblems(err)?.problems ?? [{ message: err.message }],
      parts: [],
      reward: computeReward(
        { outcome: "rejected", verifier: undefined, partial: [], summary: undefined, errors: 0, warnings: 0 },
        opts.reward,
      ),
      hashes: { ...baseHashes, policy: opts.policy.hash },
    };
  }

  // 2. The static report, and the structure of the composition.
  const report = engine.check(program, { catalog, policy, file: task.id ?? "<episode>" });
  let module: Module | undefined;
  if (engine.parse !== undefined) {
    try {
      module = engine.parse(program, task.id ?? "<episode>").module;
    } catch {
      module = undefined;
    }
  }
  const features = engine.features?.(program, { catalog, policy, file: task.id ?? "<episode>" });

  // 3. Partial solutions and partial rewards.
  const subtaskList: Subtask[] = [];
  for (const decl of subtasks) {
    const fn = catalog.functions.get(decl.name);
    if (fn !== undefined) subtaskList.push({ name: decl.name, origin: "plan", fn, decl });
  }
  for (const name of calledFunctions(module, report, opts.catalog)) {
    const fn = opts.catalog.functions.get(name);
    if (fn !== undefined) subtaskList.push({ name, origin: "catalog", fn });
  }
  const parts: PartRecord[] = [];
  const solutions = new Map<string, PartialSolution>();
  for (const st of subtaskList) {
    let solution: PartialSolution | undefined;
    try {
      const s = await proxy.solve(st, task);
      solution = s === undefined ? undefined : normalizeSolution(s);
    } catch (err) {
      parts.push({ name: st.name, origin: st.origin, solution: "unsolved", error: `solve failed: ${errorText(err)}` });
      continue;
    }
    if (solution === undefined) {
      parts.push({ name: st.name, origin: st.origin, solution: st.origin === "plan" ? "unsolved" : "environment" });
      continue;
    }
    solutions.set(st.name, solution);
    if (proxy.judge === undefined) {
      parts.push({ name: st.name, origin: st.origin, solution: solution.kind });
      continue;
    }
    try {
      const reward = await proxy.judge(st, solution, task);
      parts.push({ name: st.name, origin: st.origin, solution: solution.kind, reward });
    } catch (err) {
      parts.push({
        name: st.name,
        origin: st.origin,
        solution: solution.kind,
        error: `judge failed: ${errorText(err)}`,
      });
    }
  }
  const partial = parts.flatMap((p) => (p.reward !== undefined ? [p.reward] : []));

  // 4. The summary judge on explain's text (the paper's solution summarization).
  let summary: Episode["summary"];
  if (opts.summaryJudge !== undefined && engine.explainText !== undefined) {
    let text: string | undefined;
    try {
      text = engine.explainText(program, { catalog, policy });
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      const j = opts.summaryJudge;
      const score = typeof j === "function" ? await j(text, task) : await j.judge(text, task);
      summary = { text, score };
    }
  }

  const counts = countBySeverity(report);
  const hashes = { ...baseHashes, catalog: opts.catalog.hash, policy: policy.hash };
  const base = {
    ...common,
    report,
    ...(features !== undefined ? { features } : {}),
    parts,
    ...(summary !== undefined ? { summary } : {}),
    hashes,
  };

  // 5. A rejected composition never runs.
  if (!report.ok) {
    return {
      ...base,
      status: "rejected",
      reward: computeReward(
        { outcome: "rejected", verifier: undefined, partial, summary: summary?.score, ...counts },
        opts.reward,
      ),
    };
  }

  // 6. Run with the partial solutions as handlers, then verify.
  const loadModule = engine.handlers;
  const toolCalls = new ToolCalls(
    policy,
    loadModule !== undefined ? (): Promise<Handlers> => loadModule(opts.catalog) : undefined,
  );
  const handlers = buildHandlers(catalog, solutions, opts.handlers, opts.sandbox, toolCalls);
  const trace: TraceEvent[] = [];
  const keepTrace = opts.trace !== false;
  const run = await engine.run(program, {
    catalog,
    policy,
    ...(handlers !== undefined ? { handlers } : {}),
    ...(task.input !== undefined ? { input: task.input } : {}),
    ...(opts.run?.timeoutMs !== undefined ? { timeoutMs: opts.run.timeoutMs } : {}),
    ...(opts.run?.memoryMb !== undefined ? { memoryMb: opts.run.memoryMb } : {}),
    ...(opts.run?.concurrency !== undefined ? { concurrency: opts.run.concurrency } : {}),
    onEvent: (e: TraceEvent): void => {
      toolCalls.onEvent(e);
      if (keepTrace) trace.push(e);
    },
    // Approval belongs to a person; an unattended episode refuses (the run stops with `not-approved`).
    approve: () => Promise.resolve(false),
  });
  const madeCalls = toolCalls.records;
  const withRun = {
    ...base,
    run,
    ...(keepTrace ? { trace } : {}),
    ...(toolCalls.active ? { toolCalls: madeCalls } : {}),
  };
  if (run.status !== "ok") {
    return {
      ...withRun,
      status: run.status === "rejected" ? "rejected" : "run-error",
      reward: computeReward(
        {
          outcome: run.status === "rejected" ? "rejected" : "run-error",
          verifier: undefined,
          partial,
          summary: summary?.score,
          ...counts,
        },
        opts.reward,
      ),
    };
  }
  const solution: Solution = { result: run.result, run, toolCalls: madeCalls };
  const v = opts.verifier;
  const R = typeof v === "function" ? await v(task, solution) : await v.verify(task, solution);
  return {
    ...withRun,
    status: "ok",
    verifier: R,
    reward: computeReward({ outcome: "ok", verifier: R, partial, summary: summary?.score, ...counts }, opts.reward),
  };
}

/**
 * The handlers of a run: the environment's, overlaid with the partial
 * solutions. A JavaScript solution may call the pure catalog tools it
 * declares, served by the other handlers (or the catalog module's, when
 * `calls` can load them); when one declares tools, every call goes through
 * `calls` (see `tool-calls.ts`), which records the tool calls and counts
 * them against the policy's budgets with the composition's own. A tool
 * that is not in the catalog, is the subtask itself, has an effect, is
 * itself solved by JavaScript, or has no handler makes the subtask's
 * handler fail with a message that says so.
 */
export function buildHandlers(
  catalog: Catalog,
  solutions: ReadonlyMap<string, PartialSolution>,
  environment: Handlers | undefined,
  sandbox?: Partial<SandboxLimits>,
  calls: ToolCalls = new ToolCalls(undefined),
): Handlers | undefined {
  if (solutions.size === 0) return environment;
  const out: Record<string, Handler> = { ...environment };
  for (const [name, s] of solutions) {
    if (s.kind === "handler") out[name] = s.handler;
    else if (s.kind === "table") out[name] = tableHandler(name, s);
  }
  /** Handlers of everything but the JavaScript solutions: what tools are served by. */
  const served: Readonly<Record<string, Handler>> = { ...out };
  const withTools: [CatalogFunction, SourceSolution][] = [];
  for (const [name, s] of solutions) {
    if (s.kind !== "source") continue;
    const refusal = toolRefusal(name, s, catalog, solutions, served, calls);
    const fn = catalog.functions.get(name);
    if (refusal !== undefined) {
      out[name] = () => {
        throw new Error(refusal);
      };
    } else if ((s.tools ?? []).length === 0 || fn === undefined) {
      out[name] = sandboxHandler(name, s, [], () => Promise.reject(new Error("no tools")), sandbox);
    } else {
      withTools.push([fn, s]);
    }
  }
  if (withTools.length === 0) return out;
  calls.active = true;
  const solved = new Set(withTools.map(([fn]) => fn.name));
  for (const fn of catalog.functions.values()) {
    if (solved.has(fn.name)) continue;
    const given = out[fn.name];
    if (given !== undefined || calls.canLoad(fn)) out[fn.name] = calls.composition(fn, given);
  }
  for (const [fn, s] of withTools) {
    const tools = s.tools ?? [];
    const run = sandboxHandler(
      fn.name,
      s,
      tools,
      (tool, args, site) => {
        const t = catalog.functions.get(tool);
        if (t === undefined) return Promise.reject(new Error(`\`${tool}\` is not in the catalog`));
        return calls.call(fn.name, t, served[tool], args, site);
      },
      sandbox,
    );
    out[fn.name] = calls.solution(fn, run);
  }
  return out;
}

/** Why a JavaScript solution's declared tools cannot be served, or undefined. */
function toolRefusal(
  name: string,
  s: SourceSolution,
  catalog: Catalog,
  solutions: ReadonlyMap<string, PartialSolution>,
  served: Readonly<Record<string, Handler>>,
  calls: ToolCalls,
): string | undefined {
  for (const tool of s.tools ?? []) {
    const fn = catalog.functions.get(tool);
    const why =
      fn === undefined
        ? "is not in the catalog"
        : fn.effect !== undefined
          ? `has an effect (\`${fn.effect}\`): a partial solution may call only pure tools, because the checker cannot see a call made inside JavaScript (flows, order, effects in loops) and an episode keeps no journal; call \`${tool}\` from the composition instead`
          : tool === name
            ? "is the subtask itself"
            : solutions.get(tool)?.kind === "source"
              ? "is itself solved by JavaScript source (a tool must be served by a handler or a recorded table)"
              : served[tool] === undefined && !calls.canLoad(fn)
                ? "has no host handler here (pass `handlers`)"
                : undefined;
    if (why !== undefined) return `partial solution of \`${name}\` declares the tool \`${tool}\`, which ${why}`;
  }
  return undefined;
}
