/**
 * Loads the TypeScript compiler that ts-morph ships, lazily and
 * synchronously, the first time a TypeScript catalog is read. Nothing the
 * CLI loads eagerly imports it, so commands that never read a `.ts` catalog
 * never pay for it.
 *
 * Only the parser is needed (declarations and type text are read from the
 * syntax tree; no type checker, no lib files), so this loads ts-morph's
 * bundled `typescript.js` directly (about 160 ms cold here) instead of all
 * of ts-morph (about 250 ms); it falls back to `require("ts-morph").ts`.
 */
import { createRequire } from "node:module";
import type { ts } from "ts-morph";

/** The TypeScript compiler API, as ts-morph re-exports it. */
export type TypeScript = typeof ts;

let loaded: TypeScript | undefined;

/** The TypeScript compiler API (loaded on first use, then cached). */
export function typescriptModule(): TypeScript {
  if (loaded !== undefined) return loaded;
  const requireCjs = createRequire(import.meta.url);
  try {
    const fromMorph = createRequire(requireCjs.resolve("ts-morph"));
    const common = fromMorph.resolve("@ts-morph/common");
    loaded = createRequire(common)("./typescript.js") as TypeScript;
  } catch {
    loaded = (requireCjs("ts-morph") as { ts: TypeScript }).ts;
  }
  return loaded;
}
