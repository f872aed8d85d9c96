/**
 * The dinner task of the seed paper (Figure 1) as an episode: the catalog
 * and policy of examples/dinner, a deterministic proxy that solves each
 * subtask (recorded preferences, the overlap logic, a booking handler that
 * counts its calls) and judges each solution 1, and a verifier that gives
 * R = 1 exactly when one table was booked at the restaurant everyone likes.
 */
import { readFileSync } from "node:fs";
import { loadCatalog } from "../../../src/catalog/load.js";
import type { Catalog } from "../../../src/catalog/types.js";
import type { Proxy, Verifier } from "../../../src/pipeline/episode.js";
import { loadPolicy } from "../../../src/policy/load.js";
import type { Policy } from "../../../src/policy/types.js";

export const ALIGNED = readFileSync("examples/dinner/aligned.pw", "utf8");
export const UNALIGNED = readFileSync("examples/dinner/unaligned.pw", "utf8");
export const INPUT = { users: ["kim", "lee", "max"] };

export async function dinnerContext(): Promise<{ catalog: Catalog; policy: Policy }> {
  const catalog = await loadCatalog("examples/dinner/catalog.ts");
  const policy = await loadPolicy("examples/dinner/policy.yaml", catalog);
  return { catalog, policy };
}

/** A proxy whose handlers count every call they get. */
export function dinnerProxy(): { proxy: Proxy; handlerCalls: string[] } {
  const handlerCalls: string[] = [];
  const proxy: Proxy = {
    version: "dinner-judge@1",
    solve(st) {
      switch (st.name) {
        case "ask_preference":
          return {
            kind: "handler",
            handler: (user: unknown) => {
              handlerCalls.push(`ask_preference(${String(user)})`);
              return (
                (
                  { kim: ["Noodle Bar", "Olive"], lee: ["Olive", "Noodle Bar"], max: ["Olive"] } as Record<
                    string,
                    string[]
                  >
                )[String(user)] ?? []
              );
            },
          };
        case "identify_overlap":
          return {
            kind: "handler",
            handler: (prefs: unknown) => {
              handlerCalls.push("identify_overlap");
              const lists = Object.values(prefs as Record<string, string[]>);
              return lists[0]?.find((r) => lists.every((l) => l.includes(r))) ?? "";
            },
          };
        case "book_table":
          return {
            kind: "handler",
            handler: (restaurant: unknown) => {
              handlerCalls.push(`book_table(${String(restaurant)})`);
              return { restaurant: String(restaurant), code: "R-00001" };
            },
          };
        default:
          return undefined;
      }
    },
    judge: () => 1,
  };
  return { proxy, handlerCalls };
}

/** R = 1 when exactly one table is booked, at Olive (the restaurant all three like). */
export const dinnerVerifier: Verifier = {
  version: "dinner-verifier@1",
  verify(_task, s) {
    const bookings = s.run.calls.filter((c) => c.fn === "book_table");
    return bookings.length === 1 && bookings[0]?.args[0] === "Olive" ? 1 : 0;
  },
};
