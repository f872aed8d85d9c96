/**
 * A plan is the planner's output: the composition and, optionally, the
 * subtasks it declares (name, typed signature, docstring). Declared
 * subtasks join the environment's catalog for one episode: `withSubtasks`
 * builds a derived `Catalog` (the base is never changed) whose hash covers
 * the base catalog and the declarations, and `policyForCatalog` extends
 * the policy with the `recommended` default budget (1 per run) for every
 * effectful subtask the policy does not budget itself.
 */
import { createHash } from "node:crypto";
import type { Catalog, CatalogFunction, Param, Type } from "../catalog/types.js";
import type { Budget, Policy } from "../policy/types.js";
import { DEFAULT_EFFECT_CLASS } from "../catalog/build.js";
import { policyHash } from "../policy/presets.js";
import { namedTypes, parseTypeString, TypeStringError } from "./type-string.js";

/** One parameter of a declared subtask; `type` is a type string (`"string[]"`) or a `Type`. */
export interface SubtaskParam {
  readonly name: string;
  readonly type: string | Type;
  readonly optional?: boolean;
  readonly doc?: string;
}

/** A subtask the planner declares: a typed signature and a docstring, solved by the proxy. */
export interface SubtaskDecl {
  readonly name: string;
  readonly params: readonly SubtaskParam[];
  readonly returns: string | Type;
  readonly doc?: string;
  /** Effect class; undefined (the default) for a pure subtask. */
  readonly effect?: string;
  readonly irreversible?: boolean;
  readonly maxItems?: number;
  readonly minItems?: number;
  readonly cost?: number;
}

/** The planner's output for one task. */
export interface Plan {
  /** The composition (Partwise source). */
  readonly program: string;
  readonly subtasks?: readonly SubtaskDecl[];
}

/** A subtask declaration that cannot join the catalog. */
export class PlanError extends Error {
  override readonly name: string = "PlanError";
  constructor(
    message: string,
    /** The subtask at fault, when there is one. */
    readonly subtask?: string,
  ) {
    super(message);
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : x,
  );
}

/** sha256 hex of a string. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function resolveType(t: string | Type, named: ReadonlyMap<string, Type>, where: string, subtask: string): Type {
  if (typeof t !== "string") return t;
  try {
    return parseTypeString(t, { named });
  } catch (err) {
    if (err instanceof TypeStringError)
      throw new PlanError(`subtask \`${subtask}\`: ${where}: ${err.message}`, subtask);
    throw err;
  }
}

function positiveInt(v: number | undefined, what: string, subtask: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new PlanError(`subtask \`${subtask}\`: \`${what}\` must be a whole number ≥ 0`, subtask);
  }
  return v;
}

/** Turns one declaration into a catalog function (no handler: the proxy supplies it). */
export function subtaskFunction(decl: SubtaskDecl, named: ReadonlyMap<string, Type> = new Map()): CatalogFunction {
  const name = decl.name;
  if (typeof name !== "string" || !IDENT.test(name) || /^__.*__$/.test(name)) {
    throw new PlanError(`a subtask name must be an identifier, got \`${String(name)}\``, String(name));
  }
  const rawParams: unknown = decl.params;
  if (!Array.isArray(rawParams)) throw new PlanError(`subtask \`${name}\`: \`params\` must be a list`, name);
  const seen = new Set<string>();
  const params: Param[] = decl.params.map((p, i) => {
    if (typeof p.name !== "string" || !IDENT.test(p.name)) {
      throw new PlanError(`subtask \`${name}\`: parameter ${i + 1} needs an identifier name`, name);
    }
    if (seen.has(p.name)) throw new PlanError(`subtask \`${name}\`: parameter \`${p.name}\` appears twice`, name);
    seen.add(p.name);
    return {
      name: p.name,
      type: resolveType(p.type, named, `parameter \`${p.name}\``, name),
      optional: p.optional === true,
      ...(p.doc !== undefined ? { doc: p.doc } : {}),
    };
  });
  const effect = decl.effect ?? (decl.irreversible === true ? DEFAULT_EFFECT_CLASS : undefined);
  if (effect !== undefined && (typeof effect !== "string" || !/^[A-Za-z_][\w-]*$/.test(effect))) {
    throw new PlanError(`subtask \`${name}\`: \`effect\` must be a class name such as \`email\``, name);
  }
  return {
    name,
    params,
    returns: resolveType(decl.returns, named, "return type", name),
    effect,
    irreversible: decl.irreversible === true,
    maxItems: positiveInt(decl.maxItems, "maxItems", name),
    minItems: positiveInt(decl.minItems, "minItems", name),
    cost: positiveInt(decl.cost, "cost", name) ?? 1,
    doc: decl.doc ?? "",
    hasHandler: false,
    location: undefined,
  };
}

/**
 * The base catalog plus the plan's subtasks, as a new `Catalog` whose hash
 * covers both. Throws `PlanError` for a declaration that does not parse or
 * whose name is already a catalog function or input.
 */
export function withSubtasks(catalog: Catalog, subtasks: readonly SubtaskDecl[] | undefined): Catalog {
  if (subtasks === undefined || subtasks.length === 0) return catalog;
  const named = namedTypes([...catalog.functions.values()].flatMap((f) => [f.returns, ...f.params.map((p) => p.type)]));
  const functions = new Map(catalog.functions);
  for (const decl of subtasks) {
    const fn = subtaskFunction(decl, named);
    if (catalog.functions.has(fn.name)) {
      throw new PlanError(`subtask \`${fn.name}\` is already a catalog function; give it another name`, fn.name);
    }
    if (catalog.inputs.has(fn.name)) {
      throw new PlanError(`subtask \`${fn.name}\` has the name of a catalog input; give it another name`, fn.name);
    }
    if (functions.has(fn.name)) throw new PlanError(`subtask \`${fn.name}\` is declared twice`, fn.name);
    functions.set(fn.name, fn);
  }
  return {
    path: catalog.path,
    format: catalog.format,
    hash: subtasksHash(catalog.hash, subtasks),
    functions,
    inputs: catalog.inputs,
  };
}

/** The hash of a base catalog joined by subtask declarations. */
export function subtasksHash(catalogHash: string, subtasks: readonly SubtaskDecl[]): string {
  return sha256(`${catalogHash}\n${stableJson(subtasks)}`);
}

/**
 * The policy for a derived catalog: every effectful function of `catalog`
 * without a budget gets the recommended default, at most 1 call per run.
 * Returns `policy` itself when nothing is added.
 */
export function policyForCatalog(policy: Policy, catalog: Catalog): Policy {
  let functions: Map<string, Budget> | undefined;
  for (const fn of catalog.functions.values()) {
    if (fn.effect !== undefined && !policy.budgets.functions.has(fn.name)) {
      functions ??= new Map(policy.budgets.functions);
      functions.set(fn.name, { min: undefined, max: 1, explicit: false });
    }
  }
  if (functions === undefined) return policy;
  const { hash: _old, ...rest } = policy;
  const p: Omit<Policy, "hash"> = { ...rest, budgets: { ...policy.budgets, functions } };
  return { ...p, hash: policyHash(p) };
}
