/**
 * The real sandbox (`run()`: checker, codegen, QuickJS in a worker thread)
 * against node:vm (tests/helpers/node-eval.ts) on the compositions of the
 * CPython differential test's generator: same status, result JSON (key
 * order included), error kind, line and message, calls (fn, args, result,
 * line, in order) and printed lines. Also with handlers that fail on some
 * arguments, and at the step limit (budgets n and n+1). Seeds follow
 * PW_FUZZ_SEED; PW_QJS_COUNT (or a quarter of PW_FUZZ_COUNT under
 * `npm run fuzz`) sets how many programs run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Policy } from "../../src/policy/types.js";
import { shutdownSandbox } from "../../src/runtime/pool.js";
import { generateProgram, STUB_HANDLERS } from "./generator.js";
import {
  agree,
  compareOne,
  DIFF_CATALOG,
  diffPolicy,
  infoFor,
  mapLimit,
  stepThreshold,
  type Comparison,
  type Outcome,
} from "./quickjs-harness.js";

const fuzzCount = process.env["PW_FUZZ_COUNT"];
const count = Number(process.env["PW_QJS_COUNT"] ?? (fuzzCount === undefined ? 700 : Math.ceil(Number(fuzzCount) / 4)));
const seed = Number(process.env["PW_FUZZ_SEED"] ?? 1);
/** Runs in flight at once (each holds a sandbox thread). */
const CONCURRENCY = 4;
const info = infoFor(DIFF_CATALOG);
let policy: Policy;

beforeAll(async () => {
  policy = await diffPolicy();
});
afterAll(() => shutdownSandbox());

interface Tally {
  readonly checked: Comparison[];
  readonly rejected: Comparison[];
  readonly mismatches: Comparison[];
}

function tally(results: readonly Comparison[], same: (a: Outcome, b: Outcome) => boolean = agree): Tally {
  const checked = results.filter((r) => r.quickjs !== undefined);
  return {
    checked,
    rejected: results.filter((r) => r.rejected !== undefined),
    mismatches: checked.filter((r) => !same(r.quickjs as Outcome, r.node as Outcome)),
  };
}

const errorsOf = (rs: readonly Comparison[], kind: string): number =>
  rs.filter((r) => r.quickjs?.status === "error" && r.quickjs.error?.kind === kind).length;

/** The rules behind the rejections, counted (shown when too many programs are rejected). */
function rejectionRules(rs: readonly Comparison[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rs)
    for (const d of r.rejected ?? []) out[`${d.rule}: ${d.message}`] = (out[`${d.rule}: ${d.message}`] ?? 0) + 1;
  return out;
}

const seedsFrom = (first: number, n: number): number[] => Array.from({ length: n }, (_, i) => first + i);

describe("QuickJS sandbox (run) against node:vm (node-eval)", () => {
  it(`agree on ${count} generated compositions (seed ${seed})`, async () => {
    const results = await mapLimit(seedsFrom(seed, count), CONCURRENCY, (s) =>
      compareOne(s, generateProgram(s), DIFF_CATALOG, policy, info),
    );
    const t = tally(results);
    expect(t.mismatches.slice(0, 3)).toEqual([]);
    // Programs the checker rejects are skipped; they must stay rare.
    expect(t.checked.length, JSON.stringify(rejectionRules(t.rejected), null, 2)).toBeGreaterThanOrEqual(count * 0.8);
    // Both outcomes, catalog calls and prints are exercised.
    expect(errorsOf(t.checked, "runtime")).toBeGreaterThan(count * 0.1);
    expect(t.checked.filter((r) => r.quickjs?.status === "ok").length).toBeGreaterThan(count * 0.3);
    expect(t.checked.filter((r) => (r.quickjs?.calls.length ?? 0) > 0).length).toBeGreaterThan(count * 0.2);
    expect(t.checked.filter((r) => (r.quickjs?.prints.length ?? 0) > 0).length).toBeGreaterThan(count * 0.1);
  }, 120_000);

  it("agree when handlers fail on some arguments (kind `handler`, calls so far)", async () => {
    // Deterministic, but `label` refuses strings with a "b" and `double` negative numbers.
    const failing = {
      ...STUB_HANDLERS,
      label(s: unknown): unknown {
        if (typeof s !== "string" || s.includes("b")) throw new Error("label refuses it");
        return `<${s}>`;
      },
      double(x: unknown): unknown {
        if (typeof x !== "number" || x < 0) throw new Error("double refuses it");
        return x * 2;
      },
    };
    const n = Math.max(50, Math.ceil(count / 3));
    const results = await mapLimit(seedsFrom(seed + 1_000_000, n), CONCURRENCY, (s) =>
      compareOne(s, generateProgram(s), DIFF_CATALOG, policy, info, { handlers: failing }),
    );
    // The host words a handler's failure itself ("`double` failed: …"); the stub host does not.
    const hostMessage = (o: Outcome): Outcome =>
      o.error?.kind === "handler" ? { ...o, error: { ...o.error, message: "" } } : o;
    const t = tally(results, (a, b) => agree(hostMessage(a), hostMessage(b)));
    expect(t.mismatches.slice(0, 3)).toEqual([]);
    expect(t.checked.length).toBeGreaterThanOrEqual(n * 0.8);
    expect(errorsOf(t.checked, "handler")).toBeGreaterThan(n * 0.02);
    for (const r of t.checked.filter((c) => c.quickjs?.error?.kind === "handler")) {
      expect(r.quickjs?.error?.message).toMatch(/^`(label|double)` failed: (label|double) refuses it$/);
    }
  }, 120_000);

  it("agree at the step limit: budget n stops with kind `steps`, n+1 does not", async () => {
    // The first programs (in seed order) that need at least two steps: 16 that end ok, 8 that end in an error.
    const picked: { seed: number; source: string; n: number }[] = [];
    let ok = 0;
    let failed = 0;
    for (let s = seed + 2_000_000; (ok < 16 || failed < 8) && s < seed + 2_002_000; s++) {
      const source = generateProgram(s);
      const base = await compareOne(s, source, DIFF_CATALOG, policy, info);
      if (base.quickjs === undefined) continue;
      const isOk = base.quickjs.status === "ok";
      if (isOk ? ok >= 16 : failed >= 8) continue;
      const n = await stepThreshold(source, info);
      if (n === undefined) continue;
      picked.push({ seed: s, source, n });
      if (isOk) ok++;
      else failed++;
    }
    expect([ok, failed]).toEqual([16, 8]);
    const runs = picked.flatMap((p) => [
      { ...p, maxSteps: p.n },
      { ...p, maxSteps: p.n + 1 },
    ]);
    const results = await mapLimit(runs, CONCURRENCY, (r) =>
      compareOne(r.seed, r.source, DIFF_CATALOG, policy, info, { maxSteps: r.maxSteps }),
    );
    const t = tally(results);
    expect(t.mismatches.slice(0, 3)).toEqual([]);
    expect(t.checked).toHaveLength(runs.length);
    const stopped = (r: Comparison): boolean => r.quickjs?.error?.kind === "steps";
    expect(results.map((r) => [r.seed, r.maxSteps, stopped(r)])).toEqual(
      runs.map((r, i) => [r.seed, r.maxSteps, i % 2 === 0]),
    );
    for (const r of results.filter(stopped)) {
      expect(r.quickjs?.error?.message).toBe(`step budget of ${r.maxSteps} steps exceeded`);
    }
  }, 120_000);
});

/** Hand-written programs for corners the generator does not reach. */
const CORNERS: readonly string[] = [
  `d = {"__proto__": 1, "constructor": 2, "toString": 3, "hasOwnProperty": 4}\nd["__proto__"] += 10\nprint(d, list(d), "__proto__" in d)\nreturn d\n`,
  `x = [-7 // 2, -7 % 2, 7 % -2, 7.5 // -2, -0.0, 1e300 * 1e10, 0.1 + 0.2, 2 if False else 3]\nprint(x)\nreturn [str(v) for v in x]\n`,
  `s = "é😀\\u0001\\"'\\\\</script>"\nprint(s, len(s), s[-1], list(s)[1:3], f"{s}|{len(s)}")\nreturn {s: label(s)}\n`,
  `xs = [rec("a"), rec("")]\nprint(xs[0].name, xs[1].size)\nreturn [r.name for r in xs]\n`,
  `total = 0\nfor n in nums(5):\n    total += double(n)\n    print(n, total)\nreturn {"total": total, "n": nums(-1)}\n`,
  `l = [1, 2]\nfor v in l:\n    l.append(v)\nreturn l\n`,
  `d = {"a": 1}\nreturn d["b"]\n`,
  `return [1, 2][5]\n`,
  `return 1 // 0\n`,
  `x = sorted(["b", "B", "a", "é", "😀", ""])\nreturn [x, min(x), max(x), "".join(x).upper(), "a,b,,c".split(","), " a  b ".split()]\n`,
  `return [round(2.5), round(-0.5), round(1.25, 1), int(-3.9), float("1_0.5"), str(1.0), str(1e21), str(1.5e-7)]\n`,
  `return [True and 0 == 0, None == None, [1, [2]] == [1, [2]], {"a": [1]} == {"a": [1]}, [1, 2] < [1, 3], "b" > "abc"]\n`,
];

describe("QuickJS sandbox (run) against node:vm on hand-written corners", () => {
  it.each(CORNERS.map((source, i) => [i, source] as const))("agree on corner %i", async (i, source) => {
    const r = await compareOne(-i, source, DIFF_CATALOG, policy, info);
    expect(r.rejected).toBeUndefined();
    expect(r.quickjs).toEqual(r.node);
  });
});

/**
 * Print text used to leave QuickJS through a C string, which cut it at a NUL
 * and replaced lone surrogates; it now crosses as JSON. These two programs
 * were the reproducers.
 */
describe("print text crosses the sandbox boundary exactly", () => {
  it("print text holding a NUL character arrives whole", async () => {
    const r = await compareOne(0, `print("a\\u0000b")\nreturn 1\n`, DIFF_CATALOG, policy, info);
    expect(r.quickjs?.prints).toEqual([{ text: "a\u0000b", line: 1 }]);
    expect(r.quickjs).toEqual(r.node);
  });
  it("print text holding a lone surrogate arrives unchanged", async () => {
    const r = await compareOne(0, `print("\\ud800")\nreturn "\\ud800"\n`, DIFF_CATALOG, policy, info);
    expect(r.quickjs?.result).toBe(JSON.stringify("\ud800"));
    expect(r.quickjs).toEqual(r.node);
  });
});
