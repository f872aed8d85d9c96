// Batch benchmark: check-only throughput of `runBatch` (compositions per
// second) on a generated 100,000-line episodes file with 1 and 2 worker
// threads (and in this thread, for reference), the 2-worker scaling ratio
// (target ≥ 1.8× on 2 cores) and peak memory (RSS of the whole process,
// workers included, sampled every 20 ms).
//
//   npm run build && node bench/batch.mjs [--lines N] [--json]
//
// Record the figures in bench/RESULTS.md.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";

// PARTWISE_DIST overrides the library entry (e.g. a bundle of src/index.ts).
const entry = process.env.PARTWISE_DIST ?? new URL("../dist/index.js", import.meta.url).pathname;
if (!existsSync(entry)) {
  console.error(`bench/batch.mjs: ${entry} is missing; run \`npm run build\` first`);
  process.exit(2);
}
const pw = await import(entry);
const asJson = process.argv.includes("--json");
const linesArg = process.argv.indexOf("--lines");
const N = linesArg > 0 ? Number(process.argv[linesArg + 1]) : 100_000;

const root = new URL("..", import.meta.url).pathname;
const catalog = await pw.loadCatalog(join(root, "examples/p2c/catalog.ts"));
const policy = await pw.loadPolicy(join(root, "examples/p2c/policy.yaml"), catalog);

// The benchmark's 18 compositions, cycled, each with a fresh id.
const programs = readFileSync(join(root, "examples/p2c/episodes.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l).program);
const dir = mkdtempSync(join(tmpdir(), "pw-bench-batch-"));
const input = join(dir, "episodes.jsonl");
{
  const parts = [];
  for (let i = 0; i < N; i++) parts.push(JSON.stringify({ id: `e${i}`, program: programs[i % programs.length] }));
  writeFileSync(input, parts.join("\n") + "\n");
}

async function measure(workers) {
  const out = join(dir, `out-${workers}.jsonl`);
  rmSync(out, { force: true });
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const s = await pw.runBatch({ input, out, catalog, policy, workers });
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (s.written !== N) throw new Error(`expected ${N} results, got ${s.written}`);
  return { workers, ms, perSecond: (N / ms) * 1000, peakRssMb: peak / 2 ** 20, outMb: statSync(out).size / 2 ** 20 };
}

// A short warm-up (JIT, catalog caches), then the measured runs.
await pw.runBatch({
  input,
  out: join(dir, "warm.jsonl"),
  catalog,
  policy,
  workers: 0,
  signal: AbortSignal.timeout(1500),
});
const rows = [await measure(0), await measure(1), await measure(2)];
rmSync(dir, { recursive: true, force: true });

const one = rows[1];
const two = rows[2];
const ratio = two.perSecond / one.perSecond;
const result = {
  lines: N,
  cpus: `${availableParallelism()} × ${cpus()[0]?.model ?? "?"}`,
  node: process.version,
  rows,
  scaling: ratio,
};
if (asJson) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`batch, check only: ${N.toLocaleString("en-US")} lines, ${result.cpus}, Node ${process.version}`);
  for (const r of rows) {
    const name = r.workers === 0 ? "in-process" : `${r.workers} worker${r.workers > 1 ? "s" : ""}`;
    console.log(
      `  ${name.padEnd(11)} ${Math.round(r.perSecond).toLocaleString("en-US").padStart(8)} compositions/s  ` +
        `${(r.ms / 1000).toFixed(2)} s  peak RSS ${r.peakRssMb.toFixed(0)} MiB`,
    );
  }
  console.log(`  scaling 2 workers / 1 worker: ${ratio.toFixed(2)}× (target ≥ 1.8× on 2 cores)`);
}
