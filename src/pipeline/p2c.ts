/**
 * `partwise p2c`: measuring part-to-complete generalization (the paper's
 * Section 4). Reads episodes that carry partial judgements and a
 * whole-solution label and reports
 *
 * - P(whole aligned | all parts aligned);
 * - the gap: compositions whose parts are all aligned but whose whole is
 *   not, and how many of those the checker rejected (its recall);
 * - false alarms: aligned wholes the checker rejected;
 *
 * overall and broken down by loop depth, shape, effectful call sites and
 * glue operations. Accepted records, one JSON object per line:
 *
 * - batch result lines `{id, ok, label, features}` (`partwise batch` echoes
 *   `label` and adds `features` for labelled lines);
 * - `Episode` records from `evaluateEpisode` (`status`, `parts` with
 *   partial rewards, `label`, `features`);
 * - raw episode lines `{id, program, label}`, checked on the way (needs a
 *   catalog and policy).
 *
 * A label is `{"whole": "aligned" | "unaligned" | boolean, "parts": {name:
 * boolean | "aligned" | "unaligned" | number}}`; a number (a partial reward)
 * counts as aligned when it is at least `threshold` (default 0.5). Without
 * `label.parts`, an Episode's partial rewards are used.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { UsageError } from "../errors.js";
import { processEpisode, type LineContext } from "./batch-line.js";
import type { CompositionFeatures } from "./features.js";

/** One measured composition. */
export interface P2cRecord {
  readonly id: string;
  readonly wholeAligned: boolean;
  /** All parts aligned; undefined without partial judgements. */
  readonly partsAligned: boolean | undefined;
  readonly rejected: boolean;
  readonly features: CompositionFeatures | undefined;
}

/** The numbers for one group of compositions. */
export interface P2cStats {
  /** Compositions with a whole-solution label. */
  readonly episodes: number;
  /** Of those, with partial judgements. */
  readonly judged: number;
  readonly allPartsAligned: number;
  /** All parts aligned and the whole aligned. */
  readonly wholeAlignedGivenParts: number;
  /** P(whole aligned | all parts aligned); null when no composition has all parts aligned. */
  readonly pWholeGivenParts: number | null;
  /** All parts aligned but the whole not: the part-to-complete gap. */
  readonly gap: number;
  /** Of the gap, rejected by the checker. */
  readonly caught: number;
  /** caught / gap; null when the gap is empty. */
  readonly recall: number | null;
  readonly alignedWholes: number;
  /** Aligned wholes the checker rejected. */
  readonly falseAlarms: number;
  /** falseAlarms / alignedWholes; null without aligned wholes. */
  readonly falseAlarmRate: number | null;
}

/** The axes of the breakdown. */
export const P2C_AXES = ["loopDepth", "shape", "effectCalls", "glueOps"] as const;
export type P2cAxis = (typeof P2C_AXES)[number];

/** The full report. */
export interface P2cReport {
  readonly overall: P2cStats;
  readonly by: Readonly<Record<P2cAxis, readonly { readonly key: string; readonly stats: P2cStats }[]>>;
  /** Records without a whole-solution label (not counted). */
  readonly unlabeled: number;
  /** Labelled records without structural features (counted overall only). */
  readonly withoutFeatures: number;
  readonly threshold: number;
}

type PartValue = boolean | number | string;

function aligned(v: unknown, threshold: number): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v >= threshold;
  if (v === "aligned") return true;
  if (v === "unaligned") return false;
  return undefined;
}

/** Normalises one input record; undefined when it has no whole-solution label. */
export function toP2cRecord(rec: Record<string, unknown>, threshold = 0.5): P2cRecord | undefined {
  const label = rec.label as { whole?: unknown; parts?: Record<string, PartValue> } | undefined;
  const whole = aligned(label?.whole, threshold);
  if (whole === undefined) return undefined;
  let partsAligned: boolean | undefined;
  const partsLabel = label?.parts;
  if (typeof partsLabel === "object" && partsLabel !== null && Object.keys(partsLabel).length > 0) {
    partsAligned = Object.values(partsLabel).every((v) => aligned(v, threshold) === true);
  } else if (Array.isArray(rec.parts)) {
    const rewards = (rec.parts as { reward?: unknown }[]).flatMap((p) =>
      typeof p.reward === "number" ? [p.reward] : [],
    );
    if (rewards.length > 0) partsAligned = rewards.every((r) => r >= threshold);
  }
  let rejected: boolean;
  if (typeof rec.ok === "boolean") rejected = !rec.ok;
  else if (typeof rec.status === "string") rejected = rec.status === "rejected" || rec.status === "invalid-plan";
  else if (typeof (rec.report as { ok?: unknown } | undefined)?.ok === "boolean") {
    rejected = (rec.report as { ok: boolean }).ok === false;
  } else return undefined;
  return {
    id: typeof rec.id === "string" ? rec.id : "",
    wholeAligned: whole,
    partsAligned,
    rejected,
    features: (rec.features as CompositionFeatures | undefined) ?? undefined,
  };
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** The statistics of a group. */
export function p2cStats(records: readonly P2cRecord[]): P2cStats {
  let judged = 0;
  let allParts = 0;
  let both = 0;
  let gap = 0;
  let caught = 0;
  let alignedWholes = 0;
  let falseAlarms = 0;
  for (const r of records) {
    if (r.partsAligned !== undefined) judged++;
    if (r.partsAligned === true) {
      allParts++;
      if (r.wholeAligned) both++;
      else {
        gap++;
        if (r.rejected) caught++;
      }
    }
    if (r.wholeAligned) {
      alignedWholes++;
      if (r.rejected) falseAlarms++;
    }
  }
  return {
    episodes: records.length,
    judged,
    allPartsAligned: allParts,
    wholeAlignedGivenParts: both,
    pWholeGivenParts: ratio(both, allParts),
    gap,
    caught,
    recall: ratio(caught, gap),
    alignedWholes,
    falseAlarms,
    falseAlarmRate: ratio(falseAlarms, alignedWholes),
  };
}

/** The bucket of a record on an axis. */
export function bucket(axis: P2cAxis, f: CompositionFeatures): string {
  switch (axis) {
    case "loopDepth":
      return f.loopDepth >= 3 ? "3+" : String(f.loopDepth);
    case "shape":
      return f.shape;
    case "effectCalls":
      return f.effectCalls >= 3 ? "3+" : String(f.effectCalls);
    case "glueOps":
      return f.glueOps < 5 ? "0-4" : f.glueOps < 10 ? "5-9" : f.glueOps < 20 ? "10-19" : "20+";
  }
}

const BUCKET_ORDER: Readonly<Record<P2cAxis, readonly string[]>> = {
  loopDepth: ["0", "1", "2", "3+"],
  shape: ["sequence", "tree", "dag"],
  effectCalls: ["0", "1", "2", "3+"],
  glueOps: ["0-4", "5-9", "10-19", "20+"],
};

/** Builds the report from normalised records. */
export function p2cReport(records: readonly P2cRecord[], unlabeled = 0, threshold = 0.5): P2cReport {
  const by = {} as Record<P2cAxis, { key: string; stats: P2cStats }[]>;
  for (const axis of P2C_AXES) {
    const groups = new Map<string, P2cRecord[]>();
    for (const r of records) {
      if (r.features === undefined) continue;
      const k = bucket(axis, r.features);
      let g = groups.get(k);
      if (g === undefined) groups.set(k, (g = []));
      g.push(r);
    }
    by[axis] = BUCKET_ORDER[axis]
      .filter((k) => groups.has(k))
      .map((key) => ({ key, stats: p2cStats(groups.get(key) ?? []) }));
  }
  return {
    overall: p2cStats(records),
    by,
    unlabeled,
    withoutFeatures: records.filter((r) => r.features === undefined).length,
    threshold,
  };
}

/** Options of {@link readP2c}. */
export interface ReadP2cOptions {
  readonly threshold?: number;
  /** To check raw episode lines (`{id, program, label}`). */
  readonly context?: LineContext;
}

/** Streams a results file into a report. */
export async function readP2c(path: string, opts: ReadP2cOptions = {}): Promise<P2cReport> {
  const threshold = opts.threshold ?? 0.5;
  const records: P2cRecord[] = [];
  let unlabeled = 0;
  let line = 0;
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const text of rl) {
    line++;
    if (text.trim() === "") continue;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new UsageError("the line is not valid JSON", path, line);
    }
    if (typeof rec !== "object" || rec === null) throw new UsageError("the line is not a JSON object", path, line);
    if (typeof rec.program === "string" && rec.ok === undefined && rec.status === undefined) {
      if (opts.context === undefined) {
        throw new UsageError(
          "this line is an episode, not a result: pass --catalog (and --policy) to check it",
          path,
          line,
        );
      }
      const r = await processEpisode(
        {
          id: typeof rec.id === "string" ? rec.id : `line ${line}`,
          program: rec.program,
          ...(Array.isArray(rec.subtasks) ? { subtasks: rec.subtasks as never } : {}),
          ...(rec.label !== undefined ? { label: rec.label as never } : {}),
        },
        line,
        { ...opts.context, features: true },
      );
      if (r.error !== undefined) {
        // Every problem of the line (its subtask declarations may have several), not only the first.
        const e = r.error as { message: string; problems?: readonly { message: string }[]; omitted?: number };
        const all = e.problems?.map((p) => p.message) ?? [e.message];
        const more = e.omitted !== undefined && e.omitted > 0 ? `; and ${e.omitted} more` : "";
        throw new UsageError(`the episode cannot be checked: ${all.join("; ")}${more}`, path, line);
      }
      rec = r;
    }
    const p = toP2cRecord(rec, threshold);
    if (p === undefined) unlabeled++;
    else records.push(p);
  }
  return p2cReport(records, unlabeled, threshold);
}

function pct(x: number | null): string {
  return x === null ? "n/a" : `${(x * 100).toFixed(1)}%`;
}

const AXIS_TITLE: Readonly<Record<P2cAxis, string>> = {
  loopDepth: "loop depth",
  shape: "shape",
  effectCalls: "effectful call sites",
  glueOps: "glue operations",
};

/** The report for people. */
export function renderP2cText(r: P2cReport): string {
  const o = r.overall;
  const out: string[] = [];
  out.push(
    `Part-to-complete generalization over ${o.episodes} labelled compositions (${o.judged} with partial judgements)`,
  );
  out.push("");
  out.push(
    `  P(whole aligned | all parts aligned) = ${pct(o.pWholeGivenParts)}  (${o.wholeAlignedGivenParts}/${o.allPartsAligned})`,
  );
  out.push(`  all parts aligned, whole not:          ${o.gap}`);
  out.push(`    rejected by the checker (recall):    ${o.caught}/${o.gap} = ${pct(o.recall)}`);
  out.push(`  aligned wholes rejected (false alarms): ${o.falseAlarms}/${o.alignedWholes} = ${pct(o.falseAlarmRate)}`);
  if (r.unlabeled > 0) out.push(`  (${r.unlabeled} records without a whole-solution label were skipped)`);
  if (r.withoutFeatures > 0)
    out.push(`  (${r.withoutFeatures} records without structural features are counted overall only)`);
  for (const axis of P2C_AXES) {
    const rows = r.by[axis];
    if (rows.length === 0) continue;
    out.push("");
    out.push(`By ${AXIS_TITLE[axis]}:`);
    out.push(
      `  ${"".padEnd(9)} ${"n".padStart(4)} ${"P(w|parts)".padStart(11)} ${"gap".padStart(4)} ${"recall".padStart(8)} ${"false alarms".padStart(13)}`,
    );
    for (const { key, stats: s } of rows) {
      out.push(
        `  ${key.padEnd(9)} ${String(s.episodes).padStart(4)} ${pct(s.pWholeGivenParts).padStart(11)} ${String(s.gap).padStart(4)} ${pct(s.recall).padStart(8)} ${`${s.falseAlarms}/${s.alignedWholes}`.padStart(13)}`,
      );
    }
  }
  return out.join("\n") + "\n";
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}

/** An inline SVG grouped bar chart of P(whole | parts) and recall per bucket of one axis. */
export function renderAxisSvg(axis: P2cAxis, rows: readonly { key: string; stats: P2cStats }[]): string {
  const W = 420;
  const H = 220;
  const left = 40;
  const bottom = 30;
  const top = 26;
  const plotH = H - bottom - top;
  const group = rows.length === 0 ? 0 : (W - left - 10) / rows.length;
  const bar = Math.min(28, group / 3);
  const y = (v: number): number => top + plotH * (1 - v);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(AXIS_TITLE[axis])}">`,
  );
  parts.push(
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">By ${esc(AXIS_TITLE[axis])}</text>`,
  );
  for (const t of [0, 0.5, 1]) {
    parts.push(`<line x1="${left}" x2="${W - 10}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 4}" y="${y(t) + 4}" text-anchor="end" font-size="10">${t * 100}%</text>`);
  }
  rows.forEach(({ key, stats }, i) => {
    const x0 = left + i * group + group / 2 - bar;
    const bars: [number | null, string, string][] = [
      [stats.pWholeGivenParts, "#4c78a8", "P(whole aligned | parts aligned)"],
      [stats.recall, "#e45756", "recall on the gap"],
    ];
    bars.forEach(([v, color, what], j) => {
      const x = x0 + j * bar;
      if (v === null) {
        parts.push(
          `<text x="${x + bar / 2}" y="${y(0) - 4}" text-anchor="middle" font-size="9" fill="#888">n/a</text>`,
        );
      } else {
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${(plotH * v).toFixed(1)}" fill="${color}"><title>${esc(`${key}: ${what} ${pct(v)}`)}</title></rect>`,
        );
      }
    });
    parts.push(
      `<text x="${left + i * group + group / 2}" y="${H - bottom + 14}" text-anchor="middle" font-size="11">${esc(key)} (n=${stats.episodes})</text>`,
    );
  });
  parts.push(`</svg>`);
  return parts.join("");
}

/** A self-contained HTML page: the overall numbers, a chart per axis, and the tables. */
export function renderP2cHtml(r: P2cReport): string {
  const o = r.overall;
  const charts = P2C_AXES.filter((a) => r.by[a].length > 0)
    .map((a) => `<figure>${renderAxisSvg(a, r.by[a])}</figure>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Part-to-complete generalization</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}figure{display:inline-block;margin:0 1em 1em 0}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head><body>
<h1>Part-to-complete generalization</h1>
<p>${o.episodes} labelled compositions, ${o.judged} with partial judgements.</p>
<ul>
<li>P(whole aligned | all parts aligned) = <b>${pct(o.pWholeGivenParts)}</b> (${o.wholeAlignedGivenParts}/${o.allPartsAligned})</li>
<li>All parts aligned but the whole not: <b>${o.gap}</b>; rejected by the checker: ${o.caught} (recall <b>${pct(o.recall)}</b>)</li>
<li>Aligned wholes rejected (false alarms): ${o.falseAlarms}/${o.alignedWholes} (${pct(o.falseAlarmRate)})</li>
</ul>
<p class="legend"><span style="background:#4c78a8"></span>P(whole aligned | all parts aligned)<span style="background:#e45756"></span>recall on the gap</p>
${charts}
<h2>Tables</h2>
<pre>${esc(renderP2cText(r))}</pre>
</body></html>
`;
}
