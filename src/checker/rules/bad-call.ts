/**
 * `bad-call`: wrong number, names or kinds of arguments (too many, too
 * few, a missing required parameter, an unknown or repeated keyword).
 * Arguments are bound to parameters while typing calls; this rule reports.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { commaList, plural } from "../messages.js";
import type { TypeFinding } from "../types.js";
import type { Rule } from "./rule.js";

type State = Extract<TypeFinding, { kind: "bad-call" }>;

function report(s: State): Diagnostic {
  const fn = `\`${s.fn}\``;
  switch (s.problem) {
    case "too-many":
      return diagnostic("bad-call", {
        message: `${fn} takes ${plural(s.expected, "argument")} but ${s.detail} were given`,
        span: s.span,
        help: "remove the extra arguments",
      });
    case "too-few":
      return diagnostic("bad-call", {
        message: `${fn} takes ${plural(s.expected, "argument")} but ${s.detail} ${s.detail === "1" ? "was" : "were"} given`,
        span: s.span,
        help: "pass the missing arguments",
      });
    case "missing":
      return diagnostic("bad-call", {
        message: `${fn} is missing the argument \`${s.detail}\``,
        span: s.span,
        help: `pass it, e.g. \`${s.fn}(${s.detail}=…)\``,
      });
    case "unknown-keyword":
      return diagnostic("bad-call", {
        message: `${fn} has no parameter \`${s.detail}\``,
        span: s.span,
        help:
          s.suggestion !== undefined
            ? `did you mean \`${s.suggestion}\`?`
            : s.expected === ""
              ? `${fn} takes no keyword arguments`
              : `its parameters are ${commaList(s.expected.split(", "))}`,
      });
    case "duplicate":
      return diagnostic("bad-call", {
        message: `\`${s.detail}\` is given more than once to ${fn}`,
        span: s.span,
        help: "pass each argument once",
      });
    case "no-keywords":
      return diagnostic("bad-call", {
        message: `${fn} takes no keyword arguments`,
        span: s.span,
        help: "pass the value positionally",
      });
  }
}

export const badCall: Rule = {
  ...RULES["bad-call"],
  docs: `A call must match its signature: catalog functions by their declared parameters (positionally in order, or by name), builtins and methods by their documented arity and keywords.

Invalid:

\`\`\`python
book_table(r, "19:00")          # takes 1 argument
book_table(restaurnt=r)         # no such parameter
\`\`\`

Valid:

\`\`\`python
book_table(r)
book_table(restaurant=r)
\`\`\``,
  run(ctx) {
    const out: Diagnostic[] = [];
    for (const f of ctx.facts.types.findings) if (f.kind === "bad-call") out.push(report(f));
    return out;
  },
};
