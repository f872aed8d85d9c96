/**
 * The catalog every rule table uses, and the table runner: each valid
 * case must produce no diagnostic of the rule, each invalid case exactly
 * one, at the given line and column.
 */
import { describe, expect, it } from "vitest";
import type { RuleName } from "../../src/diagnostics/codes.js";
import { check } from "../../src/checker/check.js";
import type { Policy } from "../../src/policy/types.js";
import type { PolicyOverrides } from "./helpers.js";
import { Booking, T, catalog, fn, input, policy } from "./helpers.js";

export const testCatalog = catalog(
  [
    fn("fetch", [["q", T.string]], T.list(T.string), { maxItems: 10 }),
    fn("fetch_all", [], T.list(T.string)),
    fn("summarize", [["text", T.string]], T.string),
    fn(
      "send",
      [
        ["to", T.string],
        ["body", T.string],
      ],
      T.null,
      { effect: "email" },
    ),
    fn("notify", [["to", T.string]], T.null, { effect: "email" }),
    fn(
      "pay",
      [
        ["recipient", T.string],
        ["amount", T.number],
      ],
      T.null,
      { effect: "payment", irreversible: true },
    ),
    fn("lookup", [["id", T.string]], Booking),
    fn(
      "rank",
      [
        ["items", T.list(T.string)],
        ["top", T.number, true],
      ],
      T.list(T.string),
      { maxItems: 3, minItems: 1 },
    ),
    fn("read_email", [], T.string),
    fn("plan", [["mode", T.union(T.lit("fast"), T.lit("slow"))]], T.string),
    fn("heavy", [["x", T.string]], T.string, { cost: 10 }),
    fn("merge", [["parts", T.dict(T.string)]], T.string),
  ],
  [
    input("users", T.list(T.string), { maxItems: 20 }),
    input("ids", T.list(T.string), { maxItems: 4, minItems: 2 }),
    input("query", T.string),
    input("everything", T.list(T.string)),
  ],
);

export interface Invalid {
  readonly code: string;
  readonly line: number;
  readonly column: number;
  /** A substring the message must contain. */
  readonly message?: string;
}

export interface Table {
  readonly valid: readonly string[];
  readonly invalid: readonly Invalid[];
  readonly policy?: PolicyOverrides;
}

/** Dedents a template literal (drops the first newline and the common indent). */
export function src(text: string): string {
  const lines = text.replace(/^\n/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent)).join("\n");
}

/** Runs one rule's table. */
export function ruleTable(rule: RuleName, table: Table): void {
  const pol: Policy = policy(testCatalog, table.policy ?? {});
  const run = (code: string) =>
    check(code, { catalog: testCatalog, policy: pol, file: "case.pw" }).diagnostics.filter((d) => d.rule === rule);
  describe(rule, () => {
    table.valid.forEach((code, i) => {
      it(`valid #${i + 1}`, () => {
        expect(run(code).map((d) => `${d.span.start.line}:${d.span.start.column} ${d.message}`)).toEqual([]);
      });
    });
    table.invalid.forEach((c, i) => {
      it(`invalid #${i + 1}`, () => {
        const ds = run(c.code);
        expect(ds.map((d) => [d.span.start.line, d.span.start.column])).toEqual([[c.line, c.column]]);
        if (c.message !== undefined) expect(ds[0]?.message).toContain(c.message);
      });
    });
  });
}
