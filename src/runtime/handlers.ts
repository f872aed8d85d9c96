/**
 * Handlers and the values that cross the host boundary: loading a catalog
 * module's exported functions at run time (a `.ts` catalog is bundled with
 * esbuild, so it needs no build step), JSON copies, and the structural check
 * of a value against a catalog `Type`.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Catalog, Type } from "../catalog/types.js";
import { assertNever } from "../syntax/ast.js";
import { UsageError } from "../errors.js";
import type { Handler, Handlers, JsonValue } from "./types.js";

const loaded = new Map<string, Promise<Handlers>>();

/**
 * The handlers a catalog module exports: every exported function, by name.
 * Cached per catalog file and content hash. A catalog read from an MCP tool
 * list or an object has none (pass `handlers` to `run`).
 */
export function catalogHandlers(catalog: Catalog): Promise<Handlers> {
  if (catalog.format !== "typescript" || catalog.path.endsWith(".d.ts")) return Promise.resolve({});
  const key = `${catalog.path}\0${catalog.hash}`;
  let p = loaded.get(key);
  if (p === undefined) {
    p = importCatalogModule(catalog.path, catalog.hash);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}

async function importCatalogModule(path: string, hash: string): Promise<Handlers> {
  let code: string;
  try {
    const esbuild = await import("esbuild");
    const out = await esbuild.build({
      entryPoints: [path],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      write: false,
      logLevel: "silent",
    });
    code = out.outputFiles[0]?.text ?? "";
  } catch (e) {
    throw new UsageError(
      `cannot load the catalog's handlers: ${firstLine(e)}`,
      path,
      undefined,
      "the catalog module must compile on its own; or pass `handlers` to run()",
    );
  }
  const dir = join(tmpdir(), "partwise-catalogs");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${hash.slice(0, 24)}-${process.pid}.mjs`);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`cannot load the catalog's handlers: ${firstLine(e)}`, path);
  } finally {
    // Loaded modules stay in memory; the file is not needed any more.
    rmSync(file, { force: true });
  }
  const handlers: Record<string, Handler> = {};
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value === "function") handlers[name] = value as Handler;
  }
  return handlers;
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0] ?? m;
}

/** A JSON copy of a handler's result (`undefined` is `None`); `undefined` when it is not JSON. */
export function jsonCopy(value: unknown): JsonValue | undefined {
  if (value === undefined) return null;
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return undefined;
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** True when a JSON value fits a catalog type (records may carry extra fields; `any` fits everything). */
export function fitsType(v: JsonValue, t: Type, depth = 0): boolean {
  if (depth > 200) return true;
  switch (t.kind) {
    case "any":
      return true;
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    case "null":
      return v === null;
    case "literal":
      return v === t.value;
    case "list":
      return Array.isArray(v) && (v as readonly JsonValue[]).every((x) => fitsType(x, t.element, depth + 1));
    case "dict":
      return isObject(v) && Object.values(v).every((x) => fitsType(x, t.value, depth + 1));
    case "record":
      if (!isObject(v)) return false;
      for (const [name, f] of Object.entries(t.fields)) {
        if (!Object.prototype.hasOwnProperty.call(v, name)) {
          if (!f.optional) return false;
          continue;
        }
        const x = v[name];
        if (x === undefined || !fitsType(x, f.type, depth + 1)) return false;
      }
      return true;
    case "union":
      return t.types.some((u) => fitsType(v, u, depth + 1));
    default:
      return assertNever(t);
  }
}

function isObject(v: JsonValue): v is { readonly [k: string]: JsonValue } {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
