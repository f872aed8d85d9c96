/**
 * Binder: scopes, name resolution and definite assignment.
 *
 * Algorithm. (1) Collect the module's variables: every name assigned at
 * module level (by `=`, `+=` or a `for` target) that is not reserved (an
 * input, a catalog function or a builtin); assigning a reserved name is
 * recorded for `reassign-reserved` and the name keeps its reserved meaning.
 * (2) Resolve every `Name`: a comprehension's targets are local to it and
 * shadow module variables (its first iterable is resolved outside it), then
 * module variables, inputs, catalog functions, builtins; anything else is
 * unknown. Reads and writes of module variables are listed per CFG element.
 * Definite assignment over the CFG lives in `variable-flow.ts`.
 */
import type { Catalog } from "../catalog/types.js";
import type { AssignTarget, Comprehension, Expr, Module, Name, Node, Stmt } from "../syntax/ast.js";
import { assertNever } from "../syntax/ast.js";
import { BUILTINS } from "./builtins.js";
import { EL_FOR_BIND, EL_STMT, elementKind, elementNode } from "./cfg.js";
import { forEachChildInEvaluationOrder as forEachChild } from "../syntax/visit.js";

/** Resolution of a name that is not a variable (variables resolve to their id ≥ 0). */
export const RES_UNKNOWN = -1;
export const RES_INPUT = -2;
export const RES_FUNCTION = -3;
export const RES_BUILTIN = -4;
/** Not a resolved reference (not a `Name`, or a reserved name being assigned). */
export const RES_NONE = -5;

/** A variable: a module-level name or a comprehension target. */
export interface Variable {
  readonly id: number;
  readonly name: string;
  /** The comprehension that owns it, or undefined for a module variable. */
  readonly comprehension: number | undefined;
  /** Target `Name` nodes that assign it, in source order. */
  readonly defs: Name[];
  /** `Name` nodes that read it, in source order. */
  readonly reads: Name[];
}

/** What the binder found. */
export interface Binding {
  readonly variables: readonly Variable[];
  /** Module variables by name. */
  readonly moduleVariables: ReadonlyMap<string, number>;
  /** Per `Name` id: a variable id, or one of the `RES_*` codes. */
  readonly resolution: Int32Array;
  /** Assignments to inputs, catalog functions or builtins (the target names). */
  readonly reservedWrites: readonly Name[];
  /** Per simple statement, `if` (its test) or `for` (its iterable): module-variable reads (`Name` ids). */
  readonly readsOf: readonly (readonly number[] | undefined)[];
  /** Per simple statement: module-variable writes (`Name` ids). */
  readonly writesOf: readonly (readonly number[] | undefined)[];
  /** Per `for`: module variables bound by its target (`Name` ids). */
  readonly bindsOf: readonly (readonly number[] | undefined)[];
}

const EMPTY: readonly number[] = [];

/** What a free name means when it is not a variable. */
export function reservedKind(name: string, catalog: Catalog): number {
  if (catalog.functions.has(name)) return RES_FUNCTION;
  if (catalog.inputs.has(name)) return RES_INPUT;
  if (BUILTINS.has(name)) return RES_BUILTIN;
  return RES_UNKNOWN;
}

interface Scope {
  readonly vars: Map<string, number>;
  readonly parent: Scope | undefined;
}

/** Resolves every name of `module` against `catalog`. */
export function bindModule(module: Module, catalog: Catalog): Binding {
  const n = Math.max(module.nodeCount, module.id + 1);
  const variables: Variable[] = [];
  const moduleVariables = new Map<string, number>();
  const resolution = new Int32Array(n).fill(RES_NONE);
  const reservedWrites: Name[] = [];
  const readsOf: (readonly number[] | undefined)[] = new Array<readonly number[] | undefined>(n);
  const writesOf: (readonly number[] | undefined)[] = new Array<readonly number[] | undefined>(n);
  const bindsOf: (readonly number[] | undefined)[] = new Array<readonly number[] | undefined>(n);

  const newVariable = (name: string, comprehension: number | undefined): number => {
    variables.push({ id: variables.length, name, comprehension, defs: [], reads: [] });
    return variables.length - 1;
  };

  // (1) Module variables, in order of first assignment.
  const declareTarget = (t: AssignTarget): void => {
    switch (t.kind) {
      case "Name":
        if (!moduleVariables.has(t.name) && reservedKind(t.name, catalog) === RES_UNKNOWN) {
          moduleVariables.set(t.name, newVariable(t.name, undefined));
        }
        return;
      case "TupleTarget":
        for (const e of t.elements) declareTarget(e);
        return;
      case "Subscript":
        return;
      default:
        return assertNever(t);
    }
  };
  const declare = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      if (s.kind === "Assign" || s.kind === "AugAssign") declareTarget(s.target);
      else if (s.kind === "For") {
        declareTarget(s.target);
        declare(s.body);
      } else if (s.kind === "If") {
        declare(s.body);
        declare(s.orelse);
      }
    }
  };
  declare(module.body);

  // (2) Resolution.
  /** Scratch: module-variable reads of the statement being resolved. */
  const reads: number[] = [];
  const lookup = (name: string, scope: Scope | undefined): number => {
    for (let s = scope; s !== undefined; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    const m = moduleVariables.get(name);
    return m !== undefined ? m : reservedKind(name, catalog);
  };
  const readName = (e: Name, scope: Scope | undefined): void => {
    const r = lookup(e.name, scope);
    resolution[e.id] = r;
    if (r >= 0) {
      const v = variables[r];
      if (v !== undefined) {
        v.reads.push(e);
        if (v.comprehension === undefined) reads.push(e.id);
      }
    }
  };
  // The scope `exprChild` passes to `expr`: set around each `forEachChild`
  // and restored after it (one callback, no closure per node).
  let childScope: Scope | undefined;
  const exprChild = (c: Node): void => expr(c, childScope);
  const expr = (e: Node, scope: Scope | undefined): void => {
    switch (e.kind) {
      case "Name":
        readName(e, scope);
        return;
      case "ListComp":
      case "DictComp":
        comprehension(e.generators, e.kind === "ListComp" ? [e.element] : [e.key, e.value], e.id, scope);
        return;
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
      case "For":
      case "FString":
      case "If":
      case "IfExp":
      case "List":
      case "Module":
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
      default: {
        const saved = childScope;
        childScope = scope;
        forEachChild(e, exprChild);
        childScope = saved;
      }
    }
  };
  const bindLocal = (t: AssignTarget, scope: Scope, comp: number): void => {
    switch (t.kind) {
      case "Name": {
        if (reservedKind(t.name, catalog) !== RES_UNKNOWN) reservedWrites.push(t);
        const v = newVariable(t.name, comp);
        scope.vars.set(t.name, v);
        resolution[t.id] = v;
        variables[v]?.defs.push(t);
        return;
      }
      case "TupleTarget":
        for (const e of t.elements) bindLocal(e, scope, comp);
        return;
      case "Subscript":
        expr(t, scope);
        return;
      default:
        return assertNever(t);
    }
  };
  const comprehension = (
    generators: readonly Comprehension[],
    results: readonly Expr[],
    comp: number,
    outer: Scope | undefined,
  ): void => {
    const scope: Scope = { vars: new Map(), parent: outer };
    generators.forEach((g, i) => {
      expr(g.iter, i === 0 ? outer : scope);
      bindLocal(g.target, scope, comp);
      for (const c of g.ifs) expr(c, scope);
    });
    for (const r of results) expr(r, scope);
  };
  /** Resolves an assignment target; returns the module-variable `Name` ids it writes. */
  const target = (t: AssignTarget, writes: number[]): void => {
    switch (t.kind) {
      case "Name": {
        const v = moduleVariables.get(t.name);
        if (v === undefined) {
          reservedWrites.push(t);
          return;
        }
        resolution[t.id] = v;
        variables[v]?.defs.push(t);
        writes.push(t.id);
        return;
      }
      case "TupleTarget":
        for (const e of t.elements) target(e, writes);
        return;
      case "Subscript":
        // `d[k] = v` reads `d` (and `k`); it does not (re)bind `d`.
        expr(t, undefined);
        return;
      default:
        return assertNever(t);
    }
  };
  /** `reads` as an exact-size list (the shared empty one when there are none); clears `reads`. */
  const takeReads = (): readonly number[] => {
    const r = reads.length === 0 ? EMPTY : reads.slice();
    reads.length = 0;
    return r;
  };
  /** The writes in the shared scratch `w`, likewise. */
  const w: number[] = [];
  const takeWrites = (): readonly number[] => {
    const r = w.length === 0 ? EMPTY : w.slice();
    w.length = 0;
    return r;
  };
  const stmts = (list: readonly Stmt[]): void => {
    for (const s of list) {
      reads.length = 0;
      switch (s.kind) {
        case "Assign": {
          expr(s.value, undefined);
          target(s.target, w);
          readsOf[s.id] = takeReads();
          writesOf[s.id] = takeWrites();
          break;
        }
        case "AugAssign": {
          expr(s.value, undefined);
          if (s.target.kind === "Name") readName(s.target, undefined);
          target(s.target, w);
          readsOf[s.id] = takeReads();
          writesOf[s.id] = takeWrites();
          break;
        }
        case "ExprStmt":
          expr(s.expr, undefined);
          readsOf[s.id] = takeReads();
          break;
        case "Return":
          if (s.value !== undefined) expr(s.value, undefined);
          readsOf[s.id] = takeReads();
          break;
        case "Pass":
        case "Break":
        case "Continue":
          break;
        case "If":
          expr(s.test, undefined);
          readsOf[s.id] = takeReads();
          stmts(s.body);
          stmts(s.orelse);
          break;
        case "For": {
          expr(s.iter, undefined);
          readsOf[s.id] = takeReads();
          target(s.target, w);
          bindsOf[s.id] = takeWrites();
          stmts(s.body);
          break;
        }
        default:
          assertNever(s);
      }
    }
  };
  stmts(module.body);
  return { variables, moduleVariables, resolution, reservedWrites, readsOf, writesOf, bindsOf };
}

/** Module-variable reads (`Name` ids) of a CFG element. */
export function elementReads(b: Binding, el: number): readonly number[] {
  return elementKind(el) === EL_FOR_BIND ? EMPTY : (b.readsOf[elementNode(el)] ?? EMPTY);
}

/** Module-variable writes (`Name` ids) of a CFG element. */
export function elementWrites(b: Binding, el: number): readonly number[] {
  const k = elementKind(el);
  if (k === EL_FOR_BIND) return b.bindsOf[elementNode(el)] ?? EMPTY;
  return k === EL_STMT ? (b.writesOf[elementNode(el)] ?? EMPTY) : EMPTY;
}

/** A fixed-size bit set over `size` items, as 32-bit words. */
export function bitWords(size: number): number {
  return (size + 31) >>> 5;
}
