/**
 * The sandbox on its own (pool + worker + QuickJS), driven by small
 * hand-written guests that follow the host protocol of `prelude.ts`.
 */
import { afterAll, describe, expect, it } from "vitest";
import { sandboxThreads, shutdownSandbox, startGuest } from "../../src/runtime/pool.js";
import type { GuestEvent, GuestOutcome } from "../../src/runtime/sandbox.js";

/**
 * The host side of `prelude.ts`'s protocol for these guests: `call(fn, args,
 * line)` gives a promise of the envelope's text. The host takes a call at once
 * (`__pw_host.call` returns true) and answers in batches through
 * `__pw_deliver`, whose argument is the JSON of `[[seq, envelope], …]`.
 */
const CALLS = `(function () {
  var waiting = [], next = 0;
  globalThis.call = function (fn, args, line) {
    var seq = next++;
    return new Promise(function (resolve) {
      waiting[seq] = resolve;
      if (globalThis.__pw_host.call(fn, args, line) !== true) resolve('{"err":{"kind":"handler","message":"refused"}}');
    });
  };
  Object.defineProperty(globalThis, "__pw_deliver", {
    value: function (text) {
      JSON.parse(text).forEach(function (e) { waiting[e[0]](JSON.stringify(e[1])); });
    },
  });
})();`;

interface Ran {
  readonly outcome: GuestOutcome;
  readonly events: GuestEvent[];
}

/** Runs a guest; every host call is answered by `answer` (in arrival order unless it returns undefined). */
async function guest(
  code: string,
  opts: {
    timeoutMs?: number;
    memoryMb?: number;
    answer?: (e: GuestEvent & { type: "call" }) => string | undefined;
  } = {},
): Promise<Ran> {
  const events: GuestEvent[] = [];
  const s = startGuest(
    {
      prelude: CALLS,
      code,
      inputsJson: "{}",
      maxSteps: 0,
      memoryMb: opts.memoryMb ?? 64,
      deadline: Date.now() + (opts.timeoutMs ?? 5000),
    },
    (evs) => {
      for (const e of evs) {
        events.push(e);
        if (e.type === "call") {
          const r = (opts.answer ?? ((c) => JSON.stringify({ ok: JSON.parse(c.argsJson) })))(e);
          if (r !== undefined) s.deliver(e.seq, r);
        }
      }
    },
  );
  return { outcome: await s.outcome, events };
}

const wrap = (body: string): string => `(async () => { ${body} })()`;
const ok = (v: unknown): GuestOutcome => ({ type: "envelope", json: JSON.stringify({ ok: v }) });
const err = (kind: string): RegExp => new RegExp(`^\\{"err":\\{"kind":"${kind}"`);

afterAll(async () => {
  await shutdownSandbox();
});

describe("sandbox", () => {
  it("evaluates a guest and returns its envelope", async () => {
    const r = await guest(wrap(`return JSON.stringify({ ok: 1 + 1 });`));
    expect(r.outcome).toEqual(ok(2));
  });

  it("numbers host calls in issue order and delivers results in any order", async () => {
    const pending: (GuestEvent & { type: "call" })[] = [];
    const events: GuestEvent[] = [];
    const s = startGuest(
      {
        prelude: CALLS,
        code: wrap(`
          const ps = [call("a", "[1]", 2), call("b", "[2]", 3), call("c", "[3]", 4)];
          globalThis.__pw_host.print("between", 5);
          const rs = await Promise.all(ps);
          return JSON.stringify({ ok: rs.map((r) => JSON.parse(r).ok) });`),
        inputsJson: "{}",
        maxSteps: 0,
        memoryMb: 64,
        deadline: Date.now() + 5000,
      },
      (evs) => {
        for (const e of evs) {
          events.push(e);
          if (e.type === "call") pending.push(e);
          if (pending.length === 3) {
            // Answer last first.
            for (const c of [...pending].reverse()) s.deliver(c.seq, JSON.stringify({ ok: `${c.fn}${c.argsJson}` }));
            pending.length = 0;
          }
        }
      },
    );
    expect(await s.outcome).toEqual(ok(["a[1]", "b[2]", "c[3]"]));
    expect(events).toEqual([
      { type: "call", seq: 0, fn: "a", argsJson: "[1]", line: 2 },
      { type: "call", seq: 1, fn: "b", argsJson: "[2]", line: 3 },
      { type: "call", seq: 2, fn: "c", argsJson: "[3]", line: 4 },
      { type: "print", text: "between", line: 5 },
    ]);
  });

  it("passes hostile keys through unchanged", async () => {
    const args = JSON.stringify([{ __proto__: 1, constructor: "x", toString: [] }]);
    const r = await guest(
      wrap(`const r = await call("f", ${JSON.stringify(args)}, 1); return JSON.stringify({ ok: JSON.parse(r).ok });`),
    );
    expect(r.outcome).toEqual({ type: "envelope", json: JSON.stringify({ ok: JSON.parse(args) as unknown }) });
  });

  it("stops a memory bomb with kind memory, and the next run works", async () => {
    const r = await guest(wrap(`let s = "x"; for (let i = 0; i < 60; i++) s = s + s; return "{}";`));
    expect(r.outcome.type === "envelope" && r.outcome.json).toMatch(err("memory"));
    expect((await guest(wrap(`return '{"ok":1}';`))).outcome).toEqual(ok(1));
  });

  it("stops an array bomb with kind memory", async () => {
    const r = await guest(wrap(`const a = []; for (;;) a.push({ k: a.length }); return "{}";`), { memoryMb: 16 });
    expect(r.outcome.type === "envelope" && r.outcome.json).toMatch(err("memory"));
  });

  it("stops deep recursion inside QuickJS with kind memory", async () => {
    const r = await guest(wrap(`const f = (n) => f(n + 1) + 1; return JSON.stringify({ ok: f(0) });`));
    expect(r.outcome.type === "envelope" && r.outcome.json).toMatch(err("memory"));
    expect((await guest(wrap(`return '{"ok":2}';`))).outcome).toEqual(ok(2));
  });

  it("stops native work on deep data at the deadline (JSON.stringify of 10^6 levels runs for seconds)", async () => {
    const r = await guest(
      wrap(
        `let a = []; for (let i = 0; i < 1e6; i++) a = [a]; return JSON.stringify({ ok: JSON.stringify(a).length });`,
      ),
      { timeoutMs: 1500 },
    );
    expect(r.outcome).toEqual({
      type: "envelope",
      json: '{"err":{"kind":"timeout","message":"the run exceeded its time limit"}}',
    });
    expect((await guest(wrap(`return '{"ok":6}';`))).outcome).toEqual(ok(6));
  });

  it("interrupts a CPU loop at the deadline with kind timeout", async () => {
    const r = await guest(wrap(`for (;;) {}`), { timeoutMs: 300 });
    expect(r.outcome).toEqual({
      type: "envelope",
      json: '{"err":{"kind":"timeout","message":"the run exceeded its time limit"}}',
    });
    expect((await guest(wrap(`return '{"ok":3}';`))).outcome).toEqual(ok(3));
  });

  it("kills a guest stuck in a long native operation at its deadline", async () => {
    const before = sandboxThreads();
    const r = await guest(
      wrap(
        `const a = "a".repeat(1 << 23); const b = "a".repeat(1 << 21) + "b"; return JSON.stringify({ ok: a.includes(b) });`,
      ),
      { timeoutMs: 200 },
    );
    expect(r.outcome).toEqual({
      type: "envelope",
      json: '{"err":{"kind":"timeout","message":"the run exceeded its time limit"}}',
    });
    expect(sandboxThreads()).toBeLessThanOrEqual(before);
    expect((await guest(wrap(`return '{"ok":4}';`))).outcome).toEqual(ok(4));
  });

  it("reports a guest that waits forever on nothing as a crash, not a hang", async () => {
    const r = await guest(wrap(`await new Promise(() => {}); return "{}";`));
    expect(r.outcome).toEqual({ type: "crash", message: "the program stopped without a result" });
  });

  it("cancels a running guest", async () => {
    const s = startGuest(
      {
        prelude: CALLS,
        code: wrap(`for (;;) {}`),
        inputsJson: "{}",
        maxSteps: 0,
        memoryMb: 64,
        deadline: Date.now() + 60_000,
      },
      () => undefined,
    );
    setTimeout(() => s.cancel(), 20);
    expect(await s.outcome).toEqual({ type: "cancelled" });
    expect((await guest(wrap(`return '{"ok":5}';`))).outcome).toEqual(ok(5));
  });

  it("lets no state cross runs: globals, prototypes, the prelude's own state and pending jobs are gone", async () => {
    const pollute = wrap(`
      const stringify = JSON.stringify;
      globalThis.leak = "secret";
      Object.prototype.polluted = 1;
      Array.prototype.push = function () { return "hijacked"; };
      JSON.stringify = function () { return "hijacked"; };
      globalThis.call = function () { return Promise.resolve('{"ok":"hijacked"}'); };
      Promise.resolve().then(function () { globalThis.late = 1; });
      new Promise(function () {}).then(function () { globalThis.never = 1; });
      await call("f", "[1]", 1);
      return stringify({ ok: 1 });`);
    const probe = wrap(`
      const a = []; a.push(1);
      const r = await call("f", "[2]", 1);
      return JSON.stringify({ ok: [typeof globalThis.leak, ({}).polluted === undefined, a.length,
        JSON.stringify([1]), JSON.parse(r).ok, typeof globalThis.late, typeof globalThis.never] });`);
    for (let i = 0; i < 3; i++) {
      expect((await guest(pollute)).outcome).toEqual(ok(1));
      // The pool may hand the next run to any of its workers: probe often enough to meet the polluted one.
      for (let j = 0; j < 4; j++) {
        expect((await guest(probe)).outcome).toEqual(ok(["undefined", true, 1, "[1]", [2], "undefined", "undefined"]));
      }
    }
  });

  it("runs 500 guests in a row", async () => {
    for (let i = 0; i < 500; i++) {
      const r = await guest(
        wrap(`const r = await call("f", "[${i}]", 1); return JSON.stringify({ ok: JSON.parse(r).ok });`),
      );
      expect(r.outcome).toEqual(ok([i]));
    }
  });
});
