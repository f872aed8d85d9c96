import { UsageError } from "../../src/errors.js";
import { CatalogError } from "../../src/catalog/catalog-error.js";
import type { LoadProblem } from "../../src/catalog/load-problem.js";
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

/** Each problem of a catalog or policy error as `[line, column, key, message]`, for exact comparison. */
export function problemRows(err: {
  readonly problems: readonly LoadProblem[];
}): (readonly [number | undefined, number | undefined, string | undefined, string])[] {
  return err.problems.map((p) => [p.line, p.column, p.key, p.message] as const);
}

/** The CatalogError `fn` throws (fails the test when it throws nothing or something else). */
export function catalogError(fn: () => unknown): CatalogError {
  const err = usageError(fn);
  if (err instanceof CatalogError) return err;
  throw new Error(`expected a CatalogError, got ${err.name}`);
}
