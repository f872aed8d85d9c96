/**
 * The pipeline's commands for the `partwise` CLI: `batch`, `serve`,
 * `diff-policy` and `p2c`. `registerPipelineCommands(program, done?)` adds
 * them to a commander program; each action reports its exit code through
 * `done` (the CLI's callback) or, without it, `process.exitCode`. Bad usage
 * throws `UsageError` (the CLI prints it and exits 2). This module is
 * cheap to load: each action imports what it runs.
 *
 * Exit codes: `batch` 0 when every line has a result and none is an error
 * record, 1 when some line could not be read or its episode failed;
 * `serve` 0 at the end of its input; `diff-policy` 0 when no verdict flips,
 * 1 when some do; `p2c` 0.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "../errors.js";
import type { Catalog } from "../catalog/types.js";
import type { Policy } from "../policy/types.js";

function wholeNumber(min: number): (value: string) => number {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(
        `expected a whole number${min > 0 ? ` of at least ${min}` : ""}, got \`${value}\`.`,
      );
    }
    return Number(value);
  };
}

function fraction(value: string): number {
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x < 0 || x > 1) {
    throw new InvalidArgumentError(`expected a number between 0 and 1, got \`${value}\`.`);
  }
  return x;
}

function assertInputFile(file: string, what: string): void {
  if (file === "-") return;
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new UsageError(`${what} not found`, file, undefined, "check the path");
  }
  if (st.isDirectory()) throw new UsageError(`the ${what} is a directory, not a file`, file);
}

function assertWritable(file: string, what: string): void {
  const dir = dirname(file);
  if (!existsSync(dir)) throw new UsageError(`cannot write the ${what}: its folder does not exist`, file);
}

async function loadContext(
  catalogFile: string,
  policyFile: string | undefined,
): Promise<{ catalog: Catalog; policy: Policy }> {
  const { loadContext: load } = await import("../cli/load.js");
  return load(catalogFile, policyFile);
}

/** A policy file, or a preset name (`recommended`, `strict`) when no such file exists. */
async function loadPolicyArg(arg: string, catalog: Catalog): Promise<Policy> {
  if ((arg === "recommended" || arg === "strict") && !existsSync(arg)) {
    const { presetPolicy } = await import("../policy/presets.js");
    return presetPolicy(arg, catalog);
  }
  const { loadPolicyFile } = await import("../cli/load.js");
  return loadPolicyFile(arg, catalog);
}

interface BatchFlags {
  readonly catalog: string;
  readonly policy?: string;
  readonly run?: boolean;
  readonly workers?: number;
  readonly out?: string;
  readonly features?: boolean;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
}

interface ServeFlags {
  readonly stdio?: boolean;
  readonly catalog: string;
  readonly policy?: string;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
}

interface DiffFlags {
  readonly catalog: string;
  readonly format: "text" | "json";
}

interface P2cFlags {
  readonly catalog?: string;
  readonly policy?: string;
  readonly format: "text" | "json";
  readonly html?: string;
  readonly threshold?: number;
}

/** Adds `batch`, `serve`, `diff-policy` and `p2c` to `program`. */
export function registerPipelineCommands(program: Command, done?: (code: number) => void): void {
  const finish = (code: number): void => {
    if (done !== undefined) done(code);
    else process.exitCode = code;
  };

  program
    .command("batch")
    .description("check (and with --run, run) one composition per JSON line, in parallel, resumably")
    .argument("<episodes>", "JSON Lines file of {id, program, input?, subtasks?, label?} (`-` for standard input)")
    .requiredOption("--catalog <file>", "catalog: TypeScript module or MCP tool list")
    .option("--policy <file>", "policy (YAML or JSON); default: the built-in `recommended` policy")
    .option("--run", "also run every composition that passes the check")
    .option("--workers <n>", "worker threads (0: in this thread); default: the cores, at most 8", wholeNumber(0))
    .option("--out <file>", "write results here (appending; a rerun skips ids already in it); default: standard output")
    .option("--features", "add structural features (loop depth, shape, effects, glue) to every result")
    .option("--timeout-ms <n>", "with --run: stop each run after this many milliseconds", wholeNumber(1))
    .option("--memory-mb <n>", "with --run: memory limit of each sandbox in MiB", wholeNumber(1))
    .addHelpText(
      "after",
      `
One result line per input line, in input order: {id, ok, diagnostics, bounds}
(+ run with --run), or {id?, error: {message, line}} for a line that could not
be read; when its subtask declarations are at fault, error.problems lists every
problem as {message, key?, help?} (error.omitted counts those past 50). A
progress bar with rate and ETA is drawn on standard error when it is a
terminal. Exit 0 when every line has a result, 1 when some are error records.`,
    )
    .action(async (episodes: string, o: BatchFlags) => {
      assertInputFile(episodes, "episodes file");
      if (o.out !== undefined) assertWritable(o.out, "results file");
      const { catalog, policy } = await loadContext(o.catalog, o.policy);
      const { runBatch } = await import("./batch.js");
      const summary = await runBatch({
        input: episodes,
        catalog,
        policy,
        catalogPath: o.catalog,
        ...(o.policy !== undefined ? { policyPath: o.policy } : {}),
        ...(o.out !== undefined ? { out: o.out } : {}),
        run: o.run === true,
        features: o.features === true,
        ...(o.workers !== undefined ? { workers: o.workers } : {}),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
        ...(o.memoryMb !== undefined ? { memoryMb: o.memoryMb } : {}),
        progress: process.stderr,
      });
      finish(summary.errors > 0 ? 1 : 0);
    });

  program
    .command("serve")
    .description("answer check/run/explain/evaluate requests as JSON lines over standard input and output")
    .option("--stdio", "use standard input and output (the only transport)")
    .requiredOption("--catalog <file>", "catalog: TypeScript module or MCP tool list")
    .option("--policy <file>", "policy (YAML or JSON); default: the built-in `recommended` policy")
    .option("--timeout-ms <n>", "stop each run after this many milliseconds", wholeNumber(1))
    .option("--memory-mb <n>", "memory limit of each sandbox in MiB", wholeNumber(1))
    .addHelpText(
      "after",
      `
Request:  {"id": 1, "op": "check", "program": "..."}   (op: check | run | explain | evaluate)
Response: {"id": 1, "ok": true, "result": {...}}  or  {"id": 1, "ok": false, "error": {"message": "..."}}
          (error.problems lists every problem when the request's subtask declarations are at fault)
See examples/python/partwise_client.py for a client.`,
    )
    .action(async (o: ServeFlags) => {
      if (o.stdio !== true) {
        throw new UsageError(
          "`serve` needs `--stdio` (the only transport so far)",
          undefined,
          undefined,
          "run `partwise serve --stdio --catalog …`",
        );
      }
      const { catalog, policy } = await loadContext(o.catalog, o.policy);
      const { serve } = await import("./serve.js");
      await serve({
        catalog,
        policy,
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
        ...(o.memoryMb !== undefined ? { memoryMb: o.memoryMb } : {}),
      });
      finish(0);
    });

  program
    .command("diff-policy")
    .description("re-check a corpus under two policies and list every verdict that flips, with the rule responsible")
    .argument("<old>", "the old policy (file, or `recommended`/`strict`)")
    .argument("<new>", "the new policy (file, or `recommended`/`strict`)")
    .argument("<corpus>", "a directory of .pw files or a JSON Lines file of {id, program}")
    .requiredOption("--catalog <file>", "catalog: TypeScript module or MCP tool list")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (oldArg: string, newArg: string, corpusArg: string, o: DiffFlags) => {
      const { loadCatalogFile } = await import("../cli/load.js");
      const catalog = await loadCatalogFile(o.catalog);
      const oldPolicy = await loadPolicyArg(oldArg, catalog);
      const newPolicy = await loadPolicyArg(newArg, catalog);
      const { readCorpus, diffPolicies, renderPolicyDiff } = await import("./diff-policy.js");
      const { loadEngine } = await import("./engine.js");
      const corpus = await readCorpus(corpusArg);
      const diff = diffPolicies(corpus, catalog, oldPolicy, newPolicy, await loadEngine());
      process.stdout.write(o.format === "json" ? JSON.stringify(diff, null, 2) + "\n" : renderPolicyDiff(diff));
      finish(diff.flips.length > 0 ? 1 : 0);
    });

  program
    .command("p2c")
    .description(
      "measure part-to-complete generalization: P(whole aligned | parts aligned), the gap, recall, false alarms",
    )
    .argument("<results>", "JSON Lines: batch results or episodes with labels (raw episodes need --catalog)")
    .option("--catalog <file>", "catalog, to check raw episode lines")
    .option("--policy <file>", "policy, to check raw episode lines; default: the built-in `recommended` policy")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--html <file>", "also write a self-contained HTML page with charts")
    .option("--threshold <x>", "a partial reward at least this counts as aligned (default 0.5)", fraction)
    .action(async (results: string, o: P2cFlags) => {
      assertInputFile(results, "results file");
      if (o.html !== undefined) assertWritable(o.html, "HTML report");
      if (o.policy !== undefined && o.catalog === undefined) throw new UsageError("`--policy` needs `--catalog`");
      const { readP2c, renderP2cText, renderP2cHtml } = await import("./p2c.js");
      let context;
      if (o.catalog !== undefined) {
        const { catalog, policy } = await loadContext(o.catalog, o.policy);
        const { loadEngine } = await import("./engine.js");
        context = { engine: await loadEngine(), catalog, policy, run: false, features: true };
      }
      const report = await readP2c(results, {
        ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
        ...(context !== undefined ? { context } : {}),
      });
      process.stdout.write(o.format === "json" ? JSON.stringify(report, null, 2) + "\n" : renderP2cText(report));
      if (o.html !== undefined) {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(o.html, renderP2cHtml(report));
      }
      finish(0);
    });
}
