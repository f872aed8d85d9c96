import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.js";
import { compareDiagnostics, parseFixture } from "../helpers/fixtures.js";
import { fixtureSuite } from "../helpers/fixtures.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import type { Span } from "../../src/syntax/span.js";

const dir = fileURLToPath(new URL("../fixtures/syntax", import.meta.url));

describe("syntax fixtures", () => {
  fixtureSuite(dir, (source, file) => parse(source, file).diagnostics);
});

function diag(line: number, column: number, rule: Diagnostic["rule"] = "syntax"): Diagnostic {
  const pos = { offset: 0, line, column };
  const span: Span = { file: "f", start: pos, end: pos };
  return { rule, code: "PW1001", severity: "error", message: "m", span, notes: [] };
}

describe("fixture harness", () => {
  it("reads trailing, next-line and header expectations", () => {
    const f = parseFixture(
      "# catalog: ../cat.ts\n# policy: p.yaml\n# expect-next-line: error[syntax]@5\nx = (\ny = 1  # expect: error[a-b], warning[c]@2\n",
      "t.pw",
      "/base/dir",
    );
    expect(f.headers).toEqual({ catalog: "/base/cat.ts", policy: "/base/dir/p.yaml" });
    expect(f.expectations).toEqual([
      { line: 4, severity: "error", rule: "syntax", column: 5 },
      { line: 5, severity: "error", rule: "a-b" },
      { line: 5, severity: "warning", rule: "c", column: 2 },
    ]);
  });

  it("treats `# expect: ok` as expecting nothing and rejects malformed items", () => {
    expect(parseFixture("x = 1  # expect: ok\n").expectations).toEqual([]);
    expect(() => parseFixture("x = 1  # expect: error(syntax)\n")).toThrow(/bad expectation/);
  });

  it("reports missing and unexpected diagnostics, and checks columns", () => {
    const exp = [{ line: 1, severity: "error" as const, rule: "syntax", column: 3 }];
    expect(compareDiagnostics(exp, [diag(1, 3)])).toEqual([]);
    expect(compareDiagnostics(exp, [diag(1, 4)])).toEqual([
      "missing error[syntax]@1:3",
      "unexpected error[syntax]@1:4: m",
    ]);
    expect(compareDiagnostics([], [diag(2, 1, "forbidden-construct")])).toEqual([
      "unexpected error[forbidden-construct]@2:1: m",
    ]);
    expect(compareDiagnostics(exp, [])).toEqual(["missing error[syntax]@1:3"]);
  });
});
