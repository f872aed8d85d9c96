// Writes the expected output of the worked examples under examples/*/expected/:
//
//   expected/NAME.check.json   `partwise check NAME.pw --format json` for every .pw at the top of the folder
//   expected/aligned.run.json  `partwise run aligned.pw --input input.json --approve all --format json`,
//                              without the timings (`stats.wallMs`, `startMs`, `endMs`)
//
//   npm run build && node scripts/gen-examples.mjs             every folder that already has expected/
//   node scripts/gen-examples.mjs payments report-tree        just these (creates expected/)
//
// It runs the built CLI (dist/cli.js), so the files are exactly what the
// README commands print. The expected files are the specification of each
// example: read every diff before you commit it (`git diff examples/`), and
// never accept a diagnostic you believe is wrong; fix the checker instead.
// tests/examples/examples.test.ts compares the checker and the runtime with them.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const CLI = join(ROOT, "dist/cli.js");
const EXAMPLES = join(ROOT, "examples");

if (!existsSync(CLI)) {
  console.error("gen-examples: dist/cli.js is missing; run `npm run build` first");
  process.exit(2);
}

/** Folders that hold a complete example: catalog, policy and an aligned composition. */
function exampleDirs() {
  return readdirSync(EXAMPLES)
    .filter((name) => statSync(join(EXAMPLES, name)).isDirectory())
    .filter((name) => ["catalog.ts", "policy.yaml", "aligned.pw"].every((f) => existsSync(join(EXAMPLES, name, f))))
    .sort();
}

/** Runs the CLI from the repository root; returns stdout whatever the exit code (1 and 3 are answers here). */
function cli(args) {
  try {
    return execFileSync(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    if (typeof err.stdout === "string" && err.stdout !== "" && (err.status === 1 || err.status === 3))
      return err.stdout;
    throw new Error(`partwise ${args.join(" ")} failed (exit ${err.status}): ${err.stderr ?? err.message}`);
  }
}

/** Drops the fields that change from run to run. */
function stripTimings(run) {
  const calls = run.calls.map(({ startMs: _s, endMs: _e, ...rest }) => rest);
  const { wallMs: _w, ...stats } = run.stats;
  return { ...run, calls, stats };
}

const written = [];

function write(file, value) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  written.push(file);
  console.log(`wrote ${relative(ROOT, file)}`);
}

const named = process.argv.slice(2);
const all = exampleDirs();
for (const n of named) {
  if (!all.includes(n)) {
    console.error(`gen-examples: no example folder \`${n}\` (have: ${all.join(", ")})`);
    process.exit(2);
  }
}
// Without names: only folders whose owners opted in by creating expected/.
const dirs = named.length > 0 ? named : all.filter((n) => existsSync(join(EXAMPLES, n, "expected")));

for (const name of dirs) {
  const rel = (f) => join("examples", name, f);
  const outDir = join(EXAMPLES, name, "expected");
  mkdirSync(outDir, { recursive: true });
  const common = ["--catalog", rel("catalog.ts"), "--policy", rel("policy.yaml")];
  const compositions = readdirSync(join(EXAMPLES, name))
    .filter((f) => f.endsWith(".pw"))
    .sort();
  for (const pw of compositions) {
    const out = JSON.parse(cli(["check", rel(pw), ...common, "--format", "json"]));
    write(join(outDir, pw.replace(/\.pw$/, ".check.json")), out);
  }
  const input = existsSync(join(EXAMPLES, name, "input.json")) ? ["--input", rel("input.json")] : [];
  const run = JSON.parse(cli(["run", rel("aligned.pw"), ...common, ...input, "--approve", "all", "--format", "json"]));
  write(join(outDir, "aligned.run.json"), stripTimings(run));
}

// Formatted as `npm run format:check` expects them.
if (written.length > 0) {
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules/prettier/bin/prettier.cjs"), "--log-level", "warn", "--write", ...written],
    {
      cwd: ROOT,
      stdio: "inherit",
    },
  );
}
