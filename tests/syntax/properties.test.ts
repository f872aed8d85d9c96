/**
 * Property tests: printed ASTs parse back to themselves, and mangled
 * sources never make the parser throw or report an internal error.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Comprehension, Expr, Module, Name, Stmt, Subscript, TupleTarget } from "../../src/syntax/ast.js";
import { parse } from "../../src/syntax/parse.js";
import { print, stripSpans } from "../../src/syntax/printer.js";

// Generated nodes carry no id or span: the comparison strips them anyway.
type Bare<T> = T;
const names = fc.constantFrom("a", "b", "xs", "d", "user_1", "_x", "Item", "printf", "iff", "nota");
const nameNode = names.map((name): Name => ({ kind: "Name", name }) as unknown as Name);
const numberNode = fc.oneof(
  fc.nat({ max: 1_000_000 }).map((n) => ({ kind: "Number", value: n, isFloat: false, raw: String(n) })),
  fc.constantFrom("1.5", "0.25", "1e3", "2.0", "1_000", ".5", "3E-2").map((raw) => ({
    kind: "Number",
    value: Number(raw.replace(/_/g, "")),
    isFloat: /[.eE]/.test(raw),
    raw,
  })),
) as fc.Arbitrary<Expr>;
const stringNode = fc
  .string({ unit: "binary", maxLength: 8 })
  .map((value) => ({ kind: "String", value }) as unknown as Expr);
const leaf = fc.oneof(
  nameNode as fc.Arbitrary<Expr>,
  numberNode,
  stringNode,
  fc.boolean().map((value) => ({ kind: "Bool", value }) as unknown as Expr),
  fc.constant({ kind: "None" } as Expr),
);

const forTarget: fc.Arbitrary<Name | TupleTarget> = fc.oneof(
  { weight: 3, arbitrary: nameNode },
  {
    weight: 1,
    arbitrary: fc
      .array(nameNode, { minLength: 1, maxLength: 3 })
      .map((elements) => ({ kind: "TupleTarget", elements }) as unknown as TupleTarget),
  },
);

function constantKey(e: Expr): string | undefined {
  if (e.kind === "String") return `s${e.value}`;
  if (e.kind === "Number") return `n${e.value}`;
  if (e.kind === "Bool") return `b${e.value}`;
  if (e.kind === "None") return "None";
  return undefined;
}

/** Expressions; f-strings (whose holes are `hole`) only when `hole` is given. */
function exprArb(hole: fc.Arbitrary<Expr> | undefined): fc.Arbitrary<Expr> {
  return fc.letrec<{ e: Expr }>((tie) => {
    const e = tie("e");
    const fstring = fc
      .array(fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 5 }), hole ?? leaf), { maxLength: 4 })
      .map((raw) => {
        const parts: (string | Expr)[] = [];
        for (const p of raw) {
          const last = parts[parts.length - 1];
          if (typeof p === "string" && typeof last === "string") parts[parts.length - 1] = last + p;
          else parts.push(p);
        }
        return { kind: "FString", parts } as unknown as Expr;
      });
    const comp = fc
      .record({ target: forTarget, iter: e, ifs: fc.array(e, { maxLength: 2 }) })
      .map((c) => ({ kind: "Comprehension", ...c }) as unknown as Comprehension);
    const node = fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      ...(hole === undefined ? [] : [fstring]),
      fc.array(e, { maxLength: 3 }).map((elements) => ({ kind: "List", elements }) as unknown as Expr),
      fc.array(e, { maxLength: 3 }).map((elements) => ({ kind: "Tuple", elements }) as unknown as Expr),
      fc.array(fc.record({ key: e, value: e }), { maxLength: 3 }).map((all) => {
        const seen = new Set<string>();
        const entries = all.filter(({ key }) => {
          const k = constantKey(key);
          if (k === undefined) return true;
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
        return { kind: "Dict", entries } as unknown as Expr;
      }),
      fc
        .record({ element: e, generators: fc.array(comp, { minLength: 1, maxLength: 2 }) })
        .map((r) => ({ kind: "ListComp", ...r }) as unknown as Expr),
      fc
        .record({ key: e, value: e, generators: fc.array(comp, { minLength: 1, maxLength: 2 }) })
        .map((r) => ({ kind: "DictComp", ...r }) as unknown as Expr),
      fc
        .record({ op: fc.constantFrom("+", "-", "*", "/", "//", "%"), left: e, right: e })
        .map((r) => ({ kind: "BinOp", ...r }) as unknown as Expr),
      fc
        .record({ op: fc.constantFrom("and", "or"), left: e, right: e })
        .map((r) => ({ kind: "BoolOp", ...r }) as unknown as Expr),
      fc
        .record({ op: fc.constantFrom("-", "+", "not"), operand: e })
        .map((r) => ({ kind: "UnaryOp", ...r }) as unknown as Expr),
      fc
        .record({ op: fc.constantFrom("==", "!=", "<", "<=", ">", ">=", "in", "not in"), left: e, right: e })
        .map((r) => ({ kind: "Compare", ...r }) as unknown as Expr),
      fc.record({ test: e, body: e, orelse: e }).map((r) => ({ kind: "IfExp", ...r }) as unknown as Expr),
      fc
        .record({
          callee: e,
          args: fc.array(e, { maxLength: 3 }),
          keywords: fc.uniqueArray(fc.record({ name: names, value: e }), { maxLength: 2, selector: (k) => k.name }),
        })
        .map((r) => ({ kind: "Call", ...r }) as unknown as Expr),
      fc.record({ object: e, name: names }).map((r) => ({ kind: "Attribute", ...r }) as unknown as Expr),
      fc.record({ object: e, index: e }).map((r) => ({ kind: "Subscript", ...r }) as unknown as Expr),
      fc
        .record({ object: e, lower: fc.option(e, { nil: undefined }), upper: fc.option(e, { nil: undefined }) })
        .map((r) => ({ kind: "Slice", ...r }) as unknown as Expr),
    );
    return { e: node };
  }).e;
}

// F-strings nested three deep, with strings at every level: the printer
// must pick quotes so that no hole reuses the quotes of an f-string around it.
const expr = exprArb(exprArb(exprArb(exprArb(undefined))));
const subscriptTarget = fc
  .record({ object: nameNode, index: expr })
  .map((r) => ({ kind: "Subscript", ...r }) as unknown as Subscript);
const assignTarget: fc.Arbitrary<Name | Subscript | TupleTarget> = fc.oneof(
  nameNode,
  subscriptTarget,
  fc
    .array(fc.oneof(nameNode, subscriptTarget), { minLength: 1, maxLength: 3 })
    .map((elements) => ({ kind: "TupleTarget", elements }) as unknown as TupleTarget),
);

const stmts: fc.Arbitrary<Bare<Stmt>[]> = fc.letrec<{ s: Stmt; body: Stmt[] }>((tie) => {
  const body = tie("body");
  const simple = fc.oneof(
    fc.record({ target: assignTarget, value: expr }).map((r) => ({ kind: "Assign", ...r }) as unknown as Stmt),
    fc
      .record({ target: fc.oneof(nameNode, subscriptTarget), op: fc.constantFrom("+", "-", "*"), value: expr })
      .map((r) => ({ kind: "AugAssign", ...r }) as unknown as Stmt),
    expr.map((e) => ({ kind: "ExprStmt", expr: e }) as unknown as Stmt),
    fc.option(expr, { nil: undefined }).map((value) => ({ kind: "Return", value }) as unknown as Stmt),
    fc.constantFrom<Stmt>({ kind: "Pass" } as Stmt, { kind: "Break" } as Stmt, { kind: "Continue" } as Stmt),
  );
  const ifStmt = (isElif: boolean): fc.Arbitrary<Stmt> =>
    fc
      .record({
        test: expr,
        body,
        orelse: fc.oneof(
          fc.constant<Stmt[]>([]),
          body,
          fc
            .record({ test: expr, body })
            .map((r) => [{ kind: "If", ...r, orelse: [], isElif: true }] as unknown as Stmt[]),
        ),
      })
      .map((r) => ({ kind: "If", ...r, isElif }) as unknown as Stmt);
  const s = fc.oneof(
    { depthSize: "small" },
    simple,
    fc.record({ target: forTarget, iter: expr, body }).map((r) => ({ kind: "For", ...r }) as unknown as Stmt),
    ifStmt(false),
  );
  return { s, body: fc.array(s, { minLength: 1, maxLength: 3 }) };
}).body;

describe("parse(print(ast)) gives back the AST", () => {
  it("for generated modules", () => {
    fc.assert(
      fc.property(stmts, (body) => {
        const module = { kind: "Module", file: "g.pw", body, nodeCount: 0 } as unknown as Module;
        const text = print(module);
        const r = parse(text, "g.pw");
        expect(r.diagnostics.map((d) => d.message)).toEqual([]);
        expect(stripSpans(r.module.body)).toEqual(stripSpans(body));
        expect(print(r.module)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

/** Text with every character that quoting, escaping and holes must handle. */
const trickyText = fc.string({
  unit: fc.constantFrom("a", '"', "'", "{", "}", "\\", "\n", ":", "!", "#", " ", "\u00e9"),
  maxLength: 6,
});

/**
 * F-strings nested up to four deep (Python's four quote kinds): holes hold
 * names, numbers, strings (except in the fourth f-string, where no quote
 * kind is left) and further f-strings, alone or in a list.
 */
function nestedFString(depth: number): fc.Arbitrary<Expr> {
  const atoms: fc.Arbitrary<Expr>[] = [nameNode, numberNode];
  if (depth < 4) {
    atoms.push(trickyText.map((value) => ({ kind: "String", value }) as unknown as Expr));
    atoms.push(nestedFString(depth + 1));
  }
  const atom = fc.oneof(...atoms);
  const hole = fc.oneof(
    atom,
    fc.array(atom, { minLength: 2, maxLength: 3 }).map((elements) => ({ kind: "List", elements }) as unknown as Expr),
  );
  return fc
    .array(
      fc.oneof(
        trickyText.filter((t) => t !== ""),
        hole,
      ),
      { maxLength: 3 },
    )
    .map((raw) => {
      const parts: (string | Expr)[] = [];
      for (const p of raw) {
        const last = parts[parts.length - 1];
        if (typeof p === "string" && typeof last === "string") parts[parts.length - 1] = last + p;
        else parts.push(p);
      }
      return { kind: "FString", parts } as unknown as Expr;
    });
}

describe("parse(print(ast)) gives back nested f-strings", () => {
  it("for f-strings nested up to four deep with quotes, braces and backslashes in their text", () => {
    fc.assert(
      fc.property(nestedFString(1), (e) => {
        const body = [{ kind: "ExprStmt", expr: e }] as unknown as Stmt[];
        const text = print({ kind: "Module", file: "g.pw", body, nodeCount: 0 } as unknown as Module);
        const r = parse(text, "g.pw");
        expect(r.diagnostics.map((d) => d.message)).toEqual([]);
        expect(stripSpans(r.module.body)).toEqual(stripSpans(body));
        expect(print(r.module)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

const fixtureDir = fileURLToPath(new URL("../fixtures/syntax/valid", import.meta.url));
const seeds = readdirSync(fixtureDir)
  .map((f) => readFileSync(`${fixtureDir}/${f}`, "utf8"))
  .filter((s) => s.length > 0);
const noise = fc.constantFrom(
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ":",
  ",",
  "\n",
  "    ",
  "\t",
  '"',
  "'",
  'f"',
  '"""',
  "{x",
  "#",
  "\\",
  "\\\n",
  "while ",
  "is ",
  "not ",
  " in ",
  "def ",
  "lambda ",
  "=",
  "+=",
  "<",
  "**",
  "\0",
  "\uD800",
  "é",
  "\r\n",
  " if ",
  " else ",
  "for ",
  "__x__",
  "1.",
  ".",
  "0x",
  "1j",
  "0_7",
  "\u00a0",
);
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.nat({ max: 12 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: noise }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), len: fc.nat({ max: 30 }) }),
);

function mutate(source: string, ms: readonly { kind: string; at: number; len?: number; text?: string }[]): string {
  let s = source;
  for (const m of ms) {
    const at = s.length === 0 ? 0 : m.at % (s.length + 1);
    if (m.kind === "delete") s = s.slice(0, at) + s.slice(at + (m.len ?? 0));
    else if (m.kind === "insert") s = s.slice(0, at) + (m.text ?? "") + s.slice(at);
    else s = s.slice(0, at) + s.slice(at, at + (m.len ?? 0)) + s.slice(at);
  }
  return s;
}

describe("the parser never throws", () => {
  it("on mutated valid programs", () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, ms) => {
        const source = mutate(seed, ms);
        const r = parse(source, "m.pw");
        expect(r.diagnostics.filter((d) => d.rule === "internal")).toEqual([]);
        for (const d of r.diagnostics) {
          expect(d.span.start.offset).toBeGreaterThanOrEqual(0);
          expect(d.span.end.offset).toBeLessThanOrEqual(source.length);
          expect(d.span.start.offset).toBeLessThanOrEqual(d.span.end.offset);
          expect(d.span.start.line).toBeGreaterThanOrEqual(1);
          expect(d.message).not.toMatch(/-->|Expecting|token of type/);
        }
        expect(r.module.nodeCount).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 400 },
    );
  });

  it("on random text from the language's alphabet", () => {
    fc.assert(
      fc.property(fc.array(noise, { maxLength: 40 }), (pieces) => {
        const r = parse(pieces.join(""));
        expect(r.diagnostics.filter((d) => d.rule === "internal")).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
