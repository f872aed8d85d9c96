/**
 * The one registry of rule names and codes. A code's thousands digit is the
 * phase (1 syntax, 2 names and scopes, 3 types and catalog, 4 flow and
 * effects, 5 policy, 7 runtime, 9 internal). A code is never reused for
 * another meaning; a test checks that every code is unique and documented.
 */

/** Severity a policy can give a rule. */
export type RuleSetting = "off" | "warn" | "error";

/** Severity of an emitted diagnostic (as in the JSON contract). */
export type Severity = "error" | "warning";

export interface RuleInfo {
  readonly name: string;
  readonly code: string;
  readonly defaultSeverity: Exclude<RuleSetting, "off">;
  /** One line: what the rule finds. */
  readonly description: string;
}

/** Every rule of the public contract, in contract order. */
export const RULES = {
  syntax: { name: "syntax", code: "PW1001", defaultSeverity: "error", description: "the text does not parse" },
  "forbidden-construct": {
    name: "forbidden-construct",
    code: "PW1002",
    defaultSeverity: "error",
    description:
      "a Python construct the language lacks (`while`, `def`, `lambda`, `import`, …) or a reserved `__name__`",
  },
  "undefined-name": {
    name: "undefined-name",
    code: "PW2001",
    defaultSeverity: "error",
    description: "a name that is not assigned before use on every path, not an input, not a function",
  },
  "reassign-reserved": {
    name: "reassign-reserved",
    code: "PW2002",
    defaultSeverity: "error",
    description: "assignment to an input, a catalog function or a builtin",
  },
  "unused-variable": {
    name: "unused-variable",
    code: "PW2003",
    defaultSeverity: "warn",
    description: "a variable assigned and never read",
  },
  "unknown-function": {
    name: "unknown-function",
    code: "PW3001",
    defaultSeverity: "error",
    description: "a call to a function or method that is not in the catalog, the builtins or the allowed methods",
  },
  "bad-call": {
    name: "bad-call",
    code: "PW3002",
    defaultSeverity: "error",
    description: "wrong number, names or kinds of arguments",
  },
  "type-mismatch": {
    name: "type-mismatch",
    code: "PW3003",
    defaultSeverity: "error",
    description: "a value whose type cannot match the catalog's declared type",
  },
  "unused-result": {
    name: "unused-result",
    code: "PW3004",
    defaultSeverity: "warn",
    description: "the result of a pure catalog call thrown away",
  },
  "effect-in-loop": {
    name: "effect-in-loop",
    code: "PW4001",
    defaultSeverity: "error",
    description: "a call with `@effect` inside a loop or comprehension",
  },
  "flow-required": {
    name: "flow-required",
    code: "PW4002",
    defaultSeverity: "error",
    description: "an argument that does not derive from a required source",
  },
  "flow-forbidden": {
    name: "flow-forbidden",
    code: "PW4003",
    defaultSeverity: "error",
    description: "an argument that derives, by data or control, from a forbidden source",
  },
  "loop-overwrite": {
    name: "loop-overwrite",
    code: "PW4004",
    defaultSeverity: "warn",
    description:
      "a variable assigned in a loop body, not keyed by the loop, and read after the loop: only the last iteration survives",
  },
  unreachable: {
    name: "unreachable",
    code: "PW4005",
    defaultSeverity: "warn",
    description: "code after `return`, `break` or `continue`",
  },
  "loop-depth": {
    name: "loop-depth",
    code: "PW5001",
    defaultSeverity: "error",
    description: "loops (and comprehensions) nested deeper than `maxLoopDepth`",
  },
  "call-budget": {
    name: "call-budget",
    code: "PW5002",
    defaultSeverity: "error",
    description:
      "a static call bound (per function, effect class, all calls, cost) above the policy's budget, or unbounded where a budget applies",
  },
  order: {
    name: "order",
    code: "PW5003",
    defaultSeverity: "error",
    description: "a path on which `then` can run before `before`",
  },
  shape: {
    name: "shape",
    code: "PW5004",
    defaultSeverity: "error",
    description:
      "a composition outside the policy's shape (`sequence`: no loops, branches or comprehensions; `tree`: a catalog result consumed more than once)",
  },
  "glue-complexity": {
    name: "glue-complexity",
    code: "PW5005",
    defaultSeverity: "warn",
    description: "more glue operations than `glue.maxOps`",
  },
  internal: {
    name: "internal",
    code: "PW9001",
    defaultSeverity: "error",
    description: "a bug in Partwise itself: a pass failed on this node (please report it)",
  },
} as const satisfies Record<string, RuleInfo>;

/** A rule name of the public contract (plus `internal`). */
export type RuleName = keyof typeof RULES;

/** Every rule name, in registry order. */
export const RULE_NAMES = Object.keys(RULES) as RuleName[];

/** True when `name` is a known rule. */
export function isRuleName(name: string): name is RuleName {
  return Object.prototype.hasOwnProperty.call(RULES, name);
}

/**
 * Runtime error kinds (`run` status `error`). Codes in the 7xxx range are
 * reserved for them; they appear in trace events.
 */
export const RUNTIME_ERROR_KINDS = {
  runtime: "PW7001",
  memory: "PW7002",
  timeout: "PW7003",
  steps: "PW7004",
  handler: "PW7005",
  "bad-result": "PW7006",
  budget: "PW7007",
  "not-approved": "PW7008",
  "journal-mismatch": "PW7009",
  "unknown-outcome": "PW7010",
  aborted: "PW7011",
  input: "PW7012",
  "journal-locked": "PW7013",
} as const;

export type RuntimeErrorKind = keyof typeof RUNTIME_ERROR_KINDS;
