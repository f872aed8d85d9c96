import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Expr, Module, Node, Stmt } from "../../src/syntax/ast.js";
import { decodeSource, parse, parseBytes } from "../../src/syntax/parse.js";
import { printExpr, stripSpans } from "../../src/syntax/printer.js";
import { forEachChild } from "../../src/syntax/visit.js";
import { PartwiseParser } from "../../src/syntax/grammar.js";

function ok(source: string): Module {
  const r = parse(source, "t.pw");
  expect(r.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.message}`)).toEqual([]);
  return r.module;
}

function stmt(source: string): Stmt {
  return ok(source).body[0]!;
}

function expr(source: string): Expr {
  const s = stmt(`${source}\n`);
  if (s.kind !== "ExprStmt") throw new Error(`not an expression statement: ${s.kind}`);
  return s.expr;
}

/** A compact s-expression of an expression's shape, for precedence tests. */
function shape(e: Expr): string {
  switch (e.kind) {
    case "BinOp":
    case "BoolOp":
    case "Compare":
      return `(${e.op} ${shape(e.left)} ${shape(e.right)})`;
    case "UnaryOp":
      return `(${e.op} ${shape(e.operand)})`;
    case "IfExp":
      return `(if ${shape(e.test)} ${shape(e.body)} ${shape(e.orelse)})`;
    case "Name":
    case "Number":
    case "String":
    case "FString":
    case "Bool":
    case "None":
    case "List":
    case "Tuple":
    case "Dict":
    case "ListComp":
    case "DictComp":
    case "Call":
    case "Attribute":
    case "Subscript":
    case "Slice":
      return printExpr(e);
  }
}

function messages(source: string): string[] {
  return parse(source).diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.rule}: ${d.message}`);
}

describe("precedence", () => {
  it.each([
    ["a + b * c", "(+ a (* b c))"],
    ["a * b + c", "(+ (* a b) c)"],
    ["a - b - c", "(- (- a b) c)"],
    ["a // b % c * d", "(* (% (// a b) c) d)"],
    ["-a * b", "(* (- a) b)"],
    ["-a + -b", "(+ (- a) (- b))"],
    ["- - a", "(- (- a))"],
    ["a * -b", "(* a (- b))"],
    ["not a == b", "(not (== a b))"],
    ["not a and b", "(and (not a) b)"],
    ["a or b and c", "(or a (and b c))"],
    ["a and not b or c", "(or (and a (not b)) c)"],
    ["a in b and c not in d", "(and (in a b) (not in c d))"],
    ["a + b < c * d", "(< (+ a b) (* c d))"],
    ["a if b else c if d else e", "(if b a (if d c e))"],
    ["a or b if c or d else e", "(if (or c d) (or a b) e)"],
    ["not not a", "(not (not a))"],
    ["(a < b) == c", "(== (< a b) c)"],
    ["f(x).y[0] + 1", "(+ f(x).y[0] 1)"],
  ])("%s", (source, expected) => {
    expect(shape(expr(source))).toBe(expected);
  });

  it("rejects a chained comparison with a message that says so", () => {
    expect(messages("a < b < c\n")).toEqual(["1:7 syntax: comparisons cannot be chained"]);
  });
});

describe("AST shapes", () => {
  it("slices without and with bounds", () => {
    const e = expr("xs[1:] + xs[:2] + xs[:] + xs[a:b]");
    const slices: string[] = [];
    const walk = (n: Node): void => {
      if (n.kind === "Slice")
        slices.push(`${n.lower ? printExpr(n.lower) : "_"}:${n.upper ? printExpr(n.upper) : "_"}`);
      forEachChild(n, walk);
    };
    walk(e);
    expect(slices).toEqual(["1:_", "_:2", "_:_", "a:b"]);
  });

  it("keyword arguments and method calls", () => {
    const e = expr('s.join(xs, sep=", ", n=1)');
    expect(e.kind).toBe("Call");
    if (e.kind !== "Call") return;
    expect(e.callee.kind).toBe("Attribute");
    expect(e.args.map(printExpr)).toEqual(["xs"]);
    expect(e.keywords.map((k) => `${k.name}=${printExpr(k.value)}`)).toEqual(['sep=", "', "n=1"]);
    expect(e.keywords[0]!.nameSpan.start.column).toBe(12);
  });

  it("elif chains nest in orelse with isElif", () => {
    const s = stmt("if a:\n    x = 1\nelif b:\n    x = 2\nelif c:\n    x = 3\nelse:\n    x = 4\n");
    if (s.kind !== "If") throw new Error("not an if");
    expect(s.isElif).toBe(false);
    const e1 = s.orelse[0]!;
    if (e1.kind !== "If") throw new Error("not an elif");
    expect(e1.isElif).toBe(true);
    expect(printExpr(e1.test)).toBe("b");
    const e2 = e1.orelse[0]!;
    if (e2.kind !== "If") throw new Error("not an elif");
    expect(e2.isElif).toBe(true);
    expect(e2.orelse.map((x) => x.kind)).toEqual(["Assign"]);
    expect(e1.header.start.line).toBe(3);
    expect(e1.span.end.line).toBe(8);
  });

  it("tuple targets in assignments and for loops", () => {
    const a = stmt("a, (b, c) = x\n");
    expect(stripSpans(a)).toMatchObject({
      kind: "Assign",
      target: {
        kind: "TupleTarget",
        elements: [
          { kind: "Name", name: "a" },
          { kind: "TupleTarget", elements: [{ name: "b" }, { name: "c" }] },
        ],
      },
    });
    const f = stmt("for k, v in d.items():\n    pass\n");
    expect(stripSpans(f)).toMatchObject({ kind: "For", target: { kind: "TupleTarget" } });
  });

  it("augmented assignment on names and items", () => {
    expect(stripSpans(stmt("d[k] += 1\n"))).toMatchObject({
      kind: "AugAssign",
      op: "+",
      target: { kind: "Subscript" },
    });
    expect(stripSpans(stmt("x *= 2\n"))).toMatchObject({ kind: "AugAssign", op: "*", target: { kind: "Name" } });
  });

  it("tuples: empty, one element, trailing comma, bare", () => {
    expect(stripSpans(expr("()"))).toEqual({ kind: "Tuple", elements: [] });
    expect(stripSpans(expr("(1,)"))).toMatchObject({ kind: "Tuple", elements: [{ value: 1 }] });
    expect(stripSpans(expr("(1)"))).toMatchObject({ kind: "Number", value: 1 });
    expect(stripSpans(stmt("return 1, 2\n"))).toMatchObject({ kind: "Return", value: { kind: "Tuple" } });
  });

  it("f-string holes are expressions; escaped braces are text", () => {
    const e = expr("f\"a{x + 1}b{{c}}{d['k']}\"");
    expect(stripSpans(e)).toEqual({
      kind: "FString",
      parts: [
        "a",
        {
          kind: "BinOp",
          op: "+",
          left: { kind: "Name", name: "x" },
          right: { kind: "Number", value: 1, isFloat: false, raw: "1" },
        },
        "b{c}",
        { kind: "Subscript", object: { kind: "Name", name: "d" }, index: { kind: "String", value: "k" } },
      ],
    });
    if (e.kind !== "FString") return;
    const hole = e.parts[1] as Expr;
    expect([hole.span.start.column, hole.span.end.column]).toEqual([5, 10]);
  });

  it("decodes string escapes and keeps number spelling", () => {
    expect(stripSpans(expr('"\\n\\t\\r\\\\\\\'\\"\\u00e9"'))).toEqual({ kind: "String", value: "\n\t\r\\'\"é" });
    expect(stripSpans(expr("1_000.5e1"))).toEqual({ kind: "Number", value: 10005, isFloat: true, raw: "1_000.5e1" });
    expect(stripSpans(expr('"""a\r\nb"""'))).toEqual({ kind: "String", value: "a\nb" });
  });

  it("comprehensions with several clauses, and dict comprehensions", () => {
    const e = expr("[x for xs in xss if xs for x in xs if x if x > 1]");
    if (e.kind !== "ListComp") throw new Error(e.kind);
    expect(e.generators.map((g) => g.ifs.length)).toEqual([1, 2]);
    expect(stripSpans(expr("{k: v for k, v in d.items()}"))).toMatchObject({ kind: "DictComp" });
  });
});

describe("spans", () => {
  const src = "x = 1\nfor u in users:\n    y = f(u)\nif a:\n    pass\nelse:\n    z = 2\n";
  const m = ok(src);

  it("statements span their text; For/If headers end at the colon", () => {
    const [assign, loop, cond] = m.body;
    expect([assign!.span.start, assign!.span.end]).toEqual([
      { offset: 0, line: 1, column: 1 },
      { offset: 5, line: 1, column: 6 },
    ]);
    if (loop?.kind !== "For" || cond?.kind !== "If") throw new Error("shape");
    expect(src.slice(loop.header.start.offset, loop.header.end.offset)).toBe("for u in users:");
    expect(src.slice(loop.span.start.offset, loop.span.end.offset)).toBe("for u in users:\n    y = f(u)");
    expect(src.slice(cond.header.start.offset, cond.header.end.offset)).toBe("if a:");
    expect(cond.span.end).toEqual({ offset: src.length - 1, line: 7, column: 10 });
    expect(loop.header.file).toBe("t.pw");
  });

  it("every node's span is well-formed and inside its parent's", () => {
    const check = (n: Node, parent: Node | undefined): void => {
      expect(n.span.start.offset).toBeLessThanOrEqual(n.span.end.offset);
      expect(src.slice(0, n.span.start.offset).split("\n").length).toBe(n.span.start.line);
      if (parent !== undefined) {
        expect(n.span.start.offset).toBeGreaterThanOrEqual(parent.span.start.offset);
        expect(n.span.end.offset).toBeLessThanOrEqual(parent.span.end.offset);
      }
      forEachChild(n, (c) => check(c, n));
    };
    check(m, undefined);
  });
});

describe("ids and purity", () => {
  const src = "a = [x * 2 for x in xs if x]\nfor k, v in d.items():\n    r[k] = f(v, n=-1) if v else None\n";

  it("ids are dense, unique and in source order (pre-order)", () => {
    const { module } = parse(src);
    const seen: number[] = [];
    let lastStart = -1;
    const walk = (n: Node): void => {
      seen.push(n.id);
      expect(n.span.start.offset).toBeGreaterThanOrEqual(lastStart);
      lastStart = n.span.start.offset;
      forEachChild(n, walk);
    };
    walk(module);
    expect(seen).toEqual(Array.from({ length: module.nodeCount }, (_, i) => i));
  });

  it("parse neither mutates nor shares: two parses are equal and separate", () => {
    const a = parse(src);
    const frozen = JSON.stringify(a.module);
    const b = parse(src);
    expect(JSON.stringify(a.module)).toBe(frozen);
    expect(b.module).toEqual(a.module);
    expect(b.module.body[0]).not.toBe(a.module.body[0]);
    // An error in between leaves no state behind.
    expect(parse("for x in\n").diagnostics.length).toBeGreaterThan(0);
    expect(parse(src).module).toEqual(a.module);
  });
});

describe("forbidden constructs", () => {
  it.each([
    ["while x:\n    pass\n", "`while` loops", "use `for x in …`"],
    ["def f():\n    pass\n", "functions cannot be defined", "subtask in the catalog"],
    ["import os\n", "`import` is not needed", "call the function directly"],
    ["x = a is b\n", "`is` is not allowed", "use `==`"],
    ["x = a is not b\n", "`is not` is not allowed", "use `!=`"],
    ["f = lambda: 1\n", "`lambda` is not allowed", "inline"],
    ["del x\n", "`del` is not allowed", "new dict"],
  ])("%j says what to write instead", (source, message, help) => {
    const [d] = parse(source).diagnostics;
    expect(d?.rule).toBe("forbidden-construct");
    expect(d?.code).toBe("PW1002");
    expect(d?.message).toContain(message);
    expect(d?.help).toContain(help);
  });

  it("underlines exactly the keyword", () => {
    const [d] = parse("y = 1\nx = a is  not b\n").diagnostics;
    expect([d!.span.start.line, d!.span.start.column, d!.span.end.column]).toEqual([2, 7, 14]);
  });
});

describe("hostile input never crashes", () => {
  it.each([
    ["10,000 nested brackets", "x = " + "(".repeat(10_000) + "1" + ")".repeat(10_000) + "\n", "nesting too deep"],
    ["10,000 unclosed brackets", "[".repeat(10_000), "nesting too deep"],
    ["10,000 minus signs", "x = " + "-".repeat(10_000) + "1\n", "nesting too deep"],
    ["10,000 nots", "x = " + "not ".repeat(10_000) + "1\n", "nesting too deep"],
    ["a long conditional chain", "x = " + "a if b else ".repeat(5_000) + "c\n", "nesting too deep"],
    [
      "300 indentation levels",
      Array.from({ length: 300 }, (_, i) => " ".repeat(i) + "if x:\n").join(""),
      "nesting too deep",
    ],
    ["a NUL byte", "x = 1\0\n", "NUL"],
    ["a lone surrogate", "y = \uDC00\n", "surrogate"],
  ])("%s", (_name, source, message) => {
    const r = parse(source);
    expect(r.diagnostics[0]?.rule).toBe("syntax");
    expect(r.diagnostics[0]?.message).toContain(message);
  });

  it("a file of only indentation, or only a BOM, parses cleanly", () => {
    expect(parse("    \n\t\n        \n   ").diagnostics).toEqual([]);
    expect(parse("\uFEFFx = 1\n").diagnostics).toEqual([]);
  });

  it("CRLF and lone CR line endings", () => {
    const m = ok("for x in xs:\r\n    y = x\r\nz = 1\r");
    expect(m.body.map((s) => [s.kind, s.span.start.line])).toEqual([
      ["For", 1],
      ["Assign", 3],
    ]);
  });

  it("a 2 MB file parses", () => {
    const chunk = 'for u in users:\n    prefs[u] = ask_preference(u, key="x") + [a for a in b if a > 1]\n';
    const big = chunk.repeat(Math.ceil(2_000_000 / chunk.length));
    const r = parse(big);
    expect(r.diagnostics).toEqual([]);
    expect(r.module.body.length).toBe(Math.ceil(2_000_000 / chunk.length));
  });

  it("operator and attribute chains: 1,000 parse, 1,001 is a syntax error at the 1,001st", () => {
    const terms = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`).join(" + ");
    expect(parse("x = " + terms(1_001) + "\n").diagnostics).toEqual([]);
    expect(parse("x = a" + ".b".repeat(1_000) + "\n").diagnostics).toEqual([]);
    const tooLong = parse("x = " + terms(1_002) + "\n").diagnostics;
    expect(tooLong.map((d) => [d.rule, d.span.start.line, d.span.start.column])).toEqual([
      ["syntax", 1, 5 + terms(1_001).length + 1],
    ]);
    expect(tooLong[0]?.message).toContain("expression too long");
    expect(parse("x = a" + ".b".repeat(1_001) + "\n").diagnostics[0]?.message).toContain("expression too long");
  });

  it("a 100,000-term chain is one syntax error, not a stack overflow in a later pass", () => {
    const r = parse("x = " + "1 + ".repeat(100_000) + "1\n");
    expect(r.diagnostics.map((d) => d.rule)).toEqual(["syntax"]);
  });
});

describe("decodeSource", () => {
  it("passes valid UTF-8 through", () => {
    const r = decodeSource(new TextEncoder().encode('x = "café"\n'));
    expect(r).toEqual({ text: 'x = "café"\n', diagnostics: [] });
  });

  it("reports invalid UTF-8 at its line and column", () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode("x = 1\ny = '"), 0xff, 0xfe, 0x27, 0x0a]);
    const r = decodeSource(bytes, "f.pw");
    expect(r.text).toBe("x = 1\ny = '\uFFFD'\n");
    expect(r.diagnostics.map((d) => [d.rule, d.span.start.line, d.span.start.column, d.message])).toEqual([
      ["syntax", 2, 6, "invalid UTF-8 (bytes FF FE)"],
    ]);
  });

  it("parseBytes reports invalid UTF-8 once, not also as a stray character", () => {
    const bytes = Uint8Array.from([0x78, 0x20, 0x3d, 0x20, 0xc3, 0x0a]);
    const r = parseBytes(bytes);
    expect(r.diagnostics.map((d) => d.message)).toEqual(["invalid UTF-8 (bytes C3)"]);
  });
});

describe("grammar", () => {
  it("passes chevrotain's grammar validations (skipped at run time for start-up speed)", () => {
    expect(() => new PartwiseParser(true)).not.toThrow();
  });
});

/**
 * Which sources CPython compiles (warnings ignored), in one `python3`
 * process; undefined when no Python 3.11 or later is on the PATH.
 */
function cpythonAccepts(sources: readonly string[]): boolean[] | undefined {
  const script = [
    "import json, sys, warnings",
    "warnings.simplefilter('ignore')",
    "if sys.version_info < (3, 11): print('null'); sys.exit(0)",
    "def ok(s):",
    "    try: compile(s, 't.py', 'exec'); return True",
    "    except SyntaxError: return False",
    "print(json.dumps([ok(s) for s in json.load(sys.stdin)]))",
  ].join("\n");
  const r = spawnSync("python3", ["-c", script], { input: JSON.stringify(sources), encoding: "utf8" });
  if (r.status !== 0) return undefined;
  return (JSON.parse(r.stdout) as boolean[] | null) ?? undefined;
}

describe("a number followed directly by a name (CPython's `invalid decimal literal`)", () => {
  const MSG = "a number cannot be followed directly by a letter or `_`";
  it.each([
    [
      "x = 1.upper()\n",
      [1, 5, 12],
      `invalid decimal literal \`1.upper\`: ${MSG}`,
      "`1.` is the float `1.0`; to use an attribute or method of a number, put the number in parentheses: `(1).upper`",
    ],
    [
      "y = 2\nx = 1_000.x\n",
      [2, 5, 12],
      `invalid decimal literal \`1_000.x\`: ${MSG}`,
      "`1_000.` is the float `1000.0`; to use an attribute or method of a number, put the number in parentheses: `(1_000).x`",
    ],
    [
      'x = f"a{1.upper()}"\n',
      [1, 9, 16],
      `invalid decimal literal \`1.upper\`: ${MSG}`,
      "`1.` is the float `1.0`; to use an attribute or method of a number, put the number in parentheses: `(1).upper`",
    ],
    [
      "x = 2x\n",
      [1, 5, 7],
      `invalid decimal literal \`2x\`: ${MSG}`,
      "put an operator between the number and the name, e.g. `2 * x`",
    ],
    [
      "x = 1.5abc\n",
      [1, 5, 11],
      `invalid decimal literal \`1.5abc\`: ${MSG}`,
      "put an operator between the number and the name, e.g. `1.5 * abc`",
    ],
    [
      "x = 1e + 1\n",
      [1, 5, 7],
      `invalid decimal literal \`1e\`: ${MSG}`,
      "an exponent needs digits after the `e`, e.g. `1e3` or `2.5e-3`",
    ],
    [
      "x = 1._5\n",
      [1, 5, 9],
      `invalid decimal literal \`1._5\`: ${MSG}`,
      "`_` can only stand between two digits, e.g. `1_000`",
    ],
    [
      "x = 1iffy\n",
      [1, 5, 10],
      `invalid decimal literal \`1iffy\`: ${MSG}`,
      "put an operator between the number and the name, e.g. `1 * iffy`",
    ],
    [
      'x = 1f"a"\n',
      [1, 5, 7],
      "invalid decimal literal `1f`: a number cannot be followed directly by an f-string",
      "put an operator between them, e.g. `+`",
    ],
    [
      "x = 0x1F.y\n",
      [1, 5, 9],
      "hexadecimal literals are not part of the language: `0x1F`",
      "write the number in decimal: `31`",
    ],
    [
      "x = 0o1_7\n",
      [1, 5, 10],
      "octal literals are not part of the language: `0o1_7`",
      "write the number in decimal: `15`",
    ],
    [
      "x = 0b101\n",
      [1, 5, 10],
      "binary literals are not part of the language: `0b101`",
      "write the number in decimal: `5`",
    ],
    [
      "x = 0xZ\n",
      [1, 5, 8],
      "hexadecimal literals are not part of the language: `0xZ`",
      "write the number in decimal digits",
    ],
    ["x = 1.5j\n", [1, 5, 9], "imaginary numbers are not part of the language: `1.5j`", "use an int or a float"],
    [
      "x = 0_07\n",
      [1, 5, 9],
      "leading zeros are not allowed in an integer: `0_07`",
      "write `7` (the language has no octal numbers)",
    ],
  ] as const)("%j", (source, [line, column, endColumn], message, help) => {
    const ds = parse(source).diagnostics;
    expect(ds.map((d) => [d.rule, d.code, d.span.start.line, d.span.start.column, d.span.end.column])).toEqual([
      ["syntax", "PW1001", line, column, endColumn],
    ]);
    expect(ds[0]?.message).toBe(message);
    expect(ds[0]?.help).toBe(help);
  });

  const accepted = [
    "x = 1 .upper()\n",
    "x = (1).upper()\n",
    "x = 1.5.real\n",
    "x = 1..real\n",
    "x = 1e3.real\n",
    "x = 1.e3.real\n",
    "x = .5.real\n",
    "x = 1if y else 2\n",
    "x = 1.if y else 2\n",
    "x = 1.5e3if y else 2\n",
    "x = [1for y in z]\n",
    "x = 1in y\n",
    "x = 1not in y\n",
    "x = 1and y\n",
    "x = 1or y\n",
    "x = 00 + 0_0 + 000\n",
    "x = 01.5 + 01e3 + 01.\n",
  ];

  it.each(accepted)("accepts %j, as CPython 3.11 does", (source) => {
    expect(messages(source)).toEqual([]);
  });

  const rejected = [
    "x = 1.upper()\n",
    "x = 1_000.x\n",
    "x = 1.5.upper()x\n",
    "x = 2x\n",
    "x = 1e\n",
    "x = 1e+ 5\n",
    "x = 1_\n",
    "x = 1__0\n",
    "x = 1._5\n",
    "x = 1.e\n",
    "x = 1.True\n",
    "x = 1.None\n",
    "x = 1iffy\n",
    "x = 01\n",
    "x = 0_1\n",
    "x = 1.5_\n",
    'x = 1f"a"\n',
    'x = f"{1.upper()}"\n',
    "x = 1.x if y else 2\n",
  ];

  it.each(rejected)("rejects %j with one syntax error", (source) => {
    expect(parse(source).diagnostics.map((d) => d.rule)).toEqual(["syntax"]);
  });

  const python = cpythonAccepts([...accepted, ...rejected]);
  it.skipIf(python === undefined)("agrees with CPython (3.11 or later) on every case above", () => {
    expect(python).toEqual([...accepted.map(() => true), ...rejected.map(() => false)]);
  });

  it("the printer keeps a number in parentheses before `.`", () => {
    for (const source of ["x = (1).upper()\n", "x = 1 .upper()\n", "x = (1.5).real\n", "x = (1.).real\n"]) {
      const e = stmt(source);
      if (e.kind !== "Assign") throw new Error(e.kind);
      const printed = printExpr(e.value);
      expect(printed).toMatch(/^\(1\.?5?\)\./);
      expect(messages(`y = ${printed}\n`)).toEqual([]);
    }
  });

  it("the printer writes a hand-built number's `raw` only when the parser accepts it", () => {
    const num = (value: number, isFloat: boolean, raw: string) => ({ kind: "Number", value, isFloat, raw }) as Expr;
    expect(printExpr(num(7, false, "007"))).toBe("7");
    expect(printExpr(num(2, false, "2x"))).toBe("2");
    expect(printExpr(num(2, true, "2"))).toBe("2.0");
    expect(printExpr(num(1000, false, "1_000"))).toBe("1_000");
  });
});

describe("f-strings nested in holes print with quotes that parse back", () => {
  it.each([
    // [source, printed]
    [`f"{'a'}"`, `f"{'a'}"`],
    [`f'{"a"}'`, `f"{'a'}"`],
    [`f"{f'{x}'}"`, `f"{f'{x}'}"`],
    [`f"""{f'{"a"}'}"""`, `f"{f'''{'a'}'''}"`],
    [`f"""{f"{'a'}" + f'{"b"}'}"""`, `f"{f'''{'a'}''' + f'''{'b'}'''}"`],
    [`f"""{f'''{f"{'a'}"}'''}"""`, `f"""{f"{f'''{'a'}'''}"}"""`],
    [`f"""{f'''{f"{f'{x}'}"}'''}"""`, `f"""{f"{f'''{f'{x}'}'''}"}"""`],
    [`f"{'''it's'''}"`, `f"{'''it's'''}"`],
    [`f"{'it\\'s'}"`, `f"{'''it's'''}"`],
    [`f"""{'''a'b'''}"""`, `f"{'''a'b'''}"`],
    [`f"""{'a"b'}"""`, `f"{'a\\"b'}"`],
    [`f"""{f'''{"x"}'''} "q" """`, `f"{f'''{'x'}'''} \\"q\\" "`],
    [`f"{f'''{'a'}''' + 'b'}"`, `f"{f'''{'a'}''' + 'b'}"`],
    [`f"""{[f"{'a'}" for s in xs if f'{"b"}']}"""`, `f"{[f'''{'a'}''' for s in xs if f'''{'b'}''']}"`],
    [`f"{ {'k': f'{x}'} }"`, `f"{ {'k': f'{x}'} }"`],
  ])("%s", (source, printed) => {
    const e = expr(source);
    const text = printExpr(e);
    expect(text).toBe(printed);
    expect(stripSpans(expr(text))).toEqual(stripSpans(e));
  });

  it("a string inside four nested f-strings is rejected by the parser, as by CPython 3.11", () => {
    const source = `x = f"""{f'''{f"{f'{"a"}'}"}'''}"""\n`;
    expect(parse(source).diagnostics.map((d) => d.rule)).toContain("syntax");
  });

  it("an AST nested deeper than the four quote kinds allow throws a clear error", () => {
    const str = { kind: "String", value: "a" } as unknown as Expr;
    const nest = (e: Expr, depth: number): Expr =>
      depth === 0 ? e : nest({ kind: "FString", parts: [e] } as unknown as Expr, depth - 1);
    expect(printExpr(nest({ kind: "Name", name: "x" } as unknown as Expr, 4))).toBe(`f"""{f"{f'''{f'{x}'}'''}"}"""`);
    const message = /cannot print f-strings nested this deep with strings inside/;
    expect(() => printExpr(nest(str, 4))).toThrow(message);
    expect(() => printExpr(nest({ kind: "Name", name: "x" } as unknown as Expr, 5))).toThrow(message);
  });

  const printed = [
    `f"{'a'}"`,
    `f"{f'''{'a'}''' + f'''{'b'}'''}"`,
    `f"""{f"{f'''{'a'}'''}"}"""`,
    `f"""{f"{f'''{f'{x}'}'''}"}"""`,
    `f"{'''it's'''}"`,
    `f"{[f'''{'a'}''' for s in xs if f'''{'b'}''']}"`,
  ];
  const python = cpythonAccepts(printed.map((p) => `x = ${p}\n`));
  it.skipIf(python === undefined)("what the printer writes without backslashes in holes is valid Python 3.11", () => {
    expect(python).toEqual(printed.map(() => true));
  });
});
