/**
 * The printer: canonical source from an AST. Four-space indentation, one
 * statement per line, parentheses only where precedence needs them (tuples
 * always in parentheses), strings in double quotes with escapes, numbers as
 * written (`raw`). `parse(print(m))` gives back `m` up to ids and spans.
 *
 * Quotes inside f-string holes: as in Python 3.11, a hole cannot use the
 * quote kind of an f-string around it (the lexer would end that f-string
 * there), so code in a hole has fewer of the four kinds `"`, `'`, `"""`,
 * `'''` to choose from: inside `"…"` neither `"` nor `"""`, inside
 * `"""…"""` not `"""`, and the same for `'`. Every expression has a mask
 * of the sets of kinds it can be printed with (`printableWith`); an
 * f-string takes the first kind (in the order above) that leaves its holes
 * printable, so nesting that the parser accepted always prints (at most
 * four f-strings deep, as in 3.11). Inside a hole a string takes the first
 * kind that needs no backslash, as 3.11 allows none there; quote characters
 * that would still end a literal around it are escaped. An AST with deeper
 * nesting than the kinds allow (never the parser's) is a programming error:
 * printing it throws.
 */
import { forEachChild } from "./visit.js";
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

/**
 * Writes the canonical source of a module (ends with a newline unless empty).
 *
 * @throws Error if f-strings are nested deeper than Python's four quote kinds allow (see the file comment).
 */
export function print(module: Module): string {
  const lines: string[] = [];
  block(module.body, "", lines);
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

/**
 * Writes one expression in canonical form (as used in messages).
 *
 * @throws Error if f-strings are nested deeper than Python's four quote kinds allow (see the file comment).
 */
export function printExpr(e: Expr): string {
  return expr(e, 0, TOP);
}

/**
 * Writes one statement (and its block) in canonical form, without a final newline.
 *
 * @throws Error if f-strings are nested deeper than Python's four quote kinds allow (see the file comment).
 */
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
      lines.push(`${indent}${target(s.target, true)} = ${expr(s.value, 0, TOP)}`);
      return;
    case "AugAssign":
      lines.push(`${indent}${target(s.target, true)} ${s.op}= ${expr(s.value, 0, TOP)}`);
      return;
    case "ExprStmt":
      lines.push(indent + expr(s.expr, 0, TOP));
      return;
    case "For":
      lines.push(`${indent}for ${target(s.target, true)} in ${expr(s.iter, 0, TOP)}:`);
      block(s.body, indent + "    ", lines);
      return;
    case "If":
      ifChain(s, indent, lines, "if");
      return;
    case "Return":
      lines.push(s.value === undefined ? indent + "return" : `${indent}return ${expr(s.value, 0, TOP)}`);
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
  lines.push(`${indent}${word} ${expr(s.test, 0, TOP)}:`);
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
      return expr(t, 0, TOP);
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

/** Prints `e`, in parentheses when it binds looser than `min`. `q` says which quotes strings may use. */
function expr(e: Expr, min: number, q: Quotes): string {
  const text = bare(e, q);
  return precedence(e) < min ? `(${text})` : text;
}

function list(items: readonly Expr[], q: Quotes): string {
  return items.map((x) => expr(x, 0, q)).join(", ");
}

function bare(e: Expr, q: Quotes): string {
  switch (e.kind) {
    case "Name":
      return e.name;
    case "Number":
      return NUMBER_TEXT.test(e.raw) && Number(e.raw.replace(/_/g, "")) === e.value && /[.eE]/.test(e.raw) === e.isFloat
        ? e.raw
        : numberText(e.value, e.isFloat);
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
function object(e: Expr, q: Quotes): string {
  if (e.kind === "Number") return `(${bare(e, q)})`;
  return expr(e, P_POSTFIX, q);
}

function generators(gs: readonly Comprehension[], q: Quotes): string {
  let s = "";
  for (const g of gs) {
    s += ` for ${target(g.target, true)} in ${expr(g.iter, P_OR, q)}`;
    for (const c of g.ifs) s += ` if ${expr(c, P_OR, q)}`;
  }
  return s;
}

/**
 * A number as the lexer reads it, and not an integer with leading zeros
 * (`007`), which the layout pass rejects as CPython does.
 */
const NUMBER_TEXT =
  /^(?!0[0_]*[1-9][\d_]*$)(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

function numberText(value: number, isFloat: boolean): string {
  if (!Number.isFinite(value)) return value > 0 ? "1e999" : value < 0 ? "-1e999" : "0";
  const s = String(value);
  if (isFloat && /^-?\d+$/.test(s)) return s + ".0";
  return s;
}

// ---------------------------------------------------------------- quotes

/** The four quote kinds, in order of preference; a set of them is a 4-bit mask. */
const KINDS = ['"', "'", '"""', "'''"] as const;
const ALL_KINDS = 0b1111;
/** Kinds a hole cannot use inside an f-string of each kind: `"…"` rules out `"` and `"""`. */
const EXCLUDES = [0b0101, 0b1010, 0b0100, 0b1000] as const;
/** `printableWith` of an expression that holds no string: every set of kinds. */
const ANY_SET = 0xffff;

/** Which quote kinds a literal may use here, and the kinds of the f-strings around it. */
interface Quotes {
  readonly available: number;
  readonly enclosing: number;
}

const TOP: Quotes = { available: ALL_KINDS, enclosing: 0 };

/**
 * The sets of kinds (a 16-bit mask indexed by the 4-bit set) with which `e`
 * can be printed: a string needs one kind; an f-string needs a kind whose
 * exclusions leave its holes printable.
 */
function printableWith(e: Expr): number {
  if (e.kind === "String") return ANY_SET & ~1;
  if (e.kind === "FString") {
    const holes = holesPrintableWith(e.parts);
    let mask = 0;
    for (let set = 1; set <= ALL_KINDS; set++) if (usableKinds(set, holes) !== 0) mask |= 1 << set;
    return mask;
  }
  // Any other expression: what all its children allow (a comprehension's target holds no string).
  let mask = ANY_SET;
  forEachChild(e, (c) => {
    if (mask === 0) return;
    if (c.kind === "Comprehension") {
      mask &= printableWith(c.iter);
      for (const x of c.ifs) mask &= printableWith(x);
    } else mask &= printableWith(c as Expr);
  });
  return mask;
}

function holesPrintableWith(parts: readonly (string | Expr)[]): number {
  let mask = ANY_SET;
  for (const p of parts) if (typeof p !== "string") mask &= printableWith(p);
  return mask;
}

/** The kinds in `set` an f-string may take so that its holes (`holesPrintableWith`) stay printable. */
function usableKinds(set: number, holes: number): number {
  let kinds = 0;
  for (let k = 0; k < KINDS.length; k++)
    if ((set & (1 << k)) !== 0 && (holes & (1 << (set & ~EXCLUDES[k]!))) !== 0) kinds |= 1 << k;
  return kinds;
}

// How a quote character must be escaped inside a literal.
const RAW = 0;
/** Escaped where the next character is the same one (so no run of three forms). */
const IN_RUN = 1;
/** As `IN_RUN`, and also as the last character (it would run into a closing triple quote). */
const IN_RUN_OR_LAST = 2;
const ALWAYS = 3;

/** How `"` (`ch` 0) or `'` (`ch` 1) must be escaped in a literal of kind `k` inside f-strings of kinds `enclosing`. */
function escapeMode(ch: 0 | 1, k: number, enclosing: number): number {
  if (k === ch || (enclosing & (1 << ch)) !== 0) return ALWAYS;
  if (k === ch + 2) return IN_RUN_OR_LAST;
  return (enclosing & (1 << (ch + 2))) !== 0 ? IN_RUN : RAW;
}

/** A string literal with the language's escapes. */
function quote(value: string, q: Quotes): string {
  const k = q.enclosing === 0 ? 0 : literalKind([value], q.available, q.enclosing);
  if (k < 0) throw unprintable();
  return KINDS[k] + escape(value, k, q.enclosing) + KINDS[k];
}

/**
 * The kind for a literal holding `texts` inside f-strings (`enclosing`):
 * the first of `candidates` that needs no backslash for a quote (Python
 * 3.11 allows no backslash in a hole), else the first of them; -1 if none.
 */
function literalKind(texts: readonly string[], candidates: number, enclosing: number): number {
  let first = -1;
  for (let k = 0; k < KINDS.length; k++) {
    if ((candidates & (1 << k)) === 0) continue;
    if (first < 0) first = k;
    if (texts.every((t) => !escapesQuote(t, k, enclosing))) return k;
  }
  return first;
}

/** True when `escape(value, k, enclosing)` would put a backslash before a quote. */
function escapesQuote(value: string, k: number, enclosing: number): boolean {
  const dq = escapeMode(0, k, enclosing);
  const sq = escapeMode(1, k, enclosing);
  if (dq === RAW && sq === RAW) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c === 34 || c === 39) && mustEscape(value, i, c === 34 ? dq : sq)) return true;
  }
  return false;
}

function mustEscape(value: string, i: number, mode: number): boolean {
  if (mode === ALWAYS) return true;
  if (mode === RAW) return false;
  if (value.charCodeAt(i + 1) === value.charCodeAt(i)) return true;
  return mode === IN_RUN_OR_LAST && i === value.length - 1;
}

function escape(value: string, k: number, enclosing: number): string {
  const dq = escapeMode(0, k, enclosing);
  const sq = escapeMode(1, k, enclosing);
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
      if (mustEscape(value, i, c === 34 ? dq : sq)) rep = "\\" + String.fromCharCode(c);
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

function fString(parts: readonly (string | Expr)[], q: Quotes): string {
  const candidates = usableKinds(q.available, holesPrintableWith(parts));
  if (candidates === 0) throw unprintable();
  // At the top level the first kind that works (`"` unless the holes nest
  // deeper); inside a hole, preferably one whose text needs no backslash.
  const texts = q.enclosing === 0 ? [] : parts.filter((p) => typeof p === "string");
  const k = literalKind(texts, candidates, q.enclosing);
  const inner: Quotes = { available: q.available & ~EXCLUDES[k]!, enclosing: q.enclosing | (1 << k) };
  let s = "f" + KINDS[k];
  for (const p of parts) {
    if (typeof p === "string") s += escape(p, k, q.enclosing).replace(/\{/g, "{{").replace(/\}/g, "}}");
    else {
      const hole = expr(p, 0, inner);
      s += hole.startsWith("{") ? `{ ${hole} }` : `{${hole}}`;
    }
  }
  return s + KINDS[k];
}

function unprintable(): Error {
  return new Error(
    "cannot print f-strings nested this deep with strings inside: a hole cannot reuse the quotes of an f-string around it, and there are only four kinds (\" ' \"\"\" ''')",
  );
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
