/**
 * Fixture files: programs with their expected diagnostics inline.
 *
 * - `stmt  # expect: error[rule], warning[other]@5` — diagnostics that
 *   START on this line (optionally at this 1-based column).
 * - `# expect-next-line: error[rule]` — the same, for the next line (for
 *   lines that cannot carry a comment: inside a triple-quoted string, after
 *   a `\` continuation, or where the comment itself is the problem).
 * - `# expect: ok` says explicitly that nothing is expected; a fixture with
 *   no expectation expects no diagnostics.
 * - Leading comment lines `# key: value` are headers (`catalog`, `policy`,
 *   …); `catalog` and `policy` are resolved relative to the fixture.
 *
 * Missing and unexpected diagnostics both count as mismatches.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";

/** One expected diagnostic. */
export interface Expectation {
  readonly line: number;
  readonly severity: "error" | "warning";
  readonly rule: string;
  readonly column?: number;
}

/** A fixture read from disk. */
export interface Fixture {
  readonly source: string;
  readonly expectations: readonly Expectation[];
  readonly headers: Readonly<Record<string, string>>;
}

const ITEM = /^(error|warning)\[([a-z][a-z0-9-]*)\](?:@(\d+))?$/;
const EXPECT = /#\s*expect:\s*(.*?)\s*$/;
const EXPECT_NEXT = /^\s*#\s*expect-next-line:\s*(.*?)\s*$/;
const HEADER = /^\s*#\s*([a-zA-Z][\w-]*):\s*(.*?)\s*$/;
const PATH_HEADERS = new Set(["catalog", "policy"]);

function parseItems(text: string, line: number, where: string): Expectation[] {
  if (text === "ok") return [];
  return text.split(",").map((raw) => {
    const m = ITEM.exec(raw.trim());
    if (m === null) throw new Error(`${where}:${line}: bad expectation \`${raw.trim()}\` (want error[rule]@COL)`);
    const base = { line, severity: m[1] as "error" | "warning", rule: m[2]! };
    return m[3] !== undefined ? { ...base, column: Number(m[3]) } : base;
  });
}

/** Reads expectations and headers from fixture text. `where` names it in errors. */
export function parseFixture(source: string, where = "<fixture>", dir = "."): Fixture {
  const lines = source.split(/\r\n|\r|\n/);
  const expectations: Expectation[] = [];
  const headers: Record<string, string> = {};
  let inHeader = true;
  lines.forEach((text, i) => {
    const line = i + 1;
    const next = EXPECT_NEXT.exec(text);
    if (next !== null) {
      expectations.push(...parseItems(next[1]!, line + 1, where));
      return;
    }
    const here = EXPECT.exec(text);
    if (here !== null) {
      expectations.push(...parseItems(here[1]!, line, where));
      return;
    }
    if (inHeader) {
      const h = HEADER.exec(text);
      if (h !== null) {
        const key = h[1]!;
        headers[key] = PATH_HEADERS.has(key) ? resolve(dir, h[2]!) : h[2]!;
      } else if (!/^\s*(#.*)?$/.test(text)) inHeader = false;
    }
  });
  return { source, expectations, headers };
}

/** Reads a fixture file. */
export function readFixture(path: string): Fixture {
  return parseFixture(readFileSync(path, "utf8"), path, dirname(path));
}

function show(e: { severity: string; rule: string; line: number; column?: number | undefined }): string {
  return `${e.severity}[${e.rule}]@${e.line}${e.column !== undefined ? `:${e.column}` : ""}`;
}

/**
 * Human-readable mismatches between expectations and diagnostics (empty
 * when they agree). Each expectation matches one diagnostic starting on its
 * line with its severity and rule (and column, if given).
 */
export function compareDiagnostics(expectations: readonly Expectation[], diagnostics: readonly Diagnostic[]): string[] {
  const left = [...diagnostics];
  const problems: string[] = [];
  // Expectations with a column first, so they take the diagnostic they name.
  const ordered = [...expectations].sort((a, b) => (a.column === undefined ? 1 : 0) - (b.column === undefined ? 1 : 0));
  for (const e of ordered) {
    const i = left.findIndex(
      (d) =>
        d.span.start.line === e.line &&
        d.severity === e.severity &&
        d.rule === e.rule &&
        (e.column === undefined || d.span.start.column === e.column),
    );
    if (i >= 0) left.splice(i, 1);
    else problems.push(`missing ${show(e)}`);
  }
  for (const d of left) {
    problems.push(
      `unexpected ${show({ severity: d.severity, rule: d.rule, line: d.span.start.line, column: d.span.start.column })}: ${d.message}`,
    );
  }
  return problems;
}

function listFixtures(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFixtures(path));
    else if (name.endsWith(".pw")) out.push(path);
  }
  return out;
}

/**
 * Registers one vitest `it` per `.pw` file under `dir` (recursively): runs
 * `check` on it and fails with the list of mismatches.
 */
export function fixtureSuite(
  dir: string,
  check: (source: string, file: string, headers: Readonly<Record<string, string>>) => readonly Diagnostic[],
): void {
  const files = listFixtures(dir);
  if (files.length === 0) throw new Error(`no fixtures under ${dir}`);
  for (const path of files) {
    it(relative(dir, path), () => {
      const f = readFixture(path);
      const problems = compareDiagnostics(f.expectations, check(f.source, path, f.headers));
      expect(problems).toEqual([]);
    });
  }
}
