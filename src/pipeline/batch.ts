/**
 * `partwise batch`: streams JSON Lines episodes in and result lines out.
 *
 * - Streaming: the input is read as raw byte chunks (256 KiB) and cut into
 *   requests of up to `chunk` whole lines (split on `\n` only; a trailing
 *   `\r` is dropped, a last line without `\n` counts). The reading thread
 *   never decodes or parses a line (except while resuming, below): a worker
 *   gets the raw bytes, parses every line and sends back the finished
 *   result lines as one transferred UTF-8 buffer. At most `window` lines are
 *   sent and not yet written, and at most ~1 MiB of input is read ahead, so
 *   memory stays flat however long the file is.
 * - Order: one result line per non-blank input line, in input order.
 *   Requests come back in any order and wait in a reorder buffer (bounded
 *   by `window`) until every earlier request is out.
 * - Durability: each request's result lines are written with one
 *   `writeSync` (whole lines), so a killed process leaves whole lines, plus
 *   at most one partial last line, which a resume truncates.
 * - Resume: with `out` naming an existing file, every id already there is
 *   skipped (counted, so a repeated id is skipped as often as it was
 *   written), and so is every unreadable line whose error record (keyed by
 *   its line number) is there. Killing mid-file and rerunning writes each
 *   result exactly once. The done ids are held in memory while resuming;
 *   only then does the reading thread parse lines (to find their ids), and
 *   only until every done record has been matched.
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
import { errorRecord, processLine, type BatchResult, type LineContext } from "./batch-line.js";
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
  /** Most lines sent for processing and not yet written (the reorder window); default 8192. */
  readonly window?: number;
  /** Most lines per request to a worker (or per step in this thread); default 512. */
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

/** Per-batch counts a worker reports. */
export interface ResultCounts {
  ok: number;
  rejected: number;
  errors: number;
}

/**
 * Message to a worker: a run of whole input lines as raw UTF-8 bytes
 * (split on `\n`, a trailing `\r` dropped; blank lines give no result),
 * numbered from `firstLine`. The buffer is transferred, not copied.
 */
export interface WorkRequest {
  readonly seq: number;
  readonly firstLine: number;
  readonly bytes: Uint8Array;
}

/** Message from a worker: the finished result lines of one request, in its order, as UTF-8 (transferred). */
export interface WorkResponse {
  readonly seq: number;
  readonly out: Uint8Array<ArrayBuffer>;
  /** Result lines in `out` (the non-blank input lines). */
  readonly lines: number;
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

// ---------------------------------------------------------------- batches

/** Lines of one request, as the worker and the in-process path see them. */
export interface BatchOutput {
  /** The result lines as UTF-8, each ending in `\n` (a view; its buffer is this batch's own, so it can be transferred). */
  readonly out: Uint8Array<ArrayBuffer>;
  /** Result lines in `out` (the non-blank input lines). */
  readonly lines: number;
  readonly counts: ResultCounts;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Processes a run of raw input lines (see {@link WorkRequest}) into finished
 * result lines: the whole per-line work of a batch, done in a worker (or in
 * this thread with `workers: 0`), so the reading thread never parses a line.
 */
export async function processBatch(bytes: Uint8Array, firstLine: number, ctx: LineContext): Promise<BatchOutput> {
  const lines = splitLines(decoder.decode(bytes));
  const counts: ResultCounts = { ok: 0, rejected: 0, errors: 0 };
  // Each result is encoded as soon as it is made, so its string dies young
  // (a batch's results never pile up on the heap to be copied and promoted).
  let out = new Uint8Array(Math.max(1 << 16, bytes.length * 4));
  let pos = 0;
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") continue;
    const r = await processLine(line, firstLine + i, ctx);
    countResult(r, counts);
    const text = JSON.stringify(r) + "\n";
    if (out.length - pos < text.length * 3) {
      const bigger = new Uint8Array(Math.max(out.length * 2, pos + text.length * 3));
      bigger.set(out.subarray(0, pos));
      out = bigger;
    }
    pos += encoder.encodeInto(text, out.subarray(pos)).written;
    n++;
  }
  return { out: out.subarray(0, pos), lines: n, counts };
}

/** Splits batch text on `\n` (the last line has none), dropping a trailing `\r` per line. */
function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? "";
    if (l.endsWith("\r")) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** A request being processed or waiting to be written. */
interface Batch {
  readonly seq: number;
  readonly firstLine: number;
  /** Input lines (blank ones included). */
  readonly lineCount: number;
  /** Input bytes it stands for (progress). */
  readonly rawBytes: number;
  /** Kept until answered, to record its lines as errors if its worker dies. */
  readonly bytes: Uint8Array;
}

interface PoolWorker {
  readonly worker: Worker;
  /** Requests sent and not answered, by seq. */
  readonly pending: Map<number, Batch>;
}

/** The default number of workers: the available cores, at most 8. */
export async function defaultWorkers(): Promise<number> {
  const os = await import("node:os");
  return Math.max(1, Math.min(8, os.availableParallelism()));
}

/** Raw input held unread by a worker before reading pauses. */
const READ_AHEAD = 1 << 20;
/** Bytes per read from the input file. */
const READ_CHUNK = 1 << 18;
/** Default lines per request. */
const DEFAULT_CHUNK = 512;
/** Default most lines sent and not yet written. */
const DEFAULT_WINDOW = 8192;

// ---------------------------------------------------------------- the batch

/** Runs a batch (see the module comment). Resolves when every line is written. */
export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  const started = Date.now();
  const workers = opts.workers ?? (await defaultWorkers());
  const window = Math.max(1, opts.window ?? DEFAULT_WINDOW);
  const chunkSize = Math.max(1, Math.min(window, opts.chunk ?? DEFAULT_CHUNK));
  const counts: ResultCounts = { ok: 0, rejected: 0, errors: 0 };

  // Output, resumed.
  const done: DoneSet =
    opts.out !== undefined ? await readDone(opts.out) : { ids: new Map(), errorLines: new Set(), count: 0 };
  // Done entries not yet matched by an input line; at 0 nothing more can be skipped.
  let unmatched = done.errorLines.size;
  for (const k of done.ids.values()) unmatched += k;
  const seenDone = new Map<string, number>();
  const fd = opts.out !== undefined ? openSync(opts.out, "a") : undefined;
  const write =
    fd !== undefined
      ? (bytes: Uint8Array): void => {
          let off = 0;
          while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
        }
      : opts.write !== undefined
        ? (bytes: Uint8Array): void => opts.write?.(decoder.decode(bytes))
        : (bytes: Uint8Array): void => void process.stdout.write(bytes);

  // Input.
  const inputStream = opts.input === "-" ? process.stdin : createReadStream(opts.input, { highWaterMark: READ_CHUNK });
  const totalBytes = opts.input === "-" ? 0 : fstatSyncSafe(opts.input);
  const progress = new ProgressBar(opts.progress, totalBytes);
  let bytesDone = 0;

  // Ordering: answered batches wait in `ready` until every earlier one is written.
  const ready = new Map<number, { readonly batch: Batch; readonly out: Uint8Array; readonly lines: number }>();
  let nextToWrite = 0;
  let nextSeq = 0;
  /** Input lines sent and not yet written. */
  let inFlight = 0;
  let written = 0;
  let processed = 0;
  let waitingForRoom: (() => void) | undefined;
  let allWritten: (() => void) | undefined;

  const wake = (): void => {
    const w = waitingForRoom;
    waitingForRoom = undefined;
    w?.();
  };

  const flush = (): void => {
    let n = 0;
    for (;;) {
      const r = ready.get(nextToWrite);
      if (r === undefined) break;
      ready.delete(nextToWrite);
      if (r.out.length > 0) write(r.out);
      bytesDone += r.batch.rawBytes;
      inFlight -= r.batch.lineCount;
      written += r.lines;
      nextToWrite++;
      n++;
    }
    if (n > 0) {
      progress.update(written, bytesDone);
      wake();
      if (allWritten !== undefined && nextToWrite === nextSeq) allWritten();
    }
  };

  const deliver = (batch: Batch, out: Uint8Array, lines: number, c: ResultCounts): void => {
    ready.set(batch.seq, { batch, out, lines });
    processed += lines;
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
  let finishing = false;

  const failBatch = (batch: Batch, message: string): void => {
    const lines = splitLines(decoder.decode(batch.bytes));
    let text = "";
    let n = 0;
    lines.forEach((l, i) => {
      if (l.trim() === "") return;
      text += JSON.stringify(errorRecord(undefined, message, batch.firstLine + i)) + "\n";
      n++;
    });
    deliver(batch, encoder.encode(text), n, { ok: 0, rejected: 0, errors: n });
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
      const batch = pw.pending.get(msg.seq);
      if (batch === undefined) return;
      pw.pending.delete(msg.seq);
      pump();
      deliver(batch, msg.out, msg.lines, msg.counts);
      pump();
    });
    const onDeath = (why: string): void => {
      const i = pool.indexOf(pw);
      if (i < 0) return;
      pool.splice(i, 1);
      const lost = [...pw.pending.values()];
      pw.pending.clear();
      for (const b of lost) failBatch(b, `the worker failed while processing this line: ${why}`);
      if (!answered && ++startupFailures >= 3) {
        poolError ??= new Error(`the batch workers fail to start: ${why}`);
      }
      if (poolError !== undefined) {
        wake();
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

  // Input read and not yet sent: `pendingBuf[pendingPos…]`, whole lines then a partial one.
  let pendingBuf: Buffer = Buffer.alloc(0);
  let pendingPos = 0;
  let nextLine = 1;
  let lines = 0;
  let skipped = 0;
  let resuming = unmatched > 0;

  /**
   * Cuts the next request from the read input: up to `chunkSize` whole lines
   * (fewer only when `partial`), within the window. Only while resuming is a
   * line looked at here: one already done is blanked out (counted as skipped).
   */
  const cut = (partial: boolean): Batch | undefined => {
    const buf = pendingBuf;
    const room = inFlight === 0 ? chunkSize : Math.min(chunkSize, window - inFlight);
    if (room <= 0) return undefined;
    const start = pendingPos;
    let end = start;
    let n = 0;
    while (n < room) {
      const nl = buf.indexOf(10, end);
      if (nl < 0) {
        if (finishing && end < buf.length) {
          end = buf.length;
          n++;
        }
        break;
      }
      end = nl + 1;
      n++;
    }
    if (n === 0 || (n < room && n < chunkSize && !partial && !finishing)) return undefined;
    const firstLine = nextLine;
    let bytes: Uint8Array;
    if (resuming) {
      const texts = splitLines(buf.toString("utf8", start, end));
      texts.forEach((text, i) => {
        if (text.trim() === "") return;
        if (alreadyDone(text, firstLine + i, done, seenDone)) {
          lines++;
          skipped++;
          texts[i] = "";
          if (--unmatched <= 0) resuming = false;
        }
      });
      bytes = encoder.encode(texts.join("\n") + "\n");
    } else {
      bytes = new Uint8Array(end - start);
      bytes.set(buf.subarray(start, end));
    }
    pendingPos = end;
    nextLine += n;
    inFlight += n;
    return { seq: nextSeq++, firstLine, lineCount: n, rawBytes: end - start, bytes };
  };

  /** Sends requests while a worker has room: full ones always, a partial one to an idle worker. */
  const pump = (): void => {
    if (opts.signal?.aborted === true) return;
    for (;;) {
      let target: PoolWorker | undefined;
      for (const w of pool) if (target === undefined || w.pending.size < target.pending.size) target = w;
      if (target === undefined || target.pending.size >= 2) return;
      const batch = cut(target.pending.size === 0);
      if (batch === undefined) return;
      target.pending.set(batch.seq, batch);
      // Copied, not transferred: the batch keeps its bytes until answered (see failBatch).
      const req: WorkRequest = { seq: batch.seq, firstLine: batch.firstLine, bytes: batch.bytes };
      target.worker.postMessage(req);
    }
  };

  /** The in-process path: processes every request that can be cut, in order. */
  const drainHere = async (ctx: LineContext): Promise<void> => {
    for (;;) {
      if (opts.signal?.aborted === true) return;
      const batch = cut(false);
      if (batch === undefined) return;
      const r = await processBatch(batch.bytes, batch.firstLine, ctx);
      deliver(batch, r.out, r.lines, r.counts);
    }
  };

  if (workers > 0) {
    for (let i = 0; i < workers; i++) pool.push(startWorker());
  } else {
    engine = opts.engine ?? (await loadEngine());
  }
  const ctx: LineContext | undefined = engine !== undefined ? { ...ctxInit, engine } : undefined;

  try {
    for await (const data of inputStream as AsyncIterable<Buffer | string>) {
      if (opts.signal?.aborted === true) break;
      if (poolError !== undefined) throw poolError;
      const chunk = typeof data === "string" ? Buffer.from(data) : data;
      pendingBuf = pendingPos >= pendingBuf.length ? chunk : Buffer.concat([pendingBuf.subarray(pendingPos), chunk]);
      pendingPos = 0;
      if (ctx !== undefined) {
        await drainHere(ctx);
        continue;
      }
      pump();
      while (pendingBuf.length - pendingPos >= READ_AHEAD && inFlight > 0 && poolError === undefined) {
        await new Promise<void>((resolve) => {
          waitingForRoom = resolve;
          pump();
        });
        pump();
      }
    }
    finishing = true;
    if (ctx !== undefined) {
      await drainHere(ctx);
    } else {
      // Send the rest (within the window; none after an abort), and wait until it is written.
      const busy = (): boolean =>
        poolError === undefined &&
        (nextToWrite < nextSeq || (pendingPos < pendingBuf.length && opts.signal?.aborted !== true));
      while (busy()) {
        await new Promise<void>((resolve) => {
          allWritten = resolve;
          waitingForRoom = resolve;
          pump();
          flush();
          if (!busy()) resolve();
        });
        allWritten = undefined;
      }
    }
    if (poolError !== undefined) throw poolError;
  } finally {
    finishing = true;
    if (inputStream !== process.stdin) (inputStream as { destroy?: () => void }).destroy?.();
    await Promise.all(pool.map((w) => w.worker.terminate()));
    if (fd !== undefined) closeSync(fd);
  }
  lines += processed;
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
