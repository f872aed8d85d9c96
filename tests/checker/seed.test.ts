/** The seed example (language.md): the aligned composition passes, the unaligned one gets every listed diagnostic. */
import { describe, expect, it } from "vitest";
import { check } from "../../src/checker/check.js";
import { renderPretty } from "../../src/diagnostics/render-pretty.js";
import { ALIGNED, UNALIGNED, brief, dinnerCatalog, dinnerPolicy } from "./helpers.js";

const run = (source: string) => check(source, { catalog: dinnerCatalog, policy: dinnerPolicy, file: "dinner.pw" });

describe("seed example under the dinner policy", () => {
  it("passes the aligned composition with no diagnostics and exact bounds", () => {
    const r = run(ALIGNED);
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([]);
    expect(r.bounds).toEqual({
      ask_preference: { min: 0, max: 20, formula: "|users|" },
      identify_overlap: { min: 1, max: 1, formula: "1" },
      book_table: { min: 1, max: 1, formula: "1" },
    });
  });

  it("rejects the unaligned composition with exactly these diagnostics", () => {
    const r = run(UNALIGNED);
    expect(r.ok).toBe(false);
    expect(brief(r)).toEqual([
      "unused-variable@1:1",
      "loop-depth@4:5",
      "call-budget@5:9",
      "effect-in-loop@5:9",
      "order@5:9",
      "flow-required@5:20",
      "unused-variable@6:1",
      "loop-overwrite@6:22",
      // A true positive beyond language.md's list: after the loop `prefs` is one user's list, not a dict.
      "type-mismatch@6:22",
      "undefined-name@6:22",
    ]);
    expect(r.bounds.book_table).toEqual({ min: 0, max: 100, formula: "|users| × |prefs|" });
    const budget = r.diagnostics.find((d) => d.rule === "call-budget");
    expect(budget?.message).toBe(
      "`book_table` may be called up to 100 times (|users| × |prefs| ≤ 20 × 5 = 100); the policy allows 1",
    );
    const depth = r.diagnostics.find((d) => d.rule === "loop-depth");
    expect(depth?.message).toBe("loop nested 2 deep; the policy allows 1");
    expect(depth?.notes[0]?.message).toBe("outer loop here");
    expect(depth?.notes[0]?.span?.start.line).toBe(2);
    const unset = r.diagnostics.find((d) => d.rule === "undefined-name");
    expect(unset?.notes[0]?.message).toBe("`prefs` is assigned here, inside the loop at line 2");
    expect(unset?.help).toBe("assign it before the loop, e.g. `prefs = …`");
    const overwrite = r.diagnostics.find((d) => d.rule === "loop-overwrite");
    expect(overwrite?.message).toBe("only the last iteration's `prefs` reaches here");
    expect(overwrite?.notes[0]?.message).toBe("assigned here on every iteration of the loop at line 2");
  });

  it("renders the unaligned diagnostics (snapshot)", () => {
    const r = run(UNALIGNED);
    expect(renderPretty([{ file: "dinner.pw", source: UNALIGNED, diagnostics: r.diagnostics }])).toMatchSnapshot();
    expect(JSON.stringify(r, null, 2)).toMatchSnapshot();
  });

  it("uses the recommended policy when none is given", () => {
    const r = check(ALIGNED, { catalog: dinnerCatalog });
    expect(r.ok).toBe(true);
    expect(brief(r)).toEqual([]);
    const u = check(UNALIGNED, { catalog: dinnerCatalog });
    expect(brief(u)).toContain("effect-in-loop@5:9");
    expect(brief(u)).not.toContain("order@5:9");
  });
});
