/**
 * What the diagnostics say, beyond rule, line and column: the notes that
 * point at the spans behind a finding and the help that says what to do.
 * Each case states the exact text and where each note points.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { loadCatalog } from "../../src/catalog/load.js";
import { check } from "../../src/checker/check.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { PolicyOverrides } from "./helpers.js";
import { policy } from "./helpers.js";
import { src, testCatalog } from "./rule-cases.js";

const ROOT = new URL("../..", import.meta.url).pathname;

/** The diagnostics of `rule` for `code` under the test catalog and `o`. */
function diagnostics(rule: string, code: string, o: PolicyOverrides = {}): Diagnostic[] {
  return check(code, { catalog: testCatalog, policy: policy(testCatalog, o), file: "case.pw" }).diagnostics.filter(
    (d) => d.rule === rule,
  );
}

/** Notes as `message @line:column`. */
function notes(d: Diagnostic | undefined): string[] {
  return (d?.notes ?? []).map((n) => `${n.message} @${n.span?.start.line ?? "-"}:${n.span?.start.column ?? "-"}`);
}

describe("flow-forbidden through an assignment under an `if`", () => {
  it("points at the `if` whose test reads the source, and at the assignment", () => {
    const [d, ...rest] = diagnostics(
      "flow-forbidden",
      src(`
        mail = read_email()
        to = query
        if "urgent" in mail:
            to = "boss"
        send(to, "hi")
      `),
      { flows: [{ to: "send.to", notFrom: ["read_email"] }] },
    );
    expect(rest).toEqual([]);
    expect(d?.message).toBe(
      "argument `to` of `send` depends on `read_email` through control flow, which the policy forbids",
    );
    expect(notes(d)).toEqual([
      "`to` is chosen under this `if` (line 3), whose test reads `read_email`'s result @3:1",
      "`to` is assigned here, under the `if` at line 3 @4:5",
      "the test depends on this `read_email` call @1:8",
    ]);
  });

  it("follows the value back through a plain assignment", () => {
    const [d] = diagnostics(
      "flow-forbidden",
      src(`
        mail = read_email()
        x = query
        if mail:
            x = "boss"
        to = x
        send(to, "hi")
      `),
      { flows: [{ to: "send.to", notFrom: ["read_email"] }] },
    );
    expect(notes(d)).toEqual([
      "`x` is chosen under this `if` (line 3), whose test reads `read_email`'s result @3:1",
      "`x` is assigned here, under the `if` at line 3 @4:5",
      "the test depends on this `read_email` call @1:8",
    ]);
  });

  it("says the same in the email-injection example (unaligned-branch.pw, line 8)", async () => {
    const dir = join(ROOT, "examples/email-injection");
    const catalog = await loadCatalog(join(dir, "catalog.ts"));
    const pol = await loadPolicy(join(dir, "policy.yaml"), catalog);
    const report = check(readFileSync(join(dir, "unaligned-branch.pw"), "utf8"), { catalog, policy: pol });
    const d = report.diagnostics.find((x) => x.rule === "flow-forbidden");
    expect(d?.span.start).toMatchObject({ line: 8, column: 12 });
    expect(notes(d)).toEqual([
      "`to` is chosen under this `if` (line 6), whose test reads `read_email`'s result @6:1",
      "`to` is assigned here, under the `if` at line 6 @7:5",
      "the test depends on this `read_email` call @2:10",
    ]);
  });
});

describe("loop-overwrite help", () => {
  it("suggests a keyed collection when the loop variable can be a key", () => {
    const [d] = diagnostics("loop-overwrite", `for u in users:\n    x = fetch(u)\nprint(x)\n`);
    expect(d?.help).toBe("collect every iteration, e.g. `x[u] = …`, or move the use into the loop");
  });

  it("suggests a list when the loop variable is a record", () => {
    const [d] = diagnostics(
      "loop-overwrite",
      src(`
        code = query
        for b in [lookup(i) for i in ids]:
            code = b.code
        print(code)
      `),
    );
    expect(d?.span.start).toMatchObject({ line: 4, column: 7 });
    expect(d?.help).toBe("collect the values in a list (`xs.append(…)`), or move the use into the loop");
  });

  it("suggests a list when the loop variable is a number", () => {
    const [d] = diagnostics("loop-overwrite", `for i in range(3):\n    x = fetch(query)\nprint(x)\n`);
    expect(d?.help).toBe("collect the values in a list (`xs.append(…)`), or move the use into the loop");
  });
});

describe("flow-required help", () => {
  it("puts the example value in the parameter's own position: first parameter positionally", () => {
    const [d] = diagnostics("flow-required", `pay(query, 1)\n`, {
      flows: [{ to: "pay.recipient", from: ["summarize"] }],
    });
    expect(d?.help).toBe("pass a value computed by `summarize`, e.g. `pay(summarize(…), …)`");
  });

  it("uses the keyword form for a later parameter", () => {
    const [d] = diagnostics("flow-required", `pay(query, 1)\n`, { flows: [{ to: "pay.amount", from: ["heavy"] }] });
    expect(d?.span.start).toMatchObject({ line: 1, column: 12 });
    expect(d?.help).toBe("pass a value computed by `heavy`, e.g. `pay(…, amount=heavy(…))`");
  });

  it("passes a required input by name", () => {
    const [d] = diagnostics("flow-required", `send("a", "b")\n`, { flows: [{ to: "send.body", from: ["query"] }] });
    expect(d?.help).toBe("pass a value computed by `query`, e.g. `send(…, body=query)`");
  });
});

describe("call-budget", () => {
  it("breaks a cost down by function in the message", () => {
    const [d, ...rest] = diagnostics(
      "call-budget",
      src(`
        for i in ids:
            print(heavy(i))
        print(heavy(summarize(query)))
      `),
      { budgets: { cost: 25 } },
    );
    expect(rest).toEqual([]);
    expect(d?.message).toBe(
      "the calls' total cost may reach 51 (heavy: 5 calls × 10 + summarize: 1 call); the policy allows 25",
    );
  });

  it("adds a note at every other site that counts towards an exceeded function budget", () => {
    const [d, ...rest] = diagnostics(
      "call-budget",
      src(`
        a = summarize(query)
        for i in ids:
            print(summarize(i))
        print(summarize(a))
      `),
      { budgets: { summarize: 2 } },
    );
    expect(rest).toEqual([]);
    expect(d?.span.start).toMatchObject({ line: 3, column: 11 });
    expect(d?.message).toBe(
      "`summarize` may be called up to 6 times (1 + |ids| + 1 ≤ 1 + 4 + 1 = 6); the policy allows 2",
    );
    expect(notes(d)).toEqual([
      "the loop over `ids` runs up to 4 times @2:1",
      "also called here, up to 1 time @1:5",
      "also called here, up to 1 time @4:7",
    ]);
  });
});

describe("order explains a `before` call that may not run with its statement", () => {
  const order = { order: [{ before: "lookup", then: "pay" }] };

  it("in a conditional expression", () => {
    const [d] = diagnostics("order", `x = lookup(query) if query else None\npay("x", 1)\nprint(x)\n`, order);
    expect(notes(d)).toEqual([
      "`lookup` is called here, but only when the conditional expression `… if query else …` picks this arm, so it does not count as having run @1:5",
    ]);
    expect(d?.help).toBe(
      "call `lookup` in a statement of its own before `pay` (not inside `a if c else b`, `and`/`or` or a comprehension)",
    );
  });

  it("on the right of `and` / `or`", () => {
    const [a] = diagnostics("order", `x = query and lookup(query)\npay("x", 1)\nprint(x)\n`, order);
    expect(notes(a)).toEqual([
      "`lookup` is called here, but only when `query` is true (the right of `and` may be skipped), so it does not count as having run @1:15",
    ]);
    const [o] = diagnostics("order", `x = query or lookup(query)\npay("x", 1)\nprint(x)\n`, order);
    expect(notes(o)).toEqual([
      "`lookup` is called here, but only when `query` is false (the right of `or` may be skipped), so it does not count as having run @1:14",
    ]);
  });

  it("in a comprehension", () => {
    const [d] = diagnostics("order", `xs = [lookup(i) for i in ids]\npay("x", 1)\nprint(xs)\n`, order);
    expect(notes(d)).toEqual([
      "`lookup` is called here, but only for the elements of the comprehension over `ids`, which may be none, so it does not count as having run @1:7",
    ]);
  });

  it("in a loop or a branch", () => {
    const [l] = diagnostics("order", `for i in ids:\n    b = lookup(i)\npay("x", 1)\n`, order);
    expect(notes(l)).toEqual([
      "`lookup` is called here, but inside the loop at line 1, which may run zero times, so it does not count as having run @2:9",
    ]);
    const [b] = diagnostics("order", `if query:\n    print(lookup(query))\npay("x", 1)\n`, order);
    expect(notes(b)).toEqual([
      "`lookup` is called here, but only when the `if` at line 1 takes this branch, so it does not count as having run @2:11",
    ]);
  });

  it("names a `before` call that only comes later", () => {
    const [d] = diagnostics("order", `pay("x", 1)\nb = lookup(query)\nprint(b)\n`, order);
    expect(notes(d)).toEqual(["`lookup` is only called here, at line 2, after it @2:5"]);
  });
});
