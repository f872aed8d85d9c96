/**
 * Partwise against CPython on generated compositions. `npm run fuzz -- N`
 * runs more (PW_FUZZ_COUNT, PW_FUZZ_SEED).
 */
import { describe, expect, it } from "vitest";
import { differential, hasPython } from "./harness.js";

const python = hasPython();
const count = Number(process.env["PW_FUZZ_COUNT"] ?? 2000);
const seed = Number(process.env["PW_FUZZ_SEED"] ?? 1);

describe("differential testing against CPython", () => {
  it.skipIf(!python)(
    `agrees with python3 on ${count} generated compositions (seed ${seed})`,
    async () => {
      const report = await differential(seed, count);
      const shown = report.mismatches.slice(0, 3).map((m) => ({
        seed: m.seed,
        source: m.source,
        python: m.python,
        partwise: m.partwise,
      }));
      expect(shown, JSON.stringify(shown, null, 2)).toEqual([]);
      // The generator must exercise both outcomes, and rarely need a skip.
      expect(report.checked).toBeGreaterThan(count * 0.9);
      expect(report.errors).toBeGreaterThan(count * 0.05);
      expect(report.checked - report.errors).toBeGreaterThan(count * 0.3);
    },
    600_000,
  );
  it.skipIf(python)("is skipped: python3 (3.8 or later) is not on the PATH", () => {
    expect(python).toBe(false);
  });
});
