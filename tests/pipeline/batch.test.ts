import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogFromObject } from "../../src/catalog/build.js";
import { readDone, runBatch, truncatePartialLine } from "../../src/pipeline/batch.js";
import { formatProgress } from "../../src/pipeline/progress.js";
import { recommendedPolicy } from "../../src/policy/presets.js";
import { bundlePipeline } from "./helpers/bundle.js";
import { engine } from "./helpers/stub-engine.js";

const catalog = catalogFromObject({ functions: { f: { params: { x: "string" }, returns: "string" } } });
const policy = recommendedPolicy(catalog);

/** The error record of the line with four bad subtask declarations (above). */
const SUBTASK_ERROR_RECORD = {
  id: "s",
  error: {
    message: "subtask `f` is already a catalog function; give it another name",
    line: 1,
    problems: [
      { message: "subtask `f` is already a catalog function; give it another name", key: "subtasks[0].name" },
      {
        message: "subtask `g`: parameter `a`: expected `]` in type `string[` (column 8)",
        key: "subtasks[1].params[0].type",
        help: "write a type such as `string`, `string[]`, `Record<string, number>` or `{ name: string }`",
      },
      {
        message: "subtask `g`: parameter `a` appears twice",
        key: "subtasks[1].params[1].name",
        help: "give each parameter its own name",
      },
      {
        message: "subtask `g`: return type: unknown type `strin` in type `strin` (column 1)",
        key: "subtasks[1].returns",
        help: "write a type such as `string`, `string[]`, `Record<string, number>` or `{ name: string }`",
      },
      {
        message: "subtask 3 must be an object with `name`, `params` and `returns`",
        key: "subtasks[2]",
        help: 'declare it as {"name": "summarize", "params": [{"name": "notes", "type": "string[]"}], "returns": "string"}',
      },
      {
        message: "subtask `g`: `params` must be a list",
        key: "subtasks[3].params",
        help: 'give a list of {"name": …, "type": …}, `[]` for none',
      },
      { message: "subtask `g`: `maxItems` must be a whole number ≥ 0", key: "subtasks[3].maxItems" },
      { message: "subtask `g` is declared twice", key: "subtasks[3].name" },
    ],
  },
};

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "pw-batch-"));
}

function lines(n: number, program: (i: number) => string = (i) => `p${i}`): string {
  let s = "";
  for (let i = 0; i < n; i++) s += JSON.stringify({ id: `e${i}`, program: program(i) }) + "\n";
  return s;
}

function readResults(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("runBatch in this thread", () => {
  it("writes one result per line in input order, and records unreadable lines with their line number", async () => {
    const dir = tmp();
    const input = join(dir, "in.jsonl");
    writeFileSync(
      input,
      [
        JSON.stringify({ id: "a", program: "x" }),
        "{not json",
        "",
        JSON.stringify({ program: "no id" }),
        JSON.stringify({ id: "b", program: "REJECT REJECT" }),
        JSON.stringify({ id: "c", program: "CRASH" }),
        JSON.stringify({ id: "d", program: "y", label: { whole: "aligned" } }),
      ].join("\n") + "\n",
    );
    const out = join(dir, "out.jsonl");
    const summary = await runBatch({ input, out, catalog, policy, workers: 0, engine });
    const rs = readResults(out);
    expect(rs.map((r) => r.id ?? null)).toEqual(["a", null, null, "b", "c", "d"]);
    expect(rs[0]).toEqual({ id: "a", ok: true, diagnostics: [], bounds: { f: { min: 1, max: 1, formula: "1" } } });
    expect(rs[1]).toEqual({ error: { message: expect.stringMatching(/^not valid JSON/), line: 2 } });
    expect(rs[2]).toEqual({ error: { message: "the line has no `id` (a non-empty string)", line: 4 } });
    expect(rs[3]?.ok).toBe(false);
    expect((rs[3]?.diagnostics as unknown[]).length).toBe(2);
    expect(rs[4]).toEqual({ id: "c", error: { message: "internal error: stub checker crashed", line: 6 } });
    expect(rs[5]?.label).toEqual({ whole: "aligned" });
    expect(summary).toMatchObject({ lines: 6, skipped: 0, written: 6, ok: 2, rejected: 1, errors: 3 });
  });

  it("adds `run` with --run, and never runs a rejected composition", async () => {
    const dir = tmp();
    const input = join(dir, "in.jsonl");
    writeFileSync(
      input,
      lines(3, (i) => (i === 1 ? "REJECT" : `hello${i} world`)),
    );
    const out = join(dir, "out.jsonl");
    const { calls } = await import("./helpers/stub-engine.js");
    const before = calls.run;
    await runBatch({ input, out, catalog, policy, workers: 0, engine, run: true });
    const rs = readResults(out);
    expect(calls.run - before).toBe(2);
    expect(rs.map((r) => (r.run as { status: string; result?: unknown }).result ?? null)).toEqual([
      "hello0",
      null,
      "hello2",
    ]);
    expect((rs[1]?.run as { status: string }).status).toBe("rejected");
  });

  it("resumes: skips ids already written, truncates a partial last line, counts repeated ids", async () => {
    const dir = tmp();
    const input = join(dir, "in.jsonl");
    writeFileSync(input, lines(5) + JSON.stringify({ id: "e1", program: "again" }) + "\n" + "oops\n");
    const out = join(dir, "out.jsonl");
    writeFileSync(out, JSON.stringify({ id: "e0", ok: true, diagnostics: [], bounds: {} }) + "\n");
    appendFileSync(out, JSON.stringify({ id: "e1", ok: true, diagnostics: [], bounds: {} }) + "\n");
    appendFileSync(out, '{"id":"e2","ok":tr'); // killed mid-write
    const summary = await runBatch({ input, out, catalog, policy, workers: 0, engine });
    expect(summary).toMatchObject({ lines: 7, skipped: 2, written: 5 });
    expect(readResults(out).map((r) => r.id ?? `line ${(r.error as { line: number }).line}`)).toEqual([
      "e0",
      "e1",
      "e2",
      "e3",
      "e4",
      "e1",
      "line 7",
    ]);
    // A second rerun has nothing left to do.
    const again = await runBatch({ input, out, catalog, policy, workers: 0, engine });
    expect(again).toMatchObject({ lines: 7, skipped: 7, written: 0 });
  });

  it("records every problem of a line's subtask declarations, in a stable shape", async () => {
    const dir = tmp();
    const input = join(dir, "in.jsonl");
    const subtasks = [
      { name: "f", params: [], returns: "string" },
      {
        name: "g",
        params: [
          { name: "a", type: "string[" },
          { name: "a", type: "number" },
        ],
        returns: "strin",
      },
      7,
      { name: "g", params: "none", returns: "string", maxItems: -1 },
    ];
    writeFileSync(
      input,
      [
        JSON.stringify({ id: "s", program: "x", subtasks }),
        JSON.stringify({ id: "t", program: "y", subtasks: [{ name: "h", params: [], returns: "string" }] }),
      ].join("\n") + "\n",
    );
    const out = join(dir, "out.jsonl");
    const summary = await runBatch({ input, out, catalog, policy, workers: 0, engine });
    const rs = readResults(out);
    expect(rs[0]).toEqual(SUBTASK_ERROR_RECORD);
    expect(rs[1]).toMatchObject({ id: "t", ok: true });
    expect(summary).toMatchObject({ lines: 2, ok: 1, errors: 1 });
  });

  it("lists at most 50 problems of a line and counts the rest in `omitted`", async () => {
    const { processLine } = await import("../../src/pipeline/batch-line.js");
    const subtasks = Array.from({ length: 53 }, (_, i) => ({ name: `${i}x`, params: [], returns: "string" }));
    const r = await processLine(JSON.stringify({ id: "many", program: "x", subtasks }), 1, {
      engine,
      catalog,
      policy,
      run: false,
      features: false,
    });
    const error = r.error as { message: string; problems: { key: string }[]; omitted: number };
    expect(error.message).toBe("a subtask name must be an identifier, got `0x`");
    expect(error.problems).toHaveLength(50);
    expect(error.problems[49]).toEqual({
      message: "a subtask name must be an identifier, got `49x`",
      key: "subtasks[49].name",
      help: "use letters, digits and `_`, not starting with a digit (and not a `__dunder__` name)",
    });
    expect(error.omitted).toBe(3);
  });

  it("records every problem of a catalog or policy error met while processing a line", async () => {
    const { processLine } = await import("../../src/pipeline/batch-line.js");
    const { PolicyError } = await import("../../src/policy/policy-error.js");
    const problem = (line: number, column: number, key: string, message: string) => ({
      message,
      file: "p.yaml",
      line,
      column,
      key,
      help: undefined,
    });
    const failing = {
      ...engine,
      check: () => {
        throw PolicyError.of([
          problem(2, 3, "budgets.nope", "unknown function `nope`"),
          problem(4, 1, "shape", "`shape` must be one of sequence, tree, dag"),
        ]);
      },
    };
    const r = await processLine(JSON.stringify({ id: "p", program: "x" }), 5, {
      engine: failing,
      catalog,
      policy,
      run: false,
      features: false,
    });
    expect(r).toEqual({
      id: "p",
      error: {
        message: "unknown function `nope`",
        line: 5,
        problems: [
          { message: "unknown function `nope`", file: "p.yaml", line: 2, column: 3, key: "budgets.nope" },
          {
            message: "`shape` must be one of sequence, tree, dag",
            file: "p.yaml",
            line: 4,
            column: 1,
            key: "shape",
          },
        ],
      },
    });
  });

  it("readDone and truncatePartialLine", async () => {
    const dir = tmp();
    const f = join(dir, "r.jsonl");
    writeFileSync(f, '{"id":"x"}\n{"error":{"message":"m","line":9}}\n{"id":"x"}\n{"id":"y"');
    const done = await readDone(f);
    expect([...done.ids]).toEqual([["x", 2]]);
    expect([...done.errorLines]).toEqual([9]);
    expect(statSync(f).size).toBe(readFileSync(f, "utf8").lastIndexOf("\n") + 1);
    writeFileSync(f, "no newline at all");
    truncatePartialLine(f);
    expect(statSync(f).size).toBe(0);
  });
});

describe("progress bar", () => {
  it("shows percent, lines, rate and ETA", () => {
    expect(formatProgress(500, 1000, 250, 1000, 80)).toBe(
      "[##########------------------------------]  25% 500 lines 500/s ETA 3s",
    );
  });
});

describe("runBatch with worker threads", () => {
  it("keeps input order across 3 workers with small chunks and a small window", async () => {
    const b = await bundlePipeline();
    const dir = tmp();
    const input = join(dir, "in.jsonl");
    // Every 7th line is slow, so results come back out of order.
    writeFileSync(
      input,
      lines(300, (i) => (i % 7 === 0 ? "SLOW" : i % 5 === 0 ? "REJECT" : `p${i}`)),
    );
    const out = join(dir, "out.jsonl");
    const summary = await runBatch({
      input,
      out,
      catalog,
      policy,
      workers: 3,
      chunk: 4,
      window: 32,
      workerUrl: b.workerUrl,
      engineUrl: b.stubEngineUrl,
    });
    const rs = readResults(out);
    expect(rs.map((r) => r.id)).toEqual(Array.from({ length: 300 }, (_, i) => `e${i}`));
    expect(summary).toMatchObject({ lines: 300, written: 300, errors: 0 });
    expect(summary.rejected).toBe(
      Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 7 !== 0 && i % 5 === 0).length,
    );
  });

  it("keeps every subtask problem in error records made in a worker", async () => {
    const b = await bundlePipeline();
    const dir = tmp();
    const input = join(dir, "in.jsonl");
    const subtasks = [
      { name: "f", params: [], returns: "string" },
      {
        name: "g",
        params: [
          { name: "a", type: "string[" },
          { name: "a", type: "number" },
        ],
        returns: "strin",
      },
      7,
      { name: "g", params: "none", returns: "string", maxItems: -1 },
    ];
    writeFileSync(input, JSON.stringify({ id: "s", program: "x", subtasks }) + "\n");
    const out = join(dir, "out.jsonl");
    await runBatch({ input, out, catalog, policy, workers: 1, workerUrl: b.workerUrl, engineUrl: b.stubEngineUrl });
    expect(readResults(out)).toEqual([SUBTASK_ERROR_RECORD]);
  });

  it("killing the process mid-file and rerunning writes every result exactly once", async () => {
    const b = await bundlePipeline();
    const dir = tmp();
    const input = join(dir, "in.jsonl");
    const n = 120;
    writeFileSync(
      input,
      lines(n, (i) => `SLOW ${i}`),
    ); // ~30 ms a line: the file takes seconds
    const out = join(dir, "out.jsonl");
    const opts = JSON.stringify({
      input,
      out,
      workers: 2,
      chunk: 2,
      workerUrl: b.workerUrl.href,
      engineUrl: b.stubEngineUrl,
    });
    // First run: kill it once some results are on disk.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [b.driver, opts], { stdio: "ignore" });
      const timer = setInterval(() => {
        let size = 0;
        try {
          size = statSync(out).size;
        } catch {
          /* not yet */
        }
        if (size > 2000) {
          clearInterval(timer);
          child.kill("SIGKILL");
        }
      }, 5);
      child.on("exit", (_code, signal) => {
        clearInterval(timer);
        if (signal === "SIGKILL") resolve();
        else reject(new Error("the batch finished before it could be killed"));
      });
    });
    const partial = readResults(out).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(n);
    // Second run: finishes the rest.
    const summary = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [b.driver, opts], { stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      child.stdout.on("data", (d: Buffer) => (text += d.toString()));
      child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}`))));
    });
    const s = JSON.parse(summary) as { skipped: number; written: number };
    expect(s.skipped + s.written).toBe(n);
    expect(s.skipped).toBeGreaterThanOrEqual(partial);
    const ids = readResults(out).map((r) => r.id);
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => `e${i}`));
  });
});
