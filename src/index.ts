/** The Partwise library API (see ../shared/spec/contract.md, "Library API"). */
export { VERSION } from "./version.js";
export { UsageError } from "./errors.js";
export type { Diagnostic, Note, Fix } from "./diagnostics/diagnostic.js";
export { RULES, RULE_NAMES, type RuleName, type Severity, type RuleSetting } from "./diagnostics/codes.js";
export type { Span, Position } from "./syntax/span.js";
export type * from "./syntax/ast.js";
export type { Catalog, CatalogFunction, CatalogInput, Type, Param } from "./catalog/types.js";
export type { Policy } from "./policy/types.js";
export type { CheckReport, CallBound } from "./checker/report.js";
export type * from "./runtime/types.js";
