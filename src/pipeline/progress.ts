/**
 * A one-line progress bar with rate and ETA, for standard error when it is
 * a terminal. Progress is measured in bytes of the input file (its size is
 * known up front, its line count is not), the rate in lines per second.
 */

/** Where the bar is drawn. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Formats one frame of the bar (pure, for tests). */
export function formatProgress(done: number, totalBytes: number, bytes: number, elapsedMs: number, width = 80): string {
  const frac = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 0;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = frac > 0 ? ((elapsedMs / frac) * (1 - frac)) / 1000 : Infinity;
  const stats = ` ${(frac * 100).toFixed(0).padStart(3)}% ${done.toLocaleString("en-US")} lines ${Math.round(rate).toLocaleString("en-US")}/s ETA ${duration(eta)}`;
  const barWidth = Math.max(10, Math.min(40, width - stats.length - 3));
  const filled = Math.round(frac * barWidth);
  return `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}]${stats}`;
}

/** A throttled progress bar; does nothing unless the stream is a terminal. */
export class ProgressBar {
  private readonly start = Date.now();
  private last = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream | undefined,
    private readonly totalBytes: number,
  ) {}

  /** Redraws at most ten times a second. */
  update(done: number, bytes: number, force = false): void {
    if (this.stream?.isTTY !== true) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const frame = formatProgress(done, this.totalBytes, bytes, now - this.start, this.stream.columns ?? 80);
    this.stream.write(`\r${frame}\x1b[K`);
    this.drawn = true;
  }

  /** Ends the bar's line and prints a summary. */
  finish(summary: string): void {
    if (this.stream?.isTTY !== true) return;
    this.stream.write(`${this.drawn ? "\r\x1b[K" : ""}${summary}\n`);
  }
}
