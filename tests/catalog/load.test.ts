import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CatalogError, catalogFromObject, catalogTypes, loadCatalog } from "../../src/catalog/load.js";
import type { Catalog } from "../../src/catalog/types.js";
import { fn, usageError, usageErrorAsync } from "./helpers.js";

const DINNER_TS = "tests/fixtures/catalogs/dinner.ts";
const DINNER_MCP = "tests/fixtures/catalogs/dinner.json";

/** What check() reads of a catalog, without where it came from. */
function semantics(c: Catalog): unknown {
  return {
    functions: [...c.functions.values()].map((f) => ({ ...f, location: undefined, hasHandler: undefined })),
    inputs: [...c.inputs.values()].map((i) => ({ ...i, location: undefined })),
  };
}

describe("loadCatalog", () => {
  test("the dinner catalog (TypeScript)", async () => {
    const c = await loadCatalog(DINNER_TS);
    expect(c.path).toBe(DINNER_TS);
    expect(c.format).toBe("typescript");
    expect([...c.functions.keys()]).toEqual(["ask_preference", "identify_overlap", "book_table"]);
    expect([...c.inputs.keys()]).toEqual(["users"]);
    expect(fn(c, "ask_preference")).toMatchObject({ maxItems: 5, effect: undefined, hasHandler: true });
    expect(fn(c, "book_table")).toMatchObject({ effect: "reservation", irreversible: true, hasHandler: true });
    expect(c.inputs.get("users")?.maxItems).toBe(20);
    expect(await loadCatalog(DINNER_TS)).toBe(c);
  });

  test("the MCP dinner catalog means the same as the TypeScript one", async () => {
    const ts = await loadCatalog(DINNER_TS);
    const mcp = await loadCatalog(DINNER_MCP);
    expect(mcp.format).toBe("mcp");
    expect(semantics(mcp)).toEqual(semantics(ts));
  });

  test("examples/dinner/catalog.ts matches the fixture", async () => {
    expect(semantics(await loadCatalog("examples/dinner/catalog.ts"))).toEqual(semantics(await loadCatalog(DINNER_TS)));
  });

  test("a catalog importing a type from a file beside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pw-catalog-"));
    writeFileSync(join(dir, "types.ts"), "export interface Booking { code: string }\n");
    writeFileSync(
      join(dir, "catalog.ts"),
      'import type { Booking } from "./types.js";\nexport declare function book(): Booking;\n',
    );
    const c = await loadCatalog(join(dir, "catalog.ts"));
    expect(fn(c, "book").returns).toEqual({
      kind: "record",
      name: "Booking",
      fields: { code: { type: { kind: "string" }, optional: false } },
    });
    // A changed import is a changed catalog, even in the cache.
    writeFileSync(join(dir, "types.ts"), "export interface Booking { code: number }\n");
    const d = await loadCatalog(join(dir, "catalog.ts"));
    expect(d).not.toBe(c);
    expect(fn(d, "book").returns).toMatchObject({ fields: { code: { type: { kind: "number" } } } });
  });

  test.each<[string, string]>([
    ["tests/fixtures/catalogs/missing.ts", "cannot read catalog tests/fixtures/catalogs/missing.ts: no such file"],
    [
      "tests/fixtures/catalogs/dinner.policy.yaml",
      "cannot read catalog tests/fixtures/catalogs/dinner.policy.yaml: unsupported file type",
    ],
    ["tests/fixtures/catalogs", "cannot read catalog tests/fixtures/catalogs: unsupported file type"],
  ])("%s", async (path, message) => {
    const err = await usageErrorAsync(loadCatalog(path));
    expect([err.file, err.message]).toEqual([path, message]);
    // Every error a catalog loader throws is a CatalogError listing its problems, here one.
    expect(err).toBeInstanceOf(CatalogError);
    expect((err as CatalogError).problems.map((p) => [p.file, p.message])).toEqual([[path, message]]);
  });
});

describe("catalogFromObject", () => {
  const { list, record, optional, union, literal } = catalogTypes;

  test("builds the dinner catalog", async () => {
    const c = catalogFromObject({
      functions: {
        ask_preference: {
          params: { user: "string" },
          returns: list("string"),
          maxItems: 5,
          doc: "Ask a single user for their preferred restaurants.",
        },
        identify_overlap: {
          params: [{ name: "preferences", type: catalogTypes.dict(list("string")) }],
          returns: "string",
          doc: "Find a restaurant that satisfies all users' preferences.",
        },
        book_table: {
          params: { restaurant: "string" },
          returns: record({ restaurant: "string", code: "string" }, "Booking"),
          effect: "reservation",
          irreversible: true,
          doc: "Confirm a reservation at the given restaurant.",
        },
      },
      inputs: { users: { type: list("string"), maxItems: 20, doc: "Everyone coming to dinner." } },
    });
    expect(c.format).toBe("object");
    expect(c.path).toBe("<object>");
    expect(semantics(c)).toEqual(semantics(await loadCatalog(DINNER_TS)));
  });

  test("defaults: any types, pure, cost 1, no handler; irreversible alone is class external", () => {
    const c = catalogFromObject({
      functions: { f: {}, g: { irreversible: true } },
      inputs: { x: "number", y: { type: union(literal("a"), "null") }, z: record({ n: optional("number") }) },
    });
    expect(fn(c, "f")).toEqual({
      name: "f",
      params: [],
      returns: { kind: "any" },
      effect: undefined,
      irreversible: false,
      maxItems: undefined,
      minItems: undefined,
      cost: 1,
      doc: "",
      hasHandler: false,
      location: undefined,
    });
    expect(fn(c, "g").effect).toBe("external");
    expect(c.inputs.get("x")?.type).toEqual({ kind: "number" });
    expect(c.inputs.get("z")?.type).toEqual({
      kind: "record",
      fields: { n: { type: { kind: "number" }, optional: true } },
    });
  });

  test.each<[Parameters<typeof catalogFromObject>[0], string]>([
    [{ functions: { "bad-name": {} } }, "function name `bad-name` is not a name a composition can write"],
    [{ functions: { f: {} }, inputs: { f: "string" } }, "`f` is declared more than once in the catalog"],
    [{ functions: { f: { maxItems: 1.5 } } }, "function `f`: `maxItems` must be a whole number ≥ 0, got `1.5`"],
    [{ functions: { f: { minItems: 3, maxItems: 2 } } }, "function `f`: `minItems` 3 is above `maxItems` 2"],
    [{ functions: { f: { cost: -1 } } }, "function `f`: `cost` must be a number ≥ 0, got `-1`"],
    [{ functions: { f: { effect: "two words" } } }, "function `f`: effect class `two words` is not a word"],
    [{ functions: { f: { params: [{ name: "a" }, { name: "a" }] } } }, "function `f` has two parameters named `a`"],
    [{ inputs: { x: { type: { kind: "tuple" } as never } } }, "input `x` has an invalid type: unknown kind `tuple`"],
  ])("%j", (definition, message) => {
    const err = usageError(() => catalogFromObject(definition, "test-catalog"));
    expect([err.file, err.message]).toEqual(["test-catalog", message]);
  });
});
