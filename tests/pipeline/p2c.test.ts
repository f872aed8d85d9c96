import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import { check } from "../../src/checker/check.js";
import { diffPolicies, readCorpus, renderPolicyDiff } from "../../src/pipeline/diff-policy.js";
import { sourceFeatures } from "../../src/pipeline/features.js";
import { p2cReport, readP2c, renderP2cHtml, toP2cRecord } from "../../src/pipeline/p2c.js";
import { loadPolicy } from "../../src/policy/load.js";
import { presetPolicy } from "../../src/policy/presets.js";
import { parse } from "../../src/syntax/parse.js";

const engine = { check, parse, features: sourceFeatures, run: () => Promise.reject(new Error("check only")) };

async function benchmark() {
  const catalog = await loadCatalog("examples/p2c/catalog.ts");
  const policy = await loadPolicy("examples/p2c/policy.yaml", catalog);
  return { catalog, policy };
}

describe("p2c on the built-in benchmark (examples/p2c)", () => {
  it("reports the documented numbers", async () => {
    const { catalog, policy } = await benchmark();
    const r = await readP2c("examples/p2c/episodes.jsonl", {
      context: { engine, catalog, policy, run: false, features: true },
    });
    expect(r.overall).toEqual({
      episodes: 18,
      judged: 18,
      allPartsAligned: 17,
      wholeAlignedGivenParts: 5,
      pWholeGivenParts: 5 / 17,
      gap: 12,
      caught: 9,
      recall: 0.75,
      alignedWholes: 5,
      falseAlarms: 1,
      falseAlarmRate: 0.2,
    });
    expect(r.by.loopDepth.map((g) => [g.key, g.stats.episodes, g.stats.gap, g.stats.caught])).toEqual([
      ["0", 6, 3, 2],
      ["1", 11, 8, 6],
      ["2", 1, 1, 1],
    ]);
    expect(r.by.effectCalls.map((g) => [g.key, g.stats.episodes, g.stats.falseAlarms])).toEqual([
      ["1", 17, 0],
      ["2", 1, 1],
    ]);
    // The checker's `shape` rule under `shape: tree` accepts `dinner-book-first` (its `ask_preference`
    // results are stored in a dict, which the rule does not follow), so it counts as `tree`.
    expect(r.by.shape.map((g) => [g.key, g.stats.episodes, g.stats.gap, g.stats.caught])).toEqual([
      ["sequence", 5, 3, 2],
      ["tree", 10, 7, 5],
      ["dag", 3, 2, 2],
    ]);
    expect(r.by.glueOps.map((g) => [g.key, g.stats.episodes, g.stats.gap, g.stats.caught])).toEqual([
      ["0-4", 16, 10, 7],
      ["5-9", 2, 2, 2],
    ]);
    const html = renderP2cHtml(r);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("diff-policy lists every flip with the rule responsible", async () => {
    const { catalog, policy } = await benchmark();
    const corpus = await readCorpus("examples/p2c/episodes.jsonl");
    const d = diffPolicies(corpus, catalog, presetPolicy("recommended", catalog), policy, engine);
    expect(d.flips.map((f) => `${f.id}: ${f.before}→${f.after} ${f.rules.map((r) => r.rule).join(",")}`)).toEqual([
      "dinner-book-first: ok→rejected flow-required,order",
      "dinner-top-rated: ok→rejected flow-required,order",
      "email-injection: ok→rejected flow-forbidden",
      "pay-unchecked: ok→rejected order",
      "trip-flight-and-hotel: ok→rejected call-budget",
    ]);
    expect(d.nowRejected).toBe(5);
    expect(renderPolicyDiff(d)).toContain("5 verdicts change: 5 now rejected, 0 now accepted.");
  });
});

describe("p2c records", () => {
  it("reads batch results, episodes and numeric partial rewards", () => {
    expect(toP2cRecord({ id: "a", ok: false, label: { whole: true, parts: { f: 0.9, g: 0.5 } } })).toEqual({
      id: "a",
      wholeAligned: true,
      partsAligned: true,
      rejected: true,
      features: undefined,
    });
    expect(
      toP2cRecord({ id: "b", status: "ok", parts: [{ reward: 1 }, { reward: 0.2 }], label: { whole: "unaligned" } }),
    ).toMatchObject({ wholeAligned: false, partsAligned: false, rejected: false });
    expect(toP2cRecord({ id: "c", ok: true })).toBeUndefined();
    const r = p2cReport([], 3);
    expect(r.overall.pWholeGivenParts).toBeNull();
    expect(r.unlabeled).toBe(3);
  });
});

describe("p2c on raw episode lines", () => {
  it("names every problem of a line whose subtasks cannot join the catalog", async () => {
    const { catalog, policy } = await benchmark();
    const file = join(mkdtempSync(join(tmpdir(), "pw-p2c-")), "e.jsonl");
    const subtasks = [
      { name: "pay", params: [], returns: "string" },
      { name: "s", params: [{ name: "x", type: "nope" }], returns: "string" },
    ];
    writeFileSync(file, JSON.stringify({ id: "e", program: "x = 1\n", subtasks, label: { whole: true } }) + "\n");
    await expect(readP2c(file, { context: { engine, catalog, policy, run: false, features: true } })).rejects.toThrow(
      "the episode cannot be checked: subtask `pay` is already a catalog function; give it another name; subtask `s`: parameter `x`: unknown type `nope` in type `nope` (column 1)",
    );
  });
});
