/**
 * The `partwise` command. This module stays small and cheap to load: it
 * parses the command line with commander and imports the command that
 * runs, so `--version`, `--help` and usage errors never load the parser,
 * the checker, ts-morph or QuickJS.
 *
 * Exit codes (contract): 0 ok; 1 rejected / has errors / too many
 * warnings; 2 bad usage or an unusable catalog, policy or input file (a
 * `UsageError`, printed with its file and line, or every problem of a
 * catalog or policy that has several: `usage-error.ts`); 3 a runtime
 * failure while running. An unexpected exception is a bug: it is printed as
 * "internal error (please report)" with its stack and exits 2, because the
 * tool could not give an answer about this input (0 or 1 would be read as
 * accepted or rejected, 3 as the composition's own failure).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { enableNodeCompileCache } from "../catalog/cache-dir.js";
import { UsageError } from "../errors.js";
import { registerPipelineCommands } from "../pipeline/commands.js";
import { VERSION } from "../version.js";
import { processOutput, type ColorFlag } from "./output.js";
import { renderUsageError } from "./usage-error.js";
import { applySandboxThreads, sandboxThreadsOption } from "./sandbox-threads.js";

enableNodeCompileCache(); // Node 22+: cache compiled code of the lazily loaded commands (no-op on Node 20)

const EXAMPLES = `
Examples:
  $ partwise check examples/dinner/aligned.pw examples/dinner/unaligned.pw \\
      --catalog examples/dinner/catalog.ts --policy examples/dinner/policy.yaml
  $ partwise check plan.pw --catalog tools.json --format sarif > partwise.sarif
  $ cat plan.pw | partwise check - --catalog tools.json --format json
  $ partwise run examples/dinner/aligned.pw --catalog examples/dinner/catalog.ts \\
      --policy examples/dinner/policy.yaml --input examples/dinner/input.json
  $ partwise explain plan.pw --catalog tools.json --format mermaid
  $ partwise test policies/tests/
  $ partwise resolve run.journal.jsonl 4 outcome.json

Exit codes: 0 ok, 1 rejected or has errors, 2 bad usage or unusable file, 3 runtime failure.
`;

/** A whole number ≥ `min` for an option value. */
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

interface GlobalOptions {
  readonly color?: boolean;
}

/** Builds the command line; `done(code)` receives the exit code of the command that ran. */
export function buildProgram(done: (code: number) => void): Command {
  const program = new Command("partwise");
  program
    .description("Check and safely run planner-written compositions of subtasks.")
    .version(VERSION, "-v, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .option("--color", "colour the output even when it is not a terminal")
    .option("--no-color", "never colour the output (NO_COLOR does the same)")
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(`partwise: ${str.replace(/^error: /, "")}`),
    })
    .showHelpAfterError("(run `partwise --help` or `partwise <command> --help` for usage)")
    .addHelpText("after", EXAMPLES)
    .hook("preAction", applySandboxThreads);

  const colorOf = (cmd: Command): ColorFlag => cmd.optsWithGlobals<GlobalOptions>().color ?? undefined;

  program
    .command("check")
    .description("check compositions against a catalog and a policy")
    .argument("<files...>", "compositions to check (`-` for standard input)")
    .requiredOption("--catalog <file>", "catalog: TypeScript module (.ts, .mts, .d.ts) or MCP tool list (.json)")
    .option("--policy <file>", "policy (YAML or JSON); default: the built-in `recommended` policy")
    .addOption(new Option("--format <format>", "output format").choices(["pretty", "json", "sarif"]).default("pretty"))
    .option("--max-warnings <n>", "exit 1 when there are more warnings than this", wholeNumber(0))
    .action(async (files: string[], o: CheckFlags, cmd: Command) => {
      const { checkCommand } = await import("./check-command.js");
      done(
        await checkCommand(
          files,
          { catalog: o.catalog, policy: o.policy, format: o.format, maxWarnings: o.maxWarnings },
          processOutput(colorOf(cmd)),
        ),
      );
    });

  program
    .command("run")
    .description("check a composition, then run it in the sandbox")
    .argument("<file>", "the composition (`-` for standard input)")
    .requiredOption("--catalog <file>", "catalog whose exported functions are the handlers")
    .option("--policy <file>", "policy (YAML or JSON); default: the built-in `recommended` policy")
    .option("--input <file>", "JSON object with the values of the catalog's inputs")
    .addOption(new Option("--format <format>", "output format").choices(["pretty", "json"]).default("pretty"))
    .option("--trace <file>", "write every trace event to this JSON Lines file")
    .option("--journal <file>", "journal (JSON Lines) that makes the run resumable without repeating effects")
    .option("--concurrency <n>", "at most this many catalog calls at once", wholeNumber(1))
    .option("--timeout-ms <n>", "stop the run after this many milliseconds", wholeNumber(1))
    .option("--memory-mb <n>", "memory limit of the sandbox in MiB", wholeNumber(1))
    .addOption(sandboxThreadsOption())
    .addOption(
      new Option(
        "--approve <answer>",
        "answer for calls the policy asks approval for, when no terminal can ask (default none)",
      ).choices(["all", "none"]),
    )
    .action(async (file: string, o: RunFlags, cmd: Command) => {
      const { runCommand } = await import("./run-command.js");
      done(
        await runCommand(
          file,
          {
            catalog: o.catalog,
            policy: o.policy,
            input: o.input,
            format: o.format,
            trace: o.trace,
            journal: o.journal,
            concurrency: o.concurrency,
            timeoutMs: o.timeoutMs,
            memoryMb: o.memoryMb,
            approve: o.approve,
          },
          processOutput(colorOf(cmd)),
        ),
      );
    });

  program
    .command("explain")
    .description("summarise a composition for a person: inputs, steps, effects, data flow")
    .argument("<file>", "the composition (`-` for standard input)")
    .requiredOption("--catalog <file>", "catalog: TypeScript module or MCP tool list")
    .option("--policy <file>", "policy (YAML or JSON); default: the built-in `recommended` policy")
    .addOption(
      new Option("--format <format>", "output format").choices(["text", "json", "mermaid", "dot"]).default("text"),
    )
    .action(async (file: string, o: ExplainFlags, cmd: Command) => {
      const { explainCommand } = await import("./explain-command.js");
      done(
        await explainCommand(
          file,
          { catalog: o.catalog, policy: o.policy, format: o.format },
          processOutput(colorOf(cmd)),
        ),
      );
    });

  program
    .command("test")
    .description("run a policy's test suite: .pw files that state what the checker must say")
    .argument("<dirs...>", "folders (or .pw files) of test compositions")
    .option("--catalog <file>", "catalog (overrides `catalog:` in partwise.test.yaml)")
    .option("--policy <file>", "policy (overrides `policy:` in partwise.test.yaml)")
    .addOption(new Option("--format <format>", "output format").choices(["pretty", "json"]).default("pretty"))
    .addHelpText(
      "after",
      `
Each .pw file starts with comments that say what the checker must find:
  # expect: rejected            (or ok: no error)
  # rules: order, flow-required (each must be reported)
  # absent: unused-variable     (none may be reported)
A partwise.test.yaml next to the files (or in a folder above them) names the
catalog and policy, with paths relative to it (--catalog and --policy win):
  catalog: ../catalog.ts
  policy: ../policy.yaml
`,
    )
    .action(async (dirs: string[], o: TestFlags, cmd: Command) => {
      const { testCommand } = await import("./test-command.js");
      done(
        await testCommand(
          dirs,
          { catalog: o.catalog, policy: o.policy, format: o.format },
          processOutput(colorOf(cmd)),
        ),
      );
    });

  program
    .command("resolve")
    .description("supply the outcome of an irreversible call whose result the journal lacks")
    .argument("<journal>", "the run's journal (JSON Lines)")
    .argument("<seq>", "the call's sequence number")
    .argument("<result>", "JSON file with the call's result")
    .action(async (journal: string, seq: string, result: string, _o: unknown, cmd: Command) => {
      const { resolveCommand } = await import("./resolve-command.js");
      done(await resolveCommand(journal, seq, result, processOutput(colorOf(cmd))));
    });

  // `batch`, `serve`, `diff-policy`, `p2c`: the training pipeline's commands (src/pipeline/commands.ts).
  registerPipelineCommands(program, done);
  // `serve` runs compositions too (concurrently): it takes the same option, applied by the hook above.
  program.commands.find((c) => c.name() === "serve")?.addOption(sandboxThreadsOption());

  return program;
}

interface CheckFlags {
  readonly catalog: string;
  readonly policy?: string;
  readonly format: "pretty" | "json" | "sarif";
  readonly maxWarnings?: number;
}
interface RunFlags {
  readonly catalog: string;
  readonly policy?: string;
  readonly input?: string;
  readonly format: "pretty" | "json";
  readonly trace?: string;
  readonly journal?: string;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  readonly approve?: "all" | "none";
}
interface ExplainFlags {
  readonly catalog: string;
  readonly policy?: string;
  readonly format: "text" | "json" | "mermaid" | "dot";
}
interface TestFlags {
  readonly catalog?: string;
  readonly policy?: string;
  readonly format: "pretty" | "json";
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (err) {
    return reportError(err);
  }
}

/** Prints an error that ended a command and returns its exit code. */
function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version were printed by commander; everything else is bad usage.
    return err.code === "commander.helpDisplayed" || err.code === "commander.version" ? 0 : 2;
  }
  if (err instanceof UsageError) {
    process.stderr.write(renderUsageError(err));
    return 2;
  }
  const detail = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  process.stderr.write(`partwise: internal error (please report): ${detail}\n`);
  return 2;
}

/** Exits once standard output and standard error have been written out. */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

// A closed pipe (`partwise check … | head`) is not an error worth a stack.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv).then(exitWhenFlushed, (err: unknown) => exitWhenFlushed(reportError(err)));
