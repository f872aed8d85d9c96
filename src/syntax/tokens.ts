/**
 * Token types of the Partwise language and the one shared chevrotain lexer.
 *
 * The lexer is regex based and stateless between calls (it is built once at
 * module load). Keywords are not lexed separately: every word is an
 * `Identifier` and the layout pass (`layout.ts`) reclassifies keywords with
 * one map lookup, which keeps the lexer's first-character dispatch small.
 * Line structure (NEWLINE, INDENT, DEDENT), string decoding and f-string holes
 * are also the layout pass's job; the tokens it produces for them are
 * declared here with `Lexer.NA` so the parser knows their types.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

// ---------------------------------------------------------------- categories

/** Every binary operator, with its precedence in `PRECEDENCE`. */
export const BinaryOperator = createToken({ name: "BinaryOperator", pattern: Lexer.NA });
/** `=`, `+=`, `-=`, `*=`. */
export const AssignOperator = createToken({ name: "AssignOperator", pattern: Lexer.NA });
/** `+=`, `-=`, `*=`. */
export const AugAssignOperator = createToken({ name: "AugAssignOperator", pattern: Lexer.NA });

// ---------------------------------------------------------------- trivia

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\f]+/, group: Lexer.SKIPPED });
/** A byte-order mark at the start of the file (skipped; the layout pass ignores it). */
export const ByteOrderMark = createToken({ name: "ByteOrderMark", pattern: /^\uFEFF/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /#[^\r\n]*/, group: Lexer.SKIPPED });
export const LineContinuation = createToken({
  name: "LineContinuation",
  pattern: /\\(?:\r\n|\r|\n)/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
/** A physical line break from the lexer; the layout pass emits it only at the end of a logical line. */
export const Newline = createToken({ name: "Newline", label: "end of line", pattern: /\r\n|\r|\n/, line_breaks: true });

// ---------------------------------------------------------------- literals

export const FStringLiteral = createToken({
  name: "FStringLiteral",
  pattern:
    /[fF](?:"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""|'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''|"(?!"")(?:[^"\\\r\n]|\\[^\r\n])*"|'(?!'')(?:[^'\\\r\n]|\\[^\r\n])*')/,
  start_chars_hint: ["f", "F"],
  line_breaks: true,
});
export const StringLiteral = createToken({
  name: "StringLiteral",
  label: "string",
  pattern:
    /"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""|'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''|"(?!"")(?:[^"\\\r\n]|\\[^\r\n])*"|'(?!'')(?:[^'\\\r\n]|\\[^\r\n])*'/,
  start_chars_hint: ['"', "'"],
  line_breaks: true,
});
/** A string whose closing quote is missing: reported by the layout pass. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /[fF]?(?:"""[\s\S]*|'''[\s\S]*|"[^\r\n]*|'[^\r\n]*)/,
  start_chars_hint: ["f", "F", '"', "'"],
  line_breaks: true,
});
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  label: "number",
  pattern: /(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?/,
  start_chars_hint: [".", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
});
export const Identifier = createToken({ name: "Identifier", label: "name", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

// ---------------------------------------------------------------- operators

/** Python operators the language does not have; reported by the layout pass. */
export const UnsupportedOperator = createToken({
  name: "UnsupportedOperator",
  pattern: /\*\*=?|\/\/=|\/=|%=|@=?|&=?|\|=?|\^=?|<<=?|>>=?|:=|->|~|;/,
  start_chars_hint: ["*", "/", "%", "@", "&", "|", "^", "<", ">", ":", "-", "~", ";"],
});
export const EqEq = createToken({ name: "EqEq", label: "==", pattern: "==", categories: [BinaryOperator] });
export const NotEq = createToken({ name: "NotEq", label: "!=", pattern: "!=", categories: [BinaryOperator] });
export const LtEq = createToken({ name: "LtEq", label: "<=", pattern: "<=", categories: [BinaryOperator] });
export const GtEq = createToken({ name: "GtEq", label: ">=", pattern: ">=", categories: [BinaryOperator] });
export const PlusEq = createToken({
  name: "PlusEq",
  label: "+=",
  pattern: "+=",
  categories: [AssignOperator, AugAssignOperator],
});
export const MinusEq = createToken({
  name: "MinusEq",
  label: "-=",
  pattern: "-=",
  categories: [AssignOperator, AugAssignOperator],
});
export const StarEq = createToken({
  name: "StarEq",
  label: "*=",
  pattern: "*=",
  categories: [AssignOperator, AugAssignOperator],
});
export const SlashSlash = createToken({ name: "SlashSlash", label: "//", pattern: "//", categories: [BinaryOperator] });
export const Lt = createToken({ name: "Lt", label: "<", pattern: "<", categories: [BinaryOperator] });
export const Gt = createToken({ name: "Gt", label: ">", pattern: ">", categories: [BinaryOperator] });
export const Equals = createToken({ name: "Equals", label: "=", pattern: "=", categories: [AssignOperator] });
export const Plus = createToken({ name: "Plus", label: "+", pattern: "+", categories: [BinaryOperator] });
export const Minus = createToken({ name: "Minus", label: "-", pattern: "-", categories: [BinaryOperator] });
export const Star = createToken({ name: "Star", label: "*", pattern: "*", categories: [BinaryOperator] });
export const Slash = createToken({ name: "Slash", label: "/", pattern: "/", categories: [BinaryOperator] });
export const Percent = createToken({ name: "Percent", label: "%", pattern: "%", categories: [BinaryOperator] });
export const LParen = createToken({ name: "LParen", label: "(", pattern: "(" });
export const RParen = createToken({ name: "RParen", label: ")", pattern: ")" });
export const LBracket = createToken({ name: "LBracket", label: "[", pattern: "[" });
export const RBracket = createToken({ name: "RBracket", label: "]", pattern: "]" });
export const LBrace = createToken({ name: "LBrace", label: "{", pattern: "{" });
export const RBrace = createToken({ name: "RBrace", label: "}", pattern: "}" });
export const Comma = createToken({ name: "Comma", label: ",", pattern: "," });
export const Colon = createToken({ name: "Colon", label: ":", pattern: ":" });
export const Dot = createToken({ name: "Dot", label: ".", pattern: "." });

// ---------------------------------------------------------------- keywords (set by the layout pass)

function keyword(word: string, categories: TokenType[] = []): TokenType {
  return createToken({ name: `Kw_${word}`, label: word, pattern: Lexer.NA, categories });
}
export const For = keyword("for");
export const In = keyword("in", [BinaryOperator]);
export const If = keyword("if");
export const Elif = keyword("elif");
export const Else = keyword("else");
export const And = keyword("and", [BinaryOperator]);
export const Or = keyword("or", [BinaryOperator]);
export const Not = keyword("not");
/** `not in`, merged from two words by the layout pass. */
export const NotIn = createToken({ name: "NotIn", label: "not in", pattern: Lexer.NA, categories: [BinaryOperator] });
export const True = keyword("True");
export const False = keyword("False");
export const None = keyword("None");
export const Return = keyword("return");
export const Pass = keyword("pass");
export const Break = keyword("break");
export const Continue = keyword("continue");

// ---------------------------------------------------------------- layout tokens

export const Indent = createToken({ name: "Indent", label: "indented block", pattern: Lexer.NA });
export const Dedent = createToken({ name: "Dedent", label: "end of block", pattern: Lexer.NA });
/** Stands for a statement the layout pass dropped (a forbidden construct, already reported). */
export const Skipped = createToken({ name: "Skipped", label: "forbidden construct", pattern: Lexer.NA });
export const FStringStart = createToken({ name: "FStringStart", label: 'f"', pattern: Lexer.NA });
export const FStringText = createToken({ name: "FStringText", label: "f-string text", pattern: Lexer.NA });
export const FStringHoleOpen = createToken({ name: "FStringHoleOpen", label: "{", pattern: Lexer.NA });
export const FStringHoleClose = createToken({ name: "FStringHoleClose", label: "}", pattern: Lexer.NA });
export const FStringEnd = createToken({ name: "FStringEnd", label: '"', pattern: Lexer.NA });

/** Token types the lexer matches, in priority order (first match wins). */
const LEXER_TOKENS: TokenType[] = [
  WhiteSpace,
  ByteOrderMark,
  Comment,
  LineContinuation,
  Newline,
  FStringLiteral,
  StringLiteral,
  UnterminatedString,
  NumberLiteral,
  Identifier,
  UnsupportedOperator,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  PlusEq,
  MinusEq,
  StarEq,
  SlashSlash,
  Lt,
  Gt,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Colon,
  Dot,
];

/** The parser's vocabulary: everything the layout pass can hand it. */
export const ALL_TOKENS: TokenType[] = [
  BinaryOperator,
  AssignOperator,
  AugAssignOperator,
  ...LEXER_TOKENS.filter((t) => t !== WhiteSpace && t !== ByteOrderMark && t !== Comment && t !== LineContinuation),
  For,
  In,
  If,
  Elif,
  Else,
  And,
  Or,
  Not,
  NotIn,
  True,
  False,
  None,
  Return,
  Pass,
  Break,
  Continue,
  Indent,
  Dedent,
  Skipped,
  FStringStart,
  FStringText,
  FStringHoleOpen,
  FStringHoleClose,
  FStringEnd,
];

/** Keywords by spelling (the layout pass turns these identifiers into keyword tokens). */
export const KEYWORDS: ReadonlyMap<string, TokenType> = new Map([
  ["for", For],
  ["in", In],
  ["if", If],
  ["elif", Elif],
  ["else", Else],
  ["and", And],
  ["or", Or],
  ["not", Not],
  ["True", True],
  ["False", False],
  ["None", None],
  ["return", Return],
  ["pass", Pass],
  ["break", Break],
  ["continue", Continue],
]);

/** Binding strength of binary operators (0: not a binary operator). */
export const PREC_OR = 1;
export const PREC_AND = 2;
export const PREC_NOT = 3;
export const PREC_COMPARE = 4;
export const PREC_ADD = 5;
export const PREC_MUL = 6;
/** Above every binary operator: operands of unary `-` and `+`. */
export const PREC_UNARY = 7;

/** Precedence by `tokenTypeIdx`, for the operator loop of the parser. */
export const PRECEDENCE: Int8Array = (() => {
  let max = 0;
  for (const t of ALL_TOKENS) max = Math.max(max, t.tokenTypeIdx ?? 0);
  const table = new Int8Array(max + 1);
  const set = (t: TokenType, p: number): void => {
    table[t.tokenTypeIdx ?? 0] = p;
  };
  set(Or, PREC_OR);
  set(And, PREC_AND);
  for (const t of [EqEq, NotEq, Lt, LtEq, Gt, GtEq, In, NotIn]) set(t, PREC_COMPARE);
  set(Plus, PREC_ADD);
  set(Minus, PREC_ADD);
  for (const t of [Star, Slash, SlashSlash, Percent]) set(t, PREC_MUL);
  return table;
})();

/** The shared lexer: built once; `tokenize` keeps no state between calls. */
export const LEXER = new Lexer(LEXER_TOKENS, {
  positionTracking: "onlyOffset",
  ensureOptimizations: true,
  skipValidations: true,
});

/**
 * The lexer builds its tokens in the layout pass's shape (`endOffset` and
 * `payload` included), so the layout pass hands the lexer's token objects
 * to the parser instead of copying each one. chevrotain picks its token
 * factory once, in the constructor, as the instance's `createTokenInstance`;
 * with `onlyOffset` tracking it is called with (image, startOffset,
 * tokenTypeIdx, tokenType, …).
 */
(LEXER as unknown as { createTokenInstance: unknown }).createTokenInstance = (
  image: string,
  startOffset: number,
  tokenTypeIdx: number,
  tokenType: TokenType,
) => ({ image, startOffset, endOffset: startOffset + image.length - 1, tokenTypeIdx, tokenType, payload: undefined });
