/**
 * A stand-in `partwise` with only the pipeline commands, for tests that
 * spawn the CLI before (or independently of) the main CLI wiring them in.
 */
import { Command, CommanderError } from "commander";
import { UsageError } from "../../../src/errors.js";
import { registerPipelineCommands } from "../../../src/pipeline/commands.js";

const program = new Command("partwise").exitOverride();
let code = 0;
registerPipelineCommands(program, (c) => (code = c));
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) code = err.code === "commander.helpDisplayed" ? 0 : 2;
  else if (err instanceof UsageError) {
    process.stderr.write(`partwise: ${err.format()}\n`);
    code = 2;
  } else {
    process.stderr.write(`partwise: internal error: ${String(err)}\n`);
    code = 2;
  }
}
process.exitCode = code;
