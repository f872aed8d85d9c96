/**
 * Codegen: deterministic output (snapshot), hostile strings and names never
 * escape their literals, and the parallel-issue protocol with a stub host
 * whose promises the test resolves by hand.
 */
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { PRELUDE } from "../../src/runtime/prelude.js";
import type { Module } from "../../src/syntax/ast.js";
import { parse } from "../../src/syntax/parse.js";
import { compile, compileInfo, jsString, mangle } from "../../src/runtime/codegen.js";
import type { Catalog } from "../../src/catalog/types.js";
import { compileSource, evalCompiled, infoOf, runSource, type StubHost } from "../helpers/node-eval.js";

const DINNER =
  "prefs = {}\nfor u in users:\n    prefs[u] = ask_preference(u)\nr = identify_overlap(prefs)\nbook_table(r)\n";
const dinnerInfo = infoOf(
  {
    ask_preference: { params: ["user"] },
    identify_overlap: { params: ["prefs"] },
    book_table: { effectful: true, params: ["restaurant"] },
  },
  ["users"],
);

function parsed(src: string): Module {
  const r = parse(src, "t.pw");
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.module;
}

describe("codegen output", () => {
  it("snapshots the aligned dinner composition", async () => {
    const { code } = compile(parsed(DINNER), dinnerInfo);
    await expect(code).toMatchFileSnapshot("__snapshots__/dinner.js.snap");
  });

  it("emits byte-identical code twice, and does not mutate the AST", () => {
    const m = parsed(DINNER + "x = [f'{a}' for a in [1.0, 2]]\nreturn {k: v for k, v in prefs.items()}\n");
    const before = JSON.stringify(m);
    const a = compile(m, dinnerInfo).code;
    const b = compile(
      parsed(DINNER + "x = [f'{a}' for a in [1.0, 2]]\nreturn {k: v for k, v in prefs.items()}\n"),
      dinnerInfo,
    ).code;
    expect(a).toBe(b);
    expect(JSON.stringify(m)).toBe(before);
  });

  it("emits no future checks for a program without catalog calls", () => {
    const code = compileSource("xs = [1, 2]\nt = 0\nfor x in xs:\n    t += x\nreturn t\n");
    expect(code).not.toContain("await");
    expect(code).not.toContain("$F");
  });

  it("the prelude adds three globals, read-only and not enumerable", () => {
    const ctx = vm.createContext({});
    const before = Object.getOwnPropertyNames(vm.runInContext("globalThis", ctx) as object);
    vm.runInContext(PRELUDE, ctx);
    const g = vm.runInContext("globalThis", ctx) as Record<string, unknown>;
    expect(Object.getOwnPropertyNames(g).filter((n) => !before.includes(n))).toEqual([
      "__pw_run",
      "__pw_deliver",
      "__pw_take",
    ]);
    expect(Object.keys(g)).toEqual([]);
    expect(vm.runInContext('"use strict"; try { __pw_run = 1; "w" } catch (e) { "ro" }', ctx)).toBe("ro");
    expect(vm.runInContext('"use strict"; try { __pw_deliver = 1; "w" } catch (e) { "ro" }', ctx)).toBe("ro");
    expect(vm.runInContext('"use strict"; try { __pw_take = 1; "w" } catch (e) { "ro" }', ctx)).toBe("ro");
  });

  it("queues calls and prints for __pw_take when the host says queue, and resumes on __pw_deliver", async () => {
    const ctx = vm.createContext({ __pw_inputs: JSON.stringify({ users: ["ann", "bo"] }), __pw_max_steps: 0 });
    const direct: unknown[] = [];
    vm.runInContext(PRELUDE, ctx);
    (vm.runInContext("globalThis", ctx) as Record<string, unknown>).__pw_host = {
      queue: true,
      call: (...a: unknown[]) => direct.push(a),
      print: (...a: unknown[]) => direct.push(a),
    };
    const code = compileSource(
      DINNER.replace("book_table(r)\n", "print('\\ud800', r)\nbook_table(r)\nreturn r\n"),
      dinnerInfo,
    );
    const out = vm.runInContext(code, ctx) as Promise<string>;
    const take = (): unknown => {
      const t = vm.runInContext("__pw_take()", ctx) as string;
      return t === "" ? [] : JSON.parse(t);
    };
    const deliver = async (results: [number, unknown][]): Promise<void> => {
      (vm.runInContext("__pw_deliver", ctx) as (t: string) => void)(JSON.stringify(results));
      for (let i = 0; i < 20; i++) await Promise.resolve();
    };
    await Promise.resolve();
    expect(take()).toEqual([
      [0, 0, "ask_preference", '["ann"]', 3],
      [0, 1, "ask_preference", '["bo"]', 3],
    ]);
    expect(take()).toEqual([]);
    await deliver([
      [1, { ok: ["b"] }],
      [0, { ok: ["a"] }],
    ]);
    expect(take()).toEqual([[0, 2, "identify_overlap", '[{"ann":["a"],"bo":["b"]}]', 4]]);
    await deliver([[2, { ok: "Sakura" }]]);
    // print waits for every earlier call; the effect waits too, and comes after it in program order.
    expect(take()).toEqual([
      [1, "\ud800 Sakura", 5],
      [0, 3, "book_table", '["Sakura"]', 6],
    ]);
    await deliver([[3, { ok: null }]]);
    expect(await out).toBe('{"ok":"Sakura"}');
    expect(direct).toEqual([]);
  });

  it("builds compile info from a catalog", () => {
    const fn = (name: string, effect: string | undefined, params: string[]) => ({
      name,
      params: params.map((p) => ({ name: p, type: { kind: "any" as const }, optional: false })),
      returns: { kind: "any" as const },
      effect,
      irreversible: false,
      maxItems: undefined,
      minItems: undefined,
      cost: 1,
      doc: "",
      hasHandler: true,
      location: undefined,
    });
    const catalog: Catalog = {
      path: "c.ts",
      format: "object",
      hash: "0",
      functions: new Map([
        ["ask", fn("ask", undefined, ["user"])],
        ["book", fn("book", "reservation", ["restaurant", "when"])],
      ]),
      inputs: new Map([
        [
          "users",
          { name: "users", type: { kind: "any" }, maxItems: 20, minItems: undefined, doc: "", location: undefined },
        ],
      ]),
    };
    const info = compileInfo(catalog);
    expect([...info.functions]).toEqual([
      ["ask", { effectful: false, params: ["user"] }],
      ["book", { effectful: true, params: ["restaurant", "when"] }],
    ]);
    expect([...info.inputs]).toEqual(["users"]);
  });
});

describe("hostile input stays inside literals", () => {
  const hostile = [
    '"</script>',
    "`${host.x()}`",
    "${}",
    "\u2028\u2029",
    "'\"",
    '"); __pw_host.call("x", "[]", 0); ("',
    "\\",
    "\ud800",
    "*/ // <!--",
    "\u0000\n\r",
  ];
  it.each(hostile)("string literal %j round-trips", async (s) => {
    const m = parsed(`return [x, f"<{x}>"]\n`.replace(/x/g, "v"));
    // Build the literal through the AST to avoid depending on source escapes.
    const withLit: Module = {
      ...m,
      body: [
        {
          kind: "Assign",
          id: 1000,
          span: m.span,
          target: { kind: "Name", id: 1001, span: m.span, name: "v" },
          value: { kind: "String", id: 1002, span: m.span, value: s },
        },
        ...m.body,
      ],
    };
    const code = compile(withLit, infoOf()).code;
    const calls: string[] = [];
    const host: StubHost = {
      call: (fn) => {
        calls.push(fn);
        return Promise.resolve('{"ok":null}');
      },
      print: () => undefined,
    };
    const out = await evalCompiled(code, { host });
    expect(calls).toEqual([]);
    expect(out.result).toEqual([s, `<${s}>`]);
  });

  it("escapes line terminators that JSON leaves raw", () => {
    expect(jsString("a\u2028b\u2029")).toBe('"a\\u2028b\\u2029"');
  });

  it.each([
    "constructor",
    "eval",
    "this",
    "arguments",
    "Function",
    "undefined",
    "NaN",
    "Infinity",
    "globalThis",
    "v_x",
    "_pw_run",
    "await",
    "let",
    "$t",
  ])("name %s is mangled", async (name) => {
    const m = parsed("x = 1\nreturn x\n");
    const rename = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(rename)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "name" && x === "x" ? name : rename(x)]))
          : v;
    const code = compile(rename(m) as Module, infoOf()).code;
    expect(code).toContain(mangle(name));
    const out = await evalCompiled(code);
    expect(out.result).toBe(1);
  });

  it("hex-encodes a name that is not an identifier", () => {
    expect(mangle('x); __pw_host.call("a"); (')).toMatch(/^w_[0-9a-f]+$/);
    expect(mangle("ok_1")).toBe("v_ok_1");
  });

  it("passes hostile function, keyword and attribute names as literals", async () => {
    const src = 'r = constructor(toString="a")\nreturn [r, r.hasOwnProperty, {"constructor": 1}.constructor]\n';
    const calls: { fn: string; args: unknown[] }[] = [];
    const out = await runSource(src, {
      info: infoOf({ constructor: { params: ["valueOf", "toString"] } }),
      handlers: {},
      host: {
        call: (fn, argsJson) => {
          calls.push({ fn, args: JSON.parse(argsJson) });
          return Promise.resolve('{"ok": {"hasOwnProperty": 2}}');
        },
        print: () => undefined,
      },
    });
    expect(calls).toEqual([{ fn: "constructor", args: [null, "a"] }]);
    expect(out.result).toEqual([{ hasOwnProperty: 2 }, 2, 1]);
  });
});

// ---------------------------------------------------------------- parallel issue

interface Pending {
  fn: string;
  args: unknown[];
  line: number;
  resolve: (text: string) => void;
}

function manualHost(): { host: StubHost; pending: Pending[]; issued: string[]; prints: string[] } {
  const pending: Pending[] = [];
  const issued: string[] = [];
  const prints: string[] = [];
  return {
    pending,
    issued,
    prints,
    host: {
      call(fn, argsJson, line) {
        const args = JSON.parse(argsJson) as unknown[];
        issued.push(`${fn}(${args.map((a) => JSON.stringify(a)).join(", ")})`);
        return new Promise((resolve) => pending.push({ fn, args, line, resolve }));
      },
      print(text) {
        prints.push(text);
        return undefined;
      },
    },
  };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
const ok = (v: unknown): string => JSON.stringify({ ok: v });

describe("parallel issue", () => {
  it("issues all 20 ask_preference calls before any resolves, then the rest in order", async () => {
    const m = manualHost();
    const users = Array.from({ length: 20 }, (_, i) => `u${i}`);
    const run = evalCompiled(compile(parsed(DINNER), dinnerInfo).code, { host: m.host, inputs: { users } });
    await settle();
    expect(m.issued).toEqual(users.map((u) => `ask_preference("${u}")`));
    // Resolve out of order: the dict keeps program order.
    for (const p of [...m.pending].reverse()) p.resolve(ok([`${p.args[0] as string}-r`]));
    await settle();
    expect(m.issued.length).toBe(21);
    expect(m.pending[20]?.fn).toBe("identify_overlap");
    expect(Object.keys(m.pending[20]?.args[0] as object)).toEqual(users);
    expect(m.issued).not.toContain("book_table");
    m.pending[20]?.resolve(ok("Roma"));
    await settle();
    expect(m.issued[21]).toBe('book_table("Roma")');
    m.pending[21]?.resolve(ok({ id: 7 }));
    const out = await run;
    expect(out.result).toBeNull();
    expect(m.pending.map((p) => p.line)).toEqual([...users.map(() => 3), 4, 5]);
  });

  const BARRIER = "a = f(1)\nb = f(2)\nsend(0)\nc = f(3)\nreturn [a, b, c]\n";
  const barrierInfo = infoOf({ f: { params: ["x"] }, send: { effectful: true, params: ["x"] } });

  it("issues an effectful call only after every earlier call settled, and a later pure call after it", async () => {
    const m = manualHost();
    const run = evalCompiled(compile(parsed(BARRIER), barrierInfo).code, { host: m.host });
    await settle();
    expect(m.issued).toEqual(["f(1)", "f(2)"]);
    m.pending[1]?.resolve(ok(20));
    await settle();
    expect(m.issued).toEqual(["f(1)", "f(2)"]);
    m.pending[0]?.resolve(ok(10));
    await settle();
    expect(m.issued).toEqual(["f(1)", "f(2)", "send(0)"]);
    await settle();
    expect(m.issued.length).toBe(3);
    m.pending[2]?.resolve(ok(null));
    await settle();
    expect(m.issued).toEqual(["f(1)", "f(2)", "send(0)", "f(3)"]);
    m.pending[3]?.resolve(ok(30));
    expect((await run).result).toEqual([10, 20, 30]);
  });

  it("stops before a later effect when an earlier call fails", async () => {
    const m = manualHost();
    const run = evalCompiled(compile(parsed(BARRIER), barrierInfo).code, { host: m.host });
    await settle();
    m.pending[1]?.resolve(ok(20));
    m.pending[0]?.resolve(JSON.stringify({ err: { kind: "handler", message: "boom" } }));
    const out = await run;
    expect(out.error).toEqual({ kind: "handler", message: "boom", line: 1 });
    expect(m.issued).toEqual(["f(1)", "f(2)"]);
  });

  it("reports the first failure in program order, whatever settles first", async () => {
    const m = manualHost();
    const run = evalCompiled(compile(parsed("a = f(1)\nb = f(2)\n"), barrierInfo).code, { host: m.host });
    await settle();
    m.pending[1]?.resolve(JSON.stringify({ err: { kind: "budget", message: "second" } }));
    await settle();
    m.pending[0]?.resolve(JSON.stringify({ err: { kind: "handler", message: "first" } }));
    expect((await run).error).toEqual({ kind: "handler", message: "first", line: 1 });
  });

  it("drops print output that follows a failed call, keeps output before it", async () => {
    const m = manualHost();
    const run = evalCompiled(compile(parsed("print('a')\nx = f(1)\nprint('b')\ny = 2\n"), barrierInfo).code, {
      host: m.host,
    });
    await settle();
    expect(m.prints).toEqual(["a"]);
    m.pending[0]?.resolve(JSON.stringify({ err: { kind: "handler", message: "no" } }));
    expect((await run).error?.line).toBe(2);
    expect(m.prints).toEqual(["a"]);
  });

  it("a runtime error after a pending call waits for it, and the call's failure wins", async () => {
    const m = manualHost();
    const run = evalCompiled(compile(parsed("x = f(1)\ny = 1 / 0\n"), barrierInfo).code, { host: m.host });
    await settle();
    m.pending[0]?.resolve(JSON.stringify({ err: { kind: "handler", message: "no" } }));
    expect((await run).error).toEqual({ kind: "handler", message: "no", line: 1 });
  });

  it("places keyword arguments by parameter, null for a skipped middle one, evaluated in source order", async () => {
    const m = manualHost();
    const info = infoOf({ g: { params: ["a", "b", "c"] }, f: { params: ["x"] } });
    const run = evalCompiled(compile(parsed("r = g(c=f(1), a=f(2))\nreturn r\n"), info).code, { host: m.host });
    await settle();
    expect(m.issued).toEqual(["f(1)", "f(2)"]);
    m.pending[0]?.resolve(ok("one"));
    m.pending[1]?.resolve(ok("two"));
    await settle();
    expect(m.issued[2]).toBe('g("two", null, "one")');
    m.pending[2]?.resolve(ok(3));
    expect((await run).result).toBe(3);
  });

  it("does not force a future stored in a list or variable", async () => {
    const m = manualHost();
    const info = infoOf({ f: { params: ["x"] } });
    const run = evalCompiled(
      compile(parsed("xs = []\nfor i in range(3):\n    xs.append(f(i))\nn = len(xs)\nreturn [n, xs]\n"), info).code,
      {
        host: m.host,
      },
    );
    await settle();
    expect(m.issued).toEqual(["f(0)", "f(1)", "f(2)"]);
    m.pending.forEach((p, i) => p.resolve(ok(i * 10)));
    expect((await run).result).toEqual([3, [0, 10, 20]]);
  });
});
