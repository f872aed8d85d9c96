/**
 * `order`: a path on which a call of `then` can run before any call of
 * `before` has completed.
 *
 * Algorithm: a forward must-analysis over the CFG with one bit per order
 * rule ("a `before` call has certainly run"), meet = intersection. Within
 * a CFG element calls are visited in evaluation order (arguments before the
 * call). A `before` call sets its bit only when it runs whenever its
 * statement runs (not in a branch of `a if c else b`, the right of
 * `and`/`or`, or a comprehension); a loop body may run zero times and a
 * branch may not be taken, which the CFG's edges express. A `then` call
 * reached with its bit clear is reported.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic, Note } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { OrderRule } from "../../policy/types.js";
import type { Call } from "../../syntax/ast.js";
import type { Facts } from "../facts.js";
import { code, lineOf } from "../messages.js";
import { isInside } from "../tree.js";
import type { Rule } from "./rule.js";

interface State {
  readonly call: Call;
  readonly rule: OrderRule;
}

function detect(facts: Facts): State[] {
  const rules = facts.policy.order;
  if (rules.length === 0) return [];
  const { cfg, types, tree, bounds } = facts;
  const nb = cfg.blocks.length;
  const R = rules.length;
  const words = (R + 31) >>> 5;
  // Only calls of functions some rule names matter. Within a block, CFG
  // elements follow source order and a call's arguments end before it
  // does, so sorting by end offset gives evaluation order.
  const relevant: Call[] = [];
  const named = new Set<string>();
  for (const r of rules) {
    named.add(r.before);
    named.add(r.then);
  }
  for (const name of named) for (const c of bounds.sitesByFunction.get(name) ?? []) relevant.push(c);
  if (relevant.length === 0) return [];
  relevant.sort((a, b) => a.span.end.offset - b.span.end.offset);
  /** Per block: its relevant calls, as a linked list in evaluation order. */
  const first = new Int32Array(nb).fill(-1);
  const last = new Int32Array(nb).fill(-1);
  const next = new Int32Array(relevant.length).fill(-1);
  const blockCalls = new Int32Array(relevant.length);
  for (let i = 0; i < relevant.length; i++) {
    const c = relevant[i];
    if (c === undefined) continue;
    const b = cfg.blockOf[tree.stmtOf[c.id] ?? -1] ?? -1;
    blockCalls[i] = b;
    if (b < 0) continue;
    if (first[b] === -1) first[b] = i;
    else next[last[b] ?? 0] = i;
    last[b] = i;
  }
  // Per relevant call and rule: 1 when it is that rule's `before` (and always runs with its statement), 2 when `then`.
  const role = new Uint8Array(relevant.length * R);
  for (let i = 0; i < relevant.length; i++) {
    const c = relevant[i];
    if (c === undefined) continue;
    const t = types.callTarget[c.id];
    const name = t?.kind === "catalog" ? t.fn.name : "";
    for (let r = 0; r < R; r++) {
      const rule = rules[r];
      if (rule === undefined) continue;
      let x = 0;
      if (rule.before === name && tree.maybe[c.id] === 0) x |= 1;
      if (rule.then === name) x |= 2;
      role[i * R + r] = x;
    }
  }
  const inSets = new Int32Array(nb * words).fill(-1);
  const outSets = new Int32Array(nb * words).fill(-1);
  for (let w = 0; w < words; w++) inSets[cfg.entry * words + w] = 0;
  const cur = new Int32Array(words);
  const found: State[] = [];
  const reported = new Uint8Array(relevant.length * R);
  const transfer = (b: number, record: boolean): void => {
    for (let i = first[b] ?? -1; i >= 0; i = next[i] ?? -1) {
      for (let r = 0; r < R; r++) {
        const x = role[i * R + r] ?? 0;
        if (x === 0) continue;
        const w = r >>> 5;
        const m = 1 << (r & 31);
        if (record && (x & 2) !== 0 && ((cur[w] ?? 0) & m) === 0 && reported[i * R + r] === 0) {
          reported[i * R + r] = 1;
          const call = relevant[i];
          const rule = rules[r];
          if (call !== undefined && rule !== undefined) found.push({ call, rule });
        }
        if ((x & 1) !== 0) cur[w] = (cur[w] ?? 0) | m;
      }
    }
  };
  const meet = (b: number): void => {
    const block = cfg.blocks[b];
    if (b === cfg.entry) for (let w = 0; w < words; w++) cur[w] = inSets[b * words + w] ?? 0;
    else {
      cur.fill(-1);
      for (const p of block?.preds ?? []) {
        if (cfg.reachable[p] !== 1) continue;
        for (let w = 0; w < words; w++) cur[w] = (cur[w] ?? 0) & (outSets[p * words + w] ?? 0);
      }
    }
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const b of cfg.rpo) {
      meet(b);
      transfer(b, false);
      for (let w = 0; w < words; w++) {
        if (outSets[b * words + w] !== cur[w]) {
          outSets[b * words + w] = cur[w] ?? 0;
          changed = true;
        }
      }
    }
  }
  for (const b of cfg.rpo) {
    if (first[b] === -1) continue;
    meet(b);
    transfer(b, true);
  }
  return found.sort((a, b) => a.call.span.start.offset - b.call.span.start.offset);
}

/**
 * Why a call does not always run with its statement, or its statement not
 * on every path: the innermost conditional part around it ("only when …"),
 * or undefined when nothing in its statement makes it conditional.
 */
function onlyWhen(facts: Facts, call: Call): string | undefined {
  const t = facts.tree;
  const stmt = t.stmtOf[call.id] ?? -1;
  for (let c = call.id, p = t.parent[call.id] ?? -1; p >= 0 && c !== stmt; c = p, p = t.parent[p] ?? -1) {
    const node = t.nodes[p];
    if (node === undefined) break;
    if (node.kind === "IfExp" && (node.body.id === c || node.orelse.id === c))
      return `only when the conditional expression \`… if ${code(node.test)} else …\` picks this arm`;
    if (node.kind === "BoolOp" && node.right.id === c)
      return node.op === "and"
        ? `only when \`${code(node.left)}\` is true (the right of \`and\` may be skipped)`
        : `only when \`${code(node.left)}\` is false (the right of \`or\` may be skipped)`;
    if (node.kind === "Comprehension" && node.iter.id !== c)
      return `only for the elements of the comprehension over \`${code(node.iter)}\`, which may be none`;
    if ((node.kind === "ListComp" || node.kind === "DictComp") && node.generators[0]?.id !== c) {
      const g = node.generators[node.generators.length - 1];
      if (g !== undefined)
        return `only for the elements of the comprehension over \`${code(g.iter)}\`, which may be none`;
    }
  }
  return undefined;
}

/** Why the statement holding `call` may not run before `then` (its `if` or loop), if one encloses it. */
function enclosingReason(facts: Facts, call: Call, then: Call): string | undefined {
  const t = facts.tree;
  for (let c = t.controlOf[t.stmtOf[call.id] ?? -1] ?? -1; c >= 0; c = t.controlOf[c] ?? -1) {
    if (isInside(t, then.id, c)) break;
    const node = t.nodes[c];
    if (node?.kind === "If") return `only when the \`if\` at line ${lineOf(node)} takes this branch`;
    if (node?.kind === "For") return `inside the loop at line ${lineOf(node)}, which may run zero times`;
  }
  return undefined;
}

function report(facts: Facts, s: State): Diagnostic {
  const { before, then } = s.rule;
  const sites = facts.bounds.sitesByFunction.get(before) ?? [];
  const notes: Note[] = [];
  // Sites evaluated before the `then` call: earlier in the text and not
  // around it, or inside its arguments.
  const earlier = sites.filter((c) =>
    isInside(facts.tree, c.id, s.call.id)
      ? true
      : c.span.start.offset < s.call.span.start.offset && !isInside(facts.tree, s.call.id, c.id),
  );
  const first = sites[0];
  const prior = earlier[earlier.length - 1];
  let conditional = false;
  if (first === undefined) notes.push({ message: `\`${before}\` is never called` });
  else if (prior === undefined) {
    notes.push({ message: `\`${before}\` is only called here, at line ${lineOf(first)}, after it`, span: first.span });
  } else {
    const inExpr = onlyWhen(facts, prior);
    const why = inExpr ?? enclosingReason(facts, prior, s.call);
    conditional = inExpr !== undefined;
    notes.push({
      message:
        why !== undefined
          ? `\`${before}\` is called here, but ${why}, so it does not count as having run`
          : `\`${before}\` is called here, but not on every path that reaches \`${then}\``,
      span: prior.span,
    });
  }
  return diagnostic("order", {
    message: `\`${then}\` can run before \`${before}\` has been called`,
    span: s.call.span,
    notes,
    help: conditional
      ? `call \`${before}\` in a statement of its own before \`${then}\` (not inside \`a if c else b\`, \`and\`/\`or\` or a comprehension)`
      : `call \`${before}\` first, on every path that leads here (outside loops and branches)`,
  });
}

export const order: Rule = {
  ...RULES.order,
  docs: `A policy can require that, on every path, a call of \`before\` has completed before any call of \`then\` (\`order: [{before: identify_overlap, then: book_table}]\`). A \`before\` call inside a loop (which may run zero times) or in one branch does not count for what follows.

Invalid:

\`\`\`python
book_table(r)
r2 = identify_overlap(prefs)
\`\`\`

Valid:

\`\`\`python
r = identify_overlap(prefs)
book_table(r)
\`\`\``,
  run(ctx) {
    return detect(ctx.facts).map((s) => report(ctx.facts, s));
  },
};
