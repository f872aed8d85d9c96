/**
 * The policy file's schema, defined once with TypeBox: the TypeScript type
 * of a parsed policy file (`PolicyFile`) is derived from it with `Static`,
 * `loadPolicy` validates against it, and `schema/policy.schema.json` (shipped
 * in the package, for editors and other tools) is generated from it; a test
 * fails when the committed JSON is stale.
 *
 * Descriptions double as the words of error messages ("`maxLoopDepth` must
 * be a whole number ≥ 0").
 */
import { Type, type Static, type TLiteral, type TOptional, type TUnion } from "@sinclair/typebox";
import { RULE_NAMES, type RuleName } from "../diagnostics/codes.js";

/** Rules a policy may configure (`internal` reports bugs in Partwise and cannot be switched off). */
export const CONFIGURABLE_RULES: readonly RuleName[] = RULE_NAMES.filter((r) => r !== "internal");

const Count = (description: string) => Type.Integer({ minimum: 0, description });

const Names = Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1 })], {
  description: "a name or a list of names (catalog functions or inputs)",
});

/** A budget: `N` (at most N calls) or `{min, max}` (`{min: 1, max: 1}`: exactly once on every run). */
export const BudgetSchema = Type.Union(
  [
    Count("a whole number ≥ 0"),
    Type.Object(
      {
        min: Type.Optional(Count("a whole number ≥ 0: calls on every run")),
        max: Count("a whole number ≥ 0: calls at most"),
      },
      { additionalProperties: false },
    ),
  ],
  { description: "a whole number ≥ 0, or `{min, max}`" },
);

const Setting = Type.Union([Type.Literal("off"), Type.Literal("warn"), Type.Literal("error")], {
  description: "`off`, `warn` or `error`",
});

type RuleProperties = Record<RuleName, TOptional<TUnion<[TLiteral<"off">, TLiteral<"warn">, TLiteral<"error">]>>>;

/** The policy file (YAML or JSON). */
export const PolicySchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: "the URL or path of this schema (for editors)" })),
    extends: Type.Optional(
      Type.Union([Type.Literal("recommended"), Type.Literal("strict")], {
        description: "the preset applied before this file's keys: `recommended` or `strict`",
      }),
    ),
    maxLoopDepth: Type.Optional(Count("a whole number ≥ 0 (0 forbids loops and comprehensions)")),
    shape: Type.Optional(
      Type.Union([Type.Literal("sequence"), Type.Literal("tree"), Type.Literal("dag")], {
        description: "`sequence`, `tree` or `dag`",
      }),
    ),
    budgets: Type.Optional(
      Type.Record(Type.String(), BudgetSchema, {
        description:
          "an object of budgets (static upper bounds, also enforced at run time): per FUNCTION, per `effect:CLASS`, `*` (all calls) and `cost` (sum of @cost)",
      }),
    ),
    flows: Type.Optional(
      Type.Array(
        Type.Object(
          {
            to: Type.String({ description: "`FUNCTION.PARAM` or `FUNCTION` (every argument)" }),
            from: Type.Optional(Names),
            notFrom: Type.Optional(Names),
          },
          { additionalProperties: false, description: "a flow rule: `{to, from}` or `{to, notFrom}`" },
        ),
        { description: "a list of flow rules" },
      ),
    ),
    order: Type.Optional(
      Type.Array(
        Type.Object(
          {
            before: Type.String({ description: "a catalog function name" }),
            then: Type.String({ description: "a catalog function name" }),
          },
          { additionalProperties: false, description: "an order rule: `{before, then}`" },
        ),
        { description: "a list of order rules" },
      ),
    ),
    glue: Type.Optional(
      Type.Object(
        { maxOps: Type.Optional(Count("a whole number ≥ 0: glue operations outside catalog calls")) },
        { additionalProperties: false, description: "an object with `maxOps`" },
      ),
    ),
    approve: Type.Optional(
      Type.Array(Type.String(), { description: "a list of catalog function names to ask a person about" }),
    ),
    rules: Type.Optional(
      Type.Object(Object.fromEntries(CONFIGURABLE_RULES.map((r) => [r, Type.Optional(Setting)])) as RuleProperties, {
        additionalProperties: false,
        description: "an object of rule severities (`off`, `warn` or `error`)",
      }),
    ),
  },
  { additionalProperties: false, title: "Partwise policy", description: "an object of policy keys" },
);

/** A policy file as parsed (before names are checked and presets applied). */
export type PolicyFile = Static<typeof PolicySchema>;

/** A budget as written in a policy file. */
export type BudgetValue = Static<typeof BudgetSchema>;

/** The JSON Schema document shipped as `schema/policy.schema.json`. */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    $comment:
      "Generated from src/policy/schema.ts; do not edit. Regenerate: UPDATE_SCHEMA=1 npx vitest run tests/policy/schema.test.ts",
    $schema: "http://json-schema.org/draft-07/schema#",
    ...(JSON.parse(JSON.stringify(PolicySchema)) as Record<string, unknown>),
  };
}
