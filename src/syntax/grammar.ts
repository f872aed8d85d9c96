/**
 * The Partwise grammar: a chevrotain embedded-actions parser that builds the
 * AST directly (no CST), over the tokens of the layout pass.
 *
 * - Binary operators are one rule, `binary(minPrec)`, resolved by
 *   precedence climbing over the `PRECEDENCE` table; comparisons do not
 *   chain (a second one is reported and parsed left-nested).
 * - Statement lists are parsed by a loop that catches recognition errors
 *   and resynchronises at the end of the logical line (skipping a block the
 *   broken line opened, after parsing it for its own errors), so every
 *   broken statement is reported once. The grammar recorded for analysis and
 *   diagrams is the plain `statement*` the loop implements.
 * - chevrotain's in-rule recovery may insert a missing `:` or closing bracket
 *   and delete one stray token; layout tokens are never invented or dropped.
 * - Error messages come from `ERROR_MESSAGES` below, in plain words.
 *
 * One parser instance is built per process (construction analyses the
 * grammar and is slow); all per-parse state is reset by `parseTokens`.
 * Nodes are built with `id: -1`; `parse.ts` numbers them in source order.
 */
import {
  EmbeddedActionsParser,
  EOF,
  isRecognitionException,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type {
  AssignTarget,
  BinaryOperator as BinaryOp,
  Comprehension,
  CompareOperator,
  DictEntry,
  Expr,
  For as ForNode,
  If as IfNode,
  Keyword,
  Name,
  Stmt,
  Subscript,
  TupleTarget,
} from "./ast.js";
import { assertNever } from "./ast.js";
import type { LayoutToken } from "./layout.js";
import { syntaxError } from "./messages.js";
import type { PositionFinder } from "./positions.js";
import type { Position, Span } from "./span.js";
import {
  ALL_TOKENS,
  And,
  AssignOperator,
  BinaryOperator,
  Break,
  Colon,
  Comma,
  Continue,
  Dedent,
  Dot,
  Elif,
  Else,
  Equals,
  False,
  For,
  FStringEnd,
  FStringHoleClose,
  FStringHoleOpen,
  FStringStart,
  FStringText,
  Identifier,
  If,
  In,
  Indent,
  LBrace,
  LBracket,
  LParen,
  Minus,
  Newline,
  None,
  Not,
  NotIn,
  NumberLiteral,
  Or,
  Pass,
  Plus,
  PRECEDENCE,
  PREC_COMPARE,
  PREC_NOT,
  PREC_OR,
  PREC_UNARY,
  RBrace,
  RBracket,
  Return,
  RParen,
  Skipped,
  StringLiteral,
  True,
} from "./tokens.js";

/** Separates a message from its help inside chevrotain's one error string. */
export const HELP_SEPARATOR = "\u0001";

// Arguments of `binary`, made once (chevrotain only reads them), so that
// parsing an operand allocates no options object.
const ARGS_OR = { ARGS: [PREC_OR] as [number] };
const ARGS_NOT = { ARGS: [PREC_NOT] as [number] };
const ARGS_ABOVE: readonly { ARGS: [number] }[] = Array.from({ length: PREC_UNARY + 1 }, (_, p) => ({
  ARGS: [p + 1] as [number],
}));

/** The `binary` arguments for operands binding tighter than precedence `prec`. */
function argsAbove(prec: number): { ARGS: [number] } {
  return ARGS_ABOVE[prec] ?? { ARGS: [prec + 1] };
}

interface SliceParts {
  readonly slice: boolean;
  readonly lower: Expr | undefined;
  readonly upper: Expr | undefined;
}

/** What follows `(` or `[`: a first element, then clauses of a comprehension or more elements. */
interface SeqParts {
  readonly first: Expr;
  readonly generators: Comprehension[] | undefined;
  readonly elements: Expr[] | undefined;
}

interface DictParts {
  readonly key: Expr;
  readonly value: Expr;
  readonly generators: Comprehension[] | undefined;
  readonly entries: DictEntry[] | undefined;
}

/** A postfix operation waiting for its object. */
type Suffix =
  | { readonly k: "call"; readonly args: Expr[]; readonly keywords: Keyword[]; readonly end: Position }
  | { readonly k: "index"; readonly index: Expr; readonly end: Position }
  | { readonly k: "slice"; readonly lower: Expr | undefined; readonly upper: Expr | undefined; readonly end: Position }
  | { readonly k: "attr"; readonly name: string; readonly nameSpan: Span };

type Argument = { readonly k: "pos"; readonly value: Expr } | { readonly k: "kw"; readonly keyword: Keyword };

/** Stands in for positions while chevrotain records the grammar (no text then). */
const NO_POSITION: Position = { offset: 0, line: 1, column: 1 };
const NO_SPAN: Span = { file: "", start: NO_POSITION, end: NO_POSITION };

const NO_RESYNC = { resyncEnabled: false } as const;

const INSERTABLE = new Set<TokenType>([Colon, RParen, RBracket, RBrace, FStringHoleClose]);
const LAYOUT_TOKENS = new Set<TokenType>([Newline, Indent, Dedent, Skipped, FStringStart, FStringEnd, EOF]);

function binaryOp(t: IToken): BinaryOp {
  return t.image as BinaryOp;
}

/** The parser; use the `PARSER` singleton through `parse()`. */
export class PartwiseParser extends EmbeddedActionsParser {
  private pos!: PositionFinder;
  private diagnostics: Diagnostic[] = [];
  private curMin = PREC_OR;
  private textEnd = 0;

  constructor(validate = false) {
    super(ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      skipValidations: !validate,
      errorMessageProvider: ERROR_MESSAGES,
    });
    this.performSelfAnalysis();
    // Re-synchronising inside repetitions skips tokens silently and
    // unpredictably; statement-level recovery does it better.
    (this as unknown as { attemptInRepetitionRecovery: () => void }).attemptInRepetitionRecovery = () => undefined;
  }

  /** Parses a module's statements from layout tokens; errors go to `parser.errors` and `diagnostics`. */
  parseTokens(tokens: LayoutToken[], pos: PositionFinder, diagnostics: Diagnostic[], textEnd: number): Stmt[] {
    this.pos = pos;
    this.diagnostics = diagnostics;
    this.textEnd = textEnd;
    this.curMin = PREC_OR;
    this.input = tokens;
    const body = this.module();
    this.diagnostics = [];
    return body;
  }

  /**
   * Drops the shared parser's hold on the last parse's tokens and errors
   * (chevrotain keeps its input until the next parse), so they do not stay
   * alive, and get copied by the garbage collector, while the checker runs.
   */
  release(): void {
    this.input = [];
  }

  protected override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return INSERTABLE.has(tokType);
  }

  /** chevrotain passes the expected type; the token that would be deleted is `LA(1)`. */
  protected override canTokenTypeBeDeletedInRecovery(_expected: TokenType): boolean {
    return !LAYOUT_TOKENS.has(this.LA(1).tokenType);
  }

  // ------------------------------------------------------------ positions

  private startOf(t: IToken): Position {
    if (this.RECORDING_PHASE) return NO_POSITION;
    let o = t.startOffset;
    if (Number.isNaN(o)) o = this.fallbackOffset();
    return this.pos.at(o);
  }

  private endOf(t: IToken): Position {
    if (this.RECORDING_PHASE) return NO_POSITION;
    let o = (t.endOffset ?? NaN) + 1;
    if (Number.isNaN(o)) o = this.fallbackOffset();
    return this.pos.at(o);
  }

  /** Where a token inserted by error recovery (it has no offsets) is taken to be. */
  private fallbackOffset(): number {
    const prev = this.LA(0);
    const end = (prev.endOffset ?? NaN) + 1;
    if (!Number.isNaN(end)) return end;
    const next = this.LA(1);
    return Number.isNaN(next.startOffset) ? this.textEnd : next.startOffset;
  }

  private tokSpan(a: IToken, b: IToken = a): Span {
    if (this.RECORDING_PHASE) return NO_SPAN;
    return { file: this.pos.file, start: this.startOf(a), end: this.endOf(b) };
  }

  private span(start: Position, end: Position): Span {
    return { file: this.pos.file, start, end };
  }

  private error(span: Span, message: string, help?: string): void {
    this.diagnostics.push(syntaxError(span, message, help));
  }

  // ------------------------------------------------------------ statements

  private readonly module = this.RULE(
    "module",
    (): Stmt[] => {
      const body: Stmt[] = [];
      if (this.RECORDING_PHASE) {
        this.MANY(() => this.SUBRULE(this.statement));
        return body;
      }
      this.statements(body, false);
      return body;
    },
    NO_RESYNC,
  );

  /** `statement*` up to the end of the block (or file), with statement-level recovery. */
  private statements(body: Stmt[], inBlock: boolean): void {
    for (;;) {
      const first = this.LA(1);
      const type = first.tokenType;
      if (type === EOF || (inBlock && type === Dedent)) return;
      try {
        const s = this.SUBRULE(this.statement);
        if (s !== undefined) body.push(s);
      } catch (e) {
        if (!isRecognitionException(e as Error)) throw e;
        this.recover(body, first, (e as IRecognitionException).token);
      }
      if (this.LA(1) === first) this.SKIP_TOKEN();
    }
  }

  /** Skips the rest of a broken statement; parses a block it opened, for its errors. */
  private recover(body: Stmt[], first: IToken, failed: IToken): void {
    const atLineStart = failed !== first && this.LA(0).tokenType === Newline;
    if (this.LA(1).tokenType === Indent) {
      this.SKIP_TOKEN();
      this.statements(body, true);
      if (this.LA(1).tokenType === Dedent) this.SKIP_TOKEN();
      return;
    }
    if (atLineStart) return;
    for (;;) {
      const t = this.LA(1).tokenType;
      if (t === EOF || t === Dedent) return;
      this.SKIP_TOKEN();
      if (t === Newline) break;
    }
    if (this.LA(1).tokenType === Indent) {
      this.SKIP_TOKEN();
      this.statements(body, true);
      if (this.LA(1).tokenType === Dedent) this.SKIP_TOKEN();
    }
  }

  private readonly statementAlts: IOrAlt<Stmt | undefined>[] = [
    { ALT: () => this.SUBRULE(this.forStatement) },
    { ALT: () => this.SUBRULE(this.ifStatement) },
    {
      ALT: () => {
        const s = this.SUBRULE(this.simpleStatement);
        this.CONSUME(Newline);
        return s;
      },
    },
    {
      ALT: () => {
        this.CONSUME(Skipped);
        this.CONSUME2(Newline);
        return undefined;
      },
    },
  ];

  private readonly statement = this.RULE("statement", (): Stmt | undefined => this.OR(this.statementAlts), NO_RESYNC);

  private readonly simpleAlts: IOrAlt<Stmt>[] = [
    { ALT: () => this.SUBRULE(this.returnStatement) },
    {
      ALT: () => {
        const t = this.CONSUME(Pass);
        return { kind: "Pass", id: -1, span: this.tokSpan(t) };
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(Break);
        return { kind: "Break", id: -1, span: this.tokSpan(t) };
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(Continue);
        return { kind: "Continue", id: -1, span: this.tokSpan(t) };
      },
    },
    { ALT: () => this.SUBRULE(this.expressionStatement) },
  ];

  private readonly simpleStatement = this.RULE("simpleStatement", (): Stmt => this.OR(this.simpleAlts), NO_RESYNC);

  private readonly returnStatement = this.RULE(
    "returnStatement",
    (): Stmt => {
      const t = this.CONSUME(Return);
      const value = this.OPTION(() => this.SUBRULE(this.testList));
      return this.ACTION(() => ({
        kind: "Return",
        id: -1,
        span: value === undefined ? this.tokSpan(t) : this.span(this.startOf(t), value.span.end),
        value,
      }));
    },
    NO_RESYNC,
  );

  private readonly expressionStatement = this.RULE(
    "expressionStatement",
    (): Stmt => {
      const left = this.SUBRULE(this.testList);
      const assign = this.OPTION(() => {
        const op = this.CONSUME(AssignOperator);
        const value = this.SUBRULE2(this.testList);
        return { op, value };
      });
      return this.ACTION((): Stmt => {
        if (assign === undefined) return { kind: "ExprStmt", id: -1, span: left.span, expr: left };
        const span = this.span(left.span.start, assign.value.span.end);
        if (assign.op.tokenType === Equals) {
          return { kind: "Assign", id: -1, span, target: this.toTarget(left, false), value: assign.value };
        }
        const target = this.toTarget(left, true) as Name | Subscript;
        const op = assign.op.image.slice(0, 1) as "+" | "-" | "*";
        return { kind: "AugAssign", id: -1, span, target, op, value: assign.value };
      });
    },
    NO_RESYNC,
  );

  /** Turns the expression left of `=` into a target, reporting what cannot be assigned. */
  private toTarget(e: Expr, augmented: boolean): AssignTarget {
    switch (e.kind) {
      case "Name":
      case "Subscript":
        return e;
      case "Tuple":
      case "List":
        if (augmented) {
          this.error(e.span, "cannot use an augmented assignment on several targets", "write `x = x + …` per target");
        } else if (e.elements.length > 0) {
          const t: TupleTarget = {
            kind: "TupleTarget",
            id: -1,
            span: e.span,
            elements: e.elements.map((x) => this.toTarget(x, false)),
          };
          return t;
        } else this.error(e.span, "cannot assign to an empty tuple");
        break;
      case "Attribute":
        this.error(
          e.span,
          `cannot assign to the field \`${e.name}\`: record fields are read-only`,
          "build a new dict with the value you need",
        );
        break;
      case "Call":
        this.error(e.span, "cannot assign to a function call", "assign to a name: `x = …`");
        break;
      case "Slice":
        this.error(e.span, "cannot assign to a slice", "build a new list, e.g. `xs = xs[:i] + ys`");
        break;
      case "Number":
      case "String":
      case "FString":
      case "Bool":
      case "None":
      case "Dict":
      case "ListComp":
      case "DictComp":
      case "BinOp":
      case "BoolOp":
      case "UnaryOp":
      case "Compare":
      case "IfExp":
        this.error(e.span, "cannot assign to this expression", "assign to a name, an item `d[k]`, or names `a, b`");
        break;
      default:
        assertNever(e);
    }
    return { kind: "Name", id: -1, span: e.span, name: "_" };
  }

  private readonly forStatement = this.RULE(
    "forStatement",
    (): ForNode => {
      const forTok = this.CONSUME(For);
      const target = this.SUBRULE(this.forTarget);
      this.CONSUME(In);
      const iter = this.SUBRULE(this.testList);
      const colon = this.CONSUME(Colon);
      const body = this.SUBRULE(this.suite);
      return this.ACTION(() => {
        const header = this.tokSpan(forTok, colon);
        return {
          kind: "For",
          id: -1,
          span: this.span(header.start, lastEnd(body, header)),
          target,
          iter,
          body,
          header,
        };
      });
    },
    NO_RESYNC,
  );

  private readonly ifStatement = this.RULE(
    "ifStatement",
    (): IfNode => {
      const ifTok = this.CONSUME(If);
      const test = this.SUBRULE(this.expression);
      const colon = this.CONSUME(Colon);
      const body = this.SUBRULE(this.suite);
      const elifs: { tok: IToken; test: Expr; colon: IToken; body: Stmt[] }[] = [];
      this.MANY(() => {
        const tok = this.CONSUME(Elif);
        const t = this.SUBRULE2(this.expression);
        const c = this.CONSUME2(Colon);
        const b = this.SUBRULE2(this.suite);
        elifs.push({ tok, test: t, colon: c, body: b });
      });
      const orelse = this.OPTION(() => {
        this.CONSUME(Else);
        this.CONSUME3(Colon);
        return this.SUBRULE3(this.suite);
      });
      return this.ACTION(() => {
        let rest: readonly Stmt[] = orelse ?? [];
        for (let i = elifs.length - 1; i >= 0; i--) {
          const e = elifs[i]!;
          const header = this.tokSpan(e.tok, e.colon);
          const node: IfNode = {
            kind: "If",
            id: -1,
            span: this.span(header.start, lastEnd(rest.length > 0 ? rest : e.body, header)),
            test: e.test,
            body: e.body,
            orelse: rest,
            isElif: true,
            header,
          };
          rest = [node];
        }
        const header = this.tokSpan(ifTok, colon);
        return {
          kind: "If",
          id: -1,
          span: this.span(header.start, lastEnd(rest.length > 0 ? rest : body, header)),
          test,
          body,
          orelse: rest,
          isElif: false,
          header,
        };
      });
    },
    NO_RESYNC,
  );

  private readonly suiteAlts: IOrAlt<Stmt[]>[] = [
    {
      ALT: () => {
        this.CONSUME(Newline);
        this.CONSUME(Indent);
        const body: Stmt[] = [];
        if (this.RECORDING_PHASE) this.AT_LEAST_ONE(() => this.SUBRULE(this.statement));
        else this.statements(body, true);
        this.CONSUME(Dedent);
        return body;
      },
    },
    {
      ALT: () => {
        const s = this.SUBRULE(this.simpleStatement);
        this.CONSUME2(Newline);
        return [s];
      },
    },
  ];

  /** The body after `:`: an indented block, or one simple statement on the same line. */
  private readonly suite = this.RULE("suite", (): Stmt[] => this.OR(this.suiteAlts), NO_RESYNC);

  /** `a` or `a, b` or `(a, b)`: the variables of a `for` or a comprehension. */
  private readonly forTarget = this.RULE(
    "forTarget",
    (): Name | TupleTarget => {
      const first = this.SUBRULE(this.targetAtom);
      const rest: (Name | TupleTarget)[] = [];
      this.MANY(() => {
        this.CONSUME(Comma);
        rest.push(this.SUBRULE2(this.targetAtom));
      });
      return this.ACTION(() => {
        if (rest.length === 0) return first;
        const last = rest[rest.length - 1]!;
        return {
          kind: "TupleTarget",
          id: -1,
          span: this.span(first.span.start, last.span.end),
          elements: [first, ...rest],
        };
      });
    },
    NO_RESYNC,
  );

  private readonly targetAtomAlts: IOrAlt<Name | TupleTarget>[] = [
    {
      ALT: () => {
        const t = this.CONSUME(Identifier);
        return { kind: "Name", id: -1, span: this.tokSpan(t), name: t.image };
      },
    },
    { ALT: () => this.SUBRULE(this.parenTarget) },
  ];

  private readonly targetAtom = this.RULE(
    "targetAtom",
    (): Name | TupleTarget => this.OR(this.targetAtomAlts),
    NO_RESYNC,
  );

  private readonly parenTarget = this.RULE(
    "parenTarget",
    (): Name | TupleTarget => {
      const open = this.OR([{ ALT: () => this.CONSUME(LParen) }, { ALT: () => this.CONSUME(LBracket) }]);
      const elements: (Name | TupleTarget)[] = [];
      let comma = false;
      elements.push(this.SUBRULE(this.targetAtom));
      this.MANY(() => {
        this.CONSUME(Comma);
        comma = true;
        this.OPTION(() => elements.push(this.SUBRULE2(this.targetAtom)));
      });
      const close = this.OR2([{ ALT: () => this.CONSUME(RParen) }, { ALT: () => this.CONSUME(RBracket) }]);
      return this.ACTION(() => {
        if (!comma && open.tokenType === LParen) return elements[0]!;
        return { kind: "TupleTarget", id: -1, span: this.tokSpan(open, close), elements };
      });
    },
    NO_RESYNC,
  );

  // ------------------------------------------------------------ expressions

  /** `e` or `e, e, …` (a tuple without parentheses). */
  private readonly testList = this.RULE(
    "testList",
    (): Expr => {
      const first = this.SUBRULE(this.expression);
      if (!this.RECORDING_PHASE && this.LA(1).tokenType !== Comma) return first;
      let elements: Expr[] | undefined;
      let lastComma: IToken | undefined;
      this.MANY(() => {
        lastComma = this.CONSUME(Comma);
        elements ??= [first];
        this.OPTION(() => {
          elements!.push(this.SUBRULE2(this.expression));
          lastComma = undefined;
        });
      });
      if (this.RECORDING_PHASE || elements === undefined) return first;
      const last = elements[elements.length - 1]!;
      const end = lastComma !== undefined ? this.endOf(lastComma) : last.span.end;
      return { kind: "Tuple", id: -1, span: this.span(first.span.start, end), elements };
    },
    NO_RESYNC,
  );

  /** `body if test else orelse`, or an `or`-level expression. */
  private readonly expression = this.RULE(
    "expression",
    (): Expr => {
      const body = this.SUBRULE(this.binary, ARGS_OR);
      if (!this.RECORDING_PHASE && this.LA(1).tokenType !== If) return body;
      const tail = this.OPTION(() => {
        this.CONSUME(If);
        const test = this.SUBRULE2(this.binary, ARGS_OR);
        this.CONSUME(Else);
        const orelse = this.SUBRULE(this.expression);
        return { test, orelse };
      });
      if (this.RECORDING_PHASE || tail === undefined) return body;
      return {
        kind: "IfExp",
        id: -1,
        span: this.span(body.span.start, tail.orelse.span.end),
        test: tail.test,
        body,
        orelse: tail.orelse,
      };
    },
    NO_RESYNC,
  );

  /**
   * Operators by precedence climbing: operands bind tighter than `minPrec`.
   * The recorded grammar is `unary (BinaryOperator binary)*`; at run time a
   * loop over the precedence table decides where the operand ends.
   */
  private readonly binary = this.RULE(
    "binary",
    (minPrec: number = PREC_OR): Expr => {
      this.curMin = minPrec;
      let left = this.SUBRULE(this.unary);
      if (this.RECORDING_PHASE) {
        this.MANY(() => {
          this.CONSUME(BinaryOperator);
          this.SUBRULE2(this.binary, ARGS_OR);
        });
        return left;
      }
      for (;;) {
        const prec = PRECEDENCE[this.LA(1).tokenTypeIdx] ?? 0;
        if (prec < minPrec || prec === 0) return left;
        const op = this.CONSUME(BinaryOperator);
        const right = this.SUBRULE2(this.binary, argsAbove(prec));
        left = this.makeBinary(op, prec, left, right);
      }
    },
    NO_RESYNC,
  );

  private makeBinary(op: IToken, prec: number, left: Expr, right: Expr): Expr {
    const span = this.span(left.span.start, right.span.end);
    const type = op.tokenType;
    if (type === And || type === Or) {
      return { kind: "BoolOp", id: -1, span, op: type === And ? "and" : "or", left, right };
    }
    if (prec === PREC_COMPARE) {
      if (left.kind === "Compare" && !this.parenthesized.has(left)) {
        this.error(
          this.tokSpan(op),
          "comparisons cannot be chained",
          "combine them with `and`, e.g. `a < b and b < c`",
        );
      }
      const cmp: CompareOperator = type === NotIn ? "not in" : type === In ? "in" : (op.image as CompareOperator);
      return { kind: "Compare", id: -1, span, op: cmp, left, right };
    }
    return { kind: "BinOp", id: -1, span, op: binaryOp(op), left, right };
  }

  /** Comparisons written in parentheses, which may be compared again. */
  private parenthesized = new WeakSet<Expr>();

  private readonly unaryAlts: IOrAlt<Expr>[] = [
    {
      ALT: () => {
        const t = this.CONSUME(Minus);
        this.curMin = PREC_UNARY;
        const operand = this.SUBRULE(this.unary);
        return this.unaryNode(t, "-", operand);
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(Plus);
        this.curMin = PREC_UNARY;
        const operand = this.SUBRULE2(this.unary);
        return this.unaryNode(t, "+", operand);
      },
    },
    {
      ALT: () => {
        // `not` binds looser than comparisons: it may start an operand only
        // where the climbing loop allows `not`-level expressions.
        const allowed = this.curMin <= PREC_NOT;
        const t = this.CONSUME(Not);
        const operand = this.SUBRULE(this.binary, ARGS_NOT);
        if (!allowed && !this.RECORDING_PHASE)
          this.error(this.tokSpan(t), "`not` cannot appear here", "put the negation in parentheses: `(not x)`");
        return this.unaryNode(t, "not", operand);
      },
    },
    { ALT: () => this.SUBRULE(this.postfix) },
  ];

  private unaryNode(t: IToken, op: "-" | "+" | "not", operand: Expr): Expr {
    if (this.RECORDING_PHASE) return operand;
    return { kind: "UnaryOp", id: -1, span: this.span(this.startOf(t), operand.span.end), op, operand };
  }

  /** Prefix operators (`-`, `+`, and `not` where allowed) or a postfix expression. */
  private readonly unary = this.RULE("unary", (): Expr => this.OR(this.unaryAlts), NO_RESYNC);

  private readonly suffixAlts: IOrAlt<Suffix>[] = [
    { ALT: () => this.SUBRULE(this.callArguments) },
    { ALT: () => this.SUBRULE(this.subscript) },
    {
      ALT: () => {
        this.CONSUME(Dot);
        const name = this.CONSUME(Identifier);
        return { k: "attr", name: name.image, nameSpan: this.tokSpan(name) };
      },
    },
  ];

  /** An atom followed by calls, subscripts, slices and attributes (a loop at run time). */
  private readonly postfix = this.RULE(
    "postfix",
    (): Expr => {
      let e = this.SUBRULE(this.atom);
      if (this.RECORDING_PHASE) {
        this.MANY(() => this.OR(this.suffixAlts));
        return e;
      }
      for (;;) {
        const t = this.LA(1).tokenType;
        if (t !== LParen && t !== LBracket && t !== Dot) return e;
        e = this.applySuffix(e, this.OR(this.suffixAlts));
      }
    },
    NO_RESYNC,
  );

  private applySuffix(e: Expr, s: Suffix): Expr {
    switch (s.k) {
      case "call":
        return {
          kind: "Call",
          id: -1,
          span: this.span(e.span.start, s.end),
          callee: e,
          args: s.args,
          keywords: s.keywords,
        };
      case "index":
        return { kind: "Subscript", id: -1, span: this.span(e.span.start, s.end), object: e, index: s.index };
      case "slice":
        return {
          kind: "Slice",
          id: -1,
          span: this.span(e.span.start, s.end),
          object: e,
          lower: s.lower,
          upper: s.upper,
        };
      case "attr":
        return {
          kind: "Attribute",
          id: -1,
          span: this.span(e.span.start, s.nameSpan.end),
          object: e,
          name: s.name,
          nameSpan: s.nameSpan,
        };
    }
  }

  private readonly callArguments = this.RULE(
    "callArguments",
    (): Suffix => {
      this.CONSUME(LParen);
      const items: Argument[] = [];
      this.OPTION(() => {
        items.push(this.SUBRULE(this.argument));
        this.MANY(() => {
          this.CONSUME(Comma);
          this.OPTION2(() => items.push(this.SUBRULE2(this.argument)));
        });
      });
      const close = this.CONSUME(RParen);
      return this.ACTION((): Suffix => {
        const args: Expr[] = [];
        const keywords: Keyword[] = [];
        let seen: Set<string> | undefined;
        for (const a of items) {
          if (a.k === "pos") {
            if (keywords.length > 0)
              this.error(
                a.value.span,
                "positional argument after a keyword argument",
                "put positional arguments first",
              );
            args.push(a.value);
          } else {
            seen ??= new Set<string>();
            if (seen.has(a.keyword.name))
              this.error(a.keyword.nameSpan, `repeated keyword argument \`${a.keyword.name}\``, "pass it once");
            seen.add(a.keyword.name);
            keywords.push(a.keyword);
          }
        }
        return { k: "call", args, keywords, end: this.endOf(close) };
      });
    },
    NO_RESYNC,
  );

  private readonly argumentAlts: IOrAlt<Argument>[] = [
    {
      ALT: () => {
        const name = this.CONSUME(Identifier);
        this.CONSUME(Equals);
        const value = this.SUBRULE(this.expression);
        return this.ACTION((): Argument => ({
          k: "kw",
          keyword: { name: name.image, nameSpan: this.tokSpan(name), value },
        }));
      },
    },
    {
      ALT: () => {
        const value = this.SUBRULE2(this.expression);
        return { k: "pos", value };
      },
    },
  ];

  private readonly argument = this.RULE("argument", (): Argument => this.OR(this.argumentAlts), NO_RESYNC);

  private readonly subscript = this.RULE(
    "subscript",
    (): Suffix => {
      this.CONSUME(LBracket);
      const inner = this.OR<SliceParts>([
        {
          ALT: () => {
            this.CONSUME(Colon);
            const upper = this.OPTION(() => this.SUBRULE(this.expression));
            this.OPTION2(() => this.SUBRULE(this.sliceStep));
            return { slice: true, lower: undefined, upper };
          },
        },
        {
          ALT: () => {
            const lower = this.SUBRULE2(this.expression);
            let slice = false;
            let upper: Expr | undefined;
            this.OPTION3(() => {
              this.CONSUME2(Colon);
              slice = true;
              upper = this.OPTION4(() => this.SUBRULE3(this.expression));
              this.OPTION5(() => this.SUBRULE2(this.sliceStep));
            });
            return { slice, lower, upper };
          },
        },
      ]);
      const close = this.CONSUME(RBracket);
      return this.ACTION((): Suffix => {
        const end = this.endOf(close);
        if (inner.slice) return { k: "slice", lower: inner.lower, upper: inner.upper, end };
        return { k: "index", index: inner.lower!, end };
      });
    },
    NO_RESYNC,
  );

  private readonly sliceStep = this.RULE(
    "sliceStep",
    (): void => {
      const colon = this.CONSUME(Colon);
      const step = this.OPTION(() => this.SUBRULE(this.expression));
      this.ACTION(() =>
        this.error(
          step === undefined ? this.tokSpan(colon) : this.span(this.startOf(colon), step.span.end),
          "slices take no step",
          "write `x[a:b]`; use `reversed(x)` to go backwards",
        ),
      );
    },
    NO_RESYNC,
  );

  private readonly atomAlts: IOrAlt<Expr>[] = [
    {
      ALT: () => {
        const t = this.CONSUME(Identifier);
        return { kind: "Name", id: -1, span: this.tokSpan(t), name: t.image };
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(NumberLiteral);
        return this.ACTION((): Expr => {
          const raw = t.image;
          const value = Number(raw.includes("_") ? raw.replace(/_/g, "") : raw);
          const isFloat = /[.eE]/.test(raw);
          return { kind: "Number", id: -1, span: this.tokSpan(t), value, isFloat, raw };
        });
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(StringLiteral);
        return { kind: "String", id: -1, span: this.tokSpan(t), value: (t as LayoutToken).payload ?? "" };
      },
    },
    { ALT: () => this.SUBRULE(this.fString) },
    {
      ALT: () => {
        const t = this.CONSUME(True);
        return { kind: "Bool", id: -1, span: this.tokSpan(t), value: true };
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(False);
        return { kind: "Bool", id: -1, span: this.tokSpan(t), value: false };
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(None);
        return { kind: "None", id: -1, span: this.tokSpan(t) };
      },
    },
    { ALT: () => this.SUBRULE(this.parenthesis) },
    { ALT: () => this.SUBRULE(this.list) },
    { ALT: () => this.SUBRULE(this.dict) },
  ];

  private readonly atom = this.RULE("atom", (): Expr => this.OR(this.atomAlts), NO_RESYNC);

  private readonly fStringAlts: IOrAlt<string | Expr>[] = [
    { ALT: () => (this.CONSUME(FStringText) as LayoutToken).payload ?? "" },
    {
      ALT: () => {
        this.CONSUME(FStringHoleOpen);
        const e = this.SUBRULE(this.expression);
        this.CONSUME(FStringHoleClose);
        return e;
      },
    },
  ];

  private readonly fString = this.RULE(
    "fString",
    (): Expr => {
      const start = this.CONSUME(FStringStart);
      const parts: (string | Expr)[] = [];
      this.MANY(() => {
        const p = this.OR(this.fStringAlts);
        this.ACTION(() => {
          const last = parts[parts.length - 1];
          if (typeof p === "string" && typeof last === "string") parts[parts.length - 1] = last + p;
          else parts.push(p);
        });
      });
      const end = this.CONSUME(FStringEnd);
      return this.ACTION(() => ({ kind: "FString", id: -1, span: this.tokSpan(start, end), parts }));
    },
    NO_RESYNC,
  );

  /** `()`, `(e)`, `(e,)`, `(a, b)`; a generator `(e for …)` is reported. */
  private readonly parenthesis = this.RULE(
    "parenthesis",
    (): Expr => {
      const open = this.CONSUME(LParen);
      const inner = this.OPTION((): SeqParts => {
        const first = this.SUBRULE(this.expression);
        return this.OR<SeqParts>([
          {
            ALT: () => {
              const generators = this.SUBRULE(this.comprehensionClauses);
              return { first, generators, elements: undefined as Expr[] | undefined };
            },
          },
          {
            ALT: () => {
              let elements: Expr[] | undefined;
              this.MANY(() => {
                this.CONSUME(Comma);
                elements ??= [first];
                this.OPTION2(() => elements!.push(this.SUBRULE2(this.expression)));
              });
              return { first, generators: undefined, elements };
            },
          },
        ]);
      });
      const close = this.CONSUME(RParen);
      return this.ACTION((): Expr => {
        const span = this.tokSpan(open, close);
        if (inner === undefined) return { kind: "Tuple", id: -1, span, elements: [] };
        if (inner.generators !== undefined) {
          this.error(span, "generator expressions are not supported", "use a list comprehension: `[… for … in …]`");
          return { kind: "ListComp", id: -1, span, element: inner.first, generators: inner.generators };
        }
        if (inner.elements !== undefined) return { kind: "Tuple", id: -1, span, elements: inner.elements };
        if (inner.first.kind === "Compare") this.parenthesized.add(inner.first);
        return inner.first;
      });
    },
    NO_RESYNC,
  );

  /** `[]`, `[a, b]`, `[e for … in … if …]`. */
  private readonly list = this.RULE(
    "list",
    (): Expr => {
      const open = this.CONSUME(LBracket);
      const inner = this.OPTION((): SeqParts => {
        const first = this.SUBRULE(this.expression);
        return this.OR<SeqParts>([
          {
            ALT: () => ({
              first,
              generators: this.SUBRULE(this.comprehensionClauses),
              elements: undefined as Expr[] | undefined,
            }),
          },
          {
            ALT: () => {
              const elements: Expr[] = [first];
              this.MANY(() => {
                this.CONSUME(Comma);
                this.OPTION2(() => elements.push(this.SUBRULE2(this.expression)));
              });
              return { first, generators: undefined, elements };
            },
          },
        ]);
      });
      const close = this.CONSUME(RBracket);
      return this.ACTION((): Expr => {
        const span = this.tokSpan(open, close);
        if (inner === undefined) return { kind: "List", id: -1, span, elements: [] };
        if (inner.generators !== undefined)
          return { kind: "ListComp", id: -1, span, element: inner.first, generators: inner.generators };
        return { kind: "List", id: -1, span, elements: inner.elements ?? [] };
      });
    },
    NO_RESYNC,
  );

  /** `{}`, `{k: v, …}`, `{k: v for … in … if …}`. */
  private readonly dict = this.RULE(
    "dict",
    (): Expr => {
      const open = this.CONSUME(LBrace);
      const inner = this.OPTION((): DictParts => {
        const key = this.SUBRULE(this.expression);
        this.CONSUME(Colon);
        const value = this.SUBRULE2(this.expression);
        return this.OR<DictParts>([
          {
            ALT: () => ({
              key,
              value,
              generators: this.SUBRULE(this.comprehensionClauses),
              entries: undefined as DictEntry[] | undefined,
            }),
          },
          {
            ALT: () => {
              const entries: DictEntry[] = [{ key, value }];
              this.MANY(() => {
                this.CONSUME(Comma);
                this.OPTION2(() => {
                  const k = this.SUBRULE3(this.expression);
                  this.CONSUME2(Colon);
                  const v = this.SUBRULE4(this.expression);
                  entries.push({ key: k, value: v });
                });
              });
              return { key, value, generators: undefined, entries };
            },
          },
        ]);
      });
      const close = this.CONSUME(RBrace);
      return this.ACTION((): Expr => {
        const span = this.tokSpan(open, close);
        if (inner === undefined) return { kind: "Dict", id: -1, span, entries: [] };
        if (inner.generators !== undefined)
          return { kind: "DictComp", id: -1, span, key: inner.key, value: inner.value, generators: inner.generators };
        const entries = inner.entries ?? [];
        this.checkRepeatedKeys(entries);
        return { kind: "Dict", id: -1, span, entries };
      });
    },
    NO_RESYNC,
  );

  private checkRepeatedKeys(entries: readonly DictEntry[]): void {
    if (entries.length < 2) return;
    const seen = new Set<string>();
    for (const { key } of entries) {
      const constant = constantKey(key);
      if (constant === undefined) continue;
      const [id, shown] = constant;
      if (seen.has(id)) {
        this.error(key.span, `repeated key \`${shown}\` in dict literal`, "give each key once; the last one would win");
      }
      seen.add(id);
    }
  }

  /** `for t in xs if c …` (one or more clauses). */
  private readonly comprehensionClauses = this.RULE(
    "comprehensionClauses",
    (): Comprehension[] => {
      const clauses: Comprehension[] = [];
      this.AT_LEAST_ONE(() => {
        const forTok = this.CONSUME(For);
        const target = this.SUBRULE(this.forTarget);
        this.CONSUME(In);
        const iter = this.SUBRULE(this.binary, ARGS_OR);
        const ifs: Expr[] = [];
        this.MANY(() => {
          this.CONSUME(If);
          ifs.push(this.SUBRULE2(this.binary, ARGS_OR));
        });
        this.ACTION(() => {
          const last = ifs[ifs.length - 1] ?? iter;
          clauses.push({
            kind: "Comprehension",
            id: -1,
            span: this.span(this.startOf(forTok), last.span.end),
            target,
            iter,
            ifs,
          });
        });
      });
      return clauses;
    },
    NO_RESYNC,
  );
}

/** An identity and a display for a constant dict key, or undefined. */
function constantKey(key: Expr): [string, string] | undefined {
  if (key.kind === "String") return [`s${key.value}`, JSON.stringify(key.value)];
  if (key.kind === "Number") return [`n${key.value}`, key.raw];
  if (key.kind === "Bool") return [`b${key.value}`, key.value ? "True" : "False"];
  if (key.kind === "None") return ["None", "None"];
  return undefined;
}

function lastEnd(body: readonly Stmt[], header: Span): Position {
  const last = body[body.length - 1];
  return last === undefined ? header.end : last.span.end;
}

// ---------------------------------------------------------------- error messages

function describe(t: IToken): string {
  const type = t.tokenType;
  if (type === EOF) return "the end of the file";
  if (type === Newline) return "the end of the line";
  if (type === Indent) return "an indented line";
  if (type === Dedent) return "the end of the block";
  if (type === StringLiteral) return "a string";
  if (type === FStringStart) return "an f-string";
  if (type === FStringHoleClose) return "`}`";
  return `\`${t.image}\``;
}

function withHelp(message: string, help: string): string {
  return message + HELP_SEPARATOR + help;
}

const EXPRESSION_RULES = new Set(["expression", "binary", "unary", "postfix", "atom", "testList", "argument"]);

/** Plain-word messages for chevrotain's recognition errors (help after `HELP_SEPARATOR`). */
export const ERROR_MESSAGES: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    const found = describe(actual);
    if (expected === Colon) {
      switch (ruleName) {
        case "forStatement":
          return withHelp("expected `:` after the `for` header", "write `for x in items:`");
        case "ifStatement":
          if (previous.tokenType === Else) return withHelp("expected `:` after `else`", "write `else:`");
          return withHelp("expected `:` after the condition", "write `if condition:`");
        case "dict":
          return withHelp(
            `expected \`:\` after the dict key, found ${found}`,
            "a dict entry is `key: value`; sets are not supported",
          );
        default:
          return `expected \`:\`, found ${found}`;
      }
    }
    if (expected === In)
      return withHelp(`expected \`in\` after the loop variable, found ${found}`, "write `for x in items`");
    if (expected === RParen) {
      if (ruleName === "callArguments")
        return withHelp(
          `expected \`,\` or \`)\` in the argument list, found ${found}`,
          "separate arguments with `,` and close the call with `)`",
        );
      if (actual.tokenType === For)
        return withHelp("generator expressions are not supported", "use a list comprehension: `[… for … in …]`");
      return `expected \`)\`, found ${found}`;
    }
    if (expected === RBracket) {
      if (ruleName === "list")
        return withHelp(
          `expected \`,\` or \`]\` in the list, found ${found}`,
          "separate items with `,` and close the list with `]`",
        );
      if (ruleName === "subscript") return `expected \`]\` after the index, found ${found}`;
      return `expected \`]\`, found ${found}`;
    }
    if (expected === RBrace)
      return withHelp(
        `expected \`,\` or \`}\` in the dict, found ${found}`,
        "separate entries with `,` and close the dict with `}`",
      );
    if (expected === FStringHoleClose)
      return withHelp(`expected \`}\` to end the f-string hole, found ${found}`, "a hole holds one expression");
    if (expected === Newline) {
      if (actual.tokenType === Equals)
        return withHelp("chained assignment is not supported", "assign on separate lines");
      if (actual.tokenType === AssignOperator || actual.tokenType === Colon) return `unexpected ${found}`;
      return withHelp(
        `expected the end of the statement, found ${found}`,
        "is an operator or a `,` missing? Put each statement on its own line",
      );
    }
    if (expected === Indent)
      return withHelp("expected an indented block after `:`", "indent the body, e.g. by 4 spaces");
    if (expected === Dedent) return `expected the end of the block, found ${found}`;
    if (expected === Identifier) {
      if (previous.tokenType === Dot)
        return withHelp(`expected a field or method name after \`.\`, found ${found}`, "write `x.name`");
      return `expected a name, found ${found}`;
    }
    if (expected === Else)
      return withHelp(
        `expected \`else\` in the conditional expression, found ${found}`,
        "write `a if condition else b`",
      );
    if (expected === Equals) return `expected \`=\`, found ${found}`;
    return `expected \`${expected.LABEL ?? expected.name}\`, found ${found}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describe(firstRedundant)}`;
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    const t = actual[0]!;
    const found = describe(t);
    const type = t.tokenType;
    if (type === Indent) return withHelp("unexpected indentation", "indent only the body of a `for` or an `if`");
    if (ruleName === "statement" || ruleName === "simpleStatement") {
      if (type === Else || type === Elif)
        return withHelp(`\`${t.image}\` without a matching \`if\``, "align it with the `if` it belongs to");
      if (type === RParen || type === RBracket || type === RBrace)
        return withHelp(`unmatched ${found}`, "remove it or add the opening bracket");
      if (type === Dedent) return "unexpected end of the block";
      return `expected a statement, found ${found}`;
    }
    if (ruleName === "targetAtom" || ruleName === "parenTarget")
      return withHelp(`expected a loop variable, found ${found}`, "write a name, or names separated by `,`");
    if (ruleName === "suite")
      return withHelp(`expected a block after \`:\`, found ${found}`, "put the body on the next lines, indented");
    if (ruleName === "subscript")
      return withHelp(`expected an index or a slice, found ${found}`, "write `x[i]` or `x[a:b]`");
    if (EXPRESSION_RULES.has(ruleName) || ruleName === "parenthesis" || ruleName === "list" || ruleName === "dict") {
      if (type === Newline || type === EOF)
        return withHelp("expected an expression before the end of the line", "complete the expression");
      if (type === Not) return withHelp("`not` cannot appear here", "put the negation in parentheses: `(not x)`");
      return `expected an expression, found ${found}`;
    }
    return `unexpected ${found}`;
  },
  buildEarlyExitMessage({ actual, ruleName }) {
    const t = actual[0]!;
    if (ruleName === "comprehensionClauses") return `expected \`for\` in the comprehension, found ${describe(t)}`;
    return `unexpected ${describe(t)}`;
  },
};

/** The shared parser instance. */
export const PARSER = new PartwiseParser();
