/**
 * Property tests: on generated programs (ASTs printed to source) and on
 * mutated sources the checker never throws, never reports an internal
 * error, terminates, and is deterministic; no pass mutates the AST.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze, check, checkModule } from "../../src/checker/check.js";
import { deadStoresDense, lastIterationReadsDense, possiblyUnsetReadsDense } from "../../src/checker/dense-flow.js";
import type { Expr, Module, Stmt } from "../../src/syntax/ast.js";
import { parse } from "../../src/syntax/parse.js";
import { print } from "../../src/syntax/printer.js";
import type { Span } from "../../src/syntax/span.js";
import { policy } from "./helpers.js";
import { testCatalog } from "./rule-cases.js";

const P0 = { offset: 0, line: 1, column: 1 };
const span: Span = { file: "gen.pw", start: P0, end: P0 };
const base = { id: 0, span };

const NAMES = ["x", "y", "acc", "users", "ids", "query", "prefs", "_", "len"];
const CALLEES = ["fetch", "summarize", "notify", "pay", "lookup", "rank", "len", "range", "sorted", "print", "nope"];
const METHODS = ["append", "keys", "items", "get", "upper", "split", "frob"];

const name = fc.constantFrom(...NAMES).map((n): Expr => ({ ...base, kind: "Name", name: n }));
const leaf: fc.Arbitrary<Expr> = fc.oneof(
  name,
  fc
    .integer({ min: 0, max: 9 })
    .map((v): Expr => ({ ...base, kind: "Number", value: v, isFloat: false, raw: String(v) })),
  fc.constantFrom("a", "fast", "").map((v): Expr => ({ ...base, kind: "String", value: v })),
  fc.boolean().map((v): Expr => ({ ...base, kind: "Bool", value: v })),
  fc.constant<Expr>({ ...base, kind: "None" }),
);

const { expr } = fc.letrec<{ expr: Expr }>((tie) => {
  const sub = tie("expr");
  return {
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.tuple(fc.constantFrom(...CALLEES), fc.array(sub, { maxLength: 3 })).map(([c, args]): Expr => ({
        ...base,
        kind: "Call",
        callee: { ...base, kind: "Name", name: c },
        args,
        keywords: [],
      })),
      fc.tuple(name, fc.constantFrom(...METHODS), fc.array(sub, { maxLength: 2 })).map(([o, m, args]): Expr => ({
        ...base,
        kind: "Call",
        callee: { ...base, kind: "Attribute", object: o, name: m, nameSpan: span },
        args,
        keywords: [],
      })),
      fc
        .tuple(sub, sub, fc.constantFrom("+", "-", "*", "//", "%" as const))
        .map(([l, r, op]): Expr => ({ ...base, kind: "BinOp", op, left: l, right: r })),
      fc.tuple(sub, sub).map(([l, r]): Expr => ({ ...base, kind: "Compare", op: "in", left: l, right: r })),
      fc.tuple(sub, sub).map(([l, r]): Expr => ({ ...base, kind: "BoolOp", op: "or", left: l, right: r })),
      fc.tuple(sub, sub, sub).map(([b, t, o]): Expr => ({ ...base, kind: "IfExp", body: b, test: t, orelse: o })),
      fc.array(sub, { maxLength: 3 }).map((elements): Expr => ({ ...base, kind: "List", elements })),
      fc.tuple(sub, sub).map(([k, v]): Expr => ({ ...base, kind: "Dict", entries: [{ key: k, value: v }] })),
      fc.tuple(sub, sub).map(([o, i]): Expr => ({ ...base, kind: "Subscript", object: o, index: i })),
      fc
        .tuple(name, fc.constantFrom("restaurant", "code"))
        .map(([o, f]): Expr => ({ ...base, kind: "Attribute", object: o, name: f, nameSpan: span })),
      fc
        .tuple(sub, fc.constantFrom("x", "u"), sub, fc.option(sub, { nil: undefined }))
        .map(([el, t, it, cond]): Expr => ({
          ...base,
          kind: "ListComp",
          element: el,
          generators: [
            {
              ...base,
              kind: "Comprehension",
              target: { ...base, kind: "Name", name: t },
              iter: it,
              ifs: cond ? [cond] : [],
            },
          ],
        })),
    ),
  };
});

const target = fc
  .constantFrom("x", "y", "acc", "prefs", "r", "users")
  .map((n) => ({ ...base, kind: "Name" as const, name: n }));

const stmts = (depth: number, inLoop: boolean): fc.Arbitrary<Stmt[]> => {
  const simple: fc.Arbitrary<Stmt>[] = [
    fc.tuple(target, expr).map(([t, v]): Stmt => ({ ...base, kind: "Assign", target: t, value: v })),
    fc.tuple(target, expr).map(([t, v]): Stmt => ({ ...base, kind: "AugAssign", target: t, op: "+", value: v })),
    fc.tuple(name, expr, expr).map(([o, k, v]): Stmt => ({
      ...base,
      kind: "Assign",
      target: { ...base, kind: "Subscript", object: o, index: k },
      value: v,
    })),
    expr.map((e): Stmt => ({ ...base, kind: "ExprStmt", expr: e })),
    fc.option(expr, { nil: undefined }).map((v): Stmt => ({ ...base, kind: "Return", value: v })),
    fc.constant<Stmt>({ ...base, kind: "Pass" }),
  ];
  if (inLoop)
    simple.push(fc.constant<Stmt>({ ...base, kind: "Break" }), fc.constant<Stmt>({ ...base, kind: "Continue" }));
  const compound: fc.Arbitrary<Stmt>[] =
    depth <= 0
      ? []
      : [
          fc
            .tuple(target, expr, stmts(depth - 1, true))
            .map(([t, it, body]): Stmt => ({ ...base, kind: "For", target: t, iter: it, body, header: span })),
          fc
            .tuple(expr, stmts(depth - 1, inLoop), fc.option(stmts(depth - 1, inLoop), { nil: undefined }))
            .map(([test, body, orelse]): Stmt => ({
              ...base,
              kind: "If",
              test,
              body,
              orelse: orelse ?? [],
              isElif: false,
              header: span,
            })),
        ];
  return fc.array(fc.oneof(...simple, ...compound), { minLength: 1, maxLength: 4 });
};

const program = stmts(3, false).map((body) =>
  print({ ...base, kind: "Module", file: "gen.pw", body, nodeCount: 1 } satisfies Module),
);

const policies = [
  policy(testCatalog),
  policy(testCatalog, {
    maxLoopDepth: 0,
    shape: "tree",
    maxOps: 5,
    budgets: { "*": 3, cost: 4, "effect:email": 1, rank: { min: 1, max: 2 } },
    flows: [
      { to: "pay.recipient", from: ["lookup"] },
      { to: "notify", notFrom: ["read_email", "users"] },
    ],
    order: [{ before: "lookup", then: "pay" }],
    preset: "strict",
  }),
  policy(testCatalog, { shape: "sequence" }),
];

/** Checks `source` under every policy: no throw, no internal error, deterministic. */
function checkAll(source: string): void {
  for (const p of policies) {
    const a = check(source, { catalog: testCatalog, policy: p, file: "gen.pw" });
    const internal = a.diagnostics.filter((d) => d.rule === "internal");
    expect(
      internal.map((d) => d.message),
      source,
    ).toEqual([]);
    const b = check(source, { catalog: testCatalog, policy: p, file: "gen.pw" });
    expect(b).toEqual(a);
    for (const bound of Object.values(a.bounds)) {
      expect(bound.min).toBeGreaterThanOrEqual(0);
      if (bound.max !== null) expect(bound.max).toBeGreaterThanOrEqual(bound.min);
    }
  }
}

function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

describe("checker properties", () => {
  it("generates programs that parse, so the checker's passes really run", () => {
    const samples = fc.sample(program, { numRuns: 100, seed: 42 });
    const parsed = samples.filter((s) => !parse(s, "gen.pw").diagnostics.some((d) => d.rule === "syntax"));
    expect(parsed.length).toBeGreaterThanOrEqual(90);
    const rules = new Set(
      parsed.flatMap((s) =>
        check(s, { catalog: testCatalog, policy: policies[1]!, file: "gen.pw" }).diagnostics.map((d) => d.rule),
      ),
    );
    for (const r of [
      "undefined-name",
      "loop-depth",
      "unused-variable",
      "call-budget",
      "effect-in-loop",
      "unknown-function",
    ]) {
      expect(rules).toContain(r);
    }
  });

  it("never throws or fails internally on generated programs, and is deterministic", () => {
    fc.assert(
      fc.property(program, (source) => {
        checkAll(source);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws or fails internally on mutated sources", () => {
    const seeds = [
      "prefs = {}\nfor u in users:\n    prefs[u] = fetch(u)\nr = summarize(prefs)\nnotify(r)\n",
      "x = [summarize(q) for q in ids if q]\nif x:\n    pay(x[0], len(x))\nelse:\n    return None\n",
    ];
    const mutation = fc.tuple(
      fc.constantFrom(...seeds),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.constantFrom("", "(", ")", ":", "\n", "    ", "for ", "x", "[", "]", ",", "=", "if ", "break\n"),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    );
    fc.assert(
      fc.property(mutation, ([seed, edits]) => {
        let s = seed;
        for (const [at, text] of edits) {
          const i = at % (s.length + 1);
          s = s.slice(0, i) + text + s.slice(i + (text === "" ? 1 : 0));
        }
        checkAll(s);
      }),
      { numRuns: 300 },
    );
  });

  it("does not mutate the AST (deep-frozen module)", () => {
    fc.assert(
      fc.property(program, (source) => {
        const parsed = parse(source, "gen.pw");
        const before = JSON.stringify(parsed.module);
        const module = deepFreeze(parsed.module);
        for (const p of policies) {
          expect(() => analyze(module, testCatalog, p)).not.toThrow();
          const report = checkModule(module, testCatalog, p);
          expect(report.diagnostics.filter((d) => d.rule === "internal")).toEqual([]);
        }
        expect(JSON.stringify(module)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });

  it("computes the same variable facts sparsely as the dense bit-vector analyses", () => {
    fc.assert(
      fc.property(program, (source) => {
        const parsed = parse(source, "gen.pw");
        const f = analyze(parsed.module, testCatalog, policies[0]!);
        expect(f.unsetReads).toEqual(possiblyUnsetReadsDense(f.binding, f.cfg));
        expect(f.deadStores).toEqual(deadStoresDense(f.binding, f.cfg));
        const defs = (xs: readonly { def: number }[]) => [...new Set(xs.map((x) => x.def))].sort((a, b) => a - b);
        expect(defs(f.lastIterationReads)).toEqual(defs(lastIterationReadsDense(f.binding, f.cfg, f.tree)));
      }),
      { numRuns: 300 },
    );
  });
});
