/**
 * The monthly-sales pipeline: fetch a dataset, clean it, analyze it, publish
 * the analysis. Each step is a subtask; the composition is a straight line, so
 * a person can read it as four sentences and approve it once. The handlers
 * are deterministic stand-ins for the warehouse, the model and the dashboard
 * (no network, no clock, no randomness).
 */

/** One row of the sales table; `amount` is null where the export lost it. */
export interface Row {
  region: string;
  month: string;
  amount: number | null;
}

/** A named table of rows. */
export interface Dataset {
  name: string;
  rows: Row[];
}

/** What the analysis found. */
export interface Analysis {
  dataset: string;
  total: number;
  by_region: Record<string, number>;
  trend: "up" | "down" | "flat";
  dropped_rows: number;
}

/** The dashboard's receipt. */
export interface Receipt {
  channel: string;
  title: string;
}

const TABLES: Record<string, Row[]> = {
  "sales-2025-q1": [
    { region: "north", month: "2025-01", amount: 120 },
    { region: "south", month: "2025-01", amount: 80 },
    { region: "north", month: "2025-02", amount: 100 },
    { region: "south", month: "2025-02", amount: null },
    { region: "north", month: "2025-03", amount: 90 },
    { region: "south", month: "2025-03", amount: 70 },
  ],
};

/** Fetch a dataset from the warehouse. */
export async function fetch_dataset(name: string): Promise<Dataset> {
  return { name, rows: (TABLES[name] ?? []).map((r) => ({ ...r })) };
}

/** Drop the rows that lost their amount and normalize region names. */
export async function clean_rows(data: Dataset): Promise<Dataset> {
  return {
    name: data.name,
    rows: data.rows.filter((r) => r.amount !== null).map((r) => ({ ...r, region: r.region.trim().toLowerCase() })),
  };
}

/** Total the sales, per region and overall, and say which way they trend month over month.
 *  @cost 3 */
export async function analyze(data: Dataset): Promise<Analysis> {
  const byRegion: Record<string, number> = {};
  const byMonth = new Map<string, number>();
  let total = 0;
  let dropped = 0;
  for (const r of data.rows) {
    if (r.amount === null) {
      dropped++;
      continue;
    }
    total += r.amount;
    byRegion[r.region] = (byRegion[r.region] ?? 0) + r.amount;
    byMonth.set(r.month, (byMonth.get(r.month) ?? 0) + r.amount);
  }
  const months = [...byMonth.keys()].sort();
  const first = byMonth.get(months[0] ?? "") ?? 0;
  const last = byMonth.get(months[months.length - 1] ?? "") ?? 0;
  const trend = last > first ? "up" : last < first ? "down" : "flat";
  return { dataset: data.name, total, by_region: byRegion, trend, dropped_rows: dropped };
}

/** Publish an analysis to a dashboard channel.
 *  @effect publish */
export async function publish(analysis: Analysis, channel: string): Promise<Receipt> {
  return { channel, title: `${analysis.dataset}: total ${analysis.total}, trend ${analysis.trend}` };
}

/** The dataset to report on. */
export declare const source: string;

/** Where the report goes. */
export declare const channel: string;
