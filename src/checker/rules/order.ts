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
import type { Call, Node } from "../../syntax/ast.js";
import { EL_FOR_BIND, EL_FOR_ITER, EL_IF_TEST, elementKind, elementNode } from "../cfg.js";
import type { Facts } from "../facts.js";
import { lineOf } from "../messages.js";
import { forEachChild } from "../tree.js";
import type { Rule } from "./rule.js";

interface State {
  readonly call: Call;
  readonly rule: OrderRule;
}

/** Catalog calls of one CFG element, in evaluation order. */
function elementCalls(facts: Facts, el: number, out: Call[]): void {
  const kind = elementKind(el);
  if (kind === EL_FOR_BIND) return;
  const node = facts.tree.nodes[elementNode(el)];
  if (node === undefined) return;
  const root: Node | undefined =
    kind === EL_IF_TEST && node.kind === "If"
      ? node.test
      : kind === EL_FOR_ITER && node.kind === "For"
        ? node.iter
        : node;
  const walk = (n: Node): void => {
    forEachChild(n, walk);
    if (n.kind === "Call" && facts.types.callTarget[n.id]?.kind === "catalog") out.push(n);
  };
  if (root !== undefined) walk(root);
}

function detect(facts: Facts): State[] {
  const rules = facts.policy.order;
  if (rules.length === 0) return [];
  const { cfg, types, tree } = facts;
  const nb = cfg.blocks.length;
  const R = rules.length;
  const words = (R + 31) >>> 5;
  const inSets = new Int32Array(nb * words).fill(-1);
  const outSets = new Int32Array(nb * words).fill(-1);
  for (let w = 0; w < words; w++) inSets[cfg.entry * words + w] = 0;
  const fnName = (c: Call): string => {
    const t = types.callTarget[c.id];
    return t?.kind === "catalog" ? t.fn.name : "";
  };
  const callsOf: Call[][] = cfg.blocks.map((b) => {
    const calls: Call[] = [];
    for (const el of b.elements) elementCalls(facts, el, calls);
    return calls;
  });
  const cur = new Int32Array(words);
  const found: State[] = [];
  const reported = new Set<string>();
  const transfer = (b: number, record: boolean): void => {
    for (const call of callsOf[b] ?? []) {
      const name = fnName(call);
      rules.forEach((r, i) => {
        const bit = ((cur[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0;
        if (record && r.then === name && !bit) {
          const key = `${call.id}:${i}`;
          if (!reported.has(key)) {
            reported.add(key);
            found.push({ call, rule: r });
          }
        }
        if (r.before === name && tree.maybe[call.id] === 0) cur[i >>> 5]! |= 1 << (i & 31);
      });
    }
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const b of cfg.rpo) {
      const block = cfg.blocks[b];
      if (block === undefined) continue;
      if (b === cfg.entry) for (let w = 0; w < words; w++) cur[w] = inSets[b * words + w] ?? 0;
      else {
        cur.fill(-1);
        for (const p of block.preds) {
          if (cfg.reachable[p] !== 1) continue;
          for (let w = 0; w < words; w++) cur[w]! &= outSets[p * words + w] ?? 0;
        }
      }
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
    const block = cfg.blocks[b];
    if (block === undefined) continue;
    if (b === cfg.entry) cur.fill(0);
    else {
      cur.fill(-1);
      for (const p of block.preds) {
        if (cfg.reachable[p] !== 1) continue;
        for (let w = 0; w < words; w++) cur[w]! &= outSets[p * words + w] ?? 0;
      }
    }
    transfer(b, true);
  }
  return found.sort((a, b) => a.call.span.start.offset - b.call.span.start.offset);
}

function report(facts: Facts, s: State): Diagnostic {
  const { before, then } = s.rule;
  const sites = facts.bounds.sitesByFunction.get(before) ?? [];
  const notes: Note[] = [];
  const first = sites[0];
  if (first === undefined) notes.push({ message: `\`${before}\` is never called` });
  else if (first.span.start.offset > s.call.span.start.offset) {
    notes.push({ message: `\`${before}\` is only called here, at line ${lineOf(first)}, after it`, span: first.span });
  } else {
    notes.push({
      message: `\`${before}\` is called here, but not on every path that reaches \`${then}\``,
      span: first.span,
    });
  }
  return diagnostic("order", {
    message: `\`${then}\` can run before \`${before}\` has been called`,
    span: s.call.span,
    notes,
    help: `call \`${before}\` first, on every path that leads here (outside loops and branches)`,
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
