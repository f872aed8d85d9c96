/**
 * Trace events (`TraceEvent` in `types.ts`): each one goes to `onEvent` and,
 * when a trace file is given, is appended to it as a JSON line the moment it
 * happens, so a run that dies still leaves its trace so far.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { UsageError } from "../errors.js";
import type { TraceEvent } from "./types.js";

/** Where a run's events go. */
export class Tracer {
  private fd: number | undefined;
  private readonly t0 = performance.now();

  constructor(
    private readonly onEvent: ((e: TraceEvent) => void) | undefined,
    tracePath: string | undefined,
  ) {
    if (tracePath !== undefined) {
      try {
        this.fd = openSync(tracePath, "a");
      } catch (e) {
        throw new UsageError(`cannot write the trace: ${e instanceof Error ? e.message : String(e)}`, tracePath);
      }
    }
  }

  /** Milliseconds since the run started (microsecond resolution). */
  now(): number {
    return Math.round((performance.now() - this.t0) * 1000) / 1000;
  }

  /** Sends one event. A throwing `onEvent` is the caller's bug; it never stops the run. */
  emit(e: TraceEvent): void {
    if (this.fd !== undefined) writeSync(this.fd, JSON.stringify(e) + "\n");
    if (this.onEvent !== undefined) {
      try {
        this.onEvent(e);
      } catch {
        // Swallowed on purpose: the sandbox's bookkeeping must not depend on a listener.
      }
    }
  }

  /** Closes the trace file; later events go to `onEvent` only. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
