/**
 * The guest runtime: JavaScript source evaluated once in every fresh sandbox
 * context before a compiled program (see `codegen.ts`).
 *
 * Protocol (the host side lives in the sandbox):
 * - Before the program runs, the host defines the globals `__pw_host`
 *   (`call(fn, argsJson, line)` and `print(text, line)`), `__pw_inputs`
 *   (JSON text of an object: input name to value) and `__pw_max_steps`
 *   (0 = unlimited). They are read when the program starts.
 * - A call's result is the envelope `{"ok": v}` or `{"err": {"kind",
 *   "message"}}`. `call` either returns a promise of the envelope's text
 *   (never rejecting), or returns `true` and the host later passes results
 *   in batches to `__pw_deliver(text)`, `text` being the JSON of
 *   `[[seq, envelope], …]` where `seq` counts calls from 0 in the order
 *   they were issued. The sandbox does the latter (one crossing per batch,
 *   no promise per call); the node:vm test path the former.
 * - When `__pw_host.queue` is true, the guest calls neither `call` nor
 *   `print`: it queues them, and the host takes them after every slice with
 *   `__pw_take()`, the JSON text of `[[0, seq, fn, argsJson, line] |
 *   [1, text, line], …]` in program order ("" when there are none). The
 *   sandbox does this (a guest→host crossing costs more than the call's
 *   whole bookkeeping); the print text crosses exactly, as JSON.
 * - The prelude defines three globals, `__pw_run(main)`,
 *   `__pw_deliver(text)` and `__pw_take()`, non-enumerable and read-only. The compiled program is the expression statement
 *   `__pw_run(async ($) => …)`, so evaluating it yields a promise that
 *   resolves (never rejects) to the envelope `{"ok": value}` or
 *   `{"err": {"kind", "message", "line"?}}` as JSON text.
 *
 * Values inside the guest: `null` (None), booleans, numbers (an integral
 * number is an int; a non-integral one, NaN or ±inf is a float; a float with
 * an integral value such as `2.0` is boxed so `str()` can show `2.0`),
 * strings, arrays (lists; tuples are non-extensible arrays), dicts (a class
 * around a `Map`, so any string key is an ordinary key), ranges, and futures
 * of catalog calls that have not been needed yet.
 */
import { PRELUDE_LIB } from "./prelude-lib.js";
import { PRELUDE_RUN } from "./prelude-run.js";
import { PRELUDE_VALUES } from "./prelude-values.js";

/** The guest runtime's source text (plain ES2020). */
export const PRELUDE: string = PRELUDE_VALUES + PRELUDE_LIB + PRELUDE_RUN;
