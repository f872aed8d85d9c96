/**
 * Test helpers for the checker: a tiny builder for catalogs and policies
 * (so the checker's tests do not depend on the loaders), the dinner
 * catalog and policy of the seed example, and a compact view of a report.
 */
import type { Catalog, CatalogFunction, CatalogInput, Param, Type } from "../../src/catalog/types.js";
import type { RuleName, RuleSetting } from "../../src/diagnostics/codes.js";
import { presetPolicy } from "../../src/policy/presets.js";
import type { Budget, FlowRule, OrderRule, Policy, Shape } from "../../src/policy/types.js";
import type { CheckReport } from "../../src/checker/report.js";
import { check } from "../../src/checker/check.js";

export const T = {
  any: { kind: "any" } as Type,
  string: { kind: "string" } as Type,
  number: { kind: "number" } as Type,
  boolean: { kind: "boolean" } as Type,
  null: { kind: "null" } as Type,
  list: (element: Type): Type => ({ kind: "list", element }),
  dict: (value: Type): Type => ({ kind: "dict", value }),
  lit: (value: string | number | boolean): Type => ({ kind: "literal", value }),
  union: (...types: Type[]): Type => ({ kind: "union", types }),
  record: (name: string, fields: Record<string, Type>): Type => ({
    kind: "record",
    name,
    fields: Object.fromEntries(Object.entries(fields).map(([k, t]) => [k, { type: t, optional: false }])),
  }),
};

export interface FnOptions {
  effect?: string;
  irreversible?: boolean;
  maxItems?: number;
  minItems?: number;
  cost?: number;
}

/** A catalog function: `fn("book_table", [["restaurant", T.string]], Booking, {effect: "reservation"})`. */
export function fn(
  name: string,
  params: readonly (readonly [string, Type] | readonly [string, Type, boolean])[],
  returns: Type,
  o: FnOptions = {},
): CatalogFunction {
  return {
    name,
    params: params.map(([n, t, optional]): Param => ({ name: n, type: t, optional: optional ?? false })),
    returns,
    effect: o.effect ?? (o.irreversible === true ? "external" : undefined),
    irreversible: o.irreversible ?? false,
    maxItems: o.maxItems,
    minItems: o.minItems,
    cost: o.cost ?? 1,
    doc: "",
    hasHandler: false,
    location: undefined,
  };
}

/** A catalog input. */
export function input(name: string, type: Type, o: { maxItems?: number; minItems?: number } = {}): CatalogInput {
  return { name, type, maxItems: o.maxItems, minItems: o.minItems, doc: "", location: undefined };
}

/** A catalog from functions and inputs. */
export function catalog(functions: readonly CatalogFunction[], inputs: readonly CatalogInput[] = []): Catalog {
  return {
    path: "<test>",
    format: "object",
    hash: "test",
    functions: new Map(functions.map((f) => [f.name, f])),
    inputs: new Map(inputs.map((i) => [i.name, i])),
  };
}

export interface PolicyOverrides {
  maxLoopDepth?: number;
  shape?: Shape;
  /** `name`, `effect:CLASS`, `*` or `cost` → max or {min, max}. */
  budgets?: Record<string, number | { min?: number; max: number }>;
  flows?: { to: string; from?: string[]; notFrom?: string[] }[];
  order?: OrderRule[];
  maxOps?: number;
  rules?: Partial<Record<RuleName, RuleSetting>>;
  preset?: "recommended" | "strict";
}

/** A resolved policy: a preset for `cat` with overrides. */
export function policy(cat: Catalog, o: PolicyOverrides = {}): Policy {
  const base = presetPolicy(o.preset ?? "recommended", cat);
  const functions = new Map(base.budgets.functions);
  const effects = new Map(base.budgets.effects);
  let all = base.budgets.all;
  let cost = base.budgets.cost;
  for (const [k, v] of Object.entries(o.budgets ?? {})) {
    const b: Budget =
      typeof v === "number" ? { min: undefined, max: v, explicit: true } : { min: v.min, max: v.max, explicit: true };
    if (k === "*") all = b;
    else if (k === "cost") cost = b;
    else if (k.startsWith("effect:")) effects.set(k.slice(7), b);
    else functions.set(k, b);
  }
  const flows: FlowRule[] = (o.flows ?? []).map((f) => {
    const [fnName, param] = f.to.split(".");
    return { to: { fn: fnName ?? "", param }, from: f.from, notFrom: f.notFrom };
  });
  const rules = new Map(base.rules);
  for (const [k, v] of Object.entries(o.rules ?? {})) rules.set(k as RuleName, v);
  return {
    ...base,
    source: "<test>",
    maxLoopDepth: o.maxLoopDepth ?? base.maxLoopDepth,
    shape: o.shape ?? base.shape,
    budgets: { functions, effects, all, cost },
    flows,
    order: o.order ?? [],
    glue: { maxOps: o.maxOps ?? base.glue.maxOps },
    rules,
  };
}

// ---------------------------------------------------------------- dinner

export const Booking = T.record("Booking", { restaurant: T.string, code: T.string });

export const dinnerCatalog = catalog(
  [
    fn("ask_preference", [["user", T.string]], T.list(T.string), { maxItems: 5 }),
    fn("identify_overlap", [["preferences", T.dict(T.list(T.string))]], T.string),
    fn("book_table", [["restaurant", T.string]], Booking, { effect: "reservation", irreversible: true }),
  ],
  [input("users", T.list(T.string), { maxItems: 20 })],
);

export const dinnerPolicy = policy(dinnerCatalog, {
  maxLoopDepth: 1,
  budgets: { book_table: 1 },
  flows: [{ to: "book_table.restaurant", from: ["identify_overlap"] }],
  order: [{ before: "identify_overlap", then: "book_table" }],
});

export const ALIGNED = `prefs = {}
for u in users:
    prefs[u] = ask_preference(u)
r = identify_overlap(prefs)
book_table(r)
`;

export const UNALIGNED = `bookings = {}
for u in users:
    prefs = ask_preference(u)
    for r in prefs:
        book_table(r)
r = identify_overlap(prefs)
`;

/** `rule@line:column` for each diagnostic, in report order. */
export function brief(report: CheckReport): string[] {
  return report.diagnostics.map((d) => `${d.rule}@${d.span.start.line}:${d.span.start.column}`);
}

/** Checks `source` and returns `brief` of the report. */
export function checkBrief(source: string, cat: Catalog = dinnerCatalog, pol?: Policy): string[] {
  return brief(check(source, { catalog: cat, ...(pol !== undefined ? { policy: pol } : {}), file: "test.pw" }));
}
