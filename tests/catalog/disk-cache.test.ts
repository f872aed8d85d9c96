/**
 * The on-disk cache of TypeScript catalogs: a new process that loads a
 * catalog it has loaded before gets it without loading TypeScript; any
 * change to the catalog or to a file its imports look at is a miss; a
 * corrupt, foreign or stale entry is ignored and rewritten; PARTWISE_NO_CACHE
 * turns it off; concurrent writers leave one valid entry.
 *
 * In-process tests run the source with PARTWISE_CACHE_DIR set to a fresh
 * folder; they tell a hit from a miss by planting a marker in the stored
 * entry (a hit returns the marker, a fresh read cannot). The fresh-process
 * tests run the built library (dist/index.js, rebuilt by the global setup).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { cacheRoot, isDiskCacheDisabled } from "../../src/catalog/cache-dir.js";
import { CATALOG_CACHE_FORMAT, catalogCacheDir } from "../../src/catalog/catalog-disk-cache.js";
import { jsonLineLocator } from "../../src/catalog/json-lines.js";
import { lineLocator, type JsonPath } from "../../src/catalog/json-source.js";
import { clearCatalogCache, loadCatalog, parseCatalogSource } from "../../src/catalog/load.js";
import { fn } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const LIB = pathToFileURL(resolve(ROOT, "dist/index.js")).href;

const CATALOG = `
/** Search the web. @maxItems 5 */
export declare function search(q: string): string[];
/** Send mail. @effect email @irreversible */
export declare function send(to: string, body: string): null;
/** @maxItems 3 */
export declare const users: string[];
`;

let work: string;
let cacheHome: string;
let savedEnv: { dir: string | undefined; off: string | undefined };

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "pw-disk-cache-"));
  cacheHome = join(work, "cache");
  savedEnv = { dir: process.env.PARTWISE_CACHE_DIR, off: process.env.PARTWISE_NO_CACHE };
  process.env.PARTWISE_CACHE_DIR = cacheHome;
  delete process.env.PARTWISE_NO_CACHE;
  clearCatalogCache();
});

afterEach(() => {
  if (savedEnv.dir === undefined) delete process.env.PARTWISE_CACHE_DIR;
  else process.env.PARTWISE_CACHE_DIR = savedEnv.dir;
  if (savedEnv.off === undefined) delete process.env.PARTWISE_NO_CACHE;
  else process.env.PARTWISE_NO_CACHE = savedEnv.off;
  clearCatalogCache();
});

function entries(): string[] {
  try {
    return readdirSync(join(cacheHome, "catalogs")).sort();
  } catch {
    return [];
  }
}

function entryPath(): string {
  const names = entries();
  expect(names).toHaveLength(1);
  expect(names[0]).toMatch(/^[0-9a-f]{64}\.json$/);
  return join(cacheHome, "catalogs", names[0] ?? "");
}

/** Rewrites the only entry's stored doc of `search` to "FROM DISK": a later hit shows it, a fresh read cannot. */
function plantMarker(): void {
  const file = entryPath();
  const entry = JSON.parse(readFileSync(file, "utf8")) as { catalog: { functions: { doc: string }[] } };
  const first = entry.catalog.functions[0];
  if (first === undefined) throw new Error("entry has no functions");
  first.doc = "FROM DISK";
  writeFileSync(file, JSON.stringify(entry));
}

async function load(path: string): Promise<ReturnType<typeof fn>> {
  clearCatalogCache();
  return fn(await loadCatalog(path), "search");
}

function writeCatalog(text = CATALOG, name = "catalog.ts"): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe("in one process", () => {
  test("a second load is served from disk, equal to a fresh read (undefined fields included)", async () => {
    const path = writeCatalog();
    clearCatalogCache();
    const fresh = await loadCatalog(path);
    expect(entries()).toHaveLength(1);
    clearCatalogCache();
    const cached = await loadCatalog(path);
    expect(cached).not.toBe(fresh);
    expect(cached).toStrictEqual(fresh);
    expect(Object.isFrozen(fn(cached, "send"))).toBe(true);
    expect(Object.keys(fn(cached, "search"))).toEqual(Object.keys(fn(fresh, "search")));
    plantMarker();
    expect((await load(path)).doc).toBe("FROM DISK");
  });

  test("a changed catalog is a miss and gets its own entry", async () => {
    const path = writeCatalog();
    await load(path);
    plantMarker();
    writeCatalog(CATALOG.replace("Search the web.", "Search the whole web."));
    expect((await load(path)).doc).toBe("Search the whole web.");
    expect(entries()).toHaveLength(2);
  });

  test("the path as given is part of the key (locations name it)", async () => {
    const path = writeCatalog();
    await load(path);
    plantMarker();
    const other = relative(process.cwd(), path);
    expect(other).not.toBe(path);
    const f = await load(other);
    expect(f.doc).toBe("Search the web.");
    expect(f.location?.file).toBe(other);
  });

  test("a changed imported file is a miss; the entry is rewritten and then hit", async () => {
    writeFileSync(join(work, "types.ts"), "export interface Hit { url: string }\n");
    const path = writeCatalog(
      `import type { Hit } from "./types.js";\n/** Search. */\nexport declare function search(q: string): Hit[];\n`,
    );
    await load(path);
    plantMarker();
    expect((await load(path)).doc).toBe("FROM DISK");
    writeFileSync(join(work, "types.ts"), "export interface Hit { url: string; rank: number }\n");
    const f = await load(path);
    expect(f.doc).toBe("Search.");
    expect(f.returns).toEqual({
      kind: "list",
      element: {
        kind: "record",
        name: "Hit",
        fields: {
          url: { type: { kind: "string" }, optional: false },
          rank: { type: { kind: "number" }, optional: false },
        },
      },
    });
    plantMarker();
    expect((await load(path)).doc).toBe("FROM DISK");
  });

  test("a file appearing where an import looked first is a miss", async () => {
    writeFileSync(join(work, "types.d.ts"), "export interface Hit { url: string }\n");
    const path = writeCatalog(`import type { Hit } from "./types";\nexport declare function search(q: string): Hit;\n`);
    await load(path);
    plantMarker();
    expect((await load(path)).doc).toBe("FROM DISK");
    writeFileSync(join(work, "types.ts"), "export interface Hit { id: number }\n");
    expect((await load(path)).returns).toEqual({
      kind: "record",
      name: "Hit",
      fields: { id: { type: { kind: "number" }, optional: false } },
    });
  });

  test.each<[string, (entry: Record<string, unknown>) => string]>([
    ["truncated", (e) => JSON.stringify(e).slice(0, 100)],
    ["not JSON", () => "\u0000\u0001garbage"],
    ["empty", () => ""],
    ["another key", (e) => JSON.stringify({ ...e, key: "0".repeat(64) })],
    ["another format version", (e) => JSON.stringify({ ...e, formatVersion: CATALOG_CACHE_FORMAT + 1 })],
    ["another Partwise version", (e) => JSON.stringify({ ...e, partwise: "9.9.9" })],
    ["another depsKey", (e) => JSON.stringify({ ...e, depsKey: "f".repeat(64) })],
    [
      "a catalog of the wrong shape",
      (e) => JSON.stringify({ ...e, catalog: { ...(e.catalog as object), functions: [{ name: 1 }] } }),
    ],
    ["a type of an unknown kind", (e) => JSON.stringify(e).replace('"kind":"string"', '"kind":"bogus"')],
    [
      "a duplicate name",
      (e) => {
        const c = e.catalog as { functions: unknown[] };
        return JSON.stringify({ ...e, catalog: { ...c, functions: [...c.functions, c.functions[0]] } });
      },
    ],
    ["an absolute dependency path", (e) => JSON.stringify({ ...e, deps: ["/etc/hostname"] })],
  ])("an entry that is %s is ignored and rewritten", async (_, corrupt) => {
    const path = writeCatalog();
    clearCatalogCache();
    const fresh = await loadCatalog(path);
    const file = entryPath();
    const good = readFileSync(file, "utf8");
    const planted = JSON.parse(good) as Record<string, unknown> & { catalog: { functions: { doc: string }[] } };
    const first = planted.catalog.functions[0];
    if (first !== undefined) first.doc = "FROM DISK";
    writeFileSync(file, corrupt(planted));
    clearCatalogCache();
    expect(await loadCatalog(path)).toStrictEqual(fresh);
    expect(readFileSync(file, "utf8")).toBe(good);
  });

  test("PARTWISE_NO_CACHE=1 neither reads nor writes entries", async () => {
    const path = writeCatalog();
    await load(path);
    plantMarker();
    process.env.PARTWISE_NO_CACHE = "1";
    expect((await load(path)).doc).toBe("Search the web.");
    writeCatalog(CATALOG.replace("Search the web.", "Look it up."));
    expect((await load(path)).doc).toBe("Look it up.");
    expect(entries()).toHaveLength(1);
  });

  test("parseCatalogSource uses the disk only when asked", () => {
    const path = join(work, "virtual.ts");
    parseCatalogSource(CATALOG, path);
    expect(entries()).toEqual([]);
    clearCatalogCache();
    parseCatalogSource(CATALOG, path, { diskCache: true, readFile: () => undefined });
    expect(entries()).toHaveLength(1);
  });

  test("a UsageError is not cached", async () => {
    const path = writeCatalog("export declare function f(): Map<string, string>;\n");
    await expect(loadCatalog(path)).rejects.toThrow(/Map/);
    expect(entries()).toEqual([]);
  });
});

describe("where the cache lives", () => {
  test("PARTWISE_NO_CACHE values", () => {
    expect(
      [undefined, "", "0", "1", "true", "YES", " 1 "].map((v) => isDiskCacheDisabled({ PARTWISE_NO_CACHE: v })),
    ).toEqual([false, false, false, true, true, true, true]);
  });

  test("PARTWISE_CACHE_DIR is the root, catalogs under it; nothing when disabled", () => {
    const root = join(work, "explicit");
    expect(cacheRoot({ PARTWISE_CACHE_DIR: root })).toBe(root);
    expect(catalogCacheDir({ PARTWISE_CACHE_DIR: root })).toBe(join(root, "catalogs"));
    expect(cacheRoot({ PARTWISE_CACHE_DIR: root, PARTWISE_NO_CACHE: "1" })).toBeUndefined();
  });

  test("the default root is a private folder under the temporary folder", () => {
    const root = cacheRoot({});
    const uid = typeof process.getuid === "function" ? String(process.getuid()) : undefined;
    if (uid !== undefined) expect(root).toBe(join(tmpdir(), `partwise-${uid}`));
    if (root !== undefined && process.platform !== "win32") expect(statSync(root).mode & 0o077).toBe(0);
  });

  test("run from source, the catalog cache needs an explicit PARTWISE_CACHE_DIR", () => {
    expect(catalogCacheDir({})).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------
// Fresh processes, on the built library

interface ProcessResult {
  readonly typescriptLoaded: boolean;
  readonly catalog: unknown;
}

const SCRIPT = `
import { createRequire } from "node:module";
const lib = await import(process.env.PW_LIB);
const c = await lib.loadCatalog(process.env.PW_CATALOG);
const cache = createRequire(import.meta.url).cache;
const typescriptLoaded = Object.keys(cache).some((k) => /[\\\\/](typescript|ts-morph)[\\\\/]|typescript\\.js$/.test(k));
console.log(JSON.stringify({ typescriptLoaded, catalog: { hash: c.hash, functions: [...c.functions.values()], inputs: [...c.inputs.values()] } }));
`;

function processEnv(catalog: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PW_LIB: LIB,
    PW_CATALOG: catalog,
    PARTWISE_CACHE_DIR: cacheHome,
    ...extra,
  };
  if (extra.PARTWISE_NO_CACHE === undefined) delete env.PARTWISE_NO_CACHE;
  return env;
}

function parseResult(status: number | null, stdout: string, stderr: string): ProcessResult {
  expect([status, stderr]).toEqual([0, ""]);
  return JSON.parse(stdout) as ProcessResult;
}

function loadInNewProcess(catalog: string, extra: NodeJS.ProcessEnv = {}): ProcessResult {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT], {
    cwd: ROOT,
    env: processEnv(catalog, extra),
    encoding: "utf8",
    timeout: 60_000,
  });
  return parseResult(r.status, r.stdout, r.stderr);
}

function loadInNewProcessAsync(catalog: string): Promise<ProcessResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", SCRIPT], {
      cwd: ROOT,
      env: processEnv(catalog),
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      try {
        done(parseResult(code, out, err));
      } catch (e) {
        fail(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

describe("in new processes (dist/index.js)", () => {
  test("the second process does not load TypeScript and gets the same catalog", () => {
    writeFileSync(join(work, "types.ts"), "export interface Hit { url: string }\n");
    const path = writeCatalog(
      CATALOG + `import type { Hit } from "./types.js";\nexport declare function top(): Hit;\n`,
    );
    const first = loadInNewProcess(path);
    expect(first.typescriptLoaded).toBe(true);
    expect(entries()).toHaveLength(1);
    const second = loadInNewProcess(path);
    expect(second.typescriptLoaded).toBe(false);
    expect(second.catalog).toEqual(first.catalog);
    // An imported file changed: TypeScript again, then cached again.
    writeFileSync(join(work, "types.ts"), "export interface Hit { url: string; rank: number }\n");
    const third = loadInNewProcess(path);
    expect(third.typescriptLoaded).toBe(true);
    expect(third.catalog).not.toEqual(first.catalog);
    expect(loadInNewProcess(path)).toEqual({ ...third, typescriptLoaded: false });
  });

  test("PARTWISE_NO_CACHE=1: TypeScript every time, no entry", () => {
    const path = writeCatalog();
    expect(loadInNewProcess(path, { PARTWISE_NO_CACHE: "1" }).typescriptLoaded).toBe(true);
    expect(loadInNewProcess(path, { PARTWISE_NO_CACHE: "1" }).typescriptLoaded).toBe(true);
    expect(entries()).toEqual([]);
  });

  test("concurrent writers leave one valid entry and no temporary files", async () => {
    const path = writeCatalog();
    mkdirSync(join(cacheHome, "catalogs"), { recursive: true });
    const results = await Promise.all(Array.from({ length: 6 }, () => loadInNewProcessAsync(path)));
    for (const r of results) expect(r.catalog).toEqual(results[0]?.catalog);
    expect(entries()).toHaveLength(1);
    const after = loadInNewProcess(path);
    expect(after).toEqual({ typescriptLoaded: false, catalog: results[0]?.catalog });
  });
});

// ---------------------------------------------------------------------------
// JSON line numbers without yaml

/** Every path in a JSON value, with whether it has a key. */
function paths(v: unknown, at: JsonPath = []): { path: JsonPath; keyed: boolean }[] {
  const out = [{ path: at, keyed: typeof at[at.length - 1] === "string" }];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (typeof v === "object" && v !== null)
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out.push(...paths(x, [...at, k]));
  return out;
}

describe("jsonLineLocator", () => {
  test("gives the lines the yaml-based locator gives, for values and keys", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(0, 1, 2), (value, indent) => {
        const text = JSON.stringify(value, undefined, indent);
        const mine = jsonLineLocator(text);
        const yaml = lineLocator(text);
        for (const { path, keyed } of paths(JSON.parse(text) as unknown)) {
          expect([path, mine(path)]).toEqual([path, yaml(path)]);
          if (keyed) expect([path, "key", mine(path, true)]).toEqual([path, "key", yaml(path, true)]);
        }
        expect(mine(["no such key", 3])).toBe(yaml(["no such key", 3]));
      }),
      { numRuns: 300 },
    );
  });

  test("a duplicated key resolves to the occurrence JSON.parse keeps; a path that stops early to its parent", () => {
    const text = '{\n  "a": 1,\n  "b": {\n    "c": [\n      true\n    ]\n  },\n  "a": 2\n}';
    const at = jsonLineLocator(text);
    expect([at(["a"]), at(["b", "c", 0]), at(["b", "c", 5]), at(["b", "x", "y"], true), at([])]).toEqual([
      8, 5, 4, 3, 1,
    ]);
  });
});

describe("start-up cost of the catalog loader", () => {
  /** Package imports reachable from `entry` through static, non-type imports of src files. */
  function staticPackages(entry: string): Set<string> {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const todo = [resolve(ROOT, entry)];
    while (todo.length > 0) {
      const file = todo.pop() ?? "";
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^import\s+(?!type\s)[^;]*?from\s*"([^"]+)";/gm)) {
        const spec = m[1] ?? "";
        if (spec.startsWith(".")) todo.push(resolve(file, "..", spec.replace(/\.js$/, ".ts")));
        else packages.add(spec);
      }
    }
    return packages;
  }

  test("src/catalog/load.ts loads no package but Node's own (no yaml, no ts-morph, no typescript)", () => {
    expect([...staticPackages("src/catalog/load.ts")].filter((p) => !p.startsWith("node:"))).toEqual([]);
  });
});
