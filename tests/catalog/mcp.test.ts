import { describe, expect, test } from "vitest";
import { parseCatalogSource } from "../../src/catalog/load.js";
import type { Catalog, Type } from "../../src/catalog/types.js";
import { MAX_PROBLEMS } from "../../src/catalog/load-problem.js";
import { UsageError } from "../../src/errors.js";
import { catalogError, fn, input, problemRows, usageError } from "./helpers.js";

const S: Type = { kind: "string" };
const N: Type = { kind: "number" };
const ANY: Type = { kind: "any" };

function mcp(data: unknown, path = "/virtual/tools.json"): Catalog {
  return parseCatalogSource(JSON.stringify(data, null, 2), path);
}

function tool(name: string, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): unknown {
  return { name, inputSchema: { type: "object", properties, ...(extra.required ? {} : {}) }, ...extra };
}

/** The type the schema maps to, as parameter `x` of a tool. */
function schemaType(schema: unknown): Type {
  const c = mcp({ tools: [tool("f", { x: schema })] });
  const p = fn(c, "f").params[0];
  if (p === undefined) throw new Error("no param");
  return p.type;
}

describe("JSON Schema to types", () => {
  test.each<[unknown, Type]>([
    [{ type: "string" }, S],
    [{ type: "number" }, N],
    [{ type: "integer" }, N],
    [{ type: "boolean" }, { kind: "boolean" }],
    [{ type: "null" }, { kind: "null" }],
    [{}, ANY],
    [true, ANY],
    [{ description: "anything" }, ANY],
    [
      { type: "array", items: { type: "string" } },
      { kind: "list", element: S },
    ],
    [{ type: "array" }, { kind: "list", element: ANY }],
    [
      { type: "array", prefixItems: [{ type: "string" }, { type: "number" }] },
      { kind: "list", element: { kind: "union", types: [S, N] } },
    ],
    [
      { type: "object", additionalProperties: { type: "number" } },
      { kind: "dict", value: N },
    ],
    [{ type: "object" }, { kind: "dict", value: ANY }],
    [
      { type: "object", properties: { a: { type: "string" }, b: { type: "number" } }, required: ["a"] },
      { kind: "record", fields: { a: { type: S, optional: false }, b: { type: N, optional: true } } },
    ],
    [
      { enum: ["a", "b", null] },
      { kind: "union", types: [{ kind: "literal", value: "a" }, { kind: "literal", value: "b" }, { kind: "null" }] },
    ],
    [
      { type: "string", enum: ["x"] },
      { kind: "literal", value: "x" },
    ],
    [{ const: 3 }, { kind: "literal", value: 3 }],
    [{ anyOf: [{ type: "string" }, { type: "null" }] }, { kind: "union", types: [S, { kind: "null" }] }],
    [{ oneOf: [{ type: "string" }, { type: "number" }] }, { kind: "union", types: [S, N] }],
    [{ type: ["string", "null"] }, { kind: "union", types: [S, { kind: "null" }] }],
    [
      { type: "string", nullable: true },
      { kind: "union", types: [S, { kind: "null" }] },
    ],
    [
      {
        allOf: [
          { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
          { properties: { b: { type: "number" } } },
        ],
      },
      { kind: "record", fields: { a: { type: S, optional: false }, b: { type: N, optional: true } } },
    ],
  ])("%j", (schema, expected) => {
    expect(schemaType(schema)).toEqual(expected);
  });

  test("$ref to $defs names the record", () => {
    const c = mcp({
      tools: [
        {
          name: "f",
          inputSchema: {
            type: "object",
            properties: { p: { $ref: "#/$defs/Point" } },
            $defs: { Point: { type: "object", properties: { x: { type: "number" } }, required: ["x"] } },
          },
        },
      ],
    });
    expect(fn(c, "f").params[0]?.type).toEqual({
      kind: "record",
      name: "Point",
      fields: { x: { type: N, optional: false } },
    });
  });
});

describe("tools", () => {
  test("the dinner tool list", () => {
    const c = parseCatalogSource(
      JSON.stringify({
        tools: [
          {
            name: "search",
            description: "Search the web.",
            inputSchema: {
              type: "object",
              properties: { query: { type: "string", description: "what to look for" }, limit: { type: "integer" } },
              required: ["query"],
            },
            outputSchema: { type: "array", items: { type: "string" }, maxItems: 10, minItems: 1 },
            annotations: { readOnlyHint: true },
          },
          { name: "send", inputSchema: { type: "object", properties: { to: { type: "string" } } }, "x-cost": 3 },
          { name: "wipe", inputSchema: { type: "object" }, annotations: { destructiveHint: true } },
          {
            name: "pay",
            inputSchema: { type: "object" },
            annotations: { readOnlyHint: false, destructiveHint: true },
            "x-effect": "payment",
          },
        ],
      }),
      "/virtual/tools.json",
    );
    expect(c.format).toBe("mcp");
    expect(fn(c, "search")).toEqual({
      name: "search",
      params: [
        { name: "query", type: S, optional: false, doc: "what to look for" },
        { name: "limit", type: N, optional: true },
      ],
      returns: { kind: "list", element: S },
      effect: undefined,
      irreversible: false,
      maxItems: 10,
      minItems: 1,
      cost: 1,
      doc: "Search the web.",
      hasHandler: false,
      location: { file: "/virtual/tools.json", line: 1 },
    });
    expect(fn(c, "send")).toMatchObject({
      effect: "external",
      irreversible: false,
      cost: 3,
      returns: ANY,
      params: [{ name: "to", optional: true }],
    });
    expect(fn(c, "wipe")).toMatchObject({ effect: "external", irreversible: true, params: [] });
    expect(fn(c, "pay")).toMatchObject({ effect: "payment", irreversible: true });
  });

  test("locations are the lines of the tool names; inputs are read with maxItems", () => {
    const c = parseCatalogSource(
      '{\n  "tools": [\n    {\n      "name": "a",\n      "inputSchema": {"type": "object"}\n    },\n    {"name": "b", "inputSchema": {}}\n  ],\n  "inputs": {\n    "users": {"type": "array", "items": {"type": "string"}, "maxItems": 20, "description": "Everyone."}\n  }\n}\n',
      "/virtual/tools.json",
    );
    expect(fn(c, "a").location?.line).toBe(4);
    expect(fn(c, "b").location?.line).toBe(7);
    expect(input(c, "users")).toEqual({
      name: "users",
      type: { kind: "list", element: S },
      maxItems: 20,
      minItems: undefined,
      doc: "Everyone.",
      location: { file: "/virtual/tools.json", line: 10 },
    });
  });

  test("a whole JSON-RPC response is read", () => {
    const c = mcp({ jsonrpc: "2.0", id: 1, result: { tools: [tool("a")] } });
    expect([...c.functions.keys()]).toEqual(["a"]);
  });

  test("the hash is the sha256 of the text; the same text gives the same object", () => {
    const text = JSON.stringify({ tools: [tool("cached")] });
    const a = parseCatalogSource(text, "/virtual/c.json");
    expect(parseCatalogSource(text, "/virtual/c.json")).toBe(a);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("errors name the file and line", () => {
  test.each<[string, number | undefined, string]>([
    ['{\n  "tools": [\n    {"name": "a",}\n  ]\n}', 3, "the MCP tool list is not valid JSON: "],
    ['{"tools": 3}', 1, "an MCP catalog must be an object with a `tools` array (the result of `tools/list`)"],
    ['{"tools": [\n  {"description": "x"}\n]}', 2, "tool 0 has no `name`"],
    [
      '{"tools": [\n  {"name": "get-weather", "inputSchema": {}}\n]}',
      2,
      "tool name `get-weather` is not a name a composition can write",
    ],
    [
      '{"tools": [\n  {"name": "a", "inputSchema": {}},\n  {"name": "a", "inputSchema": {}}\n]}',
      3,
      "tool `a` is listed more than once (first at line 2)",
    ],
    ['{"tools": [\n  {"name": "a"}\n]}', 2, "tool `a` has no `inputSchema` object"],
    [
      '{"tools": [\n  {"name": "a", "inputSchema": {"type": "object", "properties": {\n    "x": {"type": "date"}\n  }}}\n]}',
      3,
      'parameter `x` of tool `a`: JSON Schema type `"date"` cannot be used in a catalog',
    ],
    [
      '{"tools": [{"name": "a", "inputSchema": {},\n  "outputSchema": {"type": "string", "maxItems": 3}}]}',
      2,
      "the result of tool `a`: `maxItems` bounds a collection, but this is not an array",
    ],
    [
      '{"tools": [{"name": "a", "inputSchema": {"properties": {"p": {"$ref": "#/$defs/Nope"}}}}]}',
      1,
      "parameter `p` of tool `a`: `$ref` `#/$defs/Nope` does not name a schema under `#/$defs` or `#/definitions`",
    ],
    [
      '{"tools": [{"name": "a", "inputSchema": {"properties": {"p": {"$ref": "#/$defs/T"}},\n "$defs": {"T": {"type": "object", "properties": {"k": {"$ref": "#/$defs/T"}}}}}}]}',
      2,
      "parameter `p` of tool `a` (`#/$defs/T`), property `k`: `#/$defs/T` refers to itself; a catalog type cannot be recursive",
    ],
    [
      '{"tools": [],\n "inputs": {"users": {"type": "array", "maxItems": -1}}}',
      2,
      "input `users`: `maxItems` must be a whole number ≥ 0",
    ],
    ['{"tools": [{"name": "a", "inputSchema": {}, "x-cost": "high"}]}', 1, "tool `a`: `x-cost` must be a number ≥ 0"],
  ])("%s", (text, line, message) => {
    const err = usageError(() => parseCatalogSource(text, "/virtual/bad.json"));
    expect(err.file).toBe("/virtual/bad.json");
    expect(err.line).toBe(line);
    expect(err.message.startsWith(message)).toBe(true);
  });
});

describe("every problem at once, in source order", () => {
  const MULTI = `{
  "tools": [
    {"name": "search", "inputSchema": {"type": "object", "properties": {
      "q": {"type": "date"},
      "n": {"$ref": "#/$defs/Nope"},
      "ok": {"type": "string"}
    }}},
    {"name": "get-weather", "inputSchema": {}},
    {"name": "search", "inputSchema": {}, "x-cost": "high"},
    {"description": "nameless"},
    {"name": "pay", "inputSchema": {}, "annotations": {"readOnlyHint": true}, "x-effect": "payment",
     "outputSchema": {"type": "string", "maxItems": 3}}
  ],
  "inputs": {"search": {"type": "array", "maxItems": -1}}
}
`;

  test("a tool list with ten independent mistakes reports all ten, with line, column and key", () => {
    const err = catalogError(() => parseCatalogSource(MULTI, "/virtual/multi.json"));
    expect(problemRows(err)).toEqual([
      [
        4,
        21,
        "tools[0].inputSchema.properties.q.type",
        'parameter `q` of tool `search`: JSON Schema type `"date"` cannot be used in a catalog',
      ],
      [
        5,
        13,
        "tools[0].inputSchema.properties.n.$ref",
        "parameter `n` of tool `search`: `$ref` `#/$defs/Nope` does not name a schema under `#/$defs` or `#/definitions`",
      ],
      [8, 14, "tools[1].name", "tool name `get-weather` is not a name a composition can write"],
      [9, 14, "tools[2].name", "tool `search` is listed more than once (first at line 3)"],
      [9, 53, "tools[2].x-cost", "tool `search`: `x-cost` must be a number ≥ 0"],
      [10, 5, "tools[3]", "tool 3 has no `name`"],
      [
        11,
        91,
        "tools[4].x-effect",
        "tool `pay` is `readOnlyHint: true` (pure) but names an effect class in `x-effect`",
      ],
      [
        12,
        53,
        "tools[4].outputSchema.maxItems",
        "the result of tool `pay`: `maxItems` bounds a collection, but this is not an array",
      ],
      [14, 14, "inputs.search", "input `search` has the name of a tool; every name must be unique"],
      [14, 54, "inputs.search.maxItems", "input `search`: `maxItems` must be a whole number ≥ 0"],
    ]);
    expect(err).toBeInstanceOf(UsageError);
    expect([err.file, err.line, err.column, err.key, err.message]).toEqual([
      "/virtual/multi.json",
      4,
      21,
      "tools[0].inputSchema.properties.q.type",
      'parameter `q` of tool `search`: JSON Schema type `"date"` cannot be used in a catalog',
    ]);
    expect(err.format().split("\n").slice(0, 4)).toEqual([
      '/virtual/multi.json:4: parameter `q` of tool `search`: JSON Schema type `"date"` cannot be used in a catalog',
      "  help: use string, number, integer, boolean, null, array or object",
      "/virtual/multi.json:5: parameter `n` of tool `search`: `$ref` `#/$defs/Nope` does not name a schema under `#/$defs` or `#/definitions`",
      "  help: a catalog reads JSON Schema types string, number, integer, boolean, null, array, object, enum, const, anyOf, oneOf and local $ref",
    ]);
  });

  test("a definition that cannot be read is reported once, however often it is used", () => {
    const text =
      '{"tools": [{"name": "a", "inputSchema": {\n' +
      '  "properties": {"p": {"$ref": "#/$defs/T"}, "q": {"$ref": "#/$defs/T"}},\n' +
      '  "$defs": {"T": {"type": "date"}}}}]}';
    const err = catalogError(() => parseCatalogSource(text, "/virtual/defs.json"));
    expect(problemRows(err)).toEqual([
      [
        3,
        27,
        "tools[0].inputSchema.$defs.T.type",
        'parameter `p` of tool `a` (`#/$defs/T`): JSON Schema type `"date"` cannot be used in a catalog',
      ],
    ]);
  });

  test("text that is not JSON, or not a tool list, is one problem", () => {
    let err = catalogError(() => parseCatalogSource('{"tools": [\n  {"name": "a-b",}\n]}', "/virtual/bad.json"));
    expect(problemRows(err)).toEqual([
      [2, 18, undefined, expect.stringMatching(/^the MCP tool list is not valid JSON: /)],
    ]);
    err = catalogError(() => parseCatalogSource('{"tool": [{"name": "a-b"}]}', "/virtual/bad.json"));
    expect(problemRows(err)).toEqual([
      [1, 1, undefined, "an MCP catalog must be an object with a `tools` array (the result of `tools/list`)"],
    ]);
  });

  test(`at most ${MAX_PROBLEMS} problems, then "and N more problems"`, () => {
    const tools = Array.from({ length: MAX_PROBLEMS + 3 }, (_, i) => ({ name: `t-${i}`, inputSchema: {} }));
    const err = catalogError(() => mcp({ tools }, "/virtual/many.json"));
    expect(err.problems).toHaveLength(MAX_PROBLEMS);
    expect(err.omitted).toBe(3);
    expect(err.problems[MAX_PROBLEMS - 1]?.message).toBe(
      `tool name \`t-${MAX_PROBLEMS - 1}\` is not a name a composition can write`,
    );
    expect(err.format().split("\n").at(-1)).toBe("and 3 more problems");
  });
});
