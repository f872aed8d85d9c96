import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { catalogFromObject, catalogTypes, parseCatalogSource } from "../../src/catalog/load.js";
import type { Catalog } from "../../src/catalog/types.js";
import { loadPolicy, parsePolicySource, PolicyError, resolvePolicy } from "../../src/policy/load.js";
import { recommendedPolicy } from "../../src/policy/presets.js";
import type { Budget, Policy } from "../../src/policy/types.js";
import { MAX_PROBLEMS } from "../../src/catalog/load-problem.js";
import { problemRows } from "../catalog/helpers.js";

const dinner: Catalog = parseCatalogSource(
  readFileSync("tests/fixtures/catalogs/dinner.ts", "utf8"),
  "tests/fixtures/catalogs/dinner.ts",
);

/** The dinner catalog plus the contract example's `send_money` and `read_email`. */
const wider: Catalog = catalogFromObject({
  functions: {
    ask_preference: { params: { user: "string" }, returns: catalogTypes.list("string"), maxItems: 5 },
    identify_overlap: { params: { preferences: catalogTypes.dict(catalogTypes.list("string")) }, returns: "string" },
    book_table: { params: { restaurant: "string" }, effect: "reservation", irreversible: true },
    read_email: { returns: "string" },
    send_money: { params: { recipient: "string", amount: "number" }, effect: "payment", irreversible: true },
    send_email: { params: { to: "string" }, effect: "email" },
  },
  inputs: { users: { type: catalogTypes.list("string"), maxItems: 20 } },
});

const CONTRACT_EXAMPLE = `extends: recommended        # or strict; optional
maxLoopDepth: 1             # 0 forbids loops and comprehensions
shape: dag                  # sequence | tree | dag
budgets:                    # static upper bounds, also enforced at run time
  book_table: 1             # per function: at most 1 ({min: 1, max: 1}: exactly once on every run)
  effect:reservation: 1     # per effect class
  "*": 200                  # all catalog calls together
  cost: 500                 # sum of @cost over all calls
flows:
  - to: book_table.restaurant         # FUNCTION.PARAM or FUNCTION
    from: [identify_overlap]          # must derive from one of these
  - to: send_money.recipient
    notFrom: [read_email]             # must never derive from these
order:
  - before: identify_overlap          # on every path, one call of \`before\`
    then: book_table                  # precedes every call of \`then\`
glue:
  maxOps: 40                          # glue operations outside catalog calls
approve: [book_table]                 # ask a person before each call (run pauses)
rules:                                # severity per rule: off | warn | error
  unused-variable: warn
  loop-overwrite: error
`;

const budget = (max: number, min?: number, explicit = true): Budget => ({ min, max, explicit });

/** A policy as plain data, for exact comparison. */
function plain(p: Policy): unknown {
  return JSON.parse(
    JSON.stringify(p, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v as Map<string, unknown>) : v)),
  ) as unknown;
}

function policyError(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PolicyError) return err;
    throw err;
  }
  throw new Error("expected a PolicyError");
}

describe("loading", () => {
  test("the dinner policy (the smoke test's) against the dinner catalog", async () => {
    const p = await loadPolicy("tests/fixtures/catalogs/dinner.policy.yaml", dinner);
    expect(p.source).toBe("tests/fixtures/catalogs/dinner.policy.yaml");
    expect(p.maxLoopDepth).toBe(1);
    expect(p.shape).toBe("dag");
    expect([...p.budgets.functions]).toEqual([["book_table", budget(1)]]);
    expect(p.budgets.effects.size).toBe(0);
    expect(p.budgets.all).toBeUndefined();
    expect(p.budgets.cost).toBeUndefined();
    expect(p.flows).toEqual([
      { to: { fn: "book_table", param: "restaurant" }, from: ["identify_overlap"], notFrom: undefined },
    ]);
    expect(p.order).toEqual([{ before: "identify_overlap", then: "book_table" }]);
    expect(p.glue).toEqual({ maxOps: undefined });
    expect(p.approve).toEqual([]);
    expect(p.rules.get("unused-variable")).toBe("warn");
    expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.flows[0])).toBe(true);
  });

  test("examples/dinner/policy.yaml is the same policy", async () => {
    const a = await loadPolicy("tests/fixtures/catalogs/dinner.policy.yaml", dinner);
    const b = await loadPolicy("examples/dinner/policy.yaml", dinner);
    expect({ ...(plain(b) as object), source: "", hash: "" }).toEqual({
      ...(plain(a) as object),
      source: "",
      hash: "",
    });
  });

  test("the contract's example policy, every key", () => {
    const p = parsePolicySource(CONTRACT_EXAMPLE, "policy.yaml", wider);
    expect(plain(p)).toEqual({
      source: "policy.yaml",
      hash: p.hash,
      maxLoopDepth: 1,
      shape: "dag",
      budgets: {
        // send_money keeps the preset's implicit budget 1; book_table is written; send_email too.
        functions: {
          book_table: { max: 1, explicit: true },
          send_money: { max: 1, explicit: false },
          send_email: { max: 1, explicit: false },
        },
        effects: { reservation: { max: 1, explicit: true } },
        all: { max: 200, explicit: true },
        cost: { max: 500, explicit: true },
      },
      flows: [
        { to: { fn: "book_table", param: "restaurant" }, from: ["identify_overlap"] },
        { to: { fn: "send_money", param: "recipient" }, notFrom: ["read_email"] },
      ],
      order: [{ before: "identify_overlap", then: "book_table" }],
      glue: { maxOps: 40 },
      approve: ["book_table"],
      rules: {
        ...Object.fromEntries(recommendedPolicy(wider).rules),
        "unused-variable": "warn",
        "loop-overwrite": "error",
      },
    });
  });

  test("the contract's example names functions the plain dinner catalog lacks", () => {
    const err = policyError(() => parsePolicySource(CONTRACT_EXAMPLE, "policy.yaml", dinner));
    expect([err.line, err.key, err.message]).toEqual([
      12,
      "flows[1].to",
      "`flows[1].to` names `send_money`, which is not a catalog function",
    ]);
  });

  test("budgets: exactly once, function and flow targets without a param, single-name sources", () => {
    const p = parsePolicySource(
      "budgets:\n  book_table: {min: 1, max: 1}\nflows:\n  - to: send_money\n    notFrom: read_email\n    from: users\n",
      "p.yaml",
      wider,
    );
    expect(p.budgets.functions.get("book_table")).toEqual(budget(1, 1));
    expect(p.flows).toEqual([{ to: { fn: "send_money", param: undefined }, from: ["users"], notFrom: ["read_email"] }]);
  });

  test("an effect-class budget governs that class instead of the per-function default", () => {
    const p = parsePolicySource("budgets:\n  effect:payment: 3\n", "p.yaml", wider);
    expect([...p.budgets.functions.keys()].sort()).toEqual(["book_table", "send_email"]);
    expect(p.budgets.effects.get("payment")).toEqual(budget(3));
  });

  test("without extends, an empty policy is the recommended one", () => {
    const rec = recommendedPolicy(wider);
    for (const text of ["", "# nothing\n", "{}\n"]) {
      const p = parsePolicySource(text, "p.yaml", wider);
      expect({ ...(plain(p) as object), source: "", hash: "" }).toEqual({
        ...(plain(rec) as object),
        source: "",
        hash: "",
      });
    }
  });

  test("extends: strict, with a rule overridden", () => {
    const p = parsePolicySource("extends: strict\nrules:\n  unused-result: warn\n", "p.yaml", wider);
    expect(p.glue.maxOps).toBe(40);
    expect(p.maxLoopDepth).toBe(1);
    expect(p.rules.get("unused-variable")).toBe("error");
    expect(p.rules.get("loop-overwrite")).toBe("error");
    expect(p.rules.get("unused-result")).toBe("warn");
    expect(p.rules.get("syntax")).toBe("error");
  });

  test("scalar keys override the preset", () => {
    const p = parsePolicySource(
      "extends: strict\nmaxLoopDepth: 0\nshape: sequence\nglue:\n  maxOps: 7\n",
      "p.yaml",
      wider,
    );
    expect([p.maxLoopDepth, p.shape, p.glue.maxOps]).toEqual([0, "sequence", 7]);
  });

  test("JSON policies and policy objects resolve to the same policy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pw-policy-"));
    const object = {
      extends: "recommended",
      budgets: { book_table: 1 },
      order: [{ before: "identify_overlap", then: "book_table" }],
    };
    writeFileSync(join(dir, "p.json"), JSON.stringify(object, null, 2));
    const fromJson = await loadPolicy(join(dir, "p.json"), dinner);
    const fromObject = await loadPolicy(object, dinner);
    expect(fromObject.source).toBe("<object>");
    expect({ ...(plain(fromJson) as object), source: "", hash: "" }).toEqual({
      ...(plain(fromObject) as object),
      source: "",
      hash: "",
    });
    expect(resolvePolicy(object, dinner, { path: "<object>" }).hash).toBe(fromObject.hash);
  });

  test("the hash is deterministic and depends on the content", () => {
    const a = parsePolicySource("maxLoopDepth: 2\n", "p.yaml", dinner);
    expect(parsePolicySource("maxLoopDepth: 2\n", "p.yaml", dinner).hash).toBe(a.hash);
    expect(parsePolicySource("maxLoopDepth: 3\n", "p.yaml", dinner).hash).not.toBe(a.hash);
  });
});

describe("errors name file, line and key, with did-you-mean", () => {
  test.each<[string, number, string | undefined, string]>([
    ["maxLoopDepht: 1\n", 1, "maxLoopDepht", "unknown key `maxLoopDepht`; did you mean `maxLoopDepth`?"],
    [
      "extends: recommended\nshape: dgg\n",
      2,
      "shape",
      '`shape` must be one of `sequence`, `tree`, `dag`; got `"dgg"`; did you mean `dag`?',
    ],
    ["extends: lax\n", 1, "extends", '`extends` must be one of `recommended`, `strict`; got `"lax"`'],
    [
      "maxLoopDepth: -1\n",
      1,
      "maxLoopDepth",
      "`maxLoopDepth` must be a whole number ≥ 0 (0 forbids loops and comprehensions); got `-1`",
    ],
    [
      "maxLoopDepth: 1.5\n",
      1,
      "maxLoopDepth",
      "`maxLoopDepth` must be a whole number ≥ 0 (0 forbids loops and comprehensions); got `1.5`",
    ],
    [
      "budgets:\n  book_tabel: 1\n",
      2,
      "budgets.book_tabel",
      "budget `book_tabel` names no catalog function; did you mean `book_table`?",
    ],
    [
      "budgets:\n  book_table: many\n",
      2,
      "budgets.book_table",
      '`budgets.book_table` must be a whole number ≥ 0, or `{min, max}`; got `"many"`',
    ],
    [
      "budgets:\n  book_table: {min: 1, mux: 2}\n",
      2,
      "budgets.book_table.mux",
      "unknown key `mux` in `budgets.book_table`; did you mean `max`?",
    ],
    [
      "budgets:\n  book_table:\n    min: 2\n    max: 1\n",
      3,
      "budgets.book_table.min",
      "budget `book_table` has `min` 2 above `max` 1",
    ],
    [
      "budgets:\n  effect:reservaton: 1\n",
      2,
      "budgets.effect:reservaton",
      "budget `effect:reservaton` names effect class `reservaton`, which no catalog function has; did you mean `reservation`?",
    ],
    [
      "flows:\n  - to: book_table.restuarant\n    from: [identify_overlap]\n",
      2,
      "flows[0].to",
      "`book_table` has no parameter `restuarant`; did you mean `restaurant`?",
    ],
    [
      "flows:\n  - to: bok_table\n    from: [identify_overlap]\n",
      2,
      "flows[0].to",
      "`flows[0].to` names `bok_table`, which is not a catalog function; did you mean `book_table`?",
    ],
    [
      "flows:\n  - to: users\n    from: [identify_overlap]\n",
      2,
      "flows[0].to",
      "`flows[0].to` names `users`, which is not a catalog function (`users` is an input)",
    ],
    [
      "flows:\n  - to: a.b.c\n    from: [x]\n",
      2,
      "flows[0].to",
      "`flows[0].to` must be `FUNCTION` or `FUNCTION.PARAM`; got `a.b.c`",
    ],
    [
      "flows:\n  - to: book_table\n    from:\n      - identify_overlap\n      - usres\n",
      5,
      "flows[0].from[1]",
      "`flows[0].from` names `usres`, which is neither a catalog function nor an input; did you mean `users`?",
    ],
    ["flows:\n  - to: book_table\n", 2, "flows[0]", "`flows[0]` needs `from` or `notFrom`"],
    ["flows:\n  - from: [users]\n", 2, "flows[0]", "`flows[0]` needs `to`"],
    [
      "flows:\n  - to: book_table\n    fromm: [users]\n",
      3,
      "flows[0].fromm",
      "unknown key `fromm` in `flows[0]`; did you mean `from`?",
    ],
    [
      "order:\n  - before: identify_overlap\n    then: book_tables\n",
      3,
      "order[0].then",
      "`order[0].then` names `book_tables`, which is not a catalog function; did you mean `book_table`?",
    ],
    [
      "order:\n  - before: book_table\n    then: book_table\n",
      2,
      "order[0]",
      "`order[0]` puts `book_table` before itself",
    ],
    [
      "approve: [book_table, ask_preferences]\n",
      1,
      "approve[1]",
      "`approve[1]` names `ask_preferences`, which is not a catalog function; did you mean `ask_preference`?",
    ],
    ["glue:\n  maxOp: 3\n", 2, "glue.maxOp", "unknown key `maxOp` in `glue`; did you mean `maxOps`?"],
    [
      "rules:\n  unused-variabel: warn\n",
      2,
      "rules.unused-variabel",
      "unknown rule `unused-variabel`; did you mean `unused-variable`?",
    ],
    [
      "rules:\n  unused-variable: warning\n",
      2,
      "rules.unused-variable",
      '`rules.unused-variable` must be one of `off`, `warn`, `error`; got `"warning"`',
    ],
    [
      "rules:\n  internal: off\n",
      2,
      "rules.internal",
      "rule `internal` reports bugs in Partwise and cannot be configured",
    ],
    [
      "budgets: 3\n",
      1,
      "budgets",
      "`budgets` must be an object of budgets (static upper bounds, also enforced at run time): per FUNCTION, per `effect:CLASS`, `*` (all calls) and `cost` (sum of @cost); got `3`",
    ],
    ["flows: {to: x}\n", 1, "flows", '`flows` must be a list of flow rules; got `{"to":"x"}`'],
    ["- maxLoopDepth\n", 1, undefined, 'the policy must be an object of policy keys; got `["maxLoopDepth"]`'],
    ["shape: dag\nshape: tree\n", 2, undefined, "the policy is not valid YAML: Map keys must be unique"],
    [
      "flows: [\n",
      2,
      undefined,
      "the policy is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ],
  ])("%s", (text, line, key, message) => {
    const err = policyError(() => parsePolicySource(text, "dir/p.yaml", dinner));
    expect([err.file, err.line, err.key, err.message]).toEqual(["dir/p.yaml", line, key, message]);
  });

  test("the earliest problem in the file is the one reported", () => {
    const err = policyError(() =>
      parsePolicySource("shape: dag\nglue:\n  maxOps: -1\nmaxLoopDepht: 1\n", "p.yaml", dinner),
    );
    expect([err.line, err.key]).toEqual([3, "glue.maxOps"]);
  });

  test("JSON: syntax errors and key errors have lines", () => {
    let err = policyError(() => parsePolicySource('{\n  "shape": "dag",\n  "budgets": {,}\n}\n', "p.json", dinner));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/^the policy is not valid JSON: /);
    err = policyError(() => parsePolicySource('{\n  "shape": "dag",\n  "maxLoopDepht": 1\n}\n', "p.json", dinner));
    expect([err.line, err.key, err.message]).toEqual([
      3,
      "maxLoopDepht",
      "unknown key `maxLoopDepht`; did you mean `maxLoopDepth`?",
    ]);
  });

  test("objects: key but no line", async () => {
    let caught: unknown;
    try {
      await loadPolicy({ maxLoopDepht: 1 }, dinner);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    const err = caught as PolicyError;
    expect([err.file, err.line, err.key]).toEqual(["<object>", undefined, "maxLoopDepht"]);
  });

  test("format() and help", () => {
    const err = policyError(() => parsePolicySource("maxLoopDepht: 1\n", "bad.yaml", dinner));
    expect(err.format()).toBe(
      "bad.yaml:1: unknown key `maxLoopDepht`; did you mean `maxLoopDepth`?\n" +
        "  help: a policy has the keys `extends`, `maxLoopDepth`, `shape`, `budgets`, `flows`, `order`, `glue`, `approve`, `rules`",
    );
  });

  test.each<[string, string]>([
    ["tests/fixtures/catalogs/none.yaml", "cannot read policy tests/fixtures/catalogs/none.yaml: no such file"],
    [
      "tests/fixtures/catalogs/dinner.ts",
      "cannot read policy tests/fixtures/catalogs/dinner.ts: unsupported file type",
    ],
  ])("%s", async (path, message) => {
    let caught: unknown;
    try {
      await loadPolicy(path, dinner);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    expect([(caught as PolicyError).file, (caught as PolicyError).message]).toEqual([path, message]);
  });
});

describe("every problem at once, in source order", () => {
  const rows = (err: PolicyError): unknown[] => problemRows(err);

  test("a policy with ten independent mistakes reports all ten, with line, column and key", () => {
    const text = [
      "maxLoopDepht: 1",
      "shape: dgg",
      "budgets:",
      "  book_tabel: 2",
      "  book_table: {min: 3, max: 1}",
      "flows:",
      "  - to: book_table.restuarant",
      "    from: [identify_overlap, usres]",
      "order:",
      "  - before: book_table",
      "    then: book_table",
      "approve: [book_tables]",
      "rules:",
      "  unused-variabel: warn",
      "  loop-overwrite: warning",
      "",
    ].join("\n");
    const err = policyError(() => parsePolicySource(text, "p.yaml", dinner));
    expect(rows(err)).toEqual([
      [1, 1, "maxLoopDepht", "unknown key `maxLoopDepht`; did you mean `maxLoopDepth`?"],
      [2, 8, "shape", '`shape` must be one of `sequence`, `tree`, `dag`; got `"dgg"`; did you mean `dag`?'],
      [4, 3, "budgets.book_tabel", "budget `book_tabel` names no catalog function; did you mean `book_table`?"],
      [5, 21, "budgets.book_table.min", "budget `book_table` has `min` 3 above `max` 1"],
      [7, 9, "flows[0].to", "`book_table` has no parameter `restuarant`; did you mean `restaurant`?"],
      [
        8,
        30,
        "flows[0].from[1]",
        "`flows[0].from` names `usres`, which is neither a catalog function nor an input; did you mean `users`?",
      ],
      [10, 5, "order[0]", "`order[0]` puts `book_table` before itself"],
      [
        12,
        11,
        "approve[0]",
        "`approve[0]` names `book_tables`, which is not a catalog function; did you mean `book_table`?",
      ],
      [14, 3, "rules.unused-variabel", "unknown rule `unused-variabel`; did you mean `unused-variable`?"],
      [15, 19, "rules.loop-overwrite", '`rules.loop-overwrite` must be one of `off`, `warn`, `error`; got `"warning"`'],
    ]);
    expect(err.omitted).toBe(0);
    // The error's own fields are the first problem's, as when only one was reported.
    expect([err.file, err.line, err.column, err.key, err.message]).toEqual([
      "p.yaml",
      1,
      1,
      "maxLoopDepht",
      "unknown key `maxLoopDepht`; did you mean `maxLoopDepth`?",
    ]);
    expect(err.problems.every((p) => p.file === "p.yaml")).toBe(true);
  });

  test("format() prints every problem with its help", () => {
    const err = policyError(() =>
      parsePolicySource("shape: dgg\nbudgets:\n  book_tabel: 2\napprove: [book_table]\n", "p.yaml", dinner),
    );
    expect(err.format()).toBe(
      'p.yaml:1: `shape` must be one of `sequence`, `tree`, `dag`; got `"dgg"`; did you mean `dag`?\n' +
        "p.yaml:3: budget `book_tabel` names no catalog function; did you mean `book_table`?\n" +
        "  help: a budget key is a catalog function, `effect:CLASS`, `*` (all calls) or `cost`",
    );
  });

  test("JSON policies: lines and columns of values and keys", () => {
    const text = '{\n  "maxLoopDepth": -1,\n  "budgets": {"book_tabel": 1},\n  "approve": ["nope"]\n}\n';
    const err = policyError(() => parsePolicySource(text, "p.json", dinner));
    expect(rows(err)).toEqual([
      [
        2,
        19,
        "maxLoopDepth",
        "`maxLoopDepth` must be a whole number ≥ 0 (0 forbids loops and comprehensions); got `-1`",
      ],
      [3, 15, "budgets.book_tabel", "budget `book_tabel` names no catalog function; did you mean `book_table`?"],
      [4, 15, "approve[0]", "`approve[0]` names `nope`, which is not a catalog function"],
    ]);
  });

  test("what one mistake causes is not reported as another", () => {
    // `too` is a misspelt `to` (not also a missing `to`); `fromm` a misspelt `from` (not also a flow
    // without a source); a missing `then` is missing (not also a `then` of the wrong type).
    const text =
      "flows:\n  - too: book_table\n    from: [users]\n  - to: book_table\n    fromm: [users]\n" +
      "order:\n  - before: nope\n";
    const err = policyError(() => parsePolicySource(text, "p.yaml", dinner));
    expect(rows(err)).toEqual([
      [2, 5, "flows[0].too", "unknown key `too` in `flows[0]`; did you mean `to`?"],
      [5, 5, "flows[1].fromm", "unknown key `fromm` in `flows[1]`; did you mean `from`?"],
      [7, 5, "order[0]", "`order[0]` needs `then`"],
      [7, 13, "order[0].before", "`order[0].before` names `nope`, which is not a catalog function"],
    ]);
  });

  test("a file that does not parse is one problem: nothing after it can be trusted", () => {
    const err = policyError(() => parsePolicySource("maxLoopDepht: 1\nflows: [\n", "p.yaml", dinner));
    expect(rows(err)).toEqual([
      [
        3,
        1,
        undefined,
        "the policy is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
      ],
    ]);
    const json = policyError(() => parsePolicySource('{"maxLoopDepht": 1,\n  "shape": }\n', "p.json", dinner));
    expect(json.problems).toHaveLength(1);
    expect([json.line, json.column]).toEqual([2, 12]);
  });

  test(`at most ${MAX_PROBLEMS} problems, then "and N more problems"`, () => {
    const names = Array.from({ length: MAX_PROBLEMS + 10 }, (_, i) => `nope${i}`);
    const err = policyError(() =>
      parsePolicySource(`approve:\n${names.map((n) => `  - ${n}\n`).join("")}`, "p.yaml", dinner),
    );
    expect(err.problems).toHaveLength(MAX_PROBLEMS);
    expect(err.omitted).toBe(10);
    expect(err.problems[MAX_PROBLEMS - 1]?.key).toBe(`approve[${MAX_PROBLEMS - 1}]`);
    expect(err.problems[MAX_PROBLEMS - 1]?.line).toBe(MAX_PROBLEMS + 1);
    expect(err.format().split("\n").slice(-2)).toEqual([
      `  help: the catalog's functions are \`ask_preference\`, \`identify_overlap\`, \`book_table\``,
      "and 10 more problems",
    ]);
  });

  test("a policy object: every problem, with its key and no line", async () => {
    let caught: unknown;
    try {
      await loadPolicy({ maxLoopDepht: 1, approve: ["nope"], shape: "dgg" }, dinner);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    expect(rows(caught as PolicyError)).toEqual([
      [undefined, undefined, "maxLoopDepht", "unknown key `maxLoopDepht`; did you mean `maxLoopDepth`?"],
      [
        undefined,
        undefined,
        "shape",
        '`shape` must be one of `sequence`, `tree`, `dag`; got `"dgg"`; did you mean `dag`?',
      ],
      [undefined, undefined, "approve[0]", "`approve[0]` names `nope`, which is not a catalog function"],
    ]);
  });

  test("a PolicyError made directly lists itself as its one problem", () => {
    const err = new PolicyError("m", "f.yaml", 3, "k", "h");
    expect(err.problems).toEqual([{ message: "m", file: "f.yaml", line: 3, column: undefined, key: "k", help: "h" }]);
    expect(err.format()).toBe("f.yaml:3: m\n  help: h");
  });
});
