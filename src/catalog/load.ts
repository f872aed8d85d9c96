/**
 * Loading catalogs: dispatch on the file extension (`.ts`, `.mts`, `.d.ts`
 * → TypeScript, `.json` → MCP tool list), read, map, freeze, and cache by
 * content hash so that a process loading the same catalog again gets the
 * same Catalog object for the price of a hash. Loading is the slow part and
 * happens once; `check` then reads the frozen Maps.
 *
 * ts-morph (the TypeScript parser) is loaded only when the first TypeScript
 * catalog is read, never when this module is imported.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { makeCatalog, sha256 } from "./build.js";
import { readMcpCatalog } from "./mcp-catalog.js";
import type { Catalog } from "./types.js";
import { readTypeScriptCatalog, type ReadFile } from "./typescript-catalog.js";
import { typescriptModule } from "./typescript-module.js";

export { catalogFromObject, catalogTypes } from "./build.js";
export type {
  CatalogDefinition,
  FunctionDefinition,
  InputDefinition,
  ParamDefinition,
  TypeSpec,
  FieldSpec,
} from "./build.js";
export type { ReadFile } from "./typescript-catalog.js";

/** How a catalog file is read, by its extension; undefined when it is not a catalog. */
export function catalogFormat(path: string): "typescript" | "mcp" | undefined {
  if (/\.(d\.)?m?ts$/.test(path)) return "typescript";
  if (path.endsWith(".json")) return "mcp";
  return undefined;
}

function unsupportedExtension(path: string): UsageError {
  return new UsageError(
    `cannot read catalog ${path}: unsupported file type`,
    path,
    undefined,
    "a catalog is a TypeScript module (.ts, .mts, .d.ts) or an MCP tool list (.json)",
  );
}

/**
 * Loads the catalog at `path`. Throws `UsageError` naming the file (and the
 * line where one applies) for a missing file, an unsupported extension, or
 * anything in it a catalog cannot use.
 */
export async function loadCatalog(path: string): Promise<Catalog> {
  if (catalogFormat(path) === undefined) throw unsupportedExtension(path);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw readError(path, err);
  }
  return parseCatalogSource(text, path);
}

function readError(path: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "it is a directory"
        : ((err as Error).message ?? String(err));
  return new UsageError(`cannot read catalog ${path}: ${why}`, path);
}

/** Options of `parseCatalogSource`. */
export interface ParseCatalogOptions {
  /** Reads files that a TypeScript catalog imports types from (absolute paths); default `fs.readFileSync`. */
  readonly readFile?: ReadFile;
}

const defaultReadFile: ReadFile = (file) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};

interface CacheEntry {
  readonly catalog: Catalog;
  /** Files read besides the catalog itself (TypeScript imports), with their content hashes. */
  readonly deps: readonly { readonly absolutePath: string; readonly hash: string }[];
}

const CACHE_LIMIT = 64;
const cache = new Map<string, CacheEntry>();

/** Forgets every cached catalog. */
export function clearCatalogCache(): void {
  cache.clear();
}

/**
 * The catalog in `text`, read as the file `path` (its extension picks the
 * format), synchronously. Same path and content (and imported files) give
 * the same Catalog object.
 */
export function parseCatalogSource(text: string, path: string, options: ParseCatalogOptions = {}): Catalog {
  const format = catalogFormat(path);
  if (format === undefined) throw unsupportedExtension(path);
  const readDep = options.readFile ?? defaultReadFile;
  const textHash = sha256(text);
  const key = `${format}\0${path}\0${resolve(path)}\0${textHash}`;
  const hit = cache.get(key);
  if (hit !== undefined && hit.deps.every((d) => sha256(readDep(d.absolutePath) ?? "") === d.hash)) return hit.catalog;

  let entry: CacheEntry;
  if (format === "mcp") {
    const { functions, inputs } = readMcpCatalog(text, path);
    entry = { catalog: makeCatalog({ path, format, hash: textHash, functions, inputs }), deps: [] };
  } else {
    const read = readTypeScriptCatalog(typescriptModule(), text, path, readDep);
    const deps = read.files.slice(1);
    const hash =
      deps.length === 0
        ? textHash
        : sha256(
            [text, ...deps.map((d) => `${relative(dirname(resolve(path)), d.absolutePath)}\0${d.text}`)].join("\0"),
          );
    entry = {
      catalog: makeCatalog({ path, format, hash, functions: read.functions, inputs: read.inputs }),
      deps: deps.map((d) => ({ absolutePath: d.absolutePath, hash: sha256(d.text) })),
    };
  }
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, entry);
  return entry.catalog;
}
