/**
 * Which names a catalog may declare: a composition calls functions and
 * reads inputs by name, so every catalog name must be a name of the
 * language (`[A-Za-z_][A-Za-z0-9_]*`, not `__reserved__`, not a keyword).
 */

/** Keywords of the language and Python keywords it rejects: never usable as names. */
const KEYWORDS: ReadonlySet<string> = new Set([
  "for",
  "in",
  "if",
  "elif",
  "else",
  "and",
  "or",
  "not",
  "True",
  "False",
  "None",
  "return",
  "pass",
  "break",
  "continue",
  "while",
  "def",
  "lambda",
  "class",
  "import",
  "from",
  "try",
  "except",
  "finally",
  "raise",
  "with",
  "global",
  "nonlocal",
  "yield",
  "async",
  "await",
  "del",
  "assert",
  "is",
]);

/** Why `name` cannot be a catalog name, or undefined when it can. */
export function catalogNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return "is not a name a composition can write";
  if (name.length > 4 && name.startsWith("__") && name.endsWith("__")) return "is reserved (`__name__`)";
  if (KEYWORDS.has(name)) return "is a keyword of the language";
  return undefined;
}

/** An effect class: a word, as written after `@effect` or in `effect:CLASS`. */
export function isEffectClass(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name);
}
