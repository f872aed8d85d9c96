/**
 * `flow-forbidden`: an argument that derives from a `notFrom` source by
 * data, or whose call depends on one by control (an enclosing `if` test or
 * `for` iterable, or an earlier test that could have ended a loop or the
 * composition). A rule naming only a function (no parameter) also covers a
 * call with no arguments under such control.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic, Note } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Call, Expr, Name, Node } from "../../syntax/ast.js";
import type { Facts } from "../facts.js";
import { headerSpan, lineOf, sourceName } from "../messages.js";
import { forEachChildInEvaluationOrder as forEachChild } from "../../syntax/visit.js";
import { subjectOf, targetedArgs } from "./flow-common.js";
import type { Rule } from "./rule.js";

interface State {
  readonly call: Call;
  readonly param: string | undefined;
  readonly expr: Expr | undefined;
  /** The forbidden source id found. */
  readonly source: number;
  readonly byData: boolean;
}

function detect(facts: Facts): State[] {
  const { origins } = facts;
  const out: State[] = [];
  const seen = new Set<number>();
  const find = (set: number, names: readonly string[]): number => {
    for (const src of origins.sets.members(set)) {
      const s = origins.sources[src];
      if (s !== undefined && names.includes(sourceName(s))) return src;
    }
    return -1;
  };
  for (const rule of facts.policy.flows) {
    const notFrom = rule.notFrom;
    if (notFrom === undefined || notFrom.length === 0) continue;
    // An argument's own origins are reported at the argument; the call's
    // control context (shared by all its arguments) once, at the call.
    const flagged = new Set<number>();
    for (const arg of targetedArgs(facts, rule)) {
      const d = find(origins.data[arg.expr.id] ?? 0, notFrom);
      const src = d >= 0 ? d : find(origins.control[arg.expr.id] ?? 0, notFrom);
      if (src < 0) continue;
      flagged.add(arg.call.id);
      if (seen.has(arg.expr.id)) continue;
      seen.add(arg.expr.id);
      out.push({ call: arg.call, param: arg.param, expr: arg.expr, source: src, byData: d >= 0 });
    }
    const params = new Set(targetedArgs(facts, rule).map((a) => a.call.id));
    for (const call of facts.bounds.sitesByFunction.get(rule.to.fn) ?? []) {
      if (flagged.has(call.id) || seen.has(call.id)) continue;
      if (rule.to.param !== undefined && !params.has(call.id)) continue;
      const src = find(origins.callControl[call.id] ?? 0, notFrom);
      if (src < 0) continue;
      seen.add(call.id);
      out.push({ call, param: rule.to.param, expr: undefined, source: src, byData: false });
    }
  }
  return out;
}

/** The `if`/`for` statements (enclosing the call, or earlier early exits) whose test carries `source`. */
function controlNotes(facts: Facts, call: Call, source: number): Note[] {
  const { tree, origins } = facts;
  const notes: Note[] = [];
  const test = (id: number): boolean => {
    const node = tree.nodes[id];
    if (node?.kind === "If") {
      const t = node.test.id;
      return origins.sets.has(origins.sets.union(origins.data[t] ?? 0, origins.control[t] ?? 0), source);
    }
    if (node?.kind === "For") {
      const t = node.iter.id;
      return origins.sets.has(origins.sets.union(origins.data[t] ?? 0, origins.control[t] ?? 0), source);
    }
    return false;
  };
  for (let c = tree.controlOf[tree.stmtOf[call.id] ?? -1] ?? -1; c >= 0; c = tree.controlOf[c] ?? -1) {
    const node = tree.nodes[c];
    if (node !== undefined && test(c)) {
      notes.push({
        message:
          node.kind === "If"
            ? `the call runs only when this \`if\` (line ${lineOf(node)}) says so`
            : `the call repeats once per element of this loop's collection (line ${lineOf(node)})`,
        span: headerSpan(node),
      });
    }
  }
  if (notes.length === 0) {
    for (const s of tree.stmts) {
      if (s.span.start.offset >= call.span.start.offset) break;
      if ((s.kind === "If" || s.kind === "For") && tree.escapes[s.id] === 1 && test(s.id)) {
        notes.push({
          message: `this ${s.kind === "If" ? "`if`" : "loop"} (line ${lineOf(s)}) can end the run early, so reaching the call reveals its test`,
          span: headerSpan(s),
        });
        break;
      }
    }
  }
  return notes;
}

/** "`read_email`'s result" / "the input `x`". */
function resultPhrase(facts: Facts, source: number): string {
  const src = facts.origins.sources[source];
  if (src === undefined) return "it";
  return src.kind === "call" ? `\`${src.fn}\`'s result` : `the input \`${src.name}\``;
}

/** True when the test of `if` / iterable of `for` `id` carries `source`. */
function testCarries(facts: Facts, id: number, source: number): boolean {
  const { tree, origins } = facts;
  const node = tree.nodes[id];
  const t = node?.kind === "If" ? node.test.id : node?.kind === "For" ? node.iter.id : -1;
  if (t < 0) return false;
  return origins.sets.has(origins.sets.union(origins.data[t] ?? 0, origins.control[t] ?? 0), source);
}

/**
 * Why a value depends on `source` by control: the assignments of the
 * variables it reads that sit under an `if` (or in a loop) whose test
 * carries `source`, followed back through plain assignments. Each yields a
 * note at the `if` header and one at the assignment.
 */
function valueControlNotes(facts: Facts, e: Expr, source: number, limit = 4): Note[] {
  const { tree, origins, binding } = facts;
  const notes: Note[] = [];
  const seenVars = new Set<number>();
  const work: Node[] = [e];
  while (work.length > 0 && notes.length < limit) {
    const x = work.pop();
    if (x === undefined) continue;
    const names: Name[] = [];
    const collect = (n: Node): void => {
      if (n.kind === "Name") names.push(n);
      forEachChild(n, collect);
    };
    collect(x);
    for (const name of names) {
      const v = binding.resolution[name.id] ?? -1;
      const variable = binding.variables[v];
      if (variable === undefined || variable.comprehension !== undefined || seenVars.has(v)) continue;
      seenVars.add(v);
      for (const d of variable.defs) {
        if (notes.length >= limit) break;
        if (!origins.sets.has(origins.control[d.id] ?? 0, source)) continue;
        const stmtId = tree.stmtOf[d.id] ?? -1;
        const stmt = tree.nodes[stmtId];
        if (stmt === undefined) continue;
        let under: Node | undefined;
        for (let c = tree.controlOf[stmtId] ?? -1; c >= 0; c = tree.controlOf[c] ?? -1) {
          if (testCarries(facts, c, source)) {
            under = tree.nodes[c];
            break;
          }
        }
        if (under?.kind === "If") {
          notes.push({
            message: `\`${variable.name}\` is chosen under this \`if\` (line ${lineOf(under)}), whose test reads ${resultPhrase(facts, source)}`,
            span: headerSpan(under),
          });
          notes.push({
            message: `\`${variable.name}\` is assigned here, under the \`if\` at line ${lineOf(under)}`,
            span: stmt.span,
          });
        } else if (under?.kind === "For" && stmt.id !== under.id) {
          notes.push({
            message: `\`${variable.name}\` is assigned inside this loop (line ${lineOf(under)}), whose collection comes from ${resultPhrase(facts, source)}`,
            span: headerSpan(under),
          });
          notes.push({ message: `\`${variable.name}\` is assigned here, inside the loop`, span: stmt.span });
        } else if (stmt.kind === "Assign" || stmt.kind === "AugAssign") {
          // The assigned value itself carries the dependence: follow it back.
          work.push(stmt.value);
        }
      }
    }
  }
  return notes;
}

function report(facts: Facts, s: State): Diagnostic {
  const src = facts.origins.sources[s.source];
  const name = src === undefined ? "" : sourceName(src);
  const fn = facts.types.callTarget[s.call.id];
  const fnName = fn?.kind === "catalog" ? fn.fn.name : "";
  const notes: Note[] = [];
  const srcNode = src?.kind === "call" ? facts.tree.nodes[src.call] : undefined;
  const srcNote =
    src?.kind === "call" ? `the value comes from this \`${name}\` call` : `the value comes from the input \`${name}\``;
  if (s.byData) {
    notes.push(srcNode !== undefined ? { message: srcNote, span: srcNode.span } : { message: srcNote });
  } else {
    const valueNotes = s.expr !== undefined ? valueControlNotes(facts, s.expr, s.source) : [];
    notes.push(...(valueNotes.length > 0 ? valueNotes : controlNotes(facts, s.call, s.source)));
    const m =
      src?.kind === "call" ? `the test depends on this \`${name}\` call` : `the test depends on the input \`${name}\``;
    notes.push(srcNode !== undefined ? { message: m, span: srcNode.span } : { message: m });
  }
  const what =
    s.param !== undefined && s.expr !== undefined
      ? `argument \`${s.param}\` of \`${fnName}\``
      : `the call of \`${fnName}\``;
  const subject = s.expr !== undefined ? subjectOf(s.expr) : "the call";
  return diagnostic("flow-forbidden", {
    message: s.byData
      ? `${what} derives from \`${name}\`, which the policy forbids`
      : `${what} depends on \`${name}\` through control flow, which the policy forbids`,
    span: s.expr?.span ?? s.call.span,
    notes,
    help: s.byData
      ? `do not pass data from \`${name}\` to \`${fnName}\`; take ${subject} from a trusted source`
      : s.expr !== undefined
        ? `do not let \`${name}\`'s output choose ${subject}; take it from a trusted source on every path`
        : `do not decide whether or how to call \`${fnName}\` from \`${name}\`'s output`,
  });
}

export const flowForbidden: Rule = {
  ...RULES["flow-forbidden"],
  docs: `A policy can forbid an argument to derive from certain sources (\`flows: [{to: send_money.recipient, notFrom: [read_email]}]\`), by data or by control: a value chosen by an \`if\` on untrusted text leaks that text as surely as passing it, so the call's enclosing tests and loops count too.

Invalid:

\`\`\`python
mail = read_email()
if "urgent" in mail:
    send_money(recipient="bob", amount=10)
\`\`\`

Valid:

\`\`\`python
summary = summarize(read_email())
send_money(recipient=contacts["bob"], amount=10)
\`\`\``,
  run(ctx) {
    return detect(ctx.facts).map((s) => {
      ctx.at(s.call);
      return report(ctx.facts, s);
    });
  },
};
