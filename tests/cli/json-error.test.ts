import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonError } from "../../src/cli/json-error.js";

describe("findJsonError", () => {
  it.each([
    ['{"a": 1,}', 8, "a trailing comma"],
    ['{\n  "users": ["kim",\n  ]\n}\n', 23, "a trailing comma"],
    ["[1 2]", 3, "expected `,` or `]`"],
    ['{"a" 1}', 5, "expected `:` after the key"],
    ["{a: 1}", 1, "expected a string key or `}`"],
    ['"abc', 4, "an unterminated string"],
    ["01", 1, "unexpected text after the value"],
    ["", 0, "the text ends where a value should be"],
    ["[", 1, "the text ends where a value should be"],
    ["[1,", 3, "the text ends where a value should be"],
    ["tru", 0, "unexpected `t` where a value should be"],
    ['"\\x"', 1, "a bad escape"],
  ])("%j fails at %i: %s", (text, offset, reason) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(findJsonError(text)).toEqual({ offset, reason });
  });

  it("accepts what JSON.parse accepts, and finds an error where it throws", () => {
    const json = fc.json({ maxDepth: 4 });
    const mutated = fc
      .tuple(json, fc.nat(), fc.constantFrom("", ",", "]", "}", "[", "{", ":", '"', "x", " ", "\\"))
      .map(([t, at, ins]) => {
        const k = at % (t.length + 1);
        return t.slice(0, k) + ins + t.slice(k + (at % 2));
      });
    fc.assert(
      fc.property(fc.oneof(json, mutated), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const found = findJsonError(text);
        expect(found === undefined).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });

  it("survives deep nesting", () => {
    expect(findJsonError("[".repeat(100_000) + "]".repeat(100_000))).toBeUndefined();
    expect(findJsonError("[".repeat(100_000))).toEqual({
      offset: 100_000,
      reason: "the text ends where a value should be",
    });
  });
});
