/** The rule registry: codes match the one registry, are unique, and every rule is documented. */
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { RULES, RULE_NAMES } from "../../src/diagnostics/codes.js";
import { CHECKER_RULES } from "../../src/checker/rules/index.js";

describe("checker rules", () => {
  it("take name, code and default severity from RULES", () => {
    for (const r of CHECKER_RULES) {
      const info = RULES[r.name];
      expect({ name: r.name, code: r.code, severity: r.defaultSeverity, description: r.description }).toEqual({
        name: info.name,
        code: info.code,
        severity: info.defaultSeverity,
        description: info.description,
      });
    }
  });

  it("cover every rule of the contract except the parser's and `internal`", () => {
    const fromParser = new Set(["syntax", "forbidden-construct", "internal"]);
    expect(CHECKER_RULES.map((r) => r.name).sort()).toEqual(RULE_NAMES.filter((n) => !fromParser.has(n)).sort());
  });

  it("have unique codes whose thousands digit is a known phase", () => {
    const codes = RULE_NAMES.map((n) => RULES[n].code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^PW[123459]\d{3}$/);
  });

  it("each have docs with an invalid and a valid example", () => {
    for (const r of CHECKER_RULES) {
      expect(r.docs.length, r.name).toBeGreaterThan(80);
      expect(r.docs, r.name).toContain("Invalid");
      expect(r.docs, r.name).toContain("Valid");
      expect(r.docs.match(/```python/g)?.length, r.name).toBeGreaterThanOrEqual(2);
    }
  });

  it("live one per file, the file named after the rule", () => {
    const files = readdirSync(new URL("../../src/checker/rules/", import.meta.url))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.slice(0, -3));
    for (const r of CHECKER_RULES) expect(files).toContain(r.name);
  });
});
