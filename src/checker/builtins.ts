/**
 * The builtins and methods of the language with their signatures: how many
 * positional arguments they take, which keywords, and their result type
 * given the argument types. One table, read by the binder (names), the
 * type pass (calls) and the bounds pass (which builtins keep a size).
 */
import type { Type } from "../catalog/types.js";

export const ANY: Type = { kind: "any" };
export const STRING: Type = { kind: "string" };
export const NUMBER: Type = { kind: "number" };
export const BOOLEAN: Type = { kind: "boolean" };
export const NULL: Type = { kind: "null" };
export const LIST_ANY: Type = { kind: "list", element: ANY };
export const DICT_ANY: Type = { kind: "dict", value: ANY };
export const LIST_STRING: Type = { kind: "list", element: STRING };

/** A list of `t`. */
export function listOf(t: Type): Type {
  return t.kind === "any" ? LIST_ANY : t.kind === "string" ? LIST_STRING : { kind: "list", element: t };
}

/** A dict with values `t`. */
export function dictOf(t: Type): Type {
  return t.kind === "any" ? DICT_ANY : { kind: "dict", value: t };
}

/** The element type when iterating a value of type `t` (dicts give keys). */
export function elementOf(t: Type): Type {
  switch (t.kind) {
    case "list":
      return t.element;
    case "dict":
      return STRING;
    case "union": {
      const parts = t.types.map(elementOf);
      const first = parts[0];
      return first !== undefined && parts.every((p) => p === first) ? first : ANY;
    }
    case "any":
    case "boolean":
    case "literal":
    case "null":
    case "number":
    case "record":
    case "string":
    default:
      return ANY;
  }
}

/** Signature of a builtin function or a method. */
export interface Signature {
  readonly name: string;
  readonly minArgs: number;
  /** `Infinity` for variadic. */
  readonly maxArgs: number;
  /** Keyword names accepted (`*` for any). */
  readonly keywords: readonly string[];
  /** Parameter names, for messages. */
  readonly params: readonly string[];
  readonly returns: (args: readonly Type[], receiver: Type) => Type;
}

const sig = (
  name: string,
  params: readonly string[],
  minArgs: number,
  maxArgs: number,
  returns: Signature["returns"],
  keywords: readonly string[] = [],
): Signature => ({ name, params, minArgs, maxArgs, keywords, returns });

const first = (args: readonly Type[]): Type => args[0] ?? ANY;
const sameList = (args: readonly Type[]): Type => {
  const t = first(args);
  return t.kind === "list" ? t : t.kind === "dict" ? LIST_STRING : LIST_ANY;
};

/** Builtin functions by name. */
export const BUILTINS: ReadonlyMap<string, Signature> = new Map(
  [
    sig("len", ["x"], 1, 1, () => NUMBER),
    sig("range", ["start", "stop", "step"], 1, 3, () => listOf(NUMBER)),
    sig("min", ["values"], 1, Infinity, (a) => (a.length === 1 ? elementOf(first(a)) : first(a))),
    sig("max", ["values"], 1, Infinity, (a) => (a.length === 1 ? elementOf(first(a)) : first(a))),
    sig("sum", ["values", "start"], 1, 2, () => NUMBER),
    sig("sorted", ["values"], 1, 1, sameList, ["reverse"]),
    sig("reversed", ["values"], 1, 1, sameList),
    sig("enumerate", ["values", "start"], 1, 2, () => LIST_ANY, ["start"]),
    sig("zip", ["values"], 0, Infinity, () => LIST_ANY),
    sig("any", ["values"], 1, 1, () => BOOLEAN),
    sig("all", ["values"], 1, 1, () => BOOLEAN),
    sig("abs", ["x"], 1, 1, () => NUMBER),
    sig("round", ["x", "ndigits"], 1, 2, () => NUMBER, ["ndigits"]),
    sig("str", ["x"], 0, 1, () => STRING),
    sig("int", ["x"], 0, 1, () => NUMBER),
    sig("float", ["x"], 0, 1, () => NUMBER),
    sig("bool", ["x"], 0, 1, () => BOOLEAN),
    sig("list", ["values"], 0, 1, (a) => (a.length === 0 ? LIST_ANY : sameList(a))),
    sig("dict", ["values"], 0, 1, (a) => (a.length === 0 ? DICT_ANY : first(a).kind === "dict" ? first(a) : DICT_ANY), [
      "*",
    ]),
    sig("print", ["values"], 0, Infinity, () => NULL),
  ].map((s) => [s.name, s]),
);

/** Receiver kinds that have methods. */
export type MethodReceiver = "list" | "dict" | "string";

/** Allowed methods per receiver kind. */
export const METHODS: Readonly<Record<MethodReceiver, ReadonlyMap<string, Signature>>> = {
  list: new Map(
    [sig("append", ["value"], 1, 1, () => NULL), sig("extend", ["values"], 1, 1, () => NULL)].map((s) => [s.name, s]),
  ),
  dict: new Map(
    [
      sig("get", ["key", "default"], 1, 2, (a, r) => (r.kind === "dict" && a.length === 1 ? r.value : ANY)),
      sig("items", [], 0, 0, () => LIST_ANY),
      sig("keys", [], 0, 0, () => LIST_STRING),
      sig("values", [], 0, 0, (_a, r) => (r.kind === "dict" ? listOf(r.value) : LIST_ANY)),
    ].map((s) => [s.name, s]),
  ),
  string: new Map(
    [
      sig("join", ["values"], 1, 1, () => STRING),
      sig("lower", [], 0, 0, () => STRING),
      sig("upper", [], 0, 0, () => STRING),
      sig("strip", ["chars"], 0, 1, () => STRING),
      sig("split", ["sep", "maxsplit"], 0, 2, () => LIST_STRING),
      sig("startswith", ["prefix"], 1, 1, () => BOOLEAN),
      sig("endswith", ["suffix"], 1, 1, () => BOOLEAN),
      sig("replace", ["old", "new", "count"], 2, 3, () => STRING),
    ].map((s) => [s.name, s]),
  ),
};

/** Every method name, whatever the receiver. */
export const ALL_METHOD_NAMES: readonly string[] = [
  ...METHODS.list.keys(),
  ...METHODS.dict.keys(),
  ...METHODS.string.keys(),
];

/** The receiver kinds that have a method called `name`. */
export function receiversOf(name: string): MethodReceiver[] {
  const out: MethodReceiver[] = [];
  for (const r of ["list", "dict", "string"] as const) if (METHODS[r].has(name)) out.push(r);
  return out;
}

/** Methods that add their argument to the receiver (data flows into it). */
export const MUTATING_METHODS: ReadonlySet<string> = new Set(["append", "extend"]);

/** Builtins that keep the size of their (first) argument. */
export const SIZE_PRESERVING: ReadonlySet<string> = new Set(["sorted", "reversed", "list", "enumerate", "dict"]);
