/**
 * `reassign-reserved`: assigning (with `=`, `+=`, a `for` target or a
 * comprehension target) to an input, a catalog function or a builtin. The
 * binder records these targets; this rule reports them.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Name } from "../../syntax/ast.js";
import type { Catalog } from "../../catalog/types.js";
import type { Rule } from "./rule.js";

function report(name: Name, catalog: Catalog): Diagnostic {
  const what = catalog.functions.has(name.name)
    ? "a catalog function"
    : catalog.inputs.has(name.name)
      ? "an input"
      : "a builtin";
  return diagnostic("reassign-reserved", {
    message: `\`${name.name}\` is ${what} and cannot be assigned`,
    span: name.span,
    help: `use another name, e.g. \`${name.name}_value\``,
  });
}

export const reassignReserved: Rule = {
  ...RULES["reassign-reserved"],
  docs: `Inputs, catalog functions and builtins are read-only names: assigning one would hide it from the rest of the composition.

Invalid:

\`\`\`python
users = ["ana"]
for len in sizes:
    print(len)
\`\`\`

Valid:

\`\`\`python
guests = ["ana"]
for size in sizes:
    print(size)
\`\`\``,
  run(ctx) {
    return ctx.facts.binding.reservedWrites.map((n) => report(n, ctx.catalog));
  },
};
