/**
 * The control-flow graph of a module, built once and shared by every
 * flow-sensitive analysis (definite assignment, liveness, unreachable code,
 * `order`, `loop-overwrite`).
 *
 * Algorithm: one walk over the statements. Simple statements are appended
 * to the current basic block; `if` ends the block with its test and opens
 * a block per branch and a join block; `for` evaluates its iterable in the
 * current block, then a loop head with two successors: the body (which
 * first binds the loop variable and ends with a back edge to the head) and
 * the exit (taken after the last iteration, or at once when the collection
 * is empty). `break` jumps to the exit, `continue` to the head, `return` to
 * the module exit; the statements after them start a block with no
 * predecessors, so reachability finds them. Elements are encoded as
 * `nodeId * 4 + kind` so blocks are flat number arrays.
 */
import type { For, Module, Stmt } from "../syntax/ast.js";
import { assertNever } from "../syntax/ast.js";

/** A simple statement (assignment, expression, return, pass, break, continue). */
export const EL_STMT = 0;
/** The test of an `if` (node id of the `If`). */
export const EL_IF_TEST = 1;
/** The iterable of a `for`, evaluated once (node id of the `For`). */
export const EL_FOR_ITER = 2;
/** Binding the loop variable at the start of each iteration (node id of the `For`). */
export const EL_FOR_BIND = 3;

/** The node id of an encoded element. */
export function elementNode(el: number): number {
  return el >>> 2;
}

/** The kind (`EL_*`) of an encoded element. */
export function elementKind(el: number): number {
  return el & 3;
}

export interface BasicBlock {
  readonly id: number;
  /** Encoded elements in execution order. */
  readonly elements: number[];
  readonly succs: number[];
  readonly preds: number[];
}

export interface Cfg {
  readonly blocks: readonly BasicBlock[];
  readonly entry: number;
  readonly exit: number;
  /** Block ids in reverse post-order from the entry (reachable blocks only). */
  readonly rpo: Int32Array;
  /** 1 for blocks reachable from the entry. */
  readonly reachable: Uint8Array;
  /** Statement id → block holding it (for `if`: its test; for `for`: its iterable). -1 otherwise. */
  readonly blockOf: Int32Array;
  /** `for` id → its loop head block. */
  readonly headOf: Int32Array;
}

/** Builds the control-flow graph of `module` (`nodeCount` sizes the tables). */
export function buildCfg(module: Module): Cfg {
  const n = Math.max(module.nodeCount, module.id + 1);
  const blockOf = new Int32Array(n).fill(-1);
  const headOf = new Int32Array(n).fill(-1);
  // The graph is recorded flat while walking (pairs [block, element] and
  // [from, to]); the blocks and their lists are built at the end, each list
  // at its exact size.
  let blockCount = 0;
  const flatElements: number[] = [];
  const flatEdges: number[] = [];
  const newBlock = (): number => blockCount++;
  const edge = (from: number, to: number): void => {
    if (from < 0 || from >= blockCount || to < 0 || to >= blockCount) return;
    flatEdges.push(from, to);
  };
  const add = (block: number, node: number, kind: number): void => {
    if (block >= 0 && block < blockCount) flatElements.push(block, node * 4 + kind);
  };
  const entry = newBlock();
  const exit = newBlock();
  const loopStack: { head: number; exit: number }[] = [];

  const visitStmts = (stmts: readonly Stmt[], cur: number): number => {
    let b = cur;
    for (const s of stmts) b = visitStmt(s, b);
    return b;
  };
  const visitStmt = (s: Stmt, cur: number): number => {
    switch (s.kind) {
      case "Assign":
      case "AugAssign":
      case "ExprStmt":
      case "Pass":
        add(cur, s.id, EL_STMT);
        blockOf[s.id] = cur;
        return cur;
      case "Return":
        add(cur, s.id, EL_STMT);
        blockOf[s.id] = cur;
        edge(cur, exit);
        return newBlock();
      case "Break":
      case "Continue": {
        add(cur, s.id, EL_STMT);
        blockOf[s.id] = cur;
        const loop = loopStack[loopStack.length - 1];
        if (loop === undefined) return cur; // the parser reports it; keep flowing
        edge(cur, s.kind === "Break" ? loop.exit : loop.head);
        return newBlock();
      }
      case "If": {
        add(cur, s.id, EL_IF_TEST);
        blockOf[s.id] = cur;
        const thenB = newBlock();
        edge(cur, thenB);
        const endThen = visitStmts(s.body, thenB);
        const elseB = newBlock();
        edge(cur, elseB);
        const endElse = visitStmts(s.orelse, elseB);
        const join = newBlock();
        edge(endThen, join);
        edge(endElse, join);
        return join;
      }
      case "For":
        return visitFor(s, cur);
      default:
        return assertNever(s);
    }
  };
  const visitFor = (s: For, cur: number): number => {
    add(cur, s.id, EL_FOR_ITER);
    blockOf[s.id] = cur;
    const head = newBlock();
    headOf[s.id] = head;
    edge(cur, head);
    const body = newBlock();
    const out = newBlock();
    edge(head, body);
    edge(head, out);
    add(body, s.id, EL_FOR_BIND);
    loopStack.push({ head, exit: out });
    const end = visitStmts(s.body, body);
    loopStack.pop();
    edge(end, head);
    return out;
  };
  const last = visitStmts(module.body, entry);
  edge(last, exit);
  const blocks = buildBlocks(blockCount, flatElements, flatEdges);

  // Reverse post-order over reachable blocks (iterative DFS).
  const reachable = new Uint8Array(blocks.length);
  const order: number[] = [];
  const stack: number[] = [entry];
  const nextSucc = new Int32Array(blocks.length);
  reachable[entry] = 1;
  while (stack.length > 0) {
    const b = stack[stack.length - 1] ?? 0;
    const succs = blocks[b]?.succs ?? [];
    const i = nextSucc[b] ?? 0;
    if (i < succs.length) {
      nextSucc[b] = i + 1;
      const s = succs[i] ?? 0;
      if (reachable[s] === 0) {
        reachable[s] = 1;
        stack.push(s);
      }
    } else {
      stack.pop();
      order.push(b);
    }
  }
  order.reverse();
  return { blocks, entry, exit, rpo: Int32Array.from(order), reachable, blockOf, headOf };
}

/** Blocks `0 .. count-1` from flat [block, element] and [from, to] pairs, lists in recording order. */
function buildBlocks(count: number, flatElements: readonly number[], flatEdges: readonly number[]): BasicBlock[] {
  const nEl = new Int32Array(count);
  const nSucc = new Int32Array(count);
  const nPred = new Int32Array(count);
  for (let i = 0; i < flatElements.length; i += 2) {
    const b = flatElements[i] ?? 0;
    nEl[b] = (nEl[b] ?? 0) + 1;
  }
  for (let i = 0; i < flatEdges.length; i += 2) {
    const from = flatEdges[i] ?? 0;
    const to = flatEdges[i + 1] ?? 0;
    nSucc[from] = (nSucc[from] ?? 0) + 1;
    nPred[to] = (nPred[to] ?? 0) + 1;
  }
  const blocks: BasicBlock[] = [];
  for (let b = 0; b < count; b++) {
    blocks.push({ id: b, elements: sized(nEl[b] ?? 0), succs: sized(nSucc[b] ?? 0), preds: sized(nPred[b] ?? 0) });
  }
  // Fill in order, reusing the counters as write positions.
  nEl.fill(0);
  nSucc.fill(0);
  nPred.fill(0);
  for (let i = 0; i < flatElements.length; i += 2) {
    const b = flatElements[i] ?? 0;
    const block = blocks[b];
    const at = nEl[b] ?? 0;
    nEl[b] = at + 1;
    if (block !== undefined) block.elements[at] = flatElements[i + 1] ?? 0;
  }
  for (let i = 0; i < flatEdges.length; i += 2) {
    const from = flatEdges[i] ?? 0;
    const to = flatEdges[i + 1] ?? 0;
    const a = blocks[from];
    const z = blocks[to];
    const si = nSucc[from] ?? 0;
    const pi = nPred[to] ?? 0;
    nSucc[from] = si + 1;
    nPred[to] = pi + 1;
    if (a !== undefined) a.succs[si] = to;
    if (z !== undefined) z.preds[pi] = from;
  }
  return blocks;
}

const NO_NUMBERS: number[] = [];

/** A list of `k` numbers to be filled in (the shared empty list when `k` is 0; it is never written). */
function sized(k: number): number[] {
  return k === 0 ? NO_NUMBERS : new Array<number>(k).fill(0);
}
