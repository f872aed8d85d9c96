/**
 * `shape`: a composition outside the policy's shape. `sequence` allows no
 * loops, branches, comprehensions or conditional expressions (each is
 * reported). `tree` allows a catalog call's result to be consumed once: a
 * variable holding a call's result that is read in two places, or read
 * inside a loop that repeats the read, is reported at the extra read.
 * `dag` allows anything: the language has no cycles.
 */
import { RULES } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import type { Name, Node } from "../../syntax/ast.js";
import { elementReads, elementWrites } from "../binder.js";
import type { Facts } from "../facts.js";
import { headerSpan, lineOf } from "../messages.js";
import type { Rule } from "./rule.js";

function sequence(facts: Facts): Diagnostic[] {
  const out: Diagnostic[] = [];
  const say = (node: Node, what: string, help: string): void => {
    out.push(
      diagnostic("shape", {
        message: `${what}, but the policy's shape is \`sequence\``,
        span: headerSpan(node),
        help,
      }),
    );
  };
  for (const node of facts.tree.nodes) {
    if (node === undefined) continue;
    switch (node.kind) {
      case "For":
        say(node, "a `for` loop", "write the steps one after another, or move the loop into a subtask");
        break;
      case "If":
        if (!node.isElif)
          say(node, "an `if` statement", "write the steps one after another, or move the decision into a subtask");
        break;
      case "ListComp":
      case "DictComp":
        say(node, "a comprehension", "write the steps one after another, or move the loop into a subtask");
        break;
      case "IfExp":
        say(node, "a conditional expression", "write the steps one after another, or move the decision into a subtask");
        break;
      case "Assign":
      case "Attribute":
      case "AugAssign":
      case "BinOp":
      case "Bool":
      case "BoolOp":
      case "Break":
      case "Call":
      case "Compare":
      case "Comprehension":
      case "Continue":
      case "Dict":
      case "ExprStmt":
      case "FString":
      case "List":
      case "Module":
      case "Name":
      case "None":
      case "Number":
      case "Pass":
      case "Return":
      case "Slice":
      case "String":
      case "Subscript":
      case "Tuple":
      case "TupleTarget":
      case "UnaryOp":
      default:
        break;
    }
  }
  return out;
}

/** Where a variable's reads and writes sit in the CFG: per block, flat pairs [position, `Name` id] (id negated for writes). */
function eventsOf(facts: Facts, v: number): Map<number, number[]> {
  const { cfg, binding } = facts;
  const res = binding.resolution;
  const out = new Map<number, number[]>();
  for (const b of cfg.rpo) {
    const els = cfg.blocks[b]?.elements ?? [];
    for (let i = 0; i < els.length; i++) {
      const el = els[i] ?? 0;
      for (const id of elementReads(binding, el)) {
        if (res[id] !== v) continue;
        let list = out.get(b);
        if (list === undefined) out.set(b, (list = []));
        list.push(i, id);
      }
      for (const id of elementWrites(binding, el)) {
        if (res[id] !== v) continue;
        let list = out.get(b);
        if (list === undefined) out.set(b, (list = []));
        list.push(i, -id - 1);
      }
    }
  }
  return out;
}

/**
 * The reads of a variable that can follow the point (block `b`, element
 * position `pos`, after that element) on some path before the variable is
 * written again. Revisiting `b` through a back edge scans it from its start.
 */
function readsAfter(facts: Facts, events: Map<number, number[]>, b: number, pos: number): Set<number> {
  const { cfg } = facts;
  const found = new Set<number>();
  /** Scans `list` from the first event past `from`; true when a write kills the path. */
  const scan = (list: readonly number[] | undefined, from: number): boolean => {
    if (list === undefined) return false;
    for (let i = 0; i < list.length; i += 2) {
      if ((list[i] ?? 0) <= from) continue;
      const id = list[i + 1] ?? 0;
      if (id < 0) return true;
      found.add(id);
    }
    return false;
  };
  if (scan(events.get(b), pos)) return found;
  const seen = new Set<number>();
  const stack = [b];
  while (stack.length > 0) {
    const x = stack.pop() ?? 0;
    for (const s of cfg.blocks[x]?.succs ?? []) {
      if (seen.has(s)) continue;
      seen.add(s);
      if (!scan(events.get(s), -1)) stack.push(s);
    }
  }
  return found;
}

/** True when reads `a` and `b` of one statement sit in different arms of a conditional expression. */
function exclusiveArms(facts: Facts, a: number, b: number): boolean {
  const t = facts.tree;
  const chain = new Map<number, number>(); // ancestor → the child on the way from `a`
  for (let c = a, p = t.parent[a] ?? -1; p >= 0; c = p, p = t.parent[p] ?? -1) chain.set(p, c);
  for (let c = b, p = t.parent[b] ?? -1; p >= 0; c = p, p = t.parent[p] ?? -1) {
    const fromA = chain.get(p);
    if (fromA === undefined) continue;
    const node = t.nodes[p];
    if (node?.kind !== "IfExp") return false;
    const arm = (id: number): number => (id === node.body.id ? 1 : id === node.orelse.id ? 2 : 0);
    return arm(fromA) !== 0 && arm(c) !== 0 && arm(fromA) !== arm(c);
  }
  return false;
}

/** Two consumptions of one call result that can happen on the same run. */
interface TreeConflict {
  readonly first: Name;
  /** The second read (the same as `first` when a loop repeats it). */
  readonly second: Name;
}

/**
 * For each assignment of a catalog call's result to `v`, the reads it
 * reaches; two of them conflict when one can follow the other on the same
 * run (no write between), when a loop or comprehension repeats one, or when
 * one statement reads the value twice outside exclusive arms of
 * `a if c else b`. Reads in the two arms of an `if`/`else` never follow
 * each other, so they do not conflict.
 */
function treeConflict(facts: Facts, v: number, defs: readonly Name[]): TreeConflict | undefined {
  const { cfg, tree: t } = facts;
  const events = eventsOf(facts, v);
  const where = new Map<number, { b: number; pos: number }>();
  for (const [b, list] of events)
    for (let i = 0; i < list.length; i += 2) {
      const id = list[i + 1] ?? 0;
      where.set(id < 0 ? -id - 1 : id, { b, pos: list[i] ?? 0 });
    }
  let best: TreeConflict | undefined;
  const consider = (c: TreeConflict): void => {
    if (best === undefined || c.second.span.start.offset < best.second.span.start.offset) best = c;
  };
  const nameAt = (id: number): Name | undefined => {
    const n = t.nodes[id];
    return n?.kind === "Name" ? n : undefined;
  };
  const after = new Map<number, Set<number>>();
  for (const d of defs) {
    const at = where.get(d.id);
    if (at === undefined || cfg.reachable[at.b] !== 1) continue;
    const reads = [...readsAfter(facts, events, at.b, at.pos)].sort((x, y) => x - y);
    for (const r of reads) {
      const rn = nameAt(r);
      if (rn === undefined) continue;
      // Repeated by a comprehension inside its statement.
      const l = t.loopOf[r] ?? -1;
      if (l >= 0 && t.nodes[l]?.kind === "Comprehension" && (t.stmtOf[l] ?? -1) === (t.stmtOf[r] ?? -2)) {
        consider({ first: rn, second: rn });
        continue;
      }
      const rAt = where.get(r);
      if (rAt === undefined) continue;
      let next = after.get(r);
      if (next === undefined) after.set(r, (next = readsAfter(facts, events, rAt.b, rAt.pos)));
      for (const r2 of reads) {
        const r2n = nameAt(r2);
        if (r2n === undefined) continue;
        const r2At = where.get(r2);
        const sameElement = r2 !== r && r2At !== undefined && r2At.b === rAt.b && r2At.pos === rAt.pos;
        if (sameElement) {
          if (r < r2 && !exclusiveArms(facts, r, r2)) consider({ first: rn, second: r2n });
        } else if (next.has(r2)) consider(r2 === r ? { first: rn, second: rn } : { first: rn, second: r2n });
      }
    }
  }
  return best;
}

function tree(facts: Facts): Diagnostic[] {
  const { binding, tree: t, types } = facts;
  const out: Diagnostic[] = [];
  for (const v of binding.variables) {
    if (v.comprehension !== undefined || v.reads.length < 1) continue;
    // Only variables that hold a catalog call's result directly.
    let fn: string | undefined;
    let allCalls = true;
    for (const d of v.defs) {
      const parent = t.nodes[t.parent[d.id] ?? -1];
      const target = parent?.kind === "Assign" && parent.target === d ? types.callTarget[parent.value.id] : undefined;
      if (target?.kind === "catalog") fn ??= target.fn.name;
      else allCalls = false;
    }
    if (!allCalls || fn === undefined) continue;
    const conflict = treeConflict(facts, v.id, v.defs);
    if (conflict === undefined) continue;
    const { first, second } = conflict;
    out.push(
      diagnostic("shape", {
        message: `the result of \`${fn}\` in \`${v.name}\` is used more than once, but the policy's shape is \`tree\``,
        span: second.span,
        notes:
          first === second
            ? [{ message: `it is read inside a loop, once per iteration`, span: second.span }]
            : [{ message: `first used here, at line ${lineOf(first)}, on the same run`, span: first.span }],
        help: `give each consumer its own call of \`${fn}\`, or allow \`shape: dag\` in the policy`,
      }),
    );
  }
  return out;
}

export const shape: Rule = {
  ...RULES.shape,
  docs: `The policy's \`shape\` restricts how subtasks combine. \`sequence\`: straight-line steps only (no loops, \`if\`, comprehensions or \`a if c else b\`). \`tree\`: each catalog call's result feeds one consumer. \`dag\` (the default): any composition.

Invalid (with \`shape: sequence\`):

\`\`\`python
for u in users:
    notify(u)
\`\`\`

Valid:

\`\`\`python
text = draft(topic)
publish(review(text))
\`\`\``,
  run(ctx) {
    switch (ctx.policy.shape) {
      case "sequence":
        return sequence(ctx.facts);
      case "tree":
        return tree(ctx.facts);
      case "dag":
        return [];
    }
  },
};
