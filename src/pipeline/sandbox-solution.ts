/**
 * A partial solution given as JavaScript source, run in its own QuickJS
 * context (a fresh runtime per call, with a memory limit and a deadline).
 * The source must define `function solve(...args)` (it may be `async`).
 * Inside, each name listed in `tools` is an async function that calls that
 * catalog tool's host handler; nothing else of the host is reachable (no
 * `require`, no I/O, no timers). Only pure tools may be declared: an effect
 * made from inside a partial solution would escape the composition's
 * budgets, approval and journal.
 */
import { newQuickJSWASMModuleFromVariant, RELEASE_SYNC, shouldInterruptAfterDeadline } from "quickjs-emscripten";
import type { QuickJSContext, QuickJSHandle, QuickJSWASMModule } from "quickjs-emscripten";
import type { Handler, JsonValue } from "../runtime/types.js";
import { callArgs, type SourceSolution } from "./solutions.js";

let quickjs: Promise<QuickJSWASMModule> | undefined;

function loadQuickJS(): Promise<QuickJSWASMModule> {
  quickjs ??= newQuickJSWASMModuleFromVariant(RELEASE_SYNC);
  return quickjs;
}

/** Limits of one call of a source solution. */
export interface SandboxLimits {
  readonly timeoutMs: number;
  readonly memoryMb: number;
}

const DEFAULT_LIMITS: SandboxLimits = { timeoutMs: 5_000, memoryMb: 64 };

function toHandle(vm: QuickJSContext, v: unknown): QuickJSHandle {
  if (v === undefined) return vm.undefined;
  return vm.unwrapResult(vm.evalCode(`(${JSON.stringify(v)})`));
}

function errorMessage(vm: QuickJSContext, h: QuickJSHandle): string {
  const e: unknown = vm.dump(h);
  h.dispose();
  if (typeof e === "object" && e !== null && "message" in e) return String(e.message);
  return String(e);
}

/**
 * A handler that runs `solution.source` in QuickJS for each call. `tools`
 * maps each tool name the solution declares to its host handler.
 */
export function sandboxHandler(
  name: string,
  solution: SourceSolution,
  tools: Readonly<Record<string, Handler>>,
  limits: Partial<SandboxLimits> = {},
): Handler {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  return async (...raw: unknown[]): Promise<JsonValue> => {
    const args = callArgs(raw);
    const mod = await loadQuickJS();
    const rt = mod.newRuntime();
    rt.setMemoryLimit(lim.memoryMb * 1024 * 1024);
    rt.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + lim.timeoutMs));
    const vm = rt.newContext();
    const pending = new Set<Promise<void>>();
    try {
      for (const [tool, handler] of Object.entries(tools)) {
        const fn = vm.newFunction(tool, (...argHandles) => {
          const toolArgs = argHandles.map((h) => vm.dump(h) as unknown);
          const deferred = vm.newPromise();
          const settle = Promise.resolve()
            .then(() => handler(...toolArgs))
            .then(
              (v) => {
                const h = toHandle(vm, v);
                deferred.resolve(h);
                h.dispose();
              },
              (e: unknown) => {
                const h = vm.newError(e instanceof Error ? e.message : String(e));
                deferred.reject(h);
                h.dispose();
              },
            )
            .finally(() => {
              pending.delete(settle);
              rt.executePendingJobs();
            });
          pending.add(settle);
          return deferred.handle;
        });
        vm.setProp(vm.global, tool, fn);
        fn.dispose();
      }
      const solve = vm.evalCode(`${solution.source}\n;typeof solve === "function" ? solve : undefined`, `${name}.js`);
      if (solve.error !== undefined)
        throw new Error(`partial solution of \`${name}\`: ${errorMessage(vm, solve.error)}`);
      const solveFn = solve.value;
      if (vm.typeof(solveFn) !== "function") {
        solveFn.dispose();
        throw new Error(`partial solution of \`${name}\` does not define \`function solve(...)\``);
      }
      const argHandles = args.map((a) => toHandle(vm, a));
      const called = vm.callFunction(solveFn, vm.undefined, ...argHandles);
      argHandles.forEach((h) => h.dispose());
      solveFn.dispose();
      if (called.error !== undefined)
        throw new Error(`partial solution of \`${name}\`: ${errorMessage(vm, called.error)}`);
      const promised = vm.resolvePromise(called.value);
      called.value.dispose();
      rt.executePendingJobs();
      const settled = await promised;
      while (pending.size > 0) await Promise.all([...pending]);
      if (settled.error !== undefined)
        throw new Error(`partial solution of \`${name}\`: ${errorMessage(vm, settled.error)}`);
      const value = vm.dump(settled.value) as JsonValue;
      settled.value.dispose();
      return value;
    } finally {
      vm.dispose();
      rt.dispose();
    }
  };
}
