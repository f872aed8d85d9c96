/**
 * Operations on catalog types: joining two types (for a variable assigned
 * several times), the conservative "can this value ever match" test behind
 * `type-mismatch`, and the text of a type as the catalog would write it.
 */
import type { Type } from "../catalog/types.js";
import { ANY, NUMBER, STRING } from "./builtins.js";
import { typeText } from "../catalog/type-text.js";

const keyCache = new WeakMap<Type, string>();

/** A structural key: equal keys mean equal types. */
export function typeKey(t: Type): string {
  const cached = keyCache.get(t);
  if (cached !== undefined) return cached;
  let k: string;
  switch (t.kind) {
    case "any":
    case "string":
    case "number":
    case "boolean":
    case "null":
      k = t.kind;
      break;
    case "literal":
      k = `lit:${typeof t.value}:${String(t.value)}`;
      break;
    case "list":
      k = `list<${typeKey(t.element)}>`;
      break;
    case "dict":
      k = `dict<${typeKey(t.value)}>`;
      break;
    case "record":
      k = `rec{${Object.keys(t.fields)
        .sort()
        .map((f) => {
          const field = t.fields[f];
          return field === undefined ? f : `${f}${field.optional ? "?" : ""}:${typeKey(field.type)}`;
        })
        .join(",")}}`;
      break;
    case "union":
      k = `(${t.types.map(typeKey).sort().join("|")})`;
      break;
  }
  keyCache.set(t, k);
  return k;
}

const MAX_UNION = 8;

/** The base type of a literal (`"a"` → string). */
export function widenLiteral(t: Type): Type {
  if (t.kind !== "literal") return t;
  return typeof t.value === "string" ? STRING : typeof t.value === "number" ? NUMBER : { kind: "boolean" };
}

/** The least type that holds values of `a` and of `b` (`undefined` = nothing yet). */
export function joinTypes(a: Type | undefined, b: Type): Type {
  if (a === undefined || a === b) return b;
  if (a.kind === "any" || b.kind === "any") return ANY;
  const ka = typeKey(a);
  if (ka === typeKey(b)) return a;
  const members: Type[] = [];
  const keys = new Set<string>();
  const push = (t: Type): void => {
    if (t.kind === "union") {
      for (const m of t.types) push(m);
      return;
    }
    const k = typeKey(t);
    if (!keys.has(k)) {
      keys.add(k);
      members.push(t);
    }
  };
  push(a);
  push(b);
  // A base type absorbs its literals.
  const filtered = members.filter((m) => m.kind !== "literal" || !keys.has(widenLiteral(m).kind));
  if (filtered.length > MAX_UNION) return ANY;
  return filtered.length === 1 ? (filtered[0] ?? ANY) : { kind: "union", types: filtered };
}

/**
 * True unless a value of type `actual` can never be a value of type
 * `expected`. `any` matches everything; a dict may match a record.
 */
export function canMatch(actual: Type, expected: Type): boolean {
  if (actual.kind === "any" || expected.kind === "any") return true;
  if (actual.kind === "union") return actual.types.some((m) => canMatch(m, expected));
  if (expected.kind === "union") return expected.types.some((m) => canMatch(actual, m));
  switch (expected.kind) {
    case "string":
    case "number":
    case "boolean":
      return actual.kind === expected.kind || (actual.kind === "literal" && typeof actual.value === expected.kind);
    case "null":
      return actual.kind === "null";
    case "literal":
      if (actual.kind === "literal") return actual.value === expected.value;
      return actual.kind === typeof expected.value;
    case "list":
      return actual.kind === "list" && canMatch(actual.element, expected.element);
    case "dict":
      if (actual.kind === "dict") return canMatch(actual.value, expected.value);
      if (actual.kind === "record") {
        return Object.values(actual.fields).every((f) => canMatch(f.type, expected.value));
      }
      return false;
    case "record":
      if (actual.kind === "dict") {
        return Object.values(expected.fields).every((f) => f.optional || canMatch(actual.value, f.type));
      }
      if (actual.kind === "record") {
        for (const [name, f] of Object.entries(expected.fields)) {
          const a = actual.fields[name];
          if (a === undefined) {
            if (!f.optional) return false;
          } else if (!canMatch(a.type, f.type)) return false;
        }
        return true;
      }
      return false;
  }
}

export { typeText };

/** A short phrase for a value of type `t` ("a list", "a number", "a `Booking` record"). */
export function valueText(t: Type): string {
  switch (t.kind) {
    case "any":
      return "a value";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "null":
      return "`None`";
    case "literal":
      return typeof t.value === "string" ? `the string ${JSON.stringify(t.value)}` : `\`${String(t.value)}\``;
    case "list":
      return `a list (\`${typeText(t)}\`)`;
    case "dict":
      return `a dict (\`${typeText(t)}\`)`;
    case "record":
      return t.name !== undefined ? `a \`${t.name}\` record` : `a record (\`${typeText(t)}\`)`;
    case "union":
      return `\`${typeText(t)}\``;
  }
}
