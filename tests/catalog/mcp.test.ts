import { describe, expect, test } from "vitest";
import { parseCatalogSource } from "../../src/catalog/load.js";
import type { Catalog, Type } from "../../src/catalog/types.js";
import { fn, input, usageError } from "./helpers.js";

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
