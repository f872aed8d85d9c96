import { describe, expect, it } from "vitest";
import { renderRunPretty, runResultToJson, shortJson } from "../../src/cli/run-output.js";
import type { RunResult } from "../../src/runtime/types.js";
import { UNALIGNED, at, diag } from "./helpers.js";

const ALIGNED =
  "prefs = {}\nfor u in users:\n    prefs[u] = ask_preference(u)\nr = identify_overlap(prefs)\nbook_table(r)\n";
const F = "aligned.pw";
const opts = { file: F, source: ALIGNED, color: false, width: 120 };

const ok: RunResult = {
  status: "ok",
  result: { restaurant: "Olive", code: "R-5" },
  calls: [
    {
      seq: 1,
      fn: "ask_preference",
      args: ["kim"],
      result: ["Noodle Bar", "Olive"],
      effect: null,
      line: 3,
      startMs: 1,
      endMs: 2,
    },
    {
      seq: 2,
      fn: "identify_overlap",
      args: [{ kim: ["Noodle Bar", "Olive"] }],
      result: "Olive",
      effect: null,
      line: 4,
    },
    {
      seq: 3,
      fn: "book_table",
      args: ["Olive"],
      result: { restaurant: "Olive", code: "R-5" },
      effect: "reservation",
      line: 5,
      replayed: true,
    },
  ],
  stats: { calls: 3, wallMs: 12.3456 },
  output: ["hello"],
};

const failed: RunResult = {
  status: "error",
  calls: [{ seq: 1, fn: "ask_preference", args: ["kim"], result: ["Olive"], effect: null, line: 3 }],
  stats: { calls: 1, wallMs: 4 },
  error: { kind: "handler", message: "`book_table` failed: the restaurant is closed", line: 5 },
};

describe("runResultToJson", () => {
  it("keeps the contract's keys and order and drops per-call timings", () => {
    const j = runResultToJson(ok);
    expect(Object.keys(j)).toEqual(["status", "result", "calls", "stats", "output"]);
    expect(j.calls[0]).toEqual({
      fn: "ask_preference",
      args: ["kim"],
      result: ["Noodle Bar", "Olive"],
      effect: null,
      line: 3,
      seq: 1,
    });
    expect(j.calls[2]).toMatchObject({ seq: 3, replayed: true });
    expect(j.stats).toEqual({ calls: 3, wallMs: 12.3 });
  });

  it("gives error and the calls so far for a failed run, and null for a run that returns nothing", () => {
    expect(runResultToJson(failed)).toEqual({
      status: "error",
      error: { kind: "handler", message: "`book_table` failed: the restaurant is closed", line: 5 },
      calls: [{ fn: "ask_preference", args: ["kim"], result: ["Olive"], effect: null, line: 3, seq: 1 }],
      stats: { calls: 1, wallMs: 4 },
    });
    expect(runResultToJson({ status: "ok", calls: [], stats: { calls: 0, wallMs: 0 } }).result).toBeNull();
  });

  it("gives the diagnostics of a rejected run in the shape of check --format json", () => {
    const d = diag("loop-depth", "loop nested 2 deep; the policy allows 1", at("u.pw", UNALIGNED, 4, 5, 4, 20));
    const j = runResultToJson({ status: "rejected", calls: [], stats: { calls: 0, wallMs: 0 }, diagnostics: [d] });
    expect(j).toEqual({
      status: "rejected",
      diagnostics: [
        {
          rule: "loop-depth",
          code: "PW5001",
          severity: "error",
          message: "loop nested 2 deep; the policy allows 1",
          span: { start: { line: 4, column: 5 }, end: { line: 4, column: 20 } },
          notes: [],
        },
      ],
      calls: [],
      stats: { calls: 0, wallMs: 0 },
    });
  });
});

describe("renderRunPretty", () => {
  it("lists the calls, printed lines and the result", () => {
    expect(renderRunPretty(ok, opts)).toMatchInlineSnapshot(`
      "calls:
        1  ask_preference("kim") → ["Noodle Bar","Olive"]  line 3
        2  identify_overlap({"kim":["Noodle Bar","Olive"]}) → "Olive"  line 4
        3  book_table("Olive") → {"restaurant":"Olive","code":"R-5"}  effect reservation  line 5  (replayed from the journal)
      print: hello
      result: {"restaurant":"Olive","code":"R-5"}
      ok: 3 calls in 12.3 ms
      "
    `);
  });

  it("shows a runtime error with its kind, code and a frame at its line", () => {
    expect(renderRunPretty(failed, opts)).toMatchInlineSnapshot(`
      "calls:
        1  ask_preference("kim") → ["Olive"]  line 3
      error[handler] PW7005: \`book_table\` failed: the restaurant is closed
       --> aligned.pw:5
        |
      5 | book_table(r)
        | ^^^^^^^^^^^^^
      failed: 1 call in 4 ms before the error
      "
    `);
  });

  it("shows the diagnostics of a rejected composition", () => {
    const d = diag("loop-depth", "loop nested 2 deep; the policy allows 1", at("u.pw", UNALIGNED, 4, 5, 4, 20));
    const out = renderRunPretty(
      { status: "rejected", calls: [], stats: { calls: 0, wallMs: 0 }, diagnostics: [d] },
      { ...opts, file: "u.pw", source: UNALIGNED },
    );
    expect(out).toMatchInlineSnapshot(`
      "error[loop-depth] PW5001: loop nested 2 deep; the policy allows 1
       --> u.pw:4:5
        |
      4 |     for r in prefs:
        |     ^^^^^^^^^^^^^^^

      1 error in 1 file

      rejected: the composition did not pass the check; nothing ran
      "
    `);
  });
});

describe("shortJson", () => {
  it("cuts long values with an ellipsis", () => {
    expect(shortJson("x".repeat(100), 10)).toBe('"xxxxxxxx…');
    expect(shortJson([1, 2], 10)).toBe("[1,2]");
    expect(shortJson(undefined)).toBe("…");
  });
});
