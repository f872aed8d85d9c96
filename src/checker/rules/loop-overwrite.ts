/**
 * `loop-overwrite`: a variable assigned in a loop body (a plain `x = …`,
 * not `d[k] = …`) and read after the loop: only the last iteration's value
 * reaches the read. Found by the last-iteration analysis over the CFG.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Type } from "../../catalog/types.js";
import type { For } from "../../syntax/ast.js";
import type { LastIterationRead } from "../variable-flow.js";
import type { Facts } from "../facts.js";
import { lineOf } from "../messages.js";
import type { Rule } from "./rule.js";

/**
 * The loop variable to key a collection by, when it can be a dict key (a
 * string, or a value of unknown type); undefined for records, numbers,
 * lists. For `for k, v in d.items()` the first name is the key.
 */
function keyName(facts: Facts, loop: For): string | undefined {
  const target = loop.target.kind === "TupleTarget" ? loop.target.elements[0] : loop.target;
  if (target?.kind !== "Name") return undefined;
  const v = facts.binding.resolution[target.id] ?? -1;
  const t = v >= 0 ? facts.types.variableType[v] : undefined;
  if (t === undefined) return undefined;
  const isKey = (x: Type): boolean =>
    x.kind === "string" ||
    x.kind === "any" ||
    (x.kind === "literal" && typeof x.value === "string") ||
    (x.kind === "union" && x.types.every(isKey));
  return isKey(t) ? target.name : undefined;
}

function report(facts: Facts, s: LastIterationRead): Diagnostic | undefined {
  const read = facts.tree.nodes[s.read];
  const def = facts.tree.nodes[s.def];
  const loop = facts.tree.nodes[s.loop];
  if (read?.kind !== "Name" || def === undefined || loop?.kind !== "For") return undefined;
  const key = keyName(facts, loop);
  const isTarget =
    facts.tree.parent[s.def] === s.loop || facts.tree.nodes[facts.tree.parent[s.def] ?? -1]?.kind === "TupleTarget";
  return diagnostic("loop-overwrite", {
    message: `only the last iteration's \`${read.name}\` reaches here`,
    span: read.span,
    notes: [
      {
        message: isTarget
          ? `\`${read.name}\` is the loop variable of the loop at line ${lineOf(loop)}`
          : `assigned here on every iteration of the loop at line ${lineOf(loop)}`,
        span: def.span,
      },
    ],
    help: isTarget
      ? "use the value inside the loop, or collect every element"
      : key !== undefined
        ? `collect every iteration, e.g. \`${read.name}[${key}] = …\`, or move the use into the loop`
        : "collect the values in a list (`xs.append(…)`), or move the use into the loop",
  });
}

export const loopOverwrite: Rule = {
  ...RULES["loop-overwrite"],
  docs: `A variable assigned with \`x = …\` in a loop body is overwritten on every iteration; read after the loop it holds only the last iteration's value, which is rarely what was meant. Collect the values keyed by the loop variable instead, or use the value inside the loop. Loops with a \`break\` are exempt (searching is intended).

Invalid:

\`\`\`python
for u in users:
    prefs = ask_preference(u)
r = identify_overlap(prefs)
\`\`\`

Valid:

\`\`\`python
prefs = {}
for u in users:
    prefs[u] = ask_preference(u)
r = identify_overlap(prefs)
\`\`\``,
  run(ctx) {
    const out: Diagnostic[] = [];
    for (const s of ctx.facts.lastIterationReads) {
      const d = report(ctx.facts, s);
      if (d !== undefined) out.push(d);
    }
    return out;
  },
};
