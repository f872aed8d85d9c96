/**
 * What a rule is: metadata (name, code and default severity from the one
 * registry in `diagnostics/codes.ts`, a description, a docs paragraph with
 * an invalid and a valid example) and a `run` that reads the facts and
 * returns diagnostics. Rules are plain objects created once at module load;
 * the policy decides their severity, not the rule.
 */
import type { Catalog } from "../../catalog/types.js";
import type { RuleInfo, RuleName } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { Policy } from "../../policy/types.js";
import type { Node } from "../../syntax/ast.js";
import type { Facts } from "../facts.js";

/** What a rule reads. */
export interface RuleContext {
  readonly facts: Facts;
  readonly catalog: Catalog;
  readonly policy: Policy;
  /** Records the node being examined, so a crash is reported on it. */
  at(node: Node): void;
}

/** A rule of the checker. */
export interface Rule extends RuleInfo {
  readonly name: RuleName;
  /** Markdown: what the rule finds and why, with an invalid and a valid example. */
  readonly docs: string;
  run(ctx: RuleContext): readonly Diagnostic[];
}
