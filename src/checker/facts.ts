/**
 * `analyze`: runs the passes in order over one readonly module and returns
 * their side tables. Each pass is a pure function of the module and the
 * tables before it: tree index → binder → CFG (built once) → definite
 * assignment, liveness, last-iteration values (sparse, per variable) → types → origins → bounds.
 * Rules, `explain` and the runtime read these facts; nothing writes to the
 * AST.
 */
import type { Catalog } from "../catalog/types.js";
import type { Policy } from "../policy/types.js";
import type { Module } from "../syntax/ast.js";
import type { Binding } from "./binder.js";
import { bindModule } from "./binder.js";
import type { BoundsFacts } from "./bounds.js";
import { computeBounds } from "./bounds.js";
import type { Cfg } from "./cfg.js";
import { buildCfg } from "./cfg.js";
import type { OriginFacts } from "./dataflow.js";
import { computeOrigins } from "./dataflow.js";
import type { TreeIndex } from "./tree.js";
import { indexTree } from "./tree.js";
import type { TypeFacts } from "./types.js";
import { inferTypes } from "./types.js";
import type { LastIterationRead } from "./variable-flow.js";
import { variableFlow } from "./variable-flow.js";

/** Everything the checker computed about one module. */
export interface Facts {
  readonly module: Module;
  readonly catalog: Catalog;
  readonly policy: Policy;
  /** Parents, loops, statements, controls, calls by node id. */
  readonly tree: TreeIndex;
  /** Scopes, variables, name resolution, reads and writes per CFG element. */
  readonly binding: Binding;
  /** The control-flow graph. */
  readonly cfg: Cfg;
  /** Reads of variables that may be unset on some path (`Name` ids). */
  readonly unsetReads: readonly number[];
  /** Assignments whose value is never read (target `Name` ids). */
  readonly deadStores: readonly number[];
  /** Reads after a loop of a variable the loop overwrites each iteration. */
  readonly lastIterationReads: readonly LastIterationRead[];
  /** Types, call targets, bound arguments, type findings. */
  readonly types: TypeFacts;
  /** Data and control origins of every expression. */
  readonly origins: OriginFacts;
  /** Loop bounds, call-site bounds and totals. */
  readonly bounds: BoundsFacts;
}

/** Runs every analysis pass over `module`. Throws only on a bug in a pass. */
export function analyze(module: Module, catalog: Catalog, policy: Policy): Facts {
  const tree = indexTree(module);
  const binding = bindModule(module, catalog);
  const cfg = buildCfg(module);
  const vars = variableFlow(binding, cfg, tree);
  const types = inferTypes(tree, binding, catalog);
  const origins = computeOrigins(tree, binding, types, catalog);
  const bounds = computeBounds(tree, binding, types, catalog);
  return {
    module,
    catalog,
    policy,
    tree,
    binding,
    cfg,
    unsetReads: vars.unsetReads,
    deadStores: vars.deadStores,
    lastIterationReads: vars.lastIterationReads,
    types,
    origins,
    bounds,
  };
}
