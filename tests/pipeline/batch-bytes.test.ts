import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogFromObject } from "../../src/catalog/build.js";
import { runBatch } from "../../src/pipeline/batch.js";
import { recommendedPolicy } from "../../src/policy/presets.js";
import { bundlePipeline } from "./helpers/bundle.js";
import { engine } from "./helpers/stub-engine.js";

const catalog = catalogFromObject({ functions: { f: { params: { x: "string" }, returns: "string" } } });
const policy = recommendedPolicy(catalog);

/** CRLF endings, blank and whitespace-only lines, multi-byte text, a bad line, and no final newline. */
const INPUT =
  [
    JSON.stringify({ id: "a", program: "x" }),
    "",
    JSON.stringify({ id: "bé→", program: "y ✓" }),
    "   ",
    "{oops",
    JSON.stringify({ id: "c", program: "REJECT" }),
  ].join("\r\n") +
  "\n\n" +
  JSON.stringify({ id: "d", program: "z" });

function results(file: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const r = JSON.parse(l) as { id?: string; error?: { line: number } };
      return r.id ?? `line ${r.error?.line ?? "?"}`;
    });
}

const EXPECTED = ["a", "bé→", "line 5", "c", "d"];

describe("runBatch line splitting (raw byte requests)", () => {
  for (const chunk of [1, 2, 3, 512]) {
    it(`in this thread, chunk ${chunk}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "pw-batch-bytes-"));
      const input = join(dir, "in.jsonl");
      writeFileSync(input, INPUT);
      const out = join(dir, "out.jsonl");
      const s = await runBatch({ input, out, catalog, policy, workers: 0, engine, chunk, window: 4 });
      expect(results(out)).toEqual(EXPECTED);
      expect(s).toMatchObject({ lines: 5, written: 5, ok: 3, rejected: 1, errors: 1 });
    });
  }

  it("with 2 workers and chunk 2, and resumes after the last done id", async () => {
    const b = await bundlePipeline();
    const dir = mkdtempSync(join(tmpdir(), "pw-batch-bytes-"));
    const input = join(dir, "in.jsonl");
    writeFileSync(input, INPUT);
    const out = join(dir, "out.jsonl");
    const opts = {
      input,
      out,
      catalog,
      policy,
      workers: 2,
      chunk: 2,
      workerUrl: b.workerUrl,
      engineUrl: b.stubEngineUrl,
    };
    const s = await runBatch(opts);
    expect(results(out)).toEqual(EXPECTED);
    expect(s).toMatchObject({ lines: 5, written: 5, ok: 3, rejected: 1, errors: 1 });
    // Keep only the first two results: a rerun redoes the rest, in order.
    writeFileSync(out, readFileSync(out, "utf8").split("\n").slice(0, 2).join("\n") + "\n");
    const again = await runBatch(opts);
    expect(again).toMatchObject({ lines: 5, skipped: 2, written: 3 });
    expect(results(out)).toEqual(EXPECTED);
  });
});
