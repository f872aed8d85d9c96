import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderDiagnostic, renderFrame, renderPretty, summaryLine } from "../../src/diagnostics/render-pretty.js";
import { LineMap } from "../../src/syntax/span.js";
import { UNALIGNED, at, diag } from "./helpers.js";

const F = "examples/dinner/unaligned.pw";

describe("renderPretty", () => {
  it("renders the seed example's loop-depth diagnostic with a note and help", () => {
    const d = diag("loop-depth", "loop nested 2 deep; the policy allows 1", at(F, UNALIGNED, 4, 5, 4, 20), {
      notes: [{ message: "outer loop here", span: at(F, UNALIGNED, 2, 1, 2, 16) }],
      help: "move the inner loop into a subtask, or restructure into one loop",
    });
    expect(renderPretty([{ file: F, source: UNALIGNED, diagnostics: [d] }])).toMatchInlineSnapshot(`
      "error[loop-depth] PW5001: loop nested 2 deep; the policy allows 1
       --> examples/dinner/unaligned.pw:4:5
        |
      4 |     for r in prefs:
        |     ^^^^^^^^^^^^^^^
        |
      note: outer loop here
       --> examples/dinner/unaligned.pw:2:1
        |
      2 | for u in users:
        | ---------------
        = help: move the inner loop into a subtask, or restructure into one loop

      1 error in 1 file
      "
    `);
  });

  it("renders several diagnostics and files with one summary line", () => {
    const a = diag("unused-variable", "`bookings` is assigned and never read", at(F, UNALIGNED, 1, 1, 1, 9), {
      help: "remove the assignment",
    });
    const b = diag("undefined-name", "`prefs` may be unset here", at(F, UNALIGNED, 6, 22, 6, 27), {
      notes: [
        { message: "`prefs` is assigned only inside the loop at line 2", span: at(F, UNALIGNED, 3, 5, 3, 10) },
        { message: "the loop runs zero times when `users` is empty" },
      ],
    });
    const other = "x = 1\n";
    const c = diag("unused-variable", "`x` is assigned and never read", at("b.pw", other, 1, 1, 1, 2));
    expect(
      renderPretty([
        { file: F, source: UNALIGNED, diagnostics: [a, b] },
        { file: "ok.pw", source: "", diagnostics: [] },
        { file: "b.pw", source: other, diagnostics: [c] },
      ]),
    ).toMatchInlineSnapshot(`
      "warning[unused-variable] PW2003: \`bookings\` is assigned and never read
       --> examples/dinner/unaligned.pw:1:1
        |
      1 | bookings = {}
        | ^^^^^^^^
        = help: remove the assignment

      error[undefined-name] PW2001: \`prefs\` may be unset here
       --> examples/dinner/unaligned.pw:6:22
        |
      6 | r = identify_overlap(prefs)
        |                      ^^^^^
        |
      note: \`prefs\` is assigned only inside the loop at line 2
       --> examples/dinner/unaligned.pw:3:5
        |
      3 |     prefs = ask_preference(u)
        |     -----
        = note: the loop runs zero times when \`users\` is empty

      ok.pw: no problems

      warning[unused-variable] PW2003: \`x\` is assigned and never read
       --> b.pw:1:1
        |
      1 | x = 1
        | ^

      1 error, 2 warnings in 2 files
      "
    `);
  });

  it("says `no problems` when there is nothing to report", () => {
    expect(renderPretty([{ file: F, source: UNALIGNED, diagnostics: [] }])).toBe("no problems\n");
    expect(renderPretty([])).toBe("no problems\n");
  });

  it("marks the first and last line of a multi-line span", () => {
    const d = diag("effect-in-loop", "`book_table` has an effect and runs in a loop", at(F, UNALIGNED, 4, 5, 5, 22));
    expect(renderDiagnostic(d, UNALIGNED)).toMatchInlineSnapshot(`
      "error[effect-in-loop] PW4001: \`book_table\` has an effect and runs in a loop
       --> examples/dinner/unaligned.pw:4:5
        |
      4 |     for r in prefs:
        |     ^^^^^^^^^^^^^^^
      5 |         book_table(r)
        |         ^^^^^^^^^^^^^
      "
    `);
  });

  it("elides the middle of a long multi-line span", () => {
    const src = "for x in xs:\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n    f(x)\n";
    const d = diag("shape", "loops are outside the `sequence` shape", at("s.pw", src, 1, 1, 6, 9));
    expect(renderDiagnostic(d, src)).toMatchInlineSnapshot(`
      "error[shape] PW5004: loops are outside the \`sequence\` shape
       --> s.pw:1:1
        |
      1 | for x in xs:
        | ^^^^^^^^^^^^
      ...
      6 |     f(x)
        |     ^^^^
      "
    `);
  });

  it("treats a span that ends at column 1 of the next line as ending on its own line", () => {
    const src = "a = 1\nb = 2\n";
    const d = diag("unused-variable", "`a` is assigned and never read", at("t.pw", src, 1, 1, 2, 1));
    expect(renderDiagnostic(d, src)).toMatchInlineSnapshot(`
      "warning[unused-variable] PW2003: \`a\` is assigned and never read
       --> t.pw:1:1
        |
      1 | a = 1
        | ^^^^^
      "
    `);
  });

  it("expands tabs and underlines the same columns", () => {
    const src = "x = 1\n\tif\tx:\n";
    const d = diag("syntax", "tabs in indentation are not allowed", at("tab.pw", src, 2, 1, 2, 2));
    const e = diag("syntax", "expected a name", at("tab.pw", src, 2, 4, 2, 5));
    expect(renderDiagnostic(d, src) + renderDiagnostic(e, src)).toMatchInlineSnapshot(`
      "error[syntax] PW1001: tabs in indentation are not allowed
       --> tab.pw:2:1
        |
      2 |     if  x:
        | ^^^^
      error[syntax] PW1001: expected a name
       --> tab.pw:2:4
        |
      2 |     if  x:
        |       ^^
      "
    `);
  });

  it("cuts a very long line around the span", () => {
    const src = `x = [${Array.from({ length: 100 }, (_, i) => `"item${i}"`).join(", ")}, missing_name]\n`;
    const col = src.indexOf("missing_name") + 1;
    const d = diag("undefined-name", "`missing_name` is not defined", at("long.pw", src, 1, col, 1, col + 12));
    const out = renderDiagnostic(d, src, { width: 60 });
    expect(out).toMatchInlineSnapshot(`
      "error[undefined-name] PW2001: \`missing_name\` is not defined
       --> long.pw:1:996
        |
      1 | …"item96", "item97", "item98", "item99", missing_name]
        |                                          ^^^^^^^^^^^^
      "
    `);
    for (const line of out.split("\n")) expect(line.length).toBeLessThanOrEqual(60);
  });

  it("cuts a long line at the start of a span longer than the width", () => {
    const src = `y = ${"a + ".repeat(60)}b\n`;
    const d = diag("glue-complexity", "too many glue operations", at("wide.pw", src, 1, 5, 1, src.length));
    expect(renderDiagnostic(d, src, { width: 40 })).toMatchInlineSnapshot(`
      "warning[glue-complexity] PW5005: too many glue operations
       --> wide.pw:1:5
        |
      1 | y = a + a + a + a + a + a + a + a…
        |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
      "
    `);
  });

  it("points at the end of a file", () => {
    const src = "for u in users:\n";
    const d = diag("syntax", "expected an indented block after `for … :`", at("eof.pw", src, 2, 1, 2, 1));
    expect(renderDiagnostic(d, src)).toMatchInlineSnapshot(`
      "error[syntax] PW1001: expected an indented block after \`for … :\`
       --> eof.pw:2:1
        |
      2 |
        | ^
      "
    `);
    const noNewline = "x = (1,";
    const e = diag("syntax", "expected `)`", at("eof2.pw", noNewline, 1, 8, 1, 8));
    expect(renderDiagnostic(e, noNewline)).toMatchInlineSnapshot(`
      "error[syntax] PW1001: expected \`)\`
       --> eof2.pw:1:8
        |
      1 | x = (1,
        |        ^
      "
    `);
  });

  it("renders a diagnostic on an empty file", () => {
    const d = diag("syntax", "the file is empty", at("empty.pw", "", 1, 1, 1, 1), { severity: "warning" });
    expect(renderDiagnostic(d, "")).toMatchInlineSnapshot(`
      "warning[syntax] PW1001: the file is empty
       --> empty.pw:1:1
        |
      1 |
        | ^
      "
    `);
  });

  it("handles CRLF line breaks", () => {
    const src = "prefs = {}\r\nfor u in users:\r\n    book_table(u)\r\n";
    const d = diag("effect-in-loop", "`book_table` has an effect and runs in a loop", at("crlf.pw", src, 3, 5, 3, 18));
    expect(renderDiagnostic(d, src)).toMatchInlineSnapshot(`
      "error[effect-in-loop] PW4001: \`book_table\` has an effect and runs in a loop
       --> crlf.pw:3:5
        |
      3 |     book_table(u)
        |     ^^^^^^^^^^^^^
      "
    `);
  });

  it("shows control and bidirectional characters instead of obeying them", () => {
    const src = 's = "a\u0000b\u202ec\u001b[31m"\n';
    const d = diag("syntax", "a NUL byte", at("ctl.pw", src, 1, 7, 1, 8));
    expect(renderDiagnostic(d, src)).toMatchInlineSnapshot(`
      "error[syntax] PW1001: a NUL byte
       --> ctl.pw:1:7
        |
      1 | s = "a␀b<U+202E>c␛[31m"
        |       ^
      "
    `);
  });

  it("counts wide characters twice and surrogate pairs once", () => {
    const src = 's = "日本😀" + nope\n';
    const col = src.indexOf("nope") + 1;
    const d = diag("undefined-name", "`nope` is not defined", at("wide.pw", src, 1, col, 1, col + 4));
    expect(renderDiagnostic(d, src)).toMatchInlineSnapshot(`
      "error[undefined-name] PW2001: \`nope\` is not defined
       --> wide.pw:1:14
        |
      1 | s = "日本😀" + nope
        |                ^^^^
      "
    `);
  });

  it("aligns the gutter to the widest line number of the diagnostic and its notes", () => {
    const src = Array.from({ length: 12 }, (_, i) => `v${i + 1} = ${i}`).join("\n") + "\n";
    const d = diag("unused-variable", "`v12` is assigned and never read", at("g.pw", src, 12, 1, 12, 4), {
      notes: [{ message: "first assignment", span: at("g.pw", src, 3, 1, 3, 3) }],
    });
    expect(renderDiagnostic(d, src)).toMatchInlineSnapshot(`
      "warning[unused-variable] PW2003: \`v12\` is assigned and never read
        --> g.pw:12:1
         |
      12 | v12 = 11
         | ^^^
         |
      note: first assignment
        --> g.pw:3:1
         |
       3 | v3 = 2
         | --
      "
    `);
  });

  it("prints a note into another file as file:line:col, or as a frame when that file's text is given", () => {
    const policy = "budgets:\n  book_table: 1\n";
    const d = diag(
      "call-budget",
      "`book_table` may run 100 times; the policy allows 1",
      at(F, UNALIGNED, 5, 9, 5, 22),
      {
        notes: [{ message: "the budget is set here", span: at("policy.yaml", policy, 2, 3, 2, 16) }],
      },
    );
    expect(renderDiagnostic(d, UNALIGNED)).toMatchInlineSnapshot(`
      "error[call-budget] PW5002: \`book_table\` may run 100 times; the policy allows 1
       --> examples/dinner/unaligned.pw:5:9
        |
      5 |         book_table(r)
        |         ^^^^^^^^^^^^^
      note: policy.yaml:2:3: the budget is set here
      "
    `);
    expect(renderDiagnostic(d, UNALIGNED, { sources: new Map([["policy.yaml", policy]]) })).toMatchInlineSnapshot(`
      "error[call-budget] PW5002: \`book_table\` may run 100 times; the policy allows 1
       --> examples/dinner/unaligned.pw:5:9
        |
      5 |         book_table(r)
        |         ^^^^^^^^^^^^^
        |
      note: the budget is set here
       --> policy.yaml:2:3
        |
      2 |   book_table: 1
        |   -------------
      "
    `);
  });

  it("colours only when asked, and the text without colour codes is the same", () => {
    const d = diag("loop-overwrite", "`prefs` is overwritten in every iteration", at(F, UNALIGNED, 3, 5, 3, 10), {
      help: "key it by the loop variable: `prefs[u] = …`",
    });
    const plain = renderPretty([{ file: F, source: UNALIGNED, diagnostics: [d] }]);
    const colored = renderPretty([{ file: F, source: UNALIGNED, diagnostics: [d] }], { color: true });
    expect(plain).not.toContain("\u001b[");
    expect(colored).toContain("\u001b[33m"); // yellow: a warning
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\u001b\[\d+m/g, "")).toBe(plain);
  });

  it("is deterministic", () => {
    const d = diag("order", "`book_table` can run before `identify_overlap`", at(F, UNALIGNED, 5, 9, 5, 22));
    const files = [{ file: F, source: UNALIGNED, diagnostics: [d] }];
    expect(renderPretty(files)).toBe(renderPretty(files));
  });
});

describe("renderFrame", () => {
  it("draws one frame with the given mark", () => {
    const span = at(F, UNALIGNED, 5, 9, 5, 22);
    expect(renderFrame(span, UNALIGNED, { mark: "~" })).toMatchInlineSnapshot(`
      "  |
      5 |         book_table(r)
        |         ~~~~~~~~~~~~~
      "
    `);
  });
});

describe("summaryLine", () => {
  it.each([
    [0, 0, 0, "no problems"],
    [1, 0, 1, "1 error in 1 file"],
    [2, 1, 1, "2 errors, 1 warning in 1 file"],
    [0, 3, 2, "3 warnings in 2 files"],
  ])("%i errors, %i warnings, %i files", (e, w, f, text) => {
    expect(summaryLine(e, w, f)).toBe(text);
  });
});

describe("renderDiagnostic on arbitrary text", () => {
  const chars = fc.constantFrom(
    "a",
    "b",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "日",
    "😀",
    "\u0000",
    "\u202e",
    "é",
    "x".repeat(50),
  );
  const text = fc.array(chars, { maxLength: 80 }).map((a) => a.join(""));

  it("never throws, and every code and underline row fits the width", () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), fc.integer({ min: 20, max: 100 }), (src, a, b, width) => {
        const map = new LineMap(src);
        const s = Math.min(a, b) % (src.length + 1);
        const e = Math.max(a, b) % (src.length + 1);
        const span = map.span("f.pw", Math.min(s, e), Math.max(s, e));
        const out = renderDiagnostic(diag("syntax", "m", span, { notes: [{ message: "n", span }] }), src, { width });
        for (const line of out.split("\n")) {
          if (/^\s*\d* \| /.test(line)) expect(displayWidth(line)).toBeLessThanOrEqual(width);
        }
        // eslint-disable-next-line no-control-regex -- the point: no raw control characters reach the terminal
        expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
      }),
      { numRuns: 300 },
    );
  });
});

/** Width as the renderer counts it (wide CJK and emoji count 2). */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u3000-\u9fff]|\p{Extended_Pictographic}/u.test(ch) ? 2 : 1;
  return w;
}
