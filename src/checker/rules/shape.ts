/**
 * `shape`: a composition outside the policy's shape. `sequence` allows no
 * loops, branches, comprehensions or conditional expressions (each is
 * reported). `tree` allows a catalog call's result to be consumed once: a
 * variable holding a call's result that is read in two places, or read
 * inside a loop that repeats the read, is reported at the extra read.
 * `dag` allows anything: the language has no cycles.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Name, Node } from "../../syntax/ast.js";
import type { Facts } from "../facts.js";
import { headerSpan, lineOf } from "../messages.js";
import type { Rule } from "./rule.js";

function sequence(facts: Facts): Diagnostic[] {
  const out: Diagnostic[] = [];
  const say = (node: Node, what: string, help: string): void => {
    out.push(
      diagnostic("shape", {
        message: `${what}, but the policy's shape is \`sequence\``,
        span: headerSpan(node),
        help,
      }),
    );
  };
  for (const node of facts.tree.nodes) {
    if (node === undefined) continue;
    switch (node.kind) {
      case "For":
        say(node, "a `for` loop", "write the steps one after another, or move the loop into a subtask");
        break;
      case "If":
        if (!node.isElif)
          say(node, "an `if` statement", "write the steps one after another, or move the decision into a subtask");
        break;
      case "ListComp":
      case "DictComp":
        say(node, "a comprehension", "write the steps one after another, or move the loop into a subtask");
        break;
      case "IfExp":
        say(node, "a conditional expression", "write the steps one after another, or move the decision into a subtask");
        break;
      case "Assign":
      case "Attribute":
      case "AugAssign":
      case "BinOp":
      case "Bool":
      case "BoolOp":
      case "Break":
      case "Call":
      case "Compare":
      case "Comprehension":
      case "Continue":
      case "Dict":
      case "ExprStmt":
      case "FString":
      case "List":
      case "Module":
      case "Name":
      case "None":
      case "Number":
      case "Pass":
      case "Return":
      case "Slice":
      case "String":
      case "Subscript":
      case "Tuple":
      case "TupleTarget":
      case "UnaryOp":
      default:
        break;
    }
  }
  return out;
}

function tree(facts: Facts): Diagnostic[] {
  const { binding, tree: t, types } = facts;
  const out: Diagnostic[] = [];
  for (const v of binding.variables) {
    if (v.comprehension !== undefined || v.reads.length === 0) continue;
    // Only variables that hold a catalog call's result directly.
    let fn: string | undefined;
    let def: Name | undefined;
    let allCalls = true;
    for (const d of v.defs) {
      const parent = t.nodes[t.parent[d.id] ?? -1];
      const target = parent?.kind === "Assign" && parent.target === d ? types.callTarget[parent.value.id] : undefined;
      if (target?.kind === "catalog") {
        fn ??= target.fn.name;
        def ??= d;
      } else allCalls = false;
    }
    if (!allCalls || fn === undefined || def === undefined) continue;
    const firstRead = v.reads[0];
    const second = v.reads[1];
    const defLoop = t.loopOf[t.stmtOf[def.id] ?? -1] ?? -1;
    const repeated = v.reads.find((r) => {
      const l = t.loopOf[r.id] ?? -1;
      return l >= 0 && l !== defLoop;
    });
    const extra = second ?? repeated;
    if (extra === undefined || firstRead === undefined) continue;
    out.push(
      diagnostic("shape", {
        message: `the result of \`${fn}\` in \`${v.name}\` is used more than once, but the policy's shape is \`tree\``,
        span: extra.span,
        notes:
          extra === firstRead
            ? [{ message: `it is read inside a loop, once per iteration`, span: extra.span }]
            : [{ message: `first used here, at line ${lineOf(firstRead)}`, span: firstRead.span }],
        help: `give each consumer its own call of \`${fn}\`, or allow \`shape: dag\` in the policy`,
      }),
    );
  }
  return out;
}

export const shape: Rule = {
  ...RULES.shape,
  docs: `The policy's \`shape\` restricts how subtasks combine. \`sequence\`: straight-line steps only (no loops, \`if\`, comprehensions or \`a if c else b\`). \`tree\`: each catalog call's result feeds one consumer. \`dag\` (the default): any composition.

Invalid (with \`shape: sequence\`):

\`\`\`python
for u in users:
    notify(u)
\`\`\`

Valid:

\`\`\`python
text = draft(topic)
publish(review(text))
\`\`\``,
  run(ctx) {
    switch (ctx.policy.shape) {
      case "sequence":
        return sequence(ctx.facts);
      case "tree":
        return tree(ctx.facts);
      case "dag":
        return [];
    }
  },
};
