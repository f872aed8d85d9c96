/** `partwise explain`, `partwise test` and `partwise resolve` through the built CLI; the journal's lock. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DINNER, FX, cli } from "./helpers.js";

describe("explain", () => {
  it.each(["text", "json", "mermaid", "dot"])("--format %s writes an explanation and exits 0", (format) => {
    const r = cli(["explain", `${FX}/aligned.pw`, ...DINNER, "--format", format]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).not.toBe("");
    expect(r.stdout.endsWith("\n")).toBe(true);
    if (format === "json") expect(r.json).toBeTypeOf("object");
    if (format === "dot") expect(r.stdout).toMatch(/^(strict )?digraph\b/);
    if (format === "text") expect(r.stdout).toContain("book_table");
  });

  it("is deterministic", () => {
    const a = cli(["explain", `${FX}/aligned.pw`, ...DINNER, "--format", "json"]);
    const b = cli(["explain", `${FX}/aligned.pw`, ...DINNER, "--format", "json"]);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe("test", () => {
  it("exits 0 when every case agrees, and prints the count", () => {
    const r = cli(["test", `${FX}/policy-tests/pass`]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("2 passed, 0 failed\n");
  });

  it("prints each disagreeing case with why, and exits 1", () => {
    const r = cli(["test", `${FX}/policy-tests`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL ${FX}/policy-tests/fail/wrong.pw\n  expected \`ok\`, but the checker reported `);
    expect(r.stdout).toContain("  expected rule `shape`, but it was not reported\n");
    expect(r.stdout).toContain("  rule `loop-depth` must be absent, but it was reported (line 8)\n");
    expect(r.stdout).toMatch(/ {2}the checker reported: .*loop-depth \(8:5\)/);
    expect(r.stdout).not.toContain("right.pw");
    expect(r.stdout).toMatch(/\n3 passed, 1 failed\n$/);
  });

  it("--format json gives every case as data", () => {
    const r = cli(["test", `${FX}/policy-tests/fail`, "--format", "json"]);
    expect(r.code).toBe(1);
    const out = r.json as {
      cases: { file: string; passed: boolean; expect: string }[];
      passed: number;
      failed: number;
    };
    expect(out.cases.map((c) => [c.file, c.passed, c.expect])).toEqual([
      [`${FX}/policy-tests/fail/right.pw`, true, "ok"],
      [`${FX}/policy-tests/fail/wrong.pw`, false, "ok"],
    ]);
    expect([out.passed, out.failed]).toEqual([1, 1]);
  });

  it("flags override partwise.test.yaml", () => {
    // Under the recommended policy (no flow or order rules), `order` is never reported.
    const r = cli(["test", `${FX}/policy-tests/pass`, "--policy", `${FX}/approve.policy.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("expected rule `order`, but it was not reported");
  });
});

describe("run --journal and resolve", () => {
  it("stops on a lost irreversible outcome (exit 3), takes it from resolve, and resumes without calling again", () => {
    const tmp = mkdtempSync(join(tmpdir(), "pw-cli-journal-"));
    const journal = join(tmp, "run.jsonl");
    const args = [
      "run",
      `${FX}/aligned.pw`,
      ...DINNER,
      "--input",
      `${FX}/input.json`,
      "--journal",
      journal,
      "--format",
      "json",
    ];
    expect(cli(args).code).toBe(0);
    // As if the process died after book_table's intent was written: drop its result record.
    const lines = readFileSync(journal, "utf8").trimEnd().split("\n");
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: "result", fn: "book_table" });
    writeFileSync(journal, lines.slice(0, -1).join("\n") + "\n");

    const lost = cli(args);
    expect(lost.code).toBe(3);
    expect(lost.json).toMatchObject({ status: "error", error: { kind: "unknown-outcome", line: 5 } });

    const outcome = join(tmp, "outcome.json");
    writeFileSync(outcome, '{ "restaurant": "Olive", "code": "R-by-hand" }\n');
    const resolved = cli(["resolve", journal, "4", outcome]);
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toBe(`resolved call 4 in ${journal}; run again with --journal ${journal} to resume\n`);
    const again = cli(["resolve", journal, "4", outcome]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${journal}: call 4 already has a result`);

    const resumed = cli(args);
    expect(resumed.code).toBe(0);
    const calls = (resumed.json as { calls: { fn: string; result: unknown; replayed?: boolean }[] }).calls;
    expect(calls.at(-1)).toMatchObject({ fn: "book_table", result: { code: "R-by-hand" }, replayed: true });
  });
});

describe("run --journal and resolve: the journal's lock", () => {
  const tmp = mkdtempSync(join(tmpdir(), "pw-cli-lock-"));
  const runArgs = (journal: string): string[] => [
    "run",
    `${FX}/aligned.pw`,
    ...DINNER,
    "--input",
    `${FX}/input.json`,
    "--journal",
    journal,
    "--format",
    "json",
  ];

  it("refuses a journal a live process holds (run: exit 3, resolve: exit 2), touching nothing", () => {
    const journal = join(tmp, "held.jsonl");
    // This test process is alive: its lock is live.
    writeFileSync(`${journal}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: "S", token: "t" }));
    const message = `the journal \`${journal}\` is in use by another run (process ${process.pid}, since S); wait for that run to end, or remove \`${journal}.lock\` if no run is live`;
    const r = cli(runArgs(journal));
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("");
    expect(r.json).toEqual({
      status: "error",
      error: { kind: "journal-locked", message },
      calls: [],
      stats: { calls: 0, wallMs: (r.json as { stats: { wallMs: number } }).stats.wallMs },
    });
    expect(existsSync(journal)).toBe(false);

    writeFileSync(journal, "");
    const outcome = join(tmp, "outcome.json");
    writeFileSync(outcome, "{}\n");
    const resolved = cli(["resolve", journal, "4", outcome]);
    expect(resolved.code).toBe(2);
    expect(resolved.stderr).toBe(`partwise: ${message}\n`);
    expect(readFileSync(journal, "utf8")).toBe("");
    expect(existsSync(`${journal}.lock`)).toBe(true);
  });

  it("takes over a stale lock with a note on standard error, and releases it at the end", () => {
    const journal = join(tmp, "stale.jsonl");
    const pid = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(`${journal}.lock`, JSON.stringify({ pid, host: hostname(), since: "S", token: "t" }));
    const r = cli(runArgs(journal));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `partwise: note: took over the journal lock \`${journal}.lock\` of process ${pid} (since S), which is no longer running\n`,
    );
    expect(existsSync(`${journal}.lock`)).toBe(false);
    expect(cli(runArgs(journal))).toMatchObject({ code: 0, stderr: "" });
  });
});
