/**
 * Call bounds as intervals `[min, max]` (language.md, "Catalog, inputs and
 * bounds"), with the formula in words.
 *
 * Algorithm. A loop's iteration bound is the size of what it iterates over:
 * an input's or catalog result's `@maxItems`/`@minItems`, a literal's
 * length, `range(n)` for a constant or bounded `n`, `keys`/`items`/
 * `values`/`enumerate`/`zip`/`sorted`/`reversed`/`list` of a bounded value,
 * or a variable holding one of these (the largest of its assignments plus
 * what `d[k] = …`, `append` and `extend` may add, each counted by how often
 * that statement can run). Then one structural walk: a call counts `[1, 1]`;
 * a sequence adds; `if`/`else` takes the smaller `min` and larger `max`; a
 * loop multiplies its body by its bound (`min` 0 unless the collection has a
 * known minimum); a statement after a possible `break`/`continue`/`return`
 * in the same block, a comprehension `if` filter, the branches of `a if c
 * else b` and the right of `and`/`or` get `min` 0. Counters are kept per
 * catalog function, per effect class, for all calls and for cost.
 */
import type { Catalog } from "../catalog/types.js";
import type { AssignTarget, Call, Comprehension, Expr, Stmt } from "../syntax/ast.js";
import { assertNever } from "../syntax/ast.js";
import { printExpr } from "../syntax/printer.js";
import type { Binding } from "./binder.js";
import { RES_INPUT } from "./binder.js";
import type { LoopNode, TreeIndex } from "./tree.js";
import type { TypeFacts } from "./types.js";

/** A closed interval of counts; `max` is `Infinity` when unbounded. */
export interface Interval {
  readonly min: number;
  readonly max: number;
}

/** The size of a collection (a loop's iteration bound), with words for it. */
export interface Size extends Interval {
  /** Symbolic: `|users|`, `3`, `min(|a|, |b|)`. */
  readonly label: string;
  /** Why it is unbounded, when it is. */
  readonly why: string | undefined;
  /** What would bound it, when it is unbounded. */
  readonly hint: string | undefined;
}

/** A count with its formula: symbolic (`|users| × |prefs|`) and in numbers (`20 × 5`). */
export interface Count extends Interval {
  readonly formula: string;
  readonly numeric: string;
}

/** Bounds of a catalog call site. */
export interface SiteBound extends Count {
  /** Enclosing loops, outermost first. */
  readonly loops: readonly number[];
}

export interface BoundsFacts {
  /** Per loop id (`for` or comprehension clause): its iteration bound. */
  readonly loopBound: readonly (Size | undefined)[];
  /** Per catalog `Call` id: how often that call can run. */
  readonly siteBound: readonly (SiteBound | undefined)[];
  /** Per catalog function called, in order of first call. */
  readonly functions: ReadonlyMap<string, Count>;
  /** Per effect class, in order of first call. */
  readonly effects: ReadonlyMap<string, Count>;
  /** All catalog calls together. */
  readonly all: Count;
  /** Σ cost × calls. */
  readonly cost: Interval;
  /** Catalog call sites in source order, grouped by function name. */
  readonly sitesByFunction: ReadonlyMap<string, readonly Call[]>;
}

const UNIT: Count = { min: 1, max: 1, formula: "1", numeric: "1" };

/** `a × b` on counts, with 0 × ∞ = 0. */
export function mul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : a * b;
}

/** A number for formulas (`∞` when unbounded). */
export function numText(x: number): string {
  return x === Infinity ? "∞" : String(x);
}

function paren(f: string): string {
  return f.includes(" + ") || f.startsWith("max(") ? `(${f})` : f;
}

function addCounts(a: Count | undefined, b: Count): Count {
  if (a === undefined) return b;
  return {
    min: a.min + b.min,
    max: a.max + b.max,
    formula: `${a.formula} + ${b.formula}`,
    numeric: `${a.numeric} + ${b.numeric}`,
  };
}

function eitherCounts(a: Count | undefined, b: Count | undefined): Count | undefined {
  if (a === undefined && b === undefined) return undefined;
  if (a === undefined || b === undefined) {
    const c = (a ?? b) as Count;
    return { ...c, min: 0 };
  }
  if (a.formula === b.formula) return { ...a, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
  return {
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    formula: `max(${a.formula}, ${b.formula})`,
    numeric: `max(${a.numeric}, ${b.numeric})`,
  };
}

function scaleCount(c: Count, by: Size): Count {
  return {
    min: mul(c.min, by.min),
    max: mul(c.max, by.max),
    formula: c.formula === "1" ? by.label : `${by.label} × ${paren(c.formula)}`,
    numeric: c.numeric === "1" ? numText(by.max) : `${numText(by.max)} × ${paren(c.numeric)}`,
  };
}

function lowerMin(c: Count): Count {
  return c.min === 0 ? c : { ...c, min: 0 };
}

/** Counts per counter index; undefined entries are zero. */
type Counts = (Count | undefined)[];

/**
 * The counts of something that calls nothing: shared, never written (frozen),
 * so leaves allocate nothing. A result that may be `NONE` is passed through
 * `own` before it is added to.
 */
const NONE: Counts = Object.freeze([]) as unknown as Counts;

/** `c`, or a fresh list when it is the shared `NONE`. */
function own(c: Counts): Counts {
  return c === NONE ? [] : c;
}

/** Computes loop and call bounds. */
export function computeBounds(tree: TreeIndex, binding: Binding, types: TypeFacts, catalog: Catalog): BoundsFacts {
  const n = tree.nodes.length;
  const loopBound: (Size | undefined)[] = new Array<Size | undefined>(n);
  const inProgress = new Uint8Array(n);
  const siteBound: (SiteBound | undefined)[] = new Array<SiteBound | undefined>(n);
  const res = binding.resolution;

  // Counters: functions, then effect classes, then all, then cost.
  const fnIndex = new Map<string, number>();
  const effectIndex = new Map<string, number>();
  const sitesByFunction = new Map<string, Call[]>();
  for (const c of tree.calls) {
    const t = types.callTarget[c.id];
    if (t?.kind !== "catalog") continue;
    if (!fnIndex.has(t.fn.name)) fnIndex.set(t.fn.name, fnIndex.size);
    let list = sitesByFunction.get(t.fn.name);
    if (list === undefined) sitesByFunction.set(t.fn.name, (list = []));
    list.push(c);
    if (t.fn.effect !== undefined && !effectIndex.has(t.fn.effect)) effectIndex.set(t.fn.effect, effectIndex.size);
  }
  const F = fnIndex.size;
  const E = effectIndex.size;
  const ALL = F + E;
  const COST = F + E + 1;

  // ---------------------------------------------------------------- sizes

  const unbounded = (label: string, why: string, hint: string): Size => ({
    min: 0,
    max: Infinity,
    label,
    why,
    hint,
  });
  const exact = (k: number, label: string): Size => ({ min: k, max: k, label, why: undefined, hint: undefined });

  const constNumber = (e: Expr): number | undefined => {
    if (e.kind === "Number") return e.value;
    if (e.kind === "UnaryOp" && e.op === "-" && e.operand.kind === "Number") return -e.operand.value;
    return undefined;
  };
  /** Bounds of an integer-valued expression used as `range`'s argument. */
  const numberRange = (e: Expr): Size => {
    const k = constNumber(e);
    if (k !== undefined) return exact(Math.max(0, Math.floor(k)), String(Math.max(0, Math.floor(k))));
    if (e.kind === "Call" && e.callee.kind === "Name" && types.callTarget[e.id]?.kind === "builtin") {
      if (e.callee.name === "len" && e.args[0] !== undefined) return sizeOf(e.args[0]);
    }
    const text = printExpr(e);
    return unbounded(
      `|${text}|`,
      `\`range(${text})\` has no known bound`,
      "use `range` with a constant or `len(…)` of a bounded collection",
    );
  };

  /**
   * `range(start, stop[, step])`: Python's length `ceil((stop - start) / step)`
   * (at least 0), from a constant `start` and `step` and the interval of
   * `stop`. A start or step that is not a constant leaves it unbounded: a
   * negative start would make it longer than `stop`.
   */
  const rangeSize = (call: Expr, a0: Expr, a1: Expr, a2: Expr | undefined): Size => {
    const lo = constNumber(a0);
    const step = a2 === undefined ? 1 : constNumber(a2);
    const text = printExpr(call);
    if (lo === undefined || step === undefined || step === 0) {
      return unbounded(
        `|${text}|`,
        `\`${text}\` has no known bound: its start or step is not a constant`,
        "use `range` with a constant start and step",
      );
    }
    const stop = constNumber(a1);
    const stopSize = stop === undefined ? numberRange(a1) : exact(stop, String(stop));
    const count = (hi: number): number => Math.max(0, Math.ceil((hi - lo) / step));
    // The length grows with `stop` for a positive step and shrinks for a negative one.
    const [min, max] =
      step > 0 ? [count(stopSize.min), count(stopSize.max)] : [count(stopSize.max), count(stopSize.min)];
    if (max === Infinity) return { ...stopSize, min: 0 };
    const label = min === max ? String(max) : `|${text}|`;
    return { min, max, label, why: undefined, hint: undefined };
  };

  const execCount = (node: number): Size => {
    let max = 1;
    let culprit: Size | undefined;
    for (let l = tree.loopOf[node] ?? -1; l >= 0; l = tree.loopOf[l] ?? -1) {
      const b = boundOfLoop(l);
      max = mul(max, b.max);
      if (b.max === Infinity && culprit === undefined) culprit = b;
    }
    return { min: 0, max, label: "", why: culprit?.why, hint: culprit?.hint };
  };

  const varSizes: (Size | undefined)[] = [];
  const varBusy = new Uint8Array(binding.variables.length);
  const sizeOfVariable = (v: number, label: string): Size => {
    const cached = varSizes[v];
    if (cached !== undefined) return { ...cached, label };
    const variable = binding.variables[v];
    if (variable === undefined || varBusy[v] === 1) {
      return unbounded(label, `\`${label.slice(1, -1)}\` is built from itself`, "iterate over a bounded collection");
    }
    varBusy[v] = 1;
    let min = Infinity;
    let max = 0;
    let why: string | undefined;
    let hint: string | undefined;
    const name = variable.name;
    for (const d of variable.defs) {
      const parent = tree.nodes[tree.parent[d.id] ?? -1];
      let s: Size;
      if (parent?.kind === "Assign" && parent.target === d) s = sizeOf(parent.value);
      else if (variable.comprehension !== undefined || parent?.kind === "For" || parent?.kind === "Comprehension") {
        s = unbounded(
          label,
          `\`${name}\` is an element of another collection, with no size bound`,
          "iterate over a bounded collection (an input or catalog result with @maxItems, a literal, or `range(n)`)",
        );
      } else s = unbounded(label, `\`${name}\` has no known size`, "assign it from a bounded collection");
      min = Math.min(min, s.min);
      max = Math.max(max, s.max);
      if (s.max === Infinity && why === undefined) {
        why = s.why;
        hint = s.hint;
      }
    }
    // Growth: `v[k] = …`, `v.append(…)`, `v.extend(…)`.
    for (const r of variable.reads) {
      const parent = tree.nodes[tree.parent[r.id] ?? -1];
      if (parent === undefined) continue;
      let grow = 0;
      let source: Size | undefined;
      if (parent.kind === "Subscript" && parent.object === r) {
        const gp = tree.nodes[tree.parent[parent.id] ?? -1];
        const isTarget =
          (gp?.kind === "Assign" && gp.target === parent) ||
          (gp?.kind === "TupleTarget" && gp.elements.includes(parent));
        if (isTarget) {
          source = execCount(parent.id);
          grow = source.max;
        }
      } else if (parent.kind === "Attribute" && parent.object === r) {
        const call = tree.nodes[tree.parent[parent.id] ?? -1];
        if (call?.kind === "Call" && call.callee === parent) {
          if (parent.name === "append") {
            source = execCount(call.id);
            grow = source.max;
          } else if (parent.name === "extend" && call.args[0] !== undefined) {
            const times = execCount(call.id);
            const each = sizeOf(call.args[0]);
            grow = mul(times.max, each.max);
            source = times.max === Infinity ? times : each;
          }
        }
      }
      if (grow > 0) {
        max += grow;
        if (grow === Infinity && why === undefined) {
          why = source?.why ?? `\`${name}\` grows without bound`;
          hint = source?.hint;
        }
      }
    }
    varBusy[v] = 0;
    const size: Size = {
      min: min === Infinity ? 0 : min,
      max,
      label,
      why: max === Infinity ? (why ?? `\`${name}\` has no known size`) : undefined,
      hint: max === Infinity ? (hint ?? "assign it from a bounded collection") : undefined,
    };
    varSizes[v] = size;
    return size;
  };

  const sizeOf = (e: Expr): Size => {
    switch (e.kind) {
      case "Name": {
        const r = res[e.id] ?? -1;
        const label = `|${e.name}|`;
        if (r === RES_INPUT) {
          const inp = catalog.inputs.get(e.name);
          const max = inp?.maxItems ?? Infinity;
          return {
            min: Math.min(inp?.minItems ?? 0, max),
            max,
            label,
            why: max === Infinity ? `the input \`${e.name}\` has no size bound` : undefined,
            hint: max === Infinity ? `add @maxItems to the input \`${e.name}\` in the catalog` : undefined,
          };
        }
        if (r >= 0) return sizeOfVariable(r, label);
        return unbounded(label, `\`${e.name}\` has no known size`, "iterate over a bounded collection");
      }
      case "List":
      case "Tuple":
        return exact(e.elements.length, String(e.elements.length));
      case "Dict":
        return exact(e.entries.length, String(e.entries.length));
      case "ListComp":
      case "DictComp": {
        let min = 1;
        let max = 1;
        let why: string | undefined;
        let hint: string | undefined;
        for (const g of e.generators) {
          const b = boundOfLoop(g.id);
          min = g.ifs.length > 0 ? 0 : mul(min, b.min);
          max = mul(max, b.max);
          if (b.max === Infinity && why === undefined) {
            why = b.why;
            hint = b.hint;
          }
        }
        return { min, max, label: `|${printExpr(e)}|`, why, hint };
      }
      case "Call": {
        const t = types.callTarget[e.id];
        const text = printExpr(e);
        if (t?.kind === "catalog") {
          const max = t.fn.maxItems ?? Infinity;
          return {
            min: Math.min(t.fn.minItems ?? 0, max),
            max,
            label: `|${text}|`,
            why: max === Infinity ? `\`${t.fn.name}\` returns a collection with no size bound` : undefined,
            hint: max === Infinity ? `add @maxItems to \`${t.fn.name}\` in the catalog` : undefined,
          };
        }
        if (t?.kind === "builtin") {
          const a0 = e.args[0];
          switch (t.sig.name) {
            case "range": {
              if (e.args.length === 1 && a0 !== undefined) return numberRange(a0);
              const a1 = e.args[1];
              if (a0 !== undefined && a1 !== undefined) return rangeSize(e, a0, a1, e.args[2]);
              break;
            }
            case "sorted":
            case "reversed":
            case "list":
            case "enumerate":
            case "dict":
              if (a0 !== undefined) return sizeOf(a0);
              return exact(0, "0");
            case "zip": {
              if (e.args.length === 0) return exact(0, "0");
              const parts = e.args.map(sizeOf);
              let best = parts[0] as Size;
              for (const p of parts) if (p.max < best.max) best = p;
              return {
                min: Math.min(...parts.map((p) => p.min)),
                max: best.max,
                label: parts.length === 1 ? best.label : `min(${parts.map((p) => p.label).join(", ")})`,
                why: best.why,
                hint: best.hint,
              };
            }
            default:
              break;
          }
        }
        if (t?.kind === "method" && e.callee.kind === "Attribute") {
          const m = t.name;
          if (m === "keys" || m === "values" || m === "items") return sizeOf(e.callee.object);
        }
        return unbounded(
          `|${text}|`,
          `\`${text}\` has no known size`,
          "iterate over a bounded collection (an input or catalog result with @maxItems, a literal, or `range(n)`)",
        );
      }
      case "Slice": {
        const base = sizeOf(e.object);
        const lo = e.lower === undefined ? 0 : constNumber(e.lower);
        const hi = e.upper === undefined ? undefined : constNumber(e.upper);
        if (lo !== undefined && lo >= 0 && hi !== undefined && hi >= 0) {
          const k = Math.max(0, hi - lo);
          return {
            ...base,
            min: Math.min(base.min, 0),
            max: Math.min(base.max, k),
            label: `|${printExpr(e)}|`,
            why: undefined,
            hint: undefined,
          };
        }
        return { ...base, min: 0, label: `|${printExpr(e)}|` };
      }
      case "IfExp": {
        const a = sizeOf(e.body);
        const b = sizeOf(e.orelse);
        return {
          min: Math.min(a.min, b.min),
          max: Math.max(a.max, b.max),
          label: `|${printExpr(e)}|`,
          why: a.why ?? b.why,
          hint: a.hint ?? b.hint,
        };
      }
      case "BinOp": {
        if (e.op === "+") {
          const a = sizeOf(e.left);
          const b = sizeOf(e.right);
          return {
            min: a.min + b.min,
            max: a.max + b.max,
            label: `${a.label} + ${b.label}`,
            why: a.why ?? b.why,
            hint: a.hint ?? b.hint,
          };
        }
        break;
      }
      case "Attribute":
      case "Bool":
      case "BoolOp":
      case "Compare":
      case "FString":
      case "None":
      case "Number":
      case "String":
      case "Subscript":
      case "UnaryOp":
      default:
        break;
    }
    const text = printExpr(e);
    return unbounded(
      `|${text}|`,
      `\`${text}\` has no known size`,
      "iterate over a bounded collection (an input or catalog result with @maxItems, a literal, or `range(n)`)",
    );
  };

  const boundOfLoop = (id: number): Size => {
    const cached = loopBound[id];
    if (cached !== undefined) return cached;
    const node = tree.nodes[id];
    if (node === undefined || (node.kind !== "For" && node.kind !== "Comprehension") || inProgress[id] === 1) {
      return unbounded("|?|", "the loop's collection depends on itself", "iterate over a bounded collection");
    }
    inProgress[id] = 1;
    let b = sizeOf(node.iter);
    if (node.kind === "For" && (tree.hasBreak[id] === 1 || tree.escapes[id] === 1))
      b = { ...b, min: Math.min(b.min, 1) };
    inProgress[id] = 0;
    loopBound[id] = b;
    return b;
  };
  for (const l of tree.loops) boundOfLoop(l.id);

  // ---------------------------------------------------------------- counts

  interface Ctx {
    readonly min: number;
    readonly max: number;
    readonly formula: string;
    readonly numeric: string;
    readonly loops: readonly number[];
  }
  const TOP: Ctx = { min: 1, max: 1, formula: "1", numeric: "1", loops: [] };
  const inLoop = (ctx: Ctx, loop: LoopNode): Ctx => {
    const b = boundOfLoop(loop.id);
    return {
      min: mul(ctx.min, b.min),
      max: mul(ctx.max, b.max),
      formula: ctx.formula === "1" ? b.label : `${ctx.formula} × ${b.label}`,
      numeric: ctx.numeric === "1" ? numText(b.max) : `${ctx.numeric} × ${numText(b.max)}`,
      loops: [...ctx.loops, loop.id],
    };
  };
  const maybeCtx = (ctx: Ctx): Ctx => (ctx.min === 0 ? ctx : { ...ctx, min: 0 });

  const add = (into: Counts, from: Counts): void => {
    for (let i = 0; i < from.length; i++) {
      const c = from[i];
      if (c !== undefined) into[i] = addCounts(into[i], c);
    }
  };
  const lower = (cs: Counts): Counts => (cs.length === 0 ? NONE : cs.map((c) => (c === undefined ? c : lowerMin(c))));

  const site = (call: Call, ctx: Ctx, out: Counts): void => {
    const t = types.callTarget[call.id];
    if (t?.kind !== "catalog") return;
    siteBound[call.id] = { min: ctx.min, max: ctx.max, formula: ctx.formula, numeric: ctx.numeric, loops: ctx.loops };
    const f = fnIndex.get(t.fn.name) ?? 0;
    out[f] = addCounts(out[f], UNIT);
    if (t.fn.effect !== undefined) {
      const k = F + (effectIndex.get(t.fn.effect) ?? 0);
      out[k] = addCounts(out[k], UNIT);
    }
    out[ALL] = addCounts(out[ALL], UNIT);
    const cost = t.fn.cost;
    out[COST] = addCounts(out[COST], { min: cost, max: cost, formula: String(cost), numeric: String(cost) });
  };

  // The accumulator and context of `exprChild` (one callback for every
  // expression; set around each `forEachExprChild` and restored after it).
  let acc: Counts = NONE;
  let accCtx: Ctx = TOP;
  /** The counts of `e`'s sub-expressions together (`NONE` when none calls anything). */
  const exprChildren = (e: Expr, ctx: Ctx): Counts => {
    const savedAcc = acc;
    const savedCtx = accCtx;
    acc = NONE;
    accCtx = ctx;
    forEachExprChild(e, exprChild);
    const mine = acc;
    acc = savedAcc;
    accCtx = savedCtx;
    return mine;
  };
  const exprChild = (c: Expr): void => {
    const r = expr(c, accCtx);
    if (r.length === 0) return;
    if (acc === NONE) acc = [];
    add(acc, r);
  };
  /** Counts of evaluating expression `e` once, in context `ctx` (for site bounds). */
  const expr = (e: Expr, ctx: Ctx): Counts => {
    switch (e.kind) {
      case "Name":
      case "Number":
      case "String":
      case "Bool":
      case "None":
        return NONE;
      case "Call":
      case "IfExp":
      case "BoolOp":
      case "ListComp":
      case "DictComp":
        break;
      case "Attribute":
      case "BinOp":
      case "Compare":
      case "Dict":
      case "FString":
      case "List":
      case "Slice":
      case "Subscript":
      case "Tuple":
      case "UnaryOp":
      default:
        return exprChildren(e, ctx);
    }
    const out: Counts = [];
    switch (e.kind) {
      case "Call":
        add(out, expr(e.callee, ctx));
        for (const a of e.args) add(out, expr(a, ctx));
        for (const k of e.keywords) add(out, expr(k.value, ctx));
        site(e, ctx, out);
        return out;
      case "IfExp": {
        add(out, expr(e.test, ctx));
        const a = expr(e.body, maybeCtx(ctx));
        const b = expr(e.orelse, maybeCtx(ctx));
        const len = Math.max(a.length, b.length);
        for (let i = 0; i < len; i++) {
          const c = eitherCounts(a[i], b[i]);
          if (c !== undefined) out[i] = addCounts(out[i], c);
        }
        return out;
      }
      case "BoolOp":
        add(out, expr(e.left, ctx));
        add(out, lower(expr(e.right, maybeCtx(ctx))));
        return out;
      case "ListComp":
      case "DictComp":
        add(out, comprehension(e.generators, 0, e.kind === "ListComp" ? [e.element] : [e.key, e.value], ctx));
        return out;
      default:
        return assertNever(e);
    }
  };
  const comprehension = (gens: readonly Comprehension[], i: number, results: readonly Expr[], ctx: Ctx): Counts => {
    const g = gens[i];
    if (g === undefined) {
      const out: Counts = [];
      for (const r of results) add(out, expr(r, ctx));
      return out;
    }
    const out: Counts = own(expr(g.iter, ctx));
    let inner = inLoop(ctx, g);
    const body: Counts = [];
    for (const c of g.ifs) {
      add(body, expr(c, inner));
      inner = maybeCtx(inner);
    }
    const rest = comprehension(gens, i + 1, results, inner);
    add(body, g.ifs.length > 0 ? lower(rest) : rest);
    const b = boundOfLoop(g.id);
    add(
      out,
      body.map((c) => (c === undefined ? c : scaleCount(c, b))),
    );
    return out;
  };

  /** Does the statement possibly leave its block early? */
  const exits = (s: Stmt): boolean =>
    s.kind === "Return" ||
    s.kind === "Break" ||
    s.kind === "Continue" ||
    ((s.kind === "If" || s.kind === "For") && tree.escapes[s.id] === 1);

  const block = (stmts: readonly Stmt[], ctx: Ctx): Counts => {
    const out: Counts = [];
    let c = ctx;
    let after = false;
    for (const s of stmts) {
      const r = stmt(s, c);
      add(out, after ? lower(r) : r);
      if (exits(s)) {
        after = true;
        c = maybeCtx(c);
      }
    }
    return out;
  };
  const stmt = (s: Stmt, ctx: Ctx): Counts => {
    switch (s.kind) {
      case "Assign": {
        const out = own(expr(s.value, ctx));
        add(out, targetCounts(s.target, ctx));
        return out;
      }
      case "AugAssign": {
        const out = own(expr(s.value, ctx));
        add(out, targetCounts(s.target, ctx));
        return out;
      }
      case "ExprStmt":
        return expr(s.expr, ctx);
      case "Return":
        return s.value === undefined ? [] : expr(s.value, ctx);
      case "Pass":
      case "Break":
      case "Continue":
        return [];
      case "If": {
        const out = own(expr(s.test, ctx));
        const a = block(s.body, maybeCtx(ctx));
        const b = block(s.orelse, maybeCtx(ctx));
        const len = Math.max(a.length, b.length);
        for (let i = 0; i < len; i++) {
          const c = eitherCounts(a[i], b[i]);
          if (c !== undefined) out[i] = addCounts(out[i], c);
        }
        return out;
      }
      case "For": {
        const out = own(expr(s.iter, ctx));
        const body = block(s.body, inLoop(ctx, s));
        const b = boundOfLoop(s.id);
        add(
          out,
          body.map((c) => (c === undefined ? c : scaleCount(c, b))),
        );
        return out;
      }
      default:
        return assertNever(s);
    }
  };
  const targetCounts = (t: Expr | AssignTarget, ctx: Ctx): Counts => {
    if (t.kind === "TupleTarget") {
      const out: Counts = [];
      for (const e of t.elements) add(out, targetCounts(e, ctx));
      return out;
    }
    if (t.kind === "Name") return [];
    return expr(t, ctx);
  };

  const total = block(tree.module.body, TOP);
  const zero: Count = { min: 0, max: 0, formula: "0", numeric: "0" };
  const functions = new Map<string, Count>();
  for (const [name, i] of fnIndex) functions.set(name, total[i] ?? zero);
  const effects = new Map<string, Count>();
  for (const [name, i] of effectIndex) effects.set(name, total[F + i] ?? zero);
  const costCount = total[COST] ?? zero;
  return {
    loopBound,
    siteBound,
    functions,
    effects,
    all: total[ALL] ?? zero,
    cost: { min: costCount.min, max: costCount.max },
    sitesByFunction,
  };
}

/** Calls `fn` on each direct sub-expression of a non-comprehension expression. */
function forEachExprChild(e: Expr, fn: (c: Expr) => void): void {
  switch (e.kind) {
    case "FString":
      for (const p of e.parts) if (typeof p !== "string") fn(p);
      return;
    case "List":
    case "Tuple":
      for (const x of e.elements) fn(x);
      return;
    case "Dict":
      for (const en of e.entries) {
        fn(en.key);
        fn(en.value);
      }
      return;
    case "BinOp":
    case "Compare":
      fn(e.left);
      fn(e.right);
      return;
    case "UnaryOp":
      fn(e.operand);
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
      if (e.lower !== undefined) fn(e.lower);
      if (e.upper !== undefined) fn(e.upper);
      return;
    case "Bool":
    case "BoolOp":
    case "Call":
    case "DictComp":
    case "IfExp":
    case "ListComp":
    case "Name":
    case "None":
    case "Number":
    case "String":
    default:
      return;
  }
}
