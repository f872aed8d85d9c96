import { UsageError } from "../../src/errors.js";
import { parseCatalogSource, type ReadFile } from "../../src/catalog/load.js";
import type { Catalog, CatalogFunction, CatalogInput } from "../../src/catalog/types.js";

/** The UsageError `fn` throws (fails the test when it throws nothing or something else). */
export function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error("expected a UsageError, but nothing was thrown");
}

/** The rejection of `p`, which must be a UsageError. */
export async function usageErrorAsync(p: Promise<unknown>): Promise<UsageError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error("expected a UsageError, but the promise resolved");
}

/** A TypeScript catalog from text, with optional extra files for imports (absolute path → text). */
export function tsCatalog(text: string, path = "/virtual/catalog.ts", files: Record<string, string> = {}): Catalog {
  const readFile: ReadFile = (p) => files[p];
  return parseCatalogSource(text, path, { readFile });
}

export function fn(catalog: Catalog, name: string): CatalogFunction {
  const f = catalog.functions.get(name);
  if (f === undefined) throw new Error(`no function ${name}`);
  return f;
}

export function input(catalog: Catalog, name: string): CatalogInput {
  const i = catalog.inputs.get(name);
  if (i === undefined) throw new Error(`no input ${name}`);
  return i;
}
