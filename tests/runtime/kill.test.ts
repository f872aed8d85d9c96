/**
 * A real child process running a composition with an irreversible effect is
 * killed with SIGKILL at deterministic pseudo-random moments, then rerun from
 * its journal (an unknown outcome is resolved from the outside record, as a
 * person would). Every effect happens exactly once, or the run stops with
 * `unknown-outcome`; never twice.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveJournal } from "../../src/runtime/journal.js";
import { shutdownSandbox } from "../../src/runtime/pool.js";
import { run } from "../../src/runtime/run.js";
import type { JsonValue } from "../../src/runtime/types.js";
import { ALIGNED, dinnerCatalog } from "./helpers.js";

const ROUNDS = 30;
const root = fileURLToPath(new URL("../..", import.meta.url));
const outDir = join(root, "node_modules", ".cache", "partwise", "kill-test");
const dir = mkdtempSync(join(tmpdir(), "partwise-kill-"));

/** Bundles the child and the sandbox worker side by side (the QuickJS packages resolve from node_modules). */
beforeAll(async () => {
  mkdirSync(outDir, { recursive: true });
  const common = {
    bundle: true,
    platform: "node" as const,
    format: "esm" as const,
    target: "node20",
    external: ["quickjs-emscripten", "quickjs-emscripten-core", "@jitl/*", "esbuild", "ts-morph", "typescript"],
    logLevel: "silent" as const,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  };
  await build({
    ...common,
    entryPoints: [join(root, "tests/fixtures/runtime/kill-child.ts")],
    outfile: join(outDir, "kill-child.mjs"),
  });
  await build({
    ...common,
    entryPoints: [join(root, "src/runtime/worker-entry.ts")],
    outfile: join(outDir, "worker.js"),
  });
}, 60_000);

afterAll(async () => {
  await shutdownSandbox();
});

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the child and kills it `killAfterMs` after it prints `marker` ("go": its run started; "effect": book_table acted). */
function runChild(journal: string, outside: string, marker: string, killAfterMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(outDir, "kill-child.mjs"), journal, outside], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (timer === undefined && out.split("\n").includes(marker))
        timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    });
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

const bookings = (outside: string): { key: string; restaurant: string }[] =>
  existsSync(outside)
    ? readFileSync(outside, "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as { key: string; restaurant: string })
    : [];

describe("SIGKILL at random points, then rerun from the journal", () => {
  it(`never repeats an irreversible effect (${ROUNDS} rounds)`, async () => {
    const random = prng(20240611);
    const tally = { completedInChild: 0, replayedOk: 0, resolved: 0, unknownNoEffect: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const journal = join(dir, `j${round}.jsonl`);
      const outside = join(dir, `o${round}.jsonl`);
      // Even rounds: anywhere in the run (about 400 ms with the sandbox start).
      // Odd rounds: just after the effect, inside the 150 ms before its result is journaled.
      const [marker, killAt] =
        round % 2 === 0 ? ["go", Math.floor(random() * 600)] : ["effect", Math.floor(random() * 30)];
      const childOut = await runChild(journal, outside, marker, killAt);
      if (childOut.includes('"status":"ok"')) tally.completedInChild++;
      expect(bookings(outside).length).toBeLessThanOrEqual(1);

      const rerun = () =>
        run(ALIGNED, {
          catalog: dinnerCatalog(),
          input: { users: ["ana", "bo", "cy", "dee", "eve", "fay"] },
          journal,
          handlers: {
            ask_preference: () => ["Sakura", "Roma"],
            identify_overlap: () => "Sakura",
            book_table: (restaurant: unknown, ctx: unknown) => {
              const key = (ctx as { idempotencyKey: string }).idempotencyKey;
              // The outside world, written to as the child does.
              return import("node:fs").then(({ appendFileSync }) => {
                appendFileSync(outside, JSON.stringify({ key, restaurant }) + "\n");
                return { restaurant: String(restaurant), confirmed: true };
              });
            },
          },
        });
      let r = await rerun();
      if (r.status === "error" && r.error?.kind === "unknown-outcome") {
        const done = bookings(outside);
        if (done.length === 1) {
          // A person looks at the outside system and supplies the outcome.
          const result: JsonValue = { restaurant: done[0]!.restaurant, confirmed: true };
          await resolveJournal(journal, r.calls.length, result);
          r = await rerun();
          tally.resolved++;
          expect(r.status).toBe("ok");
        } else {
          expect(done.length).toBe(0);
          tally.unknownNoEffect++;
          continue;
        }
      } else {
        tally.replayedOk++;
      }
      expect(r.status).toBe("ok");
      expect(r.result).toBe("Sakura");
      const done = bookings(outside);
      expect(done.length).toBe(1);
      // The effect that happened carries the journal's key for seq 7.
      expect(done[0]!.key.endsWith(":7")).toBe(true);
    }
    expect(tally.replayedOk + tally.resolved + tally.unknownNoEffect).toBe(ROUNDS);
    // The seeds reach the dangerous window (effect done, result not yet journaled) at least once.
    expect(tally.resolved).toBeGreaterThan(0);
    console.log("kill test paths:", JSON.stringify(tally));
  }, 120_000);
});
