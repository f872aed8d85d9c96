/**
 * `run`: check, compile, and run a composition in the sandbox, with the
 * catalog's handlers in this thread (contract.md, "Library API" and
 * "Journal and effects"; language.md, "Parallel execution").
 *
 * Algorithm. The checker runs first; a rejected composition makes no call.
 * The compiled program runs in a pooled sandbox thread (`pool.ts`). The guest
 * issues catalog calls in program order, so the host numbers them
 * 0, 1, 2, … as they arrive; that number is the trace and journal order
 * whatever overlaps. Per call, in order: journal replay or divergence, the
 * policy's budgets (refused before the call starts), approval, then a FIFO
 * queue of at most `concurrency` running handlers. A handler's result is a
 * JSON copy checked against the catalog type. A host-side failure of call
 * `seq` is sent to the guest as an error for that call and stops every
 * queued call after it; the guest reports the first failure in program
 * order, exactly as sequential execution would. Only the deadline and the
 * abort signal end a run from the host side at once. The result lists every
 * call that was made (contract: "the calls made so far are still listed"),
 * including pure calls that overlapped a failing one and come after it in
 * program order; no effect ever starts after a failure.
 *
 * A journal is locked for as long as it is open (`journal.ts`): a run that
 * finds it held by another live process stops with `journal-locked`
 * before calling anything.
 */
import { randomUUID } from "node:crypto";
import type { Catalog, CatalogFunction } from "../catalog/types.js";
import { check, checkModule, defaultPolicy } from "../checker/check.js";
import type { CheckReport } from "../checker/report.js";
import { RUNTIME_ERROR_KINDS, type RuntimeErrorKind } from "../diagnostics/codes.js";
import type { Policy } from "../policy/types.js";
import { parse } from "../syntax/parse.js";
import { compile, compileInfo, type CompileInfo } from "./codegen.js";
import { catalogHandlers, fitsType, jsonCopy } from "./handlers.js";
import { typeText } from "../catalog/type-text.js";
import { Journal, JournalBusyError } from "./journal.js";
import { startGuest, type GuestSession } from "./pool.js";
import { PRELUDE } from "./prelude.js";
import type { GuestEvent, GuestOutcome } from "./sandbox.js";
import { Tracer } from "./trace.js";
import type {
  CallRecord,
  Handler,
  HandlerContext,
  Handlers,
  JsonValue,
  PendingCall,
  RunError,
  RunResult,
  TraceEvent,
} from "./types.js";

/** Options of `run` (contract.md, "Library API", plus a few of the runtime's own). */
export interface RunOptions {
  readonly catalog: Catalog;
  /** Defaults to the `recommended` preset for the catalog. */
  readonly policy?: Policy;
  /** Handlers by function name; a function not named here uses the catalog module's export. */
  readonly handlers?: Handlers;
  /** Values of the catalog's declared inputs. */
  readonly input?: object;
  /** Handlers running at once (default 8). */
  readonly concurrency?: number;
  /** Wall-clock limit of the whole run, handlers included (default 60 000). */
  readonly timeoutMs?: number;
  /** Guest heap limit in MB (default 64). */
  readonly memoryMb?: number;
  /** Journal file (JSON Lines) that makes the run resumable without repeating effects. */
  readonly journal?: string;
  /** Receives every trace event as it happens. */
  readonly onEvent?: (e: TraceEvent) => void;
  /** Aborts the run (error kind `aborted`); handlers see it through their context. */
  readonly signal?: AbortSignal;
  /** Asked before each call of a function in the policy's `approve`; without it such calls are refused. */
  readonly approve?: (call: PendingCall) => Promise<boolean>;
  /** Step budget of the guest (loop iterations and operations); 0 or absent = unlimited. */
  readonly maxSteps?: number;
  /** Time limit of one handler call (error kind `handler`); absent = only the run's deadline. */
  readonly handlerTimeoutMs?: number;
  /** Also append every trace event to this JSON Lines file. */
  readonly trace?: string;
  /** File name used in diagnostics (default `<input>`). */
  readonly file?: string;
  /**
   * The result of checking this composition already, so that `run` does not
   * check it again (the CLI checks before it loads the runtime). Used only
   * when its `source`, `catalog`, `policy` (both by identity; an absent
   * policy means the default one) and `file` are those of this run;
   * otherwise it is ignored and the composition is checked here. A
   * matching report that is not `ok` gives `status: "rejected"` with its
   * diagnostics. The report is trusted, not verified: pass only what
   * `check` returned for exactly these inputs.
   */
  readonly checked?: CheckedComposition;
}

/** A composition and what `check` said about it (`RunOptions.checked`). */
export interface CheckedComposition {
  readonly source: string;
  readonly report: CheckReport;
  readonly catalog: Catalog;
  /** The policy it was checked with; absent: the default policy of `catalog`. */
  readonly policy?: Policy;
  /** The file name it was checked under; absent: `<input>`. */
  readonly file?: string;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MEMORY_MB = 64;

/** Checks and runs a composition. Never rejects for a problem of the composition or its handlers. */
export async function run(source: string, opts: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const wallMs = (): number => Math.round((performance.now() - t0) * 100) / 100;
  const policy = opts.policy ?? defaultPolicy(opts.catalog);
  const file = opts.file ?? "<input>";
  const prepared =
    opts.checked !== undefined && isSameCheck(opts.checked, source, opts.catalog, policy, file)
      ? prepareChecked(source, opts.catalog, policy, file, opts.checked.report)
      : prepare(source, opts.catalog, policy, file);
  if (!prepared.report.ok || prepared.code === undefined) {
    return {
      status: "rejected",
      calls: [],
      stats: { calls: 0, wallMs: wallMs() },
      diagnostics: prepared.report.diagnostics,
    };
  }
  const tracer = new Tracer(opts.onEvent, opts.trace);
  let journal: Journal | undefined;
  let busy: Failure | undefined;
  try {
    journal = opts.journal === undefined ? undefined : Journal.open(opts.journal);
  } catch (e) {
    if (!(e instanceof JournalBusyError)) {
      tracer.close();
      throw e;
    }
    // No runtime error kind names a busy journal; this is the journal problem closest to it.
    busy = { kind: "journal-locked", message: e.message };
  }
  const host = new Host(opts, policy, journal, tracer, t0);
  try {
    return busy !== undefined ? host.refuse(busy) : await host.execute(prepared.code, prepared.prelude);
  } finally {
    tracer.close();
    host.releaseJournalWhenIdle();
  }
}

/** Whether `checked` was made from exactly this source, catalog, policy and file. */
function isSameCheck(
  checked: CheckedComposition,
  source: string,
  catalog: Catalog,
  policy: Policy,
  file: string,
): boolean {
  return (
    checked.catalog === catalog &&
    (checked.policy ?? defaultPolicy(checked.catalog)) === policy &&
    (checked.file ?? "<input>") === file &&
    checked.source === source
  );
}

// ---------------------------------------------------------------- check + compile (cached)

interface Prepared {
  readonly report: CheckReport;
  /** Undefined when the report is not ok. */
  readonly code: string | undefined;
  /** The guest runtime (the same for every program: the sandbox keeps it compiled, see `sandbox.ts`). */
  readonly prelude: string;
}

const CACHE_SIZE = 256;
const prepCache = new WeakMap<Catalog, WeakMap<Policy, Map<string, Prepared>>>();
const infoCache = new WeakMap<Catalog, CompileInfo>();

/** Checks and compiles, cached per catalog, policy, file and source (all immutable). */
function prepare(source: string, catalog: Catalog, policy: Policy, file: string): Prepared {
  let byPolicy = prepCache.get(catalog);
  if (byPolicy === undefined) prepCache.set(catalog, (byPolicy = new WeakMap()));
  let lru = byPolicy.get(policy);
  if (lru === undefined) byPolicy.set(policy, (lru = new Map<string, Prepared>()));
  const key = `${file}\0${source}`;
  const hit = lru.get(key);
  if (hit !== undefined) {
    lru.delete(key);
    lru.set(key, hit);
    return hit;
  }
  const parsed = parse(source, file);
  const report =
    parsed.diagnostics.length === 0
      ? checkModule(parsed.module, catalog, policy)
      : check(source, { catalog, policy, file });
  let info = infoCache.get(catalog);
  if (info === undefined) infoCache.set(catalog, (info = compileInfo(catalog)));
  const code = report.ok ? compile(parsed.module, info).code : undefined;
  const prepared: Prepared = { report, code, prelude: code === undefined ? "" : PRELUDE };
  lru.set(key, prepared);
  if (lru.size > CACHE_SIZE) {
    const oldest = lru.keys().next().value;
    if (oldest !== undefined) lru.delete(oldest);
  }
  return prepared;
}

/**
 * Compiles with a report the caller already has. A cached entry is used as
 * is; a fresh one is not cached (the cache holds only reports made here).
 * A source that does not parse cleanly cannot have an ok report: it is
 * checked here after all.
 */
function prepareChecked(source: string, catalog: Catalog, policy: Policy, file: string, report: CheckReport): Prepared {
  const hit = prepCache.get(catalog)?.get(policy)?.get(`${file}\0${source}`);
  if (hit !== undefined) return hit;
  if (!report.ok) return { report, code: undefined, prelude: "" };
  const parsed = parse(source, file);
  if (parsed.diagnostics.length > 0) return prepare(source, catalog, policy, file);
  let info = infoCache.get(catalog);
  if (info === undefined) infoCache.set(catalog, (info = compileInfo(catalog)));
  const code = compile(parsed.module, info).code;
  return { report, code, prelude: PRELUDE };
}

// ---------------------------------------------------------------- the host of one run

interface Failure {
  readonly kind: RuntimeErrorKind;
  readonly message: string;
}

/** A call waiting for a handler slot. */
interface Queued {
  readonly seq: number;
  readonly start: () => void;
}

class Host {
  private readonly runId: string;
  private readonly calls = new Map<number, CallRecord>();
  private readonly output: string[] = [];
  private readonly queue: Queued[] = [];
  private running = 0;
  private inflight = 0;
  /** Host-side failures stop every call after the first failing sequence number. */
  private stopAt = Infinity;
  private finished = false;
  private session: GuestSession | undefined;
  /** One controller per running handler, aborted when the run ends. */
  private readonly live = new Set<AbortController>();
  /** The signal of calls without a time limit of their own (see `callHandler`). */
  private shared: AbortController | undefined;
  private approvals: Promise<unknown> = Promise.resolve();
  private handlers: Handlers | undefined;
  private moduleHandlers: Promise<Handlers> | undefined;
  private readonly counts = { fns: new Map<string, number>(), effects: new Map<string, number>(), all: 0, cost: 0 };
  private readonly concurrency: number;
  private journalOpen: boolean;

  constructor(
    private readonly opts: RunOptions,
    private readonly policy: Policy,
    private readonly journal: Journal | undefined,
    private readonly tracer: Tracer,
    private readonly t0: number,
  ) {
    this.runId = journal?.runId ?? randomUUID();
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY));
    this.handlers = opts.handlers;
    this.journalOpen = journal !== undefined;
  }

  async execute(code: string, prelude: string): Promise<RunResult> {
    const { tracer, opts } = this;
    tracer.emit({ type: "run-start", runId: this.runId, t: tracer.now() });
    const note = this.journal?.lockNote;
    if (note !== undefined) tracer.emit({ type: "note", message: note, t: tracer.now() });
    const inputs = this.inputs();
    if (typeof inputs !== "string") return this.end({ kind: "input", message: inputs.message });
    if (opts.signal?.aborted === true) return this.end({ kind: "aborted", message: "the run was aborted" });

    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    let stop!: (f: Failure) => void;
    const stopped = new Promise<Failure>((resolve) => (stop = resolve));
    const timer = setTimeout(
      () => stop({ kind: "timeout", message: `the run exceeded its time limit of ${timeoutMs} ms` }),
      timeoutMs,
    );
    const onAbort = (): void => stop({ kind: "aborted", message: "the run was aborted" });
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const session = startGuest(
        {
          prelude,
          code,
          inputsJson: inputs,
          maxSteps: Math.max(0, Math.floor(opts.maxSteps ?? 0)),
          memoryMb: Math.max(1, opts.memoryMb ?? DEFAULT_MEMORY_MB),
          deadline,
        },
        (events) => this.onGuestEvents(events),
      );
      this.session = session;
      const ended = await Promise.race([
        session.outcome.then((o) => ({ outcome: o })),
        stopped.then((f) => ({ failure: f })),
      ]);
      if ("failure" in ended) {
        session.cancel();
        return this.end(ended.failure);
      }
      return this.fromOutcome(ended.outcome);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Ends the run before it starts: the same trace as any other failure, and no call. */
  refuse(f: Failure): RunResult {
    this.tracer.emit({ type: "run-start", runId: this.runId, t: this.tracer.now() });
    return this.end(f);
  }

  /** Closes the journal (and so releases its lock) once no handler can still record a late result. */
  releaseJournalWhenIdle(): void {
    if (this.inflight === 0 && this.journalOpen) {
      this.journalOpen = false;
      this.journal?.close();
    }
  }

  // ------------------------------------------------------------ inputs

  /** The JSON text of the declared inputs, or what is wrong with them. */
  private inputs(): string | Failure {
    const given = (this.opts.input ?? {}) as Record<string, unknown>;
    const out: Record<string, JsonValue> = {};
    for (const [name, decl] of this.opts.catalog.inputs) {
      if (!Object.prototype.hasOwnProperty.call(given, name)) {
        return { kind: "input", message: `missing input \`${name}\` (declared as ${typeText(decl.type)})` };
      }
      const v = jsonCopy(given[name]);
      if (v === undefined || !fitsType(v, decl.type)) {
        return { kind: "input", message: `input \`${name}\` does not fit its declared type ${typeText(decl.type)}` };
      }
      if (decl.maxItems !== undefined && Array.isArray(v) && v.length > decl.maxItems) {
        return {
          kind: "input",
          message: `input \`${name}\` has ${v.length} items; the catalog allows at most ${decl.maxItems}`,
        };
      }
      out[name] = v;
    }
    return JSON.stringify(out);
  }

  // ------------------------------------------------------------ guest events

  private onGuestEvents(events: readonly GuestEvent[]): void {
    for (const e of events) {
      if (this.finished) return;
      switch (e.type) {
        case "print":
          this.output.push(e.text);
          this.tracer.emit({ type: "print", text: e.text, line: e.line, t: this.tracer.now() });
          break;
        case "call":
          this.onCall(e.seq, e.fn, e.argsJson, e.line);
          break;
      }
    }
  }

  private reply(seq: number, envelope: string): void {
    if (!this.finished) this.session?.deliver(seq, envelope);
  }

  private fail(seq: number, f: Failure): void {
    if (seq < this.stopAt) this.stopAt = seq;
    this.reply(seq, JSON.stringify({ err: { kind: f.kind, message: f.message } }));
    // Queued calls after the failure would never have started in a sequential run.
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const q = this.queue[i];
      if (q !== undefined && q.seq > this.stopAt) {
        this.queue.splice(i, 1);
        this.reply(q.seq, skipped);
      }
    }
  }

  private onCall(seq: number, fnName: string, argsJson: string, line: number): void {
    if (seq > this.stopAt) {
      this.reply(seq, skipped);
      return;
    }
    const fn = this.opts.catalog.functions.get(fnName);
    let args: JsonValue[];
    try {
      args = JSON.parse(argsJson) as JsonValue[];
    } catch {
      this.fail(seq, { kind: "runtime", message: `the arguments of \`${fnName}\` are not JSON` });
      return;
    }
    if (fn === undefined) {
      this.fail(seq, { kind: "handler", message: `\`${fnName}\` is not in the catalog` });
      return;
    }
    const effect = fn.effect ?? (fn.irreversible ? "irreversible" : null);

    // Journal: replay, divergence, or a lost outcome.
    const recorded = this.journal?.entry(seq);
    let retryKey: string | undefined;
    if (recorded !== undefined) {
      if (recorded.fn !== fnName || JSON.stringify(recorded.args) !== JSON.stringify(args)) {
        this.fail(seq, {
          kind: "journal-mismatch",
          message: `call ${seq} is \`${fnName}(${shortArgs(args)})\` but the journal recorded \`${recorded.fn}(${shortArgs(recorded.args)})\``,
        });
        return;
      }
      if (recorded.result !== undefined) {
        this.replay(seq, fn, args, effect, line, recorded.result.value);
        return;
      }
      if (fn.irreversible) {
        this.fail(seq, {
          kind: "unknown-outcome",
          message: `the outcome of irreversible call ${seq} \`${fnName}\` was lost; find out what happened and supply it with \`partwise resolve ${this.journal?.path ?? "JOURNAL"} ${seq} RESULT.json\``,
        });
        return;
      }
      retryKey = recorded.intentKey;
    }

    const budget = this.overBudget(fn);
    if (budget !== undefined) {
      this.fail(seq, { kind: "budget", message: budget });
      return;
    }
    this.count(fn);

    const start = (): void => {
      if (seq > this.stopAt || this.finished) {
        this.reply(seq, skipped);
        return;
      }
      this.enqueue(seq, () => this.startCall(seq, fn, args, argsJson, effect, line, retryKey));
    };
    if (this.policy.approve.includes(fnName)) this.askApproval(seq, fnName, args, line, start);
    else start();
  }

  private replay(
    seq: number,
    fn: CatalogFunction,
    args: JsonValue[],
    effect: string | null,
    line: number,
    result: JsonValue,
  ): void {
    if (!fitsType(result, fn.returns)) {
      this.fail(seq, {
        kind: "bad-result",
        message: `the journal's result for \`${fn.name}\` does not fit its declared type ${typeText(fn.returns)}`,
      });
      return;
    }
    this.count(fn);
    const t = this.tracer.now();
    this.calls.set(seq, { seq, fn: fn.name, args, result, effect, line, startMs: t, endMs: t, replayed: true });
    this.tracer.emit({ type: "call-start", seq, fn: fn.name, args, effect, line, t });
    this.tracer.emit({ type: "call-end", seq, fn: fn.name, result, line, t, ms: 0, replayed: true });
    this.reply(seq, JSON.stringify({ ok: result }));
  }

  private overBudget(fn: CatalogFunction): string | undefined {
    const b = this.policy.budgets;
    const used = this.counts;
    const fnMax = b.functions.get(fn.name)?.max;
    if (fnMax !== undefined && (used.fns.get(fn.name) ?? 0) + 1 > fnMax) {
      return `\`${fn.name}\` may be called at most ${fnMax} time${fnMax === 1 ? "" : "s"} per run (policy budget)`;
    }
    if (fn.effect !== undefined) {
      const effMax = b.effects.get(fn.effect)?.max;
      if (effMax !== undefined && (used.effects.get(fn.effect) ?? 0) + 1 > effMax) {
        return `effect \`${fn.effect}\` may happen at most ${effMax} time${effMax === 1 ? "" : "s"} per run (policy budget)`;
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
    const c = this.counts;
    c.fns.set(fn.name, (c.fns.get(fn.name) ?? 0) + 1);
    if (fn.effect !== undefined) c.effects.set(fn.effect, (c.effects.get(fn.effect) ?? 0) + 1);
    c.all++;
    c.cost += fn.cost;
  }

  /** Approvals are asked one at a time, in program order. */
  private askApproval(seq: number, fn: string, args: JsonValue[], line: number, then: () => void): void {
    const ask = this.opts.approve;
    this.approvals = this.approvals.then(async () => {
      if (this.finished || seq > this.stopAt) {
        this.reply(seq, skipped);
        return;
      }
      let yes = false;
      let why = "no approver was given";
      if (ask !== undefined) {
        try {
          yes = (await ask({ fn, args, line, seq })) === true;
          why = "the approver refused it";
        } catch (e) {
          why = `the approver failed: ${messageOf(e)}`;
        }
      }
      if (this.finished) return;
      if (yes) then();
      else this.fail(seq, { kind: "not-approved", message: `call ${seq} \`${fn}\` was not approved: ${why}` });
    });
  }

  private enqueue(seq: number, start: () => void): void {
    if (this.running < this.concurrency) {
      this.running++;
      start();
    } else {
      this.queue.push({ seq, start });
    }
  }

  private slotFreed(): void {
    this.running--;
    while (this.running < this.concurrency && this.queue.length > 0) {
      const next = this.queue.shift();
      if (next === undefined) break;
      this.running++;
      next.start();
    }
  }

  private startCall(
    seq: number,
    fn: CatalogFunction,
    args: JsonValue[],
    /** The arguments' JSON text, parsed again for the handler's own copy. */
    argsJson: string,
    effect: string | null,
    line: number,
    retryKey: string | undefined,
  ): void {
    const key = retryKey ?? `${this.runId}:${seq}`;
    if (fn.effect !== undefined || fn.irreversible) {
      if (retryKey === undefined) this.journal?.writeIntent(seq, fn.name, args, key);
    }
    const startMs = this.tracer.now();
    this.calls.set(seq, { seq, fn: fn.name, args, effect, line, startMs });
    this.tracer.emit({ type: "call-start", seq, fn: fn.name, args, effect, line, t: startMs });
    this.inflight++;
    void this.callHandler(seq, fn, argsJson, key).then((outcome) => {
      this.inflight--;
      this.slotFreed();
      this.settled(seq, fn, args, effect, line, startMs, outcome);
      if (this.finished) this.releaseJournalWhenIdle();
    });
  }

  private async callHandler(
    seq: number,
    fn: CatalogFunction,
    argsJson: string,
    idempotencyKey: string,
  ): Promise<{ readonly value: unknown } | { readonly failure: Failure }> {
    let handler: Handler | undefined = this.handlers?.[fn.name];
    if (handler === undefined && Object.prototype.hasOwnProperty.call(this.handlers ?? {}, fn.name) === false) {
      try {
        this.moduleHandlers ??= catalogHandlers(this.opts.catalog);
        const mod = await this.moduleHandlers;
        handler = Object.prototype.hasOwnProperty.call(mod, fn.name) ? mod[fn.name] : undefined;
      } catch (e) {
        return { failure: { kind: "handler", message: messageOf(e) } };
      }
    }
    if (typeof handler !== "function") {
      return { failure: { kind: "handler", message: `no handler for \`${fn.name}\`` } };
    }
    // One signal for every call of the run (aborted when the run ends); a call
    // with its own time limit gets its own, aborted at that limit too.
    const limit = this.opts.handlerTimeoutMs;
    const own = limit !== undefined;
    const controller = own ? new AbortController() : (this.shared ??= new AbortController());
    if (this.finished && !controller.signal.aborted) controller.abort(new Error("the run ended"));
    if (own) this.live.add(controller);
    const context: HandlerContext = { idempotencyKey, seq, signal: controller.signal };
    let timer: NodeJS.Timeout | undefined;
    try {
      // The handler's own copy, so what it does to its arguments never reaches the trace.
      const copies = JSON.parse(argsJson) as JsonValue[];
      const call = Promise.resolve().then(() => handler(...copies, context));
      const timeout =
        limit === undefined
          ? undefined
          : new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                controller.abort(new Error("handler timed out"));
                reject(new HandlerTimeout(limit));
              }, limit);
            });
      const value: unknown = await (timeout === undefined ? call : Promise.race([call, timeout]));
      return { value };
    } catch (e) {
      const message =
        e instanceof HandlerTimeout
          ? `\`${fn.name}\` did not return within ${e.ms} ms`
          : `\`${fn.name}\` failed: ${messageOf(e)}`;
      return { failure: { kind: "handler", message } };
    } finally {
      clearTimeout(timer);
      if (own) this.live.delete(controller);
    }
  }

  private settled(
    seq: number,
    fn: CatalogFunction,
    args: JsonValue[],
    effect: string | null,
    line: number,
    startMs: number,
    outcome: { readonly value: unknown } | { readonly failure: Failure },
  ): void {
    if ("failure" in outcome) {
      if (!this.finished) this.fail(seq, outcome.failure);
      return;
    }
    const result = jsonCopy(outcome.value);
    if (result === undefined || !fitsType(result, fn.returns)) {
      if (!this.finished) {
        this.fail(seq, {
          kind: "bad-result",
          message:
            result === undefined
              ? `\`${fn.name}\` returned a value that is not JSON`
              : `\`${fn.name}\` returned ${shortJson(result)}, which does not fit its declared type ${typeText(fn.returns)}`,
        });
      }
      return;
    }
    // Recorded even when the run already ended: the outcome of an effect is never thrown away.
    if (this.journalOpen) this.journal?.writeResult(seq, fn.name, args, result);
    if (this.finished) return;
    const endMs = this.tracer.now();
    this.calls.set(seq, { seq, fn: fn.name, args, result, effect, line, startMs, endMs });
    this.tracer.emit({ type: "call-end", seq, fn: fn.name, result, line, t: endMs, ms: round3(endMs - startMs) });
    this.reply(seq, JSON.stringify({ ok: result }));
  }

  // ------------------------------------------------------------ the end

  private fromOutcome(o: GuestOutcome): RunResult {
    switch (o.type) {
      case "envelope": {
        let env: { ok?: JsonValue; err?: { kind?: unknown; message?: unknown; line?: unknown } };
        try {
          env = JSON.parse(o.json) as typeof env;
        } catch {
          return this.end({ kind: "runtime", message: "internal error: the sandbox returned malformed JSON" });
        }
        if (env.err !== undefined) {
          let kind =
            typeof env.err.kind === "string" && env.err.kind in RUNTIME_ERROR_KINDS
              ? (env.err.kind as RuntimeErrorKind)
              : "runtime";
          let message = typeof env.err.message === "string" ? env.err.message : "the composition failed";
          // QuickJS's own resource errors, whatever the guest called them.
          if (kind === "runtime" && QUICKJS_MEMORY.test(message)) {
            kind = "memory";
            message = "the run exceeded its memory limit";
          }
          const line = typeof env.err.line === "number" ? env.err.line : undefined;
          return this.end({ kind, message }, line);
        }
        return this.end(undefined, undefined, env.ok ?? null);
      }
      case "cancelled":
        return this.end({ kind: "aborted", message: "the run was stopped" });
      case "crash":
        return this.end({ kind: "runtime", message: `internal error in the sandbox: ${o.message}` });
    }
  }

  private end(failure: Failure | undefined, line?: number, result?: JsonValue): RunResult {
    this.finished = true;
    const reason = new Error(failure?.message ?? "the run ended");
    for (const c of this.live) c.abort(reason);
    this.shared?.abort(reason);
    this.queue.length = 0;
    const { tracer } = this;
    const calls = [...this.calls.values()].sort((a, b) => a.seq - b.seq);
    const stats = { calls: calls.length, wallMs: Math.round((performance.now() - this.t0) * 100) / 100 };
    const output = this.output.length > 0 ? { output: [...this.output] } : {};
    if (failure === undefined) {
      tracer.emit({ type: "run-end", status: "ok", t: tracer.now(), result: result ?? null });
      return { status: "ok", result: result ?? null, calls, stats, ...output };
    }
    const error: RunError = line === undefined ? failure : { ...failure, line };
    tracer.emit({ type: "error", ...error, t: tracer.now() });
    tracer.emit({ type: "run-end", status: "error", t: tracer.now() });
    return { status: "error", calls, stats, error, ...output };
  }
}

const QUICKJS_MEMORY = /^internal error: (out of memory|string too long|invalid (string|array) length)/;

const skipped = JSON.stringify({ err: { kind: "runtime", message: "not started: an earlier call failed" } });

class HandlerTimeout extends Error {
  constructor(readonly ms: number) {
    super(`handler timed out after ${ms} ms`);
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function shortJson(v: JsonValue): string {
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function shortArgs(args: readonly JsonValue[]): string {
  return args.map(shortJson).join(", ");
}
