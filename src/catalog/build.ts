/**
 * Building catalogs: the one constructor every reader ends in
 * (`makeCatalog`: duplicate names, deep freeze, Maps in declaration order)
 * and a small typed builder for catalogs written in code
 * (`catalogFromObject`, format `"object"`), for tests and API users.
 */
import { createHash } from "node:crypto";
import { UsageError } from "../errors.js";
import { catalogNameProblem, isEffectClass } from "./names.js";
import type { Catalog, CatalogFunction, CatalogInput, Field, Param, Type } from "./types.js";

/** The effect class of an `@irreversible` function without `@effect`, and of MCP tools. */
export const DEFAULT_EFFECT_CLASS = "external";

/** Freezes `value` and everything reachable from it (plain objects and arrays only). */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** What a reader hands to `makeCatalog`. */
export interface CatalogParts {
  readonly path: string;
  readonly format: Catalog["format"];
  readonly hash: string;
  readonly functions: readonly CatalogFunction[];
  readonly inputs: readonly CatalogInput[];
}

/**
 * The immutable Catalog for `parts`. Readers report duplicates with a line
 * themselves; this is the last guard (and the only one for object catalogs).
 */
export function makeCatalog(parts: CatalogParts): Catalog {
  const functions = new Map<string, CatalogFunction>();
  const inputs = new Map<string, CatalogInput>();
  const seen = (name: string): boolean => functions.has(name) || inputs.has(name);
  for (const fn of parts.functions) {
    if (seen(fn.name)) throw duplicateName(parts.path, fn.name, fn.location?.line);
    functions.set(fn.name, deepFreeze(fn));
  }
  for (const input of parts.inputs) {
    if (seen(input.name)) throw duplicateName(parts.path, input.name, input.location?.line);
    inputs.set(input.name, deepFreeze(input));
  }
  return Object.freeze({ path: parts.path, format: parts.format, hash: parts.hash, functions, inputs });
}

function duplicateName(path: string, name: string, line: number | undefined): UsageError {
  return new UsageError(
    `\`${name}\` is declared more than once in the catalog`,
    path,
    line,
    "give every catalog function and input its own name",
  );
}

/** sha256 hex of a string. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

// ---------------------------------------------------------------------------
// The builder

/** A type in a catalog built in code: a `Type`, or the name of a primitive. */
export type TypeSpec = Type | "any" | "string" | "number" | "boolean" | "null";

/** A record field in the builder: a type, or a type marked optional with `catalogTypes.optional`. */
export type FieldSpec = TypeSpec | { readonly type: TypeSpec; readonly optional: boolean };

/** One parameter of a function built in code. */
export interface ParamDefinition {
  readonly name: string;
  /** Default `any`. */
  readonly type?: TypeSpec;
  readonly optional?: boolean;
  readonly doc?: string;
}

/** A catalog function built in code (the fields of `CatalogFunction`, mostly optional). */
export interface FunctionDefinition {
  /** In order; an object `{ name: type }` is read in key order. */
  readonly params?: readonly ParamDefinition[] | Readonly<Record<string, TypeSpec>>;
  /** Default `any`. */
  readonly returns?: TypeSpec;
  /** Effect class; `irreversible` without it means class `external`. */
  readonly effect?: string;
  readonly irreversible?: boolean;
  readonly maxItems?: number;
  readonly minItems?: number;
  /** Default 1. */
  readonly cost?: number;
  readonly doc?: string;
  /** Default false: handlers for an object catalog are passed to `run`. */
  readonly hasHandler?: boolean;
}

/** An input built in code. */
export interface InputDefinition {
  /** Default `any`. */
  readonly type?: TypeSpec;
  readonly maxItems?: number;
  readonly minItems?: number;
  readonly doc?: string;
}

/** A whole catalog built in code. */
export interface CatalogDefinition {
  readonly functions?: Readonly<Record<string, FunctionDefinition>>;
  readonly inputs?: Readonly<Record<string, InputDefinition | TypeSpec>>;
}

/** Constructors for catalog types, for `catalogFromObject`. */
export const catalogTypes = {
  any: { kind: "any" } as Type,
  string: { kind: "string" } as Type,
  number: { kind: "number" } as Type,
  boolean: { kind: "boolean" } as Type,
  null: { kind: "null" } as Type,
  /** A literal type (`"a"`, `3`, `true`). */
  literal: (value: string | number | boolean): Type => ({ kind: "literal", value }),
  /** `T[]`. */
  list: (element: TypeSpec): Type => ({ kind: "list", element: toType(element) }),
  /** `Record<string, T>`. */
  dict: (value: TypeSpec): Type => ({ kind: "dict", value: toType(value) }),
  /** An object with these fields (an interface when `name` is given). */
  record: (fields: Readonly<Record<string, FieldSpec>>, name?: string): Type => {
    const out: Record<string, Field> = {};
    for (const [k, f] of Object.entries(fields)) {
      out[k] =
        typeof f === "object" && "optional" in f && !("kind" in f)
          ? { type: toType(f.type), optional: f.optional }
          : { type: toType(f as TypeSpec), optional: false };
    }
    return name === undefined ? { kind: "record", fields: out } : { kind: "record", name, fields: out };
  },
  /** `A | B | …`. */
  union: (...types: readonly TypeSpec[]): Type => ({ kind: "union", types: types.map(toType) }),
  /** `T | null`. */
  nullable: (type: TypeSpec): Type => ({ kind: "union", types: [toType(type), { kind: "null" }] }),
  /** Marks a record field optional: `record({ note: optional("string") })`. */
  optional: (type: TypeSpec): { readonly type: TypeSpec; readonly optional: true } => ({ type, optional: true }),
} as const;

function toType(spec: TypeSpec): Type {
  return typeof spec === "string" ? { kind: spec } : spec;
}

/** Checks that `t` is a well-formed Type (the builder takes values from plain JavaScript too). */
function checkType(t: unknown, where: string, path: string): Type {
  const bad = (why: string): UsageError =>
    new UsageError(`${where} has an invalid type: ${why}`, path, undefined, "build types with `catalogTypes`");
  if (typeof t === "string") {
    if (["any", "string", "number", "boolean", "null"].includes(t)) return { kind: t as "any" };
    throw bad(`\`${t}\` is not a type name`);
  }
  if (typeof t !== "object" || t === null || !("kind" in t)) throw bad("expected a type");
  const ty = t as Type;
  switch (ty.kind) {
    case "any":
    case "string":
    case "number":
    case "boolean":
    case "null":
      return { kind: ty.kind };
    case "literal":
      if (!["string", "number", "boolean"].includes(typeof ty.value))
        throw bad("a literal is a string, number or boolean");
      return { kind: "literal", value: ty.value };
    case "list":
      return { kind: "list", element: checkType(ty.element, where, path) };
    case "dict":
      return { kind: "dict", value: checkType(ty.value, where, path) };
    case "record": {
      const fields: Record<string, Field> = {};
      for (const [k, f] of Object.entries(ty.fields)) {
        fields[k] = { type: checkType(f.type, where, path), optional: f.optional };
      }
      return ty.name === undefined ? { kind: "record", fields } : { kind: "record", name: ty.name, fields };
    }
    case "union":
      if (!Array.isArray(ty.types) || ty.types.length === 0) throw bad("a union needs at least one member");
      return { kind: "union", types: ty.types.map((m) => checkType(m, where, path)) };
    default: {
      const kind: unknown = (ty as { kind: unknown }).kind;
      throw bad(`unknown kind \`${typeof kind === "string" ? kind : JSON.stringify(kind)}\``);
    }
  }
}

function checkCount(value: unknown, what: string, where: string, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new UsageError(`${where}: \`${what}\` must be a whole number ≥ 0, got \`${JSON.stringify(value)}\``, path);
  }
  return value;
}

function checkName(name: string, what: string, path: string): void {
  const problem = catalogNameProblem(name);
  if (problem !== undefined) throw new UsageError(`${what} name \`${name}\` ${problem}`, path);
}

/**
 * A Catalog built in code (format `"object"`): for tests and API users who
 * have no catalog file. Throws `UsageError` (file = `path`) for bad names,
 * types or tag values, as the file readers do.
 *
 * ```ts
 * const { list, record } = catalogTypes;
 * catalogFromObject({
 *   functions: {
 *     ask_preference: { params: { user: "string" }, returns: list("string"), maxItems: 5 },
 *     book_table: { params: { restaurant: "string" }, effect: "reservation", irreversible: true },
 *   },
 *   inputs: { users: { type: list("string"), maxItems: 20 } },
 * });
 * ```
 */
export function catalogFromObject(definition: CatalogDefinition, path = "<object>"): Catalog {
  const functions: CatalogFunction[] = [];
  const inputs: CatalogInput[] = [];
  for (const [name, def] of Object.entries(definition.functions ?? {})) {
    checkName(name, "function", path);
    const where = `function \`${name}\``;
    const rawParams: readonly ParamDefinition[] = Array.isArray(def.params)
      ? (def.params as readonly ParamDefinition[])
      : Object.entries((def.params ?? {}) as Readonly<Record<string, TypeSpec>>).map(([n, type]) => ({
          name: n,
          type,
        }));
    const params: Param[] = rawParams.map((p) => {
      const param: Param = {
        name: p.name,
        type: checkType(p.type ?? "any", `parameter \`${p.name}\` of \`${name}\``, path),
        optional: p.optional ?? false,
      };
      return p.doc === undefined ? param : { ...param, doc: p.doc };
    });
    const names = new Set<string>();
    for (const p of params) {
      if (names.has(p.name)) throw new UsageError(`${where} has two parameters named \`${p.name}\``, path);
      names.add(p.name);
    }
    if (def.effect !== undefined && !isEffectClass(def.effect)) {
      throw new UsageError(`${where}: effect class \`${def.effect}\` is not a word`, path);
    }
    const cost = def.cost ?? 1;
    if (typeof cost !== "number" || !Number.isFinite(cost) || cost < 0) {
      throw new UsageError(`${where}: \`cost\` must be a number ≥ 0, got \`${String(cost)}\``, path);
    }
    const maxItems = checkCount(def.maxItems, "maxItems", where, path);
    const minItems = checkCount(def.minItems, "minItems", where, path);
    if (maxItems !== undefined && minItems !== undefined && minItems > maxItems) {
      throw new UsageError(`${where}: \`minItems\` ${minItems} is above \`maxItems\` ${maxItems}`, path);
    }
    const irreversible = def.irreversible ?? false;
    functions.push({
      name,
      params,
      returns: checkType(def.returns ?? "any", `the result of \`${name}\``, path),
      effect: def.effect ?? (irreversible ? DEFAULT_EFFECT_CLASS : undefined),
      irreversible,
      maxItems,
      minItems,
      cost,
      doc: def.doc ?? "",
      hasHandler: def.hasHandler ?? false,
      location: undefined,
    });
  }
  for (const [name, raw] of Object.entries(definition.inputs ?? {})) {
    checkName(name, "input", path);
    const def: InputDefinition = typeof raw === "string" || "kind" in raw ? { type: raw } : raw;
    const where = `input \`${name}\``;
    const maxItems = checkCount(def.maxItems, "maxItems", where, path);
    const minItems = checkCount(def.minItems, "minItems", where, path);
    if (maxItems !== undefined && minItems !== undefined && minItems > maxItems) {
      throw new UsageError(`${where}: \`minItems\` ${minItems} is above \`maxItems\` ${maxItems}`, path);
    }
    inputs.push({
      name,
      type: checkType(def.type ?? "any", where, path),
      maxItems,
      minItems,
      doc: def.doc ?? "",
      location: undefined,
    });
  }
  const hash = sha256(JSON.stringify({ functions, inputs }));
  return makeCatalog({ path, format: "object", hash, functions, inputs });
}
