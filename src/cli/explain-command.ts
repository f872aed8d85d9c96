/**
 * `partwise explain FILE.pw --catalog C [--policy P] [--format text|json|mermaid|dot]`:
 * the plain-language summary of a composition (inputs, steps, effects with
 * their bounds, order and argument sources; the data-flow graph).
 */
import { decodeComposition } from "./check-file.js";
import { readSourceBytes } from "./io.js";
import { loadContext } from "./load.js";
import type { Output } from "./output.js";

export type ExplainFormat = "text" | "json" | "mermaid" | "dot";

export interface ExplainCommandOptions {
  readonly catalog: string;
  readonly policy: string | undefined;
  readonly format: ExplainFormat;
}

/** Runs `explain`; returns the exit code (0: an explanation is always written). */
export async function explainCommand(path: string, opts: ExplainCommandOptions, out: Output): Promise<number> {
  const src = await readSourceBytes(path);
  const decoded = decodeComposition(src.file, src.bytes);
  const ctx = await loadContext(opts.catalog, opts.policy);
  const { explain, renderExplanation } = await import("../checker/explain.js");
  const e = explain(decoded.text, { catalog: ctx.catalog, policy: ctx.policy, file: src.file });
  const text = renderExplanation(e, opts.format);
  out.stdout(text.endsWith("\n") ? text : text + "\n");
  return 0;
}
