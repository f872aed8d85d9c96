/**
 * A resolved policy: what `loadPolicy` returns after parsing, validating
 * against the schema, applying `extends` presets and checking every name
 * against the catalog. The checker and the runtime read only this.
 */
import type { RuleName, RuleSetting } from "../diagnostics/codes.js";

export type Shape = "sequence" | "tree" | "dag";

/** A budget: at most `max` calls (and, when given, at least `min` on every run). */
export interface Budget {
  readonly min: number | undefined;
  readonly max: number;
  /** True when the budget was written in the policy (not filled in by a preset). */
  readonly explicit: boolean;
}

export interface Budgets {
  /** Per catalog function. */
  readonly functions: ReadonlyMap<string, Budget>;
  /** Per effect class (`effect:CLASS` keys). */
  readonly effects: ReadonlyMap<string, Budget>;
  /** All catalog calls together (`"*"`). */
  readonly all: Budget | undefined;
  /** Sum of `@cost` over all calls (`cost`). */
  readonly cost: Budget | undefined;
}

/** `FUNCTION.PARAM` or `FUNCTION` (every argument). */
export interface FlowTarget {
  readonly fn: string;
  readonly param: string | undefined;
}

export interface FlowRule {
  readonly to: FlowTarget;
  /** Must derive (by data) from one of these sources (functions or inputs). */
  readonly from: readonly string[] | undefined;
  /** Must never derive (by data or control) from these. */
  readonly notFrom: readonly string[] | undefined;
}

export interface OrderRule {
  readonly before: string;
  readonly then: string;
}

export interface Policy {
  /** Where it came from (a file path, `<object>` or a preset name). */
  readonly source: string;
  /** Content hash (sha256 hex) of the resolved policy, for attribution. */
  readonly hash: string;
  readonly maxLoopDepth: number;
  readonly shape: Shape;
  readonly budgets: Budgets;
  readonly flows: readonly FlowRule[];
  readonly order: readonly OrderRule[];
  readonly glue: { readonly maxOps: number | undefined };
  readonly approve: readonly string[];
  /** Effective setting of every rule (defaults filled in). */
  readonly rules: ReadonlyMap<RuleName, RuleSetting>;
}
