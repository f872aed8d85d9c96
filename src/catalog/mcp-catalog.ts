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
 *
 * Problems are collected, not thrown one at a time: every tool and input is
 * read as far as it can be (a bad schema reads as `any`, a bad tag as
 * absent) and the reader throws one `CatalogError` listing them all.
 */
import { DEFAULT_EFFECT_CLASS } from "./build.js";
import { CatalogError } from "./catalog-error.js";
import { jsonPositionLocator, parseJson, type JsonPath } from "./json-lines.js";
import { schemaToType, type ReportAt, type SchemaContext } from "./json-schema.js";
import { formatKey, inSourceOrder, type LoadProblem } from "./load-problem.js";
import { catalogNameProblem, isEffectClass } from "./names.js";
import { canHaveItems } from "./type-ops.js";
import type { CatalogFunction, CatalogInput, Param, Type } from "./types.js";

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Functions and inputs of the MCP tool list in `text` (the file at `path`).
 * Throws `CatalogError`: with one problem for text that is not JSON or not a
 * tool list, else with every problem of every tool and input, in source order.
 */
export function readMcpCatalog(
  text: string,
  path: string,
): { readonly functions: readonly CatalogFunction[]; readonly inputs: readonly CatalogInput[] } {
  const data = parseJson(text, path, "the MCP tool list");
  const locate = jsonPositionLocator(text);
  const problems: LoadProblem[] = [];
  const report: ReportAt = (at, message, help, key = false) => {
    const pos = locate(at, key);
    problems.push({
      message,
      file: path,
      line: pos?.line,
      column: pos?.column,
      key: at.length === 0 ? undefined : formatKey(at),
      help,
    });
  };

  let base: JsonPath = [];
  let root: unknown = data;
  if (isObj(data) && !("tools" in data) && isObj(data.result) && "tools" in data.result) {
    base = ["result"];
    root = data.result;
  }
  if (!isObj(root) || !Array.isArray(root.tools)) {
    // Nothing else can be read from a file that is not a tool list.
    report(
      base,
      "an MCP catalog must be an object with a `tools` array (the result of `tools/list`)",
      'e.g. {"tools": [{"name": "search", "inputSchema": {"type": "object", "properties": {}}}]}',
    );
    throw new CatalogError(problems);
  }
  const lines = new Map<string, number | undefined>();
  const functions: CatalogFunction[] = [];
  (root.tools as readonly unknown[]).forEach((tool, index) => {
    const at: JsonPath = [...base, "tools", index];
    if (!isObj(tool) || typeof tool.name !== "string") {
      report(at, `tool ${index} has no \`name\``, 'every tool is an object with a `name`, e.g. {"name": "search", …}');
      return;
    }
    const name = tool.name;
    const nameLine = locate([...at, "name"])?.line;
    const problem = catalogNameProblem(name);
    if (problem !== undefined) {
      report(
        [...at, "name"],
        `tool name \`${name}\` ${problem}`,
        "a composition calls tools by name: use letters, digits and `_`",
      );
    }
    if (lines.has(name)) {
      const first = lines.get(name);
      report(
        [...at, "name"],
        `tool \`${name}\` is listed more than once${first === undefined ? "" : ` (first at line ${first})`}`,
        "give every tool its own name",
      );
    } else {
      lines.set(name, nameLine);
    }
    // A tool with a bad or repeated name is still read: what else is wrong in it is worth knowing now.
    functions.push(readTool(tool, name, at, nameLine, path, report));
  });

  const inputs: CatalogInput[] = [];
  if (root.inputs !== undefined && !isObj(root.inputs)) {
    report(
      [...base, "inputs"],
      "`inputs` must be an object of JSON Schemas",
      'e.g. "inputs": {"users": {"type": "array", "items": {"type": "string"}}}',
    );
  } else if (root.inputs !== undefined) {
    for (const [name, schema] of Object.entries(root.inputs)) {
      const at: JsonPath = [...base, "inputs", name];
      const line = locate(at, true)?.line;
      const problem = catalogNameProblem(name);
      if (problem !== undefined) {
        report(
          at,
          `input name \`${name}\` ${problem}`,
          "a composition reads inputs by name: use letters, digits and `_`",
          true,
        );
      }
      if (lines.has(name)) {
        report(at, `input \`${name}\` has the name of a tool; every name must be unique`, "rename one of them", true);
      } else {
        lines.set(name, line);
      }
      const where = `input \`${name}\``;
      const type = schemaToType(schema, at, where, { root: schema, rootPath: at, report });
      const counts = readCounts(schema, type, at, where, report);
      inputs.push({
        name,
        type,
        ...counts,
        doc: isObj(schema) && typeof schema.description === "string" ? schema.description : "",
        location: { file: path, line: line ?? 1 },
      });
    }
  }
  if (problems.length > 0) throw new CatalogError(inSourceOrder(problems));
  return { functions, inputs };
}

/** One tool as a catalog function; each problem is reported and the tool read on as far as it can be. */
function readTool(
  tool: Obj,
  name: string,
  at: JsonPath,
  line: number | undefined,
  path: string,
  report: ReportAt,
): CatalogFunction {
  const where = `tool \`${name}\``;
  const input = tool.inputSchema;
  const inputAt: JsonPath = [...at, "inputSchema"];
  const params: Param[] = [];
  if (!isObj(input)) {
    report(at, `${where} has no \`inputSchema\` object`, 'e.g. "inputSchema": {"type": "object"}');
  } else {
    if (input.type !== undefined && input.type !== "object") {
      report(
        [...inputAt, "type"],
        `${where}: \`inputSchema.type\` must be \`"object"\``,
        "a tool's arguments are an object",
      );
    }
    const props = input.properties ?? {};
    if (!isObj(props)) {
      report(
        inputAt,
        `${where}: \`inputSchema.properties\` must be an object`,
        "give each parameter a property with its JSON Schema",
      );
    } else {
      const required = new Set(
        Array.isArray(input.required) ? input.required.filter((r) => typeof r === "string") : [],
      );
      const inputCtx: SchemaContext = { root: input, rootPath: inputAt, report };
      for (const [pname, schema] of Object.entries(props)) {
        const type = schemaToType(
          schema,
          [...inputAt, "properties", pname],
          `parameter \`${pname}\` of ${where}`,
          inputCtx,
        );
        const doc = isObj(schema) && typeof schema.description === "string" ? schema.description : undefined;
        params.push({ name: pname, type, optional: !required.has(pname), ...(doc === undefined ? {} : { doc }) });
      }
    }
  }

  let returns: Type = { kind: "any" };
  let counts: { maxItems: number | undefined; minItems: number | undefined } = {
    maxItems: undefined,
    minItems: undefined,
  };
  if (tool.outputSchema !== undefined) {
    const outAt: JsonPath = [...at, "outputSchema"];
    const ctx: SchemaContext = { root: tool.outputSchema, rootPath: outAt, report };
    returns = schemaToType(tool.outputSchema, outAt, `the result of ${where}`, ctx);
    counts = readCounts(tool.outputSchema, returns, outAt, `the result of ${where}`, report);
  }

  const ann = tool.annotations;
  if (ann !== undefined && !isObj(ann)) {
    report([...at, "annotations"], `${where}: \`annotations\` must be an object`, 'e.g. {"readOnlyHint": true}');
  }
  const flag = (key: string): boolean => {
    const v = isObj(ann) ? ann[key] : undefined;
    if (v !== undefined && typeof v !== "boolean") {
      report(
        [...at, "annotations", key],
        `${where}: \`annotations.${key}\` must be true or false`,
        `write \`"${key}": true\``,
      );
      return false;
    }
    return v === true;
  };
  const readOnly = flag("readOnlyHint");
  const destructive = flag("destructiveHint");
  const rawEffect = tool["x-effect"];
  let xEffect: string | undefined;
  if (rawEffect !== undefined && (typeof rawEffect !== "string" || !isEffectClass(rawEffect))) {
    report(
      [...at, "x-effect"],
      `${where}: \`x-effect\` must be an effect class name, e.g. "payment"`,
      "an effect class is a word: letters, digits, `_`, `.` and `-`",
    );
  } else if (typeof rawEffect === "string") {
    xEffect = rawEffect;
    if (readOnly) {
      report(
        [...at, "x-effect"],
        `${where} is \`readOnlyHint: true\` (pure) but names an effect class in \`x-effect\``,
        "drop `x-effect` from a read-only tool, or `readOnlyHint` from an effectful one",
      );
    }
  }
  const xCost = tool["x-cost"];
  let cost = 1;
  if (xCost !== undefined && (typeof xCost !== "number" || !Number.isFinite(xCost) || xCost < 0)) {
    report([...at, "x-cost"], `${where}: \`x-cost\` must be a number ≥ 0`, 'e.g. "x-cost": 5');
  } else if (typeof xCost === "number") {
    cost = xCost;
  }
  return {
    name,
    params,
    returns,
    effect: readOnly ? undefined : (xEffect ?? DEFAULT_EFFECT_CLASS),
    irreversible: !readOnly && destructive,
    ...counts,
    cost,
    doc: typeof tool.description === "string" ? tool.description : "",
    hasHandler: false,
    location: { file: path, line: line ?? 1 },
  };
}

/** `maxItems` / `minItems` of a schema; a bad one is reported and left out. */
function readCounts(
  schema: unknown,
  type: Type,
  at: JsonPath,
  where: string,
  report: ReportAt,
): { maxItems: number | undefined; minItems: number | undefined } {
  if (!isObj(schema)) return { maxItems: undefined, minItems: undefined };
  const get = (key: "maxItems" | "minItems"): number | undefined => {
    const v = schema[key];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      report([...at, key], `${where}: \`${key}\` must be a whole number ≥ 0`, `e.g. "${key}": 20`);
      return undefined;
    }
    if (!canHaveItems(type)) {
      report(
        [...at, key],
        `${where}: \`${key}\` bounds a collection, but this is not an array`,
        `put \`${key}\` on an array schema, or drop it`,
      );
      return undefined;
    }
    return v;
  };
  const maxItems = get("maxItems");
  const minItems = get("minItems");
  if (maxItems !== undefined && minItems !== undefined && minItems > maxItems) {
    report(
      [...at, "minItems"],
      `${where}: \`minItems\` ${minItems} is above \`maxItems\` ${maxItems}`,
      "make `minItems` at most `maxItems`",
    );
    return { maxItems, minItems: undefined };
  }
  return { maxItems, minItems };
}
