/**
 * `partwise test DIR...`: a policy's own test suite, as `opa test` is for
 * Rego. Every `.pw` file under DIR says in its leading comments what the
 * checker must find:
 *
 * ```
 * # expect: rejected          (or ok: no error-severity diagnostic)
 * # rules: order, flow-required   (each must be reported)
 * # absent: unused-variable       (none may be reported)
 * ```
 *
 * The catalog and policy come from the nearest `partwise.test.yaml`
 * (`catalog:`, `policy:`, paths relative to it) in the file's folder or a
 * folder above it (up to the current folder, or up to DIR when DIR is
 * outside it), or from `--catalog` / `--policy`, which win key by key. Each catalog and
 * policy is loaded once. The result is data; the command prints it.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { CheckReport } from "../checker/report.js";
import { isRuleName, RULE_NAMES } from "../diagnostics/codes.js";
import { UsageError } from "../errors.js";
import { didYouMean, suggest } from "../util/suggest.js";
import { checkBytes } from "./check-file.js";
import { readBytes, readError } from "./io.js";
import { loadContext, type Context } from "./load.js";

/** The config file a test folder may hold. */
export const TEST_CONFIG_NAME = "partwise.test.yaml";

/** What a case's leading comments ask for. */
export interface Expectations {
  readonly expect: "ok" | "rejected" | undefined;
  /** Rules that must be reported. */
  readonly rules: readonly string[];
  /** Rules that must not be reported. */
  readonly absent: readonly string[];
  /** Mistakes in the comments themselves (an unknown rule, a bad `expect`). */
  readonly errors: readonly string[];
}

/** A diagnostic as a test report lists it. */
export interface CaseDiagnostic {
  readonly rule: string;
  readonly severity: "error" | "warning";
  readonly line: number;
  readonly column: number;
}

/** The outcome of one case. */
export interface CaseOutcome {
  readonly file: string;
  readonly passed: boolean;
  readonly expect: "ok" | "rejected" | undefined;
  /** Why it failed, one sentence each (empty when it passed). */
  readonly problems: readonly string[];
  readonly diagnostics: readonly CaseDiagnostic[];
}

/** The outcome of a whole run. */
export interface PolicyTestReport {
  readonly cases: readonly CaseOutcome[];
  readonly passed: number;
  readonly failed: number;
}

/** Catalog and policy named by flags (each overrides the config file's key). */
export interface PolicyTestOptions {
  readonly catalog?: string | undefined;
  readonly policy?: string | undefined;
}

const EXPECTATION_LINE = /^#\s*(expect|rules|absent)\s*:(.*)$/;

/**
 * Reads the expectations from the comment lines at the top of `source`
 * (blank lines may stand between them; the first code line ends them).
 */
export function parseExpectations(source: string): Expectations {
  let expect: "ok" | "rejected" | undefined;
  const rules: string[] = [];
  const absent: string[] = [];
  const errors: string[] = [];
  for (const raw of source.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    if (!line.startsWith("#")) break;
    const m = EXPECTATION_LINE.exec(line);
    if (m === null) continue;
    const key = m[1] as "expect" | "rules" | "absent";
    const value = (m[2] ?? "").trim();
    if (key === "expect") {
      if (value === "ok" || value === "rejected") {
        if (expect !== undefined && expect !== value) errors.push("`# expect:` is given twice with different values");
        expect = value;
      } else errors.push(`\`# expect: ${value}\` must be \`ok\` or \`rejected\``);
      continue;
    }
    for (const name of value.split(",").map((s) => s.trim())) {
      if (name === "") continue;
      if (!isRuleName(name)) {
        errors.push(`\`# ${key}:\` names an unknown rule \`${name}\`${didYouMean(name, RULE_NAMES)}`);
        continue;
      }
      (key === "rules" ? rules : absent).push(name);
    }
  }
  if (expect === undefined && rules.length === 0 && absent.length === 0 && errors.length === 0) {
    errors.push("states no expectation: start the file with `# expect: ok` or `# expect: rejected`");
  }
  for (const r of rules) if (absent.includes(r)) errors.push(`rule \`${r}\` is both in \`# rules:\` and \`# absent:\``);
  return { expect, rules, absent, errors };
}

/** Compares a report with the expectations; returns why they disagree (empty when they agree). */
export function judgeCase(exp: Expectations, report: CheckReport): string[] {
  const problems = [...exp.errors];
  const errors = report.diagnostics.filter((d) => d.severity === "error");
  if (exp.expect === "ok" && errors.length > 0) {
    problems.push(`expected \`ok\`, but the checker reported ${errors.length} error${errors.length === 1 ? "" : "s"}`);
  }
  if (exp.expect === "rejected" && errors.length === 0) {
    problems.push("expected `rejected`, but the checker reported no error");
  }
  for (const r of exp.rules) {
    if (!report.diagnostics.some((d) => d.rule === r)) problems.push(`expected rule \`${r}\`, but it was not reported`);
  }
  for (const r of exp.absent) {
    const found = report.diagnostics.filter((d) => d.rule === r);
    if (found.length > 0) {
      const lines = found.map((d) => d.span.start.line).join(", ");
      problems.push(`rule \`${r}\` must be absent, but it was reported (line ${lines})`);
    }
  }
  return problems;
}

interface TestConfig {
  readonly catalog: string | undefined;
  readonly policy: string | undefined;
}

/** Reads a `partwise.test.yaml`; paths in it are made relative to the current folder. */
export function readTestConfig(file: string): TestConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw readError(file, "test config", err);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = lc.linePos(first.pos[0]).line;
    throw new UsageError(`the test config is not valid YAML: ${first.message.split("\n")[0] ?? ""}`, file, line);
  }
  if (doc.contents === null) return { catalog: undefined, policy: undefined };
  if (!isMap(doc.contents)) {
    throw new UsageError(`the test config must be a mapping with \`catalog\` and \`policy\``, file, 1);
  }
  const out: { catalog?: string; policy?: string } = {};
  for (const item of doc.contents.items) {
    const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
    const line = isScalar(item.key) && item.key.range !== undefined ? lc.linePos(item.key.range[0]).line : undefined;
    if (key !== "catalog" && key !== "policy") {
      const hint = suggest(key, ["catalog", "policy"]);
      throw new UsageError(
        `the test config has an unknown key \`${key}\``,
        file,
        line,
        hint === undefined ? "the keys are `catalog` and `policy`" : `did you mean \`${hint}\`?`,
      );
    }
    const value = isScalar(item.value) ? item.value.value : undefined;
    if (typeof value !== "string" || value === "") {
      throw new UsageError(`\`${key}\` must be a path`, file, line);
    }
    out[key] = relative(process.cwd(), resolve(dirname(file), value)) || ".";
  }
  return { catalog: out.catalog, policy: out.policy };
}

/** Every `.pw` file under `dir` (sorted; dot folders and node_modules skipped), or `dir` itself when it is a file. */
export function findCaseFiles(dir: string): string[] {
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    throw readError(dir, "test folder", err);
  }
  if (!st.isDirectory()) return [dir];
  const out: string[] = [];
  const walk = (d: string): void => {
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith(".") && e.name !== "node_modules") walk(p);
      } else if (e.name.endsWith(".pw")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Runs every case under `dirs`; throws `UsageError` for what makes the suite unusable. */
export async function runPolicyTests(dirs: readonly string[], opts: PolicyTestOptions = {}): Promise<PolicyTestReport> {
  const configs = new Map<string, TestConfig | undefined>();
  const contexts = new Map<string, Context>();
  const configFor = (file: string, root: string): TestConfig => {
    // Search up to the current folder when the tests are inside it, else up to DIR.
    const rootDir = resolve(statSync(root).isDirectory() ? root : dirname(root));
    const cwd = resolve(process.cwd());
    const top = rootDir === cwd || rootDir.startsWith(cwd + sep) ? cwd : rootDir;
    let d = resolve(dirname(file));
    for (;;) {
      let c = configs.get(d);
      if (!configs.has(d)) {
        const p = join(d, TEST_CONFIG_NAME);
        let exists = false;
        try {
          exists = statSync(p).isFile();
        } catch {
          exists = false;
        }
        c = exists ? readTestConfig(relative(process.cwd(), p) || p) : undefined;
        configs.set(d, c);
      }
      if (c !== undefined) return c;
      if (d === top || dirname(d) === d) return { catalog: undefined, policy: undefined };
      d = dirname(d);
    }
  };

  const cases: CaseOutcome[] = [];
  for (const dir of dirs) {
    const files = findCaseFiles(dir);
    if (files.length === 0) {
      throw new UsageError("no .pw files in this folder", dir, undefined, "name a folder of test compositions");
    }
    for (const file of files) {
      const cfg = configFor(file, dir);
      const catalog = opts.catalog ?? cfg.catalog;
      const policy = opts.policy ?? cfg.policy;
      if (catalog === undefined) {
        throw new UsageError(
          "no catalog for this test",
          file,
          undefined,
          `add a ${TEST_CONFIG_NAME} with \`catalog:\` next to the tests, or pass --catalog`,
        );
      }
      const key = `${catalog}\0${policy ?? ""}`;
      let ctx = contexts.get(key);
      if (ctx === undefined) {
        ctx = await loadContext(catalog, policy);
        contexts.set(key, ctx);
      }
      const checked = checkBytes(file, readBytes(file, "test composition"), ctx);
      const exp = parseExpectations(checked.source);
      const problems = judgeCase(exp, checked.report);
      cases.push({
        file,
        passed: problems.length === 0,
        expect: exp.expect,
        problems,
        diagnostics: checked.report.diagnostics.map((d) => ({
          rule: d.rule,
          severity: d.severity,
          line: d.span.start.line,
          column: d.span.start.column,
        })),
      });
    }
  }
  const passed = cases.filter((c) => c.passed).length;
  return { cases, passed, failed: cases.length - passed };
}

/** The pretty report: every disagreeing case with why, then `N passed, M failed`. */
export function renderPolicyTestPretty(r: PolicyTestReport): string {
  const out: string[] = [];
  for (const c of r.cases) {
    if (c.passed) continue;
    out.push(`FAIL ${c.file}`);
    for (const p of c.problems) out.push(`  ${p}`);
    const said = c.diagnostics.map((d) => `${d.rule} (${d.line}:${d.column})`).join(", ");
    out.push(`  the checker reported: ${said === "" ? "nothing" : said}`);
    out.push("");
  }
  out.push(`${r.passed} passed, ${r.failed} failed`);
  return out.join("\n") + "\n";
}
