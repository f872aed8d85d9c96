/**
 * Catalog calls made from inside a JavaScript partial solution are
 * first-class: recorded on the episode (`toolCalls`) with their subtask and
 * the run's call of it, and counted against the policy's budgets with the
 * composition's own calls, in the real runtime.
 */
import { describe, expect, it } from "vitest";
import { catalogFromObject } from "../../src/catalog/build.js";
import { loadEngine } from "../../src/pipeline/engine.js";
import { evaluateEpisode, type Episode, type Solution } from "../../src/pipeline/episode.js";
import type { SubtaskDecl } from "../../src/pipeline/plan.js";
import type { SourceSolution } from "../../src/pipeline/solutions.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { JsonValue } from "../../src/runtime/types.js";

const catalog = catalogFromObject({
  functions: {
    search: { params: { q: "string" }, returns: { kind: "list", element: { kind: "string" } } },
    rank: { params: { xs: { kind: "list", element: { kind: "string" } } }, returns: "string" },
    book: { params: { x: "string" }, returns: "string", effect: "reservation" },
  },
  inputs: { topic: "string" },
});

const research: SubtaskDecl = {
  name: "research",
  params: [{ name: "topic", type: "string" }],
  returns: "string",
  doc: "Research a topic.",
};

/** Searches twice and joins what it found. */
const TWO_SEARCHES = `async function solve(topic) {
  const a = await search(topic);
  const b = await search(topic + "!");
  return a.concat(b).join(",");
}`;

const searched: string[] = [];
const handlers = {
  search: (q: unknown): string[] => {
    searched.push(String(q));
    return [String(q).toUpperCase()];
  },
  rank: (xs: unknown): string => String((xs as string[])[0]),
  book: (x: unknown): string => `booked ${String(x)}`,
};

async function episode(
  program: string,
  solution: SourceSolution,
  policy: object = {},
  verify?: (s: Solution) => number,
): Promise<Episode> {
  searched.length = 0;
  return evaluateEpisode({
    task: { input: { topic: "q3" } },
    plan: { program, subtasks: [research] },
    catalog,
    policy: await loadPolicy(policy, catalog),
    proxy: { version: "p@1", solve: (st) => (st.name === "research" ? solution : undefined), judge: () => 1 },
    verifier: (_t, s) => verify?.(s) ?? 1,
    handlers,
    engine: await loadEngine(),
  });
}

const time = { startMs: expect.any(Number) as unknown, endMs: expect.any(Number) as unknown };

describe("tool calls of a JavaScript partial solution", () => {
  it("are recorded with their subtask and the run's call, on the run's clock, and the verifier sees them", async () => {
    let seen: readonly unknown[] = [];
    const ep = await episode(
      "r = research(topic)\nreturn r\n",
      { kind: "source", source: TWO_SEARCHES, tools: ["search"] },
      {},
      (s) => {
        seen = s.toolCalls;
        return 1;
      },
    );
    expect(ep.run?.error).toBeUndefined();
    expect(ep.status).toBe("ok");
    expect(ep.run?.result).toBe("Q3,Q3!");
    expect(ep.run?.calls.map((c) => c.fn)).toEqual(["research"]);
    expect(ep.toolCalls).toEqual([
      { seq: 0, subtask: "research", callSeq: 0, fn: "search", args: ["q3"], effect: null, result: ["Q3"], ...time },
      { seq: 1, subtask: "research", callSeq: 0, fn: "search", args: ["q3!"], effect: null, result: ["Q3!"], ...time },
    ]);
    expect(seen).toEqual(ep.toolCalls);
    // Both calls happen while the run's call of `research` is running.
    const parent = ep.run?.calls[0];
    for (const t of ep.toolCalls ?? []) {
      expect(t.startMs).toBeGreaterThanOrEqual(parent?.startMs ?? Infinity);
      expect(t.endMs).toBeLessThanOrEqual(parent?.endMs ?? -Infinity);
      expect(t.startMs).toBeLessThanOrEqual(t.endMs);
    }
  });

  it("are attributed to each call of the subtask; the second waits for the first", async () => {
    const ep = await episode('a = research("x")\nb = research("y")\nreturn [a, b]\n', {
      kind: "source",
      source: "async function solve(t) { return (await search(t))[0]; }",
      tools: ["search"],
    });
    expect(ep.run?.result).toEqual(["X", "Y"]);
    expect(ep.toolCalls?.map((t) => [t.seq, t.subtask, t.callSeq, t.args[0]])).toEqual([
      [0, "research", 0, "x"],
      [1, "research", 1, "y"],
    ]);
  });

  it("count against the budgets: a composition call after them is refused when they used the budget up", async () => {
    const ep = await episode(
      "r = research(topic)\ns = search(topic)\nreturn [r, s]\n",
      { kind: "source", source: TWO_SEARCHES, tools: ["search"] },
      { budgets: { search: 2 } },
    );
    expect(ep.report.ok).toBe(true); // statically one `search` call: within the budget
    expect(ep.status).toBe("run-error");
    expect(ep.run?.error).toEqual({
      kind: "handler",
      message:
        "`search` failed: `search` may be called at most 2 times per run (policy budget); partial solutions' tool calls count too (2 so far)",
      line: 2,
    });
    expect(searched).toEqual(["q3", "q3!"]);
    expect(ep.toolCalls?.map((t) => t.result)).toEqual([["Q3"], ["Q3!"]]);
  });

  it("over a budget are refused before they start, and the subtask call fails even if the solution catches it", async () => {
    const catching = `async function solve(topic) {
  const a = await search(topic);
  try { await search(topic + "!"); } catch (e) { return "caught: " + e.message; }
  return a[0];
}`;
    const ep = await episode(
      "r = research(topic)\nreturn r\n",
      { kind: "source", source: catching, tools: ["search"] },
      { budgets: { search: 1 } },
    );
    expect(ep.status).toBe("run-error");
    expect(ep.run?.error).toEqual({
      kind: "handler",
      message:
        "`research` failed: partial solution of `research`: `search` may be called at most 1 time per run (policy budget)",
      line: 1,
    });
    expect(searched).toEqual(["q3"]);
    expect(ep.toolCalls).toEqual([
      { seq: 0, subtask: "research", callSeq: 0, fn: "search", args: ["q3"], effect: null, result: ["Q3"], ...time },
      {
        seq: 1,
        subtask: "research",
        callSeq: 0,
        fn: "search",
        args: ["q3!"],
        effect: null,
        error: { kind: "budget", message: "`search` may be called at most 1 time per run (policy budget)" },
        ...time,
      },
    ]);
    expect(ep.toolCalls?.[1]?.startMs).toBe(ep.toolCalls?.[1]?.endMs);
  });

  it("count against the all-calls budget `*` with the composition's calls", async () => {
    const ep = await episode(
      "r = research(topic)\nreturn r\n",
      { kind: "source", source: TWO_SEARCHES, tools: ["search"] },
      { budgets: { "*": 2 } },
    );
    expect(ep.run?.error?.message).toBe(
      "`research` failed: partial solution of `research`: at most 2 catalog calls per run (policy budget `*`)",
    );
    expect(ep.toolCalls?.map((t) => t.error?.kind ?? "ok")).toEqual(["ok", "budget"]);
  });

  it("of a function the policy wants approved are refused (nobody approves inside an episode)", async () => {
    const ep = await episode(
      "r = research(topic)\nreturn r\n",
      { kind: "source", source: TWO_SEARCHES, tools: ["search"] },
      { approve: ["search"] },
    );
    expect(ep.run?.error?.message).toBe(
      "`research` failed: partial solution of `research`: the call of `search` was not approved: nobody can approve a call inside an episode",
    );
    expect(ep.toolCalls).toEqual([
      {
        seq: 0,
        subtask: "research",
        callSeq: 0,
        fn: "search",
        args: ["q3"],
        effect: null,
        error: {
          kind: "not-approved",
          message: "the call of `search` was not approved: nobody can approve a call inside an episode",
        },
        ...time,
      },
    ]);
    expect(searched).toEqual([]);
  });

  it("with bad arguments fail as an exception the solution may catch (recorded, not counted)", async () => {
    const source = `async function solve(topic) {
  try { await search(42); } catch (e) { return "fallback: " + e.message; }
  return "no";
}`;
    const ep = await episode("r = research(topic)\nreturn r\n", { kind: "source", source, tools: ["search"] });
    expect(ep.status).toBe("ok");
    expect(ep.run?.result).toBe(
      "fallback: argument `q` of `search` must be string, but the partial solution passed 42",
    );
    expect(ep.toolCalls).toEqual([
      {
        seq: 0,
        subtask: "research",
        callSeq: 0,
        fn: "search",
        args: [42],
        effect: null,
        error: {
          kind: "runtime",
          message: "argument `q` of `search` must be string, but the partial solution passed 42",
        },
        ...time,
      },
    ]);
  });

  it("to an effectful tool are refused with a message that says why and what to do", async () => {
    const ep = await episode("r = research(topic)\nreturn r\n", {
      kind: "source",
      source: "async function solve(t) { return await book(t); }",
      tools: ["book"],
    });
    expect(ep.run?.error?.message).toBe(
      "`research` failed: partial solution of `research` declares the tool `book`, which has an effect (`reservation`): a partial solution may call only pure tools, because the checker cannot see a call made inside JavaScript (flows, order, effects in loops) and an episode keeps no journal; call `book` from the composition instead",
    );
    expect(ep.toolCalls).toBeUndefined();
  });

  it("leave episodes without tools as they were (no `toolCalls`)", async () => {
    const ep = await episode("r = research(topic)\nreturn r\n", {
      kind: "source",
      source: "function solve(t) { return t + '?'; }",
    });
    expect(ep.run?.result).toBe("q3?");
    expect(ep.toolCalls).toBeUndefined();
    expect(Object.keys(ep)).not.toContain("toolCalls");
  });
});

describe("results of tool calls", () => {
  it("that do not fit the declared type fail with `bad-result`", async () => {
    const ep = await evaluateEpisode({
      task: { input: { topic: "q3" } },
      plan: { program: "r = research(topic)\nreturn r\n", subtasks: [research] },
      catalog,
      policy: await loadPolicy({}, catalog),
      proxy: {
        solve: (st) =>
          st.name === "research"
            ? {
                kind: "source",
                source: "async function solve(t) { try { await search(t); } catch (e) { return e.message; } }",
                tools: ["search"],
              }
            : undefined,
      },
      verifier: () => 1,
      handlers: { ...handlers, search: (): JsonValue => "not a list" },
      engine: await loadEngine(),
    });
    const message = '`search` returned "not a list", which does not fit its declared type string[]';
    expect(ep.run?.result).toBe(message);
    expect(ep.toolCalls?.map((t) => t.error)).toEqual([{ kind: "bad-result", message }]);
  });
});
