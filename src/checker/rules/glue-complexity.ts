/**
 * `glue-complexity`: more glue operations than the policy's `glue.maxOps`.
 * Glue is everything the composition computes itself, outside catalog
 * calls; a composition that does real work in glue is doing a subtask
 * without a trusted solver. See the docs for the exact count.
 */
import { RULES } from "../../diagnostics/codes.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Node } from "../../syntax/ast.js";
import type { Facts } from "../facts.js";
import type { Rule } from "./rule.js";

/** How many glue operations node `n` itself counts for (not its children). */
export function glueWeight(facts: Facts, n: Node): number {
  switch (n.kind) {
    case "BinOp":
    case "BoolOp":
    case "UnaryOp":
    case "Compare":
    case "IfExp":
    case "Subscript":
    case "Slice":
    case "List":
    case "Tuple":
    case "Dict":
    case "FString":
    case "AugAssign":
    case "TupleTarget":
    case "For":
      return 1;
    case "If":
      return 1;
    case "Comprehension":
      return 1 + n.ifs.length;
    case "Attribute": {
      const parent = facts.tree.nodes[facts.tree.parent[n.id] ?? -1];
      return parent?.kind === "Call" && parent.callee === n ? 0 : 1;
    }
    case "Call":
      return facts.types.callTarget[n.id]?.kind === "catalog" ? 0 : 1;
    case "Assign":
    case "Bool":
    case "Break":
    case "Continue":
    case "DictComp":
    case "ExprStmt":
    case "ListComp":
    case "Module":
    case "Name":
    case "None":
    case "Number":
    case "Pass":
    case "Return":
    case "String":
    default:
      return 0;
  }
}

/** Glue operations of the whole module, and the node where the count first passes `limit`. */
export function countGlue(facts: Facts, limit: number): { count: number; passedAt: Node | undefined } {
  let count = 0;
  let passedAt: Node | undefined;
  for (const n of facts.tree.nodes) {
    if (n === undefined) continue;
    count += glueWeight(facts, n);
    if (passedAt === undefined && count > limit) passedAt = n;
  }
  return { count, passedAt };
}

export const glueComplexity: Rule = {
  ...RULES["glue-complexity"],
  docs: `Glue is what the composition computes itself rather than through a catalog call. Each of these counts as one operation: an operator (\`+ - * / // %\`, \`and\`, \`or\`, \`not\`, unary \`-\`/\`+\`, a comparison, \`+=\`), a conditional (\`if\`/\`elif\`, \`a if c else b\`), a \`for\` loop, a comprehension clause and each of its \`if\` filters, a subscript or slice (also \`d[k] = v\`), a field read \`x.f\`, a builtin or method call, a list/tuple/dict literal, an f-string, and tuple unpacking. Names, numbers, strings, \`True\`/\`False\`/\`None\`, plain assignment, \`return\`, \`pass\`, \`break\`, \`continue\` and catalog calls count zero. The count is compared with \`glue.maxOps\` and reported once.

Invalid (with \`glue: {maxOps: 3}\`):

\`\`\`python
total = sum([len(x) for x in xs if x]) + 1
\`\`\`

Valid:

\`\`\`python
total = count_items(xs)
\`\`\``,
  run(ctx) {
    const max = ctx.policy.glue.maxOps;
    if (max === undefined) return [];
    const { count, passedAt } = countGlue(ctx.facts, max);
    if (count <= max || passedAt === undefined) return [];
    return [
      diagnostic("glue-complexity", {
        message: `the composition has ${count} glue operations; the policy allows ${max}`,
        span: passedAt.span,
        notes: [{ message: `the count passes ${max} here`, span: passedAt.span }],
        help: "move the computation into a catalog subtask, or raise `glue.maxOps` in the policy",
      }),
    ];
  },
};
