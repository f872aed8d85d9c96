/**
 * `partwise test DIR... [--catalog C] [--policy P] [--format pretty|json]`:
 * prints each case that disagrees with its expectations; exit 1 if any does.
 */
import type { Output } from "./output.js";
import { renderPolicyTestPretty, runPolicyTests } from "./policy-test.js";

export interface TestCommandOptions {
  readonly catalog: string | undefined;
  readonly policy: string | undefined;
  readonly format: "pretty" | "json";
}

/** Runs `test`; returns the exit code. */
export async function testCommand(dirs: readonly string[], opts: TestCommandOptions, out: Output): Promise<number> {
  const report = await runPolicyTests(dirs, { catalog: opts.catalog, policy: opts.policy });
  out.stdout(opts.format === "json" ? JSON.stringify(report, null, 2) + "\n" : renderPolicyTestPretty(report));
  return report.failed > 0 ? 1 : 0;
}
