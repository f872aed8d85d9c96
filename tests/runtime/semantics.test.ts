/**
 * Runtime semantics as data: source → returned value (as JSON), printed
 * text, or error kind and line. Each limit is tested at n and n + 1.
 */
import { describe, expect, it } from "vitest";
import { infoOf, runSource } from "../helpers/node-eval.js";

type Case =
  | { src: string; ok: unknown; steps?: number }
  | { src: string; err: string; line: number; msg?: RegExp; steps?: number }
  | { src: string; print: string[]; steps?: number };

/** `return <expr>` shorthand: [expression, expected JSON result]. */
const values: [string, unknown][] = [
  // arithmetic: Python's int/float rules
  ["7 // 2", 3],
  ["-7 // 2", -4],
  ["7 // -2", -4],
  ["-7 // -2", 3],
  ["7 % 3", 1],
  ["-7 % 3", 2],
  ["7 % -3", -2],
  ["-7 % -3", -1],
  ["7.5 // 2", 3],
  ["-7.5 % 2", 0.5],
  ["1 / 4", 0.25],
  ["2 + 3 * 4 - 1", 13],
  ["(2 + 3) * 4", 20],
  ["-(3)", -3],
  ["+3", 3],
  ["0.1 + 0.2", 0.30000000000000004],
  ["1 == 1.0", true],
  ["True == 1", false],
  ["None == None", true],
  ["[1, [2, 'a']] == [1, [2, 'a']]", true],
  ["[1] == (1,)", false],
  ["(1, 2) == (1, 2)", true],
  ["{'a': 1, 'b': 2} == {'b': 2, 'a': 1}", true],
  ["{'a': 1} != {'a': 2}", true],
  ["[1, 2] < [1, 3]", true],
  ["[1, 2] < [1, 2, 0]", true],
  ["(2,) > (1, 5)", true],
  ["'abc' < 'abd'", true],
  ["'Z' < 'a'", true],
  ["False < True", true],
  ["1 < 1.5", true],
  ["3 >= 3", true],
  // truthiness
  [
    "[bool(0), bool(0.0), bool(''), bool([]), bool({}), bool(None), bool(()), bool(range(0))]",
    [false, false, false, false, false, false, false, false],
  ],
  ["[bool(1), bool(-0.5), bool('a'), bool([0]), bool({'a': 0}), bool((0,))]", [true, true, true, true, true, true]],
  ["[] or 'x'", "x"],
  ["0 and 1", 0],
  ["'a' and 'b'", "b"],
  ["None or 0", 0],
  ["not []", true],
  ["1 if [] else 2", 2],
  // in
  ["'b' in 'abc'", true],
  ["'' in 'abc'", true],
  ["2 in [1, 2]", true],
  ["2.0 in [1, 2]", true],
  ["'a' in {'a': 1}", true],
  ["1 in {'a': 1}", false],
  ["3 not in [1, 2]", true],
  ["4 in range(0, 10, 2)", true],
  ["5 in range(0, 10, 2)", false],
  // indices and slices
  ["[1, 2, 3][-1]", 3],
  ["[1, 2, 3][-3]", 1],
  ["'abc'[1]", "b"],
  ["'abc'[-1]", "c"],
  ["[1, 2, 3, 4][1:3]", [2, 3]],
  ["[1, 2, 3][:-1]", [1, 2]],
  ["[1, 2, 3][-2:]", [2, 3]],
  ["[1, 2, 3][5:]", []],
  ["[1, 2, 3][-10:10]", [1, 2, 3]],
  ["[1, 2, 3][2:1]", []],
  ["'hello'[1:-1]", "ell"],
  ["'hello'[10:]", ""],
  ["(1, 2, 3)[1:]", [2, 3]],
  ["list(range(10)[2:5])", [2, 3, 4]],
  ["'a😀b'[1]", "😀"],
  ["len('a😀b')", 3],
  ["'a😀b'[2:]", "b"],
  // str() and f-strings
  ["str(2.0)", "2.0"],
  ["str(2)", "2"],
  ["str(1/2)", "0.5"],
  ["str(4/2)", "2.0"],
  ["str(1e16)", "1e+16"],
  ["str(1e15)", "1000000000000000.0"],
  ["str(0.0001)", "0.0001"],
  ["str(0.00001)", "1e-05"],
  ["str(1.5e-7)", "1.5e-07"],
  ["str(-0.0)", "-0.0"],
  ["str(float('inf'))", "inf"],
  ["str(float('-inf'))", "-inf"],
  ["str(float('nan'))", "nan"],
  ["str(True)", "True"],
  ["str(None)", "None"],
  ["str([1, 'a', None, True, 2.5])", "[1, 'a', None, True, 2.5]"],
  ["str((1,))", "(1,)"],
  ["str(())", "()"],
  ["str({'a': [1, (2, 3)]})", "{'a': [1, (2, 3)]}"],
  ['str(["it\'s"])', '["it\'s"]'],
  ["str(['a\\nb', 'q\"'])", "['a\\nb', 'q\"']"],
  ["str(['\\u00e9', '\\u0001', '\\u00a0'])", "['é', '\\x01', '\\xa0']"],
  ["str(range(3))", "range(0, 3)"],
  ["str(range(1, 9, 2))", "range(1, 9, 2)"],
  ["f'{1}+{2.0}={1 + 2.0}'", "1+2.0=3.0"],
  ["f'{[1, \"a\"]} {None} {True}'", "[1, 'a'] None True"],
  ["f'x{\"y\"}z'", "xyz"],
  ["f''", ""],
  // int / float / round
  ["int(3.9)", 3],
  ["int(-3.9)", -3],
  ["int(' 42 ')", 42],
  ["int('-1_000')", -1000],
  ["int('ff', 16)", 255],
  ["int(True)", 1],
  ["float('1.5')", 1.5],
  ["str(float(3))", "3.0"],
  ["str(float(' -2_0.5e1 '))", "-205.0"],
  ["round(2.5)", 2],
  ["round(3.5)", 4],
  ["round(-2.5)", -2],
  ["round(0.5)", 0],
  ["round(2.675, 2)", 2.67],
  ["round(0.125, 2)", 0.12],
  ["round(0.375, 2)", 0.38],
  ["str(round(2.0, 1))", "2.0"],
  ["round(1250, -2)", 1200],
  ["round(1350, -2)", 1400],
  ["abs(-3)", 3],
  ["str(abs(-3.0))", "3.0"],
  // builtins
  ["len([1, 2])", 2],
  ["len({'a': 1})", 1],
  ["len(range(0, 10, 3))", 4],
  ["list(range(5))", [0, 1, 2, 3, 4]],
  ["list(range(5, 0, -2))", [5, 3, 1]],
  ["list('ab')", ["a", "b"]],
  ["list({'x': 1, 'y': 2})", ["x", "y"]],
  ["min(3, 1, 2)", 1],
  ["max([3, 1, 2])", 3],
  ["str(max(1, 1.0))", "1"],
  ["min('b', 'a')", "a"],
  ["sum([1, 2, 3])", 6],
  ["sum([1, 2], 10)", 13],
  ["str(sum([0.5, 0.5]))", "1.0"],
  ["sum([[1], [2]], [])", [1, 2]],
  ["sorted([3, 1, 2])", [1, 2, 3]],
  ["sorted([3, 1, 2], reverse=True)", [3, 2, 1]],
  ["sorted(['b', 'a', 'C'])", ["C", "a", "b"]],
  [
    "sorted([[2, 'a'], [1, 'b'], [2, 'A']])",
    [
      [1, "b"],
      [2, "A"],
      [2, "a"],
    ],
  ],
  ["sorted({'b': 1, 'a': 2})", ["a", "b"]],
  ["reversed([1, 2, 3])", [3, 2, 1]],
  [
    "enumerate(['a', 'b'])",
    [
      [0, "a"],
      [1, "b"],
    ],
  ],
  ["enumerate(['a'], 1)", [[1, "a"]]],
  [
    "zip([1, 2, 3], 'ab' .split('a'))",
    [
      [1, ""],
      [2, "b"],
    ],
  ],
  [
    "zip([1, 2], [3, 4])",
    [
      [1, 3],
      [2, 4],
    ],
  ],
  ["any([0, '', 1])", true],
  ["all([])", true],
  ["all([1, 0])", false],
  ["dict([('a', 1), ['b', 2]])", { a: 1, b: 2 }],
  ["dict(a=1, b=2)", { a: 1, b: 2 }],
  ["dict({'a': 1})", { a: 1 }],
  ["str(dict())", "{}"],
  // string methods
  ["'-'.join(['a', 'b'])", "a-b"],
  ["'AbC'.lower()", "abc"],
  ["'AbC'.upper()", "ABC"],
  ["'ß'.upper()", "SS"],
  ["'  a b \\n'.strip()", "a b"],
  ["'xxaxx'.strip('x')", "a"],
  ["' a  b\\tc '.split()", ["a", "b", "c"]],
  ["'a,b,,c'.split(',')", ["a", "b", "", "c"]],
  ["'a b c'.split(' ', 1)", ["a", "b c"]],
  ["'  a b  c '.split(None, 1)", ["a", "b  c "]],
  ["'a b c'.split(maxsplit=1)", ["a", "b c"]],
  ["''.split()", []],
  ["'abc'.startswith('ab')", true],
  ["'abc'.endswith(('x', 'bc'))", true],
  ["'abc'.endswith('')", true],
  ["'aaa'.replace('a', 'b')", "bbb"],
  ["'aaa'.replace('a', 'b', 2)", "bba"],
  ["'ab'.replace('', '-')", "-a-b-"],
  // dict methods and records
  ["{'a': 1}.get('a')", 1],
  ["{'a': 1}.get('b')", null],
  ["{'a': 1}.get('b', 5)", 5],
  ["{'a': 1, 'b': 2}.keys()", ["a", "b"]],
  ["{'a': 1, 'b': 2}.values()", [1, 2]],
  [
    "{'a': 1, 'b': 2}.items()",
    [
      ["a", 1],
      ["b", 2],
    ],
  ],
  ["{'x': 3}.x", 3],
  // hostile keys are ordinary keys, in insertion order
  [
    "{'__proto__': 1, 'constructor': 2, 'toString': 3, 'hasOwnProperty': 4}",
    { ["__proto__"]: 1, constructor: 2, toString: 3, hasOwnProperty: 4 },
  ],
  ["list({'b': 1, '2': 2, '1': 3})", ["b", "2", "1"]],
  ["{'__proto__': 1}['__proto__']", 1],
  ["'constructor' in {}", false],
  ["{}.get('toString')", null],
  // comprehensions
  ["[x * 2 for x in [1, 2, 3] if x != 2]", [2, 6]],
  [
    "[(x, y) for x in [1, 2] for y in 'ab'.split('a') if y]",
    [
      [1, "b"],
      [2, "b"],
    ],
  ],
  ["{k: v for k, v in [('a', 1), ('b', 2)]}", { a: 1, b: 2 }],
  ["[x for x in range(3)]", [0, 1, 2]],
  ["[[y for y in range(x)] for x in range(3)]", [[], [0], [0, 1]]],
  // operators on sequences
  ["[1] + [2]", [1, 2]],
  ["(1,) + (2,)", [1, 2]],
  ["'ab' * 2", "abab"],
  ["3 * [0]", [0, 0, 0]],
  ["[1] * 0", []],
  ["'a' * -1", ""],
];

const cases: Case[] = [
  ...values.map(([e, v]): Case => ({ src: `return ${e}\n`, ok: v })),
  // statements
  { src: "x = 1\nx += 2\nx -= 1\nx *= 5\nreturn x\n", ok: 10 },
  { src: "a, b = 1, 2\na, b = b, a\nreturn [a, b]\n", ok: [2, 1] },
  { src: "(a, (b, c)) = [1, (2, 3)]\nreturn [a, b, c]\n", ok: [1, 2, 3] },
  { src: "xs = [1]\nys = xs\nxs += [2]\nreturn ys\n", ok: [1, 2] },
  { src: "xs = [1, 2]\nxs *= 2\nreturn xs\n", ok: [1, 2, 1, 2] },
  { src: "d = {'a': [1]}\nd['a'] += [2]\nd['b'] = 0\nd['b'] += 5\nreturn d\n", ok: { a: [1, 2], b: 5 } },
  { src: "xs = [0, 0]\nxs[-1] = 5\nreturn xs\n", ok: [0, 5] },
  {
    src: "t = 0\nfor i in range(10):\n    if i == 5:\n        break\n    if i % 2:\n        continue\n    t += i\nreturn t\n",
    ok: 6,
  },
  { src: "for k, v in {'a': 1}.items():\n    r = k + str(v)\nreturn r\n", ok: "a1" },
  { src: "out = []\nfor i, c in enumerate(['x', 'y']):\n    out.append(f'{i}{c}')\nreturn out\n", ok: ["0x", "1y"] },
  { src: "if 0:\n    r = 1\nelif []:\n    r = 2\nelse:\n    r = 3\nreturn r\n", ok: 3 },
  { src: "x = 1\n", ok: null },
  { src: "pass\nreturn\n", ok: null },
  { src: "xs = [1, 2]\nxs.extend(xs)\nreturn xs\n", ok: [1, 2, 1, 2] },
  { src: "xs = []\nxs.append(xs == [])\nreturn xs\n", ok: [true] },
  { src: "x = [i for i in range(3)]\ni = 7\nreturn [x, i]\n", ok: [[0, 1, 2], 7] },
  { src: "x = 5\ny = [x for x in range(2)]\nreturn x\n", ok: 5 },
  {
    src: "d = {}\nd['a'] = 1\nd['b'] = 2\nd['a'] = 3\nreturn list(d.items())\n",
    ok: [
      ["a", 3],
      ["b", 2],
    ],
  },
  // print
  { src: "print('a', 1, [2.0], None)\n", print: ["a 1 [2.0] None"] },
  { src: "print('a', 'b', sep='-')\nprint()\n", print: ["a-b", ""] },
  { src: "print(f'{\"x\"}')\n", print: ["x"] },
  // runtime errors name their kind and line
  { src: "x = 1\ny = x / 0\n", err: "runtime", line: 2, msg: /division by zero/ },
  { src: "x = 1\ny = x // 0\n", err: "runtime", line: 2 },
  { src: "x = 1\ny = x % 0.0\n", err: "runtime", line: 2 },
  { src: "d = {}\nreturn d['k']\n", err: "runtime", line: 2, msg: /'k'/ },
  { src: "xs = [1]\nreturn xs[1]\n", err: "runtime", line: 2, msg: /index out of range/ },
  { src: "xs = [1]\nreturn xs[-2]\n", err: "runtime", line: 2 },
  { src: "xs = [1]\nxs[1] = 0\n", err: "runtime", line: 2 },
  { src: "return 'abc'[3]\n", err: "runtime", line: 1 },
  { src: "\nreturn True + 1\n", err: "runtime", line: 2, msg: /unsupported operand/ },
  { src: "return -True\n", err: "runtime", line: 1 },
  { src: "return 1 + 'a'\n", err: "runtime", line: 1, msg: /unsupported operand/ },
  { src: "return [1] + (2,)\n", err: "runtime", line: 1 },
  { src: "return 1 < 'a'\n", err: "runtime", line: 1, msg: /not supported/ },
  { src: "return [1] < ['a']\n", err: "runtime", line: 1 },
  { src: "return {} < {}\n", err: "runtime", line: 1 },
  { src: "return None < 1\n", err: "runtime", line: 1 },
  { src: "return True < 2\n", err: "runtime", line: 1 },
  { src: "return sorted([1, 'a'])\n", err: "runtime", line: 1 },
  { src: "for c in 'abc':\n    pass\n", err: "runtime", line: 1, msg: /list\(s\)/ },
  { src: "x = [c for c in 'ab']\n", err: "runtime", line: 1, msg: /list\(s\)/ },
  { src: "a, b = 'ab'\n", err: "runtime", line: 1 },
  { src: "a, b = [1, 2, 3]\n", err: "runtime", line: 1, msg: /too many/ },
  { src: "a, b = [1]\n", err: "runtime", line: 1, msg: /not enough/ },
  { src: "for x in 5:\n    pass\n", err: "runtime", line: 1, msg: /not iterable/ },
  { src: "xs = [1, 2]\nfor x in xs:\n    xs.append(x)\n", err: "runtime", line: 3, msg: /while a loop iterates/ },
  { src: "d = {'a': 1}\nfor k in d:\n    d['b'] = 2\n", err: "runtime", line: 3 },
  { src: "d = {'a': 1}\nfor k in d:\n    d[k] = 2\n", err: "runtime", line: 3 },
  { src: "xs = [1]\nfor x in xs:\n    xs[0] = 2\n", err: "runtime", line: 3 },
  { src: "xs = [1]\nfor x in xs:\n    xs += [2]\n", err: "runtime", line: 3 },
  { src: "xs = [1]\nys = [xs.append(2) for x in xs]\n", err: "runtime", line: 2 },
  { src: "xs = [1]\nfor x in xs:\n    pass\nxs.append(2)\nreturn xs\n", ok: [1, 2] },
  { src: "d = {'a': 1}\nfor k in d.keys():\n    d['b'] = 2\nreturn d\n", ok: { a: 1, b: 2 } },
  { src: "d = {}\nd[1] = 2\n", err: "runtime", line: 2, msg: /strings/ },
  { src: "return {1: 2}\n", err: "runtime", line: 1, msg: /strings/ },
  { src: "return {'a': 1}.b\n", err: "runtime", line: 1, msg: /'b'/ },
  { src: "return [1].x\n", err: "runtime", line: 1 },
  { src: "return [1].upper()\n", err: "runtime", line: 1, msg: /no attribute 'upper'/ },
  { src: "return (1, 2).append(3)\n", err: "runtime", line: 1 },
  { src: "t = (1, 2)\nt[0] = 5\n", err: "runtime", line: 2 },
  { src: "return int('1.5')\n", err: "runtime", line: 1 },
  { src: "return float('x')\n", err: "runtime", line: 1 },
  { src: "return range(1.5)\n", err: "runtime", line: 1 },
  { src: "return range(1, 2, 0)\n", err: "runtime", line: 1 },
  { src: "return [1][1.0]\n", err: "runtime", line: 1 },
  { src: "return [1, 2][True]\n", err: "runtime", line: 1 },
  { src: "return max([])\n", err: "runtime", line: 1 },
  { src: "return len(5)\n", err: "runtime", line: 1 },
  { src: "return len([1], [2])\n", err: "runtime", line: 1 },
  { src: "return 'a'.split('')\n", err: "runtime", line: 1 },
  { src: "return ','.join([1])\n", err: "runtime", line: 1 },
  { src: "return 1 in 'abc'\n", err: "runtime", line: 1 },
  { src: "return sum(['a'], '')\n", err: "runtime", line: 1 },
  { src: "return round(float('inf'))\n", err: "runtime", line: 1 },
  { src: "return float('inf')\n", err: "runtime", line: 1, msg: /JSON/ },
  { src: "if True:\n    y = 1\nelse:\n    z = 1\nreturn z\n", err: "runtime", line: 5, msg: /'z' is not defined/ },
  { src: "for i in []:\n    q = 1\nreturn q\n", err: "runtime", line: 3 },
  { src: "return undefined_thing\n", err: "runtime", line: 1 },
  { src: "return nosuchfn(1)\n", err: "runtime", line: 1, msg: /unknown function/ },
  { src: "len = 3\nreturn len([1])\n", err: "runtime", line: 2, msg: /variable/ },
  { src: "x = [\n    1,\n    [][0],\n]\n", err: "runtime", line: 3 },
  { src: "xs = []\nfor i in range(3):\n    xs.append(xs)\nreturn xs\n", err: "runtime", line: 4 },
  // step budget: one step per loop iteration and per call, limit at n and n + 1
  { src: "for i in range(3):\n    pass\n", ok: null, steps: 4 },
  { src: "for i in range(3):\n    pass\n", err: "steps", line: 1, steps: 3 },
  { src: "x = len([1])\ny = 'a'.upper()\n", ok: null, steps: 2 },
  { src: "x = len([1])\ny = 'a'.upper()\n", err: "steps", line: 2, steps: 1 },
  { src: "x = [i for i in range(2)]\n", ok: null, steps: 3 },
  { src: "x = [i for i in range(2)]\n", err: "steps", line: 1, steps: 2 },
  { src: "for i in range(100000000):\n    pass\n", err: "steps", line: 1, steps: 1000 },
  // nesting depth limit of str()/==/JSON: 1000 levels at n and n + 1
  { src: "x = 0\nfor i in range(1000):\n    x = [x]\nreturn len(str(x))\n", ok: 2001 },
  { src: "x = 0\nfor i in range(1001):\n    x = [x]\nreturn len(str(x))\n", err: "runtime", line: 4, msg: /nested/ },
];

describe("runtime semantics (node:vm)", () => {
  it.each(cases.map((c) => [c.src, c] as const))("%s", async (_src, c) => {
    const out = await runSource(c.src, { maxSteps: c.steps ?? 0, info: infoOf({}, []) });
    if ("ok" in c) {
      expect(out.error).toBeUndefined();
      expect(out.result).toEqual(c.ok);
    } else if ("err" in c) {
      expect(out.error, JSON.stringify(out.result)).toBeDefined();
      expect({ kind: out.error?.kind, line: out.error?.line }).toEqual({ kind: c.err, line: c.line });
      if (c.msg) expect(out.error?.message).toMatch(c.msg);
    } else {
      expect(out.error).toBeUndefined();
      expect(out.prints.map((p) => p.text)).toEqual(c.print);
    }
  });

  it("keeps hostile keys as ordinary keys in insertion order, in and out", async () => {
    const out = await runSource("d = data\nd['toString'] = 1\nreturn [list(d), d['__proto__'], d.constructor]\n", {
      info: infoOf({}, ["data"]),
      inputsJson: '{"data": {"b": 0, "__proto__": {"x": 1}, "constructor": 2, "7": 3}}',
    });
    expect(out.error).toBeUndefined();
    expect(out.result).toEqual([["b", "__proto__", "constructor", "7", "toString"], { x: 1 }, 2]);
  });

  it("reports a missing input with kind input", async () => {
    const out = await runSource("x = 1\nreturn users\n", { info: infoOf({}, ["users"]) });
    expect(out.error).toEqual({ kind: "input", message: "input 'users' was not provided", line: 2 });
  });
});
