#!/usr/bin/env node
// Differential fuzzing of the runtime against CPython: `npm run fuzz -- [COUNT] [SEED]`.
// Runs tests/differential under vitest with PW_FUZZ_COUNT / PW_FUZZ_SEED.
import { spawnSync } from "node:child_process";

const count = Number(process.argv[2] ?? 20000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000_000);
if (!Number.isInteger(count) || count <= 0 || !Number.isInteger(seed)) {
  console.error("usage: npm run fuzz -- [COUNT] [SEED]");
  process.exit(2);
}
console.log(`fuzz: ${count} compositions from seed ${seed}`);
const r = spawnSync("npx", ["vitest", "run", "tests/differential"], {
  stdio: "inherit",
  env: { ...process.env, PW_FUZZ_COUNT: String(count), PW_FUZZ_SEED: String(seed) },
});
process.exit(r.status ?? 1);
