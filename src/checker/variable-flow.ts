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
  /** Per (block, variable): flat triples [position, nameId, READ|WRITE] in order. */
  const events = new Map<number, number[]>();
  const push = (b: number, v: number, pos: number, id: number, kind: number): void => {
    const k = key(b, v);
    let list = events.get(k);
    if (list === undefined) events.set(k, (list = []));
    list.push(pos, id, kind);
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
  /** Index of the first triple with position > pos (or ≥ pos when `inclusive`). */
  const after = (list: readonly number[], pos: number, inclusive: boolean): number => {
    let lo = 0;
    let hi = list.length / 3;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = list[mid * 3] ?? 0;
      if (p > pos || (inclusive && p === pos)) hi = mid;
      else lo = mid + 1;
    }
    return lo * 3;
  };
  const hasWrite = (b: number, v: number): boolean => {
    const list = events.get(key(b, v));
    if (list === undefined) return false;
    for (let i = 2; i < list.length; i += 3) if (list[i] === WRITE) return true;
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
  for (const [k, list] of events) {
    const b = Math.floor(k / nv);
    const v = k - b * nv;
    // Reads of an element come before its writes in the list, so `written`
    // only counts writes of earlier elements.
    let written = false;
    for (let i = 0; i < list.length; i += 3) {
      if (list[i + 2] === WRITE) written = true;
      else if (!written && mayBeUnsetAt(b, v)) unsetReads.push(list[i + 1] ?? 0);
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
        const list = events.get(key(s, v));
        if (list !== undefined) {
          if (list[2] === READ) {
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
  for (const [k, list] of events) {
    const b = Math.floor(k / nv);
    const v = k - b * nv;
    for (let i = 0; i < list.length; i += 3) {
      if (list[i + 2] !== WRITE) continue;
      const next = after(list, list[i] ?? 0, false);
      const dead = next < list.length ? list[next + 2] === WRITE : !liveOut(b, v);
      if (dead) deadStores.push(list[i + 1] ?? 0);
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
  for (const [k, list] of events) {
    const b = Math.floor(k / nv);
    for (let i = 0; i < list.length; i += 3)
      if (list[i + 2] === WRITE) {
        const id = list[i + 1] ?? 0;
        writeBlock[id] = b;
        writePos[id] = list[i] ?? 0;
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
    /** Scans triples from index `from`; returns true when the path is killed. */
    const scan = (list: readonly number[], from: number): boolean => {
      for (let i = from; i < list.length; i += 3) {
        const id = list[i + 1] ?? 0;
        if (list[i + 2] === WRITE) return true;
        if (!inside(id, loop)) {
          if (best < 0 || id < best) best = id;
          return true;
        }
      }
      return false;
    };
    const own = events.get(key(at.b, v)) ?? [];
    if (scan(own, after(own, at.pos, false))) {
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
        const list = events.get(key(s, v));
        if (list !== undefined && scan(list, 0)) continue;
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
