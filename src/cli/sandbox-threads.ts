/**
 * `--sandbox-threads N` (or `PARTWISE_SANDBOX_THREADS=N`) on the commands
 * that run compositions: at most N sandbox threads (QuickJS workers, one
 * guest each) at once; a run that finds none free waits for one. The flag
 * wins over the variable; a value that is not a whole number ≥ 1, from
 * either, is bad usage (exit 2), reported by commander with the option and
 * the variable's name. Without either the runtime's default applies (twice
 * the cores, at least 4). The value reaches the runtime through
 * `setSandboxThreads` in a `preAction` hook, before the command's action
 * loads anything; the pool module is imported only when a value was given.
 */
import { InvalidArgumentError, Option, type Command } from "commander";

/** The environment variable that sets `--sandbox-threads`. */
export const SANDBOX_THREADS_ENV = "PARTWISE_SANDBOX_THREADS";

/** Parses an option value: a whole number ≥ 1. */
export function parseSandboxThreads(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a whole number of at least 1, got \`${value}\`.`);
  }
  return n;
}

/** The `--sandbox-threads <n>` option, read from `PARTWISE_SANDBOX_THREADS` when the flag is absent. */
export function sandboxThreadsOption(): Option {
  return new Option(
    "--sandbox-threads <n>",
    "at most this many sandbox threads at once (default: 2 per core, at least 4)",
  )
    .env(SANDBOX_THREADS_ENV)
    .argParser(parseSandboxThreads);
}

/**
 * A `preAction` hook: when the command that runs has `--sandbox-threads`
 * (from the flag or the environment), hands it to the runtime's pool.
 */
export async function applySandboxThreads(_hooked: Command, action: Command): Promise<void> {
  const n: unknown = action.getOptionValue("sandboxThreads");
  if (typeof n !== "number") return;
  const { setSandboxThreads } = await import("../runtime/pool.js");
  setSandboxThreads(n);
}
