/**
 * `partwise diff-policy OLD NEW CORPUS`: what changing a policy changes
 * (the paper's dynamic values, Figure 2a). Re-checks every composition of a
 * corpus under both policies and lists each verdict that flips, with the
 * rules responsible: for a composition newly rejected, the rules with more
 * errors under NEW than under OLD; for one newly accepted, the rules with
 * fewer. A corpus is a directory of `.pw` files (searched recursively, in
 * sorted order) or a JSON Lines file of `{id, program}`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { createReadStream } from "node:fs";
import type { Catalog } from "../catalog/types.js";
import type { CheckReport } from "../checker/report.js";
import type { RuleName } from "../diagnostics/codes.js";
import { UsageError } from "../errors.js";
import type { Policy } from "../policy/types.js";
import type { Engine } from "./engine.js";

/** One composition of a corpus. */
export interface CorpusEntry {
  readonly id: string;
  readonly program: string;
}

/** A verdict that differs between the two policies. */
export interface Flip {
  readonly id: string;
  readonly before: "ok" | "rejected";
  readonly after: "ok" | "rejected";
  /** The rules responsible, with their error counts under OLD and NEW. */
  readonly rules: readonly { readonly rule: RuleName; readonly before: number; readonly after: number }[];
  /** Messages of the errors that appeared (newly rejected) or disappeared (newly accepted). */
  readonly messages: readonly string[];
}

/** The result of a policy diff. */
export interface PolicyDiff {
  readonly old: { readonly source: string; readonly hash: string };
  readonly new: { readonly source: string; readonly hash: string };
  readonly total: number;
  readonly flips: readonly Flip[];
  readonly nowRejected: number;
  readonly nowAccepted: number;
  /** Flips per responsible rule. */
  readonly byRule: Readonly<Record<string, number>>;
}

/** Reads a corpus: a directory of `.pw` files or a JSON Lines file of `{id, program}`. */
export async function readCorpus(path: string): Promise<CorpusEntry[]> {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError("corpus not found", path, undefined, "name a directory of .pw files or a .jsonl file");
  }
  if (st.isDirectory()) {
    const out: CorpusEntry[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(".pw")) out.push({ id: relative(path, p), program: readFileSync(p, "utf8") });
      }
    };
    walk(path);
    return out;
  }
  const out: CorpusEntry[] = [];
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new UsageError("the corpus line is not valid JSON", path, line);
    }
    const o = v as { id?: unknown; program?: unknown } | null;
    if (typeof o?.program !== "string") throw new UsageError("the corpus line has no `program` string", path, line);
    out.push({ id: typeof o.id === "string" ? o.id : `line ${line}`, program: o.program });
  }
  return out;
}

function errorCounts(r: CheckReport): Map<RuleName, number> {
  const m = new Map<RuleName, number>();
  for (const d of r.diagnostics) if (d.severity === "error") m.set(d.rule, (m.get(d.rule) ?? 0) + 1);
  return m;
}

/** Compares the verdicts of two policies over a corpus. */
export function diffPolicies(
  corpus: readonly CorpusEntry[],
  catalog: Catalog,
  oldPolicy: Policy,
  newPolicy: Policy,
  engine: Pick<Engine, "check">,
): PolicyDiff {
  const flips: Flip[] = [];
  const byRule: Record<string, number> = {};
  for (const e of corpus) {
    const a = engine.check(e.program, { catalog, policy: oldPolicy, file: e.id });
    const b = engine.check(e.program, { catalog, policy: newPolicy, file: e.id });
    if (a.ok === b.ok) continue;
    const ca = errorCounts(a);
    const cb = errorCounts(b);
    const nowRejected = !b.ok;
    const rules = [...new Set([...ca.keys(), ...cb.keys()])]
      .map((rule) => ({ rule, before: ca.get(rule) ?? 0, after: cb.get(rule) ?? 0 }))
      .filter((x) => (nowRejected ? x.after > x.before : x.before > x.after))
      .sort((x, y) => (x.rule < y.rule ? -1 : 1));
    for (const r of rules) byRule[r.rule] = (byRule[r.rule] ?? 0) + 1;
    const gained = nowRejected ? b : a;
    const other = nowRejected ? a : b;
    const seen = new Set(other.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.rule}:${d.message}`));
    const messages = gained.diagnostics
      .filter((d) => d.severity === "error" && !seen.has(`${d.rule}:${d.message}`))
      .map((d) => `line ${d.span.start.line}: ${d.rule}: ${d.message}`);
    flips.push({ id: e.id, before: a.ok ? "ok" : "rejected", after: b.ok ? "ok" : "rejected", rules, messages });
  }
  return {
    old: { source: oldPolicy.source, hash: oldPolicy.hash },
    new: { source: newPolicy.source, hash: newPolicy.hash },
    total: corpus.length,
    flips,
    nowRejected: flips.filter((f) => f.after === "rejected").length,
    nowAccepted: flips.filter((f) => f.after === "ok").length,
    byRule,
  };
}

/** The diff for people. */
export function renderPolicyDiff(d: PolicyDiff): string {
  const lines: string[] = [];
  lines.push(`${d.total} compositions checked under ${d.old.source} and ${d.new.source}.`);
  if (d.flips.length === 0) {
    lines.push("No verdict changes.");
    return lines.join("\n") + "\n";
  }
  lines.push(`${d.flips.length} verdicts change: ${d.nowRejected} now rejected, ${d.nowAccepted} now accepted.`);
  lines.push("");
  for (const f of d.flips) {
    const why = f.rules.map((r) => `${r.rule} (${r.before} → ${r.after})`).join(", ");
    lines.push(`${f.id}: ${f.before} → ${f.after}   ${why}`);
    for (const m of f.messages) lines.push(`    ${m}`);
  }
  lines.push("");
  lines.push("Flips by rule:");
  for (const [rule, n] of Object.entries(d.byRule).sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`  ${rule}: ${n}`);
  return lines.join("\n") + "\n";
}
