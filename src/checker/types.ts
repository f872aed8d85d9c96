/**
 * Type inference and call checking over catalog types.
 *
 * Algorithm: a flow-insensitive inference. Each variable's type is the join
 * of the types of everything assigned to it; expression types follow from
 * their parts (literals, catalog signatures, builtin and method tables,
 * record fields), with `any` wherever nothing is known. Passes over the
 * module repeat until no variable's type changes (loops can carry a type
 * backwards); after four passes the still-changing variables become `any`.
 * The last pass classifies every call (catalog function, builtin, method,
 * unknown), binds arguments to parameters and records findings for
 * `unknown-function`, `bad-call` and `type-mismatch`. Only a value that can
 * never match its declared type is a mismatch.
 */
import type { Catalog, CatalogFunction, Param, Type } from "../catalog/types.js";
import type { Span } from "../syntax/span.js";
import type { AssignTarget, Attribute, Call, Expr, Name, Node, Stmt } from "../syntax/ast.js";
import { assertNever } from "../syntax/ast.js";
import { suggest } from "../util/suggest.js";
import type { Binding } from "./binder.js";
import { RES_BUILTIN, RES_FUNCTION, RES_INPUT, RES_UNKNOWN } from "./binder.js";
import type { MethodReceiver, Signature } from "./builtins.js";
import {
  ALL_METHOD_NAMES,
  ANY,
  BOOLEAN,
  BUILTINS,
  METHODS,
  NULL,
  NUMBER,
  STRING,
  dictOf,
  elementOf,
  listOf,
  receiversOf,
} from "./builtins.js";
import type { TreeIndex } from "./tree.js";
import { canMatch, joinTypes, typeKey, typeText, widenLiteral } from "./type-utils.js";

/** What a call calls. */
export type CallTarget =
  | { readonly kind: "catalog"; readonly fn: CatalogFunction }
  | { readonly kind: "builtin"; readonly sig: Signature }
  | { readonly kind: "method"; readonly name: string; readonly sig: Signature }
  | { readonly kind: "unknown" };

/** One argument of a catalog call bound to its parameter. */
export interface BoundArg {
  readonly param: Param;
  readonly expr: Expr;
}

/** A problem found while typing, turned into a diagnostic by its rule. */
export type TypeFinding =
  | {
      readonly kind: "unknown-function";
      readonly span: Span;
      readonly name: string;
      /** Why: not found; a variable, input or other value called; a method missing on a known receiver. */
      readonly reason: "not-found" | "variable" | "input" | "not-callable" | "no-method";
      readonly receiver: Type | undefined;
      readonly suggestion: string | undefined;
    }
  | {
      readonly kind: "bad-call";
      readonly span: Span;
      readonly fn: string;
      readonly problem: "too-many" | "missing" | "unknown-keyword" | "duplicate" | "no-keywords" | "too-few";
      readonly detail: string;
      readonly expected: string;
      readonly suggestion: string | undefined;
    }
  | {
      readonly kind: "type-mismatch";
      readonly span: Span;
      readonly actual: Type;
      readonly expected: Type | undefined;
      /** What needs the type ("argument `restaurant` of `book_table`", "a `for` loop"). */
      readonly where: string;
      readonly problem: "argument" | "not-iterable" | "no-field" | "not-record";
      readonly field: string | undefined;
      readonly suggestion: string | undefined;
    };

/** The results of type inference. */
export interface TypeFacts {
  /** Per expression id: its type (undefined for non-expressions). */
  readonly typeOf: readonly (Type | undefined)[];
  /** Per variable id. */
  readonly variableType: readonly Type[];
  /** Per `Call` id. */
  readonly callTarget: readonly (CallTarget | undefined)[];
  /** Per catalog `Call` id: its arguments bound to parameters. */
  readonly callArgs: readonly (readonly BoundArg[] | undefined)[];
  readonly findings: readonly TypeFinding[];
}

const UNKNOWN: CallTarget = { kind: "unknown" };
/** Builtins that iterate their arguments (a number or record can never be one). */
const CONSUMES: ReadonlySet<string> = new Set([
  "len",
  "sorted",
  "reversed",
  "enumerate",
  "sum",
  "any",
  "all",
  "list",
  "zip",
]);
const MAX_PASSES = 4;

/** Infers types and checks calls. */
export function inferTypes(tree: TreeIndex, binding: Binding, catalog: Catalog): TypeFacts {
  const n = tree.nodes.length;
  const nv = binding.variables.length;
  let varType: (Type | undefined)[] = new Array<Type | undefined>(nv).fill(undefined);
  let typeOf: (Type | undefined)[] = new Array<Type | undefined>(n);
  const callTarget: (CallTarget | undefined)[] = new Array<CallTarget | undefined>(n);
  const callArgs: (readonly BoundArg[] | undefined)[] = new Array<readonly BoundArg[] | undefined>(n);
  let findings: TypeFinding[] = [];
  const res = binding.resolution;
  const catalogNames = [...catalog.functions.keys()];
  const calleeNames = [...catalogNames, ...BUILTINS.keys()];

  /** Variables read so far in this pass; a later change to one of them means another pass. */
  const readInPass = new Uint8Array(nv);
  let unsettled = false;
  const setVar = (v: number, t: Type): void => {
    const prev = varType[v];
    const next = joinTypes(prev, t);
    if (next !== prev && (prev === undefined || typeKey(prev) !== typeKey(next))) {
      varType[v] = next;
      if (readInPass[v] === 1) unsettled = true;
    }
  };
  const readVar = (v: number): Type => {
    readInPass[v] = 1;
    return varType[v] ?? ANY;
  };

  const nameType = (e: Name): Type => {
    const r = res[e.id] ?? RES_UNKNOWN;
    if (r >= 0) return readVar(r);
    if (r === RES_INPUT) return catalog.inputs.get(e.name)?.type ?? ANY;
    return ANY;
  };

  const bindTarget = (t: AssignTarget, vt: Type): void => {
    switch (t.kind) {
      case "Name": {
        const r = res[t.id] ?? RES_UNKNOWN;
        if (r >= 0) setVar(r, vt);
        typeOf[t.id] = vt;
        return;
      }
      case "TupleTarget": {
        const el = elementOf(vt);
        for (const e of t.elements) bindTarget(e, el);
        return;
      }
      case "Subscript":
        type(t);
        return;
      default:
        return assertNever(t);
    }
  };

  const iterable = (e: Expr, where: string): Type => {
    const t = type(e);
    {
      const w = widenLiteral(t);
      if (
        w.kind === "number" ||
        w.kind === "boolean" ||
        w.kind === "null" ||
        w.kind === "record" ||
        w.kind === "string"
      ) {
        findings.push({
          kind: "type-mismatch",
          span: e.span,
          actual: t,
          expected: undefined,
          where,
          problem: "not-iterable",
          field: undefined,
          suggestion: undefined,
        });
      }
    }
    return elementOf(t);
  };

  const field = (e: Attribute): Type => {
    const obj = type(e.object);
    const look = (t: Type): Type | undefined => {
      if (t.kind === "any") return ANY;
      if (t.kind === "record") return t.fields[e.name]?.type;
      if (t.kind === "union") {
        let acc: Type | undefined;
        for (const m of t.types) {
          const f = look(m);
          if (f !== undefined) acc = joinTypes(acc, f);
        }
        return acc;
      }
      return undefined;
    };
    const found = look(obj);
    if (found !== undefined) return found;
    {
      const isRecord = obj.kind === "record" || (obj.kind === "union" && obj.types.some((m) => m.kind === "record"));
      const names = obj.kind === "record" ? Object.keys(obj.fields) : [];
      findings.push({
        kind: "type-mismatch",
        span: e.nameSpan,
        actual: obj,
        expected: undefined,
        where: `\`.${e.name}\``,
        problem: isRecord ? "no-field" : "not-record",
        field: e.name,
        suggestion: suggest(e.name, names),
      });
    }
    return ANY;
  };

  const checkArity = (node: Call, sig: Signature, label: string): void => {
    const nargs = node.args.length;
    const expected =
      sig.maxArgs === Infinity
        ? `at least ${sig.minArgs}`
        : sig.minArgs === sig.maxArgs
          ? `${sig.minArgs}`
          : `${sig.minArgs} to ${sig.maxArgs}`;
    if (nargs > sig.maxArgs) {
      findings.push(badCall(node.args[sig.maxArgs]?.span ?? node.span, label, "too-many", String(nargs), expected));
    } else if (nargs < sig.minArgs) {
      findings.push(badCall(node.span, label, "too-few", String(nargs), expected));
    }
    const seen = new Set<string>();
    for (const k of node.keywords) {
      if (seen.has(k.name)) {
        findings.push(badCall(k.nameSpan, label, "duplicate", k.name, ""));
      } else if (!sig.keywords.includes("*") && !sig.keywords.includes(k.name)) {
        findings.push(
          sig.keywords.length === 0
            ? badCall(k.nameSpan, label, "no-keywords", k.name, "")
            : badCall(
                k.nameSpan,
                label,
                "unknown-keyword",
                k.name,
                sig.keywords.join(", "),
                suggest(k.name, sig.keywords),
              ),
        );
      }
      seen.add(k.name);
    }
  };

  const catalogCall = (node: Call, fn: CatalogFunction): void => {
    const params = fn.params;
    const bound: (Expr | undefined)[] = new Array<Expr | undefined>(params.length).fill(undefined);
    const expected = `${params.length}`;
    node.args.forEach((a, i) => {
      if (i < params.length) bound[i] = a;
      else if (i === params.length) {
        findings.push(badCall(a.span, fn.name, "too-many", String(node.args.length), expected));
      }
    });
    for (const k of node.keywords) {
      const idx = params.findIndex((p) => p.name === k.name);
      if (idx < 0) {
        findings.push(
          badCall(
            k.nameSpan,
            fn.name,
            "unknown-keyword",
            k.name,
            params.map((p) => p.name).join(", "),
            suggest(
              k.name,
              params.map((p) => p.name),
            ),
          ),
        );
      } else if (bound[idx] !== undefined) {
        findings.push(badCall(k.nameSpan, fn.name, "duplicate", k.name, ""));
      } else bound[idx] = k.value;
    }
    const args: BoundArg[] = [];
    // A misspelt keyword already explains the missing parameter it was meant for.
    const unknownKeywords = node.keywords.filter((k) => !params.some((p) => p.name === k.name)).length;
    let missing = 0;
    params.forEach((p, i) => {
      const e = bound[i];
      if (e === undefined) {
        if (!p.optional && ++missing > unknownKeywords)
          findings.push(badCall(node.span, fn.name, "missing", p.name, ""));
        return;
      }
      args.push({ param: p, expr: e });
      const t = typeOf[e.id] ?? ANY;
      if (!canMatch(t, p.type)) {
        findings.push({
          kind: "type-mismatch",
          span: e.span,
          actual: t,
          expected: p.type,
          where: `argument \`${p.name}\` of \`${fn.name}\``,
          problem: "argument",
          field: undefined,
          suggestion: undefined,
        });
      }
    });
    callArgs[node.id] = args;
  };

  const call = (node: Call): Type => {
    const argTypes = node.args.map(type);
    for (const k of node.keywords) type(k.value);
    const callee = node.callee;
    let target: CallTarget = UNKNOWN;
    let result: Type = ANY;
    if (callee.kind === "Name") {
      const r = res[callee.id] ?? RES_UNKNOWN;
      if (r === RES_FUNCTION) {
        const fn = catalog.functions.get(callee.name);
        if (fn !== undefined) {
          target = { kind: "catalog", fn };
          result = fn.returns;
          catalogCall(node, fn);
        }
      } else if (r === RES_BUILTIN) {
        const sig = BUILTINS.get(callee.name);
        if (sig !== undefined) {
          target = { kind: "builtin", sig };
          result = sig.returns(argTypes, ANY);
          {
            checkArity(node, sig, callee.name);
            if (callee.name !== "print" && callee.name !== "str" && callee.name !== "bool") {
              if (
                CONSUMES.has(callee.name) ||
                ((callee.name === "min" || callee.name === "max") && node.args.length === 1)
              ) {
                node.args.forEach((a, i) => {
                  const t = widenLiteral(argTypes[i] ?? ANY);
                  if (t.kind === "number" || t.kind === "boolean" || t.kind === "null" || t.kind === "record") {
                    findings.push({
                      kind: "type-mismatch",
                      span: a.span,
                      actual: t,
                      expected: undefined,
                      where: `\`${callee.name}\``,
                      problem: "not-iterable",
                      field: undefined,
                      suggestion: undefined,
                    });
                  }
                });
              }
            }
          }
        }
      } else {
        findings.push({
          kind: "unknown-function",
          span: callee.span,
          name: callee.name,
          reason: r >= 0 ? "variable" : r === RES_INPUT ? "input" : "not-found",
          receiver: undefined,
          suggestion: r === RES_UNKNOWN ? suggest(callee.name, calleeNames) : undefined,
        });
      }
    } else if (callee.kind === "Attribute") {
      const recv = type(callee.object);
      const found = method(recv, callee.name);
      if (found !== undefined) {
        target = { kind: "method", name: callee.name, sig: found.sig };
        result = found.sig.returns(argTypes, found.receiver);
        checkArity(node, found.sig, `.${callee.name}`);
      } else {
        const kinds = receiverKinds(recv);
        const pool = kinds === undefined ? ALL_METHOD_NAMES : kinds.flatMap((k) => [...METHODS[k].keys()]);
        findings.push({
          kind: "unknown-function",
          span: callee.nameSpan,
          name: callee.name,
          reason: kinds === undefined ? "not-found" : "no-method",
          receiver: kinds === undefined ? undefined : recv,
          suggestion: suggest(callee.name, pool),
        });
      }
    } else {
      type(callee);
      {
        findings.push({
          kind: "unknown-function",
          span: callee.span,
          name: "",
          reason: "not-callable",
          receiver: undefined,
          suggestion: undefined,
        });
      }
    }
    callTarget[node.id] = target;
    return result;
  };

  const comprehension = (e: Extract<Expr, { kind: "ListComp" | "DictComp" }>): Type => {
    for (const g of e.generators) {
      bindTarget(g.target, iterable(g.iter, "a comprehension"));
      for (const c of g.ifs) type(c);
    }
    if (e.kind === "ListComp") return listOf(widenLiteral(type(e.element)));
    type(e.key);
    return dictOf(widenLiteral(type(e.value)));
  };

  const type = (e: Expr | AssignTarget): Type => {
    const t = compute(e);
    typeOf[e.id] = t;
    return t;
  };
  const compute = (e: Expr | AssignTarget): Type => {
    switch (e.kind) {
      case "Name":
        return nameType(e);
      case "Number":
        return NUMBER;
      case "String":
        return { kind: "literal", value: e.value };
      case "FString":
        for (const p of e.parts) if (typeof p !== "string") type(p);
        return STRING;
      case "Bool":
        return BOOLEAN;
      case "None":
        return NULL;
      case "List":
      case "Tuple":
      case "TupleTarget": {
        let acc: Type | undefined;
        for (const x of e.elements) acc = joinTypes(acc, widenLiteral(type(x)));
        return listOf(acc ?? ANY);
      }
      case "Dict": {
        let acc: Type | undefined;
        for (const en of e.entries) {
          type(en.key);
          acc = joinTypes(acc, widenLiteral(type(en.value)));
        }
        return dictOf(acc ?? ANY);
      }
      case "ListComp":
      case "DictComp":
        return comprehension(e);
      case "BinOp": {
        const l = widenLiteral(type(e.left));
        const r = widenLiteral(type(e.right));
        if (l.kind === "number" && r.kind === "number") return NUMBER;
        if (e.op === "+" && l.kind === "string" && r.kind === "string") return STRING;
        if (e.op === "+" && l.kind === "list" && r.kind === "list") return listOf(joinTypes(l.element, r.element));
        if (
          e.op === "*" &&
          ((l.kind === "string" && r.kind === "number") || (r.kind === "string" && l.kind === "number"))
        )
          return STRING;
        return ANY;
      }
      case "BoolOp":
        return joinTypes(type(e.left), type(e.right));
      case "UnaryOp":
        type(e.operand);
        return e.op === "not" ? BOOLEAN : NUMBER;
      case "Compare":
        type(e.left);
        type(e.right);
        return BOOLEAN;
      case "IfExp":
        type(e.test);
        return joinTypes(type(e.body), type(e.orelse));
      case "Call":
        return call(e);
      case "Attribute":
        return field(e);
      case "Subscript": {
        const o = type(e.object);
        const i = type(e.index);
        switch (o.kind) {
          case "list":
            return o.element;
          case "dict":
            return o.value;
          case "string":
          case "literal":
            return typeof (o.kind === "literal" ? o.value : "") === "string" ? STRING : ANY;
          case "record":
            return i.kind === "literal" && typeof i.value === "string" ? (o.fields[i.value]?.type ?? ANY) : ANY;
          case "any":
          case "boolean":
          case "null":
          case "number":
          case "union":
          default:
            return ANY;
        }
      }
      case "Slice": {
        const o = type(e.object);
        if (e.lower !== undefined) type(e.lower);
        if (e.upper !== undefined) type(e.upper);
        return o.kind === "list" || o.kind === "string" ? o : o.kind === "literal" ? STRING : ANY;
      }
      default:
        return assertNever(e);
    }
  };

  const stmts = (list: readonly Stmt[]): void => {
    for (const s of list) {
      switch (s.kind) {
        case "Assign":
          bindTarget(s.target, type(s.value));
          break;
        case "AugAssign": {
          const v = widenLiteral(type(s.value));
          const cur = widenLiteral(type(s.target));
          let t: Type = ANY;
          if (cur.kind === "number" && v.kind === "number") t = NUMBER;
          else if (s.op === "+" && cur.kind === "string" && v.kind === "string") t = STRING;
          else if (s.op === "+" && cur.kind === "list" && v.kind === "list")
            t = listOf(joinTypes(cur.element, v.element));
          if (s.target.kind === "Name") bindTarget(s.target, t);
          break;
        }
        case "ExprStmt":
          type(s.expr);
          break;
        case "Return":
          if (s.value !== undefined) type(s.value);
          break;
        case "Pass":
        case "Break":
        case "Continue":
          break;
        case "If":
          type(s.test);
          stmts(s.body);
          stmts(s.orelse);
          break;
        case "For":
          bindTarget(s.target, iterable(s.iter, "a `for` loop"));
          stmts(s.body);
          break;
        default:
          assertNever(s);
      }
    }
  };

  // Passes until no variable's type changes after it was read: then every
  // read saw its final type, and that pass's findings are the answer.
  for (let pass = 0; ; pass++) {
    typeOf = new Array<Type | undefined>(n);
    findings = [];
    readInPass.fill(0);
    unsettled = false;
    const before = pass === MAX_PASSES - 1 ? varType.map((t) => (t === undefined ? "" : typeKey(t))) : undefined;
    stmts(tree.module.body);
    if (!unsettled) break;
    if (before !== undefined) {
      // Give up on precision: what still changes becomes `any`, then one last pass.
      varType = varType.map((t, i) => (t === undefined || typeKey(t) === before[i] ? t : ANY));
      typeOf = new Array<Type | undefined>(n);
      findings = [];
      stmts(tree.module.body);
      break;
    }
  }
  return {
    typeOf,
    variableType: varType.map((t) => t ?? ANY),
    callTarget,
    callArgs,
    findings,
  };
}

function receiverKinds(t: Type): MethodReceiver[] | undefined {
  switch (t.kind) {
    case "any":
      return undefined;
    case "list":
    case "dict":
    case "string":
      return [t.kind];
    case "literal":
      return typeof t.value === "string" ? ["string"] : [];
    case "union": {
      const out = new Set<MethodReceiver>();
      for (const m of t.types) {
        const k = receiverKinds(m);
        if (k === undefined) return undefined;
        for (const x of k) out.add(x);
      }
      return [...out];
    }
    case "boolean":
    case "null":
    case "number":
    case "record":
    default:
      return [];
  }
}

/** The signature of method `name` on a receiver of type `recv`, when it has one. */
function method(recv: Type, name: string): { sig: Signature; receiver: Type } | undefined {
  const kinds = receiverKinds(recv);
  const candidates = kinds === undefined ? receiversOf(name) : kinds.filter((k) => METHODS[k].has(name));
  const k = candidates[0];
  if (k === undefined) return undefined;
  const sig = METHODS[k].get(name);
  return sig === undefined ? undefined : { sig, receiver: recv };
}

function badCall(
  span: Span,
  fn: string,
  problem: Extract<TypeFinding, { kind: "bad-call" }>["problem"],
  detail: string,
  expected: string,
  suggestion?: string,
): TypeFinding {
  return { kind: "bad-call", span, fn, problem, detail, expected, suggestion };
}

/** The type text of `t` (re-exported for messages). */
export { typeText };

/** True when node `e` is an expression that has a type entry. */
export function hasType(facts: TypeFacts, e: Node): boolean {
  return facts.typeOf[e.id] !== undefined;
}
