/**
 * Reads an MCP `tools/list` result as a catalog. Each tool is a function
 * whose parameters are `inputSchema.properties` in declared order (those not
 * in `required` are optional) and whose result type is `outputSchema` (else
 * `any`); `annotations.readOnlyHint: true` makes it pure, otherwise it is an
 * effect of class `external`, irreversible when `destructiveHint: true`.
 * Inputs come from a top-level `inputs` object of JSON Schemas.
 *
 * Extensions (not part of MCP): a tool may carry `"x-effect": "CLASS"` to
 * name its effect class and `"x-cost": N` for its relative cost; an
 * `outputSchema` with `maxItems`/`minItems` bounds the result. A whole
 * JSON-RPC response (`{"result": {"tools": […]}}`) is read too.
 */
import { UsageError } from "../errors.js";
import { DEFAULT_EFFECT_CLASS } from "./build.js";
import { jsonLineLocator, parseJson, type JsonPath } from "./json-lines.js";
import { schemaToType, type SchemaContext } from "./json-schema.js";
import { catalogNameProblem, isEffectClass } from "./names.js";
import { canHaveItems } from "./type-ops.js";
import type { CatalogFunction, CatalogInput, Param, Type } from "./types.js";

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Functions and inputs of the MCP tool list in `text` (the file at `path`). */
export function readMcpCatalog(
  text: string,
  path: string,
): { readonly functions: readonly CatalogFunction[]; readonly inputs: readonly CatalogInput[] } {
  const data = parseJson(text, path, "the MCP tool list");
  const lineOfPath = jsonLineLocator(text);
  const fail = (at: JsonPath, message: string, help?: string, key = false): UsageError =>
    new UsageError(message, path, lineOfPath(at, key), help);

  let base: JsonPath = [];
  let root: unknown = data;
  if (isObj(data) && !("tools" in data) && isObj(data.result) && "tools" in data.result) {
    base = ["result"];
    root = data.result;
  }
  if (!isObj(root) || !Array.isArray(root.tools)) {
    throw fail(
      base,
      "an MCP catalog must be an object with a `tools` array (the result of `tools/list`)",
      'e.g. {"tools": [{"name": "search", "inputSchema": {"type": "object", "properties": {}}}]}',
    );
  }
  const lines = new Map<string, number | undefined>();
  const functions: CatalogFunction[] = [];
  (root.tools as readonly unknown[]).forEach((tool, index) => {
    const at: JsonPath = [...base, "tools", index];
    if (!isObj(tool) || typeof tool.name !== "string") throw fail(at, `tool ${index} has no \`name\``);
    const name = tool.name;
    const nameLine = lineOfPath([...at, "name"]);
    const problem = catalogNameProblem(name);
    if (problem !== undefined) {
      throw new UsageError(
        `tool name \`${name}\` ${problem}`,
        path,
        nameLine,
        "a composition calls tools by name: use letters, digits and `_`",
      );
    }
    if (lines.has(name)) {
      const first = lines.get(name);
      throw new UsageError(
        `tool \`${name}\` is listed more than once${first === undefined ? "" : ` (first at line ${first})`}`,
        path,
        nameLine,
      );
    }
    lines.set(name, nameLine);
    functions.push(readTool(tool, name, at, nameLine, text, path, fail));
  });

  const inputs: CatalogInput[] = [];
  if (root.inputs !== undefined) {
    if (!isObj(root.inputs)) throw fail([...base, "inputs"], "`inputs` must be an object of JSON Schemas");
    for (const [name, schema] of Object.entries(root.inputs)) {
      const at: JsonPath = [...base, "inputs", name];
      const line = lineOfPath(at, true);
      const problem = catalogNameProblem(name);
      if (problem !== undefined) throw new UsageError(`input name \`${name}\` ${problem}`, path, line);
      if (lines.has(name)) {
        throw new UsageError(`input \`${name}\` has the name of a tool; every name must be unique`, path, line);
      }
      lines.set(name, line);
      const where = `input \`${name}\``;
      const ctx: SchemaContext = { file: path, text, root: schema, rootPath: at };
      const type = schemaToType(schema, at, where, ctx);
      const counts = readCounts(schema, type, at, where, fail);
      inputs.push({
        name,
        type,
        ...counts,
        doc: isObj(schema) && typeof schema.description === "string" ? schema.description : "",
        location: { file: path, line: line ?? 1 },
      });
    }
  }
  return { functions, inputs };
}

function readTool(
  tool: Obj,
  name: string,
  at: JsonPath,
  line: number | undefined,
  text: string,
  path: string,
  fail: (at: JsonPath, message: string, help?: string, key?: boolean) => UsageError,
): CatalogFunction {
  const where = `tool \`${name}\``;
  const input = tool.inputSchema;
  const inputAt: JsonPath = [...at, "inputSchema"];
  if (!isObj(input)) throw fail(at, `${where} has no \`inputSchema\` object`, 'e.g. "inputSchema": {"type": "object"}');
  if (input.type !== undefined && input.type !== "object") {
    throw fail([...inputAt, "type"], `${where}: \`inputSchema.type\` must be \`"object"\``);
  }
  const props = input.properties ?? {};
  if (!isObj(props)) throw fail(inputAt, `${where}: \`inputSchema.properties\` must be an object`);
  const required = new Set(Array.isArray(input.required) ? input.required.filter((r) => typeof r === "string") : []);
  const inputCtx: SchemaContext = { file: path, text, root: input, rootPath: inputAt };
  const params: Param[] = Object.entries(props).map(([pname, schema]) => {
    const type = schemaToType(
      schema,
      [...inputAt, "properties", pname],
      `parameter \`${pname}\` of ${where}`,
      inputCtx,
    );
    const doc = isObj(schema) && typeof schema.description === "string" ? schema.description : undefined;
    return { name: pname, type, optional: !required.has(pname), ...(doc === undefined ? {} : { doc }) };
  });

  let returns: Type = { kind: "any" };
  let counts: { maxItems: number | undefined; minItems: number | undefined } = {
    maxItems: undefined,
    minItems: undefined,
  };
  if (tool.outputSchema !== undefined) {
    const outAt: JsonPath = [...at, "outputSchema"];
    const ctx: SchemaContext = { file: path, text, root: tool.outputSchema, rootPath: outAt };
    returns = schemaToType(tool.outputSchema, outAt, `the result of ${where}`, ctx);
    counts = readCounts(tool.outputSchema, returns, outAt, `the result of ${where}`, fail);
  }

  const ann = tool.annotations;
  if (ann !== undefined && !isObj(ann))
    throw fail([...at, "annotations"], `${where}: \`annotations\` must be an object`);
  const flag = (key: string): boolean => {
    const v = ann?.[key];
    if (v !== undefined && typeof v !== "boolean") {
      throw fail([...at, "annotations", key], `${where}: \`annotations.${key}\` must be true or false`);
    }
    return v === true;
  };
  const readOnly = flag("readOnlyHint");
  const destructive = flag("destructiveHint");
  const xEffect = tool["x-effect"];
  if (xEffect !== undefined && (typeof xEffect !== "string" || !isEffectClass(xEffect))) {
    throw fail([...at, "x-effect"], `${where}: \`x-effect\` must be an effect class name, e.g. "payment"`);
  }
  if (readOnly && xEffect !== undefined) {
    throw fail(
      [...at, "x-effect"],
      `${where} is \`readOnlyHint: true\` (pure) but names an effect class in \`x-effect\``,
    );
  }
  const xCost = tool["x-cost"];
  if (xCost !== undefined && (typeof xCost !== "number" || !Number.isFinite(xCost) || xCost < 0)) {
    throw fail([...at, "x-cost"], `${where}: \`x-cost\` must be a number ≥ 0`);
  }
  return {
    name,
    params,
    returns,
    effect: readOnly ? undefined : (xEffect ?? DEFAULT_EFFECT_CLASS),
    irreversible: !readOnly && destructive,
    ...counts,
    cost: xCost ?? 1,
    doc: typeof tool.description === "string" ? tool.description : "",
    hasHandler: false,
    location: { file: path, line: line ?? 1 },
  };
}

function readCounts(
  schema: unknown,
  type: Type,
  at: JsonPath,
  where: string,
  fail: (at: JsonPath, message: string, help?: string, key?: boolean) => UsageError,
): { maxItems: number | undefined; minItems: number | undefined } {
  if (!isObj(schema)) return { maxItems: undefined, minItems: undefined };
  const get = (key: "maxItems" | "minItems"): number | undefined => {
    const v = schema[key];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw fail([...at, key], `${where}: \`${key}\` must be a whole number ≥ 0`);
    }
    if (!canHaveItems(type))
      throw fail([...at, key], `${where}: \`${key}\` bounds a collection, but this is not an array`);
    return v;
  };
  const maxItems = get("maxItems");
  const minItems = get("minItems");
  if (maxItems !== undefined && minItems !== undefined && minItems > maxItems) {
    throw fail([...at, "minItems"], `${where}: \`minItems\` ${minItems} is above \`maxItems\` ${maxItems}`);
  }
  return { maxItems, minItems };
}
