/**
 * The QuickJS side of the sandbox: one WebAssembly module per thread, one
 * prepared image on it (runtime, context, prelude, host object), and every
 * run starting from the image's exact bytes (see `Image`).
 *
 * Design (each line answers a hazard measured in quickjs-emscripten 0.32):
 * - The sync bellard build only; the host runs `executePendingJobs()` after
 *   each batch of results (the asyncify build cannot dispose with host
 *   functions, crashes on await and allows no concurrent calls).
 * - The module gets a fixed-size `WebAssembly.Memory({ maximum })`:
 *   `setMemoryLimit` alone does not cap large strings, and the heap never
 *   shrinks. A run that hit a limit (or whose heap grew) retires the module;
 *   the next run gets a fresh one.
 * - An explicit `setMaxStackSize`, and the thread runs with a large native
 *   stack (see `pool.ts`), so deep recursion is a guest `InternalError`, not
 *   a host `RangeError` that later aborts the runtime's dispose.
 * - The deadline and the host's cancel flag are checked in the interrupt
 *   handler. It cannot fire inside one long native operation (a quadratic
 *   `String.prototype.includes` runs for hours under a 64 MB heap), so this
 *   file runs in a worker thread that the host kills at the deadline.
 * - Host functions never throw into the guest: a failure is an
 *   `{"err": …}` envelope. A guest→host call costs ~5 µs in this build, so
 *   the host object says `queue: true`: the prelude queues its calls and
 *   prints, and the host takes them with one `__pw_take` per slice; results
 *   go back in batches through `__pw_deliver` (one string and one guest call
 *   per batch instead of a promise per call, see `prelude.ts`). Guests
 *   without `__pw_take` use `call` and `print` directly.
 * - Arguments, results and inputs cross the boundary as JSON strings.
 *
 * Everything here is synchronous once the module is loaded; the owner feeds
 * results in with `deliver` and reads events and the outcome from the sink.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import variantImport from "@jitl/quickjs-wasmfile-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type Intrinsics,
  type QuickJSSyncVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from "quickjs-emscripten";

/** The ESM build's default export is the variant; the CJS typings wrap it once more. */
const variant: QuickJSSyncVariant = "default" in variantImport ? variantImport.default : variantImport;

/** The parts of the WebAssembly API used here (the project's `lib` has no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
const Wasm = (
  globalThis as unknown as {
    readonly WebAssembly: {
      readonly Memory: new (d: { initial: number; maximum: number }) => WasmMemory;
      compile(bytes: Uint8Array): Promise<object>;
    };
  }
).WebAssembly;

const MB = 1024 * 1024;
const WASM_PAGE = 64 * 1024;
/** The emscripten build needs at least 256 pages (16 MB) to start. */
const INITIAL_PAGES = 256;
/** Room outside QuickJS's own heap: static data, the shadow stack, allocator slack. */
const HEADROOM_MB = 32;
/** The guest's stack limit. Deep data fails cleanly below this. */
export const GUEST_STACK_BYTES = 512 * 1024;
/** A module whose heap grew past this many bytes is replaced after the run (the heap never shrinks). */
const RETIRE_HEAP_BYTES = 48 * MB;

/** Only what the prelude needs: no Date, Proxy, typed arrays or normalize. */
const INTRINSICS: Intrinsics = {
  BaseObjects: true,
  Eval: true,
  RegExp: true,
  JSON: true,
  MapSet: true,
  Promise: true,
  BigInt: true,
};

/** One run for the guest. */
export interface GuestJob {
  readonly prelude: string;
  readonly code: string;
  /** JSON text of the inputs object. */
  readonly inputsJson: string;
  /** 0 = unlimited. */
  readonly maxSteps: number;
  readonly memoryMb: number;
  /** `Date.now()` value at which the guest is interrupted. */
  readonly deadline: number;
}

/** What the guest asked of the host, in program order. */
export type GuestEvent =
  | {
      readonly type: "call";
      readonly seq: number;
      readonly fn: string;
      readonly argsJson: string;
      readonly line: number;
    }
  | { readonly type: "print"; readonly text: string; readonly line: number };

/** How a guest run ended. */
export type GuestOutcome =
  /** The program's envelope: `{"ok": v}` or `{"err": {kind, message, line?}}`. */
  | { readonly type: "envelope"; readonly json: string }
  /** The host asked it to stop. */
  | { readonly type: "cancelled" }
  /** The sandbox itself failed (a bug, or the WebAssembly instance died). */
  | { readonly type: "crash"; readonly message: string };

/** Receives a run's events (batched per synchronous slice) and its end. */
export interface GuestSink {
  events(events: readonly GuestEvent[]): void;
  done(outcome: GuestOutcome): void;
}

/** An error envelope, as the prelude writes them. */
export function errorEnvelope(kind: string, message: string, line?: number): string {
  return JSON.stringify({ err: line === undefined ? { kind, message } : { kind, message, line } });
}

let wasmModule: Promise<object> | undefined;

/** The compiled WebAssembly module, once per thread (instantiating it again is cheap). */
function compiledWasm(): Promise<object> {
  wasmModule ??= (async () => {
    const require = createRequire(import.meta.url);
    const path = require.resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
    return Wasm.compile(readFileSync(path));
  })();
  return wasmModule;
}

/** Instantiates QuickJS with a heap capped at `memoryMb` plus headroom. */
export async function newGuestModule(memoryMb: number): Promise<GuestModule> {
  const maximum = Math.max(INITIAL_PAGES, Math.ceil(((memoryMb + HEADROOM_MB) * MB) / WASM_PAGE));
  const memory = new Wasm.Memory({ initial: INITIAL_PAGES, maximum });
  const options = { wasmModule: await compiledWasm(), wasmMemory: memory } as unknown as Parameters<
    typeof newVariant
  >[1];
  const module = await newQuickJSWASMModuleFromVariant(newVariant(variant, options));
  return new GuestModule(module, memory, memoryMb);
}

/** One QuickJS WebAssembly instance and the runs on it (one at a time). */
export class GuestModule {
  /** False once a run hit a limit or the instance failed: make a new one. */
  healthy = true;

  constructor(
    private readonly module: QuickJSWASMModule,
    private readonly memory: WasmMemory,
    /** The largest `memoryMb` this instance's heap cap allows. */
    readonly memoryMb: number,
  ) {}

  /** Bytes the WebAssembly heap holds now. */
  heapBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Starts a run. Events and the outcome go to `sink`, synchronously from
   * this call and from later `deliver` calls. `cancelled()` is polled in the
   * interrupt handler.
   */
  start(job: GuestJob, sink: GuestSink, cancelled: () => boolean): GuestRun {
    const run = new GuestRun(job, sink, cancelled, (tainted) => this.ended(tainted));
    try {
      const image = this.imageFor(job.prelude);
      image.clean = false;
      run.begin(image);
    } catch (e) {
      run.crashed(e);
    }
    return run;
  }

  /**
   * Prepares the image for `prelude` while idle (building one compiles the
   * prelude, ~6 ms for the full one). True when it is ready.
   */
  prewarm(prelude: string): boolean {
    if (!this.healthy) return false;
    try {
      this.imageFor(prelude);
      return true;
    } catch {
      this.healthy = false;
      return false;
    }
  }

  /** Frees the image's runtime and context (before the module is thrown away). */
  dispose(): void {
    const image = this.image;
    this.image = undefined;
    if (image !== undefined) disposeImage(image, this.memory);
  }

  private image: Image | undefined;

  /** The clean image for `prelude`, built when there is none or it has another prelude. */
  private imageFor(prelude: string): Image {
    const have = this.image;
    if (have !== undefined && have.prelude === prelude && have.clean) return have;
    this.dispose();
    const image = buildImage(this.module, this.memory, this.memoryMb, prelude);
    this.image = image;
    return image;
  }

  /** After a run: restore the image (fresh state for the next run), or retire the module. */
  private ended(tainted: boolean): void {
    const image = this.image;
    if (tainted || image === undefined || this.heapBytes() > RETIRE_HEAP_BYTES) {
      this.healthy = false;
      return;
    }
    restoreImage(image, this.memory);
  }
}

/**
 * A runtime and context with the prelude evaluated and the host object
 * defined, and a copy of the WebAssembly memory taken right then.
 *
 * Every run starts from exactly this state: after a run the memory is
 * copied back (~0.2 ms for ~5.5 MB), which undoes everything the run did
 * inside QuickJS (heap, globals, the job queue, the allocator's own state),
 * so no state crosses runs, as with a new runtime and context per run, but
 * without compiling the prelude again (QuickJS compiles ~110-140 µs per KB
 * here, and quickjs-emscripten 0.32 cannot load bytecode). Why this is
 * sound: all of QuickJS's and the allocator's state lives in the linear
 * memory; the memory never shrinks and the copy covers every byte that was
 * not zero when the image was taken, so what lies above it is free memory
 * (the allocator clears what calloc returns and never reads free memory).
 * Between calls the WebAssembly stack pointer is back at its base. On the
 * JavaScript side, handles the run made are dropped, never freed (their
 * memory is gone with the restore); the host functions, the interrupt
 * handler and the handles kept here were all made before the copy, so they
 * stay valid. A run that hit a limit or crashed retires the whole module.
 */
interface Image {
  readonly rt: QuickJSRuntime;
  readonly ctx: QuickJSContext;
  readonly prelude: string;
  /** The run the host functions and the interrupt handler report to. */
  readonly host: { run: GuestRun | undefined };
  /** The prelude's `__pw_deliver` and `__pw_take`, when it defines them. */
  readonly deliverFn: QuickJSHandle | undefined;
  readonly takeFn: QuickJSHandle | undefined;
  /** The memory's bytes [0, snapshot.length) when the image was taken. */
  readonly snapshot: Uint8Array;
  /** True while the memory holds exactly the snapshot. */
  clean: boolean;
}

/** Builds an image (see {@link Image}). Throws when the prelude fails. */
function buildImage(module: QuickJSWASMModule, memory: WasmMemory, memoryMb: number, prelude: string): Image {
  const rt = module.newRuntime();
  try {
    rt.setMemoryLimit(memoryMb * MB);
    rt.setMaxStackSize(GUEST_STACK_BYTES);
    const ctx = rt.newContext({ intrinsics: INTRINSICS });
    const host: Image["host"] = { run: undefined };
    rt.setInterruptHandler(() => host.run?.interrupt() ?? false);
    defineHost(ctx, host);
    if (prelude !== "") {
      const r = ctx.evalCode(prelude, "prelude.js");
      if (r.error) {
        const message = describeHandle(ctx, r.error);
        r.error.dispose();
        ctx.dispose();
        throw new Error(`the prelude failed: ${message}`);
      }
      r.value.dispose();
    }
    const deliverFn = globalFunction(ctx, "__pw_deliver");
    const takeFn = globalFunction(ctx, "__pw_take");
    // Collect the prelude's garbage first, so the copy is as small as it can be.
    rt.executePendingJobs();
    return { rt, ctx, prelude, host, deliverFn, takeFn, snapshot: usedBytes(memory), clean: true };
  } catch (e) {
    if (rt.alive) rt.dispose();
    throw e;
  }
}

/** A copy of the memory up to its last 64 KB page that is not all zero. */
function usedBytes(memory: WasmMemory): Uint8Array {
  const buffer = memory.buffer;
  const zero = Buffer.alloc(WASM_PAGE);
  let end = buffer.byteLength;
  while (end > 0 && Buffer.from(buffer, end - WASM_PAGE, WASM_PAGE).equals(zero)) end -= WASM_PAGE;
  return new Uint8Array(buffer, 0, end).slice();
}

function restoreImage(image: Image, memory: WasmMemory): void {
  image.host.run = undefined;
  new Uint8Array(memory.buffer, 0, image.snapshot.length).set(image.snapshot);
  image.clean = true;
}

function disposeImage(image: Image, memory: WasmMemory): void {
  try {
    if (!image.clean) restoreImage(image, memory);
    image.deliverFn?.dispose();
    image.takeFn?.dispose();
    image.ctx.dispose();
    image.rt.dispose();
  } catch {
    // Only reachable on a damaged instance, which is retired anyway.
  }
}

/**
 * Defines `__pw_host` (see `prelude.ts`) on the image. Its functions report
 * to whichever run holds the image; they never throw into the guest.
 */
function defineHost(ctx: QuickJSContext, target: Image["host"]): void {
  const host = ctx.newObject();
  const call = ctx.newFunction("call", (fnH, argsH, lineH) => {
    const run = target.run;
    if (run === undefined) return ctx.false;
    try {
      return run.hostCall(ctx.getString(fnH), ctx.getString(argsH), ctx.getNumber(lineH)) ? ctx.true : ctx.false;
    } catch {
      // A request it cannot read gets `false`, which the prelude turns into a
      // failed call; it still takes its number.
      run.hostCall(undefined, "", 0);
      return ctx.false;
    }
  });
  const print = ctx.newFunction("print", (textH, lineH) => {
    try {
      target.run?.hostPrint(guestString(ctx, textH), ctx.getNumber(lineH));
    } catch {
      // A print that cannot be read is dropped; the guest never sees a host error.
    }
  });
  ctx.setProp(host, "call", call);
  ctx.setProp(host, "print", print);
  ctx.setProp(host, "queue", ctx.true);
  call.dispose();
  print.dispose();
  ctx.setProp(ctx.global, "__pw_host", host);
  host.dispose();
}

function describeHandle(ctx: QuickJSContext | undefined, h: QuickJSHandle): string {
  try {
    const v: unknown = ctx?.dump(h);
    if (v !== null && typeof v === "object" && "message" in v) return String(v.message);
    return String(v);
  } catch (e) {
    return errorMessage(e);
  }
}

/** One run: a fresh runtime and context, disposed when it ends. */
export class GuestRun {
  private rt: QuickJSRuntime | undefined;
  private ctx: QuickJSContext | undefined;
  private result: QuickJSHandle | undefined;
  /** The prelude's `__pw_deliver`, read after the program started. */
  private deliverFn: QuickJSHandle | undefined;
  /** The prelude's `__pw_take` (queued calls and prints), when it has one. */
  private takeFn: QuickJSHandle | undefined;
  /** Calls the guest made that have no result yet. */
  private readonly pending = new Set<number>();
  private outbox: GuestEvent[] = [];
  private nextSeq = 0;
  private interrupted: "timeout" | "cancel" | undefined;
  private finished = false;

  constructor(
    private readonly job: GuestJob,
    private readonly sink: GuestSink,
    private readonly cancelled: () => boolean,
    private readonly onEnd: (tainted: boolean) => void,
  ) {}

  /** True once the outcome was sent. */
  get ended(): boolean {
    return this.finished;
  }

  /** Takes a clean image, sets the limits and globals, evaluates the program, and runs until it waits. */
  begin(image: Image): void {
    try {
      const { rt, ctx } = image;
      this.rt = rt;
      this.ctx = ctx;
      this.deliverFn = image.deliverFn;
      this.takeFn = image.takeFn;
      image.host.run = this;
      rt.setMemoryLimit(this.job.memoryMb * MB);
      this.defineGlobals(ctx);
      const program = ctx.evalCode(this.job.code, "composition.js");
      if (program.error) {
        const message = this.describe(program.error);
        program.error.dispose();
        this.end(this.failure(message), true);
        return;
      }
      this.result = program.value;
      this.pump();
    } catch (e) {
      this.crashed(e);
    }
  }

  /** Ends the run after the sandbox itself failed. */
  crashed(e: unknown): void {
    const o = this.failure(errorMessage(e));
    this.end(o.type === "crash" ? { type: "crash", message: errorMessage(e) } : o, true);
  }

  /** Resolves host calls with their envelopes and runs the guest until it waits again. */
  deliver(results: readonly (readonly [number, string])[]): void {
    if (this.finished) return;
    const ctx = this.ctx;
    if (ctx === undefined) return;
    try {
      const parts: string[] = [];
      for (const [seq, envelope] of results) {
        if (!this.pending.delete(seq)) continue;
        parts.push(`[${seq},${envelope}]`);
      }
      if (parts.length > 0) {
        const deliverFn = this.deliverFn;
        if (deliverFn === undefined) throw new Error("the prelude defines no __pw_deliver");
        const text = ctx.newString(`[${parts.join(",")}]`);
        const r = ctx.callFunction(deliverFn, ctx.undefined, text);
        text.dispose();
        if (r.error) {
          const message = this.describe(r.error);
          r.error.dispose();
          this.take();
          this.flush();
          this.end(this.failure(message), true);
          return;
        }
        r.value.dispose();
      }
      this.pump();
    } catch (e) {
      this.end(this.failure(errorMessage(e)), true);
    }
  }

  /** Stops the run now (between slices; the interrupt handler stops a running one). */
  cancel(): void {
    if (!this.finished) this.end({ type: "cancelled" }, false);
  }

  /** The interrupt handler's question: stop now (cancelled, or past the deadline)? */
  interrupt(): boolean {
    if (this.interrupted === undefined) {
      if (this.cancelled()) this.interrupted = "cancel";
      else if (Date.now() >= this.job.deadline) this.interrupted = "timeout";
    }
    return this.interrupted !== undefined;
  }

  /**
   * `__pw_host.call` from a guest without `__pw_take`. The guest numbers
   * calls the same way (one per invocation).
   */
  hostCall(fn: string | undefined, argsJson: string, line: number): boolean {
    const seq = this.nextSeq++;
    if (this.finished || fn === undefined) return false;
    this.pending.add(seq);
    this.outbox.push({ type: "call", seq, fn, argsJson, line });
    return true;
  }

  /** `__pw_host.print` from a guest without `__pw_take`. */
  hostPrint(text: string, line: number): void {
    if (!this.finished) this.outbox.push({ type: "print", text, line });
  }

  private defineGlobals(ctx: QuickJSContext): void {
    const inputs = ctx.newString(this.job.inputsJson);
    ctx.setProp(ctx.global, "__pw_inputs", inputs);
    inputs.dispose();
    const steps = ctx.newNumber(this.job.maxSteps);
    ctx.setProp(ctx.global, "__pw_max_steps", steps);
    steps.dispose();
  }

  /** Runs pending jobs, sends events, and ends the run when the program's promise settled. */
  private pump(): void {
    const rt = this.rt;
    const ctx = this.ctx;
    const result = this.result;
    if (rt === undefined || ctx === undefined || result === undefined) return;
    for (;;) {
      const jobs = rt.executePendingJobs();
      if (jobs.error) {
        const message = this.describe(jobs.error);
        jobs.error.dispose();
        this.take();
        this.flush();
        this.end(this.failure(message), true);
        return;
      }
      if (jobs.value === 0) break;
    }
    const taken = this.take();
    if (taken !== undefined) {
      this.flush();
      this.end(this.failure(taken), true);
      return;
    }
    this.flush();
    if (this.interrupted !== undefined) {
      this.end(this.failure("interrupted"), true);
      return;
    }
    const state = ctx.getPromiseState(result);
    switch (state.type) {
      case "pending":
        if (this.pending.size === 0) {
          this.end(this.failure("the program stopped without a result"), true);
        }
        return;
      case "fulfilled": {
        const value = state.value;
        const json = ctx.typeof(value) === "string" ? ctx.getString(value) : undefined;
        value.dispose();
        if (json === undefined) this.end({ type: "crash", message: "the program did not produce an envelope" }, true);
        else this.end({ type: "envelope", json }, envelopeHitLimit(json));
        return;
      }
      case "rejected": {
        const message = this.describe(state.error);
        state.error.dispose();
        this.end(this.failure(message), true);
        return;
      }
    }
  }

  /**
   * Moves the calls and prints the guest queued since the last take into the
   * outbox (after a slice; not after an interrupt, whose slice's calls never
   * start). Returns the message of a guest failure, else undefined.
   */
  private take(): string | undefined {
    const ctx = this.ctx;
    const takeFn = this.takeFn;
    if (ctx === undefined || takeFn === undefined || this.interrupted !== undefined) return undefined;
    const r = ctx.callFunction(takeFn, ctx.undefined);
    if (r.error) {
      const message = this.describe(r.error);
      r.error.dispose();
      return message;
    }
    const text = ctx.typeof(r.value) === "string" ? ctx.getString(r.value) : "";
    r.value.dispose();
    if (text === "") return undefined;
    for (const e of JSON.parse(text) as (
      readonly [0, number, string, string, number] | readonly [1, string, number]
    )[]) {
      if (e[0] === 0) {
        const seq = e[1];
        this.nextSeq = seq + 1;
        this.pending.add(seq);
        this.outbox.push({ type: "call", seq, fn: e[2], argsJson: e[3], line: e[4] });
      } else this.outbox.push({ type: "print", text: e[1], line: e[2] });
    }
    return undefined;
  }

  private flush(): void {
    if (this.outbox.length === 0) return;
    const events = this.outbox;
    this.outbox = [];
    this.sink.events(events);
  }

  /** The outcome of a guest exception that escaped the prelude's own handling. */
  private failure(message: string): GuestOutcome {
    if (this.interrupted === "cancel") return { type: "cancelled" };
    if (this.interrupted === "timeout" || /interrupted/i.test(message)) {
      return { type: "envelope", json: errorEnvelope("timeout", "the run exceeded its time limit") };
    }
    if (/out of memory|allocation|invalid (string|array) length|string too long/i.test(message)) {
      return { type: "envelope", json: errorEnvelope("memory", "the run exceeded its memory limit") };
    }
    if (/stack/i.test(message)) {
      return { type: "envelope", json: errorEnvelope("memory", "stack overflow (data nested too deeply)") };
    }
    return { type: "crash", message };
  }

  private describe(h: QuickJSHandle): string {
    return describeHandle(this.ctx, h);
  }

  /**
   * Sends the outcome, then gives the image back: the module restores its
   * memory (after the outcome is on its way; the thread takes its next
   * message only after this returns) or, after a limit or a failure, retires
   * the whole module. Handles made during the run are dropped, not freed:
   * the restore takes their memory back.
   */
  private end(outcome: GuestOutcome, limitOrFailure: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.sink.done(outcome);
    this.pending.clear();
    this.deliverFn = undefined;
    this.takeFn = undefined;
    this.result = undefined;
    this.ctx = undefined;
    this.rt = undefined;
    this.onEnd(limitOrFailure || this.interrupted !== undefined);
  }
}

/** A global function of the guest, or undefined (the handle is the caller's to dispose). */
function globalFunction(ctx: QuickJSContext, name: string): QuickJSHandle | undefined {
  const h = ctx.getProp(ctx.global, name);
  if (ctx.typeof(h) === "function") return h;
  h.dispose();
  return undefined;
}

/** True when an envelope reports a resource limit (the instance is retired after it). */
function envelopeHitLimit(json: string): boolean {
  if (!json.startsWith('{"err"')) return false;
  return /"kind":"(memory|timeout)"/.test(json);
}

/** The message of anything thrown. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The exact text of a guest string. `getString` reads a C string, which
 * stops at a NUL and replaces lone surrogates; the guest's own
 * `JSON.stringify` escapes both, so the text crosses as JSON instead.
 */
function guestString(ctx: QuickJSContext, h: QuickJSHandle): string {
  const json = ctx.getProp(ctx.global, "JSON");
  const stringify = ctx.getProp(json, "stringify");
  try {
    const r = ctx.callFunction(stringify, json, h);
    if (r.error) {
      r.error.dispose();
      return ctx.getString(h);
    }
    const text = ctx.getString(r.value);
    r.value.dispose();
    return JSON.parse(text) as string;
  } finally {
    stringify.dispose();
    json.dispose();
  }
}
