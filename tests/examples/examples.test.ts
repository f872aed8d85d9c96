/**
 * The worked examples under examples/ are specifications: for every folder
 * with a catalog, a policy and an `aligned.pw`, each composition at the top of
 * the folder must get exactly the diagnostics (rule, code, severity, line,
 * column), `ok` and bounds of its `expected/NAME.check.json`; `aligned.pw`
 * must run on `input.json` with exactly the result and calls of
 * `expected/aligned.run.json`; and the folder's `tests/` suite must pass
 * under `partwise test`. The expected files are written by
 * scripts/gen-examples.mjs and reviewed by hand; a checker that disagrees
 * with them is wrong until someone shows the example is.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import type { Catalog } from "../../src/catalog/types.js";
import { check } from "../../src/checker/check.js";
import { runPolicyTests } from "../../src/cli/policy-test.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/types.js";
import { shutdownSandbox } from "../../src/runtime/pool.js";
import { run } from "../../src/runtime/run.js";
import type { JsonValue } from "../../src/runtime/types.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const EXAMPLES = join(ROOT, "examples");

/** The examples this suite's owner wrote; each must be complete (expected/, tests/, README). */
const OWN = ["code-review", "email-injection", "payments", "report-tree", "sequential-pipeline"] as const;

/** Every folder holding a complete example. */
const dirs = readdirSync(EXAMPLES)
  .filter((name) => statSync(join(EXAMPLES, name)).isDirectory())
  .filter((name) => ["catalog.ts", "policy.yaml", "aligned.pw"].every((f) => existsSync(join(EXAMPLES, name, f))))
  .sort();

interface ExpectedCheck {
  readonly files: readonly {
    readonly file: string;
    readonly ok: boolean;
    readonly diagnostics: readonly {
      readonly rule: string;
      readonly code: string;
      readonly severity: string;
      readonly span: { readonly start: { readonly line: number; readonly column: number } };
    }[];
    readonly bounds: Readonly<Record<string, { min: number; max: number | null; formula: string }>>;
  }[];
}

interface ExpectedRun {
  readonly status: string;
  readonly result?: JsonValue;
  readonly calls: readonly {
    readonly fn: string;
    readonly args: readonly JsonValue[];
    readonly result?: JsonValue;
    readonly effect: string | null;
    readonly line: number;
  }[];
  readonly stats: { readonly calls: number };
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

/** The comparable part of a diagnostic. */
function brief(d: {
  rule: string;
  code: string;
  severity: string;
  span: { start: { line: number; column: number } };
}): string {
  return `${d.span.start.line}:${d.span.start.column} ${d.severity} ${d.rule} ${d.code}`;
}

async function loadExample(name: string): Promise<{ catalog: Catalog; policy: Policy }> {
  const catalog = await loadCatalog(join(EXAMPLES, name, "catalog.ts"));
  const policy = await loadPolicy(join(EXAMPLES, name, "policy.yaml"), catalog);
  return { catalog, policy };
}

afterAll(async () => {
  await shutdownSandbox();
});

it("finds the worked examples", () => {
  for (const name of OWN) expect(dirs).toContain(name);
});

describe.each(dirs)("examples/%s", (name) => {
  const dir = join(EXAMPLES, name);
  const expectedDir = join(dir, "expected");
  const compositions = readdirSync(dir)
    .filter((f) => f.endsWith(".pw"))
    .sort();
  let catalog: Catalog;
  let policy: Policy;

  beforeAll(async () => {
    ({ catalog, policy } = await loadExample(name));
  });

  if (!existsSync(expectedDir)) {
    it.todo(`has no expected/ yet: review the output, then run \`node scripts/gen-examples.mjs ${name}\``);
    return;
  }

  it.each(compositions)("check %s matches its expected output", (pw) => {
    const expected = readJson<ExpectedCheck>(join(expectedDir, pw.replace(/\.pw$/, ".check.json")));
    const want = expected.files[0];
    expect(want?.file).toBe(`examples/${name}/${pw}`);
    const report = check(readFileSync(join(dir, pw), "utf8"), { catalog, policy, file: `examples/${name}/${pw}` });
    expect(report.diagnostics.map(brief)).toEqual(want?.diagnostics.map(brief));
    expect(report.ok).toBe(want?.ok);
    expect(report.bounds).toEqual(want?.bounds);
  });

  it("aligned.pw passes and every other composition is rejected", () => {
    for (const pw of compositions) {
      const report = check(readFileSync(join(dir, pw), "utf8"), { catalog, policy });
      expect({ pw, ok: report.ok }).toEqual({ pw, ok: pw === "aligned.pw" });
    }
  });

  it("runs aligned.pw with the expected result and calls", async () => {
    const expected = readJson<ExpectedRun>(join(expectedDir, "aligned.run.json"));
    const inputFile = join(dir, "input.json");
    const input = existsSync(inputFile) ? readJson<object>(inputFile) : undefined;
    const result = await run(readFileSync(join(dir, "aligned.pw"), "utf8"), {
      catalog,
      policy,
      ...(input === undefined ? {} : { input }),
      approve: () => Promise.resolve(true),
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(expected.status);
    expect(result.result).toEqual(expected.result);
    const calls = (cs: ExpectedRun["calls"]): unknown[] =>
      cs.map((c) => ({ fn: c.fn, args: c.args, result: c.result, effect: c.effect, line: c.line }));
    expect(calls(result.calls)).toEqual(calls(expected.calls));
    expect(result.stats.calls).toBe(expected.stats.calls);
  });

  if (existsSync(join(dir, "tests"))) {
    it("passes its own policy test suite (partwise test)", async () => {
      const report = await runPolicyTests([join(dir, "tests")]);
      const failures = report.cases.filter((c) => !c.passed).map((c) => ({ file: c.file, problems: c.problems }));
      expect(failures).toEqual([]);
      expect(report.passed).toBeGreaterThanOrEqual(4);
    });
  }
});

describe.each(OWN)("examples/%s is complete", (name) => {
  const dir = join(EXAMPLES, name);

  it("has every file a worked example needs", () => {
    const files = readdirSync(dir);
    for (const f of ["README.md", "catalog.ts", "policy.yaml", "input.json", "aligned.pw", "expected", "tests"]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^unaligned.*\.pw$/.test(f)).length).toBeGreaterThanOrEqual(1);
    expect(readdirSync(join(dir, "tests"))).toContain("partwise.test.yaml");
    const expected = readdirSync(join(dir, "expected"));
    for (const pw of files.filter((f) => f.endsWith(".pw")))
      expect(expected).toContain(pw.replace(/\.pw$/, ".check.json"));
    expect(expected).toContain("aligned.run.json");
  });

  it("keeps every composition small (at most 20 lines)", () => {
    for (const pw of readdirSync(dir).filter((f) => f.endsWith(".pw"))) {
      const lines = readFileSync(join(dir, pw), "utf8").trimEnd().split("\n").length;
      expect({ pw, small: lines <= 20 }).toEqual({ pw, small: true });
    }
  });

  it("has deterministic handlers: no clock, randomness, network or environment", () => {
    const src = readFileSync(join(dir, "catalog.ts"), "utf8");
    for (const banned of [
      /\bDate\b/,
      /Math\.random/,
      /\bfetch\(/,
      /\bprocess\./,
      /\bimport\b/,
      /\brequire\(/,
      /performance\./,
    ]) {
      expect({ banned: String(banned), found: banned.test(src) }).toEqual({ banned: String(banned), found: false });
    }
  });

  it("runs aligned.pw twice with the same calls", async () => {
    const { catalog, policy } = await loadExample(name);
    const input = readJson<object>(join(dir, "input.json"));
    const source = readFileSync(join(dir, "aligned.pw"), "utf8");
    const once = async (): Promise<unknown> => {
      const r = await run(source, { catalog, policy, input, approve: () => Promise.resolve(true) });
      return { result: r.result, calls: r.calls.map((c) => [c.fn, c.args, c.result]) };
    };
    expect(await once()).toEqual(await once());
  });
});

describe("shape `tree` counts consumptions per run", () => {
  // A result read once in each arm of an `if`/`else` is consumed once on
  // every run: contract.md's `tree` forbids "a catalog result consumed more
  // than once", which never happens here.
  it("report-tree: a result read once in each branch of an if/else is not a shape violation", async () => {
    const { catalog, policy } = await loadExample("report-tree");
    const source = [
      'notes = research(topic, "Who would buy this?")',
      "if len(topic) > 20:",
      '    s = write_section("Market", notes)',
      "else:",
      '    s = write_section("Overview", notes)',
      "return publish_report(combine(topic, [s]))",
      "",
    ].join("\n");
    const report = check(source, { catalog, policy });
    expect(report.diagnostics.map(brief)).toEqual([]);
  });
});
