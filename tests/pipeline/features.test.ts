/**
 * `p2c`'s structural features come from the checker's own facts: on every
 * composition of the built-in benchmark, each feature is exactly what the
 * checker's verdict depends on (the `loop-depth`, `shape` and
 * `glue-complexity` rules fire exactly when the feature says they must;
 * call sites are the bounds' sites), and hand-written cases have exact
 * values.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalogFromObject } from "../../src/catalog/build.js";
import { loadCatalog } from "../../src/catalog/load.js";
import type { Catalog } from "../../src/catalog/types.js";
import { analyze, check } from "../../src/checker/check.js";
import { compositionFeatures, sourceFeatures, type CompositionFeatures } from "../../src/pipeline/features.js";
import { loadPolicy } from "../../src/policy/load.js";
import { recommendedPolicy } from "../../src/policy/presets.js";
import type { Policy } from "../../src/policy/types.js";
import { parse } from "../../src/syntax/parse.js";

/** `policy` with one setting changed and the three rules on. */
function variant(policy: Policy, change: Partial<Pick<Policy, "maxLoopDepth" | "shape" | "glue">>): Policy {
  const rules = new Map(policy.rules);
  rules.set("loop-depth", "error");
  rules.set("shape", "error");
  rules.set("glue-complexity", "warn");
  return { ...policy, ...change, rules };
}

function fires(source: string, catalog: Catalog, policy: Policy, rule: string): boolean {
  return check(source, { catalog, policy }).diagnostics.some((d) => d.rule === rule);
}

/** Asserts that every feature agrees with the checker's verdicts and facts. */
function expectAgreement(source: string, catalog: Catalog, policy: Policy, f: CompositionFeatures): void {
  for (let k = 0; k <= 3; k++) {
    expect(fires(source, catalog, variant(policy, { maxLoopDepth: k }), "loop-depth")).toBe(f.loopDepth > k);
  }
  // `shape` is the first policy shape the rule accepts. The rule's `sequence` (control structure) and `tree`
  // (a result consumed twice) test different things, so a `sequence` composition may still fail `tree`.
  expect(fires(source, catalog, variant(policy, { shape: "sequence" }), "shape")).toBe(f.shape !== "sequence");
  if (f.shape !== "sequence") {
    expect(fires(source, catalog, variant(policy, { shape: "tree" }), "shape")).toBe(f.shape === "dag");
  }
  expect(fires(source, catalog, variant(policy, { shape: "dag" }), "shape")).toBe(false);
  expect(fires(source, catalog, variant(policy, { glue: { maxOps: f.glueOps } }), "glue-complexity")).toBe(false);
  if (f.glueOps > 0) {
    const d = check(source, { catalog, policy: variant(policy, { glue: { maxOps: f.glueOps - 1 } }) }).diagnostics;
    expect(d.find((x) => x.rule === "glue-complexity")?.message).toBe(
      `the composition has ${f.glueOps} glue operations; the policy allows ${f.glueOps - 1}`,
    );
  }
  const facts = analyze(parse(source).module, catalog, policy);
  let sites = 0;
  let effectSites = 0;
  for (const [name, calls] of facts.bounds.sitesByFunction) {
    sites += calls.length;
    if (catalog.functions.get(name)?.effect !== undefined) effectSites += calls.length;
  }
  expect([f.catalogCalls, f.effectCalls]).toEqual([sites, effectSites]);
}

describe("features on the built-in benchmark (examples/p2c)", () => {
  it("equal the checker's verdict-relevant facts on every composition", async () => {
    const catalog = await loadCatalog("examples/p2c/catalog.ts");
    const policy = await loadPolicy("examples/p2c/policy.yaml", catalog);
    const episodes = readFileSync("examples/p2c/episodes.jsonl", "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; program: string });
    expect(episodes).toHaveLength(18);
    const seen: Record<string, CompositionFeatures | undefined> = {};
    for (const e of episodes) {
      const f = sourceFeatures(e.program, { catalog, policy });
      seen[e.id] = f;
      expect(f, e.id).toBeDefined();
      if (f !== undefined) expectAgreement(e.program, catalog, policy, f);
    }
    // The Figure 1 pair, exactly.
    expect(seen["dinner-aligned"]).toEqual({
      loopDepth: 1,
      shape: "tree",
      effectCalls: 1,
      catalogCalls: 3,
      glueOps: 3,
    });
    expect(seen["dinner-unaligned"]).toEqual({
      loopDepth: 2,
      shape: "dag",
      effectCalls: 1,
      catalogCalls: 3,
      glueOps: 3,
    });
  });
});

describe("features of hand-written compositions", () => {
  const catalog = catalogFromObject({
    functions: {
      f: { params: { x: "string" }, returns: { kind: "list", element: { kind: "string" } }, maxItems: 5 },
      g: { params: { x: "any" }, returns: "string" },
      send: { params: { to: "string", body: "any" }, effect: "email" },
    },
    inputs: { a: "string", c: "boolean", xs: { type: { kind: "list", element: { kind: "string" } }, maxItems: 3 } },
  });
  const policy = recommendedPolicy(catalog);

  const cases: readonly [string, string, CompositionFeatures][] = [
    [
      "straight line",
      "x = f(a)\nreturn g(x)\n",
      { loopDepth: 0, shape: "sequence", effectCalls: 0, catalogCalls: 2, glueOps: 0 },
    ],
    [
      "a result read twice, in straight-line code (`sequence` accepts it; `tree` would not)",
      "x = f(a)\ny = g(x)\nsend(a, x)\nreturn y\n",
      { loopDepth: 0, shape: "sequence", effectCalls: 1, catalogCalls: 3, glueOps: 0 },
    ],
    [
      "a result read twice after a branch",
      "x = f(a)\nb = a\nif c:\n    b = g(x)\nsend(b, x)\n",
      { loopDepth: 0, shape: "dag", effectCalls: 1, catalogCalls: 3, glueOps: 1 },
    ],
    [
      "reads in the two arms of an `if` (one per run)",
      "x = f(a)\nif c:\n    send(a, x)\nelse:\n    g(x)\n",
      { loopDepth: 0, shape: "tree", effectCalls: 1, catalogCalls: 3, glueOps: 1 },
    ],
    [
      "a comprehension inside a loop, with a filter",
      "out = {}\nfor u in xs:\n    out[u] = [g(v) for v in f(u) if v != u]\nreturn out\n",
      { loopDepth: 2, shape: "tree", effectCalls: 0, catalogCalls: 2, glueOps: 6 },
    ],
    [
      "a catalog result read inside a loop",
      "x = f(a)\nfor u in xs:\n    g(x)\n",
      { loopDepth: 1, shape: "dag", effectCalls: 0, catalogCalls: 2, glueOps: 1 },
    ],
    [
      "results kept in a dict (the `shape` rule follows variables, not containers)",
      "d = {}\nfor u in xs:\n    d[u] = f(u)\nsend(a, d[xs[0]])\nreturn g(d)\n",
      { loopDepth: 1, shape: "tree", effectCalls: 1, catalogCalls: 3, glueOps: 5 },
    ],
  ];

  it.each(cases)("%s", (_name, source, want) => {
    const f = sourceFeatures(source, { catalog, policy });
    expect(f).toEqual(want);
    expectAgreement(source, catalog, policy, want);
    expect(compositionFeatures(parse(source).module, catalog)).toEqual(want);
  });

  it("a straight-line composition that uses a result twice passes `shape: sequence` and fails `shape: tree`", () => {
    const source = "x = f(a)\ny = g(x)\nsend(a, x)\nreturn y\n";
    expect(fires(source, catalog, variant(policy, { shape: "sequence" }), "shape")).toBe(false);
    expect(fires(source, catalog, variant(policy, { shape: "tree" }), "shape")).toBe(true);
  });

  it("a composition with a syntax error has none (the checker computes no facts)", () => {
    expect(sourceFeatures("x = f(a\n", { catalog, policy })).toBeUndefined();
  });
});
