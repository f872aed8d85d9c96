/**
 * Where a command writes, and how: commands take an `Output` instead of
 * touching `process.stdout`, so the colour decision is made once and the
 * writers can be replaced in tests.
 */

export interface Output {
  /** ANSI colour on standard output. */
  readonly color: boolean;
  /** Terminal width for code frames (120 when not a terminal). */
  readonly width: number;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The colour choice flags can force (`--color`, `--no-color`); undefined means decide from the stream. */
export type ColorFlag = boolean | undefined;

/**
 * Colour only when asked (`--color`), or when the stream is a TTY and
 * neither `NO_COLOR` nor `--no-color` says otherwise. `FORCE_COLOR` (not
 * `0`) turns it on like `--color`.
 */
export function useColor(flag: ColorFlag, stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

/** The process's standard streams as an `Output`. */
export function processOutput(flag: ColorFlag): Output {
  const color = useColor(flag, process.stdout, process.env);
  return {
    color,
    width: process.stdout.isTTY ? (process.stdout.columns ?? 120) : 120,
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
  };
}
