/** `explain` on the dinner compositions: snapshots of every format, determinism, and the effect plan's facts. */
import { describe, expect, it } from "vitest";
import { explain, renderExplanation } from "../../src/checker/explain.js";
import { ALIGNED, UNALIGNED, dinnerCatalog, dinnerPolicy } from "./helpers.js";

const run = (s: string) => explain(s, { catalog: dinnerCatalog, policy: dinnerPolicy, file: "dinner.pw" });

describe("explain", () => {
  it("summarizes the aligned composition: inputs, one effect exactly once, its argument's provenance", () => {
    const e = run(ALIGNED);
    expect(e.ok).toBe(true);
    expect(e.inputs).toEqual([{ name: "users", type: "string[]", minItems: null, maxItems: 20, doc: "" }]);
    expect(e.steps.map((s) => s.line)).toEqual([1, 2, 4, 5]);
    expect(e.steps[1]?.steps.map((s) => s.text)).toEqual([
      "Call `ask_preference(u)` and store the result in `prefs[u]`.",
    ]);
    expect(e.effects).toEqual([
      {
        order: 1,
        fn: "book_table",
        effect: "reservation",
        irreversible: true,
        line: 5,
        min: 1,
        max: 1,
        formula: "1",
        when: [],
        arguments: [
          {
            param: "restaurant",
            value: "r",
            from: { data: ["`ask_preference` (line 3)", "`identify_overlap` (line 4)", "input `users`"], control: [] },
          },
        ],
        approve: false,
      },
    ]);
    expect(e.graph.edges).toEqual([
      { from: "in_users", to: "c0", kind: "data" },
      { from: "c0", to: "c1", kind: "data" },
      { from: "c1", to: "c2", kind: "data" },
    ]);
  });

  it("is deterministic and JSON-serializable", () => {
    const a = run(UNALIGNED);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    expect(run(UNALIGNED)).toEqual(a);
  });

  for (const format of ["text", "json", "mermaid", "dot"] as const) {
    it(`renders the aligned composition as ${format} (snapshot)`, () => {
      expect(renderExplanation(run(ALIGNED), format)).toMatchSnapshot();
    });
  }

  it("renders the unaligned composition as text (snapshot)", () => {
    expect(renderExplanation(run(UNALIGNED), "text")).toMatchSnapshot();
  });
});
