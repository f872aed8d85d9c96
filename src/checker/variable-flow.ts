/**
 * Flow-sensitive facts about module variables, on the CFG, computed
 * sparsely (per variable, only where it occurs) so the cost stays linear
 * in practice instead of blocks × variables.
 *
 * Index: for every (block, variable) the variable's events in that block
 * in order (element position, `Name` id, read or write). Within one CFG
 * element reads happen before writes (`x = x + 1`).
 *
 * Definite assignment (`undefined-name`): a read is possibly unset when no
 * write precedes it in its block and a backward search over predecessors,
 * stopping at blocks that write the variable, reaches the entry.
 *
 * Dead stores (`unused-variable`): a write is dead when the next event in
 * its block is a write, or there is none and a forward search over
 * successors, stopping at blocks whose first event is a write, finds no
 * block whose first event is a read (liveness, asked per store).
 *
 * Last-iteration values (`loop-overwrite`): from each plain `x = …` or loop
 * target inside a `for` without `break`, a forward search that stops at
 * writes of `x` and reports the first read outside that loop.
 *
 * Searches are memoised per (block, variable). `dense-flow.ts` holds the
 * textbook bit-vector versions the tests compare these with.
 */
import type { Binding } from "./binder.js";
import { elementReads, elementWrites } from "./binder.js";
import type { Cfg } from "./cfg.js";
import type { TreeIndex } from "./tree.js";

const READ = 0;
const WRITE = 1;

/** A read after a loop that sees only the last iteration's value of a loop definition. */
export interface LastIterationRead {
  /** The `Name` read after the loop. */
  readonly read: number;
  /** The target `Name` assigned inside the loop. */
  readonly def: number;
  /** The `for` statement whose iterations overwrite it. */
  readonly loop: number;
}

/** What the variable analyses found. */
export interface VariableFlow {
  /** Reads (`Name` ids) of module variables that may be unset on some path. */
  readonly unsetReads: number[];
  /** Writes (target `Name` ids) whose value is never read. */
  readonly deadStores: number[];
  readonly lastIterationReads: LastIterationRead[];
}

/** Runs the three analyses. */
export function variableFlow(binding: Binding, cfg: Cfg, tree: TreeIndex): VariableFlow {
  const nv = binding.moduleVariables.size;
  const res = binding.resolution;
  const nb = cfg.blocks.length;
  const key = (b: number, v: number): number => b * nv + v;
  // Per (block, variable) "group": its events in order, as triples
  // [position, nameId, READ|WRITE] in one flat Int32Array (`data`, group g
  // holding triples start[g] .. start[g + 1] - 1). Groups are numbered in
  // order of their first event (blocks in reverse post-order). No list
  // object per group: one pass records the events flat, a second places them.
  const groupOf = new Map<number, number>();
  const groupKey: number[] = [];
  const groupSize: number[] = [];
  /** Flat quadruples [group, position, nameId, kind] in discovery order. */
  const flat: number[] = [];
  const push = (b: number, v: number, pos: number, id: number, kind: number): void => {
    const k = key(b, v);
    let g = groupOf.get(k);
    if (g === undefined) {
      g = groupKey.length;
      groupOf.set(k, g);
      groupKey.push(k);
      groupSize.push(0);
    }
    groupSize[g] = (groupSize[g] ?? 0) + 1;
    flat.push(g, pos, id, kind);
  };
  for (const b of cfg.rpo) {
    const els = cfg.blocks[b]?.elements ?? [];
    for (let i = 0; i < els.length; i++) {
      const el = els[i] ?? 0;
      for (const id of elementReads(binding, el)) {
        const v = res[id] ?? -1;
        if (v >= 0 && v < nv) push(b, v, i, id, READ);
      }
      for (const id of elementWrites(binding, el)) {
        const v = res[id] ?? -1;
        if (v >= 0 && v < nv) push(b, v, i, id, WRITE);
      }
    }
  }
  const ng = groupKey.length;
  /** Index in `data` of group g's first triple is 3 * start[g]. */
  const start = new Int32Array(ng + 1);
  for (let g = 0; g < ng; g++) start[g + 1] = (start[g] ?? 0) + (groupSize[g] ?? 0);
  const data = new Int32Array(3 * (start[ng] ?? 0));
  {
    const fill = start.slice(0, ng);
    for (let i = 0; i < flat.length; i += 4) {
      const g = flat[i] ?? 0;
      const at = 3 * (fill[g] ?? 0);
      fill[g] = (fill[g] ?? 0) + 1;
      data[at] = flat[i + 1] ?? 0;
      data[at + 1] = flat[i + 2] ?? 0;
      data[at + 2] = flat[i + 3] ?? 0;
    }
  }
  const from = (g: number): number => 3 * (start[g] ?? 0);
  const to = (g: number): number => 3 * (start[g + 1] ?? 0);
  /** Index in `data` of the first triple of group `g` with position > pos (or ≥ pos when `inclusive`). */
  const after = (g: number, pos: number, inclusive: boolean): number => {
    let lo = start[g] ?? 0;
    let hi = start[g + 1] ?? 0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = data[mid * 3] ?? 0;
      if (p > pos || (inclusive && p === pos)) hi = mid;
      else lo = mid + 1;
    }
    return lo * 3;
  };
  const hasWrite = (b: number, v: number): boolean => {
    const g = groupOf.get(key(b, v));
    if (g === undefined) return false;
    const end = to(g);
    for (let i = from(g) + 2; i < end; i += 3) if (data[i] === WRITE) return true;
    return false;
  };
  const visited = new Int32Array(nb);
  let stamp = 0;
  const stack: number[] = [];

  // ------------------------------------------------------------ definite assignment
  const unsetMemo = new Map<number, boolean>();
  /** May `v` be unset on entry to block `b`? */
  const mayBeUnsetAt = (b: number, v: number): boolean => {
    const k = key(b, v);
    const memo = unsetMemo.get(k);
    if (memo !== undefined) return memo;
    stamp++;
    stack.length = 0;
    let found = b === cfg.entry;
    if (!found) stack.push(b);
    while (stack.length > 0 && !found) {
      const x = stack.pop() ?? 0;
      for (const p of cfg.blocks[x]?.preds ?? []) {
        if (cfg.reachable[p] !== 1 || visited[p] === stamp) continue;
        visited[p] = stamp;
        if (hasWrite(p, v)) continue;
        if (p === cfg.entry) {
          found = true;
          break;
        }
        stack.push(p);
      }
    }
    unsetMemo.set(k, found);
    return found;
  };
  const unsetReads: number[] = [];
  for (let g = 0; g < ng; g++) {
    const k = groupKey[g] ?? 0;
    const b = Math.floor(k / nv);
    const v = k - b * nv;
    // Reads of an element come before its writes in the group, so `written`
    // only counts writes of earlier elements.
    let written = false;
    const end = to(g);
    for (let i = from(g); i < end; i += 3) {
      if (data[i + 2] === WRITE) written = true;
      else if (!written && mayBeUnsetAt(b, v)) unsetReads.push(data[i + 1] ?? 0);
    }
  }

  // ------------------------------------------------------------ liveness
  const liveMemo = new Map<number, boolean>();
  /** Is `v` read on some path leaving block `b` before being written? */
  const liveOut = (b: number, v: number): boolean => {
    const k = key(b, v);
    const memo = liveMemo.get(k);
    if (memo !== undefined) return memo;
    stamp++;
    stack.length = 0;
    stack.push(b);
    let found = false;
    while (stack.length > 0 && !found) {
      const x = stack.pop() ?? 0;
      for (const s of cfg.blocks[x]?.succs ?? []) {
        if (visited[s] === stamp) continue;
        visited[s] = stamp;
        const g = groupOf.get(key(s, v));
        if (g !== undefined) {
          if (data[from(g) + 2] === READ) {
            found = true;
            break;
          }
          continue; // written first: this path is dead
        }
        stack.push(s);
      }
    }
    liveMemo.set(k, found);
    return found;
  };
  const deadStores: number[] = [];
  for (let g = 0; g < ng; g++) {
    const k = groupKey[g] ?? 0;
    const b = Math.floor(k / nv);
    const v = k - b * nv;
    const end = to(g);
    for (let i = from(g); i < end; i += 3) {
      if (data[i + 2] !== WRITE) continue;
      const next = after(g, data[i] ?? 0, false);
      const dead = next < end ? data[next + 2] === WRITE : !liveOut(b, v);
      if (dead) deadStores.push(data[i + 1] ?? 0);
    }
  }

  // ------------------------------------------------------------ last iteration
  const inside = (node: number, loop: number): boolean => {
    for (let l = tree.loopOf[node] ?? -1; l >= 0; l = tree.loopOf[l] ?? -1) if (l === loop) return true;
    return false;
  };
  // Block and element position of each write, by target `Name` id (-1: none).
  const writeBlock = new Int32Array(tree.nodes.length).fill(-1);
  const writePos = new Int32Array(tree.nodes.length);
  for (let g = 0; g < ng; g++) {
    const b = Math.floor((groupKey[g] ?? 0) / nv);
    const end = to(g);
    for (let i = from(g); i < end; i += 3)
      if (data[i + 2] === WRITE) {
        const id = data[i + 1] ?? 0;
        writeBlock[id] = b;
        writePos[id] = data[i] ?? 0;
      }
  }
  const lastIterationReads: LastIterationRead[] = [];
  const consider = (defId: number, loop: number): void => {
    const v = res[defId] ?? -1;
    const atB = writeBlock[defId] ?? -1;
    if (v < 0 || v >= nv || loop < 0 || atB < 0 || tree.hasBreak[loop] === 1) return;
    const at = { b: atB, pos: writePos[defId] ?? 0 };
    const variable = binding.variables[v];
    if (variable === undefined || !variable.reads.some((r) => !inside(r.id, loop))) return;
    let best = -1;
    /** Scans the triples of `data` from index `i` to `end`; returns true when the path is killed. */
    const scan = (i: number, end: number): boolean => {
      for (; i < end; i += 3) {
        const id = data[i + 1] ?? 0;
        if (data[i + 2] === WRITE) return true;
        if (!inside(id, loop)) {
          if (best < 0 || id < best) best = id;
          return true;
        }
      }
      return false;
    };
    const own = groupOf.get(key(at.b, v));
    if (own !== undefined && scan(after(own, at.pos, false), to(own))) {
      if (best >= 0) lastIterationReads.push({ read: best, def: defId, loop });
      return;
    }
    stamp++;
    stack.length = 0;
    stack.push(at.b);
    while (stack.length > 0) {
      const x = stack.pop() ?? 0;
      for (const s of cfg.blocks[x]?.succs ?? []) {
        if (visited[s] === stamp) continue;
        visited[s] = stamp;
        const g = groupOf.get(key(s, v));
        if (g !== undefined && scan(from(g), to(g))) continue;
        stack.push(s);
      }
    }
    if (best >= 0) lastIterationReads.push({ read: best, def: defId, loop });
  };
  for (const s of tree.stmts) {
    if (s.kind === "Assign") for (const id of binding.writesOf[s.id] ?? []) consider(id, tree.loopOf[s.id] ?? -1);
    else if (s.kind === "For") for (const id of binding.bindsOf[s.id] ?? []) consider(id, s.id);
  }
  return {
    unsetReads: unsetReads.sort((a, b) => a - b),
    deadStores: deadStores.sort((a, b) => a - b),
    lastIterationReads: lastIterationReads.sort((a, b) => a.read - b.read || a.def - b.def),
  };
}
