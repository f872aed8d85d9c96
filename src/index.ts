/** The Partwise library API (see ../shared/spec/contract.md, "Library API"). */
export { VERSION } from "./version.js";
export { UsageError } from "./errors.js";
export type { Diagnostic, Note, Fix } from "./diagnostics/diagnostic.js";
export { RULES, RULE_NAMES, type RuleName, type Severity, type RuleSetting } from "./diagnostics/codes.js";
export type { Span, Position } from "./syntax/span.js";
export type * from "./syntax/ast.js";
export type { Catalog, CatalogFunction, CatalogInput, Type, Param } from "./catalog/types.js";
export type { Policy } from "./policy/types.js";
export {
  loadCatalog,
  parseCatalogSource,
  catalogFromObject,
  catalogTypes,
  catalogFormat,
  clearCatalogCache,
  type ParseCatalogOptions,
  type ReadFile,
  type CatalogDefinition,
  type FunctionDefinition,
  type InputDefinition,
  type ParamDefinition,
  type TypeSpec,
  type FieldSpec,
  CatalogError,
  type LoadProblem,
  MAX_PROBLEMS,
} from "./catalog/load.js";
export {
  loadPolicy,
  parsePolicySource,
  resolvePolicy,
  policyFormat,
  PolicyError,
  PolicySchema,
  policyJsonSchema,
  presetPolicy,
  recommendedPolicy,
  type PolicySource,
  type PolicyFile,
  type PresetName,
} from "./policy/load.js";
export type { Budget, Budgets, FlowRule, FlowTarget, OrderRule, Shape } from "./policy/types.js";
export type { Field, SourceLocation } from "./catalog/types.js";
export type { CheckReport, CallBound } from "./checker/report.js";
export type * from "./runtime/types.js";
export { parse, decodeSource } from "./syntax/parse.js";
export { print, printExpr } from "./syntax/printer.js";
export {
  check,
  checkModule,
  analyze,
  defaultPolicy,
  reportBounds,
  type CheckOptions,
  type Facts,
} from "./checker/check.js";
export {
  explain,
  renderExplanation,
  type Explanation,
  type ExplainedEffect,
  type ExplainedStep,
  type ExplainedInput,
} from "./checker/explain.js";
export { CHECKER_RULES, type Rule } from "./checker/rules/index.js";
// The planner-training pipeline (episodes, batches, serve, policy diffs, p2c).
export {
  evaluateEpisode,
  buildHandlers,
  type Episode,
  type EpisodeOptions,
  type EpisodeStatus,
  type EpisodeLabel,
  type PartRecord,
  type Proxy,
  type Subtask,
  type Solution,
  type Task,
  type Verifier,
  type SummaryJudge,
} from "./pipeline/episode.js";
export {
  withSubtasks,
  policyForCatalog,
  PlanError,
  type Plan,
  type SubtaskDecl,
  type SubtaskParam,
} from "./pipeline/plan.js";
export { parseTypeString, formatType, TypeStringError } from "./pipeline/type-string.js";
export type { PartialSolution, HandlerSolution, TableSolution, SourceSolution } from "./pipeline/solutions.js";
export {
  computeReward,
  DEFAULT_REWARD,
  type Reward,
  type RewardConfig,
  type RewardTerms,
  type RewardFunction,
} from "./pipeline/reward.js";
export { compositionFeatures, sourceFeatures, type CompositionFeatures } from "./pipeline/features.js";
export type { ToolCallRecord } from "./pipeline/tool-calls.js";
export type { ProblemRecord } from "./pipeline/problems.js";
export { runBatch, type BatchOptions, type BatchSummary } from "./pipeline/batch.js";
export { serve, type ServeOptions } from "./pipeline/serve.js";
export { diffPolicies, readCorpus, renderPolicyDiff, type PolicyDiff, type Flip } from "./pipeline/diff-policy.js";
export {
  readP2c,
  p2cReport,
  p2cStats,
  toP2cRecord,
  renderP2cText,
  renderP2cHtml,
  type P2cReport,
  type P2cStats,
  type P2cRecord,
} from "./pipeline/p2c.js";
export type { Engine } from "./pipeline/engine.js";
export { compile, compileInfo } from "./runtime/codegen.js";
export { PRELUDE } from "./runtime/prelude.js";
export { run, type RunOptions, type CheckedComposition } from "./runtime/run.js";
export { resolveJournal, JournalBusyError, type LockHolder } from "./runtime/journal.js";
