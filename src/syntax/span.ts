/**
 * Source positions. Lines and columns are 1-based (as in the public JSON
 * contract); offsets are 0-based UTF-16 indices into the source string.
 * `end` is exclusive: the position just after the last character.
 */

/** A point in a source file. */
export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** A half-open range `[start, end)` in one file. */
export interface Span {
  readonly file: string;
  readonly start: Position;
  readonly end: Position;
}

/** The smallest span that covers both `a` and `b` (same file). */
export function joinSpans(a: Span, b: Span): Span {
  return {
    file: a.file,
    start: a.start.offset <= b.start.offset ? a.start : b.start,
    end: a.end.offset >= b.end.offset ? a.end : b.end,
  };
}

/**
 * Maps offsets to line/column positions for one source text. Built once per
 * file; `positionAt` is a binary search over line starts.
 */
export class LineMap {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  /** Offsets at which each line starts (index 0 is line 1), ascending. */
  lineStartOffsets(): readonly number[] {
    return this.lineStarts;
  }

  /** Number of lines in the text. */
  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The position of a 0-based offset. */
  positionAt(offset: number): Position {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return "";
    const next = this.lineStarts[line];
    const raw = this.text.slice(start, next ?? this.text.length);
    return raw.replace(/\r?\n$|\r$/, "");
  }

  /** A span from two offsets. */
  span(file: string, start: number, end: number): Span {
    return { file, start: this.positionAt(start), end: this.positionAt(end) };
  }
}
