// CLI start-up benchmark: wall time of `node dist/cli.js …` for the
// commands a pipeline runs once per file. Spawns each command N times
// (after 2 warm-up runs, so the OS file cache is warm) and prints the mean,
// the median and the minimum in milliseconds, next to a bare `node -e ""`
// for the cost of Node itself.
//
//   node bench/cli.mjs [--runs N] [--json]
//
// Needs a built dist/ (`npm run build`). Record the figures in bench/RESULTS.md.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 20;
const asJson = args.includes("--json");
const FX = "tests/fixtures/cli";

if (!existsSync("dist/cli.js")) {
  console.error("bench/cli.mjs: dist/cli.js is missing; run `npm run build` first");
  process.exit(2);
}

const cases = [
  ["node -e '' (Node itself)", ["-e", ""]],
  ["partwise --version", ["dist/cli.js", "--version"]],
  ["partwise --help", ["dist/cli.js", "--help"]],
  ["check, MCP JSON catalog", ["dist/cli.js", "check", `${FX}/aligned.pw`, "--catalog", `${FX}/tools.json`]],
  [
    "check, TypeScript catalog + policy",
    ["dist/cli.js", "check", `${FX}/aligned.pw`, "--catalog", `${FX}/catalog.ts`, "--policy", `${FX}/policy.yaml`],
  ],
  [
    "check --format json, 2 files, TS catalog",
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
  ],
];

function time(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${argv.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const results = [];
for (const [name, argv] of cases) {
  time(argv);
  time(argv);
  const samples = Array.from({ length: RUNS }, () => time(argv)).sort((a, b) => a - b);
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  results.push({
    name,
    runs: RUNS,
    meanMs: +mean.toFixed(1),
    medianMs: +samples[samples.length >> 1].toFixed(1),
    minMs: +samples[0].toFixed(1),
  });
}

if (asJson) {
  console.log(JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, results }, null, 2));
} else {
  console.log(
    `CLI wall time, ${RUNS} runs each (Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length})`,
  );
  console.log("");
  console.log("| command | mean ms | median ms | min ms |");
  console.log("|---|---:|---:|---:|");
  for (const r of results) console.log(`| ${r.name} | ${r.meanMs} | ${r.medianMs} | ${r.minMs} |`);
}
