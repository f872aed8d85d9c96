/**
 * A tiny parser for the type strings of plan subtask declarations, in the
 * TypeScript subset catalogs use: `string number boolean null any unknown`,
 * `T[]`, `readonly T[]`, `Array<T>`, `ReadonlyArray<T>`, `Record<string, T>`,
 * `Promise<T>` (unwrapped), `{ a: T; b?: U }`, string/number/boolean
 * literals, `A | B` and parentheses. A bare name resolves to a named record
 * type the catalog already uses (e.g. `Booking`). Recursive descent over a
 * hand-written tokenizer: the strings are short and this keeps ts-morph out
 * of the inner loop.
 */
import type { Field, Type } from "../catalog/types.js";

/** A type string that does not parse; `column` is 1-based. */
export class TypeStringError extends Error {
  override readonly name: string = "TypeStringError";
  constructor(
    message: string,
    readonly text: string,
    readonly column: number,
  ) {
    super(`${message} in type \`${text}\` (column ${column})`);
  }
}

type Token =
  | { readonly t: "ident"; readonly v: string; readonly at: number }
  | { readonly t: "string"; readonly v: string; readonly at: number }
  | { readonly t: "number"; readonly v: number; readonly at: number }
  | { readonly t: "punct"; readonly v: string; readonly at: number }
  | { readonly t: "end"; readonly at: number };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i));
      const v = m?.[0] ?? c;
      out.push({ t: "ident", v, at: i });
      i += v.length;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (m === null) throw new TypeStringError(`unexpected \`${c}\``, text, i + 1);
      out.push({ t: "number", v: Number(m[0]), at: i });
      i += m[0].length;
    } else if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new TypeStringError("unterminated string literal", text, i + 1);
      out.push({ t: "string", v: text.slice(i + 1, end), at: i });
      i = end + 1;
    } else if ("[]<>{}(),;:?|".includes(c)) {
      out.push({ t: "punct", v: c, at: i });
      i++;
    } else {
      throw new TypeStringError(`unexpected \`${c}\``, text, i + 1);
    }
  }
  out.push({ t: "end", at: text.length });
  return out;
}

/** Options of {@link parseTypeString}. */
export interface TypeStringOptions {
  /** Named types a bare identifier may refer to (e.g. the catalog's records). */
  readonly named?: ReadonlyMap<string, Type>;
}

/** Parses a type string; throws {@link TypeStringError} naming the column of the problem. */
export function parseTypeString(text: string, options: TypeStringOptions = {}): Type {
  const toks = tokenize(text);
  let pos = 0;
  const peek = (): Token => toks[pos] ?? { t: "end", at: text.length };
  const fail = (message: string, tok: Token = peek()): never => {
    throw new TypeStringError(message, text, tok.at + 1);
  };
  const isPunct = (v: string): boolean => {
    const t = peek();
    return t.t === "punct" && t.v === v;
  };
  const expect = (v: string): void => {
    if (!isPunct(v)) fail(`expected \`${v}\``);
    pos++;
  };

  const union = (): Type => {
    if (isPunct("|")) pos++; // a leading `|` is allowed, as in TypeScript
    const types: Type[] = [postfix()];
    while (isPunct("|")) {
      pos++;
      types.push(postfix());
    }
    return types.length === 1 ? (types[0] as Type) : { kind: "union", types };
  };

  const postfix = (): Type => {
    let t = primary();
    while (isPunct("[")) {
      pos++;
      expect("]");
      t = { kind: "list", element: t };
    }
    return t;
  };

  const generic = (): Type => {
    expect("<");
    const t = union();
    expect(">");
    return t;
  };

  const record = (): Type => {
    expect("{");
    const fields: Record<string, Field> = {};
    while (!isPunct("}")) {
      const name = peek();
      if (name.t !== "ident" && name.t !== "string") fail("expected a field name");
      pos++;
      const key = (name as { readonly v: string }).v;
      let optional = false;
      if (isPunct("?")) {
        pos++;
        optional = true;
      }
      expect(":");
      fields[key] = { type: union(), optional };
      if (isPunct(";") || isPunct(",")) pos++;
      else if (!isPunct("}")) fail("expected `;`, `,` or `}`");
    }
    pos++;
    return { kind: "record", fields };
  };

  const primary = (): Type => {
    const tok = peek();
    switch (tok.t) {
      case "string":
        pos++;
        return { kind: "literal", value: tok.v };
      case "number":
        pos++;
        return { kind: "literal", value: tok.v };
      case "punct":
        if (tok.v === "(") {
          pos++;
          const t = union();
          expect(")");
          return t;
        }
        if (tok.v === "{") return record();
        return fail(`unexpected \`${tok.v}\``);
      case "end":
        return fail("unexpected end");
      case "ident":
        break;
    }
    pos++;
    switch (tok.v) {
      case "string":
      case "number":
      case "boolean":
      case "null":
        return { kind: tok.v };
      case "any":
      case "unknown":
        return { kind: "any" };
      case "true":
      case "false":
        return { kind: "literal", value: tok.v === "true" };
      case "readonly": {
        const t = postfix();
        if (t.kind !== "list") fail("`readonly` applies only to array types", tok);
        return t;
      }
      case "Array":
      case "ReadonlyArray":
        return { kind: "list", element: generic() };
      case "Promise":
        return generic();
      case "Record": {
        expect("<");
        const key = peek();
        if (key.t !== "ident" || key.v !== "string") fail("a `Record` key type must be `string`");
        pos++;
        expect(",");
        const value = union();
        expect(">");
        return { kind: "dict", value };
      }
      default: {
        const t = options.named?.get(tok.v);
        if (t === undefined) return fail(`unknown type \`${tok.v}\``, tok);
        return t;
      }
    }
  };

  const t = union();
  if (peek().t !== "end") fail("unexpected text after the type");
  return t;
}

/** Writes a type back in the same syntax (for summaries and hashes). */
export { typeText as formatType } from "../catalog/type-text.js";

/** Every named record type used in a catalog's signatures, by name. */
export function namedTypes(types: Iterable<Type>): Map<string, Type> {
  const out = new Map<string, Type>();
  const visit = (t: Type): void => {
    switch (t.kind) {
      case "list":
        visit(t.element);
        return;
      case "dict":
        visit(t.value);
        return;
      case "union":
        t.types.forEach(visit);
        return;
      case "record":
        if (t.name !== undefined && !out.has(t.name)) {
          out.set(t.name, t);
          Object.values(t.fields).forEach((f) => visit(f.type));
        }
        return;
      case "any":
      case "string":
      case "number":
      case "boolean":
      case "null":
      case "literal":
        return;
    }
  };
  for (const t of types) visit(t);
  return out;
}
