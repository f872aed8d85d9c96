/**
 * Shared pieces of diagnostic text: how to name a loop, an `if`, a source
 * of data, a list of names. Rule files build their messages from these so
 * the same thing is always said the same way.
 */
import type { Node } from "../syntax/ast.js";
import type { Span } from "../syntax/span.js";
import { printExpr } from "../syntax/printer.js";
import type { Facts } from "./facts.js";
import type { Source } from "./dataflow.js";

/** The 1-based line a node starts on. */
export function lineOf(node: { readonly span: Span }): number {
  return node.span.start.line;
}

/** The span to underline for a loop or `if`: its header, or the comprehension clause. */
export function headerSpan(node: Node): Span {
  return node.kind === "For" || node.kind === "If" ? node.header : node.span;
}

/** The source text of an expression, shortened for messages. */
export function code(node: Node): string {
  if (node.kind === "Module" || node.kind === "TupleTarget") return "…";
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
    case "Comprehension":
      return "…";
    case "Attribute":
    case "BinOp":
    case "Bool":
    case "BoolOp":
    case "Call":
    case "Compare":
    case "Dict":
    case "DictComp":
    case "FString":
    case "IfExp":
    case "List":
    case "ListComp":
    case "Name":
    case "None":
    case "Number":
    case "Slice":
    case "String":
    case "Subscript":
    case "Tuple":
    case "UnaryOp":
    default: {
      const text = printExpr(node);
      return text.length > 60 ? `${text.slice(0, 57)}…` : text;
    }
  }
}

/** "the loop over `users`" / "the comprehension over `xs`". */
export function loopName(facts: Facts, loopId: number): string {
  const node = facts.tree.nodes[loopId];
  if (node?.kind === "For") return `the loop over \`${code(node.iter)}\``;
  if (node?.kind === "Comprehension") return `the comprehension over \`${code(node.iter)}\``;
  return "the loop";
}

/** "the loop at line 2" / "the comprehension at line 4". */
export function loopAt(facts: Facts, loopId: number): string {
  const node = facts.tree.nodes[loopId];
  if (node === undefined) return "the loop";
  return `${node.kind === "Comprehension" ? "the comprehension" : "the loop"} at line ${lineOf(node)}`;
}

/** Names in backticks joined with "or": `a`, `b` or `c`. */
export function orList(names: readonly string[]): string {
  const q = names.map((n) => `\`${n}\``);
  if (q.length <= 1) return q.join("");
  return `${q.slice(0, -1).join(", ")} or ${q[q.length - 1] ?? ""}`;
}

/** Names in backticks joined with commas. */
export function commaList(names: readonly string[], limit = 10): string {
  const q = names.slice(0, limit).map((n) => `\`${n}\``);
  return names.length > limit ? `${q.join(", ")}, …` : q.join(", ");
}

/** The name a policy uses for a source (a function or an input). */
export function sourceName(s: Source): string {
  return s.kind === "call" ? s.fn : s.name;
}

/** "this `read_email` call" / "the input `users`". */
export function sourcePhrase(s: Source): string {
  return s.kind === "call" ? `this \`${s.fn}\` call` : `the input \`${s.name}\``;
}

/** "1 time" / "3 times". */
export function times(k: number): string {
  return k === 1 ? "1 time" : `${k} times`;
}

/** "1 argument" / "2 arguments". */
export function plural(k: number | string, word: string): string {
  return k === 1 || k === "1" ? `${k} ${word}` : `${k} ${word}s`;
}

/** "up to 20 times" / "an unbounded number of times". */
export function numTimes(max: number): string {
  return max === Infinity ? "an unbounded number of times" : `up to ${times(max)}`;
}
