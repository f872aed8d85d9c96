import { describe, expect, it } from "vitest";
import { check } from "../../src/checker/check.js";
import { T, catalog, fn, input, policy } from "./helpers.js";

// `step(x)` is called once per iteration of the loop under test.
const cat = catalog([fn("step", [["x", T.number]], T.number)], [input("xs", T.list(T.number), { maxItems: 20 })]);
const pol = policy(cat);

function boundsOf(header: string): { min: number; max: number | null } {
  const r = check(`${header}\n    step(i)\n`, { catalog: cat, policy: pol });
  const rules = r.diagnostics.filter((d) => d.severity === "error").map((d) => d.rule);
  expect(rules).toEqual([]);
  const b = r.bounds.step!;
  return { min: b.min, max: b.max };
}

describe("range bounds follow Python's length ceil((stop - start) / step)", () => {
  it.each([
    ["for i in range(5):", 5, 5],
    ["for i in range(2, 7):", 5, 5],
    ["for i in range(7, 2):", 0, 0],
    ["for i in range(0, 10, 3):", 4, 4],
    ["for i in range(10, 0, -3):", 4, 4],
    ["for i in range(0, 10, -1):", 0, 0],
    ["for i in range(len(xs)):", 0, 20],
    ["for i in range(0, len(xs), 2):", 0, 10],
    // A negative start makes the loop longer than `stop`: 5 + |xs|.
    ["for i in range(-5, len(xs)):", 5, 25],
  ])("%s → [%i, %i]", (header, min, max) => {
    expect(boundsOf(header)).toEqual({ min, max });
  });

  it("a start or step that is not a constant is unbounded", () => {
    expect(boundsOf("for i in range(len(xs), 40):").max).toBeNull();
    expect(boundsOf("for i in range(0, 40, len(xs)):").max).toBeNull();
    expect(boundsOf("for i in range(len(xs), 0, -1):").max).toBeNull();
  });

  it("range takes at most three arguments", () => {
    const r = check("for i in range(0, 1, 1, 1):\n    step(i)\n", { catalog: cat, policy: pol });
    expect(r.diagnostics.map((d) => [d.rule, d.span.start.line])).toContainEqual(["bad-call", 1]);
  });
});
