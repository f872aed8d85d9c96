/**
 * The checker's public entry points. `check` parses, analyzes and runs
 * every rule the policy does not turn off; it is synchronous, never throws
 * (a crash inside a pass or a rule becomes an `internal` diagnostic on the
 * node being examined) and allocates no rule objects per call: the rules
 * are created once at module load and the default policy is cached per
 * catalog.
 */
import type { Catalog } from "../catalog/types.js";
import type { RuleName, Severity } from "../diagnostics/codes.js";
import { RULES } from "../diagnostics/codes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic, sortDiagnostics } from "../diagnostics/diagnostic.js";
import { recommendedPolicy } from "../policy/presets.js";
import type { Policy } from "../policy/types.js";
import type { Module, Node } from "../syntax/ast.js";
import { parse } from "../syntax/parse.js";
import type { Span } from "../syntax/span.js";
import type { Count } from "./bounds.js";
import type { Facts } from "./facts.js";
import { analyze } from "./facts.js";
import type { CallBound, CheckReport } from "./report.js";
import { CHECKER_RULES } from "./rules/index.js";
import type { RuleContext } from "./rules/rule.js";

export { analyze } from "./facts.js";
export type { Facts } from "./facts.js";

/** Options of `check` and `explain`. */
export interface CheckOptions {
  readonly catalog: Catalog;
  /** Defaults to the `recommended` preset for the catalog. */
  readonly policy?: Policy;
  /** The file name used in spans (default `<input>`). */
  readonly file?: string;
}

const defaultPolicies = new WeakMap<Catalog, Policy>();

/** The policy used when none is given: `recommended`, cached per catalog. */
export function defaultPolicy(catalog: Catalog): Policy {
  let p = defaultPolicies.get(catalog);
  if (p === undefined) {
    p = recommendedPolicy(catalog);
    defaultPolicies.set(catalog, p);
  }
  return p;
}

/** Checks a composition's source text against a catalog and policy. */
export function check(source: string, opts: CheckOptions): CheckReport {
  const file = opts.file ?? "<input>";
  const policy = opts.policy ?? defaultPolicy(opts.catalog);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source, file);
  } catch (e) {
    const at = { offset: 0, line: 1, column: 1 };
    return finish([internalError({ file, start: at, end: at }, "the parser", e)], {}, policy);
  }
  if (parsed.diagnostics.some((d) => d.rule === "syntax")) {
    // The tree is partial: semantic rules would only add noise.
    return finish(parsed.diagnostics, {}, policy);
  }
  const report = checkModule(parsed.module, opts.catalog, policy);
  if (parsed.diagnostics.length === 0) return report;
  return finish([...parsed.diagnostics, ...report.diagnostics], report.bounds, policy);
}

/** Checks a parsed module (rules and bounds, no parse diagnostics). */
export function checkModule(module: Module, catalog: Catalog, policy: Policy): CheckReport {
  let facts: Facts;
  try {
    facts = analyze(module, catalog, policy);
  } catch (e) {
    return finish([internalError(module.span, "an analysis pass", e)], {}, policy);
  }
  const diagnostics: Diagnostic[] = [];
  let current: Node = module;
  const ctx: RuleContext = {
    facts,
    catalog,
    policy,
    at(node: Node) {
      current = node;
    },
  };
  for (const rule of CHECKER_RULES) {
    if ((policy.rules.get(rule.name) ?? RULES[rule.name].defaultSeverity) === "off") continue;
    current = module;
    try {
      for (const d of rule.run(ctx)) diagnostics.push(d);
    } catch (e) {
      diagnostics.push(internalError(current.span, `the rule \`${rule.name}\``, e));
    }
  }
  return finish(diagnostics, reportBounds(facts), policy);
}

/** Per-function static bounds (`max` null when unbounded), as `check` reports them. */
export function reportBounds(facts: Facts): Record<string, CallBound> {
  const out: Record<string, CallBound> = {};
  for (const [name, c] of facts.bounds.functions) out[name] = callBound(c);
  return out;
}

function callBound(c: Count): CallBound {
  return { min: c.min, max: c.max === Infinity ? null : c.max, formula: c.formula };
}

/** Applies the policy's severities, sorts, and builds the report. */
function finish(ds: readonly Diagnostic[], bounds: Record<string, CallBound>, policy: Policy): CheckReport {
  const kept: Diagnostic[] = [];
  let ok = true;
  for (const d of ds) {
    const setting = d.rule === "internal" ? "error" : (policy.rules.get(d.rule) ?? RULES[d.rule].defaultSeverity);
    if (setting === "off") continue;
    const severity: Severity = setting === "warn" ? "warning" : "error";
    const out = severity === d.severity ? d : { ...d, severity };
    if (severity === "error") ok = false;
    kept.push(out);
  }
  return { ok, diagnostics: sortDiagnostics(kept), bounds };
}

function internalError(span: Span, where: string, e: unknown): Diagnostic {
  const what = e instanceof Error ? e.message : String(e);
  return diagnostic("internal" satisfies RuleName, {
    message: `internal error in ${where}: ${what}`,
    span,
    help: "this is a bug in Partwise; please report it with this file",
  });
}
