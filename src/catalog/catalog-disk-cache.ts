/**
 * The on-disk cache of loaded TypeScript catalogs, so that a process started
 * once per file (a pipeline calling `partwise check`) does not load the
 * TypeScript compiler (about 220 ms) to read a catalog it has read before.
 *
 * One entry per catalog, in `<cache root>/catalogs/<key>.json` (root: see
 * `cache-dir.ts`). `key` is the sha256 of the entry format and version
 * (`CATALOG_CACHE_FORMAT`, bumped whenever the mapping from TypeScript to
 * catalog types changes), the Partwise version, a hash of the code file this
 * module was loaded from (so a rebuilt Partwise never trusts another build's
 * entries), the catalog path as given (it is in every `location`) and the
 * catalog's content. The entry lists every file the reader looked at for
 * relative imports (found or not), as paths relative to the catalog's
 * folder, and `depsKey`, the sha256 of `key` and those files' contents. A
 * read re-hashes those files (cheap) and uses the entry only when the file
 * name, the embedded key, format, version and `depsKey` all match and the
 * catalog decodes and validates; anything else is a miss, and the loader
 * overwrites the entry. Entries are written to a temporary file and renamed
 * into place, so concurrent writers and readers never see half an entry.
 *
 * Nothing here loads TypeScript: on a hit the compiler is never required.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "../version.js";
import { makeCatalog } from "./build.js";
import { cacheDir } from "./cache-dir.js";
import type { Catalog, CatalogFunction, CatalogInput, Field, Param, SourceLocation, Type } from "./types.js";
import type { ReadFile } from "./typescript-catalog.js";

/** Version of the entry layout and of the TypeScript mapping; bump it when either changes. */
export const CATALOG_CACHE_FORMAT = 1;

const MAGIC = "partwise-catalog-cache";
/** Entries kept before the oldest are removed (an entry is a few KB). */
const MAX_ENTRIES = 512;
const KEEP_AFTER_PRUNE = 384;

/** A file the reader looked at, by absolute path, with its text (undefined: it did not exist). */
export interface ProbedFile {
  readonly absolutePath: string;
  readonly text: string | undefined;
}

/** A dependency of a cached catalog, as the in-process cache keeps it. */
export interface DependencyHash {
  readonly absolutePath: string;
  readonly hash: string;
}

/** What a cache hit gives back. */
export interface CachedCatalog {
  readonly catalog: Catalog;
  readonly deps: readonly DependencyHash[];
}

/**
 * The folder of catalog entries, or undefined when the on-disk cache is off.
 * Run from source (version `0.0.0-dev`, where the reader's code changes
 * without a version bump), it is used only with an explicit `$PARTWISE_CACHE_DIR`.
 */
export function catalogCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (VERSION === "0.0.0-dev" && (env.PARTWISE_CACHE_DIR ?? "") === "") return undefined;
  return cacheDir("catalogs", env);
}

/** sha256 of a file's content as seen by the reader; a missing file has its own value. */
export function contentHash(text: string | undefined): string {
  return text === undefined ? "absent" : createHash("sha256").update(text).digest("hex");
}

let codeHash: string | undefined;

/** Hash of the code file this module was loaded from (the bundle chunk, or this source file). */
function loaderCodeHash(): string {
  if (codeHash === undefined) {
    try {
      codeHash = contentHash(readFileSync(fileURLToPath(import.meta.url), "utf8"));
    } catch {
      codeHash = "unknown";
    }
  }
  return codeHash;
}

/** The entry key of the catalog `text` read as `path`. */
export function catalogCacheKey(path: string, text: string): string {
  return createHash("sha256")
    .update([MAGIC, String(CATALOG_CACHE_FORMAT), VERSION, loaderCodeHash(), path, contentHash(text)].join("\0"))
    .digest("hex");
}

function depsKeyOf(key: string, deps: readonly { readonly rel: string; readonly hash: string }[]): string {
  const h = createHash("sha256").update(key);
  for (const d of deps) h.update(`\0${d.rel}\0${d.hash}`);
  return h.digest("hex");
}

function entryFile(dir: string, key: string): string {
  return join(dir, `${key}.json`);
}

/**
 * The cached catalog for `text` read as `path`, or undefined on a miss (no
 * entry, a stale one, or one that is corrupt or not ours). `readDep` reads
 * the imported files, as the loader does.
 */
export function readCachedCatalog(
  dir: string,
  path: string,
  text: string,
  readDep: ReadFile,
): CachedCatalog | undefined {
  const key = catalogCacheKey(path, text);
  let raw: string;
  try {
    raw = readFileSync(entryFile(dir, key), "utf8");
  } catch {
    return undefined;
  }
  try {
    const entry = asObject(JSON.parse(raw));
    if (entry.magic !== MAGIC || entry.formatVersion !== CATALOG_CACHE_FORMAT) return undefined;
    if (entry.partwise !== VERSION || entry.key !== key) return undefined;
    const root = dirname(resolve(path));
    const deps = asArray(entry.deps).map((rel) => {
      const r = asString(rel);
      if (isAbsolute(r)) throw new InvalidEntry();
      const absolutePath = resolve(root, r);
      return { rel: r, absolutePath, hash: contentHash(readDep(absolutePath)) };
    });
    if (entry.depsKey !== depsKeyOf(key, deps)) return undefined;
    const catalog = decodeCatalog(entry.catalog);
    if (catalog.path !== path || catalog.format !== "typescript") return undefined;
    return { catalog, deps: deps.map((d) => ({ absolutePath: d.absolutePath, hash: d.hash })) };
  } catch {
    // Not JSON, not our shape, nested too deep, or a file that cannot be read: a miss, never trusted.
    return undefined;
  }
}

/**
 * Stores `catalog` (read from `text` as `path`, having looked at `probed`)
 * atomically: a temporary file in the same folder, renamed over the entry.
 * Failures are ignored (the cache is an optimisation); an entry that would
 * not read back identically is not written.
 */
export function writeCachedCatalog(
  dir: string,
  path: string,
  text: string,
  probed: readonly ProbedFile[],
  catalog: Catalog,
): void {
  const key = catalogCacheKey(path, text);
  const root = dirname(resolve(path));
  const deps = probed.map((p) => ({ rel: relative(root, p.absolutePath), hash: contentHash(p.text) }));
  const encoded = encodeCatalog(catalog);
  try {
    if (JSON.stringify(encodeCatalog(decodeCatalog(JSON.parse(JSON.stringify(encoded))))) !== JSON.stringify(encoded))
      return;
  } catch {
    return;
  }
  const entry = {
    magic: MAGIC,
    formatVersion: CATALOG_CACHE_FORMAT,
    partwise: VERSION,
    key,
    deps: deps.map((d) => d.rel),
    depsKey: depsKeyOf(key, deps),
    catalog: encoded,
  };
  const file = entryFile(dir, key);
  const tmp = `${file}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone.
    }
    return;
  }
  pruneCache(dir);
}

/** Keeps the folder bounded: past `MAX_ENTRIES` entries, removes the least recently written. */
function pruneCache(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return;
  }
  if (names.length <= MAX_ENTRIES) return;
  const byAge = names
    .map((n) => {
      try {
        return { n, t: statSync(join(dir, n)).mtimeMs };
      } catch {
        return { n, t: 0 };
      }
    })
    .sort((a, b) => a.t - b.t);
  for (const { n } of byAge.slice(0, names.length - KEEP_AFTER_PRUNE)) {
    try {
      unlinkSync(join(dir, n));
    } catch {
      // Removed by another process.
    }
  }
}

// ---------------------------------------------------------------------------
// Encoding: the Catalog as plain JSON (Maps as arrays of their values, which
// carry their names); decoding rebuilds every object field by field, so a
// file of the wrong shape is rejected and `undefined` fields come back.

/** The JSON form of a catalog. */
function encodeCatalog(c: Catalog): unknown {
  return {
    path: c.path,
    format: c.format,
    hash: c.hash,
    functions: [...c.functions.values()],
    inputs: [...c.inputs.values()],
  };
}

/** An entry that is not what this module writes. */
class InvalidEntry extends Error {
  constructor() {
    super("invalid catalog cache entry");
  }
}

function asObject(v: unknown): Readonly<Record<string, unknown>> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new InvalidEntry();
  return v as Readonly<Record<string, unknown>>;
}

function asArray(v: unknown): readonly unknown[] {
  if (!Array.isArray(v)) throw new InvalidEntry();
  return v;
}

function asString(v: unknown): string {
  if (typeof v !== "string") throw new InvalidEntry();
  return v;
}

function asBoolean(v: unknown): boolean {
  if (typeof v !== "boolean") throw new InvalidEntry();
  return v;
}

function asNumber(v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidEntry();
  return v;
}

function optional<T>(v: unknown, read: (v: unknown) => T): T | undefined {
  return v === undefined ? undefined : read(v);
}

function decodeType(v: unknown): Type {
  const o = asObject(v);
  switch (o.kind) {
    case "any":
    case "string":
    case "number":
    case "boolean":
    case "null":
      return { kind: o.kind };
    case "literal": {
      const value = o.value;
      if (typeof value !== "string" && typeof value !== "boolean" && (typeof value !== "number" || !isFinite(value)))
        throw new InvalidEntry();
      return { kind: "literal", value };
    }
    case "list":
      return { kind: "list", element: decodeType(o.element) };
    case "dict":
      return { kind: "dict", value: decodeType(o.value) };
    case "record": {
      const fields: Readonly<Record<string, Field>> = Object.fromEntries(
        Object.entries(asObject(o.fields)).map(([name, f]) => {
          const fo = asObject(f);
          return [name, { type: decodeType(fo.type), optional: asBoolean(fo.optional) }];
        }),
      );
      return o.name === undefined ? { kind: "record", fields } : { kind: "record", name: asString(o.name), fields };
    }
    case "union":
      return { kind: "union", types: asArray(o.types).map(decodeType) };
    default:
      throw new InvalidEntry();
  }
}

function decodeLocation(v: unknown): SourceLocation | undefined {
  if (v === undefined) return undefined;
  const o = asObject(v);
  return { file: asString(o.file), line: asNumber(o.line) };
}

function decodeParam(v: unknown): Param {
  const o = asObject(v);
  const doc = optional(o.doc, asString);
  return {
    name: asString(o.name),
    type: decodeType(o.type),
    optional: asBoolean(o.optional),
    ...(doc === undefined ? {} : { doc }),
  };
}

function decodeFunction(v: unknown): CatalogFunction {
  const o = asObject(v);
  return {
    name: asString(o.name),
    params: asArray(o.params).map(decodeParam),
    returns: decodeType(o.returns),
    effect: optional(o.effect, asString),
    irreversible: asBoolean(o.irreversible),
    maxItems: optional(o.maxItems, asNumber),
    minItems: optional(o.minItems, asNumber),
    cost: asNumber(o.cost),
    doc: asString(o.doc),
    hasHandler: asBoolean(o.hasHandler),
    location: decodeLocation(o.location),
  };
}

function decodeInput(v: unknown): CatalogInput {
  const o = asObject(v);
  return {
    name: asString(o.name),
    type: decodeType(o.type),
    maxItems: optional(o.maxItems, asNumber),
    minItems: optional(o.minItems, asNumber),
    doc: asString(o.doc),
    location: decodeLocation(o.location),
  };
}

/** The Catalog in an entry's `catalog` field; throws `InvalidEntry` when it is not one. */
function decodeCatalog(v: unknown): Catalog {
  const o = asObject(v);
  if (o.format !== "typescript") throw new InvalidEntry();
  try {
    return makeCatalog({
      path: asString(o.path),
      format: o.format,
      hash: asString(o.hash),
      functions: asArray(o.functions).map(decodeFunction),
      inputs: asArray(o.inputs).map(decodeInput),
    });
  } catch (err) {
    if (err instanceof InvalidEntry) throw err;
    throw new InvalidEntry(); // e.g. a duplicate name: not something we wrote
  }
}
