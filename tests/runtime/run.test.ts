/**
 * `run`: results, calls and traces in program order; parallelism proved with
 * manually controlled handlers; handler failures, bad results, budgets,
 * approval, abort, inputs; a report checked beforehand (`checked`).
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import { check } from "../../src/checker/check.js";
import { loadPolicy } from "../../src/policy/load.js";
import { shutdownSandbox } from "../../src/runtime/pool.js";
import { run } from "../../src/runtime/run.js";
import type { PendingCall, TraceEvent } from "../../src/runtime/types.js";
import {
  ALIGNED,
  UNALIGNED,
  deferred,
  dinnerCatalog,
  instantHandlers,
  untimed,
  untimedEvents,
  until,
} from "./helpers.js";

const catalog = dinnerCatalog();
const users = ["ana", "bo", "cy", "dee"];

afterAll(async () => {
  await shutdownSandbox();
});

describe("run", () => {
  it("runs the aligned dinner composition with the exact calls and trace", async () => {
    const events: TraceEvent[] = [];
    const r = await run(ALIGNED, {
      catalog,
      handlers: instantHandlers(),
      input: { users: ["ana", "bo"] },
      onEvent: (e) => events.push(e),
    });
    expect(r.status).toBe("ok");
    expect(r.result).toBe("Sakura");
    expect(untimed(r.calls)).toEqual([
      { seq: 0, fn: "ask_preference", args: ["ana"], result: ["Sakura", "Roma"], effect: null, line: 3 },
      { seq: 1, fn: "ask_preference", args: ["bo"], result: ["Roma", "Sakura"], effect: null, line: 3 },
      {
        seq: 2,
        fn: "identify_overlap",
        args: [{ ana: ["Sakura", "Roma"], bo: ["Roma", "Sakura"] }],
        result: "Sakura",
        effect: null,
        line: 4,
      },
      {
        seq: 3,
        fn: "book_table",
        args: ["Sakura"],
        result: { restaurant: "Sakura", confirmed: true },
        effect: "reservation",
        line: 5,
      },
    ]);
    expect(r.stats.calls).toBe(4);
    const trace = untimedEvents(events);
    expect(trace[0]).toEqual({ type: "run-start" });
    expect(trace.at(-1)).toEqual({ type: "run-end", status: "ok", result: "Sakura" });
    // call-start of seq 0 and 1 precede their ends; identify_overlap starts after both ended.
    const kinds = trace.slice(1, -1).map((e) => `${(e as { type: string }).type}:${(e as { seq: number }).seq}`);
    expect(kinds.indexOf("call-start:2")).toBeGreaterThan(kinds.indexOf("call-end:0"));
    expect(kinds.indexOf("call-start:2")).toBeGreaterThan(kinds.indexOf("call-end:1"));
    expect(kinds.slice(-4)).toEqual(["call-start:2", "call-end:2", "call-start:3", "call-end:3"]);
  });

  it("loads handlers from a .ts catalog module without a build step", async () => {
    const ts = await loadCatalog(new URL("../fixtures/runtime/dinner.ts", import.meta.url).pathname);
    const r = await run(ALIGNED, { catalog: ts, input: { users } });
    expect(r.status).toBe("ok");
    expect(r.result).toBe("Sakura");
    expect(r.calls.map((c) => c.fn)).toEqual([...users.map(() => "ask_preference"), "identify_overlap", "book_table"]);
  });

  it("rejects an unaligned composition without calling anything", async () => {
    const log: { fn: string }[] = [];
    const r = await run(UNALIGNED, { catalog, handlers: instantHandlers(log as never), input: { users } });
    expect(r.status).toBe("rejected");
    expect(r.calls).toEqual([]);
    expect(log).toEqual([]);
    expect(new Set(r.diagnostics?.map((d) => d.rule))).toContain("effect-in-loop");
  });

  it("overlaps the 20 ask_preference calls, and books only after identify_overlap ended", async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `user${i}`);
    const gates = new Map<string, ReturnType<typeof deferred<string[]>>>(twenty.map((u) => [u, deferred<string[]>()]));
    const events: TraceEvent[] = [];
    const h = instantHandlers();
    const done = run(ALIGNED, {
      catalog,
      concurrency: 20,
      input: { users: twenty },
      onEvent: (e) => events.push(e),
      handlers: { ...h, ask_preference: (u: unknown) => gates.get(String(u))!.promise },
    });
    await until(() => events.filter((e) => e.type === "call-start").length === 20);
    expect(events.filter((e) => e.type === "call-end")).toEqual([]);
    // Finish them in reverse order: the trace's call list is still in program order.
    for (const u of [...twenty].reverse()) gates.get(u)!.resolve(["Sakura"]);
    const r = await done;
    expect(r.status).toBe("ok");
    expect(r.calls.map((c) => c.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i));
    const order = events.map((e) => `${e.type}:${"seq" in e ? e.seq : ""}`);
    expect(order.indexOf("call-start:21")).toBeGreaterThan(order.indexOf("call-end:20"));
    expect(order.indexOf("call-start:20")).toBeGreaterThan(
      Math.max(...twenty.map((_, i) => order.indexOf(`call-end:${i}`))),
    );
  });

  it("holds at most `concurrency` handlers at once, starting the rest in FIFO order", async () => {
    const twenty = Array.from({ length: 12 }, (_, i) => `u${i}`);
    const gates = twenty.map(() => deferred<string[]>());
    const started: number[] = [];
    const done = run(ALIGNED, {
      catalog,
      input: { users: twenty },
      handlers: {
        ...instantHandlers(),
        ask_preference: (_u: unknown, ctx: unknown) => {
          const seq = (ctx as { seq: number }).seq;
          started.push(seq);
          return gates[seq]!.promise;
        },
      },
    });
    await until(() => started.length === 8);
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    gates[5]!.resolve(["Roma"]);
    await until(() => started.length === 9);
    expect(started[8]).toBe(8);
    for (const g of gates) g.resolve(["Roma"]);
    expect((await done).status).toBe("ok");
    expect(started).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("passes a JSON copy and a context with a stable idempotency key", async () => {
    const log: { fn: string; args: unknown[]; ctx: { idempotencyKey: string; seq: number; signal: AbortSignal } }[] =
      [];
    const r = await run(ALIGNED, { catalog, handlers: instantHandlers(log), input: { users: ["ana"] } });
    expect(r.status).toBe("ok");
    const keys = log.map((l) => l.ctx.idempotencyKey);
    const runId = keys[0]!.split(":")[0]!;
    expect(keys).toEqual([`${runId}:0`, `${runId}:1`, `${runId}:2`]);
    expect(log.map((l) => l.ctx.seq)).toEqual([0, 1, 2]);
  });

  it("stops with kind handler when a handler throws, listing the calls so far", async () => {
    const r = await run(ALIGNED, {
      catalog,
      input: { users: ["ana", "bo"] },
      handlers: {
        ...instantHandlers(),
        identify_overlap: () => {
          throw new Error("model unavailable");
        },
      },
    });
    expect(r.status).toBe("error");
    expect(r.error).toEqual({ kind: "handler", message: "`identify_overlap` failed: model unavailable", line: 4 });
    expect(r.calls.map((c) => [c.seq, c.fn, c.result !== undefined])).toEqual([
      [0, "ask_preference", true],
      [1, "ask_preference", true],
      [2, "identify_overlap", false],
    ]);
  });

  it("reports the first failure in program order, whatever finishes first", async () => {
    const gates = [deferred<string[]>(), deferred<string[]>()];
    const done = run(ALIGNED, {
      catalog,
      input: { users: ["ana", "bo"] },
      handlers: {
        ...instantHandlers(),
        ask_preference: (_u: unknown, ctx: unknown) => gates[(ctx as { seq: number }).seq]!.promise,
      },
    });
    await new Promise((r) => setTimeout(r, 30));
    gates[1]!.reject(new Error("second"));
    await new Promise((r) => setTimeout(r, 30));
    gates[0]!.reject(new Error("first"));
    const r = await done;
    expect(r.error).toEqual({ kind: "handler", message: "`ask_preference` failed: first", line: 3 });
  });

  it("lists every call made, also a pure call that overlapped the failing one and comes after it", async () => {
    const gates = [deferred<string[]>(), deferred<string[]>()];
    const events: TraceEvent[] = [];
    const done = run(ALIGNED, {
      catalog,
      input: { users: ["ana", "bo"] },
      onEvent: (e) => events.push(e),
      handlers: {
        ...instantHandlers(),
        ask_preference: (_u: unknown, ctx: unknown) => gates[(ctx as { seq: number }).seq]!.promise,
      },
    });
    // Call 1 returns first; then call 0, before it in program order, fails.
    await until(() => events.filter((e) => e.type === "call-start").length === 2);
    gates[1]!.resolve(["Roma"]);
    await until(() => events.some((e) => e.type === "call-end"));
    gates[0]!.reject(new Error("down"));
    const r = await done;
    const error = { kind: "handler", message: "`ask_preference` failed: down", line: 3 } as const;
    expect(r.status).toBe("error");
    expect(r.error).toEqual(error);
    expect(untimed(r.calls)).toEqual([
      { seq: 0, fn: "ask_preference", args: ["ana"], effect: null, line: 3 },
      { seq: 1, fn: "ask_preference", args: ["bo"], result: ["Roma"], effect: null, line: 3 },
    ]);
    expect(r.stats.calls).toBe(2);
    expect(untimedEvents(events)).toEqual([
      { type: "run-start" },
      { type: "call-start", seq: 0, fn: "ask_preference", args: ["ana"], effect: null, line: 3 },
      { type: "call-start", seq: 1, fn: "ask_preference", args: ["bo"], effect: null, line: 3 },
      { type: "call-end", seq: 1, fn: "ask_preference", result: ["Roma"], line: 3 },
      { type: "error", ...error },
      { type: "run-end", status: "error" },
    ]);
  });

  it("stops with kind handler when a handler exceeds its time limit", async () => {
    const r = await run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      handlerTimeoutMs: 30,
      handlers: { ...instantHandlers(), identify_overlap: () => new Promise(() => undefined) },
    });
    expect(r.error).toEqual({ kind: "handler", message: "`identify_overlap` did not return within 30 ms", line: 4 });
  });

  it("stops with kind bad-result naming the function", async () => {
    const r = await run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      handlers: { ...instantHandlers(), ask_preference: () => ["Roma", 3] },
    });
    expect(r.error).toEqual({
      kind: "bad-result",
      message: '`ask_preference` returned ["Roma",3], which does not fit its declared type string[]',
      line: 3,
    });
    const rec = await run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      handlers: { ...instantHandlers(), book_table: () => ({ restaurant: "x" }) },
    });
    expect(rec.error?.kind).toBe("bad-result");
    expect(rec.error?.message).toContain("`book_table`");
  });

  it("refuses the call that would exceed a budget, before it starts (n allowed, n + 1 refused)", async () => {
    // The static check is switched off so that only the runtime enforces the budget.
    const policy = await loadPolicy({ budgets: { ask_preference: 3 }, rules: { "call-budget": "off" } }, catalog);
    const log: { fn: string }[] = [];
    const ok = await run(ALIGNED, {
      catalog,
      policy,
      handlers: instantHandlers(log as never),
      input: { users: ["a", "b", "c"] },
    });
    expect(ok.status).toBe("ok");
    log.length = 0;
    const r = await run(ALIGNED, {
      catalog,
      policy,
      handlers: instantHandlers(log as never),
      input: { users: ["a", "b", "c", "d"] },
    });
    expect(r.error).toEqual({
      kind: "budget",
      message: "`ask_preference` may be called at most 3 times per run (policy budget)",
      line: 3,
    });
    expect(log.map((l) => l.fn)).toEqual(["ask_preference", "ask_preference", "ask_preference"]);
    expect(r.calls.length).toBe(3);
  });

  it("enforces the `*` and cost budgets", async () => {
    const star = await loadPolicy({ budgets: { "*": 2 }, rules: { "call-budget": "off" } }, catalog);
    const r = await run(ALIGNED, { catalog, policy: star, handlers: instantHandlers(), input: { users: ["a", "b"] } });
    expect(r.error).toEqual({
      kind: "budget",
      message: "at most 2 catalog calls per run (policy budget `*`)",
      line: 4,
    });
    const cost = await loadPolicy({ budgets: { cost: 3 }, rules: { "call-budget": "off" } }, catalog);
    const c = await run(ALIGNED, { catalog, policy: cost, handlers: instantHandlers(), input: { users: ["a", "b"] } });
    expect(c.error?.kind).toBe("budget");
    expect(c.calls.length).toBe(3);
  });

  it("asks for approval before an approved-only call", async () => {
    const policy = await loadPolicy({ approve: ["book_table"] }, catalog);
    const asked: PendingCall[] = [];
    const yes = await run(ALIGNED, {
      catalog,
      policy,
      handlers: instantHandlers(),
      input: { users: ["ana"] },
      approve: (c) => {
        asked.push(c);
        return Promise.resolve(true);
      },
    });
    expect(yes.status).toBe("ok");
    expect(asked).toEqual([{ fn: "book_table", args: ["Sakura"], line: 5, seq: 2 }]);

    const log: { fn: string }[] = [];
    const no = await run(ALIGNED, {
      catalog,
      policy,
      handlers: instantHandlers(log as never),
      input: { users: ["ana"] },
      approve: () => Promise.resolve(false),
    });
    expect(no.error).toEqual({
      kind: "not-approved",
      message: "call 2 `book_table` was not approved: the approver refused it",
      line: 5,
    });
    expect(log.map((l) => l.fn)).toEqual(["ask_preference", "identify_overlap"]);

    const none = await run(ALIGNED, { catalog, policy, handlers: instantHandlers(), input: { users: ["ana"] } });
    expect(none.error?.kind).toBe("not-approved");
    expect(none.calls.map((c) => c.fn)).toEqual(["ask_preference", "identify_overlap"]);
  });

  it("gives each handler its own copy of the arguments: what it does to them never reaches the record", async () => {
    const r = await run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      handlers: {
        ...instantHandlers(),
        identify_overlap: (p: unknown) => {
          const prefs = p as Record<string, string[]>;
          prefs.ana?.push("Mutated");
          prefs.intruder = ["x"];
          return "Roma";
        },
      },
    });
    expect(r.status).toBe("ok");
    expect(r.calls.find((c) => c.fn === "identify_overlap")?.args).toEqual([{ ana: ["Sakura", "Roma"] }]);
  });

  it("aborts a timed-out handler's own signal at its limit", async () => {
    let seen: AbortSignal | undefined;
    const r = await run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      handlerTimeoutMs: 20,
      handlers: {
        ...instantHandlers(),
        identify_overlap: (_p: unknown, ctx: unknown) => {
          seen = (ctx as { signal: AbortSignal }).signal;
          return new Promise(() => undefined);
        },
      },
    });
    expect(r.error?.kind).toBe("handler");
    expect(seen?.aborted).toBe(true);
    expect(String((seen?.reason as Error | undefined)?.message)).toBe("handler timed out");
  });

  it("aborts on the signal, and the handler sees its context's signal abort", async () => {
    const ac = new AbortController();
    let handlerSignal: AbortSignal | undefined;
    const done = run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      signal: ac.signal,
      handlers: {
        ...instantHandlers(),
        identify_overlap: (_p: unknown, ctx: unknown) => {
          handlerSignal = (ctx as { signal: AbortSignal }).signal;
          return new Promise(() => undefined);
        },
      },
    });
    await until(() => handlerSignal !== undefined);
    ac.abort();
    const r = await done;
    expect(r.error).toEqual({ kind: "aborted", message: "the run was aborted" });
    expect(r.calls.map((c) => [c.fn, c.result !== undefined])).toEqual([
      ["ask_preference", true],
      ["identify_overlap", false],
    ]);
    expect(handlerSignal?.aborted).toBe(true);
  });

  it("stops at the run's deadline while a handler is pending (kind timeout)", async () => {
    const r = await run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      timeoutMs: 300,
      handlers: { ...instantHandlers(), identify_overlap: () => new Promise(() => undefined) },
    });
    expect(r.error).toEqual({ kind: "timeout", message: "the run exceeded its time limit of 300 ms" });
    expect(r.calls.length).toBe(2);
  });

  it("checks inputs: missing, ill-typed, too many items", async () => {
    const h = instantHandlers();
    expect((await run(ALIGNED, { catalog, handlers: h })).error).toEqual({
      kind: "input",
      message: "missing input `users` (declared as string[])",
    });
    expect((await run(ALIGNED, { catalog, handlers: h, input: { users: [1] } })).error).toEqual({
      kind: "input",
      message: "input `users` does not fit its declared type string[]",
    });
    const many = Array.from({ length: 21 }, (_, i) => `u${i}`);
    expect((await run(ALIGNED, { catalog, handlers: h, input: { users: many } })).error?.kind).toBe("input");
  });

  it("round-trips hostile keys and strings unchanged", async () => {
    const hostile = {
      __proto__: ["x"],
      constructor: ["y"],
      toString: ["z"],
      "'); process.exit(1); //": ["w"],
      "\u2028\u2029</script>": ["v"],
    };
    const keys = Object.keys(JSON.parse(JSON.stringify(hostile)) as object);
    let seen: unknown;
    const src = `prefs = {}
for u in users:
    prefs[u] = ask_preference(u)
r = identify_overlap(prefs)
return prefs
`;
    const r = await run(src, {
      catalog,
      input: { users: keys },
      handlers: {
        ...instantHandlers(),
        ask_preference: (u: unknown) => [`${String(u)}!`],
        identify_overlap: (p: unknown) => {
          seen = p;
          return "ok";
        },
      },
    });
    expect(r.status).toBe("ok");
    const expected = Object.fromEntries(keys.map((k) => [k, [`${k}!`]]));
    expect(JSON.stringify(r.result)).toBe(JSON.stringify(expected));
    expect(JSON.stringify(seen)).toBe(JSON.stringify(expected));
    expect(Object.getPrototypeOf(seen)).toBe(Object.prototype);
  });

  it("uses a report checked beforehand instead of checking again, only when it matches", async () => {
    // ALIGNED has a loop, which this policy forbids: check() rejects it.
    const noLoops = await loadPolicy({ maxLoopDepth: 0 }, catalog);
    const input = { users: ["ana"] };
    const real = check(ALIGNED, { catalog, policy: noLoops, file: "a.pw" });
    expect(real.ok).toBe(false);
    const forged = { ok: true, diagnostics: [], bounds: {} };
    // Trusted when it matches: the run goes ahead, so no second check ran.
    const trusted = await run(ALIGNED, {
      catalog,
      policy: noLoops,
      file: "a.pw",
      handlers: instantHandlers(),
      input,
      checked: { source: ALIGNED, report: forged, catalog, policy: noLoops, file: "a.pw" },
    });
    expect(trusted.status).toBe("ok");
    // A matching report that is not ok: rejected with its diagnostics, nothing runs.
    const log: { fn: string }[] = [];
    const rejected = await run(ALIGNED, {
      catalog,
      policy: noLoops,
      file: "a.pw",
      handlers: instantHandlers(log as never),
      input,
      checked: { source: ALIGNED, report: real, catalog, policy: noLoops, file: "a.pw" },
    });
    expect(rejected).toEqual({
      status: "rejected",
      calls: [],
      stats: { calls: 0, wallMs: rejected.stats.wallMs },
      diagnostics: real.diagnostics,
    });
    expect(log).toEqual([]);
    // Made for another source, policy, catalog or file: ignored, and the composition is checked here.
    const mismatches = [
      { source: `${ALIGNED}\n`, catalog, policy: noLoops, file: "a.pw" },
      { source: ALIGNED, catalog },
      { source: ALIGNED, catalog: dinnerCatalog(), policy: noLoops, file: "a.pw" },
      { source: ALIGNED, catalog, policy: noLoops },
    ];
    for (const m of mismatches) {
      const r = await run(ALIGNED, {
        catalog,
        policy: noLoops,
        file: "a.pw",
        handlers: instantHandlers(log as never),
        input,
        checked: { ...m, report: forged },
      });
      expect([r.status, r.diagnostics?.map((d) => d.rule)]).toEqual(["rejected", ["loop-depth"]]);
    }
    expect(log).toEqual([]);
    // A trusted report is never cached for later runs without one.
    const after = await run(ALIGNED, { catalog, policy: noLoops, file: "a.pw", handlers: instantHandlers(), input });
    expect(after.status).toBe("rejected");
    // Without a policy on either side, the default policy matches.
    const plain = check(ALIGNED, { catalog });
    const ok = await run(ALIGNED, {
      catalog,
      handlers: instantHandlers(),
      input,
      checked: { source: ALIGNED, report: plain, catalog },
    });
    expect(ok.status).toBe("ok");
  });

  it("collects print output in the trace and the result", async () => {
    const events: TraceEvent[] = [];
    const r = await run(`print("hi", 1)\nreturn None\n`, {
      catalog,
      handlers: instantHandlers(),
      input: { users: [] },
      onEvent: (e) => events.push(e),
    });
    expect(r.status).toBe("ok");
    expect(r.output).toEqual(["hi 1"]);
    expect(untimedEvents(events).filter((e) => (e as { type: string }).type === "print")).toEqual([
      { type: "print", text: "hi 1", line: 1 },
    ]);
  });
});
