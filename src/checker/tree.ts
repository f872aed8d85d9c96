/**
 * Tree index: one walk over the module that every later pass reads.
 *
 * Algorithm: a depth-first walk in source order that fills arrays keyed by
 * node id: the node itself, its parent, the statement it belongs to, the
 * innermost loop that repeats it (a `for` body or a comprehension clause),
 * the innermost `if`/`for` statement that controls it, and whether it may be
 * skipped although its statement runs (a branch of `a if c else b`, the
 * right operand of `and`/`or`, the inside of a comprehension). Loops,
 * calls and `if` statements are also listed in source order.
 */
import type { Call, Comprehension, Expr, For, If, Module, Node, Stmt } from "../syntax/ast.js";
import { forEachChildInEvaluationOrder } from "../syntax/visit.js";

/** A loop: a `for` statement or one `for` clause of a comprehension. */
export type LoopNode = For | Comprehension;

/** Facts about the shape of the tree, keyed by node id. */
export interface TreeIndex {
  readonly module: Module;
  /** Every node by id (holes where the parser skipped an id). */
  readonly nodes: readonly (Node | undefined)[];
  /** Parent node id, -1 for the module. */
  readonly parent: Int32Array;
  /** The statement a node belongs to (itself for a statement), -1 for the module. */
  readonly stmtOf: Int32Array;
  /** The innermost loop repeating the node, -1 when none. */
  readonly loopOf: Int32Array;
  /** For a loop id: how many loops enclose it, plus one. 0 for other ids. */
  readonly loopDepth: Int32Array;
  /** The innermost `if`/`for` statement whose body holds the statement (for statements), -1 when none. */
  readonly controlOf: Int32Array;
  /** 1 when the node may be skipped although its statement runs. */
  readonly maybe: Uint8Array;
  /** 1 for an `if` or `for` statement whose body may leave it early (`break`/`continue`/`return` escaping it). */
  readonly escapes: Uint8Array;
  /** 1 for a `for` whose body holds a `break` for it. */
  readonly hasBreak: Uint8Array;
  /** For `break`/`continue`: the `for` it leaves, -1 when outside a loop. */
  readonly jumpTarget: Int32Array;
  readonly loops: readonly LoopNode[];
  readonly calls: readonly Call[];
  readonly ifs: readonly If[];
  /** Every statement in source order. */
  readonly stmts: readonly Stmt[];
}

/** True for statement nodes. */
export function isStmt(node: Node): node is Stmt {
  switch (node.kind) {
    case "Assign":
    case "AugAssign":
    case "ExprStmt":
    case "For":
    case "If":
    case "Return":
    case "Pass":
    case "Break":
    case "Continue":
      return true;
    case "Attribute":
    case "BinOp":
    case "Bool":
    case "BoolOp":
    case "Call":
    case "Compare":
    case "Comprehension":
    case "Dict":
    case "DictComp":
    case "FString":
    case "IfExp":
    case "List":
    case "ListComp":
    case "Module":
    case "Name":
    case "None":
    case "Number":
    case "Slice":
    case "String":
    case "Subscript":
    case "Tuple":
    case "TupleTarget":
    case "UnaryOp":
    default:
      return false;
  }
}

/** True for a comprehension expression. */
export function isComp(e: Node): e is Extract<Expr, { kind: "ListComp" | "DictComp" }> {
  return e.kind === "ListComp" || e.kind === "DictComp";
}

/** Builds the tree index of `module`. */
export function indexTree(module: Module): TreeIndex {
  const n = Math.max(module.nodeCount, module.id + 1);
  const nodes: (Node | undefined)[] = new Array<Node | undefined>(n).fill(undefined);
  const parent = new Int32Array(n).fill(-1);
  const stmtOf = new Int32Array(n).fill(-1);
  const loopOf = new Int32Array(n).fill(-1);
  const loopDepth = new Int32Array(n);
  const controlOf = new Int32Array(n).fill(-1);
  const maybe = new Uint8Array(n);
  const escapes = new Uint8Array(n);
  const hasBreak = new Uint8Array(n);
  const jumpTarget = new Int32Array(n).fill(-1);
  const loops: LoopNode[] = [];
  const calls: Call[] = [];
  const ifs: If[] = [];
  const stmts: Stmt[] = [];
  /** Open `if`/`for` statements, innermost last, to mark early exits. */
  const controls: (If | For)[] = [];

  const markJump = (jump: Stmt): void => {
    // A `return` leaves every open control statement; `break`/`continue`
    // leave those inside their loop, and the loop itself only on `break`.
    const target = jump.kind === "Return" ? -1 : (jumpTarget[jump.id] ?? -1);
    for (let i = controls.length - 1; i >= 0; i--) {
      const c = controls[i];
      if (c === undefined) continue;
      if (c.id === target) {
        if (jump.kind === "Break") hasBreak[c.id] = 1;
        break;
      }
      escapes[c.id] = 1;
    }
  };

  // The context `visitChild` passes to `visit`: set around each `forEachChildInEvaluationOrder`
  // and restored after it (one callback for the whole walk, no closure per node).
  let cPar = -1;
  let cSt = -1;
  let cLoop = -1;
  let cControl = -1;
  let cMaybe = 0;
  const visitChild = (c: Node): void => visit(c, cPar, cSt, cLoop, cControl, cMaybe);
  const visit = (node: Node, par: number, stmt: number, loop: number, control: number, isMaybe: number): void => {
    if (node.id >= 0 && node.id < n) {
      nodes[node.id] = node;
      parent[node.id] = par;
      loopOf[node.id] = loop;
      maybe[node.id] = isMaybe;
    }
    let st = stmt;
    if (isStmt(node)) {
      st = node.id;
      stmts.push(node);
      controlOf[node.id] = control;
    }
    stmtOf[node.id] = st;
    switch (node.kind) {
      case "For": {
        loops.push(node);
        loopDepth[node.id] = (loop >= 0 ? (loopDepth[loop] ?? 0) : 0) + 1;
        visit(node.target, node.id, st, loop, control, isMaybe);
        visit(node.iter, node.id, st, loop, control, isMaybe);
        controls.push(node);
        for (const s of node.body) visit(s, node.id, st, node.id, node.id, isMaybe);
        controls.pop();
        return;
      }
      case "If": {
        ifs.push(node);
        visit(node.test, node.id, st, loop, control, isMaybe);
        controls.push(node);
        for (const s of node.body) visit(s, node.id, st, loop, node.id, isMaybe);
        for (const s of node.orelse) visit(s, node.id, st, loop, node.id, isMaybe);
        controls.pop();
        return;
      }
      case "Break":
      case "Continue": {
        for (let i = controls.length - 1; i >= 0; i--) {
          const c = controls[i];
          if (c?.kind === "For") {
            jumpTarget[node.id] = c.id;
            break;
          }
        }
        markJump(node);
        return;
      }
      case "Return":
        if (node.value !== undefined) visit(node.value, node.id, st, loop, control, isMaybe);
        markJump(node);
        return;
      case "ListComp":
      case "DictComp": {
        // The first iterable runs once, outside; everything else repeats.
        let inner = loop;
        node.generators.forEach((g, i) => {
          nodes[g.id] = g;
          parent[g.id] = node.id;
          stmtOf[g.id] = st;
          loopOf[g.id] = inner;
          maybe[g.id] = i === 0 ? isMaybe : 1;
          loops.push(g);
          loopDepth[g.id] = (inner >= 0 ? (loopDepth[inner] ?? 0) : 0) + 1;
          visit(g.iter, g.id, st, inner, control, i === 0 ? isMaybe : 1);
          inner = g.id;
          visit(g.target, g.id, st, inner, control, 1);
          for (const c of g.ifs) visit(c, g.id, st, inner, control, 1);
        });
        if (node.kind === "ListComp") visit(node.element, node.id, st, inner, control, 1);
        else {
          visit(node.key, node.id, st, inner, control, 1);
          visit(node.value, node.id, st, inner, control, 1);
        }
        return;
      }
      case "IfExp":
        visit(node.test, node.id, st, loop, control, isMaybe);
        visit(node.body, node.id, st, loop, control, 1);
        visit(node.orelse, node.id, st, loop, control, 1);
        return;
      case "BoolOp":
        visit(node.left, node.id, st, loop, control, isMaybe);
        visit(node.right, node.id, st, loop, control, 1);
        return;
      case "Call":
        calls.push(node);
        break;
      case "Assign":
      case "Attribute":
      case "AugAssign":
      case "BinOp":
      case "Bool":
      case "Compare":
      case "Comprehension":
      case "Dict":
      case "ExprStmt":
      case "FString":
      case "List":
      case "Module":
      case "Name":
      case "None":
      case "Number":
      case "Pass":
      case "Slice":
      case "String":
      case "Subscript":
      case "Tuple":
      case "TupleTarget":
      case "UnaryOp":
      default:
        break;
    }
    const sPar = cPar;
    const sSt = cSt;
    const sLoop = cLoop;
    const sControl = cControl;
    const sMaybe = cMaybe;
    cPar = node.id;
    cSt = st;
    cLoop = loop;
    cControl = control;
    cMaybe = isMaybe;
    forEachChildInEvaluationOrder(node, visitChild);
    cPar = sPar;
    cSt = sSt;
    cLoop = sLoop;
    cControl = sControl;
    cMaybe = sMaybe;
  };
  nodes[module.id] = module;
  for (const s of module.body) visit(s, module.id, -1, -1, -1, 0);
  return {
    module,
    nodes,
    parent,
    stmtOf,
    loopOf,
    loopDepth,
    controlOf,
    maybe,
    escapes,
    hasBreak,
    jumpTarget,
    loops,
    calls,
    ifs,
    stmts,
  };
}

/** The loops enclosing node `id`, innermost first. */
export function enclosingLoops(tree: TreeIndex, id: number): LoopNode[] {
  const out: LoopNode[] = [];
  for (let l = tree.loopOf[id] ?? -1; l >= 0; l = tree.loopOf[l] ?? -1) {
    const node = tree.nodes[l];
    if (node !== undefined && (node.kind === "For" || node.kind === "Comprehension")) out.push(node);
  }
  return out;
}

/** True when node `inner` lies inside the subtree of node `outer`. */
export function isInside(tree: TreeIndex, inner: number, outer: number): boolean {
  for (let p = inner; p >= 0; p = tree.parent[p] ?? -1) if (p === outer) return true;
  return false;
}
