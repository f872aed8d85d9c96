/**
 * How usage errors print: one problem exactly as before (`partwise: ` and
 * `format()`); a catalog or policy with several problems one
 * `partwise: file:line:column: message` line each, help indented under it,
 * then a count. In-process for every shape, then through the built CLI.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CatalogError } from "../../src/catalog/catalog-error.js";
import { MAX_PROBLEMS, type LoadProblem } from "../../src/catalog/load-problem.js";
import { renderUsageError } from "../../src/cli/usage-error.js";
import { UsageError } from "../../src/errors.js";
import { PolicyError } from "../../src/policy/policy-error.js";
import { FX, cli } from "./helpers.js";

/** A problem with what the test does not care about left out. */
function problem(p: Partial<LoadProblem> & Pick<LoadProblem, "message">): LoadProblem {
  return { file: undefined, line: undefined, column: undefined, key: undefined, help: undefined, ...p };
}

describe("renderUsageError", () => {
  it("prints a plain usage error as `partwise: ` and its format()", () => {
    expect(renderUsageError(new UsageError("catalog not found", "c.ts", undefined, "check the path"))).toBe(
      "partwise: c.ts: catalog not found\n  help: check the path\n",
    );
    expect(renderUsageError(new UsageError("standard input (`-`) can be named only once"))).toBe(
      "partwise: standard input (`-`) can be named only once\n",
    );
  });

  it("prints a single catalog or policy problem as before: no column, no count", () => {
    const one = problem({ message: "unknown key `shap`", file: "p.yaml", line: 3, column: 1, key: "shap", help: "h" });
    expect(renderUsageError(PolicyError.of([one]))).toBe("partwise: p.yaml:3: unknown key `shap`\n  help: h\n");
    expect(renderUsageError(new CatalogError([one]))).toBe("partwise: p.yaml:3: unknown key `shap`\n  help: h\n");
    expect(renderUsageError(new PolicyError("`shape` must be one of …", "p.yaml", 2, "shape"))).toBe(
      "partwise: p.yaml:2: `shape` must be one of …\n",
    );
  });

  it("prints several problems one per line with file:line:column, help under each, then the count", () => {
    const err = PolicyError.of([
      problem({ message: "unknown key `shap`", file: "p.yaml", line: 1, column: 1, help: "did you mean `shape`?" }),
      problem({ message: "`maxLoopDepth` must be a whole number", file: "p.yaml", line: 2, column: 15 }),
      problem({ message: "the policy names no catalog", file: "p.yaml", line: 4 }),
      problem({ message: "the file is empty", file: "p.yaml" }),
    ]);
    expect(renderUsageError(err)).toBe(
      [
        "partwise: p.yaml:1:1: unknown key `shap`",
        "  help: did you mean `shape`?",
        "partwise: p.yaml:2:15: `maxLoopDepth` must be a whole number",
        "partwise: p.yaml:4: the policy names no catalog",
        "partwise: p.yaml: the file is empty",
        "partwise: 4 problems in p.yaml",
        "",
      ].join("\n"),
    );
  });

  it("names every file in the count, and none when the problems name no file", () => {
    const two = new CatalogError([
      problem({ message: "a", file: "cat.ts", line: 1, column: 2 }),
      problem({ message: "b", file: "types.ts", line: 3, column: 4 }),
      problem({ message: "c", file: "cat.ts", line: 5, column: 6 }),
    ]);
    expect(renderUsageError(two).split("\n").at(-2)).toBe("partwise: 3 problems in cat.ts and types.ts");
    const three = new CatalogError([
      problem({ message: "a", file: "a.ts", line: 1 }),
      problem({ message: "b", file: "b.ts", line: 1 }),
      problem({ message: "c", file: "c.ts", line: 1 }),
    ]);
    expect(renderUsageError(three).split("\n").at(-2)).toBe("partwise: 3 problems in a.ts, b.ts and c.ts");
    const none = new CatalogError([problem({ message: "a" }), problem({ message: "b" })]);
    expect(renderUsageError(none)).toBe("partwise: a\npartwise: b\npartwise: 2 problems\n");
  });

  it(`says how many were listed when the loader kept only ${MAX_PROBLEMS}`, () => {
    const many = Array.from({ length: MAX_PROBLEMS + 7 }, (_, i) =>
      problem({ message: `budget \`f${i}\` names no catalog function`, file: "p.yaml", line: i + 2, column: 3 }),
    );
    const lines = renderUsageError(PolicyError.of(many)).split("\n");
    expect(lines).toHaveLength(MAX_PROBLEMS + 2);
    expect(lines[0]).toBe("partwise: p.yaml:2:3: budget `f0` names no catalog function");
    expect(lines.slice(-3)).toEqual([
      `partwise: p.yaml:${MAX_PROBLEMS + 1}:3: budget \`f${MAX_PROBLEMS - 1}\` names no catalog function`,
      `partwise: ${MAX_PROBLEMS + 7} problems in p.yaml, the first ${MAX_PROBLEMS} listed`,
      "",
    ]);
  });
});

describe("the CLI prints catalog and policy problems", () => {
  const tmp = mkdtempSync(join(tmpdir(), "pw-cli-problems-"));

  it("prints a policy with one problem exactly as before", () => {
    const r = cli(["check", `${FX}/aligned.pw`, "--catalog", `${FX}/catalog.ts`, "--policy", `${FX}/bad-policy.yaml`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `partwise: ${FX}/bad-policy.yaml:1: unknown key \`maxLoopDepht\`; did you mean \`maxLoopDepth\`?\n` +
        "  help: a policy has the keys `extends`, `maxLoopDepth`, `shape`, `budgets`, `flows`, `order`, `glue`, `approve`, `rules`\n",
    );
  });

  it("lists every problem of a policy, with columns, then the count (also with --format json)", () => {
    const policy = join(tmp, "policy.yaml");
    writeFileSync(policy, "maxLoopDepht: 1\nshape: tree2\nbudgets:\n  nope: 1\n  book_table: x\n");
    const expected =
      `partwise: ${policy}:1:1: unknown key \`maxLoopDepht\`; did you mean \`maxLoopDepth\`?\n` +
      "  help: a policy has the keys `extends`, `maxLoopDepth`, `shape`, `budgets`, `flows`, `order`, `glue`, `approve`, `rules`\n" +
      `partwise: ${policy}:2:8: \`shape\` must be one of \`sequence\`, \`tree\`, \`dag\`; got \`"tree2"\`; did you mean \`tree\`?\n` +
      `partwise: ${policy}:4:3: budget \`nope\` names no catalog function\n` +
      "  help: a budget key is a catalog function, `effect:CLASS`, `*` (all calls) or `cost`\n" +
      `partwise: ${policy}:5:15: \`budgets.book_table\` must be a whole number ≥ 0, or \`{min, max}\`; got \`"x"\`\n` +
      `partwise: 4 problems in ${policy}\n`;
    for (const format of ["pretty", "json"]) {
      const r = cli([
        "check",
        `${FX}/aligned.pw`,
        "--catalog",
        `${FX}/catalog.ts`,
        "--policy",
        policy,
        "--format",
        format,
      ]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(expected);
    }
  });

  it("lists every problem of an MCP catalog, with columns, then the count", () => {
    const catalog = join(tmp, "tools.json");
    writeFileSync(
      catalog,
      `{"tools": [
  {"name": "get-weather", "inputSchema": {"type": "object"}},
  {"name": "ok_tool", "inputSchema": {"type": "object", "properties": {"a": {"type": "strang"}}}},
  {"inputSchema": {}}
]}
`,
    );
    const r = cli(["run", `${FX}/aligned.pw`, "--catalog", catalog]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `partwise: ${catalog}:2:12: tool name \`get-weather\` is not a name a composition can write\n` +
        "  help: a composition calls tools by name: use letters, digits and `_`\n" +
        `partwise: ${catalog}:3:86: parameter \`a\` of tool \`ok_tool\`: JSON Schema type \`"strang"\` cannot be used in a catalog\n` +
        "  help: use string, number, integer, boolean, null, array or object\n" +
        `partwise: ${catalog}:4:3: tool 2 has no \`name\`\n` +
        '  help: every tool is an object with a `name`, e.g. {"name": "search", …}\n' +
        `partwise: 3 problems in ${catalog}\n`,
    );
  });
});
