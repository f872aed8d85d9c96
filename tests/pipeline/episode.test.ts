import { describe, expect, it } from "vitest";
import { catalogFromObject } from "../../src/catalog/build.js";
import { check } from "../../src/checker/check.js";
import { createHash } from "node:crypto";
import type { Engine } from "../../src/pipeline/engine.js";
import { evaluateEpisode, type Proxy } from "../../src/pipeline/episode.js";
import { sourceFeatures } from "../../src/pipeline/features.js";
import { computeReward, DEFAULT_REWARD } from "../../src/pipeline/reward.js";
import { recommendedPolicy } from "../../src/policy/presets.js";
import type { Handlers, RunResult } from "../../src/runtime/types.js";
import { parse } from "../../src/syntax/parse.js";
import { ALIGNED, dinnerContext, dinnerProxy, dinnerVerifier, INPUT, UNALIGNED } from "./helpers/dinner.js";

/**
 * The real checker and parser, with a scripted runtime: `run` calls the
 * handlers as `script` says (the runtime's own tests cover the sandbox).
 */
function scriptedEngine(script: (h: Handlers) => Promise<RunResult>): Engine {
  return {
    check,
    parse,
    features: sourceFeatures,
    run: (_source, opts) => script(opts.handlers ?? {}),
    explainText: (source) => `summary of ${source.split("\n").length} lines`,
  };
}

const call = (h: Handlers, fn: string, ...args: unknown[]): Promise<unknown> => {
  const f = h[fn];
  if (f === undefined) throw new Error(`no handler ${fn}`);
  return Promise.resolve(f(...args, { idempotencyKey: "k", seq: 0, signal: new AbortController().signal }));
};

/** What the aligned dinner composition does, call for call. */
async function runAligned(h: Handlers): Promise<RunResult> {
  const prefs: Record<string, unknown> = {};
  const calls = [];
  for (const u of INPUT.users) {
    prefs[u] = await call(h, "ask_preference", u);
    calls.push({
      seq: calls.length,
      fn: "ask_preference",
      args: [u],
      result: prefs[u] as never,
      effect: null,
      line: 3,
    });
  }
  const r = (await call(h, "identify_overlap", prefs)) as string;
  calls.push({ seq: calls.length, fn: "identify_overlap", args: [prefs as never], result: r, effect: null, line: 4 });
  const b = await call(h, "book_table", r);
  calls.push({ seq: calls.length, fn: "book_table", args: [r], result: b as never, effect: "reservation", line: 5 });
  return { status: "ok", result: null, calls, stats: { calls: calls.length, wallMs: 1 } };
}

describe("evaluateEpisode on the dinner task (Figure 1)", () => {
  it("the aligned composition runs and earns R + Σ partial = 1 + 3 = 4", async () => {
    const { catalog, policy } = await dinnerContext();
    const { proxy, handlerCalls } = dinnerProxy();
    const ep = await evaluateEpisode({
      task: { id: "dinner-aligned", input: INPUT },
      plan: { program: ALIGNED },
      catalog,
      policy,
      proxy,
      verifier: dinnerVerifier,
      engine: scriptedEngine(runAligned),
    });
    expect(ep.status).toBe("ok");
    expect(ep.report.ok).toBe(true);
    expect(ep.parts).toEqual([
      { name: "ask_preference", origin: "catalog", solution: "handler", reward: 1 },
      { name: "identify_overlap", origin: "catalog", solution: "handler", reward: 1 },
      { name: "book_table", origin: "catalog", solution: "handler", reward: 1 },
    ]);
    expect(handlerCalls).toEqual([
      "ask_preference(kim)",
      "ask_preference(lee)",
      "ask_preference(max)",
      "identify_overlap",
      "book_table(Olive)",
    ]);
    expect(ep.verifier).toBe(1);
    expect(ep.reward).toEqual({ R: 1, partial: 3, summary: 0, penalty: 0, total: 4, config: DEFAULT_REWARD });
    expect(ep.features).toEqual({ loopDepth: 1, shape: "tree", effectCalls: 1, catalogCalls: 3, glueOps: 3 });
    expect(ep.hashes).toEqual({
      program: createHash("sha256").update(ALIGNED).digest("hex"),
      catalog: catalog.hash,
      policy: policy.hash,
      judge: "dinner-judge@1",
      verifier: "dinner-verifier@1",
    });
  });

  it("the unaligned composition is rejected, makes no handler call, and earns −1 + 3 − 0.1 × 7 = 1.3", async () => {
    const { catalog, policy } = await dinnerContext();
    const { proxy, handlerCalls } = dinnerProxy();
    let runs = 0;
    const ep = await evaluateEpisode({
      task: { id: "dinner-unaligned", input: INPUT },
      plan: { program: UNALIGNED },
      catalog,
      policy,
      proxy,
      verifier: dinnerVerifier,
      engine: scriptedEngine(async (h) => {
        runs++;
        return runAligned(h);
      }),
    });
    expect(ep.status).toBe("rejected");
    expect(runs).toBe(0);
    expect(handlerCalls).toEqual([]);
    expect(ep.run).toBeUndefined();
    expect(ep.verifier).toBeUndefined();
    const errors = ep.report.diagnostics.filter((d) => d.severity === "error").map((d) => d.rule);
    expect(errors).toHaveLength(7);
    expect(errors).toEqual(
      expect.arrayContaining(["loop-depth", "effect-in-loop", "call-budget", "flow-required", "order"]),
    );
    expect(ep.parts.map((p) => [p.name, p.reward])).toEqual([
      ["ask_preference", 1],
      ["book_table", 1],
      ["identify_overlap", 1],
    ]);
    expect(ep.reward).toMatchObject({ R: -1, partial: 3, penalty: 0.7, total: 1.3 });
    expect(ep.features).toMatchObject({ loopDepth: 2, effectCalls: 1 });
  });

  it("the formula is configurable, and a summary judge scores explain's text", async () => {
    const { catalog, policy } = await dinnerContext();
    const { proxy } = dinnerProxy();
    const ep = await evaluateEpisode({
      task: { input: INPUT },
      plan: { program: UNALIGNED },
      catalog,
      policy,
      proxy,
      verifier: dinnerVerifier,
      summaryJudge: { version: "sum@2", judge: (text) => (text === "summary of 7 lines" ? 0.5 : 0) },
      reward: { rejected: -5, errorPenalty: 1, partialWeight: 0.5, summaryWeight: 2 },
      engine: scriptedEngine(runAligned),
    });
    // −5 + 0.5 × 3 + 2 × 0.5 − 1 × 7
    expect(ep.reward.total).toBe(-9.5);
    expect(ep.summary).toEqual({ text: "summary of 7 lines", score: 0.5 });
    expect(ep.hashes.summaryJudge).toBe("sum@2");
  });
});

describe("evaluateEpisode with plan subtasks", () => {
  const catalog = catalogFromObject({
    functions: {
      fetch_notes: { params: { topic: "string" }, returns: { kind: "list", element: { kind: "string" } }, maxItems: 3 },
      send_email: { params: { to: "string", body: "string" }, effect: "email" },
    },
    inputs: { topic: "string" },
  });
  const policy = recommendedPolicy(catalog);
  const program = 'notes = fetch_notes(topic)\ns = summarize(notes)\nsend_email("boss", s)\nreturn s\n';
  const subtasks = [
    { name: "summarize", params: [{ name: "notes", type: "string[]" }], returns: "string", doc: "Summarise notes." },
  ];

  it("declared subtasks join the catalog; table, handler and sandboxed-source solutions all serve calls", async () => {
    const seen: string[] = [];
    const proxy: Proxy = {
      solve(st) {
        if (st.name === "fetch_notes") return { kind: "table", results: { '["q3"]': ["a", "b"] } };
        if (st.name === "summarize") {
          return { kind: "source", source: "function solve(notes) { return notes.join('+'); }" };
        }
        return (to: unknown, body: unknown) => {
          seen.push(`${String(to)}:${String(body)}`);
          return null;
        };
      },
      judge: (st) => (st.origin === "plan" ? 0.5 : 1),
    };
    const ep = await evaluateEpisode({
      task: { input: { topic: "q3" } },
      plan: { program, subtasks },
      catalog,
      policy,
      proxy,
      verifier: (_t, s) => (s.result === "a+b" ? 1 : 0),
      engine: {
        check,
        parse,
        run: async (_src, o) => {
          const h = o.handlers ?? {};
          const notes = await call(h, "fetch_notes", "q3");
          const s = await call(h, "summarize", notes);
          await call(h, "send_email", "boss", s);
          return { status: "ok", result: s as string, calls: [], stats: { calls: 3, wallMs: 0 } };
        },
      },
    });
    expect(ep.report.diagnostics).toEqual([]);
    expect(ep.status).toBe("ok");
    expect(ep.parts.map((p) => `${p.name}/${p.origin}/${p.solution}/${p.reward}`)).toEqual([
      "summarize/plan/source/0.5",
      "fetch_notes/catalog/table/1",
      "send_email/catalog/handler/1",
    ]);
    expect(seen).toEqual(["boss:a+b"]);
    expect(ep.reward.total).toBe(3.5);
    expect(ep.hashes.subtasks).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a call to an undeclared subtask is rejected; an invalid declaration gives `invalid-plan`", async () => {
    const proxy: Proxy = { solve: () => undefined };
    const rejected = await evaluateEpisode({
      task: {},
      plan: { program },
      catalog,
      policy,
      proxy,
      verifier: () => 1,
      engine: { check, parse, run: () => Promise.reject(new Error("must not run")) },
    });
    expect(rejected.status).toBe("rejected");
    expect(rejected.report.diagnostics.map((d) => d.rule)).toContain("unknown-function");
    const bad = await evaluateEpisode({
      task: {},
      plan: {
        program,
        subtasks: [{ name: "summarize", params: [{ name: "notes", type: "string[" }], returns: "string" }],
      },
      catalog,
      policy,
      proxy,
      verifier: () => 1,
      engine: { check, parse, run: () => Promise.reject(new Error("must not run")) },
    });
    expect(bad.status).toBe("invalid-plan");
    expect(bad.planError).toBe("subtask `summarize`: parameter `notes`: expected `]` in type `string[` (column 8)");
    expect(bad.planProblems).toEqual([
      {
        message: "subtask `summarize`: parameter `notes`: expected `]` in type `string[` (column 8)",
        key: "subtasks[0].params[0].type",
        help: "write a type such as `string`, `string[]`, `Record<string, number>` or `{ name: string }`",
      },
    ]);
    expect(bad.reward.total).toBe(-1);
  });

  it("a failed run gets the run-error reward and is not verified", async () => {
    let verified = false;
    const ep = await evaluateEpisode({
      task: {},
      plan: { program, subtasks },
      catalog,
      policy,
      proxy: { solve: () => undefined },
      verifier: () => {
        verified = true;
        return 1;
      },
      reward: { runError: -2 },
      engine: {
        check,
        parse,
        run: () =>
          Promise.resolve({
            status: "error",
            calls: [],
            stats: { calls: 0, wallMs: 0 },
            error: { kind: "handler", message: "boom" },
          }),
      },
    });
    expect(ep.status).toBe("run-error");
    expect(verified).toBe(false);
    expect(ep.reward.total).toBe(-2);
  });
});

describe("computeReward", () => {
  it("uses a custom formula when given a function", () => {
    const r = computeReward(
      { outcome: "ok", verifier: 2, partial: [1, 1], summary: undefined, errors: 0, warnings: 3 },
      (t) => (t.verifier ?? 0) * 10 - t.warnings,
    );
    expect(r).toEqual({ R: 2, partial: 2, summary: 0, penalty: 0, total: 17, config: "custom" });
  });
});

describe("evaluateEpisode with the real runtime", () => {
  it("runs the aligned dinner composition in the sandbox with the proxy's handlers: reward 4", async () => {
    const { loadEngine } = await import("../../src/pipeline/engine.js");
    const { catalog, policy } = await dinnerContext();
    const { proxy, handlerCalls } = dinnerProxy();
    const ep = await evaluateEpisode({
      task: { id: "dinner-aligned", input: INPUT },
      plan: { program: ALIGNED },
      catalog,
      policy,
      proxy,
      verifier: dinnerVerifier,
      engine: await loadEngine(),
    });
    expect(ep.run?.error).toBeUndefined();
    expect(ep.status).toBe("ok");
    expect(handlerCalls).toEqual([
      "ask_preference(kim)",
      "ask_preference(lee)",
      "ask_preference(max)",
      "identify_overlap",
      "book_table(Olive)",
    ]);
    expect(ep.run?.calls.map((c) => c.fn)).toEqual([
      "ask_preference",
      "ask_preference",
      "ask_preference",
      "identify_overlap",
      "book_table",
    ]);
    expect(ep.trace?.[0]?.type).toBe("run-start");
    expect(ep.reward.total).toBe(4);
  });
});
