/**
 * Dense bit-vector versions of the variable analyses over the CFG (one bit
 * per variable or definition per block). Quadratic in the worst case, so
 * `check` uses the sparse versions in `variable-flow.ts`; these are the
 * reference the tests compare them with.
 *
 * Definite assignment: forward must-analysis, one bit per module variable
 * (meet = intersection, unreached blocks start at "all set").
 *
 * Dead stores (for `unused-variable`): backward liveness with one bit per
 * variable; an assignment whose variable is not live right after it is
 * never read.
 *
 * Last-iteration values (for `loop-overwrite`): a forward may-analysis with
 * one bit per *loop definition* (a plain `x = …` or loop target inside a
 * `for` that has no `break`). Any assignment to `x` kills `x`'s loop
 * definitions; a read of `x` outside the loop of a loop definition that
 * reaches it sees only the last iteration's value.
 */
import type { Binding } from "./binder.js";
import { bitWords, elementReads, elementWrites } from "./binder.js";
import type { Cfg } from "./cfg.js";
import { EL_FOR_BIND, elementKind, elementNode } from "./cfg.js";
import type { TreeIndex } from "./tree.js";

/** Assignments (target `Name` ids) whose value is never read. */
export function deadStoresDense(binding: Binding, cfg: Cfg): number[] {
  const nvars = binding.moduleVariables.size;
  const words = bitWords(nvars);
  const nb = cfg.blocks.length;
  const liveIn = new Int32Array(nb * words);
  const res = binding.resolution;
  const cur = new Int32Array(words);
  const has = (v: number): boolean => ((cur[v >>> 5] ?? 0) & (1 << (v & 31))) !== 0;
  const set = (v: number): void => {
    cur[v >>> 5]! |= 1 << (v & 31);
  };
  const clear = (v: number): void => {
    cur[v >>> 5]! &= ~(1 << (v & 31));
  };
  /** Transfer one block backwards from `cur` (= live-out); records dead stores when `out` is given. */
  const transfer = (b: number, out: number[] | undefined): void => {
    const els = cfg.blocks[b]?.elements ?? [];
    for (let i = els.length - 1; i >= 0; i--) {
      const el = els[i] ?? 0;
      const writes = elementWrites(binding, el);
      for (const id of writes) {
        const v = res[id] ?? -1;
        if (v >= 0 && out !== undefined && !has(v)) out.push(id);
      }
      for (const id of writes) {
        const v = res[id] ?? -1;
        if (v >= 0) clear(v);
      }
      for (const id of elementReads(binding, el)) {
        const v = res[id] ?? -1;
        if (v >= 0) set(v);
      }
    }
  };
  const liveOut = (b: number): void => {
    cur.fill(0);
    for (const s of cfg.blocks[b]?.succs ?? []) {
      for (let w = 0; w < words; w++) cur[w]! |= liveIn[s * words + w] ?? 0;
    }
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = cfg.rpo.length - 1; i >= 0; i--) {
      const b = cfg.rpo[i] ?? 0;
      liveOut(b);
      transfer(b, undefined);
      for (let w = 0; w < words; w++) {
        if (liveIn[b * words + w] !== cur[w]) {
          liveIn[b * words + w] = cur[w] ?? 0;
          changed = true;
        }
      }
    }
  }
  const out: number[] = [];
  for (const b of cfg.rpo) {
    liveOut(b);
    transfer(b, out);
  }
  return out.sort((a, b) => a - b);
}

/** A read that sees only the last iteration's value of a loop definition. */
export interface LastIterationReadDense {
  /** The `Name` read after the loop. */
  readonly read: number;
  /** The target `Name` assigned inside the loop. */
  readonly def: number;
  /** The `for` statement whose iterations overwrite it. */
  readonly loop: number;
}

/** Finds reads after a loop of a variable overwritten on every iteration (first read per definition). */
export function lastIterationReadsDense(binding: Binding, cfg: Cfg, tree: TreeIndex): LastIterationReadDense[] {
  const res = binding.resolution;
  // Number the loop definitions.
  const defIds: number[] = [];
  const defLoop: number[] = [];
  const defIndex = new Map<number, number>();
  const byVar = new Map<number, number[]>();
  const addDef = (nameId: number, loop: number): void => {
    const v = res[nameId] ?? -1;
    if (v < 0 || loop < 0 || tree.hasBreak[loop] === 1) return;
    defIndex.set(nameId, defIds.length);
    let list = byVar.get(v);
    if (list === undefined) byVar.set(v, (list = []));
    list.push(defIds.length);
    defIds.push(nameId);
    defLoop.push(loop);
  };
  for (const s of tree.stmts) {
    if (s.kind === "Assign") for (const id of binding.writesOf[s.id] ?? []) addDef(id, tree.loopOf[s.id] ?? -1);
    else if (s.kind === "For") for (const id of binding.bindsOf[s.id] ?? []) addDef(id, s.id);
  }
  if (defIds.length === 0) return [];
  const words = bitWords(defIds.length);
  const nb = cfg.blocks.length;
  const outSets = new Int32Array(nb * words);
  const cur = new Int32Array(words);
  const found: LastIterationReadDense[] = [];
  const reported = new Set<number>();
  const inside = (node: number, loop: number): boolean => {
    for (let l = tree.loopOf[node] ?? -1; l >= 0; l = tree.loopOf[l] ?? -1) if (l === loop) return true;
    return false;
  };
  const transfer = (b: number, record: boolean): void => {
    for (const el of cfg.blocks[b]?.elements ?? []) {
      if (record) {
        for (const id of elementReads(binding, el)) {
          const v = res[id] ?? -1;
          for (const d of byVar.get(v) ?? []) {
            if (((cur[d >>> 5] ?? 0) & (1 << (d & 31))) === 0) continue;
            const loop = defLoop[d] ?? -1;
            if (inside(id, loop) || reported.has(d)) continue;
            reported.add(d);
            found.push({ read: id, def: defIds[d] ?? 0, loop });
          }
        }
      }
      const writes = elementWrites(binding, el);
      for (const id of writes) {
        for (const d of byVar.get(res[id] ?? -1) ?? []) cur[d >>> 5]! &= ~(1 << (d & 31));
      }
      for (const id of writes) {
        const d = defIndex.get(id);
        // A loop target is defined by the bind element only; an assignment by its statement.
        if (d !== undefined && (elementKind(el) !== EL_FOR_BIND || elementNode(el) === defLoop[d])) {
          cur[d >>> 5]! |= 1 << (d & 31);
        }
      }
    }
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const b of cfg.rpo) {
      cur.fill(0);
      for (const p of cfg.blocks[b]?.preds ?? []) {
        for (let w = 0; w < words; w++) cur[w]! |= outSets[p * words + w] ?? 0;
      }
      transfer(b, false);
      for (let w = 0; w < words; w++) {
        if (outSets[b * words + w] !== cur[w]) {
          outSets[b * words + w] = cur[w] ?? 0;
          changed = true;
        }
      }
    }
  }
  for (const b of cfg.rpo) {
    cur.fill(0);
    for (const p of cfg.blocks[b]?.preds ?? []) {
      for (let w = 0; w < words; w++) cur[w]! |= outSets[p * words + w] ?? 0;
    }
    transfer(b, true);
  }
  return found.sort((a, b) => a.read - b.read);
}

/**
 * Runs definite assignment over the CFG and returns the reads (`Name` ids)
 * of module variables that may happen before any assignment on some path.
 */
export function possiblyUnsetReadsDense(binding: Binding, cfg: Cfg): number[] {
  const moduleVars = binding.variables.filter((v) => v.comprehension === undefined).length;
  const words = bitWords(moduleVars);
  const nb = cfg.blocks.length;
  const inSets = new Int32Array(nb * words).fill(-1);
  const outSets = new Int32Array(nb * words).fill(-1);
  for (let w = 0; w < words; w++) inSets[cfg.entry * words + w] = 0;
  const res = binding.resolution;
  const gen = new Int32Array(nb * words);
  for (const b of cfg.blocks) {
    for (const el of b.elements) {
      for (const id of elementWrites(binding, el)) {
        const v = res[id] ?? -1;
        if (v >= 0) gen[b.id * words + (v >>> 5)]! |= 1 << (v & 31);
      }
    }
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const b of cfg.rpo) {
      const block = cfg.blocks[b];
      if (block === undefined) continue;
      if (b !== cfg.entry) {
        for (let w = 0; w < words; w++) {
          let acc = -1;
          for (const p of block.preds) if (cfg.reachable[p] === 1) acc &= outSets[p * words + w] ?? 0;
          inSets[b * words + w] = acc;
        }
      }
      for (let w = 0; w < words; w++) {
        const o = (inSets[b * words + w] ?? 0) | (gen[b * words + w] ?? 0);
        if (o !== outSets[b * words + w]) {
          outSets[b * words + w] = o;
          changed = true;
        }
      }
    }
  }
  const out: number[] = [];
  const cur = new Int32Array(words);
  for (const b of cfg.rpo) {
    const block = cfg.blocks[b];
    if (block === undefined) continue;
    for (let w = 0; w < words; w++) cur[w] = inSets[b * words + w] ?? 0;
    for (const el of block.elements) {
      for (const id of elementReads(binding, el)) {
        const v = res[id] ?? -1;
        if (v >= 0 && ((cur[v >>> 5] ?? 0) & (1 << (v & 31))) === 0) out.push(id);
      }
      for (const id of elementWrites(binding, el)) {
        const v = res[id] ?? -1;
        if (v >= 0) cur[v >>> 5]! |= 1 << (v & 31);
      }
    }
  }
  return out.sort((a, b) => a - b);
}
