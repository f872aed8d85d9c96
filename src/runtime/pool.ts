/**
 * The host side of the sandbox: a pool of worker threads, each running one
 * guest at a time on its own QuickJS module (see `sandbox.ts` and
 * `worker-entry.ts`), while handlers stay in this thread.
 *
 * Why workers: the interrupt handler cannot stop a guest inside one long
 * native operation (measured: `"a"*2**23` searched for `"a"*2**21 + "b"` runs
 * for hours under a 64 MB heap), and in the main thread deep recursion can
 * overflow the host's own stack. A worker runs with a 64 MB native stack and
 * can be killed: at the deadline the host sets the worker's cancel word
 * (polled by the interrupt handler) and, if the guest has not stopped
 * `KILL_GRACE_MS` later, terminates the thread and starts a new one. Starting
 * a worker costs tens of milliseconds, so idle workers are kept (unref'd, so
 * they never keep the process alive).
 *
 * Messages are batched both ways: the guest's calls and prints of one
 * synchronous slice go in one message, and results that settle in the same
 * turn of the event loop go back in one.
 *
 * Prepared images: after each run a worker restores its image (see
 * `sandbox.ts`; it builds one, compiling the prelude, only when its module
 * was retired or the prelude changed) while idle, and says so (`warm`). A run
 * goes to a warm idle worker when there is one. The first time a run finds
 * only cold workers (back to back, before the last one said `warm`), one
 * more worker is started (up to `PREPARED_WORKERS` in all) and builds its
 * image in parallel; back-to-back runs then alternate between them. With
 * images a restore takes ~0.2 ms, so this second worker matters mostly for
 * a run that follows a retired module (not re-measured since images).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type * as Esbuild from "esbuild";
import { errorEnvelope, errorMessage, type GuestEvent, type GuestJob, type GuestOutcome } from "./sandbox.js";

/** A job on its way to a worker: `prelude` is left out when the worker has it already (the last one it got). */
export type WireJob = Omit<GuestJob, "prelude"> & { readonly prelude: string | undefined };

/** Host → worker. */
export type HostMessage =
  | { readonly type: "run"; readonly id: number; readonly job: WireJob }
  | { readonly type: "results"; readonly id: number; readonly results: readonly (readonly [number, string])[] }
  | { readonly type: "cancel"; readonly id: number }
  /** Prepare the image for the next run with this prelude (a worker started as a spare). */
  | { readonly type: "prewarm"; readonly prelude: string; readonly memoryMb: number };

/** Worker → host. */
export type WorkerMessage =
  | { readonly type: "events"; readonly id: number; readonly events: readonly GuestEvent[] }
  | { readonly type: "done"; readonly id: number; readonly outcome: GuestOutcome }
  | { readonly type: "fatal"; readonly message: string }
  /** The worker's next runtime and context are ready. */
  | { readonly type: "warm" };

/** How long a guest may ignore its cancel word before its thread is killed. */
export const KILL_GRACE_MS = 100;
/** Native stack of a sandbox thread: deep guest recursion stays inside QuickJS's own limit. */
const WORKER_STACK_MB = 64;
/** Threads started only so that a prepared context is ready for back-to-back runs. */
const PREPARED_WORKERS = 2;

/** A running guest. */
export interface GuestSession {
  /** Resolves host call `seq` with its envelope (batched per event-loop turn). */
  deliver(seq: number, envelope: string): void;
  /** Stops the guest: cooperatively at once, by killing its thread after a grace period. */
  cancel(): void;
  /** How the guest ended. Never rejects. */
  readonly outcome: Promise<GuestOutcome>;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly control: Int32Array;
  session: Session | undefined;
  dead: boolean;
  /** Idle with its next context prepared. */
  warm: boolean;
  /** The last prelude sent to it. */
  prelude: string | undefined;
}

let nextId = 1;
const idle: PoolWorker[] = [];
const all = new Set<PoolWorker>();
const waiting: ((w: PoolWorker) => void)[] = [];
let maxWorkers = Math.max(4, availableParallelism() * 2);
let scriptUrl: URL | undefined;

/** Sets how many sandbox threads may exist at once (runs beyond it wait). */
export function setSandboxThreads(n: number): void {
  maxWorkers = Math.max(1, Math.floor(n));
}

/** Starts a guest run on a pooled worker. `onEvents` gets the guest's calls and prints in program order. */
export function startGuest(job: GuestJob, onEvents: (events: readonly GuestEvent[]) => void): GuestSession {
  const session = new Session(nextId++, job, onEvents);
  const assign = (w: PoolWorker): void => session.attach(w);
  const w = takeIdle();
  if (w !== undefined) {
    if (!w.warm && all.size < Math.min(PREPARED_WORKERS, maxWorkers)) {
      // Runs are coming back to back: prepare a context on another thread for the next one.
      const spare = spawn();
      post(spare, { type: "prewarm", prelude: job.prelude, memoryMb: job.memoryMb });
      spare.prelude = job.prelude;
      release(spare);
    }
    assign(w);
  } else if (all.size < maxWorkers) assign(spawn());
  else waiting.push(assign);
  return session;
}

/**
 * An idle worker: one with a prepared context, else the one released
 * longest ago (the closest to having prepared one; the one released last has
 * only just begun).
 */
function takeIdle(): PoolWorker | undefined {
  const i = idle.findIndex((w) => w.warm);
  if (i >= 0) return idle.splice(i, 1)[0];
  return idle.shift();
}

/** Starts `n` workers ahead of time (start-up is tens of milliseconds each). */
export function warmSandbox(n = 1): Promise<void> {
  const started: Promise<GuestOutcome>[] = [];
  for (let i = 0; i < n; i++) {
    const s = startGuest(
      {
        prelude: "",
        code: `Promise.resolve('{"ok":null}')`,
        inputsJson: "{}",
        maxSteps: 0,
        memoryMb: 64,
        deadline: Date.now() + 10_000,
      },
      () => undefined,
    );
    started.push(s.outcome);
  }
  return Promise.all(started).then(() => undefined);
}

/** Terminates every sandbox thread (tests and benchmarks; the pool starts new ones on demand). */
export async function shutdownSandbox(): Promise<void> {
  const ws = [...all];
  idle.length = 0;
  await Promise.all(ws.map((w) => kill(w)));
}

/** Number of live sandbox threads. */
export function sandboxThreads(): number {
  return all.size;
}

class Session implements GuestSession {
  readonly outcome: Promise<GuestOutcome>;
  private resolveOutcome!: (o: GuestOutcome) => void;
  private worker: PoolWorker | undefined;
  private results: [number, string][] = [];
  private flushScheduled = false;
  private cancelled = false;
  private finished = false;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    readonly id: number,
    private readonly job: GuestJob,
    readonly onEvents: (events: readonly GuestEvent[]) => void,
  ) {
    this.outcome = new Promise((resolve) => {
      this.resolveOutcome = resolve;
    });
    // The guest checks the deadline itself; this catches one stuck in native code.
    this.watchdog = setTimeout(
      () => this.hardStop(errorEnvelope("timeout", "the run exceeded its time limit")),
      Math.max(0, job.deadline - Date.now()) + KILL_GRACE_MS,
    );
  }

  attach(w: PoolWorker): void {
    if (this.finished) {
      release(w);
      return;
    }
    this.worker = w;
    w.session = this;
    w.warm = false;
    w.worker.ref();
    if (this.cancelled) {
      Atomics.store(w.control, 0, this.id);
      this.finish({ type: "cancelled" });
      return;
    }
    const job = this.job;
    post(w, { type: "run", id: this.id, job: w.prelude === job.prelude ? { ...job, prelude: undefined } : job });
    w.prelude = job.prelude;
    if (this.results.length > 0) this.scheduleFlush();
  }

  deliver(seq: number, envelope: string): void {
    if (this.finished) return;
    this.results.push([seq, envelope]);
    this.scheduleFlush();
  }

  cancel(): void {
    if (this.finished || this.cancelled) return;
    this.cancelled = true;
    const w = this.worker;
    if (w === undefined) {
      this.finish({ type: "cancelled" });
      return;
    }
    Atomics.store(w.control, 0, this.id);
    post(w, { type: "cancel", id: this.id });
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.hardStop(undefined), KILL_GRACE_MS);
  }

  /** From the worker. */
  received(m: WorkerMessage): void {
    if (this.finished) return;
    switch (m.type) {
      case "events":
        this.onEvents(m.events);
        return;
      case "done":
        this.finish(m.outcome);
        return;
      case "fatal":
        this.hardStop(undefined, m.message);
        return;
      case "warm":
        // About the worker, not the session (handled where messages arrive).
        return;
    }
  }

  /** The worker died or must die: kill it and end the session. */
  hardStop(timeoutEnvelope: string | undefined, crash?: string): void {
    if (this.finished) return;
    const w = this.worker;
    this.worker = undefined;
    if (w !== undefined) {
      w.session = undefined;
      void kill(w);
    }
    this.finish(
      crash !== undefined
        ? { type: "crash", message: crash }
        : timeoutEnvelope !== undefined && !this.cancelled
          ? { type: "envelope", json: timeoutEnvelope }
          : { type: "cancelled" },
    );
  }

  private finish(o: GuestOutcome): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.watchdog);
    const w = this.worker;
    this.worker = undefined;
    if (w !== undefined) {
      w.session = undefined;
      release(w);
    }
    this.resolveOutcome(o);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.worker === undefined) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const w = this.worker;
      if (w === undefined || this.finished || this.results.length === 0) return;
      const results = this.results;
      this.results = [];
      post(w, { type: "results", id: this.id, results });
    });
  }
}

function post(w: PoolWorker, m: HostMessage): void {
  if (!w.dead) w.worker.postMessage(m);
}

function release(w: PoolWorker): void {
  if (w.dead) return;
  Atomics.store(w.control, 0, 0);
  const next = waiting.shift();
  if (next !== undefined) {
    next(w);
    return;
  }
  w.worker.unref();
  idle.push(w);
}

function spawn(): PoolWorker {
  const control = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(workerScript(), {
    workerData: { control },
    resourceLimits: { stackSizeMb: WORKER_STACK_MB },
    stdout: false,
    stderr: false,
  });
  const w: PoolWorker = { worker, control, session: undefined, dead: false, warm: false, prelude: undefined };
  all.add(w);
  worker.on("message", (m: WorkerMessage) => {
    if (m.type === "warm") {
      if (w.session === undefined) w.warm = true;
      return;
    }
    if (m.type !== "fatal" && w.session?.id !== m.id) return;
    w.session?.received(m);
  });
  const died = (why: string): void => {
    if (w.dead) return;
    w.dead = true;
    all.delete(w);
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
    w.session?.hardStop(undefined, why);
    // A run waiting for a thread gets a new one.
    const next = waiting.shift();
    if (next !== undefined) next(spawn());
  };
  worker.on("error", (e) => died(`the sandbox thread failed: ${errorMessage(e)}`));
  worker.on("exit", () => died("the sandbox thread exited"));
  return w;
}

async function kill(w: PoolWorker): Promise<void> {
  if (w.dead) return;
  w.dead = true;
  all.delete(w);
  const i = idle.indexOf(w);
  if (i >= 0) idle.splice(i, 1);
  await w.worker.terminate();
  const next = waiting.shift();
  if (next !== undefined) next(spawn());
}

/**
 * The worker script. Built: `dist/worker.js` next to the entry or one level
 * above the chunk this code is in. From source (tests): `worker-entry.ts`
 * bundled once with esbuild into `node_modules/.cache/partwise/`, where the
 * QuickJS packages resolve.
 */
function workerScript(): URL {
  if (scriptUrl !== undefined) return scriptUrl;
  const here = import.meta.url;
  if (!here.endsWith(".ts")) {
    for (const rel of ["./worker.js", "../worker.js"]) {
      const u = new URL(rel, here);
      if (existsSync(fileURLToPath(u))) {
        scriptUrl = u;
        return u;
      }
    }
    throw new Error("partwise: the sandbox worker script (worker.js) is missing from the build");
  }
  scriptUrl = bundleWorkerFromSource(fileURLToPath(new URL("./worker-entry.ts", here)));
  return scriptUrl;
}

function bundleWorkerFromSource(entry: string): URL {
  const root = join(dirname(entry), "..", "..");
  const require = createRequireFrom(root);
  const esbuild = require("esbuild") as typeof Esbuild;
  const out = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    external: ["quickjs-emscripten", "quickjs-emscripten-core", "@jitl/*"],
    logLevel: "silent",
  });
  const text = out.outputFiles[0]?.text ?? "";
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 16);
  const dir = join(root, "node_modules", ".cache", "partwise");
  const file = join(dir, `worker-${hash}.mjs`);
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }
  return pathToFileURL(file);
}

function createRequireFrom(root: string): NodeJS.Require {
  return createRequire(join(root, "package.json"));
}
