/** `partwise run` on the dinner fixtures: statuses, exit codes, JSON shape, pretty output, trace, approval. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DINNER, FX, cli } from "./helpers.js";

const INPUT = ["--input", `${FX}/input.json`];

interface RunOut {
  status: string;
  result?: unknown;
  error?: { kind: string; message: string; line?: number };
  diagnostics?: { rule: string; span: { start: { line: number } } }[];
  calls: { fn: string; args: unknown[]; result?: unknown; effect: string | null; line: number; seq: number }[];
  stats: { calls: number; wallMs: number };
}

describe("run --format json", () => {
  it("runs the aligned composition: book_table once, with the overlap", () => {
    const r = cli(["run", `${FX}/aligned.pw`, ...DINNER, ...INPUT, "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = r.json as RunOut;
    expect(Object.keys(out)).toEqual(["status", "result", "calls", "stats"]);
    expect(out.status).toBe("ok");
    expect(out.calls.map((c) => [c.fn, c.args, c.effect, c.line])).toEqual([
      ["ask_preference", ["kim"], null, 3],
      ["ask_preference", ["lee"], null, 3],
      ["ask_preference", ["max"], null, 3],
      ["identify_overlap", [{ kim: ["Noodle Bar", "Olive"], lee: ["Olive", "Noodle Bar"], max: ["Olive"] }], null, 4],
      ["book_table", ["Olive"], "reservation", 5],
    ]);
    expect(out.calls[4]?.result).toEqual({ restaurant: "Olive", code: "R-5" });
    expect(Object.keys(out.calls[0]!)).toEqual(["fn", "args", "result", "effect", "line", "seq"]);
    expect(out.stats.calls).toBe(5);
    expect(typeof out.stats.wallMs).toBe("number");
  });

  it("rejects the unaligned composition without running anything (exit 1)", () => {
    const r = cli(["run", `${FX}/unaligned.pw`, ...DINNER, ...INPUT, "--format", "json"]);
    expect(r.code).toBe(1);
    const out = r.json as RunOut;
    expect(out.status).toBe("rejected");
    expect(out.calls).toEqual([]);
    expect(out.diagnostics?.map((d) => `${d.rule}@${d.span.start.line}`)).toContain("loop-depth@4");
  });

  it("reports a runtime error with its kind and line, and exits 3", () => {
    const r = cli(["run", `${FX}/divide.pw`, ...DINNER, ...INPUT, "--format", "json"]);
    expect(r.code).toBe(3);
    const out = r.json as RunOut;
    expect(out.status).toBe("error");
    expect(out.error).toMatchObject({ kind: "runtime", line: 2 });
  });

  it("reads the composition from standard input", () => {
    const r = cli(["run", "-", ...DINNER, ...INPUT, "--format", "json"], { input: readFileSync(`${FX}/aligned.pw`) });
    expect(r.code).toBe(0);
    expect((r.json as RunOut).calls.filter((c) => c.fn === "book_table")).toHaveLength(1);
  });
});

describe("run --format pretty", () => {
  it("lists the calls and the result", () => {
    const r = cli(["run", `${FX}/aligned.pw`, ...DINNER, ...INPUT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("calls:\n");
    expect(r.stdout).toMatch(
      / 4 {2}book_table\("Olive"\) → \{"restaurant":"Olive","code":"R-5"\} {2}effect reservation {2}line 5\n/,
    );
    expect(r.stdout).toContain("result: null\n");
    expect(r.stdout).toMatch(/\nok: 5 calls in [\d.]+ ms\n$/);
  });

  it("shows the diagnostics of a rejected composition", () => {
    const r = cli(["run", `${FX}/unaligned.pw`, ...DINNER, ...INPUT]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[loop-depth] PW5001");
    expect(r.stdout).toMatch(/rejected: the composition did not pass the check; nothing ran\n$/);
  });

  it("shows a runtime error with a code frame at its line", () => {
    const r = cli(["run", `${FX}/divide.pw`, ...DINNER, ...INPUT]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("error[runtime] PW7001: ");
    expect(r.stdout).toContain(` --> ${FX}/divide.pw:2\n`);
    expect(r.stdout).toContain("2 | share = 10 / n\n");
  });
});

describe("run --trace and approval", () => {
  const tmp = mkdtempSync(join(tmpdir(), "pw-cli-run-"));

  it("writes every trace event as a JSON line", () => {
    const trace = join(tmp, "trace.jsonl");
    const r = cli(["run", `${FX}/aligned.pw`, ...DINNER, ...INPUT, "--trace", trace, "--format", "json"]);
    expect(r.code).toBe(0);
    const events = readFileSync(trace, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; fn?: string });
    expect(events[0]?.type).toBe("run-start");
    expect(events.at(-1)?.type).toBe("run-end");
    expect(events.filter((e) => e.type === "call-start").map((e) => e.fn)).toEqual([
      "ask_preference",
      "ask_preference",
      "ask_preference",
      "identify_overlap",
      "book_table",
    ]);
  });

  const approve = [
    "--catalog",
    `${FX}/catalog.ts`,
    "--policy",
    `${FX}/approve.policy.yaml`,
    ...INPUT,
    "--format",
    "json",
  ];
  it("refuses calls that need approval when nobody can be asked (exit 3, not-approved)", () => {
    const r = cli(["run", `${FX}/aligned.pw`, ...approve]);
    expect(r.code).toBe(3);
    const out = r.json as RunOut;
    expect(out.error?.kind).toBe("not-approved");
    expect(out.calls.some((c) => c.fn === "book_table")).toBe(false);
  });

  it("goes ahead with --approve all", () => {
    const r = cli(["run", `${FX}/aligned.pw`, ...approve, "--approve", "all"]);
    expect(r.code).toBe(0);
    expect((r.json as RunOut).calls.filter((c) => c.fn === "book_table")).toHaveLength(1);
  });
});
