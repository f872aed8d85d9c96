/**
 * `unused-variable`: an assignment whose value is never read (liveness
 * over the CFG), and comprehension variables never read. Names starting
 * with `_` are exempt.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Name } from "../../syntax/ast.js";
import type { Facts } from "../facts.js";
import type { Rule } from "./rule.js";

function isLoopTarget(facts: Facts, name: Name): boolean {
  const { tree } = facts;
  let child = name.id;
  let p = tree.parent[child] ?? -1;
  while (tree.nodes[p]?.kind === "TupleTarget") {
    child = p;
    p = tree.parent[p] ?? -1;
  }
  const node = tree.nodes[p];
  return (node?.kind === "For" || node?.kind === "Comprehension") && node.target.id === child;
}

function report(facts: Facts, name: Name): Diagnostic {
  const v = facts.binding.variables[facts.binding.resolution[name.id] ?? -1];
  const neverRead = v === undefined || v.reads.length === 0;
  if (isLoopTarget(facts, name)) {
    return diagnostic("unused-variable", {
      message: `the loop variable \`${name.name}\` is never read`,
      span: name.span,
      help: "name it `_` if the loop does not need it",
    });
  }
  if (neverRead) {
    return diagnostic("unused-variable", {
      message: `\`${name.name}\` is assigned but never read`,
      span: name.span,
      help: `remove the assignment, or use \`${name.name}\``,
    });
  }
  return diagnostic("unused-variable", {
    message: `the value assigned to \`${name.name}\` here is never read`,
    span: name.span,
    notes: [{ message: `\`${name.name}\` is read elsewhere, but never after this assignment` }],
    help: "remove the assignment, or use the value",
  });
}

export const unusedVariable: Rule = {
  ...RULES["unused-variable"],
  docs: `A value assigned and never read is dead code, and often a sign that the wrong variable is used elsewhere. Each assignment is checked on its own: a variable reassigned before its old value is read reports the old assignment. Names starting with \`_\` are exempt.

Invalid:

\`\`\`python
bookings = {}
r = identify_overlap(prefs)
\`\`\`

Valid:

\`\`\`python
r = identify_overlap(prefs)
book_table(r)
\`\`\``,
  run(ctx) {
    const { facts } = ctx;
    const out: Diagnostic[] = [];
    for (const id of facts.deadStores) {
      const name = facts.tree.nodes[id];
      if (name?.kind !== "Name" || name.name.startsWith("_")) continue;
      out.push(report(facts, name));
    }
    for (const v of facts.binding.variables) {
      if (v.comprehension === undefined || v.reads.length > 0 || v.name.startsWith("_")) continue;
      for (const d of v.defs) out.push(report(facts, d));
    }
    return out;
  },
};
