/**
 * The static call bounds are sound against the runtime: for generated
 * compositions (loops over inputs and catalog results with @minItems /
 * @maxItems, `range`, literals, accumulated lists, `if`/`else`, `break`,
 * `continue`, early `return`, comprehensions with filters, conditional
 * expressions, `and`/`or`) that the checker accepts, every run with inputs
 * inside the declared bounds and deterministic stub handlers returning lists
 * inside theirs makes, per catalog function, between `min` and `max` calls
 * (contract.md: "At run time the actual count always lies between them").
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { check } from "../../src/checker/check.js";
import { shutdownSandbox } from "../../src/runtime/pool.js";
import { run } from "../../src/runtime/run.js";
import { T, catalog, fn, input, policy } from "./helpers.js";

const cat = catalog(
  [
    fn("f", [["x", T.string]], T.list(T.string), { minItems: 1, maxItems: 3 }),
    fn("g", [["x", T.string]], T.list(T.string), { maxItems: 2 }),
    fn("h", [["x", T.string]], T.string),
    fn("k", [["x", T.string]], T.boolean),
  ],
  [
    input("xs", T.list(T.string), { minItems: 1, maxItems: 4 }),
    input("ys", T.list(T.string), { maxItems: 3 }),
    input("flag", T.boolean),
  ],
);
// No budgets (every function is pure), loops may nest.
const pol = policy(cat, { maxLoopDepth: 4 });
const FUNCTIONS = ["f", "g", "h", "k"] as const;

// ---------------------------------------------------------------- programs

type Iter =
  | { readonly t: "input"; readonly name: "xs" | "ys" }
  | { readonly t: "call"; readonly fn: "f" | "g" }
  | { readonly t: "range"; readonly n: number }
  | { readonly t: "literal"; readonly n: number }
  | { readonly t: "var"; readonly fn: "f" | "g" }
  | { readonly t: "slice"; readonly n: number };
type Cond = "flag" | "k" | "len" | "not-flag";
type Stmt =
  | { readonly k: "call"; readonly fn: "f" | "g" | "h" | "k" }
  | { readonly k: "for"; readonly iter: Iter; readonly body: readonly Stmt[] }
  | { readonly k: "if"; readonly cond: Cond; readonly body: readonly Stmt[]; readonly orelse: readonly Stmt[] }
  | { readonly k: "jump"; readonly jump: "break" | "continue" | "return"; readonly cond: Cond }
  | { readonly k: "comp"; readonly iter: Iter; readonly filter: boolean; readonly fn: "h" | "f" }
  | { readonly k: "ifexp"; readonly cond: Cond }
  | { readonly k: "boolop"; readonly op: "and" | "or" }
  | { readonly k: "accum"; readonly iter: Iter };

const iterArb: fc.Arbitrary<Iter> = fc.oneof(
  fc.record({ t: fc.constant("input" as const), name: fc.constantFrom("xs" as const, "ys" as const) }),
  fc.record({ t: fc.constant("call" as const), fn: fc.constantFrom("f" as const, "g" as const) }),
  fc.record({ t: fc.constant("range" as const), n: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ t: fc.constant("literal" as const), n: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ t: fc.constant("var" as const), fn: fc.constantFrom("f" as const, "g" as const) }),
  fc.record({ t: fc.constant("slice" as const), n: fc.integer({ min: 0, max: 3 }) }),
);
const condArb: fc.Arbitrary<Cond> = fc.constantFrom("flag", "k", "len", "not-flag");

const { stmts } = fc.letrec<{ stmts: readonly Stmt[]; stmt: Stmt }>((tie) => ({
  stmts: fc.array(tie("stmt"), { minLength: 1, maxLength: 4 }),
  stmt: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant("call" as const),
        fn: fc.constantFrom("f" as const, "g" as const, "h" as const, "k" as const),
      }),
    },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("for" as const), iter: iterArb, body: tie("stmts") }) },
    {
      weight: 2,
      arbitrary: fc.record({ k: fc.constant("if" as const), cond: condArb, body: tie("stmts"), orelse: tie("stmts") }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant("jump" as const),
        jump: fc.constantFrom("break" as const, "continue" as const, "return" as const),
        cond: condArb,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant("comp" as const),
        iter: iterArb,
        filter: fc.boolean(),
        fn: fc.constantFrom("h" as const, "f" as const),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("ifexp" as const), cond: condArb }) },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant("boolop" as const), op: fc.constantFrom("and" as const, "or" as const) }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("accum" as const), iter: iterArb }) },
  ),
}));

/** Prints a generated program; names are fresh per loop, string arguments use the innermost string loop variable. */
function print(program: readonly Stmt[]): string {
  const lines: string[] = [];
  let fresh = 0;
  const str = (scope: readonly string[]): string => scope[scope.length - 1] ?? '"a"';
  const cond = (c: Cond, scope: readonly string[]): string =>
    c === "flag" ? "flag" : c === "not-flag" ? "not flag" : c === "k" ? `k(${str(scope)})` : "len(xs) > 2";
  /** The iterable's text (after any statements it needs) and whether its elements are strings. */
  const iter = (it: Iter, scope: readonly string[], pad: string): [string, boolean] => {
    switch (it.t) {
      case "input":
        return [it.name, true];
      case "call":
        return [`${it.fn}(${str(scope)})`, true];
      case "range":
        return [`range(${it.n})`, false];
      case "literal":
        return [`[${Array.from({ length: it.n }, (_, i) => `"l${i}"`).join(", ")}]`, true];
      case "var": {
        const c = `c${fresh++}`;
        lines.push(`${pad}${c} = ${it.fn}(${str(scope)})`);
        return [c, true];
      }
      case "slice":
        return [`xs[:${it.n}]`, true];
    }
  };
  const block = (body: readonly Stmt[], scope: readonly string[], pad: string, inLoop: boolean): void => {
    const before = lines.length;
    for (const s of body) stmt(s, scope, pad, inLoop);
    if (lines.length === before) lines.push(`${pad}pass`);
  };
  const stmt = (s: Stmt, scope: readonly string[], pad: string, inLoop: boolean): void => {
    switch (s.k) {
      case "call":
        lines.push(`${pad}print(${s.fn}(${str(scope)}))`);
        return;
      case "for": {
        const [text, strings] = iter(s.iter, scope, pad);
        const v = `v${fresh++}`;
        lines.push(`${pad}for ${v} in ${text}:`);
        block(s.body, strings ? [...scope, v] : scope, `${pad}    `, true);
        return;
      }
      case "if":
        lines.push(`${pad}if ${cond(s.cond, scope)}:`);
        block(s.body, scope, `${pad}    `, inLoop);
        lines.push(`${pad}else:`);
        block(s.orelse, scope, `${pad}    `, inLoop);
        return;
      case "jump":
        if (s.jump !== "return" && !inLoop) return;
        lines.push(`${pad}if ${cond(s.cond, scope)}:`);
        lines.push(`${pad}    ${s.jump === "return" ? 'return "early"' : s.jump}`);
        return;
      case "comp": {
        const [text] = iter(s.iter, scope, pad);
        const y = `y${fresh++}`;
        const call = s.fn === "h" ? `h(${y})` : `len(f(${y}))`;
        // Elements of `range` are numbers: pass a string instead.
        const arg = s.iter.t === "range" ? '"r"' : y;
        lines.push(
          `${pad}print([${call.replace(`(${y})`, `(${arg})`)} for ${y} in ${text}${s.filter ? ` if k(${arg})` : ""}])`,
        );
        return;
      }
      case "ifexp":
        lines.push(`${pad}print(h(${str(scope)}) if ${cond(s.cond, scope)} else "z")`);
        return;
      case "boolop":
        lines.push(`${pad}print(flag ${s.op} k(${str(scope)}))`);
        return;
      case "accum": {
        const [text, strings] = iter(s.iter, scope, pad);
        const a = `a${fresh++}`;
        const v = `v${fresh++}`;
        const w = `w${fresh++}`;
        lines.push(`${pad}${a} = []`);
        lines.push(`${pad}for ${v} in ${text}:`);
        lines.push(`${pad}    ${a}.append(${strings ? `h(${v})` : '"n"'})`);
        lines.push(`${pad}for ${w} in ${a}:`);
        lines.push(`${pad}    print(k(${w}))`);
        return;
      }
    }
  };
  block(program, [], "", false);
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------- runs

/** A small deterministic hash of a seed and a string. */
function hash(seed: number, s: string): number {
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619) >>> 0;
  return x;
}

/** Stub handlers whose results stay inside the catalog's bounds, varied by `seed`. */
function handlers(seed: number) {
  const items = (x: unknown, n: number): string[] => Array.from({ length: n }, (_, i) => `${String(x)}.${i}`);
  return {
    f: (x: unknown) => items(x, 1 + (hash(seed, `f${String(x)}`) % 3)),
    g: (x: unknown) => items(x, hash(seed, `g${String(x)}`) % 3),
    h: (x: unknown) => `${String(x)}!`,
    k: (x: unknown) => hash(seed, `k${String(x)}`) % 2 === 0,
  };
}

const inputArb = fc.record({
  xs: fc.array(fc.constantFrom("ana", "bo", "cy", "dee"), { minLength: 1, maxLength: 4 }),
  ys: fc.array(fc.constantFrom("x", "yy"), { maxLength: 3 }),
  flag: fc.boolean(),
});

afterAll(async () => {
  await shutdownSandbox();
});

describe("static call bounds hold at run time", () => {
  it("prints programs the checker accepts for most generated plans", () => {
    const accepted = fc
      .sample(stmts, { numRuns: 100, seed: 7 })
      .filter((p) => check(print(p), { catalog: cat, policy: pol }).ok);
    expect(accepted.length).toBeGreaterThan(80);
  });

  it("min ≤ actual calls ≤ max for every catalog function, on every run", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        stmts,
        fc.array(fc.tuple(inputArb, fc.nat()), { minLength: 2, maxLength: 2 }),
        async (p, envs) => {
          const source = print(p);
          const report = check(source, { catalog: cat, policy: pol });
          const errors = report.diagnostics.filter((d) => d.severity === "error" && d.rule !== "call-budget");
          fc.pre(errors.length === 0);
          for (const [inp, seed] of envs) {
            const result = await run(source, { catalog: cat, policy: pol, input: inp, handlers: handlers(seed) });
            expect({ status: result.status, error: result.error }).toEqual({ status: "ok", error: undefined });
            runs++;
            for (const name of FUNCTIONS) {
              const actual = result.calls.filter((c) => c.fn === name).length;
              const b = report.bounds[name] ?? { min: 0, max: 0 };
              const max = b.max ?? Infinity;
              if (actual < b.min || actual > max) {
                throw new Error(
                  `${name}: ${actual} calls, bounds [${b.min}, ${b.max ?? "∞"}]\ninput ${JSON.stringify(inp)} seed ${seed}\n${source}`,
                );
              }
            }
          }
        },
      ),
      { numRuns: 150, seed: 20240611, endOnFailure: true },
    );
    expect(runs).toBeGreaterThan(100);
  }, 60_000);
});
