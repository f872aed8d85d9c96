/**
 * Structural features of a composition, the axes `partwise p2c` breaks its
 * numbers down by: loop depth, shape, effectful call sites and glue
 * operations. One pure walk over the readonly AST; nothing is stored on it.
 *
 * - `loopDepth`: deepest nesting of `for` loops and comprehension clauses.
 * - `shape`: `sequence` (no loops, branches, conditional expressions or
 *   comprehensions), else `tree` when every variable holding a catalog
 *   result is read at most once (syntactically) and no catalog call feeds
 *   two consumers, else `dag`. This is a syntactic approximation of the
 *   checker's `shape` rule, good enough to group compositions.
 * - `effectCalls`: call sites of catalog functions with an `@effect`.
 * - `catalogCalls`: call sites of catalog functions.
 * - `glueOps`: operations outside catalog calls: operators, comparisons,
 *   conditional expressions, subscripts, slices, field reads, builtin and
 *   method calls, container and f-string constructions, comprehensions,
 *   augmented and item assignments.
 */
import type { Catalog } from "../catalog/types.js";
import {
  assertNever,
  type AssignTarget,
  type Comprehension,
  type Expr,
  type Module,
  type Stmt,
  type TupleTarget,
} from "../syntax/ast.js";

/** What `p2c` groups by. */
export interface CompositionFeatures {
  readonly loopDepth: number;
  readonly shape: "sequence" | "tree" | "dag";
  readonly effectCalls: number;
  readonly catalogCalls: number;
  readonly glueOps: number;
}

/** Computes the features of a parsed composition against a catalog. */
export function compositionFeatures(module: Module, catalog: Catalog): CompositionFeatures {
  let maxDepth = 0;
  let branching = false;
  let effectCalls = 0;
  let catalogCalls = 0;
  let glueOps = 0;
  /** Variables that hold a catalog result, and how often each is read. */
  const holders = new Set<string>();
  const reads = new Map<string, number>();

  const isCatalogCall = (e: Expr): boolean =>
    e.kind === "Call" && e.callee.kind === "Name" && catalog.functions.has(e.callee.name);

  const target = (t: AssignTarget | TupleTarget, depth: number, value: Expr | undefined): void => {
    switch (t.kind) {
      case "Name":
        if (value !== undefined && isCatalogCall(value)) holders.add(t.name);
        return;
      case "Subscript":
        glueOps++;
        expr(t.index, depth);
        // `d[k] = f(x)` stores a catalog result into `d`.
        if (t.object.kind === "Name") {
          if (value !== undefined && isCatalogCall(value)) holders.add(t.object.name);
        } else {
          expr(t.object, depth);
        }
        return;
      case "TupleTarget":
        t.elements.forEach((e) => target(e, depth, undefined));
        return;
      default:
        return assertNever(t);
    }
  };

  /** Walks comprehension clauses; returns the loop depth of the element. */
  const generators = (gens: readonly Comprehension[], depth: number): number => {
    let d = depth;
    for (const g of gens) {
      expr(g.iter, d);
      d++;
      maxDepth = Math.max(maxDepth, d);
      target(g.target, d, undefined);
      g.ifs.forEach((c) => expr(c, d));
    }
    glueOps++;
    branching = true;
    return d;
  };

  const expr = (e: Expr, depth: number): void => {
    switch (e.kind) {
      case "Name":
        reads.set(e.name, (reads.get(e.name) ?? 0) + 1);
        return;
      case "Number":
      case "String":
      case "Bool":
      case "None":
        return;
      case "FString":
        glueOps++;
        for (const p of e.parts) if (typeof p !== "string") expr(p, depth);
        return;
      case "List":
      case "Tuple":
        glueOps++;
        e.elements.forEach((x) => expr(x, depth));
        return;
      case "Dict":
        glueOps++;
        for (const en of e.entries) {
          expr(en.key, depth);
          expr(en.value, depth);
        }
        return;
      case "ListComp":
        expr(e.element, generators(e.generators, depth));
        return;
      case "DictComp": {
        const d = generators(e.generators, depth);
        expr(e.key, d);
        expr(e.value, d);
        return;
      }
      case "BinOp":
      case "BoolOp":
      case "Compare":
        glueOps++;
        expr(e.left, depth);
        expr(e.right, depth);
        return;
      case "UnaryOp":
        glueOps++;
        expr(e.operand, depth);
        return;
      case "IfExp":
        glueOps++;
        branching = true;
        expr(e.test, depth);
        expr(e.body, depth);
        expr(e.orelse, depth);
        return;
      case "Call": {
        if (e.callee.kind === "Name") {
          const fn = catalog.functions.get(e.callee.name);
          if (fn !== undefined) {
            catalogCalls++;
            if (fn.effect !== undefined) effectCalls++;
          } else {
            glueOps++;
          }
        } else if (e.callee.kind === "Attribute") {
          glueOps++; // a method call
          expr(e.callee.object, depth);
        } else {
          glueOps++;
          expr(e.callee, depth);
        }
        e.args.forEach((a) => expr(a, depth));
        e.keywords.forEach((k) => expr(k.value, depth));
        return;
      }
      case "Attribute":
        glueOps++;
        expr(e.object, depth);
        return;
      case "Subscript":
        glueOps++;
        expr(e.object, depth);
        expr(e.index, depth);
        return;
      case "Slice":
        glueOps++;
        expr(e.object, depth);
        if (e.lower !== undefined) expr(e.lower, depth);
        if (e.upper !== undefined) expr(e.upper, depth);
        return;
      default:
        return assertNever(e);
    }
  };

  const stmts = (body: readonly Stmt[], depth: number): void => {
    for (const s of body) stmt(s, depth);
  };

  const stmt = (s: Stmt, depth: number): void => {
    switch (s.kind) {
      case "Assign":
        expr(s.value, depth);
        target(s.target, depth, s.value);
        return;
      case "AugAssign":
        glueOps++;
        expr(s.value, depth);
        if (s.target.kind === "Name") reads.set(s.target.name, (reads.get(s.target.name) ?? 0) + 1);
        else target(s.target, depth, undefined);
        return;
      case "ExprStmt":
        expr(s.expr, depth);
        return;
      case "For":
        branching = true;
        expr(s.iter, depth);
        maxDepth = Math.max(maxDepth, depth + 1);
        target(s.target, depth + 1, undefined);
        stmts(s.body, depth + 1);
        return;
      case "If":
        branching = true;
        expr(s.test, depth);
        stmts(s.body, depth);
        stmts(s.orelse, depth);
        return;
      case "Return":
        if (s.value !== undefined) expr(s.value, depth);
        return;
      case "Pass":
      case "Break":
      case "Continue":
        return;
      default:
        return assertNever(s);
    }
  };

  stmts(module.body, 0);
  const shared = [...holders].some((h) => (reads.get(h) ?? 0) > 1);
  return {
    loopDepth: maxDepth,
    shape: !branching ? "sequence" : shared ? "dag" : "tree",
    effectCalls,
    catalogCalls,
    glueOps,
  };
}
