/**
 * The printer: canonical source from an AST. Four-space indentation, one
 * statement per line, parentheses only where precedence needs them (tuples
 * always in parentheses), strings in double quotes with escapes, numbers as
 * written (`raw`). `parse(print(m))` gives back `m` up to ids and spans.
 */
import {
  assertNever,
  type Comprehension,
  type Expr,
  type Module,
  type Name,
  type Node,
  type Stmt,
  type Subscript,
  type TupleTarget,
} from "./ast.js";

// Binding strength for printing; higher binds tighter.
const P_IFEXP = 1;
const P_OR = 2;
const P_AND = 3;
const P_NOT = 4;
const P_COMPARE = 5;
const P_ADD = 6;
const P_MUL = 7;
const P_UNARY = 8;
const P_POSTFIX = 9;
const P_ATOM = 10;

/** Writes the canonical source of a module (ends with a newline unless empty). */
export function print(module: Module): string {
  const lines: string[] = [];
  block(module.body, "", lines);
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

/** Writes one expression in canonical form (as used in messages). */
export function printExpr(e: Expr): string {
  return expr(e, 0, '"');
}

/** Writes one statement (and its block) in canonical form, without a final newline. */
export function printStmt(s: Stmt): string {
  const lines: string[] = [];
  stmt(s, "", lines);
  return lines.join("\n");
}

function block(body: readonly Stmt[], indent: string, lines: string[]): void {
  if (body.length === 0) lines.push(indent + "pass");
  for (const s of body) stmt(s, indent, lines);
}

function stmt(s: Stmt, indent: string, lines: string[]): void {
  switch (s.kind) {
    case "Assign":
      lines.push(`${indent}${target(s.target, true)} = ${expr(s.value, 0, '"')}`);
      return;
    case "AugAssign":
      lines.push(`${indent}${target(s.target, true)} ${s.op}= ${expr(s.value, 0, '"')}`);
      return;
    case "ExprStmt":
      lines.push(indent + expr(s.expr, 0, '"'));
      return;
    case "For":
      lines.push(`${indent}for ${target(s.target, true)} in ${expr(s.iter, 0, '"')}:`);
      block(s.body, indent + "    ", lines);
      return;
    case "If":
      ifChain(s, indent, lines, "if");
      return;
    case "Return":
      lines.push(s.value === undefined ? indent + "return" : `${indent}return ${expr(s.value, 0, '"')}`);
      return;
    case "Pass":
      lines.push(indent + "pass");
      return;
    case "Break":
      lines.push(indent + "break");
      return;
    case "Continue":
      lines.push(indent + "continue");
      return;
    default:
      assertNever(s);
  }
}

function ifChain(s: Stmt & { kind: "If" }, indent: string, lines: string[], word: "if" | "elif"): void {
  lines.push(`${indent}${word} ${expr(s.test, 0, '"')}:`);
  block(s.body, indent + "    ", lines);
  const orelse = s.orelse;
  if (orelse.length === 0) return;
  const only = orelse[0];
  if (orelse.length === 1 && only !== undefined && only.kind === "If" && only.isElif) {
    ifChain(only, indent, lines, "elif");
    return;
  }
  lines.push(`${indent}else:`);
  block(orelse, indent + "    ", lines);
}

function target(t: Name | Subscript | TupleTarget, top: boolean): string {
  switch (t.kind) {
    case "Name":
      return t.name;
    case "Subscript":
      return expr(t, 0, '"');
    case "TupleTarget": {
      const inner = t.elements.map((e) => target(e, false));
      if (inner.length === 1) return `(${inner[0]},)`;
      return top ? inner.join(", ") : `(${inner.join(", ")})`;
    }
  }
}

function precedence(e: Expr): number {
  switch (e.kind) {
    case "IfExp":
      return P_IFEXP;
    case "BoolOp":
      return e.op === "or" ? P_OR : P_AND;
    case "UnaryOp":
      return e.op === "not" ? P_NOT : P_UNARY;
    case "Compare":
      return P_COMPARE;
    case "BinOp":
      return e.op === "+" || e.op === "-" ? P_ADD : P_MUL;
    case "Call":
    case "Attribute":
    case "Subscript":
    case "Slice":
      return P_POSTFIX;
    case "Name":
    case "Number":
    case "String":
    case "FString":
    case "Bool":
    case "None":
    case "List":
    case "Tuple":
    case "Dict":
    case "ListComp":
    case "DictComp":
      return P_ATOM;
    default:
      return assertNever(e);
  }
}

/** Prints `e`, in parentheses when it binds looser than `min`. `q` is the quote strings must use. */
function expr(e: Expr, min: number, q: string): string {
  const text = bare(e, q);
  return precedence(e) < min ? `(${text})` : text;
}

function list(items: readonly Expr[], q: string): string {
  return items.map((x) => expr(x, 0, q)).join(", ");
}

function bare(e: Expr, q: string): string {
  switch (e.kind) {
    case "Name":
      return e.name;
    case "Number":
      return e.raw !== "" && Number(e.raw.replace(/_/g, "")) === e.value ? e.raw : numberText(e.value, e.isFloat);
    case "String":
      return quote(e.value, q);
    case "FString":
      return fString(e.parts, q);
    case "Bool":
      return e.value ? "True" : "False";
    case "None":
      return "None";
    case "List":
      return `[${list(e.elements, q)}]`;
    case "Tuple":
      if (e.elements.length === 1) return `(${expr(e.elements[0]!, 0, q)},)`;
      return `(${list(e.elements, q)})`;
    case "Dict":
      return `{${e.entries.map((d) => `${expr(d.key, 0, q)}: ${expr(d.value, 0, q)}`).join(", ")}}`;
    case "ListComp":
      return `[${expr(e.element, 0, q)}${generators(e.generators, q)}]`;
    case "DictComp":
      return `{${expr(e.key, 0, q)}: ${expr(e.value, 0, q)}${generators(e.generators, q)}}`;
    case "BinOp": {
      const p = precedence(e);
      return `${expr(e.left, p, q)} ${e.op} ${expr(e.right, p + 1, q)}`;
    }
    case "BoolOp": {
      const p = precedence(e);
      return `${expr(e.left, p, q)} ${e.op} ${expr(e.right, p + 1, q)}`;
    }
    case "Compare":
      return `${expr(e.left, P_COMPARE + 1, q)} ${e.op} ${expr(e.right, P_COMPARE + 1, q)}`;
    case "UnaryOp":
      if (e.op === "not") return `not ${expr(e.operand, P_NOT, q)}`;
      return `${e.op}${expr(e.operand, P_UNARY, q)}`;
    case "IfExp":
      return `${expr(e.body, P_IFEXP + 1, q)} if ${expr(e.test, P_IFEXP + 1, q)} else ${expr(e.orelse, P_IFEXP, q)}`;
    case "Call": {
      const args = [...e.args.map((a) => expr(a, 0, q)), ...e.keywords.map((k) => `${k.name}=${expr(k.value, 0, q)}`)];
      return `${object(e.callee, q)}(${args.join(", ")})`;
    }
    case "Attribute":
      return `${object(e.object, q)}.${e.name}`;
    case "Subscript":
      return `${object(e.object, q)}[${expr(e.index, 0, q)}]`;
    case "Slice":
      return `${object(e.object, q)}[${e.lower === undefined ? "" : expr(e.lower, 0, q)}:${
        e.upper === undefined ? "" : expr(e.upper, 0, q)
      }]`;
    default:
      return assertNever(e);
  }
}

/** The object of a postfix operation; a number needs parentheses (`(1).x`, not `1.x`). */
function object(e: Expr, q: string): string {
  if (e.kind === "Number") return `(${bare(e, q)})`;
  return expr(e, P_POSTFIX, q);
}

function generators(gs: readonly Comprehension[], q: string): string {
  let s = "";
  for (const g of gs) {
    s += ` for ${target(g.target, true)} in ${expr(g.iter, P_OR, q)}`;
    for (const c of g.ifs) s += ` if ${expr(c, P_OR, q)}`;
  }
  return s;
}

function numberText(value: number, isFloat: boolean): string {
  if (!Number.isFinite(value)) return value > 0 ? "1e999" : value < 0 ? "-1e999" : "0";
  const s = String(value);
  if (isFloat && /^-?\d+$/.test(s)) return s + ".0";
  return s;
}

/** A string literal in quote `q`, with the language's escapes. */
function quote(value: string, q: string): string {
  return q + escape(value, q) + q;
}

function escape(value: string, q: string): string {
  let out = "";
  let chunk = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let rep: string | undefined;
    if (c === 92) rep = "\\\\";
    else if (c === 10) rep = "\\n";
    else if (c === 9) rep = "\\t";
    else if (c === 13) rep = "\\r";
    else if (c === 34 || c === 39) {
      // The quote in use is escaped; inside an f-string hole (`q` is `'`)
      // both are, since a `"` would end the f-string around the hole.
      if (c === q.charCodeAt(0) || q === "'") rep = "\\" + String.fromCharCode(c);
    } else if (c < 32 || c === 127 || (c >= 0xd800 && c <= 0xdfff && !isPair(value, i)))
      rep = "\\u" + c.toString(16).padStart(4, "0");
    if (rep !== undefined) {
      out += value.slice(chunk, i) + rep;
      chunk = i + 1;
    }
  }
  return out + value.slice(chunk);
}

/** True when the surrogate at `i` is half of a valid pair. */
function isPair(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c <= 0xdbff) {
    const d = s.charCodeAt(i + 1);
    return d >= 0xdc00 && d <= 0xdfff;
  }
  const b = s.charCodeAt(i - 1);
  return b >= 0xd800 && b <= 0xdbff;
}

function fString(parts: readonly (string | Expr)[], q: string): string {
  const inner = q === '"' ? "'" : '"';
  let s = "f" + q;
  for (const p of parts) {
    if (typeof p === "string") s += escape(p, q).replace(/\{/g, "{{").replace(/\}/g, "}}");
    else {
      const hole = expr(p, 0, inner);
      s += hole.startsWith("{") ? `{ ${hole} }` : `{${hole}}`;
    }
  }
  return s + q;
}

const POSITION_KEYS = new Set(["id", "span", "header", "nameSpan"]);

/**
 * A copy of an AST (or any part of one) without ids and spans, for
 * structural comparison: `expect(stripSpans(a)).toEqual(stripSpans(b))`.
 */
export function stripSpans(node: Node | readonly Node[] | Expr | string | undefined): unknown {
  return strip(node);
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!POSITION_KEYS.has(k)) out[k] = strip(x);
  return out;
}
