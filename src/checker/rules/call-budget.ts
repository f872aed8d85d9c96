/**
 * `call-budget`: a static call bound above the policy's budget (per
 * function, per effect class, all calls `*`, and total `cost`), unbounded
 * where a budget applies, or a required minimum (`{min: N}`) that is not
 * guaranteed on every run. The bounds pass computes the intervals and
 * formulas; this rule compares them with each budget and reports at the
 * call site that contributes most (the first one on a tie).
 */
import type { Budget } from "../../policy/types.js";
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic, Note } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Call } from "../../syntax/ast.js";
import type { Span } from "../../syntax/span.js";
import type { Count, Interval } from "../bounds.js";
import { numText } from "../bounds.js";
import type { Facts } from "../facts.js";
import { headerSpan, loopName, numTimes, times } from "../messages.js";
import type { Rule } from "./rule.js";

/** One budget compared with one bound. */
interface State {
  /** "`book_table`", "calls with effect `reservation`", "catalog calls", "the calls' cost". */
  readonly subject: string;
  readonly verb: "called" | "made" | "cost";
  readonly count: Interval & Partial<Pick<Count, "formula" | "numeric">>;
  readonly budget: Budget;
  readonly sites: readonly Call[];
  readonly weight: (c: Call) => number;
  readonly fn: string | undefined;
  /** Point at every other contributing site (per-function and effect-class budgets). */
  readonly siteNotes: boolean;
}

function detect(facts: Facts): State[] {
  const { policy, bounds, tree, types } = facts;
  const out: State[] = [];
  const zero: Count = { min: 0, max: 0, formula: "0", numeric: "0" };
  const catalogCalls = tree.calls.filter((c) => types.callTarget[c.id]?.kind === "catalog");
  const fnOf = (c: Call): { effect: string | undefined; cost: number } => {
    const t = types.callTarget[c.id];
    return t?.kind === "catalog" ? t.fn : { effect: undefined, cost: 0 };
  };
  for (const [fn, budget] of policy.budgets.functions) {
    out.push({
      subject: `\`${fn}\``,
      verb: "called",
      count: bounds.functions.get(fn) ?? zero,
      budget,
      sites: bounds.sitesByFunction.get(fn) ?? [],
      weight: () => 1,
      fn,
      siteNotes: true,
    });
  }
  for (const [key, budget] of policy.budgets.effects) {
    const cls = key.startsWith("effect:") ? key.slice("effect:".length) : key;
    out.push({
      subject: `calls with effect \`${cls}\``,
      verb: "made",
      count: bounds.effects.get(cls) ?? zero,
      budget,
      sites: catalogCalls.filter((c) => fnOf(c).effect === cls),
      weight: () => 1,
      fn: undefined,
      siteNotes: true,
    });
  }
  if (policy.budgets.all !== undefined) {
    out.push({
      subject: "catalog calls",
      verb: "made",
      count: bounds.all,
      budget: policy.budgets.all,
      sites: catalogCalls,
      weight: () => 1,
      fn: undefined,
      siteNotes: false,
    });
  }
  if (policy.budgets.cost !== undefined) {
    out.push({
      subject: "the calls' total cost",
      verb: "cost",
      count: bounds.cost,
      budget: policy.budgets.cost,
      sites: catalogCalls,
      weight: (c) => fnOf(c).cost,
      fn: undefined,
      siteNotes: false,
    });
  }
  return out.filter((s) => s.count.max > s.budget.max || (s.budget.min !== undefined && s.count.min < s.budget.min));
}

function mainSite(facts: Facts, s: State): Call | undefined {
  let best: Call | undefined;
  let bestMax = -1;
  for (const c of s.sites) {
    const m = (facts.bounds.siteBound[c.id]?.max ?? 0) * s.weight(c);
    if (m > bestMax) {
      best = c;
      bestMax = m;
    }
  }
  return best;
}

function fallbackSpan(facts: Facts): Span {
  return facts.module.body[0]?.span ?? facts.module.span;
}

function loopNotes(facts: Facts, call: Call | undefined): Note[] {
  if (call === undefined) return [];
  const site = facts.bounds.siteBound[call.id];
  return (site?.loops ?? []).map((l) => {
    const b = facts.bounds.loopBound[l];
    const node = facts.tree.nodes[l];
    const message =
      b !== undefined && b.max === Infinity
        ? `${loopName(facts, l)} has no bound: ${b.why ?? "its collection has no known size"}`
        : `${loopName(facts, l)} runs ${numTimes(b?.max ?? Infinity)}`;
    return node === undefined ? { message } : { message, span: headerSpan(node) };
  });
}

function formulaText(c: State["count"]): string {
  if (c.formula === undefined || c.numeric === undefined) return "";
  if (c.formula === c.numeric) return ` (${c.formula} = ${numText(c.max)})`;
  if (c.numeric === numText(c.max)) return ` (${c.formula} ≤ ${c.numeric})`;
  return ` (${c.formula} ≤ ${c.numeric} = ${numText(c.max)})`;
}

const MAX_SITE_NOTES = 5;

/** Notes at the other sites that add to an exceeded maximum ("also called here, up to 8 times"). */
function otherSiteNotes(facts: Facts, s: State, main: Call | undefined): Note[] {
  const notes: Note[] = [];
  let left = 0;
  for (const c of s.sites) {
    if (c === main) continue;
    const max = facts.bounds.siteBound[c.id]?.max ?? 0;
    const w = s.weight(c);
    if (max === 0 || w === 0) continue;
    if (notes.length >= MAX_SITE_NOTES) {
      left++;
      continue;
    }
    const t = facts.types.callTarget[c.id];
    const fn = t?.kind === "catalog" ? t.fn.name : "";
    const who = s.fn !== undefined ? "also called here" : `\`${fn}\` is also called here`;
    notes.push({ message: `${who}, ${numTimes(max)}`, span: c.span });
  }
  if (left > 0) notes.push({ message: `and at ${left} more ${left === 1 ? "site" : "sites"}` });
  return notes;
}

/** "review_file: 16 calls × 5 + summarize: 1 call × 2 + post_comment: 1", largest share first. */
function costBreakdown(facts: Facts, s: State): string {
  const calls = new Map<string, { max: number; cost: number }>();
  for (const c of s.sites) {
    const t = facts.types.callTarget[c.id];
    if (t?.kind !== "catalog" || t.fn.cost === 0) continue;
    const max = facts.bounds.functions.get(t.fn.name)?.max ?? 0;
    if (max > 0) calls.set(t.fn.name, { max, cost: t.fn.cost });
  }
  const terms = [...calls]
    .map(([fn, x]) => ({ fn, ...x, total: x.max * x.cost }))
    .sort((a, b) => b.total - a.total || (a.fn < b.fn ? -1 : 1));
  const text = terms.slice(0, 4).map((x) => {
    const n = `${x.max} ${x.max === 1 ? "call" : "calls"}`;
    return x.cost === 1 ? `${x.fn}: ${n}` : `${x.fn}: ${n} × ${x.cost}`;
  });
  if (terms.length > 4) text.push("…");
  return text.join(" + ");
}

function report(facts: Facts, s: State): Diagnostic {
  const site = mainSite(facts, s);
  const span = site?.span ?? fallbackSpan(facts);
  const notes = loopNotes(facts, site);
  // A finite excess of a function or effect class: point at every other site that adds to it.
  if (s.siteNotes && s.count.max > s.budget.max && s.count.max !== Infinity)
    notes.push(...otherSiteNotes(facts, s, site));
  const quantity = (k: number): string => (s.verb === "cost" ? String(k) : times(k));
  if (s.count.max > s.budget.max) {
    if (s.count.max === Infinity) {
      const loop = (site !== undefined ? facts.bounds.siteBound[site.id]?.loops : undefined)
        ?.map((l) => facts.bounds.loopBound[l])
        .find((b) => b?.max === Infinity);
      return diagnostic("call-budget", {
        message:
          s.verb === "cost"
            ? `${s.subject} is unbounded; the policy allows ${s.budget.max}`
            : `${s.subject} may be ${s.verb} an unbounded number of times; the policy allows ${s.budget.max}`,
        span,
        notes,
        help: loop?.hint ?? "iterate over a bounded collection",
      });
    }
    return diagnostic("call-budget", {
      message:
        s.verb === "cost"
          ? `${s.subject} may reach ${s.count.max} (${costBreakdown(facts, s)}); the policy allows ${s.budget.max}`
          : `${s.subject} may be ${s.verb} up to ${quantity(s.count.max)}${formulaText(s.count)}; the policy allows ${s.budget.max}`,
      span,
      notes,
      help:
        s.fn !== undefined
          ? `call \`${s.fn}\` ${s.budget.max === 1 ? "once, outside any loop" : `at most ${times(s.budget.max)}`}, or raise its budget in the policy`
          : "make fewer calls (outside loops), or raise the budget in the policy",
    });
  }
  const min = s.budget.min ?? 0;
  return diagnostic("call-budget", {
    message:
      s.verb === "cost"
        ? `${s.subject} may be as low as ${s.count.min}; the policy requires at least ${min}`
        : `${s.subject} may be ${s.verb} ${quantity(s.count.min)}; the policy requires at least ${min}`,
    span,
    notes,
    help:
      s.fn !== undefined
        ? `call \`${s.fn}\` on every path, outside loops and branches`
        : "make the calls on every path, outside loops and branches",
  });
}

export const callBudget: Rule = {
  ...RULES["call-budget"],
  docs: `Every catalog call site has a static bound \`[min, max]\`: the product of its enclosing loops' bounds (an input's or result's \`@maxItems\`, a literal's length, \`range(n)\`), added over a sequence, the wider of two branches. The policy's \`budgets\` cap these per function, per effect class (\`effect:CLASS\`), for all calls (\`*\`) and for the total \`@cost\`; a budget \`{min: N}\` also requires at least N calls on every run. A loop over a collection with no bound makes the count unbounded.

Invalid (with \`budgets: {book_table: 1}\`, \`users\` at most 20):

\`\`\`python
for u in users:
    book_table(u)       # up to 20 calls
\`\`\`

Valid:

\`\`\`python
book_table(identify_overlap(prefs))
\`\`\``,
  run(ctx) {
    return detect(ctx.facts).map((s) => report(ctx.facts, s));
  },
};
