/**
 * A stub engine for pipeline tests, independent of the real checker: a
 * program is rejected when it contains `REJECT` (one `loop-depth` error per
 * occurrence), `CRASH` makes `check` throw, `SLOW` makes it take ~30 ms.
 * `run` returns the program's first word as the result and counts calls.
 */
import type { Diagnostic } from "../../../src/diagnostics/diagnostic.js";
import type { Engine } from "../../../src/pipeline/engine.js";
import type { CheckReport } from "../../../src/checker/report.js";
import type { RunResult } from "../../../src/runtime/types.js";

const at = { offset: 0, line: 1, column: 1 };

function reject(n: number): Diagnostic[] {
  return Array.from({ length: n }, () => ({
    rule: "loop-depth" as const,
    code: "PW5001",
    severity: "error" as const,
    message: "stub rejection",
    span: { file: "<stub>", start: at, end: at },
    notes: [],
  }));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** How many times `run` was called in this thread. */
export const calls = { run: 0, check: 0 };

export const engine: Engine = {
  check(source): CheckReport {
    calls.check++;
    if (source.includes("CRASH")) throw new Error("stub checker crashed");
    if (source.includes("SLOW")) sleepSync(30);
    const n = source.split("REJECT").length - 1;
    return { ok: n === 0, diagnostics: reject(n), bounds: { f: { min: 1, max: 1, formula: "1" } } };
  },
  run(source): Promise<RunResult> {
    calls.run++;
    return Promise.resolve({
      status: "ok",
      result: source.split(/\s+/)[0] ?? "",
      calls: [],
      stats: { calls: 0, wallMs: 0 },
    });
  },
};
