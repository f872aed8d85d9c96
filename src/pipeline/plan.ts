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
import { capProblems, type LoadProblem } from "../catalog/load-problem.js";
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

/**
 * Subtask declarations that cannot join the catalog. Like `CatalogError`
 * and `PolicyError`, it carries every problem found, not only the first:
 * `problems` in declaration order (each with `key`, e.g.
 * `subtasks[0].params[1].type`, and `help` where there is something to
 * say; no file, line or column), at most `MAX_PROBLEMS`, and `omitted`
 * (how many more). `message` and `subtask` are those of the first problem.
 */
export class PlanError extends Error {
  override readonly name: string = "PlanError";
  /** Every problem found, the first being the one `message` describes. */
  readonly problems: readonly LoadProblem[];
  /** How many more problems were found than `problems` lists. */
  readonly omitted: number;
  constructor(
    message: string,
    /** The subtask at fault, when there is one. */
    readonly subtask?: string,
    found?: { readonly problems?: readonly LoadProblem[]; readonly omitted?: number },
  ) {
    super(message);
    this.problems = found?.problems ?? [
      { message, file: undefined, line: undefined, column: undefined, key: undefined, help: undefined },
    ];
    this.omitted = found?.omitted ?? 0;
  }

  /** The error for `problems` (not empty): the first one's message, all of them listed (at most `MAX_PROBLEMS`). */
  static of(problems: readonly PlanProblem[]): PlanError {
    const first = problems[0];
    if (first === undefined) throw new Error("PlanError needs at least one problem");
    const { shown, omitted } = capProblems(
      problems.map((p) => ({
        message: p.message,
        file: undefined,
        line: undefined,
        column: undefined,
        key: p.key,
        help: p.help,
      })),
    );
    return new PlanError(first.message, first.subtask, { problems: shown, omitted });
  }
}

/** One problem of a subtask declaration, before it becomes a `LoadProblem`. */
interface PlanProblem {
  readonly message: string;
  readonly subtask: string | undefined;
  readonly key: string | undefined;
  readonly help: string | undefined;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An identifier that is not a `__dunder__` name. */
function isSubtaskName(name: unknown): name is string {
  return typeof name === "string" && IDENT.test(name) && !/^__.*__$/.test(name);
}

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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const TYPE_HELP = "write a type such as `string`, `string[]`, `Record<string, number>` or `{ name: string }`";

/**
 * Checks one declaration, adding what is wrong to `problems` (keys under
 * `prefix`, e.g. `subtasks[0]`). Returns the catalog function when nothing
 * is wrong with it.
 */
function checkSubtask(
  raw: unknown,
  index: number,
  prefix: string,
  named: ReadonlyMap<string, Type>,
  problems: PlanProblem[],
): CatalogFunction | undefined {
  const at = (key: string): string | undefined =>
    prefix === "" ? (key === "" ? undefined : key) : key === "" ? prefix : `${prefix}.${key}`;
  const before = problems.length;
  if (!isObject(raw)) {
    problems.push({
      message: `subtask ${index + 1} must be an object with \`name\`, \`params\` and \`returns\``,
      subtask: undefined,
      key: at(""),
      help: 'declare it as {"name": "summarize", "params": [{"name": "notes", "type": "string[]"}], "returns": "string"}',
    });
    return undefined;
  }
  const decl = raw as unknown as SubtaskDecl;
  const rawName: unknown = raw.name;
  if (!isSubtaskName(rawName)) {
    problems.push({
      message: `a subtask name must be an identifier, got \`${String(rawName)}\``,
      subtask: String(rawName),
      key: at("name"),
      help: "use letters, digits and `_`, not starting with a digit (and not a `__dunder__` name)",
    });
    return undefined;
  }
  const name = rawName;
  const say = (message: string, key: string, help?: string): void => {
    problems.push({ message: `subtask \`${name}\`: ${message}`, subtask: name, key: at(key), help });
  };
  const typeOf = (t: unknown, where: string, key: string): Type | undefined => {
    if (typeof t === "string") {
      try {
        return parseTypeString(t, { named });
      } catch (err) {
        if (!(err instanceof TypeStringError)) throw err;
        say(`${where}: ${err.message}`, key, TYPE_HELP);
        return undefined;
      }
    }
    if (isObject(t) && typeof t.kind === "string") return t as unknown as Type;
    say(`${where}: the type must be a type string`, key, TYPE_HELP);
    return undefined;
  };
  const count = (key: "maxItems" | "minItems" | "cost"): number | undefined => {
    const v: unknown = raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      say(`\`${key}\` must be a whole number ≥ 0`, key);
      return undefined;
    }
    return v;
  };

  const params: Param[] = [];
  const rawParams: unknown = raw.params;
  if (!Array.isArray(rawParams)) {
    say("`params` must be a list", "params", 'give a list of {"name": …, "type": …}, `[]` for none');
  } else {
    const seen = new Set<string>();
    rawParams.forEach((p: unknown, i) => {
      const pname: unknown = isObject(p) ? p.name : undefined;
      if (!isObject(p) || typeof pname !== "string" || !IDENT.test(pname)) {
        say(`parameter ${i + 1} needs an identifier name`, `params[${i}].name`);
        return;
      }
      if (seen.has(pname)) {
        say(`parameter \`${pname}\` appears twice`, `params[${i}].name`, "give each parameter its own name");
        return;
      }
      seen.add(pname);
      const type = typeOf(p.type, `parameter \`${pname}\``, `params[${i}].type`);
      if (type !== undefined) {
        params.push({
          name: pname,
          type,
          optional: p.optional === true,
          ...(typeof p.doc === "string" ? { doc: p.doc } : {}),
        });
      }
    });
  }
  const returns = typeOf(raw.returns, "return type", "returns");
  const rawEffect: unknown = raw.effect;
  const effect = rawEffect ?? (raw.irreversible === true ? DEFAULT_EFFECT_CLASS : undefined);
  if (effect !== undefined && (typeof effect !== "string" || !/^[A-Za-z_][\w-]*$/.test(effect))) {
    say("`effect` must be a class name such as `email`", "effect");
  }
  const maxItems = count("maxItems");
  const minItems = count("minItems");
  const cost = count("cost");
  if (problems.length > before || returns === undefined) return undefined;
  return {
    name,
    params,
    returns,
    effect: effect as string | undefined,
    irreversible: decl.irreversible === true,
    maxItems,
    minItems,
    cost: cost ?? 1,
    doc: typeof decl.doc === "string" ? decl.doc : "",
    hasHandler: false,
    location: undefined,
  };
}

/**
 * Turns one declaration into a catalog function (no handler: the proxy
 * supplies it). Throws `PlanError` with every problem of the declaration.
 */
export function subtaskFunction(decl: SubtaskDecl, named: ReadonlyMap<string, Type> = new Map()): CatalogFunction {
  const problems: PlanProblem[] = [];
  const fn = checkSubtask(decl, 0, "", named, problems);
  if (fn === undefined) throw PlanError.of(problems);
  return fn;
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
  const problems: PlanProblem[] = [];
  const declared = new Set<string>();
  subtasks.forEach((decl, i) => {
    const prefix = `subtasks[${i}]`;
    const fn = checkSubtask(decl, i, prefix, named, problems);
    // A declaration with a usable name is checked against the catalog and the others even when it has other problems.
    const name: unknown = isObject(decl) ? (decl as { name?: unknown }).name : undefined;
    if (!isSubtaskName(name)) return;
    const clash = (message: string): void => {
      problems.push({ message, subtask: name, key: `${prefix}.name`, help: undefined });
    };
    if (catalog.functions.has(name)) {
      clash(`subtask \`${name}\` is already a catalog function; give it another name`);
    } else if (catalog.inputs.has(name)) {
      clash(`subtask \`${name}\` has the name of a catalog input; give it another name`);
    } else if (declared.has(name)) {
      clash(`subtask \`${name}\` is declared twice`);
    }
    declared.add(name);
    if (fn !== undefined) functions.set(name, fn);
  });
  if (problems.length > 0) throw PlanError.of(problems);
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
