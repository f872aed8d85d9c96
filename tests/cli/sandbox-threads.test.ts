/**
 * `--sandbox-threads N` / `PARTWISE_SANDBOX_THREADS`: parsed and validated
 * (a whole number ≥ 1, else exit 2), the flag winning over the variable;
 * through the same option and hook the CLI uses, concurrent runs never
 * have more sandbox threads than N (and do reach N); `run` and `serve` take
 * it, `check` ignores the variable.
 */
import { Command } from "commander";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  SANDBOX_THREADS_ENV,
  applySandboxThreads,
  parseSandboxThreads,
  sandboxThreadsOption,
} from "../../src/cli/sandbox-threads.js";
import { sandboxThreads, shutdownSandbox } from "../../src/runtime/pool.js";
import { run } from "../../src/runtime/run.js";
import { ALIGNED, dinnerCatalog, instantHandlers } from "../runtime/helpers.js";
import { DINNER, FX, cli } from "./helpers.js";

const RUN = ["run", `${FX}/aligned.pw`, ...DINNER, "--input", `${FX}/input.json`, "--format", "json"];

describe("parseSandboxThreads", () => {
  it.each([
    ["1", 1],
    ["4", 4],
    ["0012", 12],
  ])("%j is %i", (text, n) => expect(parseSandboxThreads(text)).toBe(n));

  it.each(["0", "-1", "1.5", "", " 2", "two", "1e3", "99999999999999999999"])("%j is refused", (text) => {
    expect(() => parseSandboxThreads(text)).toThrow(`expected a whole number of at least 1, got \`${text}\`.`);
  });
});

describe("the option and its hook (in process)", () => {
  const catalog = dinnerCatalog();
  let saved: string | undefined;

  beforeEach(async () => {
    saved = process.env[SANDBOX_THREADS_ENV];
    delete process.env[SANDBOX_THREADS_ENV];
    await shutdownSandbox(); // the pool never shrinks: start each case from no threads
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[SANDBOX_THREADS_ENV];
    else process.env[SANDBOX_THREADS_ENV] = saved;
  });
  afterAll(async () => {
    await shutdownSandbox();
  });

  /** Parses `args` as the CLI would; the action starts `runs` runs at once and returns the most threads seen. */
  async function parse(args: readonly string[], runs = 4): Promise<{ value: unknown; threads: number }> {
    let value: unknown;
    let threads = 0;
    const program = new Command("partwise").exitOverride().hook("preAction", applySandboxThreads);
    program.configureOutput({ writeErr: () => undefined });
    program
      .command("run")
      .addOption(sandboxThreadsOption())
      .action(async (o: { sandboxThreads?: number }) => {
        value = o.sandboxThreads;
        const slow = {
          ...instantHandlers(),
          // Each run holds its sandbox thread while this waits, so the runs overlap.
          ask_preference: async (): Promise<string[]> => {
            threads = Math.max(threads, sandboxThreads());
            await new Promise((r) => setTimeout(r, 40));
            return ["Sakura"];
          },
        };
        const results = await Promise.all(
          Array.from({ length: runs }, () => run(ALIGNED, { catalog, handlers: slow, input: { users: ["ana"] } })),
        );
        expect(results.map((r) => r.status)).toEqual(Array.from({ length: runs }, () => "ok"));
        threads = Math.max(threads, sandboxThreads()); // threads are only ever added while runs go on
      });
    await program.parseAsync(["run", ...args], { from: "user" });
    return { value, threads };
  }

  // First: the cases below set the limit, and the runtime's default cannot be restored.
  it("leaves the runtime's default (at least 4) alone without the flag or the variable", async () => {
    expect(await parse([], 4)).toEqual({ value: undefined, threads: 4 });
  });

  it("caps the threads of concurrent runs at --sandbox-threads, and the runs reach it", async () => {
    expect(await parse(["--sandbox-threads", "2"])).toEqual({ value: 2, threads: 2 });
    await shutdownSandbox();
    expect(await parse(["--sandbox-threads", "1"])).toEqual({ value: 1, threads: 1 });
  });

  it("takes PARTWISE_SANDBOX_THREADS when the flag is absent; the flag wins", async () => {
    process.env[SANDBOX_THREADS_ENV] = "1";
    expect(await parse([])).toEqual({ value: 1, threads: 1 });
    await shutdownSandbox();
    expect(await parse(["--sandbox-threads", "3"])).toEqual({ value: 3, threads: 3 });
  });

  it("refuses a bad value from the flag or the variable before the action runs", async () => {
    await expect(parse(["--sandbox-threads", "0"])).rejects.toThrow(
      "error: option '--sandbox-threads <n>' argument '0' is invalid. expected a whole number of at least 1, got `0`.",
    );
    process.env[SANDBOX_THREADS_ENV] = "many";
    await expect(parse([])).rejects.toThrow(
      "error: option '--sandbox-threads <n>' value 'many' from env 'PARTWISE_SANDBOX_THREADS' is invalid. expected a whole number of at least 1, got `many`.",
    );
    expect(sandboxThreads()).toBe(0);
  });
});

describe("partwise run/serve --sandbox-threads", () => {
  const usage = "(run `partwise --help` or `partwise <command> --help` for usage)\n";

  it("runs with a valid value, from the flag or the variable", () => {
    for (const r of [cli([...RUN, "--sandbox-threads", "1"]), cli(RUN, { env: { [SANDBOX_THREADS_ENV]: "2" } })]) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect((r.json as { status: string }).status).toBe("ok");
    }
  });

  it.each(["0", "-2", "1.5", "lots"])("refuses --sandbox-threads %j (exit 2)", (value) => {
    const r = cli([...RUN, "--sandbox-threads", value]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `partwise: option '--sandbox-threads <n>' argument '${value}' is invalid. expected a whole number of at least 1, got \`${value}\`.\n${usage}`,
    );
  });

  it("refuses a bad PARTWISE_SANDBOX_THREADS on run and serve (exit 2), unless the flag overrides it", () => {
    const message = `partwise: option '--sandbox-threads <n>' value '0' from env 'PARTWISE_SANDBOX_THREADS' is invalid. expected a whole number of at least 1, got \`0\`.\n${usage}`;
    const env = { [SANDBOX_THREADS_ENV]: "0" };
    for (const args of [RUN, ["serve", "--stdio", "--catalog", `${FX}/catalog.ts`]]) {
      const r = cli(args, { env });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(message);
    }
    expect(cli([...RUN, "--sandbox-threads", "1"], { env }).code).toBe(0);
  });

  it("is ignored by commands that run nothing", () => {
    const r = cli(["check", `${FX}/aligned.pw`, ...DINNER], { env: { [SANDBOX_THREADS_ENV]: "0" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("is in the help of run and serve, with its variable", () => {
    for (const c of ["run", "serve"]) {
      const help = cli([c, "--help"]).stdout.replace(/\s+/g, " ");
      expect(help).toContain(
        "--sandbox-threads <n> at most this many sandbox threads at once (default: 2 per core, at least 4) (env: PARTWISE_SANDBOX_THREADS)",
      );
    }
  });
});
