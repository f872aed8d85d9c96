/**
 * The built-in presets. `recommended`: `maxLoopDepth: 1`, `shape: dag`,
 * every effectful catalog function budget 1 per run unless the policy says
 * otherwise, every rule at its default severity. `strict`: also the
 * `unused-*` rules and `loop-overwrite` as errors and `glue.maxOps: 40`.
 */
import { createHash } from "node:crypto";
import type { Catalog } from "../catalog/types.js";
import { RULES, RULE_NAMES, type RuleName, type RuleSetting } from "../diagnostics/codes.js";
import type { Budget, Policy } from "./types.js";

export type PresetName = "recommended" | "strict";

/** Default severity of every rule. */
export function defaultRuleSettings(): Map<RuleName, RuleSetting> {
  return new Map(RULE_NAMES.map((r) => [r, RULES[r].defaultSeverity]));
}

/** Budget 1 for every effectful catalog function (the recommended default). */
export function effectBudgets(catalog: Catalog): Map<string, Budget> {
  const out = new Map<string, Budget>();
  for (const fn of catalog.functions.values()) {
    if (fn.effect !== undefined) out.set(fn.name, { min: undefined, max: 1, explicit: false });
  }
  return out;
}

/** A stable hash of a resolved policy (Maps written as sorted entries). */
export function policyHash(p: Omit<Policy, "hash">): string {
  const json = JSON.stringify(p, (_k, v: unknown) =>
    v instanceof Map ? [...(v as Map<string, unknown>).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : v,
  );
  return createHash("sha256").update(json).digest("hex");
}

/** The resolved `recommended` or `strict` preset for a catalog. */
export function presetPolicy(name: PresetName, catalog: Catalog): Policy {
  const rules = defaultRuleSettings();
  if (name === "strict") {
    rules.set("unused-variable", "error");
    rules.set("unused-result", "error");
    rules.set("loop-overwrite", "error");
  }
  const p: Omit<Policy, "hash"> = {
    source: name,
    maxLoopDepth: 1,
    shape: "dag",
    budgets: { functions: effectBudgets(catalog), effects: new Map(), all: undefined, cost: undefined },
    flows: [],
    order: [],
    glue: { maxOps: name === "strict" ? 40 : undefined },
    approve: [],
    rules,
  };
  return { ...p, hash: policyHash(p) };
}

/** The policy `check` and `run` use when none is given. */
export function recommendedPolicy(catalog: Catalog): Policy {
  return presetPolicy("recommended", catalog);
}
