/** Small operations on catalog types used while reading catalogs. */
import type { Type } from "./types.js";

/** A flattened union without duplicates; `any` absorbs everything; one member is itself. */
export function unionOf(types: readonly Type[]): Type {
  const out: Type[] = [];
  const keys = new Set<string>();
  const add = (t: Type): void => {
    if (t.kind === "union") {
      for (const m of t.types) add(m);
      return;
    }
    const key = JSON.stringify(t);
    if (!keys.has(key)) {
      keys.add(key);
      out.push(t);
    }
  };
  for (const t of types) add(t);
  if (out.some((t) => t.kind === "any")) return { kind: "any" };
  return out.length === 1 && out[0] !== undefined ? out[0] : { kind: "union", types: out };
}

/** Whether `@maxItems` can bound a value of this type (a list, dict or any). */
export function canHaveItems(t: Type): boolean {
  switch (t.kind) {
    case "list":
    case "dict":
    case "any":
      return true;
    case "union":
      return t.types.some(canHaveItems);
    case "string":
    case "number":
    case "boolean":
    case "null":
    case "literal":
    case "record":
      return false;
    default:
      return assertNever(t);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}
