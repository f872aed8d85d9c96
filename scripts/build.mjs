// Builds the package: the CLI and the library bundled with esbuild (start-up
// time is part of the product: one file to load, chevrotain's lodash-es
// tree-shaken), and type declarations with tsc. Runs in `prepare`, so a
// fresh `npm ci` leaves a working `npx partwise`.
//
//   node scripts/build.mjs                 bundles and declarations
//   node scripts/build.mjs --bundle-only   bundles only (the CLI tests' global setup)
//
// Start-up: dist/cli.js imports only commander and the command table; each
// command is a dynamic import(), so `--version` and `--help` load none of
// chevrotain, ts-morph or QuickJS (tests/cli/startup.test.ts holds this).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

const bundleOnly = process.argv.includes("--bundle-only");
// A bundle-only build keeps the declarations of the last full build, and the
// old chunks (content-hashed, so harmless): a CLI spawned by a concurrent test
// run may still be loading them.
if (!bundleOnly) rmSync("dist", { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  // Loaded lazily or holding their own files (WASM, TypeScript's lib): not bundled.
  // esbuild (used at run time to load a TypeScript catalog's handlers) ships a native binary and cannot be bundled.
  external: ["ts-morph", "typescript", "quickjs-emscripten", "quickjs-emscripten-core", "@jitl/*", "esbuild"],
  define: { __PARTWISE_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    js: "import { createRequire as __pwCreateRequire } from 'node:module'; const require = __pwCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: {
    cli: "src/cli/main.ts",
    index: "src/index.ts",
    worker: "src/runtime/worker-entry.ts",
    "pipeline-worker": "src/pipeline/worker.ts",
  },
  outdir: "dist",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  banner: { js: "#!/usr/bin/env node\n" + common.banner.js },
});
chmodSync("dist/cli.js", 0o755);

if (bundleOnly) process.exit(0);

// Declarations for the library API.
const tsc = require.resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
