/**
 * Offset → line/column for the parser. Parsing moves forward through the
 * text, so the line of the previous lookup is tried first; a binary search
 * over line starts is the fallback. Per parse, never shared.
 */
import type { Position, Span } from "./span.js";

/** Turns offsets into positions and spans for one file. */
export class PositionFinder {
  private hint = 0;
  private hintStart = 0;
  private hintEnd = -1;

  constructor(
    readonly file: string,
    private readonly starts: readonly number[],
    private readonly length: number,
  ) {}

  /** The position of a 0-based offset (clamped to the text). */
  at(offset: number): Position {
    if (!(offset >= 0)) offset = 0;
    else if (offset > this.length) offset = this.length;
    if (offset < this.hintStart || offset >= this.hintEnd) this.seek(offset);
    return { offset, line: this.hint + 1, column: offset - this.hintStart + 1 };
  }

  /** Moves the hint to the line holding `offset`. */
  private seek(offset: number): void {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    const next = this.hint + 1;
    if (next < s.length && offset >= (s[next] ?? 0) && (next + 1 >= s.length || offset < (s[next + 1] ?? 0))) lo = next;
    else {
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((s[mid] ?? 0) <= offset) lo = mid;
        else hi = mid - 1;
      }
    }
    this.hint = lo;
    this.hintStart = s[lo] ?? 0;
    this.hintEnd = lo + 1 < s.length ? (s[lo + 1] ?? Infinity) : Infinity;
  }

  /** The span `[start, end)`. */
  span(start: number, end: number): Span {
    return { file: this.file, start: this.at(start), end: this.at(end < start ? start : end) };
  }
}
