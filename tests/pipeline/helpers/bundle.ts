/**
 * Bundles the batch worker, a batch driver and the stub engine with esbuild
 * into node_modules/.cache (inside the project, so bare imports resolve),
 * for tests that need real worker threads or a child process to kill.
 * Modules of other parts that have not landed yet are left external: they
 * are only loaded when the real engine is used.
 */
import { build, type Plugin } from "esbuild";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = resolve(import.meta.dirname, "../../..");

const missingExternal: Plugin = {
  name: "missing-external",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const p = resolve(args.resolveDir, args.path);
      if (existsSync(p) || existsSync(p.replace(/\.js$/, ".ts"))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

export interface PipelineBundle {
  readonly dir: string;
  readonly workerUrl: URL;
  readonly driver: string;
  readonly stubEngineUrl: string;
  /** A CLI with only the pipeline commands: `node <cli> batch …`. */
  readonly cli: string;
}

let cached: Promise<PipelineBundle> | undefined;

/** Builds (once per test file) and returns the bundle's paths. */
export function bundlePipeline(): Promise<PipelineBundle> {
  cached ??= (async (): Promise<PipelineBundle> => {
    const dir = join(ROOT, "node_modules/.cache/partwise-pipeline-test", String(process.pid));
    mkdirSync(dir, { recursive: true });
    await build({
      absWorkingDir: ROOT,
      entryPoints: {
        "pipeline-worker": "src/pipeline/worker.ts",
        driver: "tests/pipeline/helpers/batch-driver.ts",
        "stub-engine": "tests/pipeline/helpers/stub-engine.ts",
        "pipeline-cli": "tests/pipeline/helpers/pipeline-cli.ts",
      },
      outdir: dir,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      plugins: [missingExternal],
      logLevel: "error",
    });
    return {
      dir,
      workerUrl: pathToFileURL(join(dir, "pipeline-worker.js")),
      driver: join(dir, "driver.js"),
      stubEngineUrl: pathToFileURL(join(dir, "stub-engine.js")).href,
      cli: join(dir, "pipeline-cli.js"),
    };
  })();
  return cached;
}
