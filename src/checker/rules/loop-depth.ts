/**
 * `loop-depth`: loops (`for` statements and comprehension clauses) nested
 * deeper than the policy's `maxLoopDepth`. Reports the outermost loop of
 * each too-deep nest, on its header, with a note at every enclosing loop.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic, Note } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { enclosingLoops } from "../tree.js";
import { headerSpan } from "../messages.js";
import type { Rule } from "./rule.js";

export const loopDepth: Rule = {
  ...RULES["loop-depth"],
  docs: `Each loop multiplies the calls inside it; nested loops multiply them again and hide what a composition does. The policy's \`maxLoopDepth\` caps nesting (0 forbids loops). A comprehension clause counts as a loop.

Invalid (with \`maxLoopDepth: 1\`):

\`\`\`python
for u in users:
    for r in ask_preference(u):
        book_table(r)
\`\`\`

Valid:

\`\`\`python
prefs = {}
for u in users:
    prefs[u] = ask_preference(u)
book_table(identify_overlap(prefs))
\`\`\``,
  run(ctx) {
    const { tree } = ctx.facts;
    const max = ctx.policy.maxLoopDepth;
    const out: Diagnostic[] = [];
    for (const loop of tree.loops) {
      const depth = tree.loopDepth[loop.id] ?? 0;
      if (depth !== max + 1) continue;
      ctx.at(loop);
      const outer = enclosingLoops(tree, loop.id).reverse();
      const notes: Note[] = outer.map((l) => ({ message: "outer loop here", span: headerSpan(l) }));
      out.push(
        diagnostic("loop-depth", {
          message: `loop nested ${depth} deep; the policy allows ${max}`,
          span: headerSpan(loop),
          notes,
          help:
            max === 0
              ? "the policy allows no loops: move the loop into a subtask that takes the whole collection"
              : "move the inner loop into a subtask, or restructure into one loop",
        }),
      );
    }
    return out;
  },
};
