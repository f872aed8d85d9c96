/**
 * Catalog calls made from inside JavaScript partial solutions ("tool
 * calls"), made first-class: each is recorded (function, arguments, result
 * or error, timing, the subtask and the run's call of it that made it) and
 * counted against the policy's budgets together with the composition's own
 * calls, one ledger per episode.
 *
 * Algorithm. The ledger counts every call that starts, per function, per
 * effect class, all calls and cost, as the runtime counts the
 * composition's. A tool call over a budget, or of a function the policy
 * wants approved (nobody approves inside an episode), is refused before it
 * starts with `ToolRefused`, which fails the subtask call (the run stops
 * with error kind `handler` and the budget's message). A composition call
 * is checked against the same ledger when its handler starts, so a call
 * the partial solutions' calls have pushed over a budget is refused too.
 * So that which call is refused does not depend on timing, a composition
 * call waits until every earlier call (in program order, the runtime's
 * `seq`) of a partial solution that declares tools has finished: tool
 * calls of call `s` are counted before any composition call after `s`, as
 * in a sequential run. The runtime already makes an effectful call wait
 * for every earlier call, so this delays only pure calls after such a
 * solution.
 *
 * A tool call's arguments are checked against the tool's parameters (the
 * checker cannot see inside JavaScript) and its result against the
 * declared type (`bad-result`), as the runtime checks the composition's.
 * Times are milliseconds since the run started, on the clock of the run's
 * `calls` and trace.
 */
import type { CatalogFunction } from "../catalog/types.js";
import { typeText } from "../catalog/type-text.js";
import type { RuntimeErrorKind } from "../diagnostics/codes.js";
import type { Policy } from "../policy/types.js";
import { fitsType, jsonCopy } from "../runtime/handlers.js";
import type { Handler, HandlerContext, Handlers, JsonValue, TraceEvent } from "../runtime/types.js";
import { ToolRefused, type ToolCallSite } from "./sandbox-solution.js";
import { handlerContext } from "./solutions.js";

/** One catalog call made by a JavaScript partial solution (`Episode.toolCalls`). */
export interface ToolCallRecord {
  /** Order in which the episode's partial solutions made their tool calls: 0, 1, … */
  readonly seq: number;
  /** The subtask whose partial solution made the call. */
  readonly subtask: string;
  /** The run's call of that subtask (its `seq` in `run.calls`) during which the call was made; absent outside a run. */
  readonly callSeq?: number;
  readonly fn: string;
  readonly args: readonly JsonValue[];
  /** The tool's effect class (always `null`: tools with an effect are refused). */
  readonly effect: string | null;
  /** The result, when the call succeeded. */
  readonly result?: JsonValue;
  /** Why the call failed or was refused (then it never started: `startMs` = `endMs`). */
  readonly error?: { readonly kind: RuntimeErrorKind; readonly message: string };
  readonly startMs: number;
  readonly endMs: number;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** What is wrong with a tool call's arguments, or undefined. */
function argumentProblem(fn: CatalogFunction, args: readonly JsonValue[]): string | undefined {
  const required = fn.params.filter((p) => !p.optional).length;
  if (args.length < required || args.length > fn.params.length) {
    const want = required === fn.params.length ? `${fn.params.length}` : `${required} to ${fn.params.length}`;
    return `\`${fn.name}\` takes ${want} argument${fn.params.length === 1 ? "" : "s"} (${fn.params
      .map((p) => `\`${p.name}\``)
      .join(", ")}), but the partial solution passed ${args.length}`;
  }
  for (let i = 0; i < args.length; i++) {
    const p = fn.params[i];
    const a = args[i];
    if (p === undefined || a === undefined) continue;
    if (p.optional && a === null) continue;
    if (!fitsType(a, p.type)) {
      return `argument \`${p.name}\` of \`${fn.name}\` must be ${typeText(p.type)}, but the partial solution passed ${shortJson(a)}`;
    }
  }
  return undefined;
}

function shortJson(v: JsonValue): string {
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The calls of one episode's run: the budget ledger and the tool-call records. */
export class ToolCalls {
  private readonly recorded: ToolCallRecord[] = [];
  private readonly used = { fns: new Map<string, number>(), effects: new Map<string, number>(), all: 0, cost: 0 };
  /** Tool calls counted in `used`. */
  private toolCount = 0;
  private t0 = performance.now();
  /** Running calls of partial solutions that declare tools, by the run's `seq`. */
  private readonly solving = new Map<number, Promise<void>>();
  private module: Promise<Handlers> | undefined;
  /** Set when some partial solution declares tools: the episode then carries `toolCalls`. */
  active = false;

  constructor(
    /** The run's policy; without one nothing is budgeted or needs approval. */
    private readonly policy: Policy | undefined,
    /** The catalog module's handlers, for functions no handler was given for. */
    private readonly moduleHandlers?: () => Promise<Handlers>,
  ) {}

  /** Every tool call so far, in the order made. */
  get records(): readonly ToolCallRecord[] {
    return [...this.recorded];
  }

  /** Put on the run's `onEvent`: aligns the clock with the run's (`run-start`). */
  onEvent(e: TraceEvent): void {
    if (e.type === "run-start") this.t0 = performance.now() - e.t;
  }

  /** True when the catalog module can serve `fn` (a handler exists there, and a loader was given). */
  canLoad(fn: CatalogFunction): boolean {
    return this.moduleHandlers !== undefined && fn.hasHandler;
  }

  private now(): number {
    return round3(performance.now() - this.t0);
  }

  private async handlerOf(name: string, given: Handler | undefined): Promise<Handler> {
    if (given !== undefined) return given;
    this.module ??= this.moduleHandlers?.() ?? Promise.resolve({});
    const h = (await this.module)[name];
    if (h === undefined) throw new Error(`no handler for \`${name}\``);
    return h;
  }

  /** The runtime's budget message for one more call of `fn`, or undefined when it fits. */
  private overBudget(fn: CatalogFunction): string | undefined {
    const b = this.policy?.budgets;
    if (b === undefined) return undefined;
    const used = this.used;
    const fnMax = b.functions.get(fn.name)?.max;
    if (fnMax !== undefined && (used.fns.get(fn.name) ?? 0) + 1 > fnMax) {
      return `\`${fn.name}\` may be called at most ${plural(fnMax, "time")} per run (policy budget)`;
    }
    if (fn.effect !== undefined) {
      const effMax = b.effects.get(fn.effect)?.max;
      if (effMax !== undefined && (used.effects.get(fn.effect) ?? 0) + 1 > effMax) {
        return `effect \`${fn.effect}\` may happen at most ${plural(effMax, "time")} per run (policy budget)`;
      }
    }
    if (b.all !== undefined && used.all + 1 > b.all.max) {
      return `at most ${b.all.max} catalog calls per run (policy budget \`*\`)`;
    }
    if (b.cost !== undefined && used.cost + fn.cost > b.cost.max) {
      return `the call of \`${fn.name}\` would bring the total cost to ${used.cost + fn.cost}; the policy allows ${b.cost.max}`;
    }
    return undefined;
  }

  private count(fn: CatalogFunction): void {
    const c = this.used;
    c.fns.set(fn.name, (c.fns.get(fn.name) ?? 0) + 1);
    if (fn.effect !== undefined) c.effects.set(fn.effect, (c.effects.get(fn.effect) ?? 0) + 1);
    c.all++;
    c.cost += fn.cost;
  }

  /** Waits for earlier calls of tool-using solutions, then checks and counts a composition call. */
  private async admit(fn: CatalogFunction, seq: number | undefined): Promise<void> {
    if (seq !== undefined) {
      const earlier = [...this.solving].flatMap(([s, p]) => (s < seq ? [p] : []));
      if (earlier.length > 0) await Promise.all(earlier);
    }
    const over = this.overBudget(fn);
    if (over !== undefined) {
      throw new Error(`${over}; partial solutions' tool calls count too (${this.toolCount} so far)`);
    }
    this.count(fn);
  }

  /** A composition call's handler: admitted by the ledger, then `given` (or the catalog module's) runs it. */
  composition(fn: CatalogFunction, given: Handler | undefined): Handler {
    return async (...raw: unknown[]): Promise<unknown> => {
      await this.admit(fn, handlerContext(raw)?.seq);
      const h = await this.handlerOf(fn.name, given);
      return h(...raw);
    };
  }

  /**
   * The handler of a subtask solved by a JavaScript partial solution that
   * declares tools: later composition calls wait for it (see the module
   * comment). `run` is the sandbox handler.
   */
  solution(fn: CatalogFunction, run: Handler): Handler {
    return async (...raw: unknown[]): Promise<unknown> => {
      const seq = handlerContext(raw)?.seq;
      let done: () => void = () => undefined;
      if (seq !== undefined) {
        this.solving.set(
          seq,
          new Promise<void>((resolve) => {
            done = resolve;
          }),
        );
      }
      try {
        await this.admit(fn, seq);
        return await run(...raw);
      } finally {
        if (seq !== undefined) this.solving.delete(seq);
        done();
      }
    };
  }

  /**
   * Makes one tool call of `subtask`'s partial solution: checks the
   * arguments, the budgets and approval, then runs `given` (or the catalog
   * module's handler) and checks the result. Rejects with `ToolRefused`
   * for a refusal that must fail the subtask call.
   */
  async call(
    subtask: string,
    tool: CatalogFunction,
    given: Handler | undefined,
    args: readonly JsonValue[],
    site: ToolCallSite,
  ): Promise<JsonValue> {
    const seq = this.recorded.length;
    const parent = site.context;
    const base = {
      seq,
      subtask,
      ...(parent !== undefined ? { callSeq: parent.seq } : {}),
      fn: tool.name,
      args,
      effect: tool.effect ?? null,
    };
    const startMs = this.now();
    const fail = (kind: RuntimeErrorKind, message: string, endMs = startMs): string => {
      this.recorded[seq] = { ...base, error: { kind, message }, startMs, endMs };
      return message;
    };
    const bad = argumentProblem(tool, args);
    if (bad !== undefined) throw new Error(fail("runtime", bad));
    if (this.policy?.approve.includes(tool.name) === true) {
      throw new ToolRefused(
        fail(
          "not-approved",
          `the call of \`${tool.name}\` was not approved: nobody can approve a call inside an episode`,
        ),
      );
    }
    const over = this.overBudget(tool);
    if (over !== undefined) throw new ToolRefused(fail("budget", over));
    this.count(tool);
    this.toolCount++;
    this.recorded[seq] = { ...base, startMs, endMs: startMs };
    const context: HandlerContext = {
      idempotencyKey: `${parent?.idempotencyKey ?? "episode"}/tool:${site.index}`,
      seq: parent?.seq ?? -1,
      signal: parent?.signal ?? new AbortController().signal,
    };
    let value: unknown;
    try {
      const h = await this.handlerOf(tool.name, given);
      value = await h(...(JSON.parse(JSON.stringify(args)) as JsonValue[]), context);
    } catch (e) {
      throw new Error(fail("handler", `\`${tool.name}\` failed: ${messageOf(e)}`, this.now()));
    }
    const result = jsonCopy(value);
    if (result === undefined || !fitsType(result, tool.returns)) {
      throw new Error(
        fail(
          "bad-result",
          result === undefined
            ? `\`${tool.name}\` returned a value that is not JSON`
            : `\`${tool.name}\` returned ${shortJson(result)}, which does not fit its declared type ${typeText(tool.returns)}`,
          this.now(),
        ),
      );
    }
    this.recorded[seq] = { ...base, result, startMs, endMs: this.now() };
    return result;
  }
}
