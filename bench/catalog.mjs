// Catalog load time (issue 3): the dinner catalog (TypeScript and MCP) and a
// generated 30-function TypeScript catalog, cold (a fresh node process: this
// includes loading the TypeScript parser) and warm (same process: a new
// catalog text, parsed and mapped; and the same text again, served from the
// content-hash cache), and a fresh process served from the on-disk catalog
// cache (no TypeScript loaded). The cold column runs with PARTWISE_NO_CACHE=1;
// the disk-hit column with a PARTWISE_CACHE_DIR warmed by one load.
// Run after `npm run build`:
//     node bench/catalog.mjs
// PARTWISE_LIB=path/to/index.js points it at another build of the library.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const lib = process.env.PARTWISE_LIB
  ? pathToFileURL(resolve(process.env.PARTWISE_LIB)).href
  : new URL("../dist/index.js", import.meta.url).href;

/** A realistic 30-function catalog: records, unions, JSDoc tags. */
function generated(n = 30, salt = "") {
  const out = [
    `// generated${salt}`,
    "export interface Item { id: string; title: string; tags: string[]; score?: number }",
    'export type Status = "open" | "closed" | "pending";',
    "interface Page { items: Item[]; next: string | null }",
  ];
  for (let i = 0; i < n; i++) {
    const effect = i % 5 === 0 ? `\n *  @effect write${i % 3}${i % 10 === 0 ? "\n *  @irreversible" : ""}` : "";
    out.push(
      `/** Subtask ${i}: fetch or update things.\n *  @param q - the query\n *  @maxItems ${10 + i}\n *  @cost ${1 + (i % 4)}${effect} */`,
      `export async function task_${i}(q: string, limit?: number, opts?: Record<string, boolean>, status: Status = "open"): Promise<Item[]> {`,
      `  return [{ id: q + ${i}, title: String(limit ?? 0), tags: Object.keys(opts ?? {}), score: status.length }];`,
      "}",
    );
  }
  out.push(
    "/** The users. @maxItems 20 */",
    "export declare const users: string[];",
    "export declare const page: Page;",
  );
  return out.join("\n") + "\n";
}

const dir = mkdtempSync(join(tmpdir(), "pw-bench-catalog-"));
const gen = join(dir, "generated30.ts");
writeFileSync(gen, generated());
const dinnerTs = resolve("tests/fixtures/catalogs/dinner.ts");
const dinnerMcp = resolve("tests/fixtures/catalogs/dinner.json");

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const diskCache = mkdtempSync(join(tmpdir(), "pw-bench-catalog-cache-"));

/** Cold: a fresh process imports the library and loads one catalog (`env`: on-disk cache off, or a warmed one). */
function cold(file, env, runs = 7) {
  const script = `
    const t0 = performance.now();
    const lib = await import(${JSON.stringify(lib)});
    const t1 = performance.now();
    await lib.loadCatalog(${JSON.stringify(file)});
    const t2 = performance.now();
    console.log(JSON.stringify({ importMs: t1 - t0, loadMs: t2 - t1 }));`;
  const rows = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env });
    if (r.status !== 0) throw new Error(r.stderr);
    rows.push(JSON.parse(r.stdout));
  }
  return { importMs: median(rows.map((r) => r.importMs)), loadMs: median(rows.map((r) => r.loadMs)) };
}

const { parseCatalogSource, clearCatalogCache } = await import(lib);

/** Warm: the parser is loaded; parse a catalog text not seen before (cache cleared) / seen before (cache hit). */
function warm(file, iterations = 200) {
  const text = readFileSync(file, "utf8");
  parseCatalogSource(text, file); // load the parser, warm the JIT
  for (let i = 0; i < 20; i++) {
    clearCatalogCache();
    parseCatalogSource(text, file);
  }
  let t = performance.now();
  for (let i = 0; i < iterations; i++) {
    clearCatalogCache();
    parseCatalogSource(text, file);
  }
  const parseMs = (performance.now() - t) / iterations;
  t = performance.now();
  for (let i = 0; i < iterations * 10; i++) parseCatalogSource(text, file);
  const cachedMs = (performance.now() - t) / (iterations * 10);
  return { parseMs, cachedMs };
}

const rows = [];
for (const [name, file] of [
  ["dinner.ts (3 functions)", dinnerTs],
  ["generated 30 functions .ts", gen],
  ["dinner.json (MCP)", dinnerMcp],
]) {
  const base = { ...process.env, PARTWISE_CACHE_DIR: diskCache };
  delete base.PARTWISE_NO_CACHE;
  const c = cold(file, { ...base, PARTWISE_NO_CACHE: "1" });
  cold(file, base, 1); // writes the on-disk entry
  const d = cold(file, base);
  const w = warm(file);
  rows.push({ catalog: name, ...c, diskHitMs: d.loadMs, ...w });
}
const f = (x) => x.toFixed(x < 1 ? 3 : 1);
console.log("catalog load time (median; ms)");
console.log(
  "| catalog | cold: import library | cold: first loadCatalog (incl. parser load) | new process: on-disk cache hit | warm: parse new text | warm: in-process cache hit |",
);
console.log("|---|---:|---:|---:|---:|---:|");
for (const r of rows)
  console.log(
    `| ${r.catalog} | ${f(r.importMs)} | ${f(r.loadMs)} | ${f(r.diskHitMs)} | ${f(r.parseMs)} | ${f(r.cachedMs)} |`,
  );
rmSync(dir, { recursive: true, force: true });
rmSync(diskCache, { recursive: true, force: true });
