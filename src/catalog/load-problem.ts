/**
 * Problems in a catalog or policy file, collected instead of thrown one at a
 * time: a loader checks everything it can in one pass, puts what it found
 * in source order (file, line, column; identical problems once) and throws
 * one error (`CatalogError`, `PolicyError`) that carries them all, at most
 * `MAX_PROBLEMS`, and counts the rest. A problem that makes later checks
 * meaningless (a file that does not parse) is reported alone.
 */
import type { JsonPath } from "./json-lines.js";

/** One thing wrong in a catalog or policy file: where, what, and what to do. */
export interface LoadProblem {
  /** What is wrong, in one sentence (with "did you mean" where a near name exists). */
  readonly message: string;
  /** The file at fault, when there is one. */
  readonly file: string | undefined;
  /** 1-based line, when known. */
  readonly line: number | undefined;
  /** 1-based column (UTF-16 code units, as in diagnostics), when known. */
  readonly column: number | undefined;
  /** The key at fault (`flows[0].to`, `tools[2].inputSchema`), where the file is keyed. */
  readonly key: string | undefined;
  /** What to do about it. */
  readonly help: string | undefined;
}

/** How many problems one error lists; the rest are only counted. */
export const MAX_PROBLEMS = 50;

/** `flows[0].to`, `budgets.book_table`. */
export function formatKey(path: JsonPath): string {
  let out = "";
  for (const step of path) out += typeof step === "number" ? `[${step}]` : out === "" ? step : `.${step}`;
  return out;
}

/**
 * `problems` in source order: by file (in the order of `files`, others
 * after them), then line and column (unknown last); ties keep their order.
 * A problem identical to an earlier one (same place, same message) is dropped.
 */
export function inSourceOrder(problems: readonly LoadProblem[], files: readonly string[] = []): LoadProblem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const id = `${p.file ?? ""}\0${p.line ?? ""}\0${p.column ?? ""}\0${p.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const rank = (p: LoadProblem): number => {
    const i = p.file === undefined ? -1 : files.indexOf(p.file);
    return i < 0 ? files.length : i;
  };
  const last = Number.MAX_SAFE_INTEGER;
  return unique
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        rank(a.p) - rank(b.p) ||
        (a.p.line ?? last) - (b.p.line ?? last) ||
        (a.p.column ?? last) - (b.p.column ?? last) ||
        a.i - b.i,
    )
    .map((x) => x.p);
}

/** The first `MAX_PROBLEMS` of `problems`, and how many were left out. */
export function capProblems(problems: readonly LoadProblem[]): {
  readonly shown: readonly LoadProblem[];
  readonly omitted: number;
} {
  return { shown: problems.slice(0, MAX_PROBLEMS), omitted: Math.max(0, problems.length - MAX_PROBLEMS) };
}

/** `file:line: message` and `  help: …`, as `UsageError.format` prints one error. */
export function formatProblem(p: LoadProblem): string {
  const where = p.file === undefined ? "" : p.line === undefined ? `${p.file}: ` : `${p.file}:${p.line}: `;
  return `${where}${p.message}${p.help === undefined ? "" : `\n  help: ${p.help}`}`;
}

/** Every problem as `formatProblem` prints it, one after another, then `and N more problems` when some were left out. */
export function formatProblems(problems: readonly LoadProblem[], omitted: number): string {
  const lines = problems.map(formatProblem);
  if (omitted > 0) lines.push(`and ${omitted} more ${omitted === 1 ? "problem" : "problems"}`);
  return lines.join("\n");
}
