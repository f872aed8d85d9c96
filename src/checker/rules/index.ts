/**
 * The rule registry: every checker rule, in the order of the contract's
 * table. (`syntax` and `forbidden-construct` come from the parser.)
 */
import { badCall } from "./bad-call.js";
import { callBudget } from "./call-budget.js";
import { effectInLoop } from "./effect-in-loop.js";
import { flowForbidden } from "./flow-forbidden.js";
import { flowRequired } from "./flow-required.js";
import { glueComplexity } from "./glue-complexity.js";
import { loopDepth } from "./loop-depth.js";
import { loopOverwrite } from "./loop-overwrite.js";
import { order } from "./order.js";
import { reassignReserved } from "./reassign-reserved.js";
import type { Rule } from "./rule.js";
import { shape } from "./shape.js";
import { typeMismatch } from "./type-mismatch.js";
import { undefinedName } from "./undefined-name.js";
import { unknownFunction } from "./unknown-function.js";
import { unreachable } from "./unreachable.js";
import { unusedResult } from "./unused-result.js";
import { unusedVariable } from "./unused-variable.js";

export type { Rule, RuleContext } from "./rule.js";

/** Every checker rule. */
export const CHECKER_RULES: readonly Rule[] = [
  undefinedName,
  unknownFunction,
  badCall,
  typeMismatch,
  reassignReserved,
  loopDepth,
  effectInLoop,
  callBudget,
  flowRequired,
  flowForbidden,
  order,
  shape,
  glueComplexity,
  loopOverwrite,
  unusedVariable,
  unusedResult,
  unreachable,
];
