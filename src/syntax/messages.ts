/**
 * Diagnostic factories of the front end (`syntax` and `forbidden-construct`)
 * and the advice for each Python keyword the language lacks. Messages say
 * what is wrong in one sentence with names in backticks; `help` says what to
 * write instead.
 */
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Position, Span } from "./span.js";

/** A `syntax` error at `span`. */
export function syntaxError(span: Span, message: string, help?: string): Diagnostic {
  return diagnostic("syntax", help === undefined ? { message, span } : { message, span, help });
}

interface Advice {
  readonly message: string;
  readonly help: string;
}

const EXCEPTIONS: Advice = {
  message: "exceptions cannot be handled in a composition: a runtime error stops it",
  help: "check the condition first with `if` (e.g. `if k in d:`), or use `d.get(k, default)`",
};
const IMPORTS: Advice = {
  message: "`import` is not needed: catalog functions and builtins are already in scope",
  help: "remove the import and call the function directly",
};
const SCOPE: Advice = {
  message: "a composition has a single scope, so `global` and `nonlocal` are not needed",
  help: "remove it and assign the variable directly",
};
const ASYNC: Advice = {
  message: "`async` and `await` are not needed: the runtime awaits catalog calls and overlaps independent ones",
  help: "call the function directly, e.g. `r = f(x)`",
};

/** What to write instead of each Python keyword the language lacks. */
export const FORBIDDEN_KEYWORDS: ReadonlyMap<string, Advice> = new Map<string, Advice>([
  [
    "while",
    {
      message: "`while` loops are not allowed: loops iterate over an existing collection, so every composition ends",
      help: "use `for x in …` over a list, a dict or `range(n)`",
    },
  ],
  [
    "def",
    {
      message: "functions cannot be defined in a composition",
      help: "declare the helper as a subtask in the catalog, or write its steps inline",
    },
  ],
  [
    "lambda",
    {
      message: "`lambda` is not allowed: functions cannot be defined in a composition",
      help: "write the expression inline (a comprehension often does it), or declare a subtask in the catalog",
    },
  ],
  [
    "class",
    {
      message: "classes cannot be defined in a composition",
      help: "use a dict for structured data, or declare a record type in the catalog",
    },
  ],
  ["import", IMPORTS],
  ["from", IMPORTS],
  ["try", EXCEPTIONS],
  ["except", EXCEPTIONS],
  ["finally", EXCEPTIONS],
  [
    "raise",
    {
      message: "`raise` is not allowed: a composition cannot throw exceptions",
      help: 'return a value that describes the failure, e.g. `return {"error": "no table free"}`',
    },
  ],
  [
    "with",
    {
      message: "`with` is not allowed: a composition manages no resources",
      help: "call the catalog function directly",
    },
  ],
  ["global", SCOPE],
  ["nonlocal", SCOPE],
  [
    "yield",
    {
      message: "`yield` is not allowed: a composition produces one result",
      help: "collect the values in a list and `return` it",
    },
  ],
  ["async", ASYNC],
  ["await", ASYNC],
  [
    "del",
    {
      message: "`del` is not allowed",
      help: "build a new dict or list without the entry, e.g. `{k: v for k, v in d.items() if k != key}`",
    },
  ],
  [
    "assert",
    {
      message: "`assert` is not allowed: a composition cannot throw exceptions",
      help: "test the condition with `if not …:` and `return` a value that describes the failure",
    },
  ],
  ["is", { message: "`is` is not allowed: identity is not observable", help: "use `==` to compare values" }],
]);

const IS_NOT: Advice = {
  message: "`is not` is not allowed: identity is not observable",
  help: "use `!=` to compare values",
};

/** A `forbidden-construct` error for a Python keyword the language lacks (`is not` counts as one). */
export function forbiddenKeyword(span: Span, word: string): Diagnostic {
  const advice = word === "is not" ? IS_NOT : FORBIDDEN_KEYWORDS.get(word);
  return diagnostic("forbidden-construct", {
    message: advice?.message ?? `\`${word}\` is not part of the language`,
    span,
    ...(advice !== undefined ? { help: advice.help } : {}),
  });
}

/** A `forbidden-construct` error for a reserved `__name__`. */
export function reservedName(span: Span, name: string): Diagnostic {
  const plain = name.replace(/^_+|_+$/g, "");
  return diagnostic("forbidden-construct", {
    message: `names that start and end with \`__\` are reserved: \`${name}\``,
    span,
    help: plain === "" ? "choose a name made of letters" : `rename it, e.g. \`${plain}\``,
  });
}

const UNSUPPORTED_OPERATORS: Readonly<Record<string, Advice>> = {
  "**": { message: "the power operator `**` is not part of the language", help: "multiply, e.g. `x * x`" },
  "/=": { message: "`/=` is not supported", help: "write `x = x / y`" },
  "//=": { message: "`//=` is not supported", help: "write `x = x // y`" },
  "%=": { message: "`%=` is not supported", help: "write `x = x % y`" },
  ":=": { message: "assignment expressions `:=` are not allowed", help: "assign on a line of its own" },
  ";": { message: "`;` is not allowed", help: "write one statement per line" },
  "->": { message: "`->` is not part of the language", help: "functions cannot be defined in a composition" },
};

/** A `syntax` error for an operator Python has and the language does not. */
export function unsupportedOperator(span: Span, op: string): Diagnostic {
  const advice = UNSUPPORTED_OPERATORS[op];
  if (advice !== undefined) return syntaxError(span, advice.message, advice.help);
  return syntaxError(
    span,
    `the operator \`${op}\` is not part of the language`,
    "use `+ - * / // %`, comparisons, `and`, `or`, `not`",
  );
}

/**
 * Words that may follow a number with no space in between: CPython 3.11
 * accepts `1if x else 2` and `[1for x in xs]` (with a warning), so these stay
 * valid; any other letter or `_` right after a number is an error there.
 */
export const WORDS_AFTER_NUMBER: ReadonlySet<string> = new Set(["and", "else", "for", "if", "in", "is", "not", "or"]);

const PREFIXED_INTEGERS: readonly (readonly [RegExp, RegExp, string])[] = [
  [/^[xX]/, /^[xX](?:_?[0-9a-fA-F])+$/, "hexadecimal"],
  [/^[oO]/, /^[oO](?:_?[0-7])+$/, "octal"],
  [/^[bB]/, /^[bB](?:_?[01])+$/, "binary"],
];

/**
 * A `syntax` error for a number that runs straight into a name, as CPython's
 * "invalid decimal literal": `1.upper` (`1.` is the float `1.0`), `1_000.x`,
 * `2x`, `1e`, `1_`; also `0x1F`, `0o17`, `0b101` and `1j`, literals Python
 * has and the language does not. `name` is the word right after the number
 * (the `f` when `fString`).
 */
export function invalidNumber(span: Span, number: string, name: string, fString = false): Diagnostic {
  if (fString)
    return syntaxError(
      span,
      `invalid decimal literal \`${number}${name}\`: a number cannot be followed directly by an f-string`,
      "put an operator between them, e.g. `+`",
    );
  if (number === "0") {
    for (const [prefix, valid, what] of PREFIXED_INTEGERS) {
      if (!prefix.test(name)) continue;
      const help = valid.test(name)
        ? `write the number in decimal: \`${BigInt(`0${name.replace(/_/g, "")}`).toString()}\``
        : "write the number in decimal digits";
      return syntaxError(span, `${what} literals are not part of the language: \`0${name}\``, help);
    }
  }
  if (name === "j" || name === "J")
    return syntaxError(
      span,
      `imaginary numbers are not part of the language: \`${number}${name}\``,
      "use an int or a float",
    );
  const message = `invalid decimal literal \`${number}${name}\`: a number cannot be followed directly by a letter or \`_\``;
  if (/^_[\d_]*$/.test(name)) return syntaxError(span, message, "`_` can only stand between two digits, e.g. `1_000`");
  if (/^[eE][\d_]*$/.test(name) && !/[eE]/.test(number))
    return syntaxError(span, message, "an exponent needs digits after the `e`, e.g. `1e3` or `2.5e-3`");
  if (number.endsWith(".")) {
    const n = number.slice(0, -1);
    return syntaxError(
      span,
      message,
      `\`${number}\` is the float \`${n.replace(/_/g, "").replace(/^0+(?=\d)/, "")}.0\`; to use an attribute or method of a number, put the number in parentheses: \`(${n}).${name}\``,
    );
  }
  return syntaxError(span, message, `put an operator between the number and the name, e.g. \`${number} * ${name}\``);
}

/** A `syntax` error for an integer written with leading zeros (`007`), which CPython rejects. */
export function leadingZeros(span: Span, number: string): Diagnostic {
  const digits = number.replace(/_/g, "").replace(/^0+/, "");
  return syntaxError(
    span,
    `leading zeros are not allowed in an integer: \`${number}\``,
    `write \`${digits}\` (the language has no octal numbers)`,
  );
}

/** Builds a span from two positions. */
export function spanOf(file: string, start: Position, end: Position): Span {
  return { file, start, end };
}
