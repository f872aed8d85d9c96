/**
 * A partial solution given as JavaScript source, run in its own QuickJS
 * context (a fresh runtime per call, with a memory limit and a deadline).
 * The source must define `function solve(...args)` (it may be `async`).
 * Inside, each name listed in `tools` is an async function that makes that
 * catalog call through `callTool` (which traces it, counts it against the
 * policy's budgets and serves it; see `tool-calls.ts`); nothing else of
 * the host is reachable (no `require`, no I/O, no timers). A call refused
 * with `ToolRefused` (over budget, not approved) fails the whole subtask
 * call, whatever the solution does with the rejection; any other failure
 * of a tool call is an exception the solution may catch.
 */
import { newQuickJSWASMModuleFromVariant, RELEASE_SYNC, shouldInterruptAfterDeadline } from "quickjs-emscripten";
import type { QuickJSContext, QuickJSHandle, QuickJSWASMModule } from "quickjs-emscripten";
import type { Handler, HandlerContext, JsonValue } from "../runtime/types.js";
import { callArgs, handlerContext, type SourceSolution } from "./solutions.js";

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

/**
 * A tool call refused by the policy: it fails the subtask call even when
 * the partial solution catches it.
 */
export class ToolRefused extends Error {
  override readonly name: string = "ToolRefused";
}

/** One tool call of one run of a partial solution. */
export interface ToolCallSite {
  /** The runtime's context of the subtask call that runs the solution, when there is one. */
  readonly context: HandlerContext | undefined;
  /** The call's index among this run's tool calls (0, 1, …). */
  readonly index: number;
}

/** Makes one tool call for a partial solution (arguments as JSON copies). */
export type ToolCaller = (tool: string, args: readonly JsonValue[], site: ToolCallSite) => Promise<unknown>;

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

/** A JSON copy of a value dumped from the guest (`undefined` becomes `null`). */
function jsonOf(v: unknown): JsonValue {
  if (v === undefined) return null;
  try {
    return (JSON.parse(JSON.stringify(v) ?? "null") as JsonValue | undefined) ?? null;
  } catch {
    return null;
  }
}

/**
 * A handler that runs `solution.source` in QuickJS for each call. `tools`
 * names the catalog tools the solution may call; each call goes through
 * `callTool`.
 */
export function sandboxHandler(
  name: string,
  solution: SourceSolution,
  tools: readonly string[],
  callTool: ToolCaller,
  limits: Partial<SandboxLimits> = {},
): Handler {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  return async (...raw: unknown[]): Promise<JsonValue> => {
    const args = callArgs(raw);
    const context = handlerContext(raw);
    let calls = 0;
    let refused: ToolRefused | undefined;
    const mod = await loadQuickJS();
    const rt = mod.newRuntime();
    rt.setMemoryLimit(lim.memoryMb * 1024 * 1024);
    rt.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + lim.timeoutMs));
    const vm = rt.newContext();
    const pending = new Set<Promise<void>>();
    try {
      for (const tool of tools) {
        const fn = vm.newFunction(tool, (...argHandles) => {
          const toolArgs = argHandles.map((h) => jsonOf(vm.dump(h)));
          const site: ToolCallSite = { context, index: calls++ };
          const deferred = vm.newPromise();
          const settle = Promise.resolve()
            .then(() => callTool(tool, toolArgs, site))
            .then(
              (v) => {
                const h = toHandle(vm, v);
                deferred.resolve(h);
                h.dispose();
              },
              (e: unknown) => {
                if (e instanceof ToolRefused) refused ??= e;
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
      if (refused !== undefined) {
        if (settled.error !== undefined) settled.error.dispose();
        else settled.value.dispose();
        throw new Error(`partial solution of \`${name}\`: ${refused.message}`);
      }
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
