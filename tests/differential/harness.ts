/**
 * Differential testing: generated compositions run through compile +
 * node:vm and through CPython (one python3 process per batch); results,
 * printed output and error/no-error (with the line) must agree.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { compile } from "../../src/runtime/codegen.js";
import { parse } from "../../src/syntax/parse.js";
import { evalCompiled, infoOf } from "../helpers/node-eval.js";
import { generateProgram, STUB_HANDLERS, STUB_PARAMS } from "./generator.js";

const DRIVER = fileURLToPath(new URL("./driver.py", import.meta.url));

/** What CPython did with one program. */
export type PyOutcome =
  | { ok: unknown; prints: string[]; big: boolean }
  | { err: string; line: number | null; prints: string[]; big: boolean; message: string }
  | { skip: string };

export interface Mismatch {
  readonly seed: number;
  readonly source: string;
  readonly python: PyOutcome;
  readonly partwise: unknown;
}

export interface DifferentialReport {
  readonly checked: number;
  readonly skipped: number;
  readonly errors: number;
  readonly mismatches: readonly Mismatch[];
}

/** True when a usable `python3` is on the PATH. */
export function hasPython(): boolean {
  const r = spawnSync("python3", ["-c", "import sys; print(sys.version_info >= (3, 8))"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() === "True";
}

/** Runs the programs in one python3 process. */
export function runPython(sources: readonly string[]): PyOutcome[] {
  const r = spawnSync("python3", [DRIVER], {
    input: JSON.stringify(sources),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`python3 driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PyOutcome[];
}

const INFO = infoOf(Object.fromEntries(Object.entries(STUB_PARAMS).map(([k, params]) => [k, { params }])));

const canon = (v: unknown): string => JSON.stringify(v);

/** Generates `count` programs from `seed` on and compares both runtimes. */
export async function differential(seed: number, count: number, batch = 500): Promise<DifferentialReport> {
  let checked = 0;
  let skipped = 0;
  let errors = 0;
  const mismatches: Mismatch[] = [];
  for (let start = 0; start < count; start += batch) {
    const seeds = Array.from({ length: Math.min(batch, count - start) }, (_, i) => seed + start + i);
    const sources = seeds.map(generateProgram);
    const py = runPython(sources);
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i] as string;
      const p = py[i] as PyOutcome;
      const s = seeds[i] as number;
      if ("skip" in p || p.big) {
        skipped++;
        continue;
      }
      const { module, diagnostics } = parse(source, "gen.pw");
      const bad = diagnostics.filter((d) => d.severity === "error");
      if (bad.length) {
        mismatches.push({ seed: s, source, python: p, partwise: { parse: bad.map((d) => d.message) } });
        continue;
      }
      const out = await evalCompiled(compile(module, INFO).code, { handlers: STUB_HANDLERS });
      const prints = out.prints.map((x) => x.text);
      checked++;
      const same =
        "ok" in p
          ? out.error === undefined && canon(out.result) === canon(p.ok) && canon(prints) === canon(p.prints)
          : out.error !== undefined && out.error.line === p.line && canon(prints) === canon(p.prints);
      if ("err" in p) errors++;
      if (!same) mismatches.push({ seed: s, source, python: p, partwise: { ...out, prints } });
    }
  }
  return { checked, skipped, errors, mismatches };
}
