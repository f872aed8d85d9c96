import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { Type } from "../../src/catalog/types.js";
import { MAX_PROBLEMS } from "../../src/catalog/load-problem.js";
import { catalogError, fn, input, problemRows, tsCatalog, usageError } from "./helpers.js";

const S: Type = { kind: "string" };
const N: Type = { kind: "number" };
const B: Type = { kind: "boolean" };
const NULL: Type = { kind: "null" };
const ANY: Type = { kind: "any" };
const list = (element: Type): Type => ({ kind: "list", element });
const dict = (value: Type): Type => ({ kind: "dict", value });
const lit = (value: string | number | boolean): Type => ({ kind: "literal", value });

/** The type of parameter `x` of `f` declared as `TYPE`. */
function paramType(type: string, prelude = ""): Type {
  const c = tsCatalog(`${prelude}\nexport declare function f(x: ${type}): string;\n`);
  const p = fn(c, "f").params[0];
  if (p === undefined) throw new Error("no param");
  return p.type;
}

describe("type mapping", () => {
  test.each<[string, Type]>([
    ["string", S],
    ["number", N],
    ["boolean", B],
    ["null", NULL],
    ["undefined", NULL],
    ["unknown", ANY],
    ["any", ANY],
    ["string[]", list(S)],
    ["readonly number[]", list(N)],
    ["Array<boolean>", list(B)],
    ["ReadonlyArray<string>", list(S)],
    ["string[][]", list(list(S))],
    ["Record<string, number>", dict(N)],
    ["Record<string, string[]>", dict(list(S))],
    ["{ [key: string]: boolean }", dict(B)],
    ['"a" | "b"', { kind: "union", types: [lit("a"), lit("b")] }],
    ["1 | -2 | true", { kind: "union", types: [lit(1), lit(-2), lit(true)] }],
    ["string | null", { kind: "union", types: [S, NULL] }],
    ["string | undefined", { kind: "union", types: [S, NULL] }],
    ["string | null | undefined", { kind: "union", types: [S, NULL] }],
    ["(string | number)[]", list({ kind: "union", types: [S, N] })],
    ["string | any", ANY],
    [
      "{ a: string; b?: number }",
      { kind: "record", fields: { a: { type: S, optional: false }, b: { type: N, optional: true } } },
    ],
  ])("%s", (text, expected) => {
    expect(paramType(text)).toEqual(expected);
  });

  test("an interface is a record with its name; optional and readonly fields", () => {
    const t = paramType("Booking", "interface Booking { readonly restaurant: string; code?: string }");
    expect(t).toEqual({
      kind: "record",
      name: "Booking",
      fields: { restaurant: { type: S, optional: false }, code: { type: S, optional: true } },
    });
  });

  test("an object type alias is a record with its name; other aliases are their type", () => {
    expect(paramType("P", "type P = { x: number };")).toEqual({
      kind: "record",
      name: "P",
      fields: { x: { type: N, optional: false } },
    });
    expect(paramType("Cuisine", 'type Cuisine = "thai" | "roman";')).toEqual({
      kind: "union",
      types: [lit("thai"), lit("roman")],
    });
    expect(paramType("Ids", "type Id = string; type Ids = Id[];")).toEqual(list(S));
  });

  test("interfaces extend others and merge declarations", () => {
    const t = paramType(
      "C",
      "interface A { a: string }\ninterface C extends A { c: number }\ninterface C { d: boolean }",
    );
    expect(t).toEqual({
      kind: "record",
      name: "C",
      fields: { a: { type: S, optional: false }, c: { type: N, optional: false }, d: { type: B, optional: false } },
    });
  });

  test("a named type used twice is read once (same object)", () => {
    const c = tsCatalog("interface R { a: string }\nexport declare function f(x: R, y: R): R;\n");
    const f = fn(c, "f");
    expect(f.params[0]?.type).toBe(f.params[1]?.type);
    expect(f.returns).toBe(f.params[0]?.type);
  });

  test("Promise<T> is unwrapped in the result; void and undefined results are null", () => {
    const c = tsCatalog(
      "export async function a(): Promise<string[]> { return []; }\n" +
        "export async function b(): Promise<void> {}\n" +
        "export declare function c(): undefined;\n",
    );
    expect(fn(c, "a").returns).toEqual(list(S));
    expect(fn(c, "b").returns).toEqual(NULL);
    expect(fn(c, "c").returns).toEqual(NULL);
  });

  test("optional parameters: `?` and defaults (type inferred from a literal default)", () => {
    const c = tsCatalog('export function f(a: string, b?: number, c = "x", d = 3, e = true): string { return a; }\n');
    expect(fn(c, "f").params).toEqual([
      { name: "a", type: S, optional: false },
      { name: "b", type: N, optional: true },
      { name: "c", type: S, optional: true },
      { name: "d", type: N, optional: true },
      { name: "e", type: B, optional: true },
    ]);
  });
});

describe("unsupported types: error with file, line and the type", () => {
  const ALLOWED = "use string, number, boolean, null, arrays, Record<string, T>, interfaces, literal unions";
  test.each<[string, string, number, string]>([
    [
      "export function f(x: Map<string, number>): string { return ''; }",
      "/virtual/catalog.ts",
      1,
      `parameter \`x\` of \`f\` has type \`Map<string, number>\`, which a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "\n\nexport declare function f(x: Date[]): string;",
      "/virtual/catalog.ts",
      3,
      `parameter \`x\` of \`f\` has type \`Date[]\`, and \`Date\` in it is a type a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "export declare function f(): Set<string>;",
      "/virtual/catalog.ts",
      1,
      `the result of \`f\` has type \`Set<string>\`, which a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "export declare function f(x: [string, number]): string;",
      "/virtual/catalog.ts",
      1,
      `parameter \`x\` of \`f\` has type \`[string, number]\`, which a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "export declare function f(x: A & B): string;",
      "/virtual/catalog.ts",
      1,
      `parameter \`x\` of \`f\` has type \`A & B\`, which a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "export declare function f(x: (a: string) => void): string;",
      "/virtual/catalog.ts",
      1,
      `parameter \`x\` of \`f\` has type \`(a: string) => void\`, which a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "export declare function f(x: bigint): string;",
      "/virtual/catalog.ts",
      1,
      `parameter \`x\` of \`f\` has type \`bigint\`, which a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "export declare function f(x: object): string;",
      "/virtual/catalog.ts",
      1,
      `parameter \`x\` of \`f\` has type \`object\`, which a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "export declare function f(x: Promise<string>): string;",
      "/virtual/catalog.ts",
      1,
      `parameter \`x\` of \`f\` has type \`Promise<string>\`, which a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "export declare function f(x: Record<number, string>): string;",
      "/virtual/catalog.ts",
      1,
      "parameter `x` of `f` has type `Record<number, string>`: a `Record` key must be `string`",
    ],
    [
      "export declare function f(x: Unknown): string;",
      "/virtual/catalog.ts",
      1,
      `parameter \`x\` of \`f\` has type \`Unknown\`, which a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "interface Event {\n  name: string;\n  when: Date;\n}\nexport declare function f(e: Event): string;",
      "/virtual/catalog.ts",
      3,
      `field \`when\` of \`Event\` has type \`Date\`, which a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "export declare const when: Date;",
      "/virtual/catalog.ts",
      1,
      `input \`when\` has type \`Date\`, which a catalog cannot use; ${ALLOWED}`,
    ],
    [
      "interface Box<T> { v: T }\nexport declare function f(b: Box<string>): string;",
      "/virtual/catalog.ts",
      2,
      "parameter `b` of `f` has type `Box<string>`: `Box` is generic; a catalog type takes no type arguments",
    ],
    [
      "interface Tree { kids: Tree[] }\nexport declare function f(t: Tree): string;",
      "/virtual/catalog.ts",
      1,
      "type `Tree` refers to itself; a catalog type cannot be recursive",
    ],
    [
      "interface M { run(): void }\nexport declare function f(m: M): string;",
      "/virtual/catalog.ts",
      1,
      "`M` has member `run(): void`, which a catalog cannot use",
    ],
  ])("%s", (source, file, line, message) => {
    const err = usageError(() => tsCatalog(source));
    expect(err.message).toBe(message);
    expect(err.file).toBe(file);
    expect(err.line).toBe(line);
  });

  test("format() prints file:line: message", () => {
    const err = usageError(() => tsCatalog("\nexport function f(x: Map<string, number>): string { return ''; }"));
    expect(err.format()).toBe(
      "/virtual/catalog.ts:2: parameter `x` of `f` has type `Map<string, number>`, which a catalog cannot use; use string, number, boolean, null, arrays, Record<string, T>, interfaces, literal unions",
    );
  });
});

describe("declarations", () => {
  test("exported functions with and without bodies; helpers are not exported", () => {
    const c = tsCatalog(
      "function helper(): number { return 1; }\n" +
        "export function a(): number { return helper(); }\n" +
        "export declare function b(): number;\n" +
        "export const c = async (x: string): Promise<string> => x;\n" +
        "export default function d(): number { return 1; }\n",
    );
    expect([...c.functions.keys()]).toEqual(["a", "b", "c"]);
    expect(fn(c, "a").hasHandler).toBe(true);
    expect(fn(c, "b").hasHandler).toBe(false);
    expect(fn(c, "c").hasHandler).toBe(true);
    expect(fn(c, "c").params).toEqual([{ name: "x", type: S, optional: false }]);
    expect(fn(c, "a").location).toEqual({ file: "/virtual/catalog.ts", line: 2 });
  });

  test("export lists of local declarations, with renaming", () => {
    const c = tsCatalog(
      "function a(): number { return 1; }\nconst limit: number = 3;\ninterface T { x: string }\nexport { a as alpha, limit, T };\n",
    );
    expect([...c.functions.keys()]).toEqual(["alpha"]);
    expect([...c.inputs.keys()]).toEqual(["limit"]);
  });

  test("exported consts are inputs; `export const` with a value too", () => {
    const c = tsCatalog(
      "/** Everyone coming. @maxItems 20 */\nexport declare const users: string[];\nexport const limit: number = 3;\nexport const title = 'dinner';\n",
    );
    expect(input(c, "users")).toEqual({
      name: "users",
      type: list(S),
      maxItems: 20,
      minItems: undefined,
      doc: "Everyone coming.",
      location: { file: "/virtual/catalog.ts", line: 2 },
    });
    expect(input(c, "limit").type).toEqual(N);
    expect(input(c, "title").type).toEqual(S);
  });

  test("in a .d.ts only declarations with `export` count, none has a handler", () => {
    const c = tsCatalog(
      "declare function hidden(): string;\ndeclare const secret: string;\n" +
        "export function shown(x: string): string[];\nexport declare const users: string[];\n",
      "/virtual/catalog.d.ts",
    );
    expect([...c.functions.keys()]).toEqual(["shown"]);
    expect(fn(c, "shown").hasHandler).toBe(false);
    expect([...c.inputs.keys()]).toEqual(["users"]);
  });

  test(".mts catalogs are TypeScript", () => {
    const c = tsCatalog("export declare function f(): string;\n", "/virtual/catalog.mts");
    expect(c.format).toBe("typescript");
    expect([...c.functions.keys()]).toEqual(["f"]);
  });

  test.each<[string, number, string]>([
    [
      "export declare function f(): string;\nexport declare const f: string;",
      2,
      "`f` is declared more than once in the catalog (first at line 1)",
    ],
    [
      "export function f(x: string): string;\nexport function f(x: number): string;\nexport function f(x: unknown): string { return ''; }",
      2,
      "function `f` is overloaded; a catalog function has one signature",
    ],
    ["export declare function f(x);", 1, "parameter `x` of `f` has no type annotation"],
    ["export function f(x: string) { return x; }", 1, "function `f` has no return type"],
    [
      "export declare function f(...xs: string[]): string;",
      1,
      "rest parameter `...xs` of `f` cannot be a catalog parameter",
    ],
    [
      "export declare function f({ a }: { a: string }): string;",
      1,
      "a destructured parameter of `f` (`{ a }`) cannot be a catalog parameter",
    ],
    ["export declare const x;", 1, "input `x` has no type annotation"],
    ["export class K {}", 1, "exported `K` is a class, which a catalog cannot use"],
    ["export enum E { A }", 1, "exported `E` is an enum, which a catalog cannot use"],
    ["export { x } from './other';", 1, "re-exports from `'./other'` are not read"],
    ["export declare function __init__(): string;", 1, "catalog name `__init__` is reserved (`__name__`)"],
    ["export declare function $f(): string;", 1, "catalog name `$f` is not a name a composition can write"],
    ["export declare const lambda: string;", 1, "catalog name `lambda` is a keyword of the language"],
    ["export function f(: string {", 1, "the catalog does not parse as TypeScript: Parameter declaration expected."],
  ])("%s", (source, line, message) => {
    const err = usageError(() => tsCatalog(source));
    expect([err.line, err.message]).toEqual([line, message]);
  });
});

describe("JSDoc tags", () => {
  test("doc text, @param, @effect, @irreversible, @maxItems, @minItems, @cost", () => {
    const c = tsCatalog(
      "/** Send a message.\n *  More text.\n *  @param to - the address\n *  @effect email\n *  @cost 2.5 */\n" +
        "export declare function send(to: string): null;\n" +
        "/** @irreversible */\nexport declare function wipe(): null;\n" +
        "/** @minItems 1\n * @maxItems 5 */\nexport declare function pick(): string[];\n" +
        "export declare function pure(): string;\n",
    );
    expect(fn(c, "send")).toMatchObject({
      doc: "Send a message.\nMore text.",
      params: [{ name: "to", type: S, optional: false, doc: "the address" }],
      effect: "email",
      irreversible: false,
      cost: 2.5,
    });
    expect(fn(c, "wipe")).toMatchObject({ effect: "external", irreversible: true, cost: 1 });
    expect(fn(c, "pick")).toMatchObject({ minItems: 1, maxItems: 5, effect: undefined });
    expect(fn(c, "pure")).toMatchObject({
      effect: undefined,
      irreversible: false,
      maxItems: undefined,
      minItems: undefined,
      cost: 1,
      doc: "",
    });
  });

  test("@effect with @irreversible keeps the class", () => {
    const c = tsCatalog("/** @effect payment\n * @irreversible */\nexport declare function pay(): null;\n");
    expect(fn(c, "pay")).toMatchObject({ effect: "payment", irreversible: true });
  });

  test("unknown standard tags are ignored", () => {
    const c = tsCatalog(
      "/** Hi.\n * @deprecated\n * @example f()\n * @returns x */\nexport declare function f(): string;\n",
    );
    expect(fn(c, "f").doc).toBe("Hi.");
  });

  test.each<[string, number, string]>([
    ["/** @effect */\nexport declare function f(): null;", 1, "`@effect` needs a class name"],
    [
      "/** @effect two words */\nexport declare function f(): null;",
      1,
      "`@effect` takes one class name, got `two words`",
    ],
    [
      "/**\n * @maxItems many */\nexport declare function f(): string[];",
      2,
      "`@maxItems` needs a whole number ≥ 0, got `many`",
    ],
    [
      "/** @minItems -1 */\nexport declare function f(): string[];",
      1,
      "`@minItems` needs a whole number ≥ 0, got `-1`",
    ],
    ["/** @cost cheap */\nexport declare function f(): null;", 1, "`@cost` needs a number ≥ 0, got `cheap`"],
    [
      "/** @maxItems 3 */\nexport declare function f(): number;",
      1,
      "`@maxItems` bounds a collection, but the result of `f` is not a list or dict",
    ],
    [
      "/** @minItems 4\n * @maxItems 3 */\nexport declare function f(): string[];",
      2,
      "`@minItems 4` is above `@maxItems 3`",
    ],
    ["/** @effect a\n * @effect b */\nexport declare function f(): null;", 2, "`@effect` is given twice"],
    ["/** @efect email */\nexport declare function f(): null;", 1, "unknown tag `@efect`; did you mean `@effect`?"],
    [
      "/** @maxitems 3 */\nexport declare function f(): string[];",
      1,
      "unknown tag `@maxitems`; did you mean `@maxItems`?",
    ],
    [
      "/** @effect email */\nexport declare const users: string[];",
      1,
      "`@effect` applies to functions, not to input `users`",
    ],
  ])("%s", (source, line, message) => {
    const err = usageError(() => tsCatalog(source));
    expect([err.line, err.message]).toEqual([line, message]);
  });
});

describe("imports of types from relative files", () => {
  const types =
    "export interface Booking { restaurant: string; code: string }\nexport type Code = string;\ninterface Hidden { x: string }\n";

  test("an interface imported from ./types.js resolves to ./types.ts", () => {
    const c = tsCatalog(
      'import type { Booking, Code as C } from "./types.js";\nexport declare function book(r: string, c: C): Booking;\n',
      "/virtual/catalog.ts",
      { "/virtual/types.ts": types },
    );
    expect(fn(c, "book").returns).toEqual({
      kind: "record",
      name: "Booking",
      fields: { restaurant: { type: S, optional: false }, code: { type: S, optional: false } },
    });
    expect(fn(c, "book").params[1]?.type).toEqual(S);
  });

  test("the hash covers imported files", () => {
    const main = 'import type { Booking } from "./types";\nexport declare function book(): Booking;\n';
    const a = tsCatalog(main, "/virtual/catalog.ts", { "/virtual/types.ts": types });
    const b = tsCatalog(main, "/virtual/catalog.ts", { "/virtual/types.ts": types + "\n" });
    expect(a.hash).not.toBe(b.hash);
    expect(a).not.toBe(b);
  });

  test("errors inside an imported file name that file and line", () => {
    const err = usageError(() =>
      tsCatalog('import { E } from "./types";\nexport declare function f(e: E): string;\n', "/virtual/catalog.ts", {
        "/virtual/types.ts": "\nexport interface E { when: Date }\n",
      }),
    );
    expect([err.file, err.line]).toEqual(["/virtual/types.ts", 2]);
    expect(err.message).toMatch(/^field `when` of `E` has type `Date`/);
  });

  test.each<[Record<string, string>, string, number, string]>([
    [
      {},
      'import { B } from "./types";',
      1,
      "cannot read types from `./types`: no such file (looked for types.ts, types.d.ts, types.mts, types/index.ts)",
    ],
    [
      { "/types.ts": types },
      'import { B } from "../types";',
      1,
      "cannot read types from `../types`: it is outside the catalog's folder",
    ],
    [
      {},
      'import { B } from "some-package";',
      1,
      "cannot read types from `some-package`: only relative imports are read",
    ],
    [
      { "/virtual/types.ts": types },
      'import { Hidden as B } from "./types";',
      1,
      "`Hidden` is not an exported interface or type alias of `./types`",
    ],
  ])("%s %s", (files, importLine, line, message) => {
    const err = usageError(() =>
      tsCatalog(`${importLine}\nexport declare function f(): B;\n`, "/virtual/catalog.ts", files),
    );
    expect([err.line, err.message]).toEqual([line, message]);
  });

  test("an unused import that cannot be read is not an error", () => {
    const c = tsCatalog('import { X } from "nowhere";\nexport declare function f(): string;\n');
    expect([...c.functions.keys()]).toEqual(["f"]);
  });
});

describe("results", () => {
  test("the catalog is frozen, keyed in declaration order, hashed by content and cached", () => {
    const text = "export declare function b(): string;\nexport declare function a(): string;\n";
    const c = tsCatalog(text, "/virtual/cache.ts");
    expect([...c.functions.keys()]).toEqual(["b", "a"]);
    expect(c.hash).toBe(createHash("sha256").update(text).digest("hex"));
    expect(Object.isFrozen(fn(c, "a"))).toBe(true);
    expect(Object.isFrozen(fn(c, "a").params)).toBe(true);
    expect(tsCatalog(text, "/virtual/cache.ts")).toBe(c);
    expect(tsCatalog(text + "\n", "/virtual/cache.ts")).not.toBe(c);
  });
});

describe("every problem at once, in source order", () => {
  const ALLOWED = "use string, number, boolean, null, arrays, Record<string, T>, interfaces, literal unions";

  test("a catalog with eleven independent mistakes reports all eleven, with line and column", () => {
    const source = [
      "/** @efect email */",
      "export declare function a(x: Map<string, number>, y): string;",
      "export declare function b(): Set<string> | Date;",
      "interface Bad { m(): void; n: Promise<string>; }",
      "export declare function c(p: Bad, q: Bad): Bad;",
      "export declare const a: string;",
      "export class K {}",
      "/** @maxItems 3 */",
      "export declare const n: number;",
      "export function d(x: string) { return x; }",
      "",
    ].join("\n");
    const err = catalogError(() => tsCatalog(source));
    expect(problemRows(err)).toEqual([
      [1, 5, undefined, "unknown tag `@efect`; did you mean `@effect`?"],
      [
        2,
        30,
        undefined,
        `parameter \`x\` of \`a\` has type \`Map<string, number>\`, which a catalog cannot use; ${ALLOWED}`,
      ],
      [2, 51, undefined, "parameter `y` of `a` has no type annotation"],
      [
        3,
        30,
        undefined,
        `the result of \`b\` has type \`Set<string> | Date\`, and \`Set<string>\` in it is a type a catalog cannot use; ${ALLOWED}`,
      ],
      [
        3,
        44,
        undefined,
        `the result of \`b\` has type \`Set<string> | Date\`, and \`Date\` in it is a type a catalog cannot use; ${ALLOWED}`,
      ],
      // `Bad` is used three times on line 5; its problems are reported once, where they are.
      [4, 17, undefined, "`Bad` has member `m(): void;`, which a catalog cannot use"],
      [4, 31, undefined, `field \`n\` of \`Bad\` has type \`Promise<string>\`, which a catalog cannot use; ${ALLOWED}`],
      [6, 22, undefined, "`a` is declared more than once in the catalog (first at line 2)"],
      [7, 1, undefined, "exported `K` is a class, which a catalog cannot use"],
      [8, 5, undefined, "`@maxItems` bounds a collection, but input `n` is not a list or dict"],
      // At the `)` after which the result type goes.
      [10, 28, undefined, "function `d` has no return type"],
    ]);
    expect(err.problems.every((p) => p.file === "/virtual/catalog.ts")).toBe(true);
    expect([err.line, err.column, err.message]).toEqual([1, 5, "unknown tag `@efect`; did you mean `@effect`?"]);
    expect(err.format().split("\n").slice(0, 3)).toEqual([
      "/virtual/catalog.ts:1: unknown tag `@efect`; did you mean `@effect`?",
      "  help: the catalog tags are `@effect`, `@irreversible`, `@maxItems`, `@minItems`, `@cost`",
      `/virtual/catalog.ts:2: parameter \`x\` of \`a\` has type \`Map<string, number>\`, which a catalog cannot use; ${ALLOWED}`,
    ]);
  });

  test("problems in the catalog file come first, then those in the files it imports from, each once", () => {
    const err = catalogError(() =>
      tsCatalog(
        'import { E } from "./types";\nexport declare function f(e: E): E;\nexport declare function g(x: Date): E;\n',
        "/virtual/catalog.ts",
        { "/virtual/types.ts": "\nexport interface E { when: Date; at: Set<number> }\n" },
      ),
    );
    expect(err.problems.map((p) => [p.file, p.line, p.column])).toEqual([
      ["/virtual/catalog.ts", 3, 30],
      ["/virtual/types.ts", 2, 28],
      ["/virtual/types.ts", 2, 38],
    ]);
    expect(err.problems.map((p) => p.message.split(",")[0])).toEqual([
      "parameter `x` of `g` has type `Date`",
      "field `when` of `E` has type `Date`",
      "field `at` of `E` has type `Set<number>`",
    ]);
  });

  test("a file that does not parse is one problem: nothing in it can be trusted", () => {
    const err = catalogError(() =>
      tsCatalog("export declare function a(x: Date): string;\nexport function f(: string {"),
    );
    expect(problemRows(err)).toEqual([
      [2, 19, undefined, "the catalog does not parse as TypeScript: Parameter declaration expected."],
    ]);
  });

  test(`at most ${MAX_PROBLEMS} problems, then "and N more problems"`, () => {
    const source = Array.from(
      { length: MAX_PROBLEMS + 5 },
      (_, i) => `export declare function f${i}(x: Date): string;`,
    ).join("\n");
    const err = catalogError(() => tsCatalog(source));
    expect(err.problems).toHaveLength(MAX_PROBLEMS);
    expect(err.omitted).toBe(5);
    expect(err.problems.map((p) => p.line)).toEqual(Array.from({ length: MAX_PROBLEMS }, (_, i) => i + 1));
    expect(err.format().split("\n").at(-1)).toBe("and 5 more problems");
  });
});
