/**
 * `unknown-function`: a call to something that is not a catalog function,
 * a builtin or an allowed method. Detection happens while typing calls
 * (the receiver's type decides which methods exist); this rule reports.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { METHODS, ALL_METHOD_NAMES } from "../builtins.js";
import { commaList } from "../messages.js";
import { typeText } from "../type-utils.js";
import type { TypeFinding } from "../types.js";
import type { Rule } from "./rule.js";

type State = Extract<TypeFinding, { kind: "unknown-function" }>;

function report(s: State, catalogNames: readonly string[]): Diagnostic {
  const dym = s.suggestion !== undefined ? `did you mean \`${s.suggestion}\`?` : undefined;
  switch (s.reason) {
    case "not-found":
      return diagnostic("unknown-function", {
        message: ALL_METHOD_NAMES.includes(s.name)
          ? `\`${s.name}\` is not a catalog function or builtin`
          : `\`${s.name}\` is not a catalog function, builtin or allowed method`,
        span: s.span,
        help:
          dym ??
          (catalogNames.length > 0
            ? `the catalog's functions are ${commaList(catalogNames)}`
            : "only catalog functions, builtins and the allowed methods can be called"),
      });
    case "variable":
      return diagnostic("unknown-function", {
        message: `\`${s.name}\` is a variable, not a function`,
        span: s.span,
        help: "only catalog functions, builtins and the allowed methods can be called",
      });
    case "input":
      return diagnostic("unknown-function", {
        message: `\`${s.name}\` is an input, not a function`,
        span: s.span,
        help: "only catalog functions, builtins and the allowed methods can be called",
      });
    case "not-callable":
      return diagnostic("unknown-function", {
        message: "only catalog functions, builtins and methods can be called",
        span: s.span,
        help: "call a catalog function by name, e.g. `f(x)`",
      });
    case "no-method": {
      const recv = s.receiver;
      const kinds =
        recv === undefined
          ? []
          : recv.kind === "list" || recv.kind === "dict" || recv.kind === "string"
            ? [recv.kind]
            : [];
      const pool = kinds.flatMap((k) => [...METHODS[k].keys()]);
      return diagnostic("unknown-function", {
        message:
          recv === undefined
            ? `\`.${s.name}\` is not an allowed method`
            : `a value of type \`${typeText(recv)}\` has no method \`${s.name}\``,
        span: s.span,
        help: dym ?? (pool.length > 0 ? `its methods are ${commaList(pool)}` : "this value has no methods"),
      });
    }
  }
}

export const unknownFunction: Rule = {
  ...RULES["unknown-function"],
  docs: `A callee must be a catalog function, a builtin (\`len range min max sum sorted reversed enumerate zip any all abs round str int float bool list dict print\`) or an allowed method: on lists \`append extend\`, on dicts \`get items keys values\`, on strings \`join lower upper strip split startswith endswith replace\`.

Invalid:

\`\`\`python
r = identify_overlaps(prefs)   # not in the catalog
names.add("ana")               # lists have no method add
\`\`\`

Valid:

\`\`\`python
r = identify_overlap(prefs)
names.append("ana")
\`\`\``,
  run(ctx) {
    const names = [...ctx.catalog.functions.keys()];
    const out: Diagnostic[] = [];
    for (const f of ctx.facts.types.findings) if (f.kind === "unknown-function") out.push(report(f, names));
    return out;
  },
};
