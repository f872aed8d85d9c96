/**
 * The layout pass: lexer tokens in, parser tokens out, in one forward sweep.
 *
 * - Line structure as in Python: a NEWLINE ends each logical line; INDENT and
 *   DEDENT come from a stack of indentation widths. Newlines inside brackets
 *   are dropped, blank and comment-only lines never start a logical line, a
 *   `\` continuation is skipped by the lexer. Tabs in indentation and a
 *   dedent to a width that no enclosing block has are `syntax` errors.
 * - Words become keyword tokens (one map lookup); `not in` and `is not` are
 *   merged. Python keywords the language lacks are reported
 *   (`forbidden-construct`) and their whole statement, with the block that
 *   follows a trailing `:`, is replaced by one `Skipped` token, so parsing
 *   goes on after it. `is`/`is not` are reported and read as `==`/`!=`.
 * - Strings are decoded (escapes checked); f-strings are expanded into
 *   start, text, hole and end tokens, each hole lexed as code.
 * - Nesting deeper than `MAX_NESTING` (brackets, indentation, chains of
 *   prefix operators or conditional expressions) drops the statement with a
 *   `syntax` error, so the recursive-descent parser never runs out of stack.
 *
 * All state lives in one `Layout` object per call.
 */
import { tokenMatcher, type IToken, type TokenType } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import {
  forbiddenKeyword,
  invalidNumber,
  leadingZeros,
  reservedName,
  syntaxError,
  unsupportedOperator,
  FORBIDDEN_KEYWORDS,
  WORDS_AFTER_NUMBER,
} from "./messages.js";
import type { PositionFinder } from "./positions.js";
import {
  BinaryOperator,
  Colon,
  Dedent,
  Dot,
  Else,
  EqEq,
  FStringEnd,
  FStringHoleClose,
  FStringHoleOpen,
  FStringLiteral,
  FStringStart,
  FStringText,
  Identifier,
  Indent,
  KEYWORDS,
  LBrace,
  LBracket,
  LEXER,
  LParen,
  Minus,
  Newline,
  Not,
  NotEq,
  NotIn,
  NumberLiteral,
  Plus,
  RBrace,
  RBracket,
  RParen,
  Skipped,
  StringLiteral,
  UnsupportedOperator,
  UnterminatedString,
} from "./tokens.js";

/** Deepest nesting of brackets, blocks and prefix operators a statement may have. */
export const MAX_NESTING = 100;

/**
 * Most operators, `.`, calls and subscripts one logical line may chain. Each
 * one deepens the expression tree by a level (`1 + 1 + …` is left-nested), so
 * without a cap a long enough line would overflow the stack of every later
 * pass. CPython rejects such lines too.
 */
export const MAX_CHAIN = 1000;

/** A parser token; `payload` holds a decoded string value. */
export interface LayoutToken extends IToken {
  payload: string | undefined;
}

/** A token the layout pass makes (same shape as the lexer's, see `tokens.ts`). */
function makeToken(type: TokenType, image: string, start: number, end: number, payload?: string): LayoutToken {
  return {
    image,
    startOffset: start,
    endOffset: end - 1,
    tokenTypeIdx: type.tokenTypeIdx ?? 0,
    tokenType: type,
    payload,
  };
}

/** Gives a lexer token (already in `LayoutToken` shape) another type, in place. */
function retype(t: LayoutToken, type: TokenType): LayoutToken {
  t.tokenType = type;
  t.tokenTypeIdx = type.tokenTypeIdx ?? 0;
  return t;
}

const CLOSERS: Readonly<Record<string, string>> = { "(": ")", "[": "]", "{": "}" };

/** Runs the layout pass over `raw` (the lexer's tokens for `text`). */
export function layout(
  text: string,
  raw: readonly IToken[] /* built as LayoutTokens by the lexer, see `tokens.ts`; reused */,
  pos: PositionFinder,
  diagnostics: Diagnostic[],
): LayoutToken[] {
  return new Layout(text, pos, diagnostics).run(raw);
}

/** Reports lexer errors (runs of characters no token matches). */
export function reportLexErrors(
  text: string,
  errors: readonly { offset: number; length: number }[],
  shift: number,
  pos: PositionFinder,
  diagnostics: Diagnostic[],
): void {
  for (const e of errors) {
    const start = e.offset + shift;
    const code = text.charCodeAt(start);
    const span = pos.span(start, start + Math.max(1, e.length));
    if (code === 0) diagnostics.push(syntaxError(span, "unexpected NUL character (U+0000)", "remove it"));
    else if (code >= 0xd800 && code <= 0xdfff)
      diagnostics.push(
        syntaxError(span, "invalid character (a lone UTF-16 surrogate)", "the text must be valid Unicode"),
      );
    else if (code === 0x21)
      diagnostics.push(syntaxError(span, "unexpected `!`", "use `not x` for negation and `!=` for inequality"));
    else {
      const ch = String.fromCodePoint(text.codePointAt(start) ?? code);
      const shown = code < 32 || code === 127 ? `U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `\`${ch}\``;
      const help =
        code > 127 && /\p{L}/u.test(ch)
          ? "names use ASCII letters, digits and `_`; put other text in a string"
          : "remove it, or put it in a string";
      diagnostics.push(syntaxError(span, `unexpected character ${shown}`, help));
    }
  }
}

class Layout {
  private readonly out: LayoutToken[] = [];
  private readonly indents: number[] = [0];
  private readonly brackets: IToken[] = [];
  private atLineStart = true;
  /** Offset where the current physical line starts. */
  private lineStart = 0;
  /** Index in `out` where the current logical line's tokens start. */
  private lineFirst = 0;
  private lineIndent = 0;
  /** The current logical line is inside a dropped block: emit nothing. */
  private dropLine = false;
  /** Why the current logical line is dropped (first forbidden keyword, or too deep). */
  private dropAt: LayoutToken | undefined;
  private lastSignificant: IToken | undefined;
  /** Lines indented more than this belong to a dropped statement's block (-1: none). */
  private skipAbove = -1;
  /** An `else` at this indentation belongs to a dropped statement (-1: none). */
  private skipElseIndent = -1;
  private prevWasString = false;
  private unaryRun = 0;
  private chainOps = 0;
  private elseCount = 0;
  private tooDeepReported = false;

  constructor(
    private readonly text: string,
    private readonly pos: PositionFinder,
    private readonly diagnostics: Diagnostic[],
  ) {}

  run(raw: readonly IToken[]): LayoutToken[] {
    // The lexer's tokens have the layout shape (see `tokens.ts`).
    if (this.text.charCodeAt(0) === 0xfeff) this.lineStart = 1;
    for (let i = 0; i < raw.length; i++) {
      const t = raw[i]!;
      if (t.tokenType === Newline) {
        if (this.brackets.length > 0) continue;
        if (!this.atLineStart) this.endLine(t.startOffset);
        this.lineStart = t.startOffset + t.image.length;
        this.atLineStart = true;
        continue;
      }
      if (this.atLineStart) this.startLine(t);
      if (!this.dropLine) i = this.token(raw, i);
      else this.trackBracket(t);
    }
    const end = this.text.length;
    if (!this.atLineStart) this.endLine(end);
    const open = this.brackets[this.brackets.length - 1];
    if (open !== undefined) {
      this.report(
        syntaxError(
          this.pos.span(open.startOffset, open.startOffset + 1),
          `\`${open.image}\` is never closed`,
          `add the matching \`${CLOSERS[open.image] ?? ")"}\``,
        ),
      );
    }
    while (this.indents.length > 1) {
      this.indents.pop();
      this.out.push(makeToken(Dedent, "", end, end));
    }
    return this.out;
  }

  /** Bracket depth only, for lines that are dropped. */
  private trackBracket(t: IToken): void {
    const type = t.tokenType;
    if (type === LParen || type === LBracket || type === LBrace) this.brackets.push(t);
    else if (type === RParen || type === RBracket || type === RBrace) this.closeBracket(t);
  }

  /**
   * Pops the bracket `t` closes. A closer that does not match the innermost
   * opener closes the nearest opener it matches (the parser reports the
   * mismatch), so one wrong bracket does not swallow the following lines.
   */
  private closeBracket(t: IToken): void {
    const b = this.brackets;
    for (let k = b.length - 1; k >= 0; k--) {
      if (CLOSERS[b[k]!.image] === t.image) {
        b.length = k;
        return;
      }
    }
  }

  private report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  private startLine(t: IToken): void {
    const start = t.startOffset;
    const indent = start - this.lineStart;
    this.atLineStart = false;
    this.dropAt = undefined;
    this.lastSignificant = undefined;
    this.prevWasString = false;
    this.unaryRun = 0;
    this.chainOps = 0;
    this.elseCount = 0;
    this.tooDeepReported = false;
    for (let k = this.lineStart; k < start; k++) {
      if (this.text.charCodeAt(k) === 9) {
        this.report(
          syntaxError(this.pos.span(k, k + 1), "tab in indentation", "indent with spaces only (4 per level is usual)"),
        );
        break;
      }
    }
    if (this.skipAbove >= 0) {
      if (indent > this.skipAbove) {
        this.dropLine = true;
        return;
      }
      if (indent === this.skipElseIndent && t.tokenType === Identifier && t.image === "else") {
        this.skipElseIndent = -1;
        this.dropLine = true;
        return;
      }
      this.skipAbove = -1;
      this.skipElseIndent = -1;
    }
    this.dropLine = false;
    const indents = this.indents;
    const top = indents[indents.length - 1] ?? 0;
    if (indent > top) {
      indents.push(indent);
      this.out.push(makeToken(Indent, "", this.lineStart, start));
      if (indents.length > MAX_NESTING) this.tooDeep(t);
    } else if (indent < top) {
      while (indents.length > 1 && indent < (indents[indents.length - 1] ?? 0)) {
        indents.pop();
        this.out.push(makeToken(Dedent, "", start, start));
      }
      if (indent !== indents[indents.length - 1]) {
        this.report(
          syntaxError(
            this.pos.span(this.lineStart, start),
            "this line's indentation does not match any enclosing block",
            "indent it exactly like the statements of the block it belongs to",
          ),
        );
      }
    }
    this.lineFirst = this.out.length;
    this.lineIndent = indents[indents.length - 1] ?? 0;
  }

  private endLine(newlineOffset: number): void {
    if (this.dropLine) return;
    const out = this.out;
    const drop = this.dropAt;
    if (drop !== undefined) {
      out.length = this.lineFirst;
      out.push(drop);
      const at = drop.endOffset! + 1;
      out.push(makeToken(Newline, "", at, at));
      if (this.lastSignificant?.tokenType === Colon) {
        this.skipAbove = this.lineIndent;
        this.skipElseIndent = this.lineIndent;
      }
      return;
    }
    const last = this.lastSignificant;
    const at = last !== undefined ? last.startOffset + last.image.length : newlineOffset;
    out.push(makeToken(Newline, "", at, Math.min(at + 1, Math.max(at, newlineOffset + 1), this.text.length)));
  }

  /** Drops the current logical line because of the token at `t`. */
  private dropStatement(t: IToken): void {
    if (this.dropAt === undefined)
      this.dropAt = makeToken(Skipped, t.image, t.startOffset, t.startOffset + t.image.length);
  }

  private tooDeep(t: IToken, what = `nesting too deep (more than ${MAX_NESTING} levels)`): void {
    if (!this.tooDeepReported) {
      this.tooDeepReported = true;
      this.report(
        syntaxError(
          this.pos.span(t.startOffset, t.startOffset + t.image.length),
          what,
          "split the expression or the blocks into steps with names",
        ),
      );
    }
    this.dropStatement(t);
  }

  /** Handles `raw[i]`; returns the index of the last raw token it used. */
  private token(raw: readonly IToken[], i: number): number {
    const t = raw[i] as LayoutToken;
    const type = t.tokenType;
    const out = this.out;
    const start = t.startOffset;
    const end = start + t.image.length;
    this.lastSignificant = t;
    let isString = false;
    let isPrefix = false;
    switch (type) {
      case Identifier: {
        const word = t.image;
        const kw = KEYWORDS.get(word);
        if (kw !== undefined) {
          if (kw === Not) {
            const next = raw[i + 1];
            if (next !== undefined && next.tokenType === Identifier && next.image === "in") {
              out.push(makeToken(NotIn, "not in", start, next.startOffset + next.image.length));
              this.lastSignificant = next;
              i++;
              break;
            }
            isPrefix = true;
          } else if (kw === Else && ++this.elseCount > MAX_NESTING) this.tooDeep(t);
          out.push(retype(t, kw));
        } else if (FORBIDDEN_KEYWORDS.has(word)) {
          if (word === "is") {
            const next = raw[i + 1];
            if (next !== undefined && next.tokenType === Identifier && next.image === "not") {
              const nextEnd = next.startOffset + next.image.length;
              this.report(forbiddenKeyword(this.pos.span(start, nextEnd), "is not"));
              out.push(makeToken(NotEq, "!=", start, nextEnd));
              this.lastSignificant = next;
              i++;
            } else {
              this.report(forbiddenKeyword(this.pos.span(start, end), "is"));
              out.push(makeToken(EqEq, "==", start, end));
            }
          } else if (this.dropAt === undefined && !this.dropLine) {
            this.report(forbiddenKeyword(this.pos.span(start, end), word));
            this.dropStatement(t);
          }
        } else {
          if (word.length >= 4 && word.startsWith("__") && word.endsWith("__"))
            this.report(reservedName(this.pos.span(start, end), word));
          out.push(t);
        }
        break;
      }
      case StringLiteral:
        isString = true;
        if (this.adjacentString(t)) break;
        t.payload = this.decodeString(t);
        out.push(t);
        break;
      case FStringLiteral:
        isString = true;
        if (this.adjacentString(t)) break;
        this.fString(t);
        break;
      case UnterminatedString: {
        isString = true;
        const triple = /^[fF]?("""|''')/.test(t.image);
        this.report(
          syntaxError(
            this.pos.span(start, triple ? start + t.image.indexOf(t.image.includes('"""') ? '"""' : "'''") + 3 : end),
            triple ? "triple-quoted string is never closed" : "string is never closed",
            triple
              ? "close it with the same three quotes"
              : "close it with the same quote on this line (use a triple-quoted string for several lines)",
          ),
        );
        t.payload = "";
        out.push(retype(t, StringLiteral));
        break;
      }
      case NumberLiteral:
        out.push(t);
        i = this.number(raw, i);
        break;
      case UnsupportedOperator:
        this.report(unsupportedOperator(this.pos.span(start, end), t.image));
        out.push(t);
        break;
      case LParen:
      case LBracket:
      case LBrace:
        this.brackets.push(t);
        if (this.brackets.length + this.indents.length > MAX_NESTING) this.tooDeep(t);
        out.push(t);
        break;
      case RParen:
      case RBracket:
      case RBrace:
        this.closeBracket(t);
        out.push(t);
        break;
      case Minus:
      case Plus:
        isPrefix = true;
        out.push(t);
        break;
      default:
        out.push(t);
    }
    this.prevWasString = isString;
    const pushed = out[out.length - 1];
    if (
      pushed !== undefined &&
      pushed.startOffset === start &&
      (tokenMatcher(pushed, BinaryOperator) || type === Dot || type === LParen || type === LBracket) &&
      ++this.chainOps > MAX_CHAIN
    )
      this.tooDeep(t, `expression too long (more than ${MAX_CHAIN} operators, calls and subscripts in one statement)`);
    if (isPrefix) {
      if (++this.unaryRun > MAX_NESTING) this.tooDeep(t);
    } else this.unaryRun = 0;
    return i;
  }

  /**
   * Checks the number `raw[i]` as CPython's tokenizer does: a word glued to
   * it (`1.upper`, `1_000.x`, `2x`, `0x1F`, `1j`, `1f"…"`) is reported and
   * dropped, so the parser adds no second error for the same text; an
   * integer with leading zeros (`007`) is reported. Returns the index of the
   * last raw token used.
   */
  private number(raw: readonly IToken[], i: number): number {
    const t = raw[i]!;
    const image = t.image;
    const start = t.startOffset;
    const end = start + image.length;
    const next = raw[i + 1];
    if (next !== undefined && next.startOffset === end) {
      if (next.tokenType === Identifier && !WORDS_AFTER_NUMBER.has(next.image)) {
        this.report(invalidNumber(this.pos.span(start, end + next.image.length), image, next.image));
        return i + 1;
      }
      if (next.tokenType === FStringLiteral) {
        this.report(invalidNumber(this.pos.span(start, end + 1), image, next.image.charAt(0), true));
        return i + 1;
      }
    }
    if (image.charCodeAt(0) === 48 /* 0 */ && /^0[0_]*[1-9][\d_]*$/.test(image))
      this.report(leadingZeros(this.pos.span(start, end), image));
    return i;
  }

  /** Reports a string literal right after another one; returns true (and drops it) if so. */
  private adjacentString(t: IToken): boolean {
    if (!this.prevWasString) return false;
    this.report(
      syntaxError(
        this.pos.span(t.startOffset, t.startOffset + t.image.length),
        "adjacent string literals are not joined",
        "use `+` to concatenate strings",
      ),
    );
    return true;
  }

  /** The decoded value of a string literal token. */
  private decodeString(t: IToken): string {
    const image = t.image;
    const q = image.startsWith('"""') || image.startsWith("'''") ? 3 : 1;
    return this.decode(t.startOffset + q, t.startOffset + image.length - q, q === 3);
  }

  /** Decodes `text[from, to)`, reporting unknown escapes at their position. */
  private decode(from: number, to: number, multiline: boolean): string {
    const text = this.text;
    const slice = text.slice(from, to);
    if (!slice.includes("\\")) return multiline && slice.includes("\r") ? slice.replace(/\r\n?/g, "\n") : slice;
    let result = "";
    let chunk = from;
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (c === 13 && multiline) {
        result += text.slice(chunk, k) + "\n";
        if (text.charCodeAt(k + 1) === 10) k++;
        chunk = k + 1;
        continue;
      }
      if (c !== 92) continue;
      result += text.slice(chunk, k);
      const e = text[k + 1] ?? "";
      let width = 2;
      switch (e) {
        case "n":
          result += "\n";
          break;
        case "t":
          result += "\t";
          break;
        case "r":
          result += "\r";
          break;
        case "\\":
        case "'":
        case '"':
          result += e;
          break;
        case "u": {
          const hex = text.slice(k + 2, k + 6);
          if (k + 6 <= to && /^[0-9a-fA-F]{4}$/.test(hex)) {
            result += String.fromCharCode(parseInt(hex, 16));
            width = 6;
          } else {
            this.report(
              syntaxError(
                this.pos.span(k, Math.min(to, k + 2 + hex.replace(/[^0-9a-fA-F].*$/, "").length)),
                "`\\u` must be followed by exactly four hexadecimal digits",
                "write e.g. `\\u00e9`",
              ),
            );
          }
          break;
        }
        default: {
          const shown = e === "\n" || e === "\r" ? "\\ at the end of a line" : `\`\\${e}\``;
          this.report(
            syntaxError(
              this.pos.span(k, Math.min(to, k + 2)),
              `unknown escape ${shown} in a string`,
              "the escapes are `\\n \\t \\r \\\\ \\' \\\" \\uXXXX`; write `\\\\` for a backslash",
            ),
          );
          if (e === "\r" && text[k + 2] === "\n") width = 3;
        }
      }
      k += width - 1;
      chunk = k + 1;
    }
    return result + text.slice(chunk, to);
  }

  /** Expands an f-string token into start, text, hole and end tokens. */
  private fString(t: IToken): void {
    const text = this.text;
    const image = t.image;
    const start = t.startOffset;
    const q = image.startsWith('"""', 1) || image.startsWith("'''", 1) ? 3 : 1;
    const contentStart = start + 1 + q;
    const contentEnd = start + image.length - q;
    const multiline = q === 3;
    const out = this.out;
    out.push(makeToken(FStringStart, image.slice(0, 1 + q), start, contentStart));
    let litStart = contentStart;
    let textStart = contentStart;
    let lit = "";
    const flush = (to: number): void => {
      lit += this.decode(litStart, to, multiline);
    };
    const emitText = (to: number): void => {
      flush(to);
      if (lit !== "") out.push(makeToken(FStringText, lit, textStart, to, lit));
      lit = "";
    };
    let k = contentStart;
    while (k < contentEnd) {
      const c = text.charCodeAt(k);
      if (c === 92) {
        k += 2;
      } else if (c === 123 /* { */) {
        if (text.charCodeAt(k + 1) === 123) {
          flush(k);
          lit += "{";
          k += 2;
          litStart = k;
          continue;
        }
        emitText(k);
        const close = this.holeEnd(k + 1, contentEnd);
        if (close < -1) {
          k = -2 - close + 1;
        } else if (close < 0) {
          this.report(
            syntaxError(
              this.pos.span(k, k + 1),
              "`{` in an f-string is never closed",
              "close the hole with `}`, or write `{{` for a literal brace",
            ),
          );
          k = contentEnd;
        } else {
          this.hole(k, close);
          k = close + 1;
        }
        litStart = k;
        textStart = k;
      } else if (c === 125 /* } */) {
        if (text.charCodeAt(k + 1) === 125) {
          flush(k);
          lit += "}";
          k += 2;
          litStart = k;
          continue;
        }
        this.report(
          syntaxError(this.pos.span(k, k + 1), "single `}` in an f-string", "write `}}` for a literal brace"),
        );
        flush(k);
        k++;
        litStart = k;
      } else k++;
    }
    emitText(contentEnd);
    out.push(makeToken(FStringEnd, image.slice(image.length - q), contentEnd, start + image.length));
  }

  /**
   * The offset of the `}` that closes the hole opened just before `from`, or
   * -1. Strings in the hole (also triple-quoted ones) are skipped. Reports
   * format specs and conversions, which the language lacks.
   */
  private holeEnd(from: number, to: number): number {
    const text = this.text;
    let depth = 0;
    let quote = 0;
    let triple = false;
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (quote !== 0) {
        if (c === 92) k++;
        else if (c === quote && !triple) quote = 0;
        else if (c === quote && k + 2 < to && text.charCodeAt(k + 1) === c && text.charCodeAt(k + 2) === c) {
          quote = 0;
          k += 2;
        }
        continue;
      }
      switch (c) {
        case 34:
        case 39:
          // A string in the hole, skipped as the lexer reads it: `'''…'''` ends only at three quotes.
          quote = c;
          triple = k + 2 < to && text.charCodeAt(k + 1) === c && text.charCodeAt(k + 2) === c;
          if (triple) k += 2;
          break;
        case 40:
        case 91:
        case 123:
          depth++;
          break;
        case 41:
        case 93:
          if (depth > 0) depth--;
          break;
        case 125:
          if (depth === 0) return k;
          depth--;
          break;
        case 58 /* : */:
          if (depth === 0) {
            this.report(
              syntaxError(
                this.pos.span(k, k + 1),
                "format specs (`{x:…}`) are not supported in f-strings",
                "format the value in the hole instead, e.g. `{round(x, 2)}` or `{str(x)}`",
              ),
            );
            const end = text.indexOf("}", k);
            return end >= 0 && end < to ? -2 - end : -1;
          }
          break;
        case 33 /* ! */:
          if (depth === 0 && text.charCodeAt(k + 1) !== 61) {
            this.report(
              syntaxError(
                this.pos.span(k, Math.min(k + 2, to)),
                "conversions (`{x!r}`) are not supported in f-strings",
                "convert the value in the hole instead, e.g. `{str(x)}`",
              ),
            );
            const end = text.indexOf("}", k);
            return end >= 0 && end < to ? -2 - end : -1;
          }
          break;
        default:
          break;
      }
    }
    return -1;
  }

  /** Emits the tokens of the hole `text(open, close)` (exclusive of the braces). */
  private hole(open: number, close: number): void {
    const out = this.out;
    const text = this.text;
    const source = text.slice(open + 1, close);
    if (source.trim() === "") {
      this.report(
        syntaxError(
          this.pos.span(open, close + 1),
          "empty `{}` in an f-string",
          "put an expression in the hole, or write `{{}}` for literal braces",
        ),
      );
      return;
    }
    const lexed = LEXER.tokenize(source);
    const shift = open + 1;
    reportLexErrors(text, lexed.errors, shift, this.pos, this.diagnostics);
    const tokens: IToken[] = [];
    for (const tok of lexed.tokens) {
      if (tok.tokenType === Newline) continue;
      tok.startOffset += shift;
      tok.endOffset = (tok.endOffset ?? 0) + shift;
      tokens.push(tok);
    }
    out.push(makeToken(FStringHoleOpen, "{", open, open + 1));
    const savedBrackets = this.brackets.length;
    const savedString = this.prevWasString;
    const savedLast = this.lastSignificant;
    this.prevWasString = false;
    for (let i = 0; i < tokens.length; i++) i = this.token(tokens, i);
    this.brackets.length = savedBrackets;
    this.prevWasString = savedString;
    this.lastSignificant = savedLast;
    out.push(makeToken(FStringHoleClose, "}", close, close + 1));
  }
}
