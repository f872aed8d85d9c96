/**
 * JSON Schema (as MCP tools use it) to catalog types: `string`, `number` and
 * `integer`, `boolean`, `null`, `array` (`items`), `object` with
 * `properties` (a record; `required` decides optional fields) or with
 * `additionalProperties` only (a dict), `enum`/`const` (literal unions),
 * `anyOf`/`oneOf` (unions), `allOf` of object schemas (one merged record),
 * local `$ref`s to `#/$defs/NAME` or `#/definitions/NAME` (records named
 * NAME), `nullable: true`; no `type` at all is `any`. Anything else is a
 * problem reported through the context, naming the key of the schema, and
 * the schema it is in reads as `any`: so one pass over a catalog finds every
 * problem, and a sibling or a later tool is still checked. A `$ref` that
 * fails reads as `any` wherever else it is used, so it is reported once.
 */
import type { JsonPath } from "./json-lines.js";
import type { Field, Type } from "./types.js";
import { unionOf } from "./type-ops.js";

/** Reports a problem at `path` in the document (its key when `key` is set), with what to do. */
export type ReportAt = (path: JsonPath, message: string, help?: string, key?: boolean) => void;

/** Where a schema sits, for `$ref` resolution, and where its problems go. */
export interface SchemaContext {
  /** The schema `$ref`s resolve against (the tool's inputSchema or outputSchema). */
  readonly root: unknown;
  /** Path of `root` in the document. */
  readonly rootPath: JsonPath;
  readonly report: ReportAt;
}

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const SCHEMA_HELP =
  "a catalog reads JSON Schema types string, number, integer, boolean, null, array, object, enum, const, anyOf, oneOf and local $ref";

/** What is wrong with one schema, thrown up to the nearest schema that reads as `any`. */
class SchemaProblem extends Error {
  constructor(
    readonly path: JsonPath,
    message: string,
    readonly help: string,
    readonly onKey: boolean,
  ) {
    super(message);
  }
}

/**
 * The catalog type of `schema` (at `path` in the document); `where` names it
 * in messages. Problems go to `ctx.report`; the schemas they are in read as `any`.
 */
export function schemaToType(schema: unknown, path: JsonPath, where: string, ctx: SchemaContext): Type {
  let mapper = mappers.get(ctx);
  if (mapper === undefined) {
    mapper = new SchemaMapper(ctx);
    mappers.set(ctx, mapper);
  }
  return mapper.map(schema, path, where);
}

/** One mapper per context, so the schemas of one root (a tool's parameters) share their resolved `$ref`s. */
const mappers = new WeakMap<SchemaContext, SchemaMapper>();

class SchemaMapper {
  private readonly resolving = new Set<string>();
  private readonly memo = new Map<string, Type>();
  /** Problems reported so far, to tell whether a part read as `any` because it was wrong. */
  private reported = 0;

  constructor(private readonly ctx: SchemaContext) {}

  private fail(path: JsonPath, where: string, why: string, key?: string): SchemaProblem {
    return new SchemaProblem(
      key === undefined ? path : [...path, key],
      `${where}: ${why}`,
      SCHEMA_HELP,
      key !== undefined,
    );
  }

  /** The type of `schema`; `any` (and the problem reported) when something in it cannot be read. */
  map(schema: unknown, path: JsonPath, where: string): Type {
    try {
      return this.mapOrThrow(schema, path, where);
    } catch (err) {
      if (!(err instanceof SchemaProblem)) throw err;
      this.reported++;
      this.ctx.report(err.path, err.message, err.help, err.onKey);
      return { kind: "any" };
    }
  }

  private mapOrThrow(schema: unknown, path: JsonPath, where: string): Type {
    if (schema === true || schema === undefined) return { kind: "any" };
    if (!isObj(schema)) throw this.fail(path, where, "a schema must be an object");
    const t = this.mapObject(schema, path, where);
    return schema.nullable === true ? unionOf([t, { kind: "null" }]) : t;
  }

  private mapObject(s: Obj, path: JsonPath, where: string): Type {
    if (typeof s.$ref === "string") return this.ref(s.$ref, path, where);
    if ("const" in s) return this.literal(s.const, path, where, "const");
    if (Array.isArray(s.enum)) {
      return unionOf(s.enum.map((v: unknown, i) => this.literal(v, [...path, "enum", i], where, "enum")));
    }
    for (const key of ["anyOf", "oneOf"] as const) {
      const list = s[key];
      if (list !== undefined) {
        if (!Array.isArray(list) || list.length === 0)
          throw this.fail(path, where, `\`${key}\` must be a non-empty array`, key);
        return unionOf(list.map((m: unknown, i) => this.map(m, [...path, key, i], where)));
      }
    }
    if (s.allOf !== undefined) return this.allOf(s.allOf, path, where);
    const type = s.type;
    if (Array.isArray(type)) {
      return unionOf(type.map((t: unknown, i) => this.ofType(t, s, [...path, "type", i], path, where)));
    }
    if (type !== undefined) return this.ofType(type, s, [...path, "type"], path, where);
    if (s.properties !== undefined || s.additionalProperties !== undefined)
      return this.ofType("object", s, path, path, where);
    if (s.items !== undefined || s.prefixItems !== undefined) return this.ofType("array", s, path, path, where);
    return { kind: "any" };
  }

  private literal(v: unknown, path: JsonPath, where: string, key: string): Type {
    if (v === null) return { kind: "null" };
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return { kind: "literal", value: v };
    throw this.fail(path, where, `\`${key}\` values must be strings, numbers, booleans or null`);
  }

  private ofType(type: unknown, s: Obj, typePath: JsonPath, path: JsonPath, where: string): Type {
    switch (type) {
      case "string":
        return { kind: "string" };
      case "number":
      case "integer":
        return { kind: "number" };
      case "boolean":
        return { kind: "boolean" };
      case "null":
        return { kind: "null" };
      case "array": {
        const tuple = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
        if (tuple !== undefined) {
          const key = Array.isArray(s.prefixItems) ? "prefixItems" : "items";
          const members = tuple.map((m: unknown, i) => this.map(m, [...path, key, i], where));
          if (s.items !== undefined && !Array.isArray(s.items) && s.items !== false) {
            members.push(this.map(s.items, [...path, "items"], where));
          }
          return { kind: "list", element: members.length === 0 ? { kind: "any" } : unionOf(members) };
        }
        return { kind: "list", element: this.map(s.items, [...path, "items"], where) };
      }
      case "object": {
        if (s.properties !== undefined) {
          if (!isObj(s.properties)) throw this.fail(path, where, "`properties` must be an object", "properties");
          const required = new Set(Array.isArray(s.required) ? s.required.filter((r) => typeof r === "string") : []);
          const fields: Record<string, Field> = {};
          for (const [name, sub] of Object.entries(s.properties)) {
            fields[name] = {
              type: this.map(sub, [...path, "properties", name], `${where}, property \`${name}\``),
              optional: !required.has(name),
            };
          }
          return { kind: "record", fields };
        }
        const extra = s.additionalProperties;
        if (extra === false) return { kind: "record", fields: {} };
        if (isObj(s.patternProperties)) {
          const values = Object.entries(s.patternProperties).map(([k, v]) =>
            this.map(v, [...path, "patternProperties", k], where),
          );
          return { kind: "dict", value: values.length === 0 ? { kind: "any" } : unionOf(values) };
        }
        return { kind: "dict", value: this.map(extra, [...path, "additionalProperties"], where) };
      }
      default:
        throw new SchemaProblem(
          typePath,
          `${where}: JSON Schema type \`${JSON.stringify(type)}\` cannot be used in a catalog`,
          "use string, number, integer, boolean, null, array or object",
          false,
        );
    }
  }

  private allOf(list: unknown, path: JsonPath, where: string): Type {
    if (!Array.isArray(list) || list.length === 0)
      throw this.fail(path, where, "`allOf` must be a non-empty array", "allOf");
    const before = this.reported;
    const parts = list.map((m: unknown, i) => this.map(m, [...path, "allOf", i], where));
    if (parts.length === 1 && parts[0] !== undefined) return parts[0];
    // A member that read as `any` because it is wrong has been reported; it says nothing about `allOf`.
    if (this.reported > before) return { kind: "any" };
    const fields: Record<string, Field> = {};
    for (const p of parts) {
      if (p.kind !== "record")
        throw this.fail(path, where, "`allOf` is read only when every member is an object with properties", "allOf");
      Object.assign(fields, p.fields);
    }
    return { kind: "record", fields };
  }

  private ref(ref: string, path: JsonPath, where: string): Type {
    const m = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
    const defs = m === null || !isObj(this.ctx.root) ? undefined : this.ctx.root[m[1] ?? ""];
    const name = m?.[2]?.replace(/~1/g, "/").replace(/~0/g, "~");
    const target = name === undefined || !isObj(defs) ? undefined : defs[name];
    if (m === null || name === undefined || target === undefined) {
      throw this.fail(
        path,
        where,
        `\`$ref\` \`${ref}\` does not name a schema under \`#/$defs\` or \`#/definitions\``,
        "$ref",
      );
    }
    const key = `${m[1]}/${name}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    if (this.resolving.has(key))
      throw this.fail(path, where, `\`${ref}\` refers to itself; a catalog type cannot be recursive`, "$ref");
    this.resolving.add(key);
    // A definition that cannot be read is reported where it is (once) and reads as `any` at every use.
    let t = this.map(target, [...this.ctx.rootPath, m[1] ?? "", name], `${where} (\`${ref}\`)`);
    if (t.kind === "record") t = { ...t, name };
    this.resolving.delete(key);
    this.memo.set(key, t);
    return t;
  }
}
