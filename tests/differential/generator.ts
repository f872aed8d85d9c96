/**
 * Generates small, terminating, mostly well-typed compositions as source
 * text, for differential testing against CPython.
 *
 * Programs where Python and Partwise legitimately differ are not generated:
 * - booleans used as numbers (`True + 1`, `True == 1`, `[1][True]`): Starlark
 *   rejects them, Python accepts them; bools and numbers are never mixed.
 * - iterating over a string (`for c in s`): Partwise requires `list(s)`.
 * - dict views and iterators: `d.keys()`, `reversed()`, `enumerate()`,
 *   `zip()`, `range()` are lists (or a range) in Partwise and lazy views in
 *   Python, so they only appear under `list()`, `sorted()`, `len()`, `for`.
 * - changing a list or dict while a loop iterates over it (an error in
 *   Partwise, allowed or size-dependent in Python): loops iterate over a
 *   fresh value (a literal, a slice, `sorted(…)`, `list(…)`, `range(…)`).
 * - non-string dict keys (a runtime error in Partwise).
 * - integers beyond 2^53 (doubles in Partwise): the driver discards a case
 *   whose result holds one.
 * - JSON integral floats: a catalog stub's `2.0` argument or result is `2` on
 *   the JS side; the Python stubs mirror that by normalizing across the
 *   boundary.
 * - `sum()` of floats: CPython 3.12+ uses compensated summation; Partwise
 *   adds left to right like 3.11. Float sums are not generated.
 */

/** A deterministic 32-bit PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Ty = "int" | "str" | "bool" | "lint" | "lstr" | "dict";

const VARS: Record<Ty, readonly string[]> = {
  int: ["i0", "i1", "i2"],
  str: ["s0", "s1"],
  bool: ["b0"],
  lint: ["l0", "l1"],
  lstr: ["m0"],
  dict: ["d0", "d1"],
};
const ALPHABET = ["a", "b", "c", "A", " ", ",", "é", "ß", "😀", "'", '"', "\\n", "x y"];

class Gen {
  private readonly r: () => number;
  /** Loop variables in scope, by type. */
  private loopVars: { name: string; ty: Ty }[] = [];
  private loopDepth = 0;
  private counter = 0;
  constructor(seed: number) {
    this.r = rng(seed);
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }

  strLit(): string {
    let s = "";
    const n = this.int(0, 3);
    for (let i = 0; i < n; i++) s += this.pick(ALPHABET);
    // Escape for a single-quoted Python literal ('\\n' is already an escape).
    return "'" + s.replace(/'/g, "\\'").replace(/"/g, '\\"') + "'";
  }

  variable(ty: Ty): string {
    const loops = this.loopVars.filter((v) => v.ty === ty);
    if (loops.length && this.chance(0.5)) return this.pick(loops).name;
    return this.pick(VARS[ty]);
  }

  expr(ty: Ty, d: number): string {
    if (d <= 0 || this.chance(0.3)) return this.leaf(ty);
    return `(${this.compound(ty, d)})`;
  }

  compound(ty: Ty, d: number): string {
    const e = (t: Ty): string => this.expr(t, d - 1);
    switch (ty) {
      case "int":
        return this.pick([
          () => `${e("int")} + ${e("int")}`,
          () => `${e("int")} - ${e("int")}`,
          () => `${e("int")} * ${this.int(-3, 3)}`,
          () => `${e("int")} // ${e("int")}`,
          () => `${e("int")} % ${e("int")}`,
          () => `-${this.leaf("int")}`,
          () => `len(${e(this.pick(["str", "lint", "lstr", "dict"] as const))})`,
          () => `min(${e("int")}, ${e("int")})`,
          () => `max(${e("lint")})`,
          () => `sum(${e("lint")})`,
          () => `${e("lint")}[${this.chance(0.5) ? this.int(-2, 1) : e("int")}]`,
          () => `${e("dict")}[${this.chance(0.6) ? this.pick(["'a'", "'b'"]) : e("str")}]`,
          () => `${e("dict")}.get(${e("str")}, ${e("int")})`,
          () => `abs(${e("int")})`,
          () => `int(${this.float(d - 1)})`,
          () => `round(${this.float(d - 1)})`,
          () => `(${e("int")} if ${e("bool")} else ${e("int")})`,
          () => `double(${e("int")})`,
          () => `int(str(${e("int")}))`,
          () => `rec(${e("str")}).size`,
        ])();
      case "str":
        return this.pick([
          () => `${e("str")} + ${e("str")}`,
          () => `${e("str")} * ${this.int(-1, 3)}`,
          () => `${e("str")}.upper()`,
          () => `${e("str")}.lower()`,
          () => `${e("str")}.strip()`,
          () => `${e("str")}.replace(${this.strLit()}, ${this.strLit()})`,
          () => `${e("str")}[${e("int")}]`,
          () => `${e("str")}[${this.int(-3, 3)}:${this.int(-3, 4)}]`,
          () => `${e("str")}[:${e("int")}]`,
          () => `str(${e(this.pick(["int", "bool", "lint", "lstr", "dict", "str"] as const))})`,
          () => `str(${this.float(d - 1)})`,
          // Python 3.11 allows neither backslashes nor the same quote inside holes.
          () =>
            `f"<{${this.variable("int")}}|{${this.variable("str")} + ${this.variable("str")}}|{${this.variable("lstr")}}>"`,
          () => `${this.strLit()}.join(${e("lstr")})`,
          () => `label(${e("str")})`,
          () => `(${e("str")} if ${e("bool")} else ${e("str")})`,
          () => `${e("lstr")}[${e("int")}]`,
          () => `rec(${e("str")}).name`,
          () => `min(${e("lstr")})`,
        ])();
      case "bool":
        return this.pick([
          () => `${e("int")} < ${e("int")}`,
          () => `${e("int")} == ${e("int")}`,
          () => `${e("int")} != ${e("int")}`,
          () => `${e("str")} <= ${e("str")}`,
          () => `${e("str")} == ${e("str")}`,
          () => `${e("str")} in ${e("str")}`,
          () => `${e("int")} in ${e("lint")}`,
          () => `${e("str")} not in ${e("dict")}`,
          () => `not ${e("bool")}`,
          () => `${e("bool")} and ${e("bool")}`,
          () => `${e("bool")} or ${e("bool")}`,
          () => `bool(${e("lint")})`,
          () => `${e("str")}.startswith(${e("str")})`,
          () => `${e("str")}.endswith(${e("str")})`,
          () => `any(${e("lint")})`,
          () => `all(${e("lstr")})`,
          () => `${e("lint")} == ${e("lint")}`,
          () => `${e("dict")} == ${e("dict")}`,
          () => `${e("lint")} < ${e("lint")}`,
        ])();
      case "lint":
        return this.pick([
          () => `${e("lint")} + ${e("lint")}`,
          () => `${e("lint")} * ${this.int(0, 2)}`,
          () => `${e("lint")}[${this.int(-3, 3)}:]`,
          () => `${e("lint")}[${e("int")}:${e("int")}]`,
          () => `sorted(${e("lint")})`,
          () => `sorted(${e("lint")}, reverse=True)`,
          () => `[${this.comp("x", "int")} * 2 for x in ${e("lint")} if x > ${this.int(-2, 2)}]`,
          () => `list(range(${this.int(-1, 5)}))`,
          () => `list(range(${this.int(-3, 3)}, ${this.int(-3, 6)}, ${this.pick([1, 2, -1, 3])}))`,
          () => `list(reversed(${e("lint")}))`,
          () => `[len(y) for y in ${e("lstr")}]`,
          () => `list(${e("dict")}.values())`,
          () => `nums(${e("int")})`,
          () => `[${e("int")}, ${e("int")}]`,
          () => `[double(z) for z in ${e("lint")}]`,
        ])();
      case "lstr":
        return this.pick([
          () => `${e("str")}.split()`,
          () => `${e("str")}.split(',')`,
          () => `sorted(${e("lstr")})`,
          () => `list(${e("dict")})`,
          () => `sorted(${e("dict")}.keys())`,
          () => `[y.upper() for y in ${e("lstr")}]`,
          () => `list(${e("str")})`,
          () => `${e("lstr")} + [${e("str")}]`,
          () => `[label(y) for y in ${e("lstr")} if y]`,
          () => `[str(k) + v for k, v in list(enumerate(${e("lstr")}))]`,
        ])();
      case "dict":
        return this.pick([
          () => `{y: ${this.int(-3, 3)} for y in ${e("lstr")}}`,
          () => `dict(zip(${e("lstr")}, ${e("lint")}))`,
          () => `{k: v for k, v in ${e("dict")}.items() if v > ${this.int(-2, 2)}}`,
          () => `{'${this.pick(["a", "é", "😀"])}': ${e("int")}, ' ${this.pick(["b", "a", ""])}': ${e("int")}}`,
          () => `dict(${e("dict")})`,
        ])();
    }
  }

  /** A loop variable of a comprehension, read in its element. */
  comp(name: string, _ty: Ty): string {
    return name;
  }

  float(d: number): string {
    const e = (t: Ty): string => this.expr(t, Math.max(0, d - 1));
    return this.pick([
      () => `${e("int")} / ${e("int")}`,
      () => `float(${e("int")})`,
      () => `${e("int")} / ${this.pick([2, 4, 3, 10, -8])}`,
      () => `round(${e("int")} / ${this.pick([3, 7, 4])}, ${this.int(0, 3)})`,
      () => `${e("int")} / ${this.pick([2, 4])} // ${this.pick([1, 2])}`,
      () => `${e("int")} % ${this.pick([2.5, 0.5, -1.5])}`,
      () => `float(${this.pick(["'1.5'", "'-0'", "' 2e3 '", "'1_0.25'", "'x'"])})`,
    ])();
  }

  litList(): string {
    return `[${Array.from({ length: this.int(0, 4) }, () => this.int(-4, 9)).join(", ")}]`;
  }

  leaf(ty: Ty): string {
    if (this.chance(0.6)) return this.variable(ty);
    switch (ty) {
      case "int":
        return String(this.int(0, 9));
      case "str":
        return this.strLit();
      case "bool":
        return this.pick(["True", "False"]);
      case "lint":
        return `[${Array.from({ length: this.int(0, 4) }, () => this.int(-4, 9)).join(", ")}]`;
      case "lstr":
        return `[${Array.from({ length: this.int(0, 3) }, () => this.strLit()).join(", ")}]`;
      case "dict":
        return `{${Array.from({ length: this.int(0, 3) }, (_, i) => `'${"kab"[i] ?? "z"}': ${this.int(-2, 5)}`).join(", ")}}`;
    }
  }

  stmt(indent: string, budget: { n: number }): string[] {
    budget.n--;
    const ty = this.pick(["int", "int", "str", "bool", "lint", "lstr", "dict"] as const);
    const r = this.r();
    if (r < 0.3) return [`${indent}${this.pick(VARS[ty])} = ${this.expr(ty, 3)}`];
    if (r < 0.38) return [`${indent}${this.pick(VARS.lint)}.append(${this.expr("int", 2)})`];
    if (r < 0.44) return [`${indent}${this.pick(VARS.dict)}[${this.expr("str", 1)}] = ${this.expr("int", 2)}`];
    if (r < 0.48) return [`${indent}${this.pick(VARS.dict)}[${this.expr("str", 1)}] += ${this.expr("int", 1)}`];
    if (r < 0.53) return [`${indent}${this.pick(VARS.int)} += ${this.expr("int", 2)}`];
    if (r < 0.56) return [`${indent}${this.pick(VARS.str)} += ${this.expr("str", 1)}`];
    if (r < 0.6) return [`${indent}${this.pick(VARS.lint)} += ${this.expr("lint", 1)}`];
    if (r < 0.62) return [`${indent}${this.pick(VARS.lint)}[${this.expr("int", 1)}] = ${this.expr("int", 1)}`];
    if (r < 0.65) return [`${indent}i0, i1 = i1, ${this.expr("int", 1)}`];
    if (r < 0.72)
      return [`${indent}print(${this.expr(this.pick(["int", "str", "lint", "dict", "bool"] as const), 2)})`];
    if (r < 0.74) return [`${indent}print(${this.float(1)}, ${this.expr("str", 1)})`];
    if (r < 0.86 && this.loopDepth < 2) return this.forLoop(indent, budget);
    if (r < 0.95) return this.ifStmt(indent, budget);
    if (this.loopDepth > 0)
      return [`${indent}if ${this.expr("bool", 1)}:`, `${indent}    ${this.pick(["break", "continue"])}`];
    return [`${indent}pass`];
  }

  block(indent: string, budget: { n: number }): string[] {
    const out: string[] = [];
    const n = this.int(1, 3);
    for (let i = 0; i < n && budget.n > 0; i++) out.push(...this.stmt(indent, budget));
    return out.length ? out : [`${indent}pass`];
  }

  forLoop(indent: string, budget: { n: number }): string[] {
    const name = `x${this.counter++}`;
    const kind = this.pick(["lint", "lstr", "dict", "items"] as const);
    let header: string;
    let vars: { name: string; ty: Ty }[];
    if (kind === "lint") {
      // Loops run over a fresh value of at most 4 items, so programs stay small.
      header = `for ${name} in ${this.pick([`sorted(${this.expr("lint", 1)})[:4]`, `list(range(${this.int(0, 4)}))`, `${this.variable("lint")}[:4]`, this.litList()])}:`;
      vars = [{ name, ty: "int" }];
    } else if (kind === "lstr") {
      header = `for ${name} in ${this.pick([`list(${this.variable("lstr")})[:4]`, `${this.expr("str", 1)}.split()[:4]`, `[${this.strLit()}, ${this.strLit()}]`])}:`;
      vars = [{ name, ty: "str" }];
    } else if (kind === "dict") {
      header = `for ${name} in sorted(${this.variable("dict")})[:4]:`;
      vars = [{ name, ty: "str" }];
    } else {
      header = `for ${name}, ${name}v in list(${this.variable("dict")}.items())[:4]:`;
      vars = [
        { name, ty: "str" },
        { name: `${name}v`, ty: "int" },
      ];
    }
    const saved = this.loopVars;
    this.loopVars = [...saved, ...vars];
    this.loopDepth++;
    const body = this.block(indent + "    ", budget);
    this.loopDepth--;
    this.loopVars = saved;
    return [`${indent}${header}`, ...body];
  }

  ifStmt(indent: string, budget: { n: number }): string[] {
    const out = [`${indent}if ${this.expr("bool", 2)}:`, ...this.block(indent + "    ", budget)];
    if (this.chance(0.3)) out.push(`${indent}elif ${this.expr("bool", 1)}:`, ...this.block(indent + "    ", budget));
    if (this.chance(0.5)) out.push(`${indent}else:`, ...this.block(indent + "    ", budget));
    return out;
  }

  program(): string {
    const lines = [
      `i0 = ${this.int(-5, 9)}`,
      `i1 = ${this.int(-5, 9)}`,
      `i2 = ${this.int(1, 9)}`,
      `s0 = ${this.strLit()}`,
      `s1 = 'a,b c'`,
      `b0 = ${this.pick(["True", "False"])}`,
      `l0 = [${this.int(-3, 3)}, ${this.int(0, 5)}]`,
      `l1 = []`,
      `m0 = ['b', 'a', 'c']`,
      `d0 = {'a': 1, 'b': ${this.int(-3, 3)}}`,
      `d1 = {}`,
    ];
    const budget = { n: this.int(2, 9) };
    while (budget.n > 0) lines.push(...this.stmt("", budget));
    lines.push("return [i0, i1, i2, s0, s1, b0, l0, l1, m0, d0, d1]");
    return lines.join("\n") + "\n";
  }
}

/** The program for one seed. */
export function generateProgram(seed: number): string {
  return new Gen(seed).program();
}

/** JS stubs of the pure catalog functions (the Python driver has the same). */
export const STUB_HANDLERS: Readonly<Record<string, (...args: unknown[]) => unknown>> = {
  double(x) {
    if (typeof x !== "number") throw new Error("double wants a number");
    return x * 2;
  },
  label(s) {
    if (typeof s !== "string") throw new Error("label wants a string");
    return `<${s}>`;
  },
  nums(n) {
    if (typeof n !== "number" || n % 1 !== 0) throw new Error("nums wants an int");
    return Array.from({ length: Math.max(0, Math.min(n, 5)) }, (_, i) => i);
  },
  rec(s) {
    if (typeof s !== "string") throw new Error("rec wants a string");
    return { name: s + "!", size: s.length > 0 ? 1 : 0 };
  },
};

/** Parameter names of the stubs, for keyword placement. */
export const STUB_PARAMS: Readonly<Record<string, readonly string[]>> = {
  double: ["x"],
  label: ["s"],
  nums: ["n"],
  rec: ["s"],
};
