import { readFileSync, writeFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { policyJsonSchema } from "../../src/policy/schema.js";

const SCHEMA_FILE = "schema/policy.schema.json";

describe("schema/policy.schema.json", () => {
  test("is generated from src/policy/schema.ts and up to date", () => {
    const expected = policyJsonSchema();
    if (process.env.UPDATE_SCHEMA === "1") writeFileSync(SCHEMA_FILE, JSON.stringify(expected, null, 2) + "\n");
    const committed: unknown = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));
    expect(
      committed,
      `${SCHEMA_FILE} is stale; regenerate it with: UPDATE_SCHEMA=1 npx vitest run tests/policy/schema.test.ts`,
    ).toEqual(expected);
  });

  test("is a JSON Schema that other tools accept, and it accepts the dinner policy", () => {
    const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")));
    expect(validate(parse(readFileSync("tests/fixtures/catalogs/dinner.policy.yaml", "utf8")))).toBe(true);
    expect(validate(parse(readFileSync("examples/dinner/policy.yaml", "utf8")))).toBe(true);
    expect(validate({ maxLoopDepht: 1 })).toBe(false);
    expect(validate({ budgets: { book_table: { min: 1, max: 1 }, "*": 200, cost: 500 } })).toBe(true);
    expect(validate({ rules: { "unused-variable": "warning" } })).toBe(false);
  });
});
