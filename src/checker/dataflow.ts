/**
 * Data-flow origins: for every expression, the set of sources (catalog call
 * sites and inputs) its value derives from by data, and separately by
 * control (the `if` tests and `for` iterables that decide whether and how
 * often it was computed, and earlier tests that could have ended the loop
 * or the composition early).
 *
 * Algorithm: an abstract interpreter over the structured statements; the
 * state maps each module variable to two origin sets (data, control) plus a
 * "pc" set for early exits. This is the CFG fixpoint specialised to a
 * language without goto: an `if` runs its branches from the same state and
 * joins them, a `for` repeats its body joining the loop-head state until
 * nothing changes (the zero-iteration path is the pre-loop state), and
 * `break`/`continue`/`return` are treated as falling through (an
 * over-approximation that only adds origins). Writes go through an undo log
 * so a branch or loop join touches only the variables written inside it,
 * which keeps the pass linear in practice. Origin sets are interned sorted
 * arrays with a union cache, so equal sets are equal numbers.
 */
import type { Catalog } from "../catalog/types.js";
import type { AssignTarget, Expr, For, If, Stmt } from "../syntax/ast.js";
import { assertNever } from "../syntax/ast.js";
import type { Binding } from "./binder.js";
import { RES_INPUT } from "./binder.js";
import { MUTATING_METHODS } from "./builtins.js";
import type { TreeIndex } from "./tree.js";
import type { TypeFacts } from "./types.js";

/** Where a value can come from. */
export type Source =
  | { readonly kind: "input"; readonly name: string }
  | { readonly kind: "call"; readonly fn: string; readonly call: number };

const EMPTY: readonly number[] = [];
const SHIFT = 67108864; // 2^26

/** Interned sets of source ids: equal sets have equal ids; 0 is the empty set. */
export class OriginSets {
  private readonly lists: (readonly number[])[] = [EMPTY];
  private readonly index = new Map<string, number>([["", 0]]);
  private readonly unions = new Map<number, number>();
  private readonly singles: number[] = [];

  /** The sources in set `id`, ascending. */
  members(id: number): readonly number[] {
    return this.lists[id] ?? EMPTY;
  }

  /** True when set `id` holds `source`. */
  has(id: number, source: number): boolean {
    const list = this.lists[id] ?? EMPTY;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = list[mid] ?? 0;
      if (v === source) return true;
      if (v < source) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** The set holding only `source`. */
  single(source: number): number {
    const s = this.singles[source];
    if (s !== undefined) return s;
    const id = this.intern([source]);
    this.singles[source] = id;
    return id;
  }

  /** The union of sets `a` and `b`. */
  union(a: number, b: number): number {
    if (a === b || b === 0) return a;
    if (a === 0) return b;
    const key = a < b ? a * SHIFT + b : b * SHIFT + a;
    const cached = this.unions.get(key);
    if (cached !== undefined) return cached;
    const x = this.lists[a] ?? EMPTY;
    const y = this.lists[b] ?? EMPTY;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < x.length && j < y.length) {
      const u = x[i] ?? 0;
      const v = y[j] ?? 0;
      if (u === v) {
        out.push(u);
        i++;
        j++;
      } else if (u < v) {
        out.push(u);
        i++;
      } else {
        out.push(v);
        j++;
      }
    }
    while (i < x.length) out.push(x[i++] ?? 0);
    while (j < y.length) out.push(y[j++] ?? 0);
    const id = out.length === x.length ? a : out.length === y.length ? b : this.intern(out);
    this.unions.set(key, id);
    return id;
  }

  private intern(list: number[]): number {
    const key = list.join(",");
    const found = this.index.get(key);
    if (found !== undefined) return found;
    this.lists.push(list);
    this.index.set(key, this.lists.length - 1);
    return this.lists.length - 1;
  }
}

/** Origins of every expression. */
export interface OriginFacts {
  readonly sources: readonly Source[];
  readonly sets: OriginSets;
  /** Per expression id: data origins (set id). */
  readonly data: Int32Array;
  /** Per expression id: control origins of its value (set id). */
  readonly control: Int32Array;
  /** Per `Call` id: the control context under which the call runs. */
  readonly callControl: Int32Array;
  /** Per `if`/`for` id: origins of its test/iterable plus its own context (what its body depends on). */
  readonly controlOwn: Int32Array;
  /** Per catalog `Call` id: its source id, -1 otherwise. */
  readonly sourceOfCall: Int32Array;
  /** Origins of the composition's result (all `return` values). */
  readonly result: { readonly data: number; readonly control: number };
}

const MAX_LOOP_ROUNDS = 64;

/** Computes origins for `tree`. */
export function computeOrigins(tree: TreeIndex, binding: Binding, types: TypeFacts, catalog: Catalog): OriginFacts {
  const n = tree.nodes.length;
  const sets = new OriginSets();
  const sources: Source[] = [];
  const data = new Int32Array(n);
  const control = new Int32Array(n);
  const callControl = new Int32Array(n);
  const controlOwn = new Int32Array(n);
  const sourceOfCall = new Int32Array(n).fill(-1);
  const inputSource = new Map<string, number>();
  for (const c of tree.calls) {
    const t = types.callTarget[c.id];
    if (t?.kind === "catalog") {
      sourceOfCall[c.id] = sources.length;
      sources.push({ kind: "call", fn: t.fn.name, call: c.id });
    }
  }
  const input = (name: string): number => {
    let s = inputSource.get(name);
    if (s === undefined) {
      s = sources.length;
      sources.push({ kind: "input", name });
      inputSource.set(name, s);
    }
    return sets.single(s);
  };
  void catalog;

  const nv = binding.variables.length;
  const PC = nv;
  const sd = new Int32Array(nv + 1);
  const sc = new Int32Array(nv + 1);
  const logVar: number[] = [];
  const logD: number[] = [];
  const logC: number[] = [];
  const res = binding.resolution;
  const isModuleVar = (v: number): boolean => v >= 0 && v < nv && binding.variables[v]?.comprehension === undefined;

  const write = (v: number, d: number, c: number): void => {
    if ((sd[v] ?? 0) === d && (sc[v] ?? 0) === c) return;
    logVar.push(v);
    logD.push(sd[v] ?? 0);
    logC.push(sc[v] ?? 0);
    sd[v] = d;
    sc[v] = c;
  };
  const undoTo = (mark: number): void => {
    while (logVar.length > mark) {
      const v = logVar.pop() ?? 0;
      sd[v] = logD.pop() ?? 0;
      sc[v] = logC.pop() ?? 0;
    }
  };
  /** Distinct variables written since `mark`, with their values before `mark`. */
  // `seenAt[v] === seenStamp`: `v` already listed by the current call (no set per call).
  const seenAt = new Int32Array(nv + 1);
  let seenStamp = 0;
  const writtenSince = (mark: number): { vars: number[]; preD: number[]; preC: number[] } => {
    seenStamp++;
    const vars: number[] = [];
    const preD: number[] = [];
    const preC: number[] = [];
    for (let i = mark; i < logVar.length; i++) {
      const v = logVar[i] ?? 0;
      if (seenAt[v] === seenStamp) continue;
      seenAt[v] = seenStamp;
      vars.push(v);
      preD.push(logD[i] ?? 0);
      preC.push(logC[i] ?? 0);
    }
    return { vars, preD, preC };
  };

  let outD = 0;
  let outC = 0;
  const record = (id: number, d: number, c: number): void => {
    data[id] = sets.union(data[id] ?? 0, d);
    control[id] = sets.union(control[id] ?? 0, c);
    outD = d;
    outC = c;
  };

  /** Adds `d`/`c` to the variable at the root of a subscript/attribute chain. */
  const addToRoot = (e: Expr | AssignTarget, d: number, c: number): void => {
    let root: Expr | AssignTarget = e;
    while (root.kind === "Subscript" || root.kind === "Attribute" || root.kind === "Slice") root = root.object;
    if (root.kind !== "Name") return;
    const v = res[root.id] ?? -1;
    if (v < 0 || v >= nv) return;
    write(v, sets.union(sd[v] ?? 0, d), sets.union(sc[v] ?? 0, c));
  };

  const ev = (e: Expr, ctl: number): void => {
    switch (e.kind) {
      case "Name": {
        const r = res[e.id] ?? -1;
        if (r >= 0 && r < nv) record(e.id, sd[r] ?? 0, sc[r] ?? 0);
        else if (r === RES_INPUT) record(e.id, input(e.name), 0);
        else record(e.id, 0, 0);
        return;
      }
      case "Number":
      case "String":
      case "Bool":
      case "None":
        record(e.id, 0, 0);
        return;
      case "FString": {
        let d = 0;
        let c = 0;
        for (const p of e.parts) {
          if (typeof p === "string") continue;
          ev(p, ctl);
          d = sets.union(d, outD);
          c = sets.union(c, outC);
        }
        record(e.id, d, c);
        return;
      }
      case "List":
      case "Tuple": {
        let d = 0;
        let c = 0;
        for (const x of e.elements) {
          ev(x, ctl);
          d = sets.union(d, outD);
          c = sets.union(c, outC);
        }
        record(e.id, d, c);
        return;
      }
      case "Dict": {
        let d = 0;
        let c = 0;
        for (const en of e.entries) {
          ev(en.key, ctl);
          d = sets.union(d, outD);
          c = sets.union(c, outC);
          ev(en.value, ctl);
          d = sets.union(d, outD);
          c = sets.union(c, outC);
        }
        record(e.id, d, c);
        return;
      }
      case "ListComp":
      case "DictComp": {
        let inner = ctl;
        let shape = 0;
        for (const g of e.generators) {
          ev(g.iter, inner);
          const id = outD;
          const ic = outC;
          shape = sets.union(shape, sets.union(id, ic));
          bindTarget(g.target, id, sets.union(ic, inner));
          for (const f of g.ifs) {
            ev(f, inner);
            const fc = sets.union(outD, outC);
            shape = sets.union(shape, fc);
            inner = sets.union(inner, fc);
          }
          inner = sets.union(inner, sets.union(id, ic));
        }
        let d = 0;
        let c = shape;
        const results = e.kind === "ListComp" ? [e.element] : [e.key, e.value];
        for (const r of results) {
          ev(r, inner);
          d = sets.union(d, outD);
          c = sets.union(c, outC);
        }
        record(e.id, d, c);
        return;
      }
      case "BinOp":
      case "Compare": {
        ev(e.left, ctl);
        const ld = outD;
        const lc = outC;
        ev(e.right, ctl);
        record(e.id, sets.union(ld, outD), sets.union(lc, outC));
        return;
      }
      case "BoolOp": {
        ev(e.left, ctl);
        const ld = outD;
        const lc = outC;
        ev(e.right, sets.union(ctl, sets.union(ld, lc)));
        record(e.id, sets.union(ld, outD), sets.union(lc, outC));
        return;
      }
      case "UnaryOp":
        ev(e.operand, ctl);
        record(e.id, outD, outC);
        return;
      case "IfExp": {
        ev(e.test, ctl);
        const t = sets.union(outD, outC);
        const inner = sets.union(ctl, t);
        ev(e.body, inner);
        const bd = outD;
        const bc = outC;
        ev(e.orelse, inner);
        record(e.id, sets.union(bd, outD), sets.union(t, sets.union(bc, outC)));
        return;
      }
      case "Call": {
        callControl[e.id] = sets.union(callControl[e.id] ?? 0, ctl);
        let d = 0;
        let c = 0;
        const callee = e.callee;
        if (callee.kind === "Attribute") {
          ev(callee.object, ctl);
          d = outD;
          c = outC;
          record(callee.id, d, c);
        } else if (callee.kind !== "Name") {
          ev(callee, ctl);
          d = outD;
          c = outC;
        }
        let ad = 0;
        let ac = 0;
        for (const a of e.args) {
          ev(a, ctl);
          ad = sets.union(ad, outD);
          ac = sets.union(ac, outC);
        }
        for (const k of e.keywords) {
          ev(k.value, ctl);
          ad = sets.union(ad, outD);
          ac = sets.union(ac, outC);
        }
        d = sets.union(d, ad);
        c = sets.union(c, ac);
        const src = sourceOfCall[e.id] ?? -1;
        if (src >= 0) d = sets.union(d, sets.single(src));
        const target = types.callTarget[e.id];
        if (target?.kind === "method" && MUTATING_METHODS.has(target.name) && callee.kind === "Attribute") {
          addToRoot(callee.object, ad, sets.union(ac, ctl));
        }
        record(e.id, d, c);
        return;
      }
      case "Attribute":
        ev(e.object, ctl);
        record(e.id, outD, outC);
        return;
      case "Subscript": {
        ev(e.object, ctl);
        const od = outD;
        const oc = outC;
        ev(e.index, ctl);
        record(e.id, sets.union(od, outD), sets.union(oc, outC));
        return;
      }
      case "Slice": {
        ev(e.object, ctl);
        let d = outD;
        let c = outC;
        for (const x of [e.lower, e.upper]) {
          if (x === undefined) continue;
          ev(x, ctl);
          d = sets.union(d, outD);
          c = sets.union(c, outC);
        }
        record(e.id, d, c);
        return;
      }
      default:
        assertNever(e);
    }
  };

  /** Binds a target to a value with origins `d`/`c` (strongly for names). */
  const bindTarget = (t: AssignTarget, d: number, c: number): void => {
    switch (t.kind) {
      case "Name": {
        const v = res[t.id] ?? -1;
        if (v >= 0 && v < nv) {
          if (isModuleVar(v)) write(v, d, c);
          else {
            sd[v] = d;
            sc[v] = c;
          }
        }
        data[t.id] = sets.union(data[t.id] ?? 0, d);
        control[t.id] = sets.union(control[t.id] ?? 0, c);
        return;
      }
      case "TupleTarget":
        for (const x of t.elements) bindTarget(x, d, c);
        return;
      case "Subscript": {
        ev(t.index, c);
        const kd = outD;
        const kc = outC;
        ev(t.object, c);
        addToRoot(t, sets.union(d, kd), sets.union(c, kc));
        return;
      }
      default:
        assertNever(t);
    }
  };

  const ctxOf = (s: Stmt): number => {
    const c = tree.controlOf[s.id] ?? -1;
    const own = c >= 0 ? (controlOwn[c] ?? 0) : 0;
    return sets.union(own, sd[PC] ?? 0);
  };

  let resultD = 0;
  let resultC = 0;

  const block = (list: readonly Stmt[]): void => {
    for (const s of list) stmt(s);
  };
  const stmt = (s: Stmt): void => {
    const base = ctxOf(s);
    switch (s.kind) {
      case "Assign":
        ev(s.value, base);
        bindTarget(s.target, outD, sets.union(outC, base));
        return;
      case "AugAssign": {
        ev(s.value, base);
        const d = outD;
        const c = sets.union(outC, base);
        if (s.target.kind === "Name") {
          const v = res[s.target.id] ?? -1;
          if (v >= 0 && v < nv) write(v, sets.union(sd[v] ?? 0, d), sets.union(sc[v] ?? 0, c));
          data[s.target.id] = sets.union(data[s.target.id] ?? 0, sd[v] ?? 0);
        } else bindTarget(s.target, d, c);
        return;
      }
      case "ExprStmt":
        ev(s.expr, base);
        return;
      case "Return":
        if (s.value !== undefined) {
          ev(s.value, base);
          resultD = sets.union(resultD, outD);
          resultC = sets.union(resultC, sets.union(outC, base));
        }
        return;
      case "Pass":
      case "Break":
      case "Continue":
        return;
      case "If":
        ifStmt(s, base);
        return;
      case "For":
        forStmt(s, base);
        return;
      default:
        assertNever(s);
    }
  };
  const ifStmt = (s: If, base: number): void => {
    ev(s.test, base);
    const t = sets.union(outD, outC);
    controlOwn[s.id] = sets.union(controlOwn[s.id] ?? 0, sets.union(base, t));
    if (tree.escapes[s.id] === 1) write(PC, sets.union(sd[PC] ?? 0, t), 0);
    const mark = logVar.length;
    block(s.body);
    const w = writtenSince(mark);
    const thenD = w.vars.map((v) => sd[v] ?? 0);
    const thenC = w.vars.map((v) => sc[v] ?? 0);
    undoTo(mark);
    block(s.orelse);
    // A variable written in one branch only keeps its value from before the `if` on the other.
    const e = writtenSince(mark);
    const inThen = new Set(w.vars);
    e.vars.forEach((v, i) => {
      if (!inThen.has(v)) write(v, sets.union(sd[v] ?? 0, e.preD[i] ?? 0), sets.union(sc[v] ?? 0, e.preC[i] ?? 0));
    });
    w.vars.forEach((v, i) => {
      write(v, sets.union(sd[v] ?? 0, thenD[i] ?? 0), sets.union(sc[v] ?? 0, thenC[i] ?? 0));
    });
  };
  const forStmt = (s: For, base: number): void => {
    ev(s.iter, base);
    const id = outD;
    const ic = outC;
    const t = sets.union(id, ic);
    controlOwn[s.id] = sets.union(controlOwn[s.id] ?? 0, sets.union(base, t));
    if (tree.escapes[s.id] === 1) write(PC, sets.union(sd[PC] ?? 0, t), 0);
    for (let round = 0; round < MAX_LOOP_ROUNDS; round++) {
      const mark = logVar.length;
      bindTarget(s.target, id, sets.union(ic, base));
      block(s.body);
      const w = writtenSince(mark);
      let changed = false;
      w.vars.forEach((v, i) => {
        const pd = w.preD[i] ?? 0;
        const pc = w.preC[i] ?? 0;
        const jd = sets.union(pd, sd[v] ?? 0);
        const jc = sets.union(pc, sc[v] ?? 0);
        if (jd !== pd || jc !== pc) changed = true;
        write(v, jd, jc);
      });
      if (!changed) break;
    }
  };
  block(tree.module.body);
  return {
    sources,
    sets,
    data,
    control,
    callControl,
    controlOwn,
    sourceOfCall,
    result: { data: resultD, control: resultC },
  };
}
