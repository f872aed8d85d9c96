/**
 * Loading policies: parse (YAML or JSON), validate against the one schema
 * (src/policy/schema.ts), check every name against the catalog, then apply
 * the preset (`extends`, default `recommended`) and lay the file's keys over
 * it. A file that does not parse is one `PolicyError`; otherwise every
 * problem against the schema and the catalog is collected in one pass and
 * thrown as one `PolicyError` listing them all in source order (file, line,
 * column, key, what is wrong, what to do, "did you mean" where a near name
 * exists); its own fields are those of the first.
 *
 * Merging: scalar keys (`maxLoopDepth`, `shape`, `glue.maxOps`) replace the
 * preset's; `rules` merge per rule; `budgets` merge per key, and a budget
 * written in the file is `explicit`. The preset's "every effectful function
 * budget 1" stays for each effectful function the file names neither
 * directly nor through a budget on its effect class (`effect:CLASS`, which
 * then governs it). A file without `extends` starts from `recommended`, the
 * policy that applies when there is no policy file at all.
 */
import { readFile } from "node:fs/promises";
import { type TSchema } from "@sinclair/typebox";
import { Value, ValueErrorType, type ValueError } from "@sinclair/typebox/value";
import { parseDocument } from "yaml";
import type { Catalog } from "../catalog/types.js";
import {
  jsonErrorOffset,
  jsonErrorReason,
  positionAt,
  positionLocator,
  type JsonPath,
} from "../catalog/json-source.js";
import { formatKey, inSourceOrder, type LoadProblem } from "../catalog/load-problem.js";
import type { RuleName, RuleSetting } from "../diagnostics/codes.js";
import { didYouMean, suggest } from "../util/suggest.js";
import { PolicyError } from "./policy-error.js";
import { policyHash, presetPolicy } from "./presets.js";
import { CONFIGURABLE_RULES, PolicySchema, type BudgetValue, type PolicyFile } from "./schema.js";
import type { Budget, FlowRule, OrderRule, Policy } from "./types.js";

export { PolicyError } from "./policy-error.js";
export { PolicySchema, policyJsonSchema, type PolicyFile } from "./schema.js";
export { presetPolicy, recommendedPolicy, type PresetName } from "./presets.js";

/** Where a policy came from: a file path (or `<object>`) and, for a file, its text (for line numbers). */
export interface PolicySource {
  readonly path: string;
  readonly text?: string;
}

/** How a policy file is read, by its extension; undefined when it is neither YAML nor JSON. */
export function policyFormat(path: string): "yaml" | "json" | undefined {
  if (/\.ya?ml$/.test(path)) return "yaml";
  if (path.endsWith(".json")) return "json";
  return undefined;
}

/**
 * Loads a policy file (`.yaml`, `.yml` or `.json`), or resolves a policy
 * given as a plain object, against `catalog`. Throws `PolicyError`.
 */
export async function loadPolicy(pathOrObject: string | object, catalog: Catalog): Promise<Policy> {
  if (typeof pathOrObject !== "string") return resolvePolicy(pathOrObject, catalog, { path: "<object>" });
  const path = pathOrObject;
  if (policyFormat(path) === undefined) {
    throw new PolicyError(
      `cannot read policy ${path}: unsupported file type`,
      path,
      undefined,
      undefined,
      "a policy is YAML (.yaml, .yml) or JSON (.json)",
    );
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    throw new PolicyError(
      `cannot read policy ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`,
      path,
    );
  }
  return parsePolicySource(text, path, catalog);
}

/** The policy in `text`, read as the file `path` (YAML or JSON by extension), synchronously. */
export function parsePolicySource(text: string, path: string, catalog: Catalog): Policy {
  let raw: unknown;
  if (policyFormat(path) === "json") {
    try {
      raw = JSON.parse(text) as unknown;
    } catch (err) {
      // Nothing else can be checked in a file that does not parse.
      const offset = jsonErrorOffset(text);
      const at = offset === undefined ? undefined : positionAt(text, offset);
      throw PolicyError.of([
        {
          message: `the policy is not valid JSON: ${jsonErrorReason(err)}`,
          file: path,
          line: at?.line,
          column: at?.column,
          key: undefined,
          help: undefined,
        },
      ]);
    }
  } else {
    const doc = parseDocument(text, { prettyErrors: false });
    const err = doc.errors[0];
    if (err !== undefined) {
      const at = positionAt(text, err.pos[0]);
      throw PolicyError.of([
        {
          message: `the policy is not valid YAML: ${err.message.split("\n")[0] ?? err.message}`,
          file: path,
          line: at.line,
          column: at.column,
          key: undefined,
          help: undefined,
        },
      ]);
    }
    raw = doc.toJS() as unknown;
  }
  return resolvePolicy(raw, catalog, { path, text });
}

/**
 * A resolved Policy from a parsed policy file (or object) `raw`: validated,
 * names checked against `catalog`, the preset applied. Throws `PolicyError`
 * with every problem found: those against the schema and those against the
 * catalog, in source order.
 */
export function resolvePolicy(raw: unknown, catalog: Catalog, source: PolicySource): Policy {
  const value = raw ?? {};
  const valid = Value.Check(PolicySchema, value);
  const found = [...(valid ? [] : schemaProblems(value)), ...nameProblems(value, catalog)];
  if (found.length === 0) {
    if (valid) return merge(value, catalog, source);
    found.push({ path: [], message: "the policy does not match its schema", help: undefined, onKey: false });
  }
  throw policyError(found, source);
}

// ---------------------------------------------------------------------------
// Errors

export { formatKey } from "../catalog/load-problem.js";

/** One problem, before it has a line: the path it is about, and whether it is about the key there (not its value). */
interface Problem {
  readonly path: JsonPath;
  readonly message: string;
  readonly help: string | undefined;
  readonly onKey: boolean;
}

/** The PolicyError for `found` (not empty): each problem placed in the text, in source order. */
function policyError(found: readonly Problem[], source: PolicySource): PolicyError {
  const locate = source.text === undefined ? undefined : positionLocator(source.text);
  // On one line and column, an unknown key comes before what its absence causes.
  const keysFirst = [...found.filter((p) => p.onKey), ...found.filter((p) => !p.onKey)];
  const problems: LoadProblem[] = keysFirst.map((p) => {
    const at = locate?.(p.path, p.onKey);
    return {
      message: p.message,
      file: source.path,
      line: at?.line,
      column: at?.column,
      key: p.path.length === 0 ? undefined : formatKey(p.path),
      help: p.help,
    };
  });
  return PolicyError.of(inSourceOrder(problems));
}

// ---------------------------------------------------------------------------
// Structure

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function schemaKeys(schema: TSchema): string[] {
  const props = (schema as { properties?: Record<string, unknown> }).properties;
  return props === undefined ? [] : Object.keys(props);
}

/** A schema problem, with what an unknown key is probably a misspelling of and which key a missing-key problem misses. */
interface SchemaProblem extends Problem {
  readonly suggests?: string | undefined;
  readonly missing?: string | undefined;
}

/** Turns one TypeBox error into a problem a person can act on. */
function problemOf(e: ValueError, prefix: JsonPath): SchemaProblem {
  const path = [...prefix, ...pointerToPath(e.path)];
  const where = path.length === 0 ? "the policy" : `\`${formatKey(path)}\``;
  const description = (e.schema as { description?: string }).description;
  if (e.type === ValueErrorType.ObjectAdditionalProperties) {
    const key = String(path[path.length - 1]);
    const parent = path.slice(0, -1);
    const known = schemaKeys(e.schema).filter((k) => k !== "$schema");
    const suggests = suggest(key, known);
    if (parent.length === 1 && parent[0] === "rules") {
      return {
        path,
        message:
          key === "internal"
            ? "rule `internal` reports bugs in Partwise and cannot be configured"
            : `unknown rule \`${key}\`${didYouMean(key, known)}`,
        help: `the rules are ${known.map((k) => `\`${k}\``).join(", ")}`,
        onKey: true,
        suggests,
      };
    }
    return {
      path,
      message: `unknown key \`${key}\`${parent.length === 0 ? "" : ` in \`${formatKey(parent)}\``}${didYouMean(key, known)}`,
      help: `${parent.length === 0 ? "a policy" : `\`${formatKey(parent)}\``} has the keys ${known.map((k) => `\`${k}\``).join(", ")}`,
      onKey: true,
      suggests,
    };
  }
  if (e.type === ValueErrorType.ObjectRequiredProperty) {
    const key = String(path[path.length - 1]);
    return {
      path: path.slice(0, -1),
      message: `\`${formatKey(path.slice(0, -1))}\` needs \`${key}\``,
      help: description === undefined ? undefined : `\`${key}\` is ${description}`,
      onKey: false,
      missing: key,
    };
  }
  const anyOf = (e.schema as { anyOf?: readonly TSchema[] }).anyOf;
  if (anyOf !== undefined && anyOf.every((s) => "const" in s)) {
    const options = anyOf.map((s) => String((s as unknown as { const: unknown }).const));
    const hint = typeof e.value === "string" ? didYouMean(e.value, options) : "";
    return {
      path,
      message: `${where} must be one of ${options.map((o) => `\`${o}\``).join(", ")}; got \`${show(e.value)}\`${hint}`,
      help: undefined,
      onKey: false,
    };
  }
  return {
    path,
    message: `${where} must be ${description ?? e.message.toLowerCase()}; got \`${show(e.value)}\``,
    help: undefined,
    onKey: false,
  };
}

/** Problems of `value` against `schema`, descending into the object branch of a union when the value is an object. */
function problems(schema: TSchema, value: unknown, prefix: JsonPath): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const errors = [...Value.Errors(schema, value)];
  // A missing key is reported once, as missing, not also as a value of the wrong type.
  const missing = new Set(errors.filter((e) => e.type === ValueErrorType.ObjectRequiredProperty).map((e) => e.path));
  for (const e of errors) {
    if (e.type !== ValueErrorType.ObjectRequiredProperty && missing.has(e.path)) continue;
    const anyOf = (e.schema as { anyOf?: readonly TSchema[] }).anyOf;
    const objectBranch = anyOf?.find((s) => (s as { type?: unknown }).type === "object");
    if (
      e.type === ValueErrorType.Union &&
      objectBranch !== undefined &&
      typeof e.value === "object" &&
      e.value !== null &&
      !Array.isArray(e.value)
    ) {
      out.push(...problems(objectBranch, e.value, [...prefix, ...pointerToPath(e.path)]));
      continue;
    }
    out.push(problemOf(e, prefix));
  }
  return out;
}

/**
 * Every problem of `raw` against the policy schema, each once. A missing key
 * that an unknown key in the same object is a misspelling of is not reported
 * on its own (`{too: x}` is one mistake, not also a missing `to`).
 */
function schemaProblems(raw: unknown): Problem[] {
  const found = problems(PolicySchema, raw, []);
  const misspelt = new Set(
    found.filter((p) => p.suggests !== undefined).map((p) => `${formatKey(p.path.slice(0, -1))}\0${p.suggests ?? ""}`),
  );
  const seen = new Set<string>();
  return found.filter((p) => {
    if (p.missing !== undefined && misspelt.has(`${formatKey(p.path)}\0${p.missing}`)) return false;
    const id = `${formatKey(p.path)}\0${p.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

// ---------------------------------------------------------------------------
// Names

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function names(value: string | readonly string[] | undefined): readonly string[] | undefined {
  return value === undefined ? undefined : typeof value === "string" ? [value] : value;
}

function effectClasses(catalog: Catalog): Set<string> {
  const out = new Set<string>();
  for (const fn of catalog.functions.values()) if (fn.effect !== undefined) out.add(fn.effect);
  return out;
}

/** The keys a flow rule may have. */
const FLOW_KEYS = ["to", "from", "notFrom"];

/**
 * Every name in `file` the catalog lacks, and the other problems the schema
 * cannot see (`min` above `max`, a flow without a source, an order rule on
 * one function). Reads `file` defensively: it may not match the schema, and
 * each check looks only at values of the type it needs, so that a name is
 * checked whatever is wrong beside it.
 */
function nameProblems(file: unknown, catalog: Catalog): Problem[] {
  const out: Problem[] = [];
  if (!isObj(file)) return out;
  const report = (path: JsonPath, message: string, help?: string, onKey = false): void => {
    out.push({ path, message, help, onKey });
  };
  const functionNames = [...catalog.functions.keys()];
  const sources = [...functionNames, ...catalog.inputs.keys()];
  const classes = effectClasses(catalog);
  /** Reports `name` unless it is a catalog function; true when it is one. */
  const needFunction = (name: string, path: JsonPath): boolean => {
    if (catalog.functions.has(name)) return true;
    const asInput = catalog.inputs.has(name) ? ` (\`${name}\` is an input)` : "";
    report(
      path,
      `\`${formatKey(path)}\` names \`${name}\`, which is not a catalog function${asInput}${didYouMean(name, functionNames)}`,
      `the catalog's functions are ${list(functionNames)}`,
    );
    return false;
  };

  if (isObj(file.budgets)) {
    for (const [key, budget] of Object.entries(file.budgets)) {
      const path: JsonPath = ["budgets", key];
      if (key === "*" || key === "cost") {
        // all calls / total cost
      } else if (key.startsWith("effect:")) {
        const cls = key.slice("effect:".length);
        if (!classes.has(cls)) {
          report(
            path,
            `budget \`${key}\` names effect class \`${cls}\`, which no catalog function has${didYouMean(cls, classes)}`,
            classes.size === 0
              ? "the catalog has no effectful functions"
              : `the catalog's effect classes are ${list(classes)}`,
            true,
          );
        }
      } else if (!catalog.functions.has(key)) {
        const candidates = [...functionNames, ...[...classes].map((c) => `effect:${c}`), "*", "cost"];
        report(
          path,
          `budget \`${key}\` names no catalog function${didYouMean(key, candidates)}`,
          "a budget key is a catalog function, `effect:CLASS`, `*` (all calls) or `cost`",
          true,
        );
      }
      if (
        isObj(budget) &&
        typeof budget.min === "number" &&
        typeof budget.max === "number" &&
        budget.min > budget.max
      ) {
        report([...path, "min"], `budget \`${key}\` has \`min\` ${budget.min} above \`max\` ${budget.max}`);
      }
    }
  }

  if (Array.isArray(file.flows)) {
    (file.flows as readonly unknown[]).forEach((flow, i) => {
      if (!isObj(flow)) return;
      const at: JsonPath = ["flows", i];
      if (typeof flow.to === "string") checkFlowTarget(flow.to, i);
      const misspeltSource = Object.keys(flow).some((k) => {
        const s = FLOW_KEYS.includes(k) ? undefined : suggest(k, FLOW_KEYS);
        return s === "from" || s === "notFrom";
      });
      if (flow.from === undefined && flow.notFrom === undefined && !misspeltSource) {
        report(at, `\`flows[${i}]\` needs \`from\` or \`notFrom\``, "e.g. `from: [identify_overlap]`");
      }
      for (const key of ["from", "notFrom"] as const) {
        const value = flow[key];
        const list_: readonly unknown[] = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
        list_.forEach((name, j) => {
          if (typeof name !== "string" || catalog.functions.has(name) || catalog.inputs.has(name)) return;
          const path: JsonPath = typeof value === "string" ? [...at, key] : [...at, key, j];
          report(
            path,
            `\`${formatKey([...at, key])}\` names \`${name}\`, which is neither a catalog function nor an input${didYouMean(name, sources)}`,
            "a flow source is a catalog function or an input",
          );
        });
      }
    });
  }

  function checkFlowTarget(to: string, i: number): void {
    const path: JsonPath = ["flows", i, "to"];
    const parts = to.split(".");
    const fnName = parts[0] ?? "";
    if (parts.length > 2 || fnName === "") {
      report(path, `\`flows[${i}].to\` must be \`FUNCTION\` or \`FUNCTION.PARAM\`; got \`${to}\``);
      return;
    }
    if (!needFunction(fnName, path)) return;
    const param = parts[1];
    const fn = catalog.functions.get(fnName);
    if (param !== undefined && fn !== undefined && !fn.params.some((p) => p.name === param)) {
      const params = fn.params.map((p) => p.name);
      report(
        path,
        `\`${fnName}\` has no parameter \`${param}\`${didYouMean(param, params)}`,
        params.length === 0
          ? `\`${fnName}\` takes no parameters`
          : `the parameters of \`${fnName}\` are ${list(params)}`,
      );
    }
  }

  if (Array.isArray(file.order)) {
    (file.order as readonly unknown[]).forEach((rule, i) => {
      if (!isObj(rule)) return;
      const before = typeof rule.before === "string" ? rule.before : undefined;
      const then = typeof rule.then === "string" ? rule.then : undefined;
      const knownBefore = before !== undefined && needFunction(before, ["order", i, "before"]);
      const knownThen = then !== undefined && needFunction(then, ["order", i, "then"]);
      if (knownBefore && knownThen && before === then) {
        report(["order", i], `\`order[${i}]\` puts \`${before}\` before itself`);
      }
    });
  }

  if (Array.isArray(file.approve)) {
    (file.approve as readonly unknown[]).forEach((name, i) => {
      if (typeof name === "string") needFunction(name, ["approve", i]);
    });
  }
  return out;
}

function list(names: Iterable<string>): string {
  return [...names].map((n) => `\`${n}\``).join(", ");
}

// ---------------------------------------------------------------------------
// Merge

function budgetOf(value: BudgetValue): Budget {
  return typeof value === "number"
    ? { min: undefined, max: value, explicit: true }
    : { min: value.min, max: value.max, explicit: true };
}

function merge(file: PolicyFile, catalog: Catalog, source: PolicySource): Policy {
  const base = presetPolicy(file.extends ?? "recommended", catalog);
  const functions = new Map(base.budgets.functions);
  const effects = new Map(base.budgets.effects);
  let all = base.budgets.all;
  let cost = base.budgets.cost;
  for (const [key, value] of Object.entries(file.budgets ?? {})) {
    const budget = budgetOf(value);
    if (key === "*") all = budget;
    else if (key === "cost") cost = budget;
    else if (key.startsWith("effect:")) effects.set(key.slice("effect:".length), budget);
    else functions.set(key, budget);
  }
  // An explicit class budget governs the functions of that class the file does not name.
  for (const [name, budget] of [...functions]) {
    const effect = catalog.functions.get(name)?.effect;
    if (!budget.explicit && effect !== undefined && effects.get(effect)?.explicit === true) functions.delete(name);
  }
  const rules = new Map<RuleName, RuleSetting>(base.rules);
  for (const rule of CONFIGURABLE_RULES) {
    const setting = file.rules?.[rule];
    if (setting !== undefined) rules.set(rule, setting);
  }
  const flows: FlowRule[] = (file.flows ?? []).map((f) => {
    const [fn = "", param] = f.to.split(".");
    return { to: { fn, param }, from: names(f.from), notFrom: names(f.notFrom) };
  });
  const order: OrderRule[] = (file.order ?? []).map((o) => ({ before: o.before, then: o.then }));
  const p: Omit<Policy, "hash"> = {
    source: source.path,
    maxLoopDepth: file.maxLoopDepth ?? base.maxLoopDepth,
    shape: file.shape ?? base.shape,
    budgets: { functions, effects, all, cost },
    flows,
    order,
    glue: { maxOps: file.glue?.maxOps ?? base.glue.maxOps },
    approve: file.approve ?? base.approve,
    rules,
  };
  const policy: Policy = { ...p, hash: policyHash(p) };
  return deepFreeze(policy);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value) && !(value instanceof Map)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  if (value instanceof Map) for (const v of value.values()) deepFreeze(v);
  return value;
}
