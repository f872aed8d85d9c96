/**
 * `effect-in-loop`: a catalog call with `@effect` inside a loop or a
 * comprehension, where it may change the world many times. Reports the
 * call, with a note at each enclosing loop's header.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic, Note } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { headerSpan, loopName, numTimes } from "../messages.js";
import { enclosingLoops } from "../tree.js";
import type { Rule } from "./rule.js";

export const effectInLoop: Rule = {
  ...RULES["effect-in-loop"],
  docs: `A call that changes the outside world (\`@effect\`) should happen a known number of times, in one place a person can approve. Inside a loop it runs once per element, with arguments that change on every iteration.

Invalid:

\`\`\`python
for r in restaurants:
    book_table(r)
\`\`\`

Valid:

\`\`\`python
r = identify_overlap(prefs)
book_table(r)
\`\`\``,
  run(ctx) {
    const { tree, types, bounds } = ctx.facts;
    const out: Diagnostic[] = [];
    for (const call of tree.calls) {
      const t = types.callTarget[call.id];
      if (t?.kind !== "catalog" || t.fn.effect === undefined) continue;
      if ((tree.loopOf[call.id] ?? -1) < 0) continue;
      ctx.at(call);
      const loops = enclosingLoops(tree, call.id);
      const notes: Note[] = loops.map((l) => ({
        message: `${loopName(ctx.facts, l.id)} repeats it ${numTimes(bounds.loopBound[l.id]?.max ?? Infinity)}`,
        span: headerSpan(l),
      }));
      const irreversible = t.fn.irreversible ? ", irreversible" : "";
      out.push(
        diagnostic("effect-in-loop", {
          message: `\`${t.fn.name}\` (effect \`${t.fn.effect}\`${irreversible}) is called inside a loop`,
          span: call.span,
          notes,
          help: "collect the arguments in the loop and make one call after it, or use a subtask that takes the whole collection",
        }),
      );
    }
    return out;
  },
};
