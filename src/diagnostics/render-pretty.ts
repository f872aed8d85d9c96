/**
 * Pretty diagnostics for people: a code frame per diagnostic in the style of
 * rustc and Biome.
 *
 * ```
 * error[loop-depth] PW5001: loop nested 2 deep; the policy allows 1
 *  --> unaligned.pw:4:5
 *   |
 * 4 |     for r in prefs:
 *   |     ^^^^^^^^^^^^^^^
 *   |
 * note: outer loop here
 *  --> unaligned.pw:2:1
 *   |
 * 2 | for u in users:
 *   | ---------------
 *   = help: move the inner loop into a subtask, or restructure into one loop
 * ```
 *
 * It only reads `Diagnostic` values; it never re-detects anything. Source
 * lines are shown as the terminal would show them: tabs expanded, control
 * and bidirectional-override characters made visible (so a hostile file
 * cannot drive the terminal), wide characters counted twice, and a line
 * longer than the width cut around the span with `…`. Output is a pure
 * function of its input (colour only when asked for).
 */
import pc from "picocolors";
import type { Colors } from "picocolors/types.js";
import { LineMap, type Span } from "../syntax/span.js";
import type { Diagnostic, Note } from "./diagnostic.js";

/** How to render. */
export interface PrettyOptions {
  /** ANSI colour (the CLI turns it on only for a TTY without `NO_COLOR`). Default false. */
  readonly color?: boolean;
  /** Total width a code line may take, gutter included. Default 120. */
  readonly width?: number;
  /**
   * Texts of other files that notes may point at (by `span.file`), so they
   * get a code frame too; a note into a file not given here is printed as
   * `note: file:line:col: message`.
   */
  readonly sources?: ReadonlyMap<string, string>;
}

/** One checked file: its name, its text and what the checker said about it. */
export interface PrettyFile {
  readonly file: string;
  readonly source: string;
  readonly diagnostics: readonly Diagnostic[];
}

const TAB_WIDTH = 4;
const DEFAULT_WIDTH = 120;
/** A multi-line span shows at most this many lines between its first and last. */
const MAX_MIDDLE_LINES = 2;

/**
 * Renders every diagnostic of every file, a blank line between them, then
 * the summary line; with several files, a file without diagnostics gets a
 * `FILE: no problems` line. Ends with a newline.
 */
export function renderPretty(files: readonly PrettyFile[], opts: PrettyOptions = {}): string {
  const sources = new Map(opts.sources ?? []);
  for (const f of files) sources.set(f.file, f.source);
  const cache = new SourceCache(sources);
  const blocks: string[] = [];
  let errors = 0;
  let warnings = 0;
  let withProblems = 0;
  const c = colorsFor(opts);
  for (const f of files) {
    // With several files, say which ones passed, so silence is not mistaken for "not checked".
    if (files.length > 1 && f.diagnostics.length === 0) blocks.push(`${f.file}: ${c.green("no problems")}\n`);
    for (const d of f.diagnostics) {
      blocks.push(renderOne(d, cache, opts));
      if (d.severity === "error") errors++;
      else warnings++;
    }
    if (f.diagnostics.length > 0) withProblems++;
  }
  blocks.push(c.bold(summaryLine(errors, warnings, withProblems)) + "\n");
  return blocks.join("\n");
}

/** One diagnostic as a code frame (ends with a newline). `source` is the text of `d.span.file`. */
export function renderDiagnostic(d: Diagnostic, source: string, opts: PrettyOptions = {}): string {
  const sources = new Map(opts.sources ?? []);
  sources.set(d.span.file, source);
  return renderOne(d, new SourceCache(sources), opts);
}

/**
 * `2 errors, 1 warning in 1 file`, or `no problems`. `files` counts the
 * files that have at least one diagnostic.
 */
export function summaryLine(errors: number, warnings: number, files: number): string {
  if (errors === 0 && warnings === 0) return "no problems";
  const parts: string[] = [];
  if (errors > 0) parts.push(plural(errors, "error"));
  if (warnings > 0) parts.push(plural(warnings, "warning"));
  return `${parts.join(", ")} in ${plural(files, "file")}`;
}

/**
 * A small code frame under `span` (used by the CLI for runtime errors too).
 * `mark` is the underline character. Lines end with a newline.
 */
export function renderFrame(span: Span, source: string, opts: PrettyOptions & { readonly mark?: string } = {}): string {
  const c = colorsFor(opts);
  const src = new SourceCache(new Map([[span.file, source]])).get(span.file);
  if (src === undefined) return "";
  const gutter = String(clampLine(span.end.line, src)).length;
  return frameLines(span, src, gutter, opts.mark ?? "^", c.bold, c, opts.width ?? DEFAULT_WIDTH).join("\n") + "\n";
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function colorsFor(opts: PrettyOptions): Colors {
  return pc.createColors(opts.color === true);
}

// ---------------------------------------------------------------- one diagnostic

function renderOne(d: Diagnostic, cache: SourceCache, opts: PrettyOptions): string {
  const c = colorsFor(opts);
  const width = opts.width ?? DEFAULT_WIDTH;
  const sevColor = d.severity === "error" ? c.red : c.yellow;
  const main = cache.get(d.span.file);

  // One gutter width for every frame of this diagnostic, so the bars line up.
  let maxLine = main === undefined ? 1 : clampLine(d.span.end.line, main);
  for (const n of d.notes) {
    const src = n.span === undefined ? undefined : cache.get(n.span.file);
    if (n.span !== undefined && src !== undefined) maxLine = Math.max(maxLine, clampLine(n.span.end.line, src));
  }
  const gutter = String(maxLine).length;
  const pad = " ".repeat(gutter);
  const bar = c.blue("|");

  const out: string[] = [];
  out.push(`${c.bold(sevColor(`${d.severity}[${d.rule}]`))} ${c.dim(d.code)}${c.bold(":")} ${c.bold(d.message)}`);
  out.push(`${pad}${c.blue("-->")} ${location(d.span)}`);
  if (main !== undefined) out.push(...frameLines(d.span, main, gutter, "^", (s) => c.bold(sevColor(s)), c, width));

  const located: Note[] = [];
  const plain: Note[] = [];
  for (const n of d.notes) (n.span === undefined ? plain : located).push(n);
  for (const n of located) {
    const span = n.span as Span;
    const src = cache.get(span.file);
    if (src === undefined) {
      out.push(`${c.bold(c.cyan("note"))}: ${location(span)}: ${n.message}`);
      continue;
    }
    out.push(`${pad} ${bar}`);
    out.push(`${c.bold(c.cyan("note"))}: ${n.message}`);
    out.push(`${pad}${c.blue("-->")} ${location(span)}`);
    out.push(...frameLines(span, src, gutter, "-", c.cyan, c, width));
  }
  for (const n of plain) out.push(`${pad} ${c.blue("=")} ${c.bold("note")}: ${n.message}`);
  if (d.help !== undefined) out.push(`${pad} ${c.blue("=")} ${c.bold(c.cyan("help"))}: ${d.help}`);
  return out.map((l) => l.trimEnd()).join("\n") + "\n";
}

function location(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

function clampLine(line: number, src: LineMap): number {
  return Math.max(1, Math.min(line, src.lineCount));
}

// ---------------------------------------------------------------- frames

class SourceCache {
  private readonly maps = new Map<string, LineMap>();
  constructor(private readonly texts: ReadonlyMap<string, string>) {}

  get(file: string): LineMap | undefined {
    let m = this.maps.get(file);
    if (m === undefined) {
      const text = this.texts.get(file);
      if (text === undefined) return undefined;
      m = new LineMap(text);
      this.maps.set(file, m);
    }
    return m;
  }
}

/** A line as shown: per UTF-16 unit, what to print and its display width. */
interface ShownLine {
  readonly pieces: readonly string[];
  /** `cols[i]`: display column (0-based) where unit `i` starts; `cols[length]` is the total width. */
  readonly cols: readonly number[];
}

/**
 * The frame rows for `span`: an empty bar row, then code rows each followed
 * by its underline row. A span that ends at column 1 of a later line ends,
 * for display, at the end of the line before.
 */
function frameLines(
  span: Span,
  src: LineMap,
  gutter: number,
  mark: string,
  paint: (s: string) => string,
  c: Colors,
  width: number,
): string[] {
  const c0 = c.blue("|");
  const pad = " ".repeat(gutter);
  const startLine = clampLine(span.start.line, src);
  let endLine = clampLine(span.end.line, src);
  let endCol = span.end.column;
  if (endLine > startLine && endCol <= 1) {
    endLine--;
    endCol = src.lineText(endLine).length + 1;
  }
  if (span.end.line > src.lineCount) endCol = src.lineText(endLine).length + 1;
  // One column is kept free for a caret just past the end of the line.
  const room = Math.max(8, width - gutter - 4);
  const rows: string[] = [`${pad} ${c0}`];
  const code = (n: number, text: string): void => {
    rows.push(`${c.blue(String(n).padStart(gutter))} ${c0} ${text}`);
  };
  const under = (indent: number, len: number): void => {
    rows.push(`${pad} ${c0} ${" ".repeat(indent)}${paint(mark.repeat(Math.max(1, len)))}`);
  };

  if (startLine === endLine) {
    const line = src.lineText(startLine);
    const from = Math.min(Math.max(0, span.start.column - 1), line.length);
    const to = Math.max(from, Math.min(endCol - 1, line.length));
    const shown = showLine(line);
    const w = window(shown, from, to, room);
    code(startLine, w.text);
    under(w.colOf(from), w.colOf(to) - w.colOf(from));
    return rows;
  }

  // Multi-line: underline from the start to the end of the first line, the
  // last line from its first non-blank character to the end.
  const first = src.lineText(startLine);
  const from = Math.min(Math.max(0, span.start.column - 1), first.length);
  const shownFirst = showLine(first);
  const wFirst = window(shownFirst, from, first.trimEnd().length, room);
  code(startLine, wFirst.text);
  under(wFirst.colOf(from), wFirst.colOf(Math.max(from, first.trimEnd().length)) - wFirst.colOf(from));
  const middle = endLine - startLine - 1;
  if (middle > MAX_MIDDLE_LINES) {
    rows.push(`${c.blue("...")}`);
  } else {
    for (let n = startLine + 1; n < endLine; n++) {
      const t = showLine(src.lineText(n));
      code(n, window(t, 0, 0, room).text);
    }
  }
  const last = src.lineText(endLine);
  const to = Math.max(0, Math.min(endCol - 1, last.length));
  const lead = Math.min(last.length - last.trimStart().length, to);
  const shownLast = showLine(last);
  const wLast = window(shownLast, lead, to, room);
  code(endLine, wLast.text);
  under(wLast.colOf(lead), wLast.colOf(to) - wLast.colOf(lead));
  return rows;
}

/**
 * The part of a shown line that fits in `room` columns and contains the
 * units `[from, to)` (or as much of it as fits, from its start), with `…`
 * where it was cut; `colOf(i)` is the display column of unit `i` in the
 * result.
 */
function window(
  shown: ShownLine,
  from: number,
  to: number,
  room: number,
): { readonly text: string; colOf(i: number): number } {
  const { pieces, cols } = shown;
  const total = cols[pieces.length] ?? 0;
  if (total <= room) {
    return { text: pieces.join(""), colOf: (i) => cols[Math.min(i, pieces.length)] ?? total };
  }
  const budget = room - 2; // one `…` on each side
  const spanStart = cols[from] ?? 0;
  const spanEnd = cols[to] ?? total;
  let left: number;
  if (spanEnd - spanStart <= budget) left = spanStart - Math.floor((budget - (spanEnd - spanStart)) / 2);
  else left = spanStart - Math.min(8, Math.floor(budget / 4));
  left = Math.max(0, Math.min(left, total - budget));
  const right = left + budget;
  // Units wholly inside [left, right).
  let a = 0;
  while (a < pieces.length && (cols[a] ?? 0) < left) a++;
  let b = a;
  while (b < pieces.length && (cols[b + 1] ?? total) <= right) b++;
  const cutLeft = a > 0;
  const cutRight = b < pieces.length;
  const shift = (cutLeft ? 1 : 0) - (cols[a] ?? 0);
  const text = (cutLeft ? "…" : "") + pieces.slice(a, b).join("") + (cutRight ? "…" : "");
  const limit = (cols[b] ?? total) + shift;
  return {
    text,
    colOf: (i) => {
      const col = (cols[Math.min(Math.max(i, 0), pieces.length)] ?? total) + shift;
      return Math.max(cutLeft ? 1 : 0, Math.min(col, cutRight ? limit : col));
    },
  };
}

/** How each UTF-16 unit of `line` is shown in a terminal. */
function showLine(line: string): ShownLine {
  const pieces: string[] = [];
  const cols: number[] = [];
  let col = 0;
  for (let i = 0; i < line.length; i++) {
    cols.push(col);
    const code = line.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < line.length) {
      const low = line.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        const cp = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
        const w = isWide(cp) ? 2 : 1;
        pieces.push(line.slice(i, i + 2), "");
        col += w;
        cols.push(col); // the low surrogate has no width: it "starts" where the character ends
        i++;
        continue;
      }
    }
    const [text, w] = showUnit(code, col);
    pieces.push(text);
    col += w;
  }
  cols.push(col);
  return { pieces, cols };
}

/** What to print for one UTF-16 unit (not part of a surrogate pair), and its width. */
function showUnit(code: number, col: number): readonly [string, number] {
  if (code === 9) {
    const w = TAB_WIDTH - (col % TAB_WIDTH);
    return [" ".repeat(w), w];
  }
  if (code < 0x20) return [String.fromCharCode(0x2400 + code), 1]; // ␀ … ␟
  if (code === 0x7f) return ["␡", 1];
  if ((code >= 0x80 && code < 0xa0) || (code >= 0xd800 && code <= 0xdfff)) return ["\ufffd", 1];
  // Bidirectional controls and invisible formatting: shown, never obeyed.
  if (
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    (code >= 0x200b && code <= 0x200f) ||
    code === 0xfeff ||
    code === 0x061c
  ) {
    const t = `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
    return [t, t.length];
  }
  if (isCombining(code)) return [String.fromCharCode(code), 0];
  return [String.fromCharCode(code), isWide(code) ? 2 : 1];
}

function isCombining(cp: number): boolean {
  return (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe20 && cp <= 0xfe2f)
  );
}

/** East Asian Wide and Fullwidth ranges, and emoji (an approximation of wcwidth). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}
