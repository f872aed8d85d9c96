/**
 * `unreachable`: statements that no path from the start reaches (after a
 * `return`, `break` or `continue`, or after an `if` whose every branch
 * leaves). Uses CFG reachability; reports the first unreachable statement
 * of each run, with a note at what ends the path.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic, Note } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Stmt } from "../../syntax/ast.js";
import type { Facts } from "../facts.js";
import { headerSpan, lineOf } from "../messages.js";
import type { Rule } from "./rule.js";

function reachable(facts: Facts, s: Stmt): boolean {
  const b = facts.cfg.blockOf[s.id] ?? -1;
  return b >= 0 && facts.cfg.reachable[b] === 1;
}

function why(prev: Stmt): Note {
  switch (prev.kind) {
    case "Return":
      return { message: `\`return\` at line ${lineOf(prev)} ends the composition`, span: prev.span };
    case "Break":
      return { message: `\`break\` at line ${lineOf(prev)} leaves the loop`, span: prev.span };
    case "Continue":
      return { message: `\`continue\` at line ${lineOf(prev)} goes back to the loop's start`, span: prev.span };
    case "Assign":
    case "AugAssign":
    case "ExprStmt":
    case "For":
    case "If":
    case "Pass":
    default:
      return { message: `every branch of the \`if\` at line ${lineOf(prev)} leaves`, span: headerSpan(prev) };
  }
}

export const unreachable: Rule = {
  ...RULES.unreachable,
  docs: `Code after \`return\`, \`break\` or \`continue\` in the same block, or after an \`if\` whose every branch leaves, never runs.

Invalid:

\`\`\`python
return r
book_table(r)
\`\`\`

Valid:

\`\`\`python
book_table(r)
return r
\`\`\``,
  run(ctx) {
    const out: Diagnostic[] = [];
    const visit = (list: readonly Stmt[]): void => {
      let prev: Stmt | undefined;
      for (const s of list) {
        if (prev !== undefined && reachable(ctx.facts, prev) && !reachable(ctx.facts, s) && isEnd(prev)) {
          ctx.at(s);
          out.push(
            diagnostic("unreachable", {
              message: "this code is never run",
              span: s.span,
              notes: [why(prev)],
              help: "remove it, or move it before what ends the path",
            }),
          );
        }
        if (s.kind === "If") {
          visit(s.body);
          visit(s.orelse);
        } else if (s.kind === "For") visit(s.body);
        prev = s;
      }
    };
    const isEnd = (s: Stmt): boolean =>
      s.kind === "Return" || s.kind === "Break" || s.kind === "Continue" || s.kind === "If" || s.kind === "For";
    visit(ctx.facts.module.body);
    return out;
  },
};
