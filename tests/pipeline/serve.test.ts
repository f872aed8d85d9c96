import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { check } from "../../src/checker/check.js";
import { serve } from "../../src/pipeline/serve.js";
import { parse } from "../../src/syntax/parse.js";
import { bundlePipeline } from "./helpers/bundle.js";
import { ALIGNED, dinnerContext, UNALIGNED } from "./helpers/dinner.js";

async function roundTrip(requests: readonly unknown[]): Promise<Record<string, unknown>[]> {
  const { catalog, policy } = await dinnerContext();
  const input = new PassThrough();
  const out: string[] = [];
  const done = serve({
    catalog,
    policy,
    input,
    write: (l) => out.push(l),
    engine: {
      check,
      parse,
      run: () => Promise.resolve({ status: "ok", result: 42, calls: [], stats: { calls: 0, wallMs: 0 } }),
    },
  });
  for (const r of requests) input.write((typeof r === "string" ? r : JSON.stringify(r)) + "\n");
  input.end();
  await done;
  return out
    .join("")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("serve --stdio (in process)", () => {
  it("answers check, run and bad requests, each with its id", async () => {
    const rs = await roundTrip([
      { id: 1, op: "check", program: ALIGNED },
      { id: 2, op: "check", program: UNALIGNED },
      { id: 3, op: "run", program: ALIGNED, input: { users: ["kim"] } },
      { id: 4, op: "frobnicate" },
      "{oops",
      { id: 5, op: "check" },
    ]);
    const byId = new Map(rs.map((r) => [r.id, r]));
    expect((byId.get(1)?.result as { ok: boolean }).ok).toBe(true);
    expect((byId.get(2)?.result as { ok: boolean }).ok).toBe(false);
    expect(byId.get(3)).toEqual({
      id: 3,
      ok: true,
      result: { status: "ok", result: 42, calls: [], stats: { calls: 0, wallMs: 0 } },
    });
    expect(byId.get(4)).toEqual({
      id: 4,
      ok: false,
      error: { message: 'unknown op "frobnicate"; use one of "check", "run", "explain", "evaluate"' },
    });
    expect(byId.get(null)?.ok).toBe(false);
    expect(byId.get(5)).toEqual({ id: 5, ok: false, error: { message: "`program` must be a string" } });
  });
});

describe("serve --stdio: subtask problems", () => {
  it("a request that fails because of its subtask declarations lists every problem", async () => {
    const subtasks = [
      { name: "users", params: [], returns: "string" },
      { name: "s", params: [{ name: "x", type: "nope" }], returns: "string" },
    ];
    const error = {
      message: "subtask `users` has the name of a catalog input; give it another name",
      problems: [
        { message: "subtask `users` has the name of a catalog input; give it another name", key: "subtasks[0].name" },
        {
          message: "subtask `s`: parameter `x`: unknown type `nope` in type `nope` (column 1)",
          key: "subtasks[1].params[0].type",
          help: "write a type such as `string`, `string[]`, `Record<string, number>` or `{ name: string }`",
        },
      ],
    };
    const rs = await roundTrip([
      { id: 1, op: "check", program: ALIGNED, subtasks },
      { id: 2, op: "run", program: ALIGNED, subtasks },
      { id: 3, op: "explain", program: ALIGNED, subtasks },
      { id: 4, op: "evaluate", program: ALIGNED, subtasks },
    ]);
    const byId = new Map(rs.map((r) => [r.id, r]));
    for (const id of [1, 2, 3]) expect(byId.get(id)).toEqual({ id, ok: false, error });
    const ep = byId.get(4)?.result as Record<string, unknown>;
    expect(byId.get(4)?.ok).toBe(true);
    expect(ep.status).toBe("invalid-plan");
    expect(ep.planError).toBe(error.message);
    expect(ep.planProblems).toEqual(error.problems);
  });
});

const python = spawnSync("python3", ["--version"]).status === 0;
/** The real CLI when it has `serve`, else the pipeline-only stand-in. */
async function cliPath(): Promise<string> {
  const wired =
    existsSync("dist/cli.js") &&
    spawnSync(process.execPath, ["dist/cli.js", "serve", "--help"], { encoding: "utf8" }).status === 0;
  return wired ? "dist/cli.js" : (await bundlePipeline()).cli;
}

describe("serve --stdio from the Python example", () => {
  if (!python) console.warn("python3 not found: skipping the Python round trip of `partwise serve --stdio`");
  it.skipIf(!python)("round-trips check requests through examples/python/partwise_client.py", async () => {
    const cli = await cliPath();
    const out = execFileSync(
      "python3",
      ["examples/python/partwise_client.py", "--command", `${process.execPath} ${cli}`],
      {
        encoding: "utf8",
      },
    );
    const [first, second] = out.trim().split("\n");
    const summary = JSON.parse(first ?? "") as Record<string, { ok: boolean; rules: string[] }>;
    expect(summary.aligned).toEqual({ ok: true, rules: [] });
    expect(summary.unaligned?.ok).toBe(false);
    expect(summary.unaligned?.rules).toEqual(expect.arrayContaining(["loop-depth", "effect-in-loop", "order"]));
    expect(second).toBe('error: unknown op "no-such-op"; use one of "check", "run", "explain", "evaluate"');
  });
});
