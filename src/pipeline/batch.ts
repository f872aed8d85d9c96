/**
 * `partwise batch`: streams JSON Lines episodes in and result lines out.
 *
 * - Streaming: `node:readline` over a file stream; at most `window` lines
 *   are in flight (read, not yet written), so memory stays flat however
 *   long the file is.
 * - Order: one result line per non-blank input line, in input order. Lines
 *   go to the workers in chunks; results come back in any order and wait in
 *   a reorder buffer (bounded by `window`) until every earlier line is out.
 * - Durability: each ready run of lines is written with one `writeSync`,
 *   so a killed process leaves whole lines, plus at most one partial last
 *   line, which a resume truncates.
 * - Resume: with `out` naming an existing file, every id already there is
 *   skipped (counted, so a repeated id is skipped as often as it was
 *   written), and so is every unreadable line whose error record (keyed by
 *   its line number) is there. Killing mid-file and rerunning writes each
 *   result exactly once. The done ids are held in memory while resuming.
 * - Failures: a line that cannot be read, or whose episode makes the
 *   checker or runtime fail, becomes an error record; a worker that dies
 *   turns the lines it held into error records and is replaced.
 * - Workers: `workers: 0` processes in this thread; `N ≥ 1` starts N worker
 *   threads that receive the catalog and policy once (structured clone; if
 *   that fails, the file paths, and each loads them).
 */
import {
  closeSync,
  createReadStream,
  existsSync,
  ftruncateSync,
  openSync,
  readSync,
  fstatSync,
  writeSync,
} from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Catalog } from "../catalog/types.js";
import type { Policy } from "../policy/types.js";
import { loadEngine, type Engine } from "./engine.js";
import { processLine, type BatchResult, type LineContext } from "./batch-line.js";
import { ProgressBar, type ProgressStream } from "./progress.js";

/** Options of {@link runBatch}. */
export interface BatchOptions {
  /** The episodes file (JSON Lines); `-` reads standard input. */
  readonly input: string;
  /** The results file: appended to, and resumed from when it exists. Without it, `write` receives the lines. */
  readonly out?: string;
  /** Receives result text when there is no `out` (default: standard output). */
  readonly write?: (text: string) => void;
  readonly catalog: Catalog;
  readonly policy: Policy;
  /** Paths the workers load from when the catalog or policy cannot be cloned to them. */
  readonly catalogPath?: string;
  readonly policyPath?: string;
  /** Also run compositions that pass the check. */
  readonly run?: boolean;
  /** Add structural features to every result line. */
  readonly features?: boolean;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  /** Worker threads; 0 processes in this thread (default: available cores, at most 8). */
  readonly workers?: number;
  /** Most lines in flight (read but not yet written); default 4096. */
  readonly window?: number;
  /** Most lines per message to a worker; default 64. */
  readonly chunk?: number;
  /** Where a progress bar goes (drawn only on a terminal); default none. */
  readonly progress?: ProgressStream;
  /** The engine for the in-process path (default: the real one). */
  readonly engine?: Engine;
  /** The worker script (default: `pipeline-worker.js` next to the bundle). */
  readonly workerUrl?: URL;
  /** A module whose `engine` export replaces the real engine in the workers (tests, custom checkers). */
  readonly engineUrl?: string;
  readonly signal?: AbortSignal;
}

/** What a batch did. */
export interface BatchSummary {
  /** Non-blank input lines seen. */
  readonly lines: number;
  /** Lines skipped because their results were already in `out`. */
  readonly skipped: number;
  /** Result lines written by this run. */
  readonly written: number;
  readonly ok: number;
  readonly rejected: number;
  /** Error records (unreadable lines, failed episodes). */
  readonly errors: number;
  readonly wallMs: number;
}

/** Per-chunk counts a worker reports. */
export interface ResultCounts {
  ok: number;
  rejected: number;
  errors: number;
}

/** Message to a worker: lines to process. */
export interface WorkRequest {
  readonly seq: number;
  readonly items: readonly { readonly line: number; readonly text: string }[];
}

/** Message from a worker: the result lines of one request, in its order. */
export interface WorkResponse {
  readonly seq: number;
  readonly outs: readonly string[];
  readonly counts: ResultCounts;
}

/** Data a worker starts with. */
export interface WorkerInit {
  readonly catalog?: Catalog;
  readonly policy?: Policy;
  readonly catalogPath?: string;
  readonly policyPath?: string;
  readonly run: boolean;
  readonly features: boolean;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  readonly engineUrl?: string;
}

/** Counts one result into `counts`. */
export function countResult(r: BatchResult, counts: ResultCounts): void {
  if (r.error !== undefined) counts.errors++;
  else if (r.ok === true) counts.ok++;
  else counts.rejected++;
}

// ---------------------------------------------------------------- resume

/** What a results file already holds. */
export interface DoneSet {
  /** Result lines per id. */
  readonly ids: Map<string, number>;
  /** Line numbers of error records without an id. */
  readonly errorLines: Set<number>;
  readonly count: number;
}

/**
 * Reads an existing results file for resuming: truncates a trailing
 * partial line (the process died mid-write), then collects the ids and
 * id-less error lines it holds. Returns an empty set for a missing file.
 */
export async function readDone(path: string): Promise<DoneSet> {
  const done: DoneSet = { ids: new Map(), errorLines: new Set(), count: 0 };
  if (!existsSync(path)) return done;
  truncatePartialLine(path);
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let count = 0;
  for await (const text of rl) {
    if (text.trim() === "") continue;
    let r: unknown;
    try {
      r = JSON.parse(text);
    } catch {
      continue; // not ours; it will stay, and its line will be redone
    }
    if (typeof r !== "object" || r === null) continue;
    const rec = r as { id?: unknown; error?: { line?: unknown } };
    count++;
    if (typeof rec.id === "string") done.ids.set(rec.id, (done.ids.get(rec.id) ?? 0) + 1);
    else if (typeof rec.error?.line === "number") done.errorLines.add(rec.error.line);
  }
  return { ...done, count };
}

/** Cuts a file back to its last newline. */
export function truncatePartialLine(path: string): void {
  const fd = openSync(path, "r+");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const buf = Buffer.alloc(Math.min(size, 1 << 16));
    let end = size;
    while (end > 0) {
      const n = Math.min(buf.length, end);
      readSync(fd, buf, 0, n, end - n);
      const i = buf.subarray(0, n).lastIndexOf(10);
      if (i >= 0) {
        const keep = end - n + i + 1;
        if (keep !== size) ftruncateSync(fd, keep);
        return;
      }
      end -= n;
    }
    ftruncateSync(fd, 0);
  } finally {
    closeSync(fd);
  }
}

/** True when a line's result is already in the results file (and counts it). */
function alreadyDone(text: string, line: number, done: DoneSet, seen: Map<string, number>): boolean {
  let id: unknown;
  try {
    id = (JSON.parse(text) as { id?: unknown } | null)?.id;
  } catch {
    return done.errorLines.has(line);
  }
  if (typeof id !== "string" || id === "") return done.errorLines.has(line);
  const have = done.ids.get(id);
  if (have === undefined) return false;
  const k = (seen.get(id) ?? 0) + 1;
  seen.set(id, k);
  return k <= have;
}

// ---------------------------------------------------------------- workers

/** The worker script next to the running bundle (dist/ or dist/chunks/). */
export function defaultWorkerUrl(): URL {
  for (const rel of ["./pipeline-worker.js", "../pipeline-worker.js"]) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(
    "the batch worker script `pipeline-worker.js` was not found next to the bundle; build with `npm run build` or use `workers: 0`",
  );
}

interface PoolWorker {
  readonly worker: Worker;
  /** Requests sent and not answered, by seq. */
  readonly pending: Map<number, WorkRequest>;
}

/** The default number of workers: the available cores, at most 8. */
export async function defaultWorkers(): Promise<number> {
  const os = await import("node:os");
  return Math.max(1, Math.min(8, os.availableParallelism()));
}

// ---------------------------------------------------------------- the batch

/** Runs a batch (see the module comment). Resolves when every line is written. */
export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  const started = Date.now();
  const workers = opts.workers ?? (await defaultWorkers());
  const window = Math.max(1, opts.window ?? 4096);
  const chunkSize = Math.max(1, opts.chunk ?? 64);
  const counts: ResultCounts = { ok: 0, rejected: 0, errors: 0 };

  // Output, resumed.
  const done: DoneSet =
    opts.out !== undefined ? await readDone(opts.out) : { ids: new Map(), errorLines: new Set(), count: 0 };
  const resuming = done.ids.size > 0 || done.errorLines.size > 0;
  const seenDone = new Map<string, number>();
  const fd = opts.out !== undefined ? openSync(opts.out, "a") : undefined;
  const write =
    fd !== undefined
      ? (text: string): void => {
          writeSync(fd, text);
        }
      : (opts.write ?? ((text: string): void => void process.stdout.write(text)));

  // Input.
  const inputStream = opts.input === "-" ? process.stdin : createReadStream(opts.input);
  const totalBytes = opts.input === "-" ? 0 : fstatSyncSafe(opts.input);
  const progress = new ProgressBar(opts.progress, totalBytes);
  let bytesDone = 0;

  // Ordering: results wait in `ready` until every earlier seq is written.
  const ready = new Map<number, { readonly text: string; readonly bytes: number }>();
  let nextToWrite = 0;
  let nextSeq = 0;
  let written = 0;
  let waitingForRoom: (() => void) | undefined;
  let allWritten: (() => void) | undefined;

  const flush = (): void => {
    let out = "";
    let n = 0;
    for (;;) {
      const r = ready.get(nextToWrite);
      if (r === undefined) break;
      ready.delete(nextToWrite);
      out += r.text + "\n";
      bytesDone += r.bytes;
      nextToWrite++;
      n++;
      // Keep single writes moderate so a slow disk does not hold a huge string.
      if (out.length > 1 << 20) {
        write(out);
        out = "";
      }
    }
    if (out !== "") write(out);
    if (n > 0) {
      written += n;
      progress.update(written, bytesDone);
      if (waitingForRoom !== undefined && nextSeq - nextToWrite < window) {
        const w = waitingForRoom;
        waitingForRoom = undefined;
        w();
      }
      if (allWritten !== undefined && nextToWrite === nextSeq) allWritten();
    }
  };

  const deliver = (seq: number, outs: readonly string[], items: WorkRequest["items"], c: ResultCounts): void => {
    outs.forEach((text, i) => ready.set(seq + i, { text, bytes: (items[i]?.text.length ?? 0) + 1 }));
    counts.ok += c.ok;
    counts.rejected += c.rejected;
    counts.errors += c.errors;
    flush();
  };

  // Processing: in this thread, or a pool.
  let engine: Engine | undefined;
  const ctxInit: Omit<LineContext, "engine"> = {
    catalog: opts.catalog,
    policy: opts.policy,
    run: opts.run === true,
    features: opts.features === true,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.memoryMb !== undefined ? { memoryMb: opts.memoryMb } : {}),
  };
  const pool: PoolWorker[] = [];
  let poolError: Error | undefined;
  let startupFailures = 0;

  const failChunk = (req: WorkRequest, message: string): void => {
    const c: ResultCounts = { ok: 0, rejected: 0, errors: req.items.length };
    deliver(
      req.seq,
      req.items.map((it) => JSON.stringify({ error: { message, line: it.line } })),
      req.items,
      c,
    );
  };

  const startWorker = (): PoolWorker => {
    const url = opts.workerUrl ?? defaultWorkerUrl();
    const base: WorkerInit = {
      run: ctxInit.run,
      features: ctxInit.features,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.memoryMb !== undefined ? { memoryMb: opts.memoryMb } : {}),
      ...(opts.catalogPath !== undefined ? { catalogPath: opts.catalogPath } : {}),
      ...(opts.policyPath !== undefined ? { policyPath: opts.policyPath } : {}),
      ...(opts.engineUrl !== undefined ? { engineUrl: opts.engineUrl } : {}),
    };
    let worker: Worker;
    try {
      worker = new Worker(url, { workerData: { ...base, catalog: opts.catalog, policy: opts.policy } });
    } catch (err) {
      if (!(err instanceof Error && err.name === "DataCloneError")) throw err;
      worker = new Worker(url, { workerData: base });
    }
    const pw: PoolWorker = { worker, pending: new Map() };
    let answered = false;
    worker.on("message", (msg: WorkResponse) => {
      answered = true;
      startupFailures = 0;
      const req = pw.pending.get(msg.seq);
      if (req === undefined) return;
      pw.pending.delete(msg.seq);
      deliver(msg.seq, msg.outs, req.items, msg.counts);
      pump();
    });
    const onDeath = (why: string): void => {
      const i = pool.indexOf(pw);
      if (i < 0) return;
      pool.splice(i, 1);
      const lost = [...pw.pending.values()];
      pw.pending.clear();
      for (const req of lost) failChunk(req, `the worker failed while processing this line: ${why}`);
      if (!answered && ++startupFailures >= 3) {
        poolError ??= new Error(`the batch workers fail to start: ${why}`);
      }
      if (poolError !== undefined) {
        waitingForRoom?.();
        allWritten?.();
      } else if (!finishing) {
        try {
          pool.push(startWorker());
        } catch (err) {
          poolError = err instanceof Error ? err : new Error(String(err));
        }
      }
      pump();
    };
    worker.on("error", (err) => onDeath(err.message));
    worker.on("exit", (code) => onDeath(`exit code ${code}`));
    return pw;
  };

  // Lines read but not yet sent to a worker.
  const queued: { line: number; text: string }[] = [];
  let queuedSeq = 0;
  let finishing = false;

  /** Sends the queued lines when a worker has room: always when full, early when a worker idles. */
  const pump = (): void => {
    while (queued.length > 0) {
      const target = pool.reduce<PoolWorker | undefined>(
        (best, w) => (best === undefined || w.pending.size < best.pending.size ? w : best),
        undefined,
      );
      if (target === undefined) return;
      const idle = target.pending.size === 0;
      if (!(queued.length >= chunkSize || finishing || idle)) return;
      if (target.pending.size >= 2) return;
      const items = queued.splice(0, chunkSize);
      const req: WorkRequest = { seq: queuedSeq, items };
      queuedSeq += items.length;
      target.pending.set(req.seq, req);
      target.worker.postMessage(req);
    }
  };

  if (workers > 0) {
    for (let i = 0; i < workers; i++) pool.push(startWorker());
  } else {
    engine = opts.engine ?? (await loadEngine());
  }
  const ctx: LineContext | undefined = engine !== undefined ? { ...ctxInit, engine } : undefined;

  const rl = createInterface({ input: inputStream, crlfDelay: Infinity });
  let lineNo = 0;
  let lines = 0;
  let skipped = 0;
  try {
    for await (const text of rl) {
      lineNo++;
      if (opts.signal?.aborted === true) break;
      if (poolError !== undefined) throw poolError;
      if (text.trim() === "") continue;
      lines++;
      if (resuming && alreadyDone(text, lineNo, done, seenDone)) {
        skipped++;
        bytesDone += text.length + 1;
        continue;
      }
      const seq = nextSeq++;
      if (ctx !== undefined) {
        const r = await processLine(text, lineNo, ctx);
        const c: ResultCounts = { ok: 0, rejected: 0, errors: 0 };
        countResult(r, c);
        deliver(seq, [JSON.stringify(r)], [{ line: lineNo, text }], c);
        continue;
      }
      queued.push({ line: lineNo, text });
      pump();
      if (nextSeq - nextToWrite >= window) {
        await new Promise<void>((resolve) => {
          waitingForRoom = resolve;
          pump();
        });
      }
    }
    finishing = true;
    pump();
    if (nextToWrite < nextSeq && poolError === undefined) {
      await new Promise<void>((resolve) => {
        allWritten = resolve;
        pump();
        flush();
      });
    }
    if (poolError !== undefined) throw poolError;
  } finally {
    finishing = true;
    rl.close();
    await Promise.all(pool.map((w) => w.worker.terminate()));
    if (fd !== undefined) closeSync(fd);
  }
  const summary: BatchSummary = {
    lines,
    skipped,
    written,
    ...counts,
    wallMs: Date.now() - started,
  };
  progress.finish(
    `${lines.toLocaleString("en-US")} lines: ${counts.ok} ok, ${counts.rejected} rejected, ${counts.errors} errors` +
      (skipped > 0 ? `, ${skipped} already done` : "") +
      ` (${(summary.wallMs / 1000).toFixed(1)}s)`,
  );
  return summary;
}

function fstatSyncSafe(path: string): number {
  try {
    const fd = openSync(path, "r");
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}

/** The worker side: processes requests with one loaded context. Used by `worker.ts`. */
export async function workerContext(init: WorkerInit): Promise<LineContext> {
  const engine =
    init.engineUrl !== undefined
      ? ((await import(init.engineUrl)) as { readonly engine: Engine }).engine
      : await loadEngine();
  let catalog = init.catalog;
  let policy = init.policy;
  if (catalog === undefined || policy === undefined) {
    if (init.catalogPath === undefined) throw new Error("the batch worker got neither a catalog nor its path");
    const { loadContext } = await import("../cli/load.js");
    const c = await loadContext(init.catalogPath, init.policyPath);
    catalog = c.catalog;
    policy = c.policy;
  }
  return {
    engine,
    catalog,
    policy,
    run: init.run,
    features: init.features,
    ...(init.timeoutMs !== undefined ? { timeoutMs: init.timeoutMs } : {}),
    ...(init.memoryMb !== undefined ? { memoryMb: init.memoryMb } : {}),
  };
}
