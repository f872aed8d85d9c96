/** What `check` returns: one entry of `check --format json`, minus `file`. */
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/** Static call bound of one catalog function (`max` null when unbounded). */
export interface CallBound {
  readonly min: number;
  readonly max: number | null;
  /** The bound in words, e.g. `|users| × |prefs|`. */
  readonly formula: string;
}

export interface CheckReport {
  /** True when no diagnostic has error severity. */
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Bounds of every catalog function the file calls, by name. */
  readonly bounds: Readonly<Record<string, CallBound>>;
}
