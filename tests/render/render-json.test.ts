import { describe, expect, it } from "vitest";
import type { CheckReport } from "../../src/checker/report.js";
import { checkOutputToJson, diagnosticToJson, renderJson } from "../../src/diagnostics/render-json.js";
import { UNALIGNED, at, diag } from "./helpers.js";

const F = "examples/dinner/unaligned.pw";

const loopDepth = diag("loop-depth", "loop nested 2 deep; the policy allows 1", at(F, UNALIGNED, 4, 5, 5, 22), {
  notes: [{ message: "outer loop here", span: at(F, UNALIGNED, 2, 1, 2, 16) }],
  help: "move the inner loop into a subtask, or restructure into one loop",
});
const unused = diag("unused-variable", "`bookings` is assigned and never read", at(F, UNALIGNED, 1, 1, 1, 9), {
  notes: [{ message: "nothing reads it" }],
});
const report: CheckReport = {
  ok: false,
  diagnostics: [unused, loopDepth],
  bounds: { book_table: { formula: "|users| × |prefs|", max: 100, min: 0 } },
};

describe("renderJson", () => {
  it("writes the contract's shape with keys in the contract's order", () => {
    const text = renderJson([{ file: F, report }]);
    expect(text).toBe(
      JSON.stringify(
        {
          files: [
            {
              file: F,
              ok: false,
              diagnostics: [
                {
                  rule: "unused-variable",
                  code: "PW2003",
                  severity: "warning",
                  message: "`bookings` is assigned and never read",
                  span: { start: { line: 1, column: 1 }, end: { line: 1, column: 9 } },
                  notes: [{ message: "nothing reads it" }],
                },
                {
                  rule: "loop-depth",
                  code: "PW5001",
                  severity: "error",
                  message: "loop nested 2 deep; the policy allows 1",
                  span: { start: { line: 4, column: 5 }, end: { line: 5, column: 22 } },
                  notes: [
                    {
                      message: "outer loop here",
                      span: { start: { line: 2, column: 1 }, end: { line: 2, column: 16 } },
                    },
                  ],
                  help: "move the inner loop into a subtask, or restructure into one loop",
                },
              ],
              bounds: { book_table: { min: 0, max: 100, formula: "|users| × |prefs|" } },
            },
          ],
          errorCount: 1,
          warningCount: 1,
        },
        null,
        2,
      ) + "\n",
    );
  });

  it("leaves out offsets, the file inside spans and fixes", () => {
    const d = diag("unused-variable", "`x` is never read", at("a.pw", "x = 1\n", 1, 1, 1, 2), {
      fixes: [{ message: "remove it", span: at("a.pw", "x = 1\n", 1, 1, 2, 1), text: "" }],
    });
    const j = diagnosticToJson(d);
    expect(Object.keys(j)).toEqual(["rule", "code", "severity", "message", "span", "notes"]);
    expect(j.span).toEqual({ start: { line: 1, column: 1 }, end: { line: 1, column: 2 } });
    expect(JSON.stringify(j)).not.toMatch(/offset|file|fixes/);
  });

  it("names the file of a note that points into another file", () => {
    const d = diag("call-budget", "over budget", at(F, UNALIGNED, 5, 9, 5, 22), {
      notes: [
        { message: "the budget is set here", span: at("policy.yaml", "budgets:\n  book_table: 1\n", 2, 3, 2, 16) },
      ],
    });
    expect(diagnosticToJson(d).notes).toEqual([
      {
        message: "the budget is set here",
        span: { start: { line: 2, column: 3 }, end: { line: 2, column: 16 } },
        file: "policy.yaml",
      },
    ]);
  });

  it("counts errors and warnings over all files; a file without diagnostics is ok", () => {
    const clean: CheckReport = { ok: true, diagnostics: [], bounds: {} };
    const out = checkOutputToJson([
      { file: F, report },
      { file: "b.pw", report: clean },
      { file: "c.pw", report },
    ]);
    expect(out.errorCount).toBe(2);
    expect(out.warningCount).toBe(2);
    expect(out.files.map((f) => [f.file, f.ok])).toEqual([
      [F, false],
      ["b.pw", true],
      ["c.pw", false],
    ]);
    expect(out.files[1]).toEqual({ file: "b.pw", ok: true, diagnostics: [], bounds: {} });
  });

  it("keeps an unbounded max as null", () => {
    const r: CheckReport = { ok: true, diagnostics: [], bounds: { f: { min: 1, max: null, formula: "|xs|" } } };
    expect(renderJson([{ file: "u.pw", report: r }])).toContain('"max": null');
  });
});
