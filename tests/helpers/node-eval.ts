/**
 * The second evaluation path for compiled programs: PRELUDE + code in a
 * fresh `node:vm` context with a stub `__pw_host` backed by plain JS
 * handler functions. Used by the semantics, codegen and differential tests.
 */
import vm from "node:vm";
import { compile, type CompileInfo } from "../../src/runtime/codegen.js";
import { PRELUDE } from "../../src/runtime/prelude.js";
import { parse } from "../../src/syntax/parse.js";

/** The host object the guest sees as `__pw_host`. */
export interface StubHost {
  call(fn: string, argsJson: string, line: number): Promise<string>;
  print(text: string, line: number): undefined;
}

export type StubHandler = (...args: unknown[]) => unknown;

export interface EvalOptions {
  /** Handlers by function name; a throw becomes `{"err": {"kind": "handler"}}`. */
  readonly handlers?: Readonly<Record<string, StubHandler>>;
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Raw `__pw_inputs` text (wins over `inputs`), e.g. to keep a key order JS objects cannot. */
  readonly inputsJson?: string;
  readonly maxSteps?: number;
  /** Replaces the handler-backed host entirely (e.g. manually resolved promises). */
  readonly host?: StubHost;
}

export interface CallSeen {
  readonly fn: string;
  readonly args: unknown[];
  readonly line: number;
}

export interface EvalOutcome {
  /** The returned value when the envelope is `ok`. */
  readonly result?: unknown;
  readonly error?: { readonly kind: string; readonly message: string; readonly line?: number };
  readonly calls: CallSeen[];
  readonly prints: { readonly text: string; readonly line: number }[];
  /** The raw envelope text. */
  readonly envelope: string;
}

/** A host whose calls run `handlers` and record what the guest asked for. */
export function handlerHost(
  handlers: Readonly<Record<string, StubHandler>>,
  calls: CallSeen[],
  prints: { text: string; line: number }[],
): StubHost {
  return {
    call(fn, argsJson, line) {
      const args = JSON.parse(argsJson) as unknown[];
      calls.push({ fn, args, line });
      const h = handlers[fn];
      return Promise.resolve().then(() => {
        if (!h) return JSON.stringify({ err: { kind: "handler", message: `no handler for ${fn}` } });
        try {
          return Promise.resolve(h(...args)).then(
            (r) => JSON.stringify({ ok: r === undefined ? null : r }),
            (e: unknown) => JSON.stringify({ err: { kind: "handler", message: String(e) } }),
          );
        } catch (e) {
          return JSON.stringify({ err: { kind: "handler", message: String(e) } });
        }
      });
    },
    print(text, line) {
      prints.push({ text, line });
      return undefined;
    },
  };
}

/** Evaluates compiled code after the prelude in a fresh vm context. */
export async function evalCompiled(code: string, opts: EvalOptions = {}): Promise<EvalOutcome> {
  const calls: CallSeen[] = [];
  const prints: { text: string; line: number }[] = [];
  const host = opts.host ?? handlerHost(opts.handlers ?? {}, calls, prints);
  const ctx = vm.createContext({
    __pw_host: host,
    __pw_inputs: opts.inputsJson ?? JSON.stringify(opts.inputs ?? {}),
    __pw_max_steps: opts.maxSteps ?? 0,
  });
  vm.runInContext(PRELUDE, ctx, { timeout: 5000 });
  const envelope = (await (vm.runInContext(code, ctx, { timeout: 5000 }) as Promise<string>)) as unknown;
  if (typeof envelope !== "string") throw new Error(`the program did not resolve to a string: ${String(envelope)}`);
  const parsed = JSON.parse(envelope) as { ok?: unknown; err?: { kind: string; message: string; line?: number } };
  if ("ok" in parsed) return { result: parsed.ok, calls, prints, envelope };
  return { error: parsed.err!, calls, prints, envelope };
}

/** A CompileInfo from a compact description. */
export function infoOf(
  functions: Readonly<Record<string, { effectful?: boolean; params: readonly string[] }>> = {},
  inputs: readonly string[] = [],
): CompileInfo {
  return {
    functions: new Map(
      Object.entries(functions).map(([k, v]) => [k, { effectful: v.effectful ?? false, params: v.params }]),
    ),
    inputs: new Set(inputs),
  };
}

/** Parses (failing on syntax errors) and compiles `source`. */
export function compileSource(source: string, info: CompileInfo = infoOf()): string {
  const { module, diagnostics } = parse(source, "test.pw");
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new Error(`parse failed: ${errors.map((d) => `${d.rule}: ${d.message}`).join("; ")}`);
  return compile(module, info).code;
}

/** Parses, compiles and runs `source` in node:vm. */
export function runSource(source: string, opts: EvalOptions & { info?: CompileInfo } = {}): Promise<EvalOutcome> {
  return evalCompiled(compileSource(source, opts.info), opts);
}
