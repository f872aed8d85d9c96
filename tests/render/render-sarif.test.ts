import { describe, expect, it } from "vitest";
import type { CheckReport } from "../../src/checker/report.js";
import { RULE_NAMES, RULES } from "../../src/diagnostics/codes.js";
import { artifactUri, checkOutputToSarif, renderSarif } from "../../src/diagnostics/render-sarif.js";
import { UNALIGNED, at, diag } from "./helpers.js";
import { sarifValidator } from "./sarif-schema.js";

const F = "examples/dinner/unaligned.pw";

const report: CheckReport = {
  ok: false,
  diagnostics: [
    diag("unused-variable", "`bookings` is assigned and never read", at(F, UNALIGNED, 1, 1, 1, 9), {
      fixes: [{ message: "remove the assignment", span: at(F, UNALIGNED, 1, 1, 2, 1), text: "" }],
    }),
    diag("loop-depth", "loop nested 2 deep; the policy allows 1", at(F, UNALIGNED, 4, 5, 5, 22), {
      notes: [
        { message: "outer loop here", span: at(F, UNALIGNED, 2, 1, 2, 16) },
        { message: "a note without a place" },
      ],
      help: "move the inner loop into a subtask",
    }),
  ],
  bounds: {},
};

describe("renderSarif", () => {
  const validate = sarifValidator();

  it("is valid SARIF 2.1.0", () => {
    const log = JSON.parse(
      renderSarif([
        { file: F, report },
        { file: "/abs/dir/x y.pw", report },
      ]),
    );
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the validator rejects a broken log (the test can fail)", () => {
    const log = checkOutputToSarif([{ file: F, report }]) as unknown as { runs: { results: { level: string }[] }[] };
    log.runs[0]!.results[0]!.level = "fatal";
    expect(validate(log)).toBe(false);
    expect(validate({ version: "2.1.0" })).toBe(false);
  });

  it("lists every rule of the registry in order, and each result points at its rule", () => {
    const log = checkOutputToSarif([{ file: F, report }]);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe("partwise");
    const rules = run.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(RULE_NAMES);
    expect(rules[RULE_NAMES.indexOf("loop-depth")]?.shortDescription?.text).toBe(RULES["loop-depth"].description);
    for (const r of run.results ?? []) expect(rules[r.ruleIndex!]?.id).toBe(r.ruleId);
  });

  it("maps locations, levels, notes and fixes", () => {
    const run = checkOutputToSarif([{ file: F, report }]).runs[0]!;
    const [unused, depth] = run.results ?? [];
    expect(unused?.level).toBe("warning");
    expect(depth).toMatchObject({
      ruleId: "loop-depth",
      level: "error",
      message: {
        text: "loop nested 2 deep; the policy allows 1\nnote: a note without a place\nhelp: move the inner loop into a subtask",
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "examples/dinner/unaligned.pw" },
            region: { startLine: 4, startColumn: 5, endLine: 5, endColumn: 22 },
          },
        },
      ],
      relatedLocations: [
        {
          id: 1,
          message: { text: "outer loop here" },
          physicalLocation: { region: { startLine: 2, startColumn: 1, endLine: 2, endColumn: 16 } },
        },
      ],
      properties: { code: "PW5001" },
    });
    expect(unused?.fixes?.[0]?.artifactChanges[0]?.replacements[0]).toEqual({
      deletedRegion: { startLine: 1, startColumn: 1, endLine: 2, endColumn: 1 },
      insertedContent: { text: "" },
    });
  });

  it("writes file names as URIs", () => {
    expect(artifactUri("examples/dinner/a b.pw")).toBe("examples/dinner/a%20b.pw");
    expect(artifactUri("/tmp/x.pw")).toBe("file:///tmp/x.pw");
    expect(artifactUri("<stdin>")).toBe("%3Cstdin%3E");
  });

  it("an empty check is still a valid log", () => {
    const log = checkOutputToSarif([]);
    expect(validate(log)).toBe(true);
    expect(log.runs[0]?.results).toEqual([]);
  });
});
