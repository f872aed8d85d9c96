/** The generated documentation (docs/rules, docs/runtime-errors, docs/codes.md, the README rule table) is up to date. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULE_NAMES, RUNTIME_ERROR_KINDS } from "../src/diagnostics/codes.js";

describe("generated docs", () => {
  it("match the registry (run `node scripts/gen-docs.mjs` after changing a rule)", () => {
    const r = spawnSync(process.execPath, ["scripts/gen-docs.mjs", "--check"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("give every code a page", () => {
    for (const n of RULE_NAMES) expect([n, existsSync(`docs/rules/${n}.md`)]).toEqual([n, true]);
    for (const k of Object.keys(RUNTIME_ERROR_KINDS))
      expect([k, existsSync(`docs/runtime-errors/${k}.md`)]).toEqual([k, true]);
  });
});
