/**
 * Structural features of a composition, the axes `partwise p2c` breaks its
 * numbers down by. Each is read from the checker's own facts (`analyze`),
 * the same facts its rules decide on, so a feature never disagrees with a
 * verdict:
 *
 * - `loopDepth`: the deepest loop nest, `for` loops and comprehension
 *   clauses alike (`tree.loopDepth`, what `loop-depth` compares with
 *   `maxLoopDepth`): the rule fires exactly when `loopDepth > maxLoopDepth`.
 * - `shape`: the first policy shape the `shape` rule accepts: `sequence`
 *   when it reports nothing under `shape: sequence` (no loops, branches,
 *   comprehensions or conditional expressions), else `tree` when it
 *   reports nothing under `shape: tree` (no catalog result consumed twice),
 *   else `dag`. The rule tests the two separately, so a `sequence`
 *   composition that uses a result twice still fails `shape: tree`.
 * - `effectCalls`: catalog call sites whose function has an `@effect` (the
 *   call targets `effect-in-loop` examines).
 * - `catalogCalls`: catalog call sites (`types.callTarget` of kind
 *   `catalog`, the sites the bounds count).
 * - `glueOps`: glue operations as `glue-complexity` counts them
 *   (`countGlue`): the rule fires exactly when `glueOps > glue.maxOps`.
 *
 * A composition with a `syntax` error has no features: the checker stops
 * at the parse and computes no facts.
 */
import type { Catalog } from "../catalog/types.js";
import { analyze, defaultPolicy, type Facts } from "../checker/check.js";
import { countGlue } from "../checker/rules/glue-complexity.js";
import { shape as shapeRule } from "../checker/rules/shape.js";
import type { Policy, Shape } from "../policy/types.js";
import type { Module } from "../syntax/ast.js";
import { parse } from "../syntax/parse.js";

/** What `p2c` groups by. */
export interface CompositionFeatures {
  readonly loopDepth: number;
  readonly shape: "sequence" | "tree" | "dag";
  readonly effectCalls: number;
  readonly catalogCalls: number;
  readonly glueOps: number;
}

/** True when the checker's `shape` rule accepts the analysed module under `shape`. */
function fitsShape(facts: Facts, shape: Shape): boolean {
  const policy: Policy = { ...facts.policy, shape };
  return shapeRule.run({ facts, catalog: facts.catalog, policy, at: () => undefined }).length === 0;
}

/** The features of an analysed composition (see the module comment). */
export function featuresFromFacts(facts: Facts): CompositionFeatures {
  const { tree, types } = facts;
  let loopDepth = 0;
  for (const loop of tree.loops) loopDepth = Math.max(loopDepth, tree.loopDepth[loop.id] ?? 0);
  let catalogCalls = 0;
  let effectCalls = 0;
  for (const call of tree.calls) {
    const target = types.callTarget[call.id];
    if (target?.kind !== "catalog") continue;
    catalogCalls++;
    if (target.fn.effect !== undefined) effectCalls++;
  }
  return {
    loopDepth,
    shape: fitsShape(facts, "sequence") ? "sequence" : fitsShape(facts, "tree") ? "tree" : "dag",
    effectCalls,
    catalogCalls,
    glueOps: countGlue(facts, Infinity).count,
  };
}

/**
 * The features of a parsed composition against a catalog (and policy; the
 * features do not depend on it, `recommended` by default). Throws only on
 * a bug in an analysis pass.
 */
export function compositionFeatures(module: Module, catalog: Catalog, policy?: Policy): CompositionFeatures {
  return featuresFromFacts(analyze(module, catalog, policy ?? defaultPolicy(catalog)));
}

/**
 * The features of a composition's source text; `undefined` when it has a
 * `syntax` error (the checker computes no facts then) or an analysis pass
 * fails (`check` reports that as an `internal` diagnostic).
 */
export function sourceFeatures(
  source: string,
  opts: { readonly catalog: Catalog; readonly policy?: Policy; readonly file?: string },
): CompositionFeatures | undefined {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source, opts.file ?? "<input>");
  } catch {
    return undefined;
  }
  if (parsed.diagnostics.some((d) => d.rule === "syntax")) return undefined;
  try {
    return compositionFeatures(parsed.module, opts.catalog, opts.policy);
  } catch {
    return undefined;
  }
}
