// CLI start-up benchmark: wall time of `node dist/cli.js …` for the
// commands a pipeline runs once per file. Spawns each command N times
// (after 2 warm-up runs, so the OS file cache is warm) and prints the mean,
// the median and the minimum in milliseconds, next to a bare `node -e ""`
// for the cost of Node itself.
//
// Every run uses its own cache folder (PARTWISE_CACHE_DIR, a fresh temporary
// folder), so the TypeScript-catalog rows are exact: "cache off"
// (PARTWISE_NO_CACHE=1, TypeScript is loaded every time), "cold" (the
// catalog entry is deleted before each run, untimed: TypeScript is loaded
// and the entry written) and "warm" (the entry is there: TypeScript is not
// loaded).
//
//   node bench/cli.mjs [--runs N] [--json]
//
// Needs a built dist/ (`node scripts/build.mjs --bundle-only` is enough).
// Record the figures in bench/RESULTS.md.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 20;
const asJson = args.includes("--json");
const FX = "tests/fixtures/cli";

if (!existsSync("dist/cli.js")) {
  console.error("bench/cli.mjs: dist/cli.js is missing; run `npm run build` first");
  process.exit(2);
}

const cacheRoot = mkdtempSync(join(tmpdir(), "pw-bench-cli-"));
const env = { ...process.env, PARTWISE_CACHE_DIR: cacheRoot };
delete env.PARTWISE_NO_CACHE;
const noCache = { ...env, PARTWISE_NO_CACHE: "1" };
const clearCatalogs = () => rmSync(join(cacheRoot, "catalogs"), { recursive: true, force: true });

const tsCheck = [
  "dist/cli.js",
  "check",
  `${FX}/aligned.pw`,
  "--catalog",
  `${FX}/catalog.ts`,
  "--policy",
  `${FX}/policy.yaml`,
];
/** [name, argv, env, untimed step before each run] */
const cases = [
  ["node -e '' (Node itself)", ["-e", ""], env],
  ["partwise --version", ["dist/cli.js", "--version"], env],
  ["partwise --help", ["dist/cli.js", "--help"], env],
  ["check, MCP JSON catalog", ["dist/cli.js", "check", `${FX}/aligned.pw`, "--catalog", `${FX}/tools.json`], env],
  ["check, TS catalog + policy, cache off (PARTWISE_NO_CACHE=1)", tsCheck, noCache],
  ["check, TS catalog + policy, cold cache (miss: loads TypeScript, writes entry)", tsCheck, env, clearCatalogs],
  ["check, TS catalog + policy, warm cache (hit: no TypeScript)", tsCheck, env],
  [
    "check --format json, 2 files, TS catalog, warm cache",
    [
      "dist/cli.js",
      "check",
      `${FX}/aligned.pw`,
      `${FX}/unaligned.pw`,
      "--catalog",
      `${FX}/catalog.ts`,
      "--policy",
      `${FX}/policy.yaml`,
      "--format",
      "json",
    ],
    env,
  ],
];

function time(argv, runEnv, before) {
  before?.();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", env: runEnv });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${argv.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const load0 = loadavg();
const results = [];
for (const [name, argv, runEnv, before] of cases) {
  time(argv, runEnv, before);
  time(argv, runEnv, before);
  const samples = Array.from({ length: RUNS }, () => time(argv, runEnv, before)).sort((a, b) => a - b);
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  results.push({
    name,
    runs: RUNS,
    meanMs: +mean.toFixed(1),
    medianMs: +samples[samples.length >> 1].toFixed(1),
    minMs: +samples[0].toFixed(1),
  });
}
const load1 = loadavg();
rmSync(cacheRoot, { recursive: true, force: true });
const loadText = `load average ${load0.map((x) => x.toFixed(2)).join(" ")} before, ${load1.map((x) => x.toFixed(2)).join(" ")} after`;

if (asJson) {
  console.log(
    JSON.stringify(
      { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, load: [load0, load1], results },
      null,
      2,
    ),
  );
} else {
  console.log(
    `CLI wall time, ${RUNS} runs each (Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}; ${loadText})`,
  );
  console.log("");
  console.log("| command | mean ms | median ms | min ms |");
  console.log("|---|---:|---:|---:|");
  for (const r of results) console.log(`| ${r.name} | ${r.meanMs} | ${r.medianMs} | ${r.minMs} |`);
}
