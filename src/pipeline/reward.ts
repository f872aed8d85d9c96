/**
 * The episode reward, the paper's `R + sum(partial_rewards)` (Figure 2b,
 * line 11) made explicit and configurable:
 *
 *     total = R + partialWeight × Σ partial + summaryWeight × summary
 *             − errorPenalty × errors − warningPenalty × warnings
 *
 * where R is the verifier's score of the run's result when the composition
 * passed the check and ran; `rejected` when the check rejected it (or the
 * plan's subtask declarations were invalid), so it never ran; and
 * `runError` when the run failed. `errors` and `warnings` count the static
 * report's diagnostics by severity; `summary` is the summary judge's score
 * of the `explain` text (0 without a summary judge).
 *
 * Defaults: `rejected: -1, runError: -1, errorPenalty: 0.1,
 * warningPenalty: 0, partialWeight: 1, summaryWeight: 1`.
 */

/** The knobs of the reward formula. */
export interface RewardConfig {
  /** R when the composition is rejected (it never runs; the verifier is not asked). */
  readonly rejected: number;
  /** R when the run fails (handler error, runtime error, resource limit). */
  readonly runError: number;
  /** Subtracted per error-severity diagnostic. */
  readonly errorPenalty: number;
  /** Subtracted per warning. */
  readonly warningPenalty: number;
  /** Weight of the sum of partial rewards. */
  readonly partialWeight: number;
  /** Weight of the summary judge's score. */
  readonly summaryWeight: number;
}

/** The documented defaults. */
export const DEFAULT_REWARD: RewardConfig = Object.freeze({
  rejected: -1,
  runError: -1,
  errorPenalty: 0.1,
  warningPenalty: 0,
  partialWeight: 1,
  summaryWeight: 1,
});

/** The inputs of the formula, recorded on every episode. */
export interface RewardTerms {
  readonly outcome: "ok" | "rejected" | "run-error";
  /** The verifier's score when the run succeeded. */
  readonly verifier: number | undefined;
  readonly partial: readonly number[];
  readonly summary: number | undefined;
  readonly errors: number;
  readonly warnings: number;
}

/** The reward and its parts as recorded on an episode. */
export interface Reward {
  /** R as the formula used it. */
  readonly R: number;
  readonly partial: number;
  readonly summary: number;
  readonly penalty: number;
  readonly total: number;
  /** The configuration used, or `"custom"` for a reward function. */
  readonly config: RewardConfig | "custom";
}

/** A custom formula: anything that maps the terms to a number. */
export type RewardFunction = (terms: RewardTerms) => number;

/** Rounds away binary noise (0.1 × 3) so recorded rewards compare exactly. */
function tidy(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** Computes the reward of an episode from its terms. */
export function computeReward(terms: RewardTerms, reward?: Partial<RewardConfig> | RewardFunction): Reward {
  const sum = terms.partial.reduce((a, b) => a + b, 0);
  if (typeof reward === "function") {
    const total = reward(terms);
    return { R: terms.verifier ?? 0, partial: sum, summary: terms.summary ?? 0, penalty: 0, total, config: "custom" };
  }
  const c: RewardConfig = { ...DEFAULT_REWARD, ...reward };
  const R = terms.outcome === "ok" ? (terms.verifier ?? 0) : terms.outcome === "rejected" ? c.rejected : c.runError;
  const penalty = tidy(c.errorPenalty * terms.errors + c.warningPenalty * terms.warnings);
  const summary = terms.summary ?? 0;
  return {
    R,
    partial: tidy(sum),
    summary,
    penalty,
    total: tidy(R + c.partialWeight * sum + c.summaryWeight * summary - penalty),
    config: c,
  };
}
