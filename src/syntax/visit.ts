/**
 * Children of AST nodes in source order: the one place that knows where
 * each node kind keeps its children. Used to number nodes and by passes
 * that need a generic walk.
 */
import { assertNever, type Node } from "./ast.js";

/** Calls `fn` on each direct child of `node`, in source order. */
export function forEachChild(node: Node, fn: (child: Node) => void): void {
  switch (node.kind) {
    case "Module":
      for (const s of node.body) fn(s);
      return;
    case "Assign":
      fn(node.target);
      fn(node.value);
      return;
    case "AugAssign":
      fn(node.target);
      fn(node.value);
      return;
    case "ExprStmt":
      fn(node.expr);
      return;
    case "For":
      fn(node.target);
      fn(node.iter);
      for (const s of node.body) fn(s);
      return;
    case "If":
      fn(node.test);
      for (const s of node.body) fn(s);
      for (const s of node.orelse) fn(s);
      return;
    case "Return":
      if (node.value !== undefined) fn(node.value);
      return;
    case "TupleTarget":
    case "List":
    case "Tuple":
      for (const e of node.elements) fn(e);
      return;
    case "Dict":
      for (const e of node.entries) {
        fn(e.key);
        fn(e.value);
      }
      return;
    case "ListComp":
      fn(node.element);
      for (const g of node.generators) fn(g);
      return;
    case "DictComp":
      fn(node.key);
      fn(node.value);
      for (const g of node.generators) fn(g);
      return;
    case "Comprehension":
      fn(node.target);
      fn(node.iter);
      for (const e of node.ifs) fn(e);
      return;
    case "FString":
      for (const p of node.parts) if (typeof p !== "string") fn(p);
      return;
    case "BinOp":
    case "BoolOp":
    case "Compare":
      fn(node.left);
      fn(node.right);
      return;
    case "UnaryOp":
      fn(node.operand);
      return;
    case "IfExp":
      fn(node.body);
      fn(node.test);
      fn(node.orelse);
      return;
    case "Call":
      fn(node.callee);
      for (const a of node.args) fn(a);
      for (const k of node.keywords) fn(k.value);
      return;
    case "Attribute":
      fn(node.object);
      return;
    case "Subscript":
      fn(node.object);
      fn(node.index);
      return;
    case "Slice":
      fn(node.object);
      if (node.lower !== undefined) fn(node.lower);
      if (node.upper !== undefined) fn(node.upper);
      return;
    case "Name":
    case "Number":
    case "String":
    case "Bool":
    case "None":
    case "Pass":
    case "Break":
    case "Continue":
      return;
    default:
      assertNever(node);
  }
}

/**
 * Like `forEachChild`, but in evaluation order: a comprehension's `for`
 * clauses come before its element (they bind the names the element reads).
 * Passes that bind names or nest loops walk in this order.
 */
export function forEachChildInEvaluationOrder(node: Node, fn: (child: Node) => void): void {
  if (node.kind === "ListComp" || node.kind === "DictComp") {
    for (const g of node.generators) fn(g);
    if (node.kind === "ListComp") fn(node.element);
    else {
      fn(node.key);
      fn(node.value);
    }
  } else forEachChild(node, fn);
}
