/**
 * `undefined-name`: a name that is neither assigned before use on every
 * path, nor an input, nor a function. Detects from the binder (unknown
 * names) and from definite assignment over the CFG (possibly-unset reads).
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic, Note } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Name } from "../../syntax/ast.js";
import { suggest } from "../../util/suggest.js";
import { RES_UNKNOWN } from "../binder.js";
import type { Facts } from "../facts.js";
import { code, lineOf } from "../messages.js";
import type { Rule } from "./rule.js";

/** One finding. */
type State =
  | { readonly kind: "unknown"; readonly name: Name; readonly suggestion: string | undefined }
  | { readonly kind: "maybe-unset"; readonly name: Name; readonly def: Name | undefined; readonly context: number };

/** The outermost `if`/`for` around `def` that does not also hold `read` (-1 when none). */
function assignedInside(facts: Facts, def: Name, read: Name): number {
  const { tree } = facts;
  let found = -1;
  for (let c = tree.controlOf[tree.stmtOf[def.id] ?? -1] ?? -1; c >= 0; c = tree.controlOf[c] ?? -1) {
    let holdsRead = false;
    for (let p = read.id; p >= 0; p = tree.parent[p] ?? -1) {
      if (p === c) {
        holdsRead = true;
        break;
      }
    }
    if (holdsRead) break;
    found = c;
  }
  return found;
}

function detect(facts: Facts): State[] {
  const { tree, binding } = facts;
  const out: State[] = [];
  const candidates: string[] = [
    ...binding.moduleVariables.keys(),
    ...facts.catalog.inputs.keys(),
    ...facts.catalog.functions.keys(),
  ];
  for (const node of tree.nodes) {
    if (node?.kind !== "Name" || binding.resolution[node.id] !== RES_UNKNOWN) continue;
    const parent = tree.nodes[tree.parent[node.id] ?? -1];
    if (parent?.kind === "Call" && parent.callee === node) continue; // `unknown-function`
    out.push({ kind: "unknown", name: node, suggestion: suggest(node.name, candidates) });
  }
  for (const id of facts.unsetReads) {
    const name = tree.nodes[id];
    if (name?.kind !== "Name") continue;
    const v = binding.variables[binding.resolution[id] ?? -1];
    // Prefer an assignment before the read in source order; otherwise the first one.
    const defs = v?.defs ?? [];
    const def = [...defs].reverse().find((d) => d.span.start.offset < name.span.start.offset) ?? defs[0];
    out.push({ kind: "maybe-unset", name, def, context: def === undefined ? -1 : assignedInside(facts, def, name) });
  }
  return out;
}

function report(facts: Facts, s: State): Diagnostic {
  const n = s.name.name;
  if (s.kind === "unknown") {
    return diagnostic("undefined-name", {
      message: `\`${n}\` is not defined`,
      span: s.name.span,
      help:
        s.suggestion !== undefined
          ? `did you mean \`${s.suggestion}\`?`
          : `assign \`${n}\` before this line, or declare it as an input in the catalog`,
    });
  }
  const ctx = facts.tree.nodes[s.context];
  const notes: Note[] = [];
  if (ctx?.kind === "For") {
    const where = `inside the loop at line ${lineOf(ctx)}`;
    if (s.def !== undefined) notes.push({ message: `\`${n}\` is assigned here, ${where}`, span: s.def.span });
    return diagnostic("undefined-name", {
      message: `\`${n}\` may be unset here: it is only assigned ${where}, which runs zero times when \`${code(ctx.iter)}\` is empty`,
      span: s.name.span,
      notes,
      help: `assign it before the loop, e.g. \`${n} = …\``,
    });
  }
  if (ctx?.kind === "If") {
    const where = `inside the \`if\` at line ${lineOf(ctx)}`;
    if (s.def !== undefined) notes.push({ message: `\`${n}\` is assigned here, ${where}`, span: s.def.span });
    return diagnostic("undefined-name", {
      message: `\`${n}\` may be unset here: it is only assigned ${where}, not on every branch`,
      span: s.name.span,
      notes,
      help: `assign it before the \`if\`, or in every branch`,
    });
  }
  if (s.def !== undefined)
    notes.push({ message: `\`${n}\` is assigned here, at line ${lineOf(s.def)}`, span: s.def.span });
  return diagnostic("undefined-name", {
    message: `\`${n}\` is used before it is assigned`,
    span: s.name.span,
    notes,
    help: `assign \`${n}\` before this line`,
  });
}

export const undefinedName: Rule = {
  ...RULES["undefined-name"],
  docs: `A name must be assigned on every path before it is read, or be an input, a catalog function or a builtin. A name assigned only inside a loop is unset when the loop runs zero times; one assigned in one branch of an \`if\` is unset on the other.

Invalid:

\`\`\`python
for u in users:
    prefs = ask_preference(u)
r = identify_overlap(prefs)   # prefs is unset when users is empty
\`\`\`

Valid:

\`\`\`python
prefs = {}
for u in users:
    prefs[u] = ask_preference(u)
r = identify_overlap(prefs)
\`\`\``,
  run(ctx) {
    return detect(ctx.facts).map((s) => {
      ctx.at(s.name);
      return report(ctx.facts, s);
    });
  },
};
