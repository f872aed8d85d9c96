/**
 * `flow-required`: an argument the policy says must derive from one of
 * `from` (functions or inputs), whose data origins hold none of them.
 * Uses data dependence only (a value merely computed *under* an `if` on a
 * required source does not derive from it).
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Facts } from "../facts.js";
import { orList, sourceName } from "../messages.js";
import type { FlowArg } from "./flow-common.js";
import { originNotes, subjectOf, targetedArgs } from "./flow-common.js";
import type { Rule } from "./rule.js";

interface State {
  readonly arg: FlowArg;
  readonly from: readonly string[];
}

function detect(facts: Facts): State[] {
  const { origins } = facts;
  const out: State[] = [];
  for (const rule of facts.policy.flows) {
    const from = rule.from;
    if (from === undefined || from.length === 0) continue;
    for (const arg of targetedArgs(facts, rule)) {
      const data = origins.data[arg.expr.id] ?? 0;
      const ok = origins.sets.members(data).some((src) => {
        const s = origins.sources[src];
        return s !== undefined && from.includes(sourceName(s));
      });
      if (!ok) out.push({ arg, from });
    }
  }
  return out;
}

/**
 * An example call with a value from `source` in the argument's own slot:
 * positional when it is the first parameter, by keyword otherwise
 * (`send_money(recipient=list_invoices(…))`). An input is passed as is.
 */
function example(facts: Facts, arg: FlowArg, source: string): string {
  const target = facts.types.callTarget[arg.call.id];
  const fnName = target?.kind === "catalog" ? target.fn.name : "…";
  const value = facts.catalog.inputs.has(source) ? source : `${source}(…)`;
  const first = target?.kind === "catalog" ? target.fn.params[0]?.name : undefined;
  if (first === arg.param) {
    const more = target?.kind === "catalog" && target.fn.params.length > 1 ? ", …" : "";
    return `${fnName}(${value}${more})`;
  }
  return `${fnName}(…, ${arg.param}=${value})`;
}

function report(facts: Facts, s: State): Diagnostic {
  const { arg } = s;
  const fn = facts.types.callTarget[arg.call.id];
  const fnName = fn?.kind === "catalog" ? fn.fn.name : "";
  const data = facts.origins.data[arg.expr.id] ?? 0;
  const subject = subjectOf(arg.expr);
  const notes = originNotes(facts, data, subject);
  if (notes.length === 0) notes.push({ message: `${subject} is computed from no catalog call or input` });
  return diagnostic("flow-required", {
    message: `argument \`${arg.param}\` of \`${fnName}\` does not derive from ${orList(s.from)}`,
    span: arg.expr.span,
    notes,
    help: `pass a value computed by ${orList(s.from)}, e.g. \`${example(facts, arg, s.from[0] ?? "…")}\``,
  });
}

export const flowRequired: Rule = {
  ...RULES["flow-required"],
  docs: `A policy can require an argument to derive, by data, from certain catalog functions or inputs (\`flows: [{to: book_table.restaurant, from: [identify_overlap]}]\`). Origins flow through assignments, operators, containers, builtins, methods and comprehensions.

Invalid:

\`\`\`python
for u in users:
    for r in ask_preference(u):
        book_table(r)          # r comes from ask_preference
\`\`\`

Valid:

\`\`\`python
book_table(identify_overlap(prefs))
\`\`\``,
  run(ctx) {
    return detect(ctx.facts).map((s) => {
      ctx.at(s.arg.expr);
      return report(ctx.facts, s);
    });
  },
};
