/**
 * The Partwise abstract syntax tree: a readonly union on `kind`, every node
 * with a dense numeric `id` (0..nodeCount-1 in parse order, so later passes
 * keep facts in arrays keyed by id) and a `span`. No pass writes into it.
 */
import type { Span } from "./span.js";

interface NodeBase {
  /** Dense per-module id, assigned in source order by the parser. */
  readonly id: number;
  readonly span: Span;
}

// ---------------------------------------------------------------- module

/** One `.pw` file. */
export interface Module extends NodeBase {
  readonly kind: "Module";
  readonly file: string;
  readonly body: readonly Stmt[];
  /** One more than the largest node id in this module. */
  readonly nodeCount: number;
}

// ---------------------------------------------------------------- statements

export type Stmt = Assign | AugAssign | ExprStmt | For | If | Return | Pass | Break | Continue;

/** Where an assignment or a `for` may store: a name, an item, or names to unpack. */
export type AssignTarget = Name | Subscript | TupleTarget;

/** `a, b` or `(a, b)` or `[a, b]` on the left of `=` or in a `for` header. */
export interface TupleTarget extends NodeBase {
  readonly kind: "TupleTarget";
  readonly elements: readonly AssignTarget[];
}

/** `target = value`. */
export interface Assign extends NodeBase {
  readonly kind: "Assign";
  readonly target: AssignTarget;
  readonly value: Expr;
}

/** `target += value` (also `-=`, `*=`). */
export interface AugAssign extends NodeBase {
  readonly kind: "AugAssign";
  readonly target: Name | Subscript;
  readonly op: "+" | "-" | "*";
  readonly value: Expr;
}

/** An expression evaluated for its effect, normally a call. */
export interface ExprStmt extends NodeBase {
  readonly kind: "ExprStmt";
  readonly expr: Expr;
}

/** `for target in iter:` block. `header` spans `for … :` only. */
export interface For extends NodeBase {
  readonly kind: "For";
  readonly target: Name | TupleTarget;
  readonly iter: Expr;
  readonly body: readonly Stmt[];
  readonly header: Span;
}

/**
 * `if test:` block, with `elif`/`else`. An `elif` is an `If` alone in
 * `orelse` with `isElif` set, so the printer can write it back.
 */
export interface If extends NodeBase {
  readonly kind: "If";
  readonly test: Expr;
  readonly body: readonly Stmt[];
  readonly orelse: readonly Stmt[];
  readonly isElif: boolean;
  readonly header: Span;
}

/** `return` or `return value`. */
export interface Return extends NodeBase {
  readonly kind: "Return";
  readonly value: Expr | undefined;
}

export interface Pass extends NodeBase {
  readonly kind: "Pass";
}
export interface Break extends NodeBase {
  readonly kind: "Break";
}
export interface Continue extends NodeBase {
  readonly kind: "Continue";
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | Name
  | NumberLit
  | StringLit
  | FString
  | BoolLit
  | NoneLit
  | ListExpr
  | TupleExpr
  | DictExpr
  | ListComp
  | DictComp
  | BinOp
  | BoolOp
  | UnaryOp
  | Compare
  | IfExp
  | Call
  | Attribute
  | Subscript
  | Slice;

export interface Name extends NodeBase {
  readonly kind: "Name";
  readonly name: string;
}

/** An integer or float literal; `raw` is the source text (`1`, `1.0`, `1e3`). */
export interface NumberLit extends NodeBase {
  readonly kind: "Number";
  readonly value: number;
  readonly isFloat: boolean;
  readonly raw: string;
}

/** A string literal, escapes already decoded. */
export interface StringLit extends NodeBase {
  readonly kind: "String";
  readonly value: string;
}

/** `f"…{expr}…"`: literal text and holes, in order. */
export interface FString extends NodeBase {
  readonly kind: "FString";
  readonly parts: readonly (string | Expr)[];
}

export interface BoolLit extends NodeBase {
  readonly kind: "Bool";
  readonly value: boolean;
}

export interface NoneLit extends NodeBase {
  readonly kind: "None";
}

export interface ListExpr extends NodeBase {
  readonly kind: "List";
  readonly elements: readonly Expr[];
}

export interface TupleExpr extends NodeBase {
  readonly kind: "Tuple";
  readonly elements: readonly Expr[];
}

export interface DictEntry {
  readonly key: Expr;
  readonly value: Expr;
}

export interface DictExpr extends NodeBase {
  readonly kind: "Dict";
  readonly entries: readonly DictEntry[];
}

/** One `for target in iter if cond…` clause of a comprehension. */
export interface Comprehension extends NodeBase {
  readonly kind: "Comprehension";
  readonly target: Name | TupleTarget;
  readonly iter: Expr;
  readonly ifs: readonly Expr[];
}

/** `[element for … in … if …]`. */
export interface ListComp extends NodeBase {
  readonly kind: "ListComp";
  readonly element: Expr;
  readonly generators: readonly Comprehension[];
}

/** `{key: value for … in … if …}`. */
export interface DictComp extends NodeBase {
  readonly kind: "DictComp";
  readonly key: Expr;
  readonly value: Expr;
  readonly generators: readonly Comprehension[];
}

export type BinaryOperator = "+" | "-" | "*" | "/" | "//" | "%";

export interface BinOp extends NodeBase {
  readonly kind: "BinOp";
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
}

export interface BoolOp extends NodeBase {
  readonly kind: "BoolOp";
  readonly op: "and" | "or";
  readonly left: Expr;
  readonly right: Expr;
}

export interface UnaryOp extends NodeBase {
  readonly kind: "UnaryOp";
  readonly op: "-" | "+" | "not";
  readonly operand: Expr;
}

export type CompareOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in";

/** One comparison; the language does not chain them. */
export interface Compare extends NodeBase {
  readonly kind: "Compare";
  readonly op: CompareOperator;
  readonly left: Expr;
  readonly right: Expr;
}

/** `body if test else orelse`. */
export interface IfExp extends NodeBase {
  readonly kind: "IfExp";
  readonly test: Expr;
  readonly body: Expr;
  readonly orelse: Expr;
}

export interface Keyword {
  readonly name: string;
  readonly nameSpan: Span;
  readonly value: Expr;
}

/** `callee(args, name=value)`. A method call has an `Attribute` callee. */
export interface Call extends NodeBase {
  readonly kind: "Call";
  readonly callee: Expr;
  readonly args: readonly Expr[];
  readonly keywords: readonly Keyword[];
}

/** `object.name`: a record field, or a method when it is a callee. */
export interface Attribute extends NodeBase {
  readonly kind: "Attribute";
  readonly object: Expr;
  readonly name: string;
  readonly nameSpan: Span;
}

/** `object[index]`. */
export interface Subscript extends NodeBase {
  readonly kind: "Subscript";
  readonly object: Expr;
  readonly index: Expr;
}

/** `object[lower:upper]` (no step). */
export interface Slice extends NodeBase {
  readonly kind: "Slice";
  readonly object: Expr;
  readonly lower: Expr | undefined;
  readonly upper: Expr | undefined;
}

export type Node = Module | Stmt | Expr | TupleTarget | Comprehension;

/** For exhaustive switches: a new node kind is a compile error where unhandled. */
export function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
