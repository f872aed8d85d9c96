/**
 * Compiles a checked Partwise module to JavaScript for the guest runtime
 * (`prelude.ts`), keeping the language's Python semantics.
 *
 * Algorithm: two pure analyses over the readonly AST, then one emit walk.
 * 1. Facts: which names are module variables, which reads may see an unset
 *    variable (a small definite-assignment pass; only those reads get a
 *    runtime check), and which variables may hold a *future* (the pending
 *    result of a catalog call; a flow-insensitive fixpoint). A program with
 *    no catalog call has no futures, so it gets no future checks at all.
 * 2. Emit: statements map to JS statements inside one `async` main; every
 *    operation with Python semantics is a prelude helper taking the source
 *    line, so a runtime error names it. A value is forced (awaited) only
 *    where it is needed and only when it may be a future:
 *    `(x instanceof $F ? await $w(x) : x)`.
 *
 * Security: user text reaches the output only as `JSON.stringify`d string
 * literals (with U+2028/U+2029 escaped too), numbers printed by `String`,
 * and identifiers mangled to `v_<name>` (names outside
 * `[A-Za-z_][A-Za-z0-9_]*` are hex-encoded as `w_<hex>`). Runtime locals
 * start with `$`, so they never clash with a mangled name.
 */
import type { Catalog } from "../catalog/types.js";
import {
  assertNever,
  type AssignTarget,
  type Call,
  type Comprehension,
  type Expr,
  type Module,
  type Name,
  type Stmt,
  type TupleTarget,
} from "../syntax/ast.js";

/** What codegen needs to know about the catalog. */
export interface CompileInfo {
  readonly functions: ReadonlyMap<string, { readonly effectful: boolean; readonly params: readonly string[] }>;
  readonly inputs: ReadonlySet<string>;
}

/** A compiled program: a script evaluating to a promise of the JSON envelope. */
export interface CompiledProgram {
  readonly code: string;
}

/** The compile facts of a catalog: effects, parameter names, inputs. */
export function compileInfo(catalog: Catalog): CompileInfo {
  const functions = new Map<string, { effectful: boolean; params: readonly string[] }>();
  for (const [name, fn] of catalog.functions) {
    functions.set(name, {
      effectful: fn.effect !== undefined || fn.irreversible,
      params: fn.params.map((p) => p.name),
    });
  }
  return { functions, inputs: new Set(catalog.inputs.keys()) };
}

/** How a builtin forces its positional arguments: shallow (`val`) or deep. */
const BUILTINS: ReadonlyMap<string, "val" | "deep"> = new Map([
  ["len", "val"],
  ["range", "val"],
  ["min", "deep"],
  ["max", "deep"],
  ["sum", "deep"],
  ["sorted", "deep"],
  ["reversed", "val"],
  ["enumerate", "val"],
  ["zip", "val"],
  ["any", "deep"],
  ["all", "deep"],
  ["abs", "val"],
  ["round", "val"],
  ["str", "deep"],
  ["int", "val"],
  ["float", "val"],
  ["bool", "val"],
  ["list", "val"],
  ["dict", "deep"],
  ["print", "deep"],
]);

/** Builtins whose result never contains a future. */
const SCALAR_BUILTINS = new Set([
  "len",
  "range",
  "min",
  "max",
  "sum",
  "sorted",
  "any",
  "all",
  "abs",
  "round",
  "str",
  "int",
  "float",
  "bool",
  "dict",
  "print",
]);
/** Methods whose result never contains a future. */
const SCALAR_METHODS = new Set([
  "join",
  "lower",
  "upper",
  "strip",
  "split",
  "startswith",
  "endswith",
  "replace",
  "keys",
  "append",
  "extend",
]);
/** Expression kinds whose value is a number, string, bool or None. */
const SCALAR_KINDS: ReadonlySet<Expr["kind"]> = new Set([
  "Number",
  "String",
  "FString",
  "Bool",
  "None",
  "Compare",
  "UnaryOp",
]);
/** Methods whose arguments are strings or numbers: forced deeply. */
const STRING_METHODS = new Set(["join", "lower", "upper", "strip", "split", "startswith", "endswith", "replace"]);

/** A JS string literal for any string: JSON plus the two JS line terminators JSON leaves raw. */
export function jsString(s: string): string {
  return JSON.stringify(s).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** The JS identifier of a source name: `v_<name>`, or hex-encoded when not a plain name. */
export function mangle(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `v_${name}`;
  let hex = "";
  for (let i = 0; i < name.length; i++) hex += name.charCodeAt(i).toString(16).padStart(4, "0");
  return `w_${hex}`;
}

// ---------------------------------------------------------------- facts

interface Facts {
  /** Names assigned at module level, in order of first assignment. */
  readonly vars: readonly string[];
  /** Inputs read by the program (and not shadowed by nothing), in order of first read. */
  readonly inputs: readonly string[];
  /** Ids of `Name` reads that may see an unset variable. */
  readonly unsetReads: ReadonlySet<number>;
  /** True when the program calls a catalog function anywhere. */
  readonly hasCalls: boolean;
  /** Module variables that may hold a future. */
  readonly futureVars: ReadonlySet<string>;
}

function targetNames(t: AssignTarget, out: string[]): void {
  switch (t.kind) {
    case "Name":
      out.push(t.name);
      return;
    case "Subscript":
      return;
    case "TupleTarget":
      for (const e of t.elements) targetNames(e, out);
      return;
    default:
      assertNever(t);
  }
}

/** Calls `fn` on every expression directly under `e` (not `e` itself), in evaluation order. */
function childExprs(e: Expr, fn: (c: Expr) => void): void {
  switch (e.kind) {
    case "Name":
    case "Number":
    case "String":
    case "Bool":
    case "None":
      return;
    case "FString":
      for (const p of e.parts) if (typeof p !== "string") fn(p);
      return;
    case "List":
    case "Tuple":
      e.elements.forEach(fn);
      return;
    case "Dict":
      for (const en of e.entries) {
        fn(en.key);
        fn(en.value);
      }
      return;
    case "ListComp":
      for (const g of e.generators) {
        fn(g.iter);
        g.ifs.forEach(fn);
      }
      fn(e.element);
      return;
    case "DictComp":
      for (const g of e.generators) {
        fn(g.iter);
        g.ifs.forEach(fn);
      }
      fn(e.key);
      fn(e.value);
      return;
    case "BinOp":
    case "BoolOp":
    case "Compare":
      fn(e.left);
      fn(e.right);
      return;
    case "UnaryOp":
      fn(e.operand);
      return;
    case "IfExp":
      fn(e.test);
      fn(e.body);
      fn(e.orelse);
      return;
    case "Call":
      fn(e.callee);
      e.args.forEach(fn);
      for (const k of e.keywords) fn(k.value);
      return;
    case "Attribute":
      fn(e.object);
      return;
    case "Subscript":
      fn(e.object);
      fn(e.index);
      return;
    case "Slice":
      fn(e.object);
      if (e.lower) fn(e.lower);
      if (e.upper) fn(e.upper);
      return;
    default:
      assertNever(e);
  }
}

function collectFacts(module: Module, info: CompileInfo): Facts {
  const vars: string[] = [];
  const varSet = new Set<string>();
  const addVar = (t: AssignTarget): void => {
    const names: string[] = [];
    targetNames(t, names);
    for (const n of names) {
      if (!varSet.has(n)) {
        varSet.add(n);
        vars.push(n);
      }
    }
  };
  const assigns: { target: AssignTarget; value: Expr | "element" | "plain" }[] = [];
  const exprs: Expr[] = [];
  const walk = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      switch (s.kind) {
        case "Assign":
          addVar(s.target);
          assigns.push({ target: s.target, value: s.value });
          exprs.push(s.value);
          if (s.target.kind !== "Name") exprs.push(...subscriptParts(s.target));
          break;
        case "AugAssign":
          addVar(s.target);
          assigns.push({ target: s.target, value: "plain" });
          exprs.push(s.value);
          if (s.target.kind === "Subscript") exprs.push(s.target.object, s.target.index);
          break;
        case "ExprStmt":
          exprs.push(s.expr);
          break;
        case "For":
          addVar(s.target);
          assigns.push({ target: s.target, value: "element" });
          exprs.push(s.iter);
          if (s.target.kind !== "Name") exprs.push(...subscriptParts(s.target));
          walk(s.body);
          break;
        case "If":
          exprs.push(s.test);
          walk(s.body);
          walk(s.orelse);
          break;
        case "Return":
          if (s.value) exprs.push(s.value);
          break;
        case "Pass":
        case "Break":
        case "Continue":
          break;
        default:
          assertNever(s);
      }
    }
  };
  walk(module.body);

  // Catalog calls and input reads, anywhere.
  let hasCalls = false;
  const inputs: string[] = [];
  const visit = (e: Expr): void => {
    if (
      e.kind === "Call" &&
      e.callee.kind === "Name" &&
      !varSet.has(e.callee.name) &&
      info.functions.has(e.callee.name)
    ) {
      hasCalls = true;
    }
    if (e.kind === "Name" && info.inputs.has(e.name) && !inputs.includes(e.name) && !info.functions.has(e.name)) {
      inputs.push(e.name);
    }
    childExprs(e, visit);
  };
  exprs.forEach(visit);

  // Variables that may hold a future (flow-insensitive fixpoint).
  const futureVars = new Set<string>();
  if (hasCalls) {
    const mayF = (e: Expr): boolean => mayFuture(e, varSet, futureVars, info, true);
    let changed = true;
    while (changed) {
      changed = false;
      for (const a of assigns) {
        const names: string[] = [];
        targetNames(a.target, names);
        const f =
          a.value === "plain" ? false : a.value === "element" || a.target.kind === "TupleTarget" ? true : mayF(a.value);
        if (!f) continue;
        for (const n of names) {
          if (!futureVars.has(n)) {
            futureVars.add(n);
            changed = true;
          }
        }
      }
    }
  }
  return {
    vars,
    inputs,
    unsetReads: unsetReads(module, varSet, info),
    hasCalls,
    futureVars,
  };
}

function subscriptParts(t: TupleTarget | Name | AssignTarget): Expr[] {
  switch (t.kind) {
    case "Name":
      return [];
    case "Subscript":
      return [t.object, t.index];
    case "TupleTarget":
      return t.elements.flatMap(subscriptParts);
    default:
      return assertNever(t);
  }
}

function mayFuture(
  e: Expr,
  vars: ReadonlySet<string>,
  futureVars: ReadonlySet<string>,
  info: CompileInfo,
  hasCalls: boolean,
  locals?: ReadonlySet<string>,
): boolean {
  if (!hasCalls) return false;
  if (e.kind === "Name") return locals?.has(e.name) === true || futureVars.has(e.name);
  if (e.kind === "Call") {
    if (e.callee.kind === "Name") {
      return !vars.has(e.callee.name) && !locals?.has(e.callee.name) && info.functions.has(e.callee.name);
    }
    return e.callee.kind === "Attribute" && e.callee.name === "get";
  }
  if (e.kind === "Subscript" || e.kind === "Attribute") return true;
  if (e.kind === "IfExp") {
    return (
      mayFuture(e.body, vars, futureVars, info, hasCalls, locals) ||
      mayFuture(e.orelse, vars, futureVars, info, hasCalls, locals)
    );
  }
  if (e.kind === "BoolOp") return mayFuture(e.right, vars, futureVars, info, hasCalls, locals);
  return false;
}

/**
 * Definite assignment: the ids of reads of module variables (and inputs)
 * that some path reaches before any assignment. Conservative: a read inside
 * a loop of a name assigned later in the same body is reported.
 */
function unsetReads(module: Module, vars: ReadonlySet<string>, info: CompileInfo): Set<number> {
  const out = new Set<number>();
  const read = (e: Expr, def: ReadonlySet<string>): void => {
    if (e.kind === "Name") {
      if ((vars.has(e.name) || info.inputs.has(e.name)) && !def.has(e.name)) out.add(e.id);
      return;
    }
    if (e.kind === "ListComp" || e.kind === "DictComp") {
      const inner = new Set(def);
      for (const g of e.generators) {
        read(g.iter, inner);
        const names: string[] = [];
        targetNames(g.target, names);
        names.forEach((n) => inner.add(n));
        for (const p of subscriptParts(g.target)) read(p, inner);
        for (const c of g.ifs) read(c, inner);
      }
      if (e.kind === "ListComp") read(e.element, inner);
      else {
        read(e.key, inner);
        read(e.value, inner);
      }
      return;
    }
    childExprs(e, (c) => read(c, def));
  };
  const block = (stmts: readonly Stmt[], def: Set<string>): { def: Set<string>; term: boolean } => {
    let term = false;
    for (const s of stmts) {
      switch (s.kind) {
        case "Assign": {
          read(s.value, def);
          for (const p of subscriptParts(s.target)) read(p, def);
          const names: string[] = [];
          targetNames(s.target, names);
          names.forEach((n) => def.add(n));
          break;
        }
        case "AugAssign":
          if (s.target.kind === "Name") {
            if (!def.has(s.target.name)) out.add(s.target.id);
          } else {
            read(s.target.object, def);
            read(s.target.index, def);
          }
          read(s.value, def);
          if (s.target.kind === "Name") def.add(s.target.name);
          break;
        case "ExprStmt":
          read(s.expr, def);
          break;
        case "For": {
          read(s.iter, def);
          const inner = new Set(def);
          const names: string[] = [];
          targetNames(s.target, names);
          names.forEach((n) => inner.add(n));
          for (const p of subscriptParts(s.target)) read(p, inner);
          block(s.body, inner);
          break;
        }
        case "If": {
          read(s.test, def);
          const a = block(s.body, new Set(def));
          const b = block(s.orelse, new Set(def));
          if (a.term && b.term) term = true;
          const next = a.term ? b.def : b.term ? a.def : new Set([...a.def].filter((n) => b.def.has(n)));
          def = next;
          break;
        }
        case "Return":
          if (s.value) read(s.value, def);
          term = true;
          break;
        case "Break":
        case "Continue":
          term = true;
          break;
        case "Pass":
          break;
        default:
          assertNever(s);
      }
    }
    return { def, term };
  };
  block(module.body, new Set());
  return out;
}

// ---------------------------------------------------------------- emit

class Emitter {
  private readonly out: string[] = [];
  private depth = 1;
  private readonly used = new Set<string>();
  private readonly floats = new Map<string, string>();
  private counter = 0;
  /** Set when the code being emitted contains an `await`. */
  private awaits = false;
  /** Comprehension-local names, innermost last. */
  private readonly scopes: Set<string>[] = [];

  constructor(
    private readonly info: CompileInfo,
    private readonly facts: Facts,
  ) {}

  program(module: Module): string {
    this.block(module.body);
    const head: string[] = [];
    const aliases = [...this.used].sort().map((n) => `$${n} = $.${n}`);
    if (aliases.length) head.push(`  const ${aliases.join(", ")};`);
    head.push("  let $t;");
    const declared = this.facts.vars.filter((v) => !this.facts.inputs.includes(v)).map(mangle);
    if (declared.length) head.push(`  let ${declared.join(", ")};`);
    for (const i of this.facts.inputs) head.push(`  let ${mangle(i)} = $.inp(${jsString(i)});`);
    for (const [value, name] of this.floats) head.push(`  const ${name} = new $.Fl(${value});`);
    return [
      "// Generated by the Partwise compiler (src/runtime/codegen.ts); do not edit.",
      '"use strict";',
      "__pw_run(async ($) => {",
      ...head,
      ...this.out,
      "});",
      "",
    ].join("\n");
  }

  // ------------------------------------------------------------ helpers

  private rt(name: string): string {
    this.used.add(name);
    return `$${name}`;
  }

  private aw(x: string): string {
    this.awaits = true;
    return `await ${x}`;
  }

  private fresh(prefix: string): string {
    return `$${prefix}${++this.counter}`;
  }

  private line(text: string): void {
    this.out.push("  ".repeat(this.depth) + text);
  }

  private isLocal(name: string): boolean {
    return this.scopes.some((s) => s.has(name));
  }

  private isVar(name: string): boolean {
    return this.isLocal(name) || this.facts.vars.includes(name) || this.facts.inputs.includes(name);
  }

  private mayF(e: Expr): boolean {
    const locals = new Set(this.scopes.flatMap((s) => [...s]));
    return mayFuture(e, new Set(this.facts.vars), this.facts.futureVars, this.info, this.facts.hasCalls, locals);
  }

  /** True when the value of `e` never contains a future at any depth. */
  private isScalar(e: Expr): boolean {
    if (SCALAR_KINDS.has(e.kind)) return true;
    if (e.kind === "BinOp") return e.op !== "+" && e.op !== "*";
    if (e.kind !== "Call") return false;
    if (e.callee.kind === "Attribute") return SCALAR_METHODS.has(e.callee.name);
    return (
      e.callee.kind === "Name" && this.calleeKind(e.callee.name) === "builtin" && SCALAR_BUILTINS.has(e.callee.name)
    );
  }

  /** True when `e` evaluates to a JS boolean. */
  private isBool(e: Expr): boolean {
    if (e.kind === "Compare" || e.kind === "Bool") return true;
    if (e.kind === "UnaryOp") return e.op === "not";
    if (e.kind === "BoolOp") return this.isBool(e.left) && this.isBool(e.right);
    if (e.kind !== "Call") return false;
    if (e.callee.kind === "Attribute") return e.callee.name === "startswith" || e.callee.name === "endswith";
    return (
      e.callee.kind === "Name" &&
      this.calleeKind(e.callee.name) === "builtin" &&
      ["bool", "any", "all"].includes(e.callee.name)
    );
  }

  private calleeKind(name: string): "variable" | "catalog" | "builtin" | "unknown" {
    if (this.isLocal(name) || this.facts.vars.includes(name)) return "variable";
    if (this.info.functions.has(name)) return "catalog";
    if (BUILTINS.has(name)) return "builtin";
    if (this.info.inputs.has(name)) return "variable";
    return "unknown";
  }

  // ------------------------------------------------------------ statements

  private block(stmts: readonly Stmt[]): void {
    for (const s of stmts) this.stmt(s);
  }

  private stmt(s: Stmt): void {
    const ln = s.span.start.line;
    switch (s.kind) {
      case "Assign":
        if (s.target.kind === "Name") {
          this.line(`${this.nameRef(s.target.name)} = ${this.expr(s.value)};`);
        } else if (s.target.kind === "Subscript") {
          const v = this.fresh("v");
          this.line(`{ const ${v} = ${this.expr(s.value)};`);
          this.depth++;
          this.assign(s.target, v, ln);
          this.depth--;
          this.line("}");
        } else {
          this.assign(s.target, this.val(s.value), ln);
        }
        return;
      case "AugAssign": {
        const op = s.op === "+" ? this.rt("iadd") : s.op === "-" ? this.rt("sub") : this.rt("imul");
        if (s.target.kind === "Name") {
          const cur = this.val(s.target);
          this.line(`${this.nameRef(s.target.name)} = ${op}(${cur}, ${this.val(s.value)}, ${ln});`);
        } else {
          const o = this.fresh("o");
          const k = this.fresh("k");
          const c = this.fresh("c");
          this.line(`{ const ${o} = ${this.val(s.target.object)}, ${k} = ${this.val(s.target.index)};`);
          this.depth++;
          this.line(`const ${c} = ${this.force(`${this.rt("get")}(${o}, ${k}, ${ln})`)};`);
          this.line(`${this.rt("set")}(${o}, ${k}, ${op}(${c}, ${this.val(s.value)}, ${ln}), ${ln});`);
          this.depth--;
          this.line("}");
        }
        return;
      }
      case "ExprStmt":
        this.line(`${this.expr(s.expr)};`);
        return;
      case "For": {
        const hl = s.header.start.line;
        const a = this.fresh("a");
        const i = this.fresh("i");
        this.line(`{ const ${a} = ${this.rt("it")}(${this.val(s.iter)}, ${hl});`);
        this.depth++;
        this.line(`for (let ${i} = 0; ${i} < ${a}.length; ${i}++) {`);
        this.depth++;
        this.line(`${this.rt("tick")}(${hl});`);
        this.assign(s.target, `${a}[${i}]`, hl, true);
        this.block(s.body);
        this.depth--;
        this.line("}");
        this.line(`${this.rt("pop")}();`);
        this.depth--;
        this.line("}");
        return;
      }
      case "If": {
        this.line(`if (${this.truth(s.test)}) {`);
        this.depth++;
        this.block(s.body);
        this.depth--;
        if (s.orelse.length) {
          this.line("} else {");
          this.depth++;
          this.block(s.orelse);
          this.depth--;
        }
        this.line("}");
        return;
      }
      case "Return":
        if (s.value) this.line(`return ${this.rt("ret")}(${this.deep(s.value)}, ${ln});`);
        else this.line('return "null";');
        return;
      case "Pass":
        return;
      case "Break":
        this.line("break;");
        return;
      case "Continue":
        this.line("continue;");
        return;
      default:
        assertNever(s);
    }
  }

  /** Emits the store of the JS value `value` into `t`; `element` when it may be an unforced future. */
  private assign(t: AssignTarget, value: string, ln: number, element = false): void {
    switch (t.kind) {
      case "Name":
        this.line(`${this.nameRef(t.name)} = ${value};`);
        return;
      case "Subscript":
        this.line(`${this.rt("set")}(${this.val(t.object)}, ${this.val(t.index)}, ${value}, ${ln});`);
        return;
      case "TupleTarget": {
        const u = this.fresh("u");
        const src = element ? this.force(value) : value;
        this.line(`{ const ${u} = ${this.rt("unpack")}(${src}, ${t.elements.length}, ${ln});`);
        this.depth++;
        t.elements.forEach((el, j) => this.assign(el, `${u}[${j}]`, ln, true));
        this.depth--;
        this.line("}");
        return;
      }
      default:
        assertNever(t);
    }
  }

  private nameRef(name: string): string {
    return mangle(name);
  }

  // ------------------------------------------------------------ expressions

  /** Shallow-forces the JS value `x` when the program has futures. */
  private force(x: string): string {
    if (!this.facts.hasCalls) return x;
    return `(($t = ${x}) instanceof ${this.rt("F")} ? ${this.aw(`${this.rt("w")}($t)`)} : $t)`;
  }

  /** The value of `e`, shallow-forced (never a future itself). */
  private val(e: Expr): string {
    if (!this.mayF(e)) return this.expr(e);
    if (e.kind === "Name" && !this.facts.unsetReads.has(e.id) && this.isVar(e.name)) {
      const v = mangle(e.name);
      return `(${v} instanceof ${this.rt("F")} ? (${v} = ${this.aw(`${this.rt("w")}(${v})`)}) : ${v})`;
    }
    if (e.kind === "Call" && e.callee.kind === "Name" && this.calleeKind(e.callee.name) === "catalog") {
      return `(${this.aw(`${this.rt("w")}(${this.aw(this.catalogCall(e, e.callee.name))})`)})`;
    }
    return this.force(this.expr(e));
  }

  /** The value of `e` with every future inside it resolved. */
  private deep(e: Expr): string {
    if (!this.facts.hasCalls || this.isScalar(e)) return this.val(e);
    return `($t = ${this.val(e)}, ${this.rt("ready")}($t) ? $t : ${this.aw(`${this.rt("deep")}($t)`)})`;
  }

  /** `e` as a JS boolean with Python's truthiness. */
  private truth(e: Expr): string {
    if (this.isBool(e)) return this.expr(e);
    return `${this.rt("tr")}(${this.val(e)})`;
  }

  private num(value: number, isFloat: boolean): string {
    if (!Number.isFinite(value)) return "Infinity";
    if (!isFloat || value % 1 !== 0) return Object.is(value, -0) ? "0" : String(value);
    const key = Object.is(value, -0) ? "-0" : String(value);
    let name = this.floats.get(key);
    if (name === undefined) {
      name = `$f${this.floats.size}`;
      this.floats.set(key, name);
    }
    return name;
  }

  private expr(e: Expr): string {
    const ln = e.span.start.line;
    switch (e.kind) {
      case "Name":
        return this.nameRead(e);
      case "Number":
        return this.num(e.value, e.isFloat);
      case "String":
        return jsString(e.value);
      case "FString": {
        if (e.parts.length === 0) return '""';
        const parts = e.parts.map((p) =>
          typeof p === "string" ? jsString(p) : `${this.rt("str")}(${this.deep(p)}, ${ln})`,
        );
        return `(${typeof e.parts[0] === "string" ? "" : '"" + '}${parts.join(" + ")})`;
      }
      case "Bool":
        return e.value ? "true" : "false";
      case "None":
        return "null";
      case "List":
        return `[${e.elements.map((x) => this.expr(x)).join(", ")}]`;
      case "Tuple":
        return `${this.rt("tup")}([${e.elements.map((x) => this.expr(x)).join(", ")}])`;
      case "Dict":
        return `${this.rt("mkdict")}([${e.entries.map((en) => `${this.val(en.key)}, ${this.expr(en.value)}`).join(", ")}], ${ln})`;
      case "ListComp":
        return this.comprehension(e.generators, "[]", (r) => `${r}.push(${this.expr(e.element)});`);
      case "DictComp":
        return this.comprehension(
          e.generators,
          `new $.D()`,
          (r) => `${this.rt("dset")}(${r}, ${this.val(e.key)}, ${this.expr(e.value)}, ${ln});`,
        );
      case "BinOp": {
        const fn = { "+": "add", "-": "sub", "*": "mul", "/": "div", "//": "fdiv", "%": "mod" }[e.op];
        return `${this.rt(fn)}(${this.val(e.left)}, ${this.val(e.right)}, ${ln})`;
      }
      case "BoolOp": {
        if (this.isBool(e.left) && this.isBool(e.right)) {
          return `(${this.expr(e.left)} ${e.op === "and" ? "&&" : "||"} ${this.expr(e.right)})`;
        }
        const left = `$t = ${this.val(e.left)}, ${this.rt("tr")}($t)`;
        const right = this.expr(e.right);
        return e.op === "and" ? `(${left} ? ${right} : $t)` : `(${left} ? $t : ${right})`;
      }
      case "UnaryOp":
        if (e.op === "not") return `!${this.truth(e.operand)}`;
        if (e.op === "-" && e.operand.kind === "Number") {
          const v = e.operand.value;
          if (!e.operand.isFloat || v % 1 !== 0) return v === 0 ? "0" : `(${this.num(-v, e.operand.isFloat)})`;
        }
        return `${this.rt(e.op === "-" ? "neg" : "pos")}(${this.val(e.operand)}, ${ln})`;
      case "Compare": {
        const l = this.deep(e.left);
        const r = this.deep(e.right);
        const op = e.op;
        switch (op) {
          case "==":
            return `${this.rt("eq")}(${l}, ${r}, ${ln})`;
          case "!=":
            return `!${this.rt("eq")}(${l}, ${r}, ${ln})`;
          case "<":
            return `${this.rt("lt")}(${l}, ${r}, ${ln})`;
          case "<=":
            return `${this.rt("le")}(${l}, ${r}, ${ln})`;
          case ">":
            return `${this.rt("gt")}(${l}, ${r}, ${ln})`;
          case ">=":
            return `${this.rt("ge")}(${l}, ${r}, ${ln})`;
          case "in":
            return `${this.rt("contains")}(${l}, ${r}, ${ln})`;
          case "not in":
            return `!${this.rt("contains")}(${l}, ${r}, ${ln})`;
          default:
            return assertNever(op);
        }
      }
      case "IfExp":
        return `(${this.truth(e.test)} ? ${this.expr(e.body)} : ${this.expr(e.orelse)})`;
      case "Call":
        return this.call(e);
      case "Attribute":
        return `${this.rt("attr")}(${this.val(e.object)}, ${jsString(e.name)}, ${ln})`;
      case "Subscript":
        return `${this.rt("get")}(${this.val(e.object)}, ${this.val(e.index)}, ${ln})`;
      case "Slice":
        return `${this.rt("slice")}(${this.val(e.object)}, ${e.lower ? this.val(e.lower) : "null"}, ${
          e.upper ? this.val(e.upper) : "null"
        }, ${ln})`;
      default:
        return assertNever(e);
    }
  }

  private nameRead(e: Name): string {
    const ln = e.span.start.line;
    if (this.isVar(e.name)) {
      const v = mangle(e.name);
      if (this.isLocal(e.name) || !this.facts.unsetReads.has(e.id)) return v;
      const check = this.facts.vars.includes(e.name) && !this.info.inputs.has(e.name) ? "unb" : "unbi";
      return `(${v} === undefined ? ${this.rt(check)}(${jsString(e.name)}, ${ln}) : ${v})`;
    }
    if (this.info.functions.has(e.name) || BUILTINS.has(e.name)) {
      return `${this.rt("err")}(${jsString(`function '${e.name}' can only be called`)}, ${ln})`;
    }
    return `${this.rt("unb")}(${jsString(e.name)}, ${ln})`;
  }

  private comprehension(gens: readonly Comprehension[], init: string, push: (r: string) => string): string {
    const first = gens[0];
    if (first === undefined) return init;
    const src = this.val(first.iter);
    const outerAwaits = this.awaits;
    const saved = this.out.length;
    const savedDepth = this.depth;
    this.awaits = false;
    const scope = new Set<string>();
    for (const g of gens) {
      const names: string[] = [];
      targetNames(g.target, names);
      names.forEach((n) => scope.add(n));
    }
    this.scopes.push(scope);
    this.depth = 0;
    const r = this.fresh("r");
    const opens: string[] = [];
    gens.forEach((g, n) => {
      const gl = g.span.start.line;
      const a = this.fresh("a");
      const i = this.fresh("i");
      this.line(`const ${a} = ${this.rt("it")}(${n === 0 ? "$s" : this.val(g.iter)}, ${gl});`);
      this.line(`for (let ${i} = 0; ${i} < ${a}.length; ${i}++) {`);
      this.line(`${this.rt("tick")}(${gl});`);
      this.assign(g.target, `${a}[${i}]`, gl, true);
      for (const c of g.ifs) this.line(`if (!(${this.truth(c)})) continue;`);
      opens.push(`} ${this.rt("pop")}();`);
    });
    this.line(push(r));
    const body = this.out.splice(saved).map((l) => l.trim());
    this.scopes.pop();
    const isAsync = this.awaits;
    this.awaits = outerAwaits;
    this.depth = savedDepth;
    const locals = [...scope].map(mangle);
    const fn = `(${isAsync ? "async " : ""}($s) => { const ${r} = ${init};${
      locals.length ? ` let ${locals.join(", ")};` : ""
    } ${body.join(" ")} ${opens.reverse().join(" ")} return ${r}; })(${src})`;
    return isAsync ? `(${this.aw(fn)})` : fn;
  }

  private call(e: Call): string {
    const ln = e.span.start.line;
    const callee = e.callee;
    if (callee.kind === "Attribute") {
      const name = callee.name;
      const args = e.args.map((a, i) =>
        STRING_METHODS.has(name)
          ? this.deep(a)
          : name === "append" || (name === "get" && i > 0)
            ? this.expr(a)
            : this.val(a),
      );
      const kw = this.kwargs(e, STRING_METHODS.has(name));
      return `${this.rt("meth")}(${this.val(callee.object)}, ${jsString(name)}, [${args.join(", ")}], ${kw}, ${ln})`;
    }
    if (callee.kind !== "Name") {
      const parts = [
        this.val(callee),
        ...e.args.map((a) => this.expr(a)),
        ...e.keywords.map((k) => this.expr(k.value)),
      ];
      return `${this.rt("err2")}([${parts.join(", ")}], ${jsString("this value is not callable")}, ${ln})`;
    }
    const name = callee.name;
    switch (this.calleeKind(name)) {
      case "catalog":
        return `((${"$t"} = ${this.catalogCall(e, name)}) instanceof ${this.rt("F")} ? $t : ${this.aw("$t")})`;
      case "builtin": {
        const mode = BUILTINS.get(name) ?? "val";
        const args = e.args.map((a) => (mode === "deep" ? this.deep(a) : this.val(a)));
        const fn = name === "str" ? "str_" : name;
        return `${this.rt(fn)}([${args.join(", ")}], ${this.kwargs(e, mode === "deep")}, ${ln})`;
      }
      case "variable": {
        const parts = [
          this.val(callee),
          ...e.args.map((a) => this.expr(a)),
          ...e.keywords.map((k) => this.expr(k.value)),
        ];
        return `${this.rt("err2")}([${parts.join(", ")}], ${jsString(`'${name}' is a variable, not a function`)}, ${ln})`;
      }
      case "unknown": {
        const parts = [...e.args.map((a) => this.expr(a)), ...e.keywords.map((k) => this.expr(k.value))];
        return `${this.rt("err2")}([${parts.join(", ")}], ${jsString(`unknown function '${name}'`)}, ${ln})`;
      }
    }
  }

  private kwargs(e: Call, deep: boolean): string {
    if (e.keywords.length === 0) return "undefined";
    return `[${e.keywords.map((k) => `[${jsString(k.name)}, ${deep ? this.deep(k.value) : this.val(k.value)}]`).join(", ")}]`;
  }

  /** `$call(name, [args in parameter order], line, effectful)`: a future or a promise of one. */
  private catalogCall(e: Call, name: string): string {
    const ln = e.span.start.line;
    const fn = this.info.functions.get(name);
    const params = fn?.params ?? [];
    let error: string | undefined;
    if (e.args.length > params.length) {
      error = `${name}() takes ${params.length} argument${params.length === 1 ? "" : "s"} but ${e.args.length} were given`;
    }
    const taken = new Set(e.args.map((_, i) => i));
    const places: number[] = [];
    for (const k of e.keywords) {
      const i = params.indexOf(k.name);
      if (i < 0) error ??= `${name}() got an unexpected keyword argument '${k.name}'`;
      else if (taken.has(i)) error ??= `${name}() got multiple values for argument '${k.name}'`;
      taken.add(i);
      places.push(i);
    }
    if (error !== undefined) {
      const parts = [...e.args.map((a) => this.expr(a)), ...e.keywords.map((k) => this.expr(k.value))];
      return `${this.rt("err2")}([${parts.join(", ")}], ${jsString(error)}, ${ln})`;
    }
    // Keywords out of parameter order: evaluate every argument in source
    // order (Python's order) into temporaries, then place them.
    const inOrder = places.every((p, j) => p > (j === 0 ? e.args.length - 1 : (places[j - 1] ?? -1)));
    const slots: (string | undefined)[] = [];
    const pre: string[] = [];
    const put = (i: number, value: string): void => {
      if (inOrder) slots[i] = value;
      else {
        const tmp = this.fresh("k");
        this.temps.push(tmp);
        pre.push(`${tmp} = ${value}`);
        slots[i] = tmp;
      }
    };
    e.args.forEach((a, i) => put(i, this.expr(a)));
    e.keywords.forEach((k, j) => put(places[j] ?? 0, this.expr(k.value)));
    while (slots.length && slots[slots.length - 1] === undefined) slots.pop();
    const args = Array.from(slots, (s) => s ?? "null");
    const c = `${this.rt("call")}(${jsString(name)}, [${args.join(", ")}], ${ln}, ${fn?.effectful ? "true" : "false"})`;
    return pre.length ? `(${pre.join(", ")}, ${c})` : c;
  }

  /** Temporaries for out-of-order keyword arguments, declared in main. */
  readonly temps: string[] = [];
}

/**
 * Compiles a module to a guest script. Same input, same output, byte for
 * byte. The script's completion value is a promise of the JSON envelope
 * (see `prelude.ts`).
 */
export function compile(module: Module, info: CompileInfo): CompiledProgram {
  const facts = collectFacts(module, info);
  const em = new Emitter(info, facts);
  let code = em.program(module);
  if (em.temps.length) code = code.replace("  let $t;\n", `  let $t, ${em.temps.join(", ")};\n`);
  return { code };
}
