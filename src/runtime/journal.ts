/**
 * The run journal (contract.md, "Journal and effects"): JSON Lines, each
 * record appended and fsync'ed before the run moves on.
 *
 * Records:
 * - `{"type":"run","version":1,"runId":…}`, first, written once: the run id
 *   stays the same across reruns with this journal, so idempotency keys do.
 * - `{"type":"intent","seq","fn","args","idempotencyKey"}` before an
 *   effectful call starts.
 * - `{"type":"result","seq","fn","args","result"}` after a call returned
 *   (pure calls write only this), or from `resolveJournal` (`"resolved":true`).
 *
 * A process killed mid-append leaves a partial last line; it is cut off
 * when the journal is opened (the record it held was never fsync'ed, so
 * nothing was acted on after it).
 */
import { randomUUID } from "node:crypto";
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "../errors.js";
import type { JsonValue } from "./types.js";

/** What the journal knows about one sequence number. */
export interface JournalEntry {
  readonly seq: number;
  readonly fn: string;
  readonly args: readonly JsonValue[];
  /** The key of the recorded intent (effectful calls). */
  readonly intentKey?: string;
  /** Present when the call's result was recorded. */
  readonly result?: { readonly value: JsonValue };
}

type JournalRecord =
  | { readonly type: "run"; readonly version: number; readonly runId: string }
  | {
      readonly type: "intent";
      readonly seq: number;
      readonly fn: string;
      readonly args: readonly JsonValue[];
      readonly idempotencyKey: string;
    }
  | {
      readonly type: "result";
      readonly seq: number;
      readonly fn: string;
      readonly args: readonly JsonValue[];
      readonly result: JsonValue;
      readonly resolved?: boolean;
    };

/** An open journal: what earlier runs recorded, and an append-only file descriptor. */
export class Journal {
  private constructor(
    readonly path: string,
    readonly runId: string,
    private readonly entries: Map<number, JournalEntry>,
    private fd: number | undefined,
  ) {}

  /** Opens (or creates) a journal, repairing a partial last line. */
  static open(path: string): Journal {
    const { runId, entries, validLength, fileLength } = readJournal(path, true);
    let fd: number;
    try {
      fd = openSync(path, existsSync(path) ? "r+" : "w+");
    } catch (e) {
      throw new UsageError(`cannot open the journal: ${e instanceof Error ? e.message : String(e)}`, path);
    }
    if (validLength < fileLength) {
      ftruncateSync(fd, validLength);
      fsyncSync(fd);
    }
    closeSync(fd);
    fd = openSync(path, "a");
    const journal = new Journal(path, runId ?? randomUUID(), entries, fd);
    if (runId === undefined) {
      journal.append({ type: "run", version: 1, runId: journal.runId });
      syncDirectory(path);
    }
    return journal;
  }

  /** What was recorded for `seq`, if anything. */
  entry(seq: number): JournalEntry | undefined {
    return this.entries.get(seq);
  }

  /** Records that an effectful call is about to start. */
  writeIntent(seq: number, fn: string, args: readonly JsonValue[], idempotencyKey: string): void {
    this.append({ type: "intent", seq, fn, args, idempotencyKey });
    this.entries.set(seq, { seq, fn, args, intentKey: idempotencyKey });
  }

  /** Records a call's result. */
  writeResult(seq: number, fn: string, args: readonly JsonValue[], result: JsonValue): void {
    this.append({ type: "result", seq, fn, args, result });
    const before = this.entries.get(seq);
    this.entries.set(seq, { ...before, seq, fn, args, result: { value: result } });
  }

  /** Records an outcome a person supplied (`resolveJournal`). */
  appendResolved(seq: number, fn: string, args: readonly JsonValue[], result: JsonValue): void {
    this.append({ type: "result", seq, fn, args, result, resolved: true });
    const before = this.entries.get(seq);
    this.entries.set(seq, { ...before, seq, fn, args, result: { value: result } });
  }

  /** Closes the file (later writes are dropped). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private append(r: JournalRecord): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, JSON.stringify(r) + "\n");
    fsyncSync(this.fd);
  }
}

interface ReadJournal {
  readonly runId: string | undefined;
  readonly entries: Map<number, JournalEntry>;
  /** Bytes up to the end of the last complete line. */
  readonly validLength: number;
  readonly fileLength: number;
}

/** Reads a journal file; a missing file is an empty journal. */
function readJournal(path: string, allowMissing: boolean): ReadJournal {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if (allowMissing && (e as NodeJS.ErrnoException).code === "ENOENT") {
      return { runId: undefined, entries: new Map(), validLength: 0, fileLength: 0 };
    }
    throw new UsageError(`cannot read the journal: ${e instanceof Error ? e.message : String(e)}`, path);
  }
  const end = bytes.lastIndexOf(0x0a) + 1;
  const text = bytes.subarray(0, end).toString("utf8");
  const entries = new Map<number, JournalEntry>();
  let runId: string | undefined;
  let line = 0;
  for (const raw of text.split("\n")) {
    line++;
    if (raw.trim() === "") continue;
    let r: JournalRecord;
    try {
      r = JSON.parse(raw) as JournalRecord;
    } catch {
      throw new UsageError(
        "the journal has a line that is not JSON",
        path,
        line,
        "a journal is only written by partwise",
      );
    }
    switch (r.type) {
      case "run":
        runId ??= r.runId;
        break;
      case "intent":
        entries.set(r.seq, { ...entries.get(r.seq), seq: r.seq, fn: r.fn, args: r.args, intentKey: r.idempotencyKey });
        break;
      case "result":
        entries.set(r.seq, { ...entries.get(r.seq), seq: r.seq, fn: r.fn, args: r.args, result: { value: r.result } });
        break;
      default:
        throw new UsageError("the journal has a record of an unknown type", path, line);
    }
  }
  return { runId, entries, validLength: end, fileLength: bytes.length };
}

function syncDirectory(path: string): void {
  try {
    const fd = openSync(dirname(path), "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a directory; the records themselves are synced.
  }
}

/**
 * Supplies the outcome of an effectful call whose result was lost (an
 * `intent` with no `result`), for `partwise resolve JOURNAL SEQ RESULT.json`.
 * The next run with this journal replays it. Throws a `UsageError` when
 * `seq` has no pending intent.
 */
export function resolveJournal(path: string, seq: number, result: JsonValue): Promise<void> {
  try {
    const { entries } = readJournal(path, false);
    const e = entries.get(seq);
    if (e?.intentKey === undefined || e.result !== undefined) {
      const pending = [...entries.values()].filter((x) => x.intentKey !== undefined && x.result === undefined);
      throw new UsageError(
        e?.result !== undefined ? `call ${seq} already has a result` : `call ${seq} has no pending intent`,
        path,
        undefined,
        pending.length === 0
          ? "this journal has no call whose outcome is unknown"
          : `calls waiting for an outcome: ${pending.map((x) => `${x.seq} (${x.fn})`).join(", ")}`,
      );
    }
    const journal = Journal.open(path);
    try {
      journal.appendResolved(seq, e.fn, e.args, result);
    } finally {
      journal.close();
    }
    return Promise.resolve();
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
