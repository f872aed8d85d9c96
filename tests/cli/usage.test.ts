/** Bad usage never crashes: each case exits 2 with a message naming the file (and line) at fault. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DINNER, FX, cli } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "pw-cli-usage-"));
const binary = join(tmp, "binary.pw");
writeFileSync(binary, Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x31, 0x0a, 0x00, 0xff, 0x10]));
const notObject = join(tmp, "list.json");
writeFileSync(notObject, "[1, 2]\n");
const wrongExt = join(tmp, "catalog.py");
writeFileSync(wrongExt, "x = 1\n");

/** Cases: arguments, then what stderr must contain. */
const cases: readonly (readonly [string, readonly string[], readonly (string | RegExp)[]])[] = [
  ["no command", [], ["Usage: partwise"]],
  ["unknown command", ["chek", `${FX}/aligned.pw`], ["unknown command 'chek'", "Did you mean check?"]],
  ["unknown flag", ["check", `${FX}/aligned.pw`, ...DINNER, "--bogus"], ["unknown option '--bogus'"]],
  ["missing --catalog", ["check", `${FX}/aligned.pw`], ["required option '--catalog <file>' not specified"]],
  ["no file", ["check", ...DINNER], ["missing required argument 'files'"]],
  [
    "bad --format",
    ["check", `${FX}/aligned.pw`, ...DINNER, "--format", "xml"],
    ["Allowed choices are pretty, json, sarif"],
  ],
  [
    "bad --max-warnings",
    ["check", `${FX}/aligned.pw`, ...DINNER, "--max-warnings", "many"],
    ["expected a whole number"],
  ],
  ["missing file", ["check", `${FX}/nope.pw`, ...DINNER], [`${FX}/nope.pw: composition not found`]],
  ["directory as file", ["check", FX, ...DINNER], [`${FX}: the composition is a directory, not a file`]],
  ["binary file", ["check", binary, ...DINNER], [`${binary}:2: this looks like a binary file`]],
  ["stdin twice", ["check", "-", "-", ...DINNER], ["standard input (`-`) can be named only once"]],
  [
    "missing catalog",
    ["check", `${FX}/aligned.pw`, "--catalog", `${FX}/nope.ts`],
    [`${FX}/nope.ts: catalog not found`],
  ],
  ["catalog is a directory", ["check", `${FX}/aligned.pw`, "--catalog", FX], [`${FX}: the catalog is a directory`]],
  [
    "catalog with an unknown extension",
    ["check", `${FX}/aligned.pw`, "--catalog", wrongExt],
    [`${wrongExt}: the catalog has an unknown extension \`.py\``],
  ],
  [
    "missing policy",
    ["check", `${FX}/aligned.pw`, "--catalog", `${FX}/catalog.ts`, "--policy", `${FX}/nope.yaml`],
    [`${FX}/nope.yaml: policy not found`],
  ],
  [
    "policy with an unknown key",
    ["check", `${FX}/aligned.pw`, "--catalog", `${FX}/catalog.ts`, "--policy", `${FX}/bad-policy.yaml`],
    [`${FX}/bad-policy.yaml:1:`, "maxLoopDepht"],
  ],
  ["run with two files", ["run", `${FX}/aligned.pw`, `${FX}/unaligned.pw`, ...DINNER], ["too many arguments"]],
  [
    "run with a missing input",
    ["run", `${FX}/aligned.pw`, ...DINNER, "--input", `${FX}/nope.json`],
    [`${FX}/nope.json: input not found`],
  ],
  [
    "run with invalid JSON input",
    ["run", `${FX}/aligned.pw`, ...DINNER, "--input", `${FX}/bad-input.txt`],
    [`${FX}/bad-input.txt:3: the input is not valid JSON`],
  ],
  [
    "run with an input that is not an object",
    ["run", `${FX}/aligned.pw`, ...DINNER, "--input", notObject],
    [`${notObject}:1: the input must be a JSON object`],
  ],
  [
    "run with a catalog that has no handlers",
    ["run", `${FX}/aligned.pw`, "--catalog", `${FX}/tools.json`, "--input", `${FX}/input.json`],
    [`${FX}/tools.json: the catalog has no handler for \`ask_preference\`, \`identify_overlap\`, \`book_table\``],
  ],
  [
    "run with --concurrency 0",
    ["run", `${FX}/aligned.pw`, ...DINNER, "--concurrency", "0"],
    ["expected a whole number of at least 1"],
  ],
  [
    "run with a bad --approve",
    ["run", `${FX}/aligned.pw`, ...DINNER, "--approve", "yes"],
    ["Allowed choices are all, none"],
  ],
  [
    "run with a trace in a missing folder",
    ["run", `${FX}/aligned.pw`, ...DINNER, "--trace", join(tmp, "no/such/t.jsonl")],
    [`${join(tmp, "no/such/t.jsonl")}: cannot write the trace: its folder does not exist`],
  ],
  [
    "explain with a bad format",
    ["explain", `${FX}/aligned.pw`, ...DINNER, "--format", "svg"],
    ["Allowed choices are text, json, mermaid, dot"],
  ],
  ["test on a missing folder", ["test", `${FX}/nope`], [`${FX}/nope: test folder not found`]],
  ["test without a catalog", ["test", `${FX}/aligned.pw`], ["no catalog for this test", "partwise.test.yaml"]],
  [
    "resolve with a bad sequence number",
    ["resolve", `${FX}/input.json`, "first", `${FX}/input.json`],
    ["SEQ must be a call's sequence number"],
  ],
  [
    "resolve with a missing journal",
    ["resolve", join(tmp, "nope.jsonl"), "3", `${FX}/input.json`],
    [`${join(tmp, "nope.jsonl")}: journal not found`],
  ],
];

describe("usage errors exit 2 with a message naming what is wrong", () => {
  it.each(cases)("%s", (_name, args, expected) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    for (const e of expected) {
      if (typeof e === "string") expect(r.stderr).toContain(e);
      else expect(r.stderr).toMatch(e);
    }
    expect(r.stderr).not.toContain("internal error");
    expect(r.stdout).toBe("");
  });
});

describe("help and version", () => {
  it("--version prints the package version", () => {
    const r = cli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });

  it("--help lists every command, with examples and exit codes", () => {
    const r = cli(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["check", "run", "explain", "test", "resolve"]) expect(r.stdout).toContain(`  ${c} `);
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain(
      "Exit codes: 0 ok, 1 rejected or has errors, 2 bad usage or unusable file, 3 runtime failure.",
    );
  });

  it.each(["check", "run", "explain", "test", "resolve"])("%s --help", (c) => {
    const r = cli([c, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: partwise ${c}`);
  });
});
