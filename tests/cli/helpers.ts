/** Spawns the built CLI (`node dist/cli.js`, or `$PARTWISE_CLI`) from the repository root. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = process.env.PARTWISE_CLI ?? "dist/cli.js";
export const FX = "tests/fixtures/cli";
/** `--catalog … --policy …` for the dinner fixtures. */
export const DINNER = ["--catalog", `${FX}/catalog.ts`, "--policy", `${FX}/policy.yaml`];

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON, when it is JSON. */
  readonly json: unknown;
}

/** Runs `partwise ARGS`; `input` is written to standard input. */
export function cli(
  args: readonly string[],
  opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (opts.env?.FORCE_COLOR === undefined) delete env.FORCE_COLOR;
  if (opts.env?.NO_COLOR === undefined) delete env.NO_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    input: opts.input ?? "",
    encoding: "utf8",
    env,
    timeout: 60_000,
  });
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}
