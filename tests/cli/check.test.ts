/** `partwise check` on the dinner fixtures: exit codes and every output format. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sarifValidator } from "../render/sarif-schema.js";
import { DINNER, FX, cli } from "./helpers.js";

interface JsonOut {
  files: {
    file: string;
    ok: boolean;
    diagnostics: { rule: string; code: string; severity: string; span: { start: { line: number } } }[];
    bounds: Record<string, { min: number; max: number | null; formula: string }>;
  }[];
  errorCount: number;
  warningCount: number;
}

const rulesAt = (f: JsonOut["files"][number] | undefined): string[] =>
  (f?.diagnostics ?? []).map((d) => `${d.rule}@${d.span.start.line}`);

describe("check --format json", () => {
  it("passes the aligned composition: exit 0, ok, no diagnostics, bounds", () => {
    const r = cli(["check", `${FX}/aligned.pw`, ...DINNER, "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = r.json as JsonOut;
    expect(Object.keys(out)).toEqual(["files", "errorCount", "warningCount"]);
    expect(out.files).toHaveLength(1);
    expect(Object.keys(out.files[0]!)).toEqual(["file", "ok", "diagnostics", "bounds"]);
    expect(out.files[0]).toMatchObject({ file: `${FX}/aligned.pw`, ok: true, diagnostics: [] });
    expect(out.files[0]!.bounds.book_table).toMatchObject({ min: 1, max: 1 });
    expect(Object.keys(out.files[0]!.bounds.book_table!)).toEqual(["min", "max", "formula"]);
    expect(out.errorCount).toBe(0);
    expect(out.warningCount).toBe(0);
  });

  it("rejects the unaligned composition with the seed example's diagnostics", () => {
    const r = cli(["check", `${FX}/unaligned.pw`, ...DINNER, "--format", "json"]);
    expect(r.code).toBe(1);
    const out = r.json as JsonOut;
    const f = out.files[0];
    expect(f?.ok).toBe(false);
    const found = rulesAt(f);
    for (const want of [
      "loop-depth@4",
      "effect-in-loop@5",
      "flow-required@5",
      "order@5",
      "undefined-name@6",
      "loop-overwrite@6",
      "unused-variable@1",
    ]) {
      expect(found).toContain(want);
    }
    expect(found.some((x) => x.startsWith("call-budget@"))).toBe(true);
    expect(f?.bounds.book_table?.max).toBe(100);
    for (const d of f?.diagnostics ?? []) {
      expect(Object.keys(d).slice(0, 6)).toEqual(["rule", "code", "severity", "message", "span", "notes"]);
      expect(d.code).toMatch(/^PW\d{4}$/);
    }
    expect(out.errorCount).toBe(f?.diagnostics.filter((d) => d.severity === "error").length);
    expect(out.warningCount).toBe(f?.diagnostics.filter((d) => d.severity === "warning").length);
  });

  it("checks several files in one run, in order", () => {
    const r = cli(["check", `${FX}/aligned.pw`, `${FX}/unaligned.pw`, ...DINNER, "--format", "json"]);
    expect(r.code).toBe(1);
    expect((r.json as JsonOut).files.map((f) => [f.file, f.ok])).toEqual([
      [`${FX}/aligned.pw`, true],
      [`${FX}/unaligned.pw`, false],
    ]);
  });

  it("reads standard input for `-` and reports it as <stdin>", () => {
    const fromFile = cli(["check", `${FX}/unaligned.pw`, ...DINNER, "--format", "json"]).json as JsonOut;
    const r = cli(["check", "-", ...DINNER, "--format", "json"], { input: readFileSync(`${FX}/unaligned.pw`) });
    expect(r.code).toBe(1);
    const out = r.json as JsonOut;
    expect(out.files[0]?.file).toBe("<stdin>");
    expect(out.files[0]?.diagnostics).toEqual(fromFile.files[0]?.diagnostics);
  });

  it("reports invalid UTF-8 as a syntax diagnostic (exit 1), not a crash", () => {
    const bytes = Buffer.concat([Buffer.from("x = 1\ny = "), Buffer.from([0xc3, 0x28]), Buffer.from("\n")]);
    const r = cli(["check", "-", ...DINNER, "--format", "json"], { input: bytes });
    expect(r.code).toBe(1);
    expect(rulesAt((r.json as JsonOut).files[0])).toContain("syntax@2");
  });

  it("applies the recommended policy without --policy", () => {
    const r = cli(["check", `${FX}/aligned.pw`, "--catalog", `${FX}/catalog.ts`, "--format", "json"]);
    expect(r.code).toBe(0);
  });

  it("reads an MCP tool list catalog", () => {
    const r = cli(["check", `${FX}/aligned.pw`, "--catalog", `${FX}/tools.json`, "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("check --max-warnings", () => {
  const args = ["check", `${FX}/warning.pw`, ...DINNER, "--format", "json"];
  it("has no limit by default", () => {
    const r = cli(args);
    expect(r.code).toBe(0);
    expect(rulesAt((r.json as JsonOut).files[0])).toEqual(["unused-variable@6"]);
  });
  it("exits 0 at the limit and 1 above it", () => {
    expect(cli([...args, "--max-warnings", "1"]).code).toBe(0);
    expect(cli([...args, "--max-warnings", "0"]).code).toBe(1);
  });
  it("says so in pretty output", () => {
    const r = cli(["check", `${FX}/warning.pw`, ...DINNER, "--max-warnings", "0"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/1 warning in 1 file\n1 warnings exceed --max-warnings 0\n$/);
  });
});

describe("check --format pretty", () => {
  it("prints code frames with rule, code, location and a summary, without colour on a pipe", () => {
    const r = cli(["check", `${FX}/aligned.pw`, `${FX}/unaligned.pw`, ...DINNER]);
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith(`${FX}/aligned.pw: no problems\n`)).toBe(true);
    expect(r.stdout).toContain("error[loop-depth] PW5001: ");
    expect(r.stdout).toContain(` --> ${FX}/unaligned.pw:4:5\n`);
    expect(r.stdout).toContain("4 |     for r in prefs:\n");
    expect(r.stdout).toMatch(/\n\d+ errors?, \d+ warnings? in 1 file\n$/);
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("says `no problems` for the aligned composition", () => {
    const r = cli(["check", `${FX}/aligned.pw`, ...DINNER]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("no problems\n");
  });

  it("colours with --color, also after NO_COLOR; --no-color wins over FORCE_COLOR", () => {
    const a = cli(["check", `${FX}/unaligned.pw`, ...DINNER, "--color"], { env: { NO_COLOR: "1" } });
    expect(a.stdout).toContain("\u001b[31m");
    const b = cli(["check", `${FX}/unaligned.pw`, ...DINNER, "--no-color"], { env: { FORCE_COLOR: "1" } });
    expect(b.stdout).not.toContain("\u001b[");
    const c = cli(["check", `${FX}/unaligned.pw`, ...DINNER], { env: { FORCE_COLOR: "1" } });
    expect(c.stdout).toContain("\u001b[");
  });
});

describe("check --format sarif", () => {
  it("writes a valid SARIF 2.1.0 log with one result per diagnostic", () => {
    const validate = sarifValidator();
    const json = cli(["check", `${FX}/unaligned.pw`, ...DINNER, "--format", "json"]).json as JsonOut;
    const r = cli(["check", `${FX}/unaligned.pw`, ...DINNER, "--format", "sarif"]);
    expect(r.code).toBe(1);
    const log = r.json as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(validate(log)).toBe(true);
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0]?.results.map((x) => x.ruleId)).toEqual(json.files[0]?.diagnostics.map((d) => d.rule));
  });
});
