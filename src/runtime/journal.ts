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
 *
 * One writer at a time: an open journal holds `JOURNAL.lock`, created with
 * O_EXCL and holding the owner's pid, host, start time and a random token,
 * until it is closed (or the process exits). A second run, or `resolve`,
 * finds the lock and is refused while its owner lives; a lock whose owner is
 * gone (no such pid, a zombie, or, on Linux, a pid now used by a process
 * that started later) is stale and taken over. Taking over renames the
 * stale file aside and checks it is the one judged stale, so of two
 * processes that both found it stale only one can remove it; then both race
 * for the O_EXCL create again. A lock made on another host cannot be judged
 * from here and counts as live.
 */
import { randomUUID } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
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

/** An open journal: what earlier runs recorded, an append-only file descriptor, and the journal's lock. */
export class Journal {
  private constructor(
    readonly path: string,
    readonly runId: string,
    private readonly entries: Map<number, JournalEntry>,
    private fd: number | undefined,
    private readonly lock: JournalLock,
  ) {}

  /**
   * Locks and opens (or creates) a journal, repairing a partial last line.
   * Throws `JournalBusyError` when another live process holds its lock, and a
   * `UsageError` when it cannot be locked, read or written.
   */
  static open(path: string): Journal {
    const lock = JournalLock.acquire(path);
    try {
      const { runId, entries, validLength, fileLength } = readJournal(path, true);
      let fd: number;
      try {
        fd = openSync(path, existsSync(path) ? "r+" : "w+");
      } catch (e) {
        throw new UsageError(`cannot open the journal: ${messageOf(e)}`, path);
      }
      if (validLength < fileLength) {
        ftruncateSync(fd, validLength);
        fsyncSync(fd);
      }
      closeSync(fd);
      fd = openSync(path, "a");
      const journal = new Journal(path, runId ?? randomUUID(), entries, fd, lock);
      if (runId === undefined) {
        journal.append({ type: "run", version: 1, runId: journal.runId });
        syncDirectory(path);
      }
      return journal;
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** Set when opening took over a stale lock: says whose, for the trace. */
  get lockNote(): string | undefined {
    return this.lock.note;
  }

  /** Effectful calls whose `intent` has no `result`, in sequence order. */
  pending(): JournalEntry[] {
    return [...this.entries.values()]
      .filter((x) => x.intentKey !== undefined && x.result === undefined)
      .sort((a, b) => a.seq - b.seq);
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

  /** Closes the file (later writes are dropped) and releases the lock. */
  close(): void {
    try {
      if (this.fd !== undefined) closeSync(this.fd);
    } finally {
      this.fd = undefined;
      this.lock.release();
    }
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
    throw new UsageError(`cannot read the journal: ${messageOf(e)}`, path);
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
 * The next run with this journal replays it. Takes the journal's lock like a
 * run does. Throws a `UsageError` when `seq` has no pending intent, or when a
 * run holds the journal. Resolves to `{ lockNote }` when it took over a
 * stale lock.
 */
export function resolveJournal(path: string, seq: number, result: JsonValue): Promise<{ readonly lockNote?: string }> {
  try {
    if (!existsSync(path)) readJournal(path, false); // throws: names the file and why it cannot be read
    let journal: Journal;
    try {
      journal = Journal.open(path);
    } catch (err) {
      if (err instanceof JournalBusyError) throw new UsageError(err.message);
      throw err;
    }
    try {
      const e = journal.entry(seq);
      if (e?.intentKey === undefined || e.result !== undefined) {
        const pending = journal.pending();
        throw new UsageError(
          e?.result !== undefined ? `call ${seq} already has a result` : `call ${seq} has no pending intent`,
          path,
          undefined,
          pending.length === 0
            ? "this journal has no call whose outcome is unknown"
            : `calls waiting for an outcome: ${pending.map((x) => `${x.seq} (${x.fn})`).join(", ")}`,
        );
      }
      journal.appendResolved(seq, e.fn, e.args, result);
    } finally {
      journal.close();
    }
    const note = journal.lockNote;
    return Promise.resolve(note === undefined ? {} : { lockNote: note });
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

// ---------------------------------------------------------------- the lock

/** What `JOURNAL.lock` holds: who has the journal open. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** When the holder took the lock (ISO 8601). */
  readonly since: string;
  /** The holder's start time in clock ticks after boot (Linux `/proc/PID/stat`), to tell a reused pid apart. */
  readonly procStart?: string;
  /** Random; release removes the file only while it still holds this token. */
  readonly token: string;
}

/** Another live process holds the journal's lock; nothing was read or written. */
export class JournalBusyError extends Error {
  override readonly name: string = "JournalBusyError";
  constructor(
    readonly journal: string,
    readonly lockPath: string,
    /** Undefined when the lock file cannot be read (being written, or damaged). */
    readonly holder: LockHolder | undefined,
  ) {
    super(busyMessage(journal, lockPath, holder));
  }
}

function busyMessage(journal: string, lockPath: string, holder: LockHolder | undefined): string {
  const who =
    holder === undefined
      ? `another run (\`${lockPath}\` cannot be read)`
      : `another run (process ${holder.pid}${holder.host === hostname() ? "" : ` on host ${holder.host}`}, since ${holder.since})`;
  return `the journal \`${journal}\` is in use by ${who}; wait for that run to end, or remove \`${lockPath}\` if no run is live`;
}

/** Locks held by this process, by lock path → token; removed at exit if still held. */
const heldLocks = new Map<string, string>();
let exitHook = false;

/** The exclusive lock of one open journal. */
class JournalLock {
  private held = true;

  private constructor(
    readonly lockPath: string,
    private readonly token: string,
    /** Set when a stale lock was taken over. */
    readonly note: string | undefined,
  ) {}

  /** Takes `PATH.lock`, or throws `JournalBusyError` / `UsageError`. */
  static acquire(journal: string): JournalLock {
    const lockPath = `${journal}.lock`;
    const own = procStat(process.pid);
    const me: LockHolder = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
      ...(own !== undefined ? { procStart: own.start } : {}),
      token: randomUUID(),
    };
    let note: string | undefined;
    // Each round either creates the lock, is refused, or removed a stale or vanished one and tries again.
    for (let round = 0; round < 8; round++) {
      let fd: number;
      try {
        fd = openSync(lockPath, "wx", 0o644);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
          throw new UsageError(
            `cannot lock the journal: ${messageOf(e)}`,
            journal,
            undefined,
            `partwise creates \`${lockPath}\` next to the journal; its folder must be writable`,
          );
        }
        const seen = readLock(lockPath);
        if (seen === undefined) continue; // released meanwhile
        if (seen.holder === undefined || isLive(seen.holder))
          throw new JournalBusyError(journal, lockPath, seen.holder);
        if (removeStale(lockPath, seen.text, me.token)) {
          note = `took over the journal lock \`${lockPath}\` of process ${seen.holder.pid} (since ${seen.holder.since}), which is no longer running`;
        }
        continue;
      }
      try {
        writeSync(fd, JSON.stringify(me) + "\n");
        fsyncSync(fd);
      } catch (e) {
        closeSync(fd);
        unlinkQuietly(lockPath);
        throw new UsageError(`cannot lock the journal: ${messageOf(e)}`, journal);
      }
      closeSync(fd);
      heldLocks.set(lockPath, me.token);
      if (!exitHook) {
        exitHook = true;
        process.on("exit", releaseAllAtExit);
      }
      return new JournalLock(lockPath, me.token, note);
    }
    throw new JournalBusyError(journal, lockPath, readLock(lockPath)?.holder);
  }

  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    heldLocks.delete(this.lockPath);
    releaseIfOurs(this.lockPath, this.token);
  }
}

function releaseAllAtExit(): void {
  for (const [lockPath, token] of heldLocks) releaseIfOurs(lockPath, token);
  heldLocks.clear();
}

function releaseIfOurs(lockPath: string, token: string): void {
  if (readLock(lockPath)?.holder?.token === token) unlinkQuietly(lockPath);
}

/** The lock file's text and, when it parses, its holder; undefined when there is no lock file. */
function readLock(lockPath: string): { readonly text: string; readonly holder: LockHolder | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(lockPath, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return { text: "", holder: undefined };
  }
  try {
    const v = JSON.parse(text) as Partial<Record<keyof LockHolder, unknown>>;
    const ok =
      typeof v.pid === "number" &&
      Number.isSafeInteger(v.pid) &&
      v.pid > 0 &&
      typeof v.host === "string" &&
      typeof v.since === "string" &&
      typeof v.token === "string" &&
      (v.procStart === undefined || typeof v.procStart === "string");
    return { text, holder: ok ? (v as LockHolder) : undefined };
  } catch {
    return { text, holder: undefined };
  }
}

/** Whether the process that wrote a lock still runs (a lock from another host always counts as live). */
function isLive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const stat = procStat(h.pid);
  if (stat === undefined) return true;
  if (stat.state === "Z" || stat.state === "X") return false;
  return h.procStart === undefined || h.procStart === stat.start;
}

/** State and start time of a process from `/proc/PID/stat` (Linux); undefined elsewhere. */
function procStat(pid: number): { readonly state: string; readonly start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; field 22 is the start time.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const state = rest[0];
    const start = rest[19];
    return state !== undefined && start !== undefined ? { state, start } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes a lock judged stale, if the file is still the one judged: it is
 * renamed aside first (atomic), and put back if it turns out to be a fresh
 * lock another process took meanwhile. True when the stale lock was removed.
 */
function removeStale(lockPath: string, staleText: string, token: string): boolean {
  const aside = `${lockPath}.${token}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return false; // gone already: another process took it over or it was released
  }
  let text = "";
  try {
    text = readFileSync(aside, "utf8");
  } catch {
    // Unreadable: treated as not the stale one, put back below.
  }
  if (text === staleText) {
    unlinkQuietly(aside);
    return true;
  }
  try {
    linkSync(aside, lockPath); // fails if yet another lock was created meanwhile
  } catch {
    // Nothing more to do: the next round reads whatever lock is there.
  }
  unlinkQuietly(aside);
  return false;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
