// Builds the package: the CLI and the library bundled with esbuild (start-up
// time is part of the product: one file to load, chevrotain's lodash-es
// tree-shaken), and type declarations with tsc. Runs in `prepare`, so a
// fresh `npm ci` leaves a working `npx partwise`.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

rmSync("dist", { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  // Loaded lazily or holding their own files (WASM, TypeScript's lib): not bundled.
  external: ["ts-morph", "typescript", "quickjs-emscripten", "quickjs-emscripten-core", "@jitl/*"],
  define: { __PARTWISE_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    js: "import { createRequire as __pwCreateRequire } from 'node:module'; const require = __pwCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: { cli: "src/cli/main.ts", index: "src/index.ts", worker: "src/runtime/worker-entry.ts" },
  outdir: "dist",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  banner: { js: "#!/usr/bin/env node\n" + common.banner.js },
});
chmodSync("dist/cli.js", 0o755);

// Declarations for the library API.
const tsc = require.resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
