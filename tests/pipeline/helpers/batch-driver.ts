/**
 * A child process for batch tests: `node driver.js OPTIONS_JSON` runs one
 * batch over the stub engine with a small catalog and prints its summary.
 */
import { catalogFromObject } from "../../../src/catalog/build.js";
import { runBatch } from "../../../src/pipeline/batch.js";
import { recommendedPolicy } from "../../../src/policy/presets.js";
import { engine } from "./stub-engine.js";

interface DriverOptions {
  readonly input: string;
  readonly out: string;
  readonly workers: number;
  readonly engineUrl?: string;
  readonly workerUrl?: string;
  readonly window?: number;
  readonly chunk?: number;
}

const o = JSON.parse(process.argv[2] ?? "{}") as DriverOptions;
const catalog = catalogFromObject({ functions: { f: { params: { x: "string" }, returns: "string" } } });
const summary = await runBatch({
  input: o.input,
  out: o.out,
  catalog,
  policy: recommendedPolicy(catalog),
  workers: o.workers,
  engine,
  ...(o.engineUrl !== undefined ? { engineUrl: o.engineUrl } : {}),
  ...(o.workerUrl !== undefined ? { workerUrl: new URL(o.workerUrl) } : {}),
  ...(o.window !== undefined ? { window: o.window } : {}),
  ...(o.chunk !== undefined ? { chunk: o.chunk } : {}),
});
process.stdout.write(JSON.stringify(summary) + "\n");
