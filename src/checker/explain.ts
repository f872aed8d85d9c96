/**
 * `explain`: the plain-language summary of a composition that the seed
 * paper asks for (solution summarization): what it reads and how big that
 * can be, each step in order, every effect with its `[min, max]` count, its
 * place in the order of effects and where its arguments come from (an
 * effect plan a person can approve once), and the data-flow graph between
 * inputs and catalog calls (as Mermaid and DOT). Built from the checker's
 * facts; deterministic; the `Explanation` is plain JSON.
 */
import { RULES } from "../diagnostics/codes.js";
import type { Expr, Stmt } from "../syntax/ast.js";
import { assertNever } from "../syntax/ast.js";
import { parse } from "../syntax/parse.js";
import { printExpr } from "../syntax/printer.js";
import type { CheckOptions } from "./check.js";
import { check, defaultPolicy } from "./check.js";
import type { Interval } from "./bounds.js";
import { numText } from "./bounds.js";
import type { Facts } from "./facts.js";
import { analyze } from "./facts.js";
import { typeText } from "./type-utils.js";

/** An input the composition reads. */
export interface ExplainedInput {
  readonly name: string;
  readonly type: string;
  readonly minItems: number | null;
  readonly maxItems: number | null;
  readonly doc: string;
}

/** One statement in words; loops and branches nest. */
export interface ExplainedStep {
  readonly line: number;
  readonly text: string;
  readonly steps: readonly ExplainedStep[];
}

/** Where a value comes from: catalog calls (with line) and inputs. */
export interface Provenance {
  readonly data: readonly string[];
  readonly control: readonly string[];
}

/** One argument of an effect. */
export interface ExplainedArgument {
  readonly param: string;
  readonly value: string;
  readonly from: Provenance;
}

/** An effectful call site: what a person approves. */
export interface ExplainedEffect {
  /** 1-based position among the effects, in program order. */
  readonly order: number;
  readonly fn: string;
  readonly effect: string;
  readonly irreversible: boolean;
  readonly line: number;
  readonly min: number;
  readonly max: number | null;
  readonly formula: string;
  /** Loops and conditions around the call, in words. */
  readonly when: readonly string[];
  readonly arguments: readonly ExplainedArgument[];
  /** True when the policy asks a person before each call. */
  readonly approve: boolean;
}

/** A catalog function's total call bound. */
export interface ExplainedCall {
  readonly fn: string;
  readonly effect: string | null;
  readonly min: number;
  readonly max: number | null;
  readonly formula: string;
}

export interface GraphNode {
  readonly id: string;
  readonly kind: "input" | "call" | "effect" | "result";
  readonly label: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: "data" | "control";
}

export interface Explanation {
  readonly file: string;
  /** The policy's verdict. */
  readonly ok: boolean;
  readonly problems: readonly {
    readonly line: number;
    readonly severity: string;
    readonly rule: string;
    readonly message: string;
  }[];
  readonly inputs: readonly ExplainedInput[];
  readonly steps: readonly ExplainedStep[];
  readonly effects: readonly ExplainedEffect[];
  readonly calls: readonly ExplainedCall[];
  /** Where the composition's result comes from (empty when it returns nothing). */
  readonly result: Provenance;
  readonly graph: { readonly nodes: readonly GraphNode[]; readonly edges: readonly GraphEdge[] };
}

/** Explains a composition (parse problems appear under `problems`; steps then cover what parsed). */
export function explain(source: string, opts: CheckOptions): Explanation {
  const file = opts.file ?? "<input>";
  const policy = opts.policy ?? defaultPolicy(opts.catalog);
  const report = check(source, { catalog: opts.catalog, policy, file });
  const problems = report.diagnostics.map((d) => ({
    line: d.span.start.line,
    severity: d.severity,
    rule: d.rule,
    message: d.message,
  }));
  const parsed = parse(source, file);
  let facts: Facts;
  try {
    facts = analyze(parsed.module, opts.catalog, policy);
  } catch (e) {
    return {
      file,
      ok: false,
      problems: [
        ...problems,
        { line: 1, severity: "error", rule: RULES.internal.name, message: e instanceof Error ? e.message : String(e) },
      ],
      inputs: [],
      steps: [],
      effects: [],
      calls: [],
      result: { data: [], control: [] },
      graph: { nodes: [], edges: [] },
    };
  }
  return {
    file,
    ok: report.ok,
    problems,
    inputs: inputsOf(facts),
    steps: steps(facts, facts.module.body),
    effects: effectsOf(facts),
    calls: [...facts.bounds.functions].map(([fn, c]) => ({
      fn,
      effect: facts.catalog.functions.get(fn)?.effect ?? null,
      min: c.min,
      max: c.max === Infinity ? null : c.max,
      formula: c.formula,
    })),
    result: provenance(facts, facts.origins.result.data, facts.origins.result.control),
    graph: graphOf(facts),
  };
}

// ---------------------------------------------------------------- pieces

function inputsOf(facts: Facts): ExplainedInput[] {
  const seen = new Set<string>();
  for (const s of facts.origins.sources) if (s.kind === "input") seen.add(s.name);
  const out: ExplainedInput[] = [];
  for (const inp of facts.catalog.inputs.values()) {
    if (!seen.has(inp.name)) continue;
    out.push({
      name: inp.name,
      type: typeText(inp.type),
      minItems: inp.minItems ?? null,
      maxItems: inp.maxItems ?? null,
      doc: inp.doc,
    });
  }
  return out;
}

function sourceLabel(facts: Facts, src: number): string {
  const s = facts.origins.sources[src];
  if (s === undefined) return "?";
  if (s.kind === "input") return `input \`${s.name}\``;
  const node = facts.tree.nodes[s.call];
  return `\`${s.fn}\` (line ${node?.span.start.line ?? 0})`;
}

function provenance(facts: Facts, data: number, control: number): Provenance {
  const sets = facts.origins.sets;
  const d = sets.members(data);
  return {
    data: d.map((s) => sourceLabel(facts, s)),
    control: sets
      .members(control)
      .filter((s) => !d.includes(s))
      .map((s) => sourceLabel(facts, s)),
  };
}

function countText(c: Interval): string {
  if (c.max === c.min) return c.min === 1 ? "exactly once" : `exactly ${c.min} times`;
  if (c.max === Infinity) return `${c.min} or more times (unbounded)`;
  return `${c.min} to ${c.max} times`;
}

function callWords(facts: Facts, e: Expr): string | undefined {
  if (e.kind !== "Call") return undefined;
  const t = facts.types.callTarget[e.id];
  if (t?.kind !== "catalog") return undefined;
  const fx =
    t.fn.effect !== undefined ? ` (effect \`${t.fn.effect}\`${t.fn.irreversible ? ", irreversible" : ""})` : "";
  return `call \`${printExpr(e)}\`${fx}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function stmtText(facts: Facts, s: Stmt): string {
  switch (s.kind) {
    case "Assign":
    case "AugAssign": {
      const target =
        s.target.kind === "Name"
          ? `\`${s.target.name}\``
          : s.target.kind === "Subscript"
            ? `\`${printExpr(s.target)}\``
            : "the names";
      const call = callWords(facts, s.value);
      if (s.kind === "AugAssign") return `Update ${target} ${s.op}= \`${printExpr(s.value)}\`.`;
      return call !== undefined
        ? `${capital(call)} and store the result in ${target}.`
        : `Set ${target} to \`${printExpr(s.value)}\`.`;
    }
    case "ExprStmt": {
      const call = callWords(facts, s.expr);
      return call !== undefined ? `${capital(call)}.` : `Evaluate \`${printExpr(s.expr)}\`.`;
    }
    case "Return":
      return s.value === undefined ? "Stop (the result is `None`)." : `Return \`${printExpr(s.value)}\` as the result.`;
    case "Pass":
      return "Do nothing.";
    case "Break":
      return "Leave the loop.";
    case "Continue":
      return "Go on with the next element.";
    case "If":
      return `If \`${printExpr(s.test)}\`:`;
    case "For": {
      const b = facts.bounds.loopBound[s.id];
      const times = b === undefined ? "" : ` (${b.min} to ${numText(b.max)} times)`;
      const t =
        s.target.kind === "Name"
          ? s.target.name
          : s.target.elements.map((x) => (x.kind === "Name" ? x.name : "…")).join(", ");
      return `For each \`${t}\` in \`${printExpr(s.iter)}\`${times}:`;
    }
    default:
      return assertNever(s);
  }
}

function steps(facts: Facts, list: readonly Stmt[]): ExplainedStep[] {
  const out: ExplainedStep[] = [];
  for (const s of list) {
    const line = s.span.start.line;
    if (s.kind === "For") out.push({ line, text: stmtText(facts, s), steps: steps(facts, s.body) });
    else if (s.kind === "If") {
      out.push({ line, text: stmtText(facts, s), steps: steps(facts, s.body) });
      if (s.orelse.length > 0) {
        const first = s.orelse[0];
        out.push({ line: first?.span.start.line ?? line, text: "Otherwise:", steps: steps(facts, s.orelse) });
      }
    } else out.push({ line, text: stmtText(facts, s), steps: [] });
  }
  return out;
}

function effectsOf(facts: Facts): ExplainedEffect[] {
  const { tree, types, bounds, origins, policy } = facts;
  const out: ExplainedEffect[] = [];
  for (const call of tree.calls) {
    const t = types.callTarget[call.id];
    if (t?.kind !== "catalog" || t.fn.effect === undefined) continue;
    const site = bounds.siteBound[call.id];
    const when: string[] = [];
    for (let c = tree.controlOf[tree.stmtOf[call.id] ?? -1] ?? -1; c >= 0; c = tree.controlOf[c] ?? -1) {
      const node = tree.nodes[c];
      if (node?.kind === "For")
        when.unshift(`for each element of \`${printExpr(node.iter)}\` (line ${node.span.start.line})`);
      else if (node?.kind === "If")
        when.unshift(`only when \`${printExpr(node.test)}\` decides so (line ${node.span.start.line})`);
    }
    if (tree.maybe[call.id] === 1) when.push("only in some cases of its expression");
    out.push({
      order: out.length + 1,
      fn: t.fn.name,
      effect: t.fn.effect,
      irreversible: t.fn.irreversible,
      line: call.span.start.line,
      min: site?.min ?? 0,
      max: site === undefined || site.max === Infinity ? null : site.max,
      formula: site?.formula ?? "?",
      when,
      arguments: (types.callArgs[call.id] ?? []).map((a) => ({
        param: a.param.name,
        value: printExpr(a.expr),
        from: provenance(
          facts,
          origins.data[a.expr.id] ?? 0,
          origins.sets.union(origins.control[a.expr.id] ?? 0, origins.callControl[call.id] ?? 0),
        ),
      })),
      approve: policy.approve.includes(t.fn.name),
    });
  }
  return out;
}

function graphOf(facts: Facts): Explanation["graph"] {
  const { origins, tree, types, bounds } = facts;
  const sets = origins.sets;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const idOf = (src: number): string => {
    const s = origins.sources[src];
    return s?.kind === "input" ? `in_${s.name}` : `c${src}`;
  };
  // Inputs first (in catalog order), then calls in source order.
  for (const inp of facts.catalog.inputs.values()) {
    if (origins.sources.some((s) => s.kind === "input" && s.name === inp.name)) {
      nodes.push({ id: `in_${inp.name}`, kind: "input", label: inp.name });
    }
  }
  /** Data and control sources of a call's arguments (its own source excluded). */
  const depsOf = new Map<number, { data: number; control: number }>();
  for (const call of tree.calls) {
    const src = origins.sourceOfCall[call.id] ?? -1;
    if (src < 0) continue;
    let data = 0;
    let control = origins.callControl[call.id] ?? 0;
    for (const a of call.args) {
      data = sets.union(data, origins.data[a.id] ?? 0);
      control = sets.union(control, origins.control[a.id] ?? 0);
    }
    for (const k of call.keywords) {
      data = sets.union(data, origins.data[k.value.id] ?? 0);
      control = sets.union(control, origins.control[k.value.id] ?? 0);
    }
    depsOf.set(src, { data, control });
    const t = types.callTarget[call.id];
    const fn = t?.kind === "catalog" ? t.fn : undefined;
    const site = bounds.siteBound[call.id];
    const count =
      site === undefined ? "" : site.min === site.max ? `${site.min}×` : `${site.min}..${numText(site.max)}×`;
    nodes.push({
      id: `c${src}`,
      kind: fn?.effect !== undefined ? "effect" : "call",
      label: `${fn?.name ?? "?"} · line ${call.span.start.line} · ${count}${fn?.effect !== undefined ? ` · ${fn.effect}` : ""}`,
    });
  }
  /** Direct sources: drop a source that already reaches the target through another listed source. */
  const reduce = (members: readonly number[], all: readonly number[]): number[] =>
    members.filter(
      (s) =>
        !all.some((t) => {
          if (t === s) return false;
          const d = depsOf.get(t);
          return d !== undefined && sets.has(d.data, s);
        }),
    );
  const link = (to: string, data: number, control: number): void => {
    const d = sets.members(data);
    for (const s of reduce(d, d)) edges.push({ from: idOf(s), to, kind: "data" });
    const c = sets.members(control).filter((s) => !d.includes(s));
    for (const s of reduce(c, [...c, ...d])) edges.push({ from: idOf(s), to, kind: "control" });
  };
  for (const [src, d] of depsOf) link(`c${src}`, d.data, d.control);
  const r = origins.result;
  if (r.data !== 0 || r.control !== 0 || tree.stmts.some((s) => s.kind === "Return")) {
    nodes.push({ id: "result", kind: "result", label: "result" });
    link("result", r.data, r.control);
  }
  return { nodes, edges };
}

// ---------------------------------------------------------------- rendering

function quote(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

/** The data-flow graph as a Mermaid flowchart. */
export function toMermaid(e: Explanation): string {
  const lines = ["flowchart TD"];
  for (const n of e.graph.nodes) {
    const label = quote(n.label).replace(/\\"/g, "#quot;");
    const shape =
      n.kind === "input"
        ? `[/"${label}"/]`
        : n.kind === "effect"
          ? `{{"${label}"}}`
          : n.kind === "result"
            ? `(["${label}"])`
            : `["${label}"]`;
    lines.push(`  ${n.id}${shape}`);
  }
  for (const edge of e.graph.edges) {
    lines.push(edge.kind === "data" ? `  ${edge.from} --> ${edge.to}` : `  ${edge.from} -. control .-> ${edge.to}`);
  }
  return lines.join("\n") + "\n";
}

/** The data-flow graph in Graphviz DOT. */
export function toDot(e: Explanation): string {
  const lines = ["digraph composition {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];'];
  for (const n of e.graph.nodes) {
    const shape =
      n.kind === "input" ? "parallelogram" : n.kind === "effect" ? "octagon" : n.kind === "result" ? "ellipse" : "box";
    lines.push(`  ${n.id} [label="${quote(n.label)}", shape=${shape}${n.kind === "effect" ? ", style=bold" : ""}];`);
  }
  for (const edge of e.graph.edges) {
    lines.push(`  ${edge.from} -> ${edge.to}${edge.kind === "control" ? ' [style=dashed, label="control"]' : ""};`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

function boundsText(min: number | null, max: number | null): string {
  if (min === null && max === null) return "any size";
  if (max === null) return `at least ${min ?? 0} items, no upper bound`;
  if (min === null || min === 0) return `at most ${max} items`;
  return min === max ? `exactly ${max} items` : `${min} to ${max} items`;
}

function provenanceText(p: Provenance): string {
  const parts: string[] = [];
  parts.push(p.data.length === 0 ? "a constant" : `from ${p.data.join(", ")}`);
  if (p.control.length > 0) parts.push(`decided by ${p.control.join(", ")}`);
  return parts.join("; ");
}

/** The explanation as text for a person. */
export function toText(e: Explanation): string {
  const out: string[] = [];
  const errors = e.problems.filter((p) => p.severity === "error").length;
  const warnings = e.problems.length - errors;
  out.push(
    `${e.file}: ${e.ok ? "passes the policy" : "REJECTED by the policy"} (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"})`,
  );
  if (e.problems.length > 0) {
    out.push("", "Problems");
    for (const p of e.problems) out.push(`  line ${p.line}: ${p.severity}[${p.rule}] ${p.message}`);
  }
  out.push("", "Inputs");
  if (e.inputs.length === 0) out.push("  (none)");
  for (const i of e.inputs)
    out.push(`  ${i.name}: ${i.type}, ${boundsText(i.minItems, i.maxItems)}${i.doc ? ` — ${i.doc}` : ""}`);
  out.push("", "Steps");
  const walk = (list: readonly ExplainedStep[], prefix: string, indent: string): void => {
    list.forEach((s, i) => {
      const n = `${prefix}${i + 1}.`;
      out.push(`${indent}${n} ${s.text}  (line ${s.line})`);
      walk(s.steps, n, indent + "   ");
    });
  };
  walk(e.steps, "", "  ");
  out.push("", "Effects (the plan to approve)");
  if (e.effects.length === 0) out.push("  none: every call is pure");
  for (const f of e.effects) {
    const count = countText({ min: f.min, max: f.max ?? Infinity });
    const formula = f.formula === "1" ? "" : ` [${f.formula}]`;
    out.push(
      `  ${f.order}. \`${f.fn}\` — effect \`${f.effect}\`${f.irreversible ? ", irreversible" : ""}${f.approve ? ", needs approval" : ""} — ${count}${formula}, line ${f.line}`,
    );
    for (const w of f.when) out.push(`       ${w}`);
    for (const a of f.arguments) out.push(`       ${a.param} = \`${a.value}\`: ${provenanceText(a.from)}`);
  }
  out.push("", "Calls");
  for (const c of e.calls) {
    const count = countText({ min: c.min, max: c.max ?? Infinity });
    out.push(
      `  ${c.fn}: ${count}${c.formula === "1" ? "" : ` [${c.formula}]`}${c.effect !== null ? ` (effect \`${c.effect}\`)` : ""}`,
    );
  }
  if (e.result.data.length > 0 || e.result.control.length > 0) {
    out.push("", "Result", `  ${provenanceText(e.result)}`);
  }
  out.push(
    "",
    "Data flow (Mermaid)",
    ...toMermaid(e)
      .trimEnd()
      .split("\n")
      .map((l) => `  ${l}`),
  );
  return out.join("\n") + "\n";
}

/** Renders an explanation: `text` for people, `json`, or the graph as `mermaid` or `dot`. */
export function renderExplanation(e: Explanation, format: "text" | "json" | "mermaid" | "dot"): string {
  switch (format) {
    case "text":
      return toText(e);
    case "json":
      return JSON.stringify(e, null, 2) + "\n";
    case "mermaid":
      return toMermaid(e);
    case "dot":
      return toDot(e);
    default:
      return assertNever(format);
  }
}
