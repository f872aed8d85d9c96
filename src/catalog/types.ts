/**
 * One Catalog, whatever it was read from (a TypeScript module through
 * ts-morph, or an MCP `tools/list` JSON): the subtask functions a
 * composition may call and the inputs it may read, with their types,
 * effects and size bounds. Immutable once loaded; `check` reuses it.
 */

/** The static types of the language, mapped from catalog declarations. */
export type Type =
  | { readonly kind: "any" }
  | { readonly kind: "string" }
  | { readonly kind: "number" }
  | { readonly kind: "boolean" }
  | { readonly kind: "null" }
  | { readonly kind: "literal"; readonly value: string | number | boolean }
  | { readonly kind: "list"; readonly element: Type }
  | { readonly kind: "dict"; readonly value: Type }
  | { readonly kind: "record"; readonly name?: string; readonly fields: Readonly<Record<string, Field>> }
  | { readonly kind: "union"; readonly types: readonly Type[] };

export interface Field {
  readonly type: Type;
  readonly optional: boolean;
}

/** Where a declaration stands in the catalog file (1-based line). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

export interface Param {
  readonly name: string;
  readonly type: Type;
  readonly optional: boolean;
  readonly doc?: string;
}

/** A subtask the composition may call. */
export interface CatalogFunction {
  readonly name: string;
  readonly params: readonly Param[];
  /** The result type (`Promise<T>` unwrapped). */
  readonly returns: Type;
  /** Effect class (`@effect CLASS`); undefined for a pure call. */
  readonly effect: string | undefined;
  readonly irreversible: boolean;
  /** `@maxItems N` / `@minItems N` on the returned collection. */
  readonly maxItems: number | undefined;
  readonly minItems: number | undefined;
  /** `@cost N`, default 1. */
  readonly cost: number;
  readonly doc: string;
  /** False for `export declare function` (check-only, no handler). */
  readonly hasHandler: boolean;
  readonly location: SourceLocation | undefined;
}

/** A declared input (`export declare const users: string[]`). */
export interface CatalogInput {
  readonly name: string;
  readonly type: Type;
  readonly maxItems: number | undefined;
  readonly minItems: number | undefined;
  readonly doc: string;
  readonly location: SourceLocation | undefined;
}

export interface Catalog {
  /** The file it was read from and how. */
  readonly path: string;
  readonly format: "typescript" | "mcp" | "object";
  /** Content hash (sha256 hex) of what was read, for caching and attribution. */
  readonly hash: string;
  readonly functions: ReadonlyMap<string, CatalogFunction>;
  readonly inputs: ReadonlyMap<string, CatalogInput>;
}
