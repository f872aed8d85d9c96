/**
 * `partwise check FILE.pw... --catalog C [--policy P] [--format pretty|json|sarif] [--max-warnings N]`.
 * Exit 0 when no file has an error and the warnings are within
 * `--max-warnings`; 1 otherwise; usage errors are thrown (exit 2).
 */
import { renderJson } from "../diagnostics/render-json.js";
import { renderPretty } from "../diagnostics/render-pretty.js";
import { renderSarif } from "../diagnostics/render-sarif.js";
import { UsageError } from "../errors.js";
import { checkBytes, type CheckedSource } from "./check-file.js";
import { readSourceBytes } from "./io.js";
import { loadContext } from "./load.js";
import type { Output } from "./output.js";

export type CheckFormat = "pretty" | "json" | "sarif";

export interface CheckCommandOptions {
  readonly catalog: string;
  readonly policy: string | undefined;
  readonly format: CheckFormat;
  /** Exit 1 when there are more warnings than this (no limit when undefined). */
  readonly maxWarnings: number | undefined;
}

/** Runs `check`; returns the exit code. */
export async function checkCommand(paths: readonly string[], opts: CheckCommandOptions, out: Output): Promise<number> {
  if (paths.filter((p) => p === "-").length > 1) {
    throw new UsageError("standard input (`-`) can be named only once", undefined, undefined, "pass `-` once");
  }
  // Read every file first: a wrong path fails before the catalog is loaded.
  const inputs = [];
  for (const p of paths) inputs.push(await readSourceBytes(p));
  const ctx = await loadContext(opts.catalog, opts.policy);
  const checked: CheckedSource[] = inputs.map((i) => checkBytes(i.file, i.bytes, ctx));
  out.stdout(render(checked, opts.format, out));

  let errors = 0;
  let warnings = 0;
  for (const c of checked) {
    for (const d of c.report.diagnostics) {
      if (d.severity === "error") errors++;
      else warnings++;
    }
  }
  if (errors > 0) return 1;
  if (opts.maxWarnings !== undefined && warnings > opts.maxWarnings) {
    if (opts.format === "pretty") {
      out.stdout(`${warnings} warnings exceed --max-warnings ${opts.maxWarnings}\n`);
    }
    return 1;
  }
  return 0;
}

function render(checked: readonly CheckedSource[], format: CheckFormat, out: Output): string {
  switch (format) {
    case "json":
      return renderJson(checked);
    case "sarif":
      return renderSarif(checked);
    case "pretty":
      return renderPretty(
        checked.map((c) => ({ file: c.file, source: c.source, diagnostics: c.report.diagnostics })),
        { color: out.color, width: out.width },
      );
  }
}
