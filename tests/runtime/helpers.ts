/** Shared fixtures of the runtime tests: the dinner catalog and handlers with manual control. */
import { catalogFromObject, catalogTypes } from "../../src/catalog/build.js";
import type { Catalog } from "../../src/catalog/types.js";
import type { CallRecord, HandlerContext, JsonValue, RunResult, TraceEvent } from "../../src/runtime/types.js";

const { list, dict, record } = catalogTypes;

/** The seed example's catalog, built in code (handlers are passed to `run`). */
export function dinnerCatalog(extra: Parameters<typeof catalogFromObject>[0]["functions"] = {}): Catalog {
  return catalogFromObject({
    functions: {
      ask_preference: { params: { user: "string" }, returns: list("string"), maxItems: 5 },
      identify_overlap: { params: { preferences: dict(list("string")) }, returns: "string" },
      book_table: {
        params: { restaurant: "string" },
        returns: record({ restaurant: "string", confirmed: "boolean" }, "Booking"),
        effect: "reservation",
        irreversible: true,
      },
      ...extra,
    },
    inputs: { users: { type: list("string"), maxItems: 20 } },
  });
}

export const ALIGNED = `prefs = {}
for u in users:
    prefs[u] = ask_preference(u)
r = identify_overlap(prefs)
book_table(r)
return r
`;

export const UNALIGNED = `bookings = {}
for u in users:
    prefs = ask_preference(u)
    for r in prefs:
        book_table(r)
r = identify_overlap(prefs)
`;

/** Deterministic instant handlers; `log` records every call with its context. */
export function instantHandlers(log: { fn: string; args: unknown[]; ctx: HandlerContext }[] = []) {
  return {
    ask_preference: (user: unknown, ctx: unknown) => {
      log.push({ fn: "ask_preference", args: [user], ctx: ctx as HandlerContext });
      return String(user).length % 2 === 0 ? ["Roma", "Sakura"] : ["Sakura", "Roma"];
    },
    identify_overlap: (prefs: unknown, ctx: unknown) => {
      log.push({ fn: "identify_overlap", args: [prefs], ctx: ctx as HandlerContext });
      return "Sakura";
    },
    book_table: (restaurant: unknown, ctx: unknown) => {
      log.push({ fn: "book_table", args: [restaurant], ctx: ctx as HandlerContext });
      return Promise.resolve({ restaurant: String(restaurant), confirmed: true });
    },
  };
}

/** Calls without timing fields. */
export function untimed(calls: readonly CallRecord[]): unknown[] {
  return calls.map(({ startMs: _s, endMs: _e, ...rest }) => rest);
}

/** Events without timing fields and run ids. */
export function untimedEvents(events: readonly TraceEvent[]): unknown[] {
  return events.map((e) => {
    const { t: _t, ...rest } = e as TraceEvent & { ms?: number; runId?: string };
    delete (rest as { ms?: number }).ms;
    delete (rest as { runId?: string }).runId;
    return rest;
  });
}

/** A promise with its resolve and reject. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Waits until `cond()` holds (polling the event loop; no timing assertion). */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
}

export function errorOf(r: RunResult): { kind: string; message: string; line?: number } | undefined {
  return r.error;
}

export type { JsonValue };
