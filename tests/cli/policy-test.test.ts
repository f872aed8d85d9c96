import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckReport } from "../../src/checker/report.js";
import {
  findCaseFiles,
  judgeCase,
  parseExpectations,
  readTestConfig,
  runPolicyTests,
} from "../../src/cli/policy-test.js";
import { UsageError } from "../../src/errors.js";
import { at, diag } from "../render/helpers.js";

const SRC = "x = 1\ny = f(x)\n";
const report = (...rules: ("order" | "unused-variable" | "loop-depth")[]): CheckReport => {
  const diagnostics = rules.map((r, i) => diag(r, `${r} here`, at("t.pw", SRC, i + 1, 1, i + 1, 2)));
  return { ok: diagnostics.every((d) => d.severity !== "error"), diagnostics, bounds: {} };
};

describe("parseExpectations", () => {
  it("reads expect, rules and absent from the leading comments only", () => {
    const src =
      "# A case.\n# expect: rejected\n\n# rules: order, loop-depth\n#absent:unused-variable\nx = 1\n# rules: shape\n";
    expect(parseExpectations(src)).toEqual({
      expect: "rejected",
      rules: ["order", "loop-depth"],
      absent: ["unused-variable"],
      errors: [],
    });
  });

  it("reports unknown rules (with a suggestion), bad expect values and contradictions", () => {
    expect(parseExpectations("# expect: maybe\n# rules: ordr, order\n# absent: order\nx = 1\n").errors).toEqual([
      "`# expect: maybe` must be `ok` or `rejected`",
      "`# rules:` names an unknown rule `ordr`; did you mean `order`?",
      "rule `order` is both in `# rules:` and `# absent:`",
    ]);
  });

  it("requires at least one expectation", () => {
    expect(parseExpectations("# just a comment\nx = 1\n").errors).toEqual([
      "states no expectation: start the file with `# expect: ok` or `# expect: rejected`",
    ]);
  });

  it("reads CRLF files", () => {
    expect(parseExpectations("# expect: ok\r\n# absent: order\r\nx = 1\r\n")).toMatchObject({
      expect: "ok",
      absent: ["order"],
    });
  });
});

describe("judgeCase", () => {
  it("agrees when the report matches", () => {
    expect(
      judgeCase(parseExpectations("# expect: rejected\n# rules: order\n# absent: loop-depth\n"), report("order")),
    ).toEqual([]);
    expect(judgeCase(parseExpectations("# expect: ok\n# rules: unused-variable\n"), report("unused-variable"))).toEqual(
      [],
    );
  });

  it("says why it disagrees", () => {
    expect(
      judgeCase(
        parseExpectations("# expect: ok\n# rules: loop-depth\n# absent: order, unused-variable\n"),
        report("order", "unused-variable"),
      ),
    ).toEqual([
      "expected `ok`, but the checker reported 1 error",
      "expected rule `loop-depth`, but it was not reported",
      "rule `order` must be absent, but it was reported (line 1)",
      "rule `unused-variable` must be absent, but it was reported (line 2)",
    ]);
    expect(judgeCase(parseExpectations("# expect: rejected\n"), report("unused-variable"))).toEqual([
      "expected `rejected`, but the checker reported no error",
    ]);
  });
});

describe("test suite files", () => {
  const tmp = mkdtempSync(join(tmpdir(), "pw-policy-test-"));

  it("finds .pw files in sorted order, skipping dot folders and node_modules", () => {
    for (const d of ["a", "b/c", ".hidden", "node_modules/x"]) mkdirSync(join(tmp, "tree", d), { recursive: true });
    for (const f of ["b/c/2.pw", "a/1.pw", "a/notes.txt", ".hidden/3.pw", "node_modules/x/4.pw", "0.pw"]) {
      writeFileSync(join(tmp, "tree", f), "# expect: ok\n");
    }
    expect(findCaseFiles(join(tmp, "tree")).map((f) => relative(join(tmp, "tree"), f))).toEqual([
      "0.pw",
      "a/1.pw",
      "b/c/2.pw",
    ]);
  });

  it("reads partwise.test.yaml and rejects unknown keys with their line", () => {
    const good = join(tmp, "good.yaml");
    writeFileSync(good, "catalog: cat.ts\npolicy: sub/p.yaml\n");
    const cfg = readTestConfig(good);
    expect(cfg.catalog).toBe(relative(process.cwd(), join(tmp, "cat.ts")));
    expect(cfg.policy).toBe(relative(process.cwd(), join(tmp, "sub/p.yaml")));
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, "catalog: cat.ts\ncatlog: x.ts\n");
    let err: unknown;
    try {
      readTestConfig(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).format()).toBe(
      `${bad}:2: the test config has an unknown key \`catlog\`\n  help: did you mean \`catalog\`?`,
    );
  });

  it("runs the fixture suites: all pass in one folder, one fails in the other", async () => {
    const pass = await runPolicyTests(["tests/fixtures/cli/policy-tests/pass"]);
    expect(pass.cases.map((c) => [c.file, c.passed, c.problems])).toEqual([
      ["tests/fixtures/cli/policy-tests/pass/aligned.pw", true, []],
      ["tests/fixtures/cli/policy-tests/pass/unaligned.pw", true, []],
    ]);
    const fail = await runPolicyTests(["tests/fixtures/cli/policy-tests/fail"]);
    expect(fail.passed).toBe(1);
    expect(fail.failed).toBe(1);
    expect(fail.cases.find((c) => !c.passed)?.problems).toEqual([
      expect.stringMatching(/^expected `ok`, but the checker reported \d+ errors$/),
      "expected rule `shape`, but it was not reported",
      "rule `loop-depth` must be absent, but it was reported (line 8)",
    ]);
  });
});
