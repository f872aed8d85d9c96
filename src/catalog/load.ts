/**
 * Loading catalogs: dispatch on the file extension (`.ts`, `.mts`, `.d.ts`
 * → TypeScript, `.json` → MCP tool list), read, map, freeze, and cache by
 * content hash so that a process loading the same catalog again gets the
 * same Catalog object for the price of a hash. Loading is the slow part and
 * happens once; `check` then reads the frozen Maps.
 *
 * ts-morph (the TypeScript parser) is loaded only when the first TypeScript
 * catalog is read, never when this module is imported. `loadCatalog` also
 * keeps TypeScript catalogs in an on-disk cache (`catalog-disk-cache.ts`,
 * location in `cache-dir.ts`; `PARTWISE_NO_CACHE=1` turns it off), so a new
 * process reading a catalog it has read before does not load TypeScript at all.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { makeCatalog, sha256 } from "./build.js";
import { CatalogError } from "./catalog-error.js";
import {
  catalogCacheDir,
  contentHash,
  readCachedCatalog,
  writeCachedCatalog,
  type DependencyHash,
  type ProbedFile,
} from "./catalog-disk-cache.js";
import { readMcpCatalog } from "./mcp-catalog.js";
import type { Catalog } from "./types.js";
import { readTypeScriptCatalog, type ReadFile } from "./typescript-catalog.js";
import { typescriptModule } from "./typescript-module.js";

export { catalogFromObject, catalogTypes } from "./build.js";
export { CatalogError } from "./catalog-error.js";
export { MAX_PROBLEMS, type LoadProblem } from "./load-problem.js";
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

function unsupportedExtension(path: string): CatalogError {
  return CatalogError.single(
    `cannot read catalog ${path}: unsupported file type`,
    path,
    undefined,
    "a catalog is a TypeScript module (.ts, .mts, .d.ts) or an MCP tool list (.json)",
  );
}

/**
 * Loads the catalog at `path`. Throws `CatalogError` (a `UsageError`) naming
 * the file for a missing file or an unsupported extension, and for a file
 * with things in it a catalog cannot use, every one of them (`problems`,
 * in source order, each with its line and column) at once.
 */
export async function loadCatalog(path: string): Promise<Catalog> {
  if (catalogFormat(path) === undefined) throw unsupportedExtension(path);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw readError(path, err);
  }
  return parseCatalogSource(text, path, { diskCache: true });
}

function readError(path: string, err: unknown): CatalogError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "it is a directory"
        : ((err as Error).message ?? String(err));
  return CatalogError.single(`cannot read catalog ${path}: ${why}`, path);
}

/** Options of `parseCatalogSource`. */
export interface ParseCatalogOptions {
  /** Reads files that a TypeScript catalog imports types from (absolute paths); default `fs.readFileSync`. */
  readonly readFile?: ReadFile;
  /**
   * Also use the on-disk cache of TypeScript catalogs (default false here;
   * `loadCatalog` turns it on). Off whatever this says with `PARTWISE_NO_CACHE=1`.
   */
  readonly diskCache?: boolean;
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
  /** Files looked at besides the catalog itself (TypeScript imports, found or not), with their content hashes. */
  readonly deps: readonly DependencyHash[];
}

const CACHE_LIMIT = 64;
const cache = new Map<string, CacheEntry>();

/** Forgets every catalog cached in this process (the on-disk cache is kept). */
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
  if (hit !== undefined && hit.deps.every((d) => contentHash(readDep(d.absolutePath)) === d.hash)) return hit.catalog;

  let entry: CacheEntry;
  if (format === "mcp") {
    const { functions, inputs } = readMcpCatalog(text, path);
    entry = { catalog: makeCatalog({ path, format, hash: textHash, functions, inputs }), deps: [] };
  } else {
    entry = readTypeScript(text, path, readDep, options.diskCache === true ? catalogCacheDir() : undefined);
  }
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, entry);
  return entry.catalog;
}

/** A TypeScript catalog, from the on-disk cache in `diskDir` when it has it, else read (loading TypeScript) and stored there. */
function readTypeScript(text: string, path: string, readDep: ReadFile, diskDir: string | undefined): CacheEntry {
  if (diskDir !== undefined) {
    const cached = readCachedCatalog(diskDir, path, text, readDep);
    if (cached !== undefined) return cached;
  }
  // Every file the reader looks at, found or not: a file that appears later may change how an import resolves.
  const seen = new Map<string, string | undefined>();
  const recordingRead: ReadFile = (absolutePath) => {
    const t = readDep(absolutePath);
    if (!seen.has(absolutePath)) seen.set(absolutePath, t);
    return t;
  };
  const read = readTypeScriptCatalog(typescriptModule(), text, path, recordingRead);
  const deps = read.files.slice(1);
  const hash =
    deps.length === 0
      ? sha256(text)
      : sha256([text, ...deps.map((d) => `${relative(dirname(resolve(path)), d.absolutePath)}\0${d.text}`)].join("\0"));
  const catalog = makeCatalog({ path, format: "typescript", hash, functions: read.functions, inputs: read.inputs });
  const probed: readonly ProbedFile[] = [...seen].map(([absolutePath, t]) => ({ absolutePath, text: t }));
  if (diskDir !== undefined) writeCachedCatalog(diskDir, path, text, probed, catalog);
  return { catalog, deps: probed.map((p) => ({ absolutePath: p.absolutePath, hash: contentHash(p.text) })) };
}
