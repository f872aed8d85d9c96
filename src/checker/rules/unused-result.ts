/**
 * `unused-result`: an expression statement that calls a pure catalog
 * function: its result is thrown away and, being pure, it did nothing else.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Rule } from "./rule.js";

export const unusedResult: Rule = {
  ...RULES["unused-result"],
  docs: `A pure catalog call (no \`@effect\`) only computes its result; calling it as a statement throws that result away.

Invalid:

\`\`\`python
identify_overlap(prefs)
\`\`\`

Valid:

\`\`\`python
r = identify_overlap(prefs)
book_table(r)
\`\`\``,
  run(ctx) {
    const { tree, types } = ctx.facts;
    const out: Diagnostic[] = [];
    for (const s of tree.stmts) {
      if (s.kind !== "ExprStmt" || s.expr.kind !== "Call") continue;
      const t = types.callTarget[s.expr.id];
      if (t?.kind !== "catalog" || t.fn.effect !== undefined) continue;
      out.push(
        diagnostic("unused-result", {
          message: `the result of \`${t.fn.name}\` is thrown away`,
          span: s.expr.span,
          help: `assign it and use it, e.g. \`x = ${t.fn.name}(…)\`, or remove the call: a pure call has no other effect`,
        }),
      );
    }
    return out;
  },
};
