/**
 * `type-mismatch`: a value whose type can never match what is required: a
 * catalog parameter's declared type, an iterable for a loop, a record for a
 * field read. Only certain mismatches are reported (`any` matches
 * everything). Detected while typing; this rule reports.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { commaList } from "../messages.js";
import { typeText, valueText, widenLiteral } from "../type-utils.js";
import type { TypeFinding } from "../types.js";
import type { Rule } from "./rule.js";

type State = Extract<TypeFinding, { kind: "type-mismatch" }>;

function report(s: State): Diagnostic {
  switch (s.problem) {
    case "argument": {
      const expected = s.expected === undefined ? "any" : typeText(s.expected);
      return diagnostic("type-mismatch", {
        message: `${s.where} must be \`${expected}\`, but this is ${valueText(s.actual)}`,
        span: s.span,
        help: `pass a value of type \`${expected}\``,
      });
    }
    case "not-iterable": {
      const isString = widenLiteral(s.actual).kind === "string";
      return diagnostic("type-mismatch", {
        message: `${s.where} needs a list or dict, but this is ${valueText(s.actual)}`,
        span: s.span,
        help: isString ? "strings are not iterable: use `list(s)` for its characters" : "iterate over a list or a dict",
      });
    }
    case "no-field": {
      const fields = s.actual.kind === "record" ? Object.keys(s.actual.fields) : [];
      return diagnostic("type-mismatch", {
        message: `${valueText(s.actual)} has no field \`${s.field ?? ""}\``,
        span: s.span,
        help:
          s.suggestion !== undefined
            ? `did you mean \`${s.suggestion}\`?`
            : fields.length > 0
              ? `its fields are ${commaList(fields)}`
              : "read a field the record declares",
      });
    }
    case "not-record":
      return diagnostic("type-mismatch", {
        message: `\`.${s.field ?? ""}\` reads a field, but this is ${valueText(s.actual)}, not a record`,
        span: s.span,
        help: 'only records (catalog object types) have fields; use `d["key"]` for a dict',
      });
  }
}

export const typeMismatch: Rule = {
  ...RULES["type-mismatch"],
  docs: `A value passed to a catalog function must be able to match the parameter's declared type; a loop needs a list or dict; a field read needs a record. Only values that can never match are reported: anything of unknown type (\`any\`) passes.

Invalid:

\`\`\`python
book_table(["Olive", "Roma"])   # restaurant: string
for c in 3:                     # a number is not iterable
    print(c)
\`\`\`

Valid:

\`\`\`python
book_table("Olive")
for c in range(3):
    print(c)
\`\`\``,
  run(ctx) {
    const out: Diagnostic[] = [];
    for (const f of ctx.facts.types.findings) if (f.kind === "type-mismatch") out.push(report(f));
    return out;
  },
};
