/**
 * Shared by the flow rules: which arguments a policy flow rule targets,
 * and notes that say where a value came from.
 */
import type { Note } from "../../diagnostics/diagnostic.js";
import type { FlowRule } from "../../policy/types.js";
import type { Call, Expr } from "../../syntax/ast.js";
import type { Facts } from "../facts.js";
import { code, sourcePhrase } from "../messages.js";

/** A targeted argument of a call. */
export interface FlowArg {
  readonly call: Call;
  readonly param: string;
  readonly expr: Expr;
}

/** The arguments of every call that `rule.to` names, in source order. */
export function targetedArgs(facts: Facts, rule: FlowRule): FlowArg[] {
  const out: FlowArg[] = [];
  for (const call of facts.bounds.sitesByFunction.get(rule.to.fn) ?? []) {
    for (const a of facts.types.callArgs[call.id] ?? []) {
      if (rule.to.param === undefined || a.param.name === rule.to.param) {
        out.push({ call, param: a.param.name, expr: a.expr });
      }
    }
  }
  return out;
}

/** Notes pointing at the sources in `set` (at most `limit`). */
export function originNotes(facts: Facts, set: number, subject: string, limit = 3): Note[] {
  const { origins, tree } = facts;
  const notes: Note[] = [];
  for (const src of origins.sets.members(set)) {
    if (notes.length >= limit) break;
    const s = origins.sources[src];
    if (s === undefined) continue;
    if (s.kind === "call") {
      const node = tree.nodes[s.call];
      notes.push({ message: `${subject} derives from ${sourcePhrase(s)}`, ...(node ? { span: node.span } : {}) });
    } else notes.push({ message: `${subject} derives from ${sourcePhrase(s)}` });
  }
  return notes;
}

/** "`r`" for a name, "the argument" otherwise. */
export function subjectOf(e: Expr): string {
  return e.kind === "Name" ? `\`${e.name}\`` : `\`${code(e)}\``;
}
