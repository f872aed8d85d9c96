/**
 * The prelude cut down to one compiled program: only the top-level helpers
 * the program can reach from the runtime members it names (`$.get`, `$.call`,
 * …), plus `__pw_run` and what it needs.
 *
 * Why: QuickJS compiles every function of a script eagerly, and compiling
 * the whole prelude in each fresh context is most of a run's fixed cost
 * (about 5.7 ms of its 46 KB; evaluating the compiled top level is under
 * 0.2 ms). quickjs-emscripten 0.32 offers no way to load precompiled
 * bytecode into a context (`compileOnly` yields a value nothing can run, and
 * its binary JSON is written without `JS_WRITE_OBJ_BYTECODE`), so the only
 * lever is compiling less. Minifying does not help: the compiler, not the
 * lexer, is the cost (a minified prelude saved under 10%).
 *
 * How: the prelude (our own plain ES2020 source, see `prelude.ts`) is split
 * once per process into its top-level statements inside the IIFE, each with
 * the names it declares and the identifiers it mentions (a small tokenizer:
 * strings, comments and regular expressions skipped; an identifier after
 * `.` is a property, every other identifier counts as a possible
 * reference, so the analysis may keep too much but never too little). The
 * `RT` object literal is split by member. A program's prelude is the
 * statements in the closure of its members, in their original order, so
 * every helper a run can reach is present and behaves exactly as in the full
 * prelude. A test checks the closure against TypeScript's own parse.
 *
 * Anything unexpected in the prelude's shape makes this fall back to the
 * full prelude.
 */
import { PRELUDE } from "./prelude.js";

/** One top-level statement of the prelude's IIFE. */
export interface Chunk {
  readonly text: string;
  readonly declares: readonly string[];
  readonly refs: readonly string[];
}

/** One member of the `RT` object literal. */
export interface Member {
  readonly text: string;
  readonly refs: readonly string[];
}

export interface Shape {
  readonly head: string;
  readonly foot: string;
  readonly chunks: readonly Chunk[];
  /** Index in `chunks` of the `var RT = Object.freeze({…});` statement. */
  readonly rtIndex: number;
  readonly rtPrefix: string;
  readonly rtSuffix: string;
  readonly members: ReadonlyMap<string, Member>;
  /** Chunk index by declared name. */
  readonly byName: ReadonlyMap<string, number>;
}

export interface Token {
  readonly kind: "id" | "punct" | "other";
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** Keywords after which a `/` starts a regular expression. */
const BEFORE_REGEX = new Set([
  "return",
  "typeof",
  "case",
  "in",
  "of",
  "instanceof",
  "new",
  "delete",
  "void",
  "throw",
  "else",
  "do",
]);

/** Splits plain ES2020 source into identifiers and punctuators; skips strings, comments and regexes. */
export function tokenize(src: string): readonly Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  const regexAllowed = (): boolean => {
    const prev = out[out.length - 1];
    if (prev === undefined) return true;
    if (prev.kind === "id") return BEFORE_REGEX.has(prev.value);
    if (prev.kind === "other") return false;
    return prev.value !== ")" && prev.value !== "]" && prev.value !== "}";
  };
  while (i < n) {
    const c = src.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "/" && src.charAt(i + 1) === "/") {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === "/" && src.charAt(i + 1) === "*") {
      const close = src.indexOf("*/", i + 2);
      if (close < 0) throw new Error("unterminated comment");
      i = close + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < n && src.charAt(i) !== c) {
        if (src.charAt(i) === "\n") throw new Error("unterminated string");
        i += src.charAt(i) === "\\" ? 2 : 1;
      }
      if (i >= n) throw new Error("unterminated string");
      i++;
      out.push({ kind: "other", value: "string", start, end: i });
      continue;
    }
    if (c === "`") throw new Error("template literals are not supported");
    if (c === "/" && regexAllowed()) {
      i++;
      let inClass = false;
      while (i < n) {
        const d = src.charAt(i);
        if (d === "\n") throw new Error("unterminated regular expression");
        if (d === "\\") i += 2;
        else {
          if (d === "[") inClass = true;
          else if (d === "]") inClass = false;
          else if (d === "/" && !inClass) break;
          i++;
        }
      }
      i++;
      while (i < n && /[a-z]/i.test(src.charAt(i))) i++;
      out.push({ kind: "other", value: "regex", start, end: i });
      continue;
    }
    const id = /^[A-Za-z_$][\w$]*/.exec(src.slice(i, i + 256));
    if (id !== null) {
      i += id[0].length;
      out.push({ kind: "id", value: id[0], start, end: i });
      continue;
    }
    const num = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(src.slice(i, i + 64));
    if (num !== null) {
      i += num[0].length;
      out.push({ kind: "other", value: "number", start, end: i });
      continue;
    }
    if (src.startsWith("...", i)) {
      i += 3;
      out.push({ kind: "punct", value: "...", start, end: i });
      continue;
    }
    i++;
    out.push({ kind: "punct", value: c, start, end: i });
  }
  return out;
}

const OPEN = new Set(["(", "[", "{"]);
const CLOSE = new Set([")", "]", "}"]);

/** Index of the token closing the bracket opened at `i`. */
function matching(toks: readonly Token[], i: number): number {
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    const t = toks[j];
    if (t === undefined || t.kind !== "punct") continue;
    if (OPEN.has(t.value)) depth++;
    else if (CLOSE.has(t.value) && --depth === 0) return j;
  }
  throw new Error("unbalanced brackets");
}

/** Index of the first `value` punctuator at bracket depth 0 from `i` (before `end`). */
function atDepth0(toks: readonly Token[], i: number, end: number, value: string): number {
  let depth = 0;
  for (let j = i; j < end; j++) {
    const t = toks[j];
    if (t === undefined || t.kind !== "punct") continue;
    if (depth === 0 && t.value === value) return j;
    if (OPEN.has(t.value)) depth++;
    else if (CLOSE.has(t.value)) depth--;
  }
  return -1;
}

/** Identifiers in `[from, to)` that are not property names after `.`. */
function refsIn(toks: readonly Token[], from: number, to: number): string[] {
  const refs = new Set<string>();
  for (let j = from; j < to; j++) {
    const t = toks[j];
    if (t?.kind !== "id") continue;
    const prev = toks[j - 1];
    if (prev?.kind === "punct" && prev.value === ".") continue;
    refs.add(t.value);
  }
  return [...refs];
}

function tok(toks: readonly Token[], i: number): Token {
  const t = toks[i];
  if (t === undefined) throw new Error("unexpected end of the prelude");
  return t;
}

/** Splits the prelude into its top-level statements. Throws on a shape it does not know. */
export function analyzePrelude(src: string): Shape {
  const toks = tokenize(src);
  // `(function () {` … `})();`
  const open = toks.findIndex((t) => t.kind === "punct" && t.value === "{");
  if (open < 0) throw new Error("no IIFE body");
  const close = matching(toks, open);
  const chunks: Chunk[] = [];
  const byName = new Map<string, number>();
  let rt: { index: number; prefix: string; suffix: string; members: Map<string, Member> } | undefined;
  let i = open + 1;
  while (i < close) {
    const first = tok(toks, i);
    let end: number; // index of the statement's last token
    const declares: string[] = [];
    const isFn = first.value === "function" || (first.value === "async" && tok(toks, i + 1).value === "function");
    if (first.kind === "id" && isFn) {
      const fnAt = first.value === "async" ? i + 1 : i;
      const name = tok(toks, fnAt + 1);
      if (name.kind !== "id") throw new Error("anonymous top-level function");
      declares.push(name.value);
      const params = fnAt + 2;
      if (tok(toks, params).value !== "(") throw new Error("unexpected function shape");
      const body = matching(toks, params) + 1;
      if (tok(toks, body).value !== "{") throw new Error("unexpected function shape");
      end = matching(toks, body);
    } else {
      end = atDepth0(toks, i, close, ";");
      if (end < 0) throw new Error("statement without `;`");
      if (first.kind === "id" && first.value === "var") {
        for (let j = i; j < end; j++) {
          const t = tok(toks, j);
          const next = tok(toks, j + 1);
          // `var a = …, b = …;`: the first name, and each after a comma at the statement's depth 0.
          const declarator = j === i || (t.kind === "punct" && t.value === "," && isTopComma(toks, i, j));
          if (declarator && next.kind === "id") declares.push(next.value);
        }
      }
    }
    const text = src.slice(first.start, tok(toks, end).end);
    const index = chunks.length;
    if (declares.includes("RT")) {
      rt = { index, ...splitRt(src, toks, i, end) };
      chunks.push({ text, declares, refs: [] });
    } else {
      chunks.push({ text, declares, refs: refsIn(toks, i, end + 1) });
    }
    for (const d of declares) byName.set(d, index);
    i = end + 1;
  }
  if (rt === undefined) throw new Error("no `var RT` in the prelude");
  return {
    head: src.slice(0, tok(toks, open).end),
    foot: src.slice(tok(toks, close).start),
    chunks,
    rtIndex: rt.index,
    rtPrefix: rt.prefix,
    rtSuffix: rt.suffix,
    members: rt.members,
    byName,
  };
}

/** True when the comma at `j` is at bracket depth 0 of the statement starting at `from`. */
function isTopComma(toks: readonly Token[], from: number, j: number): boolean {
  let depth = 0;
  for (let k = from; k < j; k++) {
    const t = tok(toks, k);
    if (t.kind !== "punct") continue;
    if (OPEN.has(t.value)) depth++;
    else if (CLOSE.has(t.value)) depth--;
  }
  return depth === 0;
}

/** `var RT = Object.freeze({ a: a, b: function … });` split into its members. */
function splitRt(
  src: string,
  toks: readonly Token[],
  from: number,
  end: number,
): { prefix: string; suffix: string; members: Map<string, Member> } {
  let brace = -1;
  for (let j = from; j < end; j++) {
    if (tok(toks, j).value === "{") {
      brace = j;
      break;
    }
  }
  if (brace < 0) throw new Error("`RT` is not an object literal");
  const closeBrace = matching(toks, brace);
  const members = new Map<string, Member>();
  let j = brace + 1;
  while (j < closeBrace) {
    let k = atDepth0(toks, j, closeBrace, ",");
    if (k < 0) k = closeBrace;
    const key = tok(toks, j);
    if (key.kind !== "id" || tok(toks, j + 1).value !== ":") throw new Error("unexpected `RT` member");
    members.set(key.value, {
      text: src.slice(key.start, tok(toks, k - 1).end),
      refs: refsIn(toks, j + 2, k),
    });
    j = k + 1;
  }
  return {
    prefix: src.slice(tok(toks, from).start, tok(toks, brace).end),
    suffix: src.slice(tok(toks, closeBrace).start, tok(toks, end).end),
    members,
  };
}

/** The prelude with only what `members` reach (all of `RT` when undefined). */
export function shakePrelude(shape: Shape, members: ReadonlySet<string> | undefined): string {
  const keep = new Set<number>();
  const todo: string[] = [];
  const rtMembers = [...shape.members.keys()].filter((k) => members === undefined || members.has(k));
  for (const k of rtMembers) todo.push(...(shape.members.get(k)?.refs ?? []));
  shape.chunks.forEach((c, index) => {
    if (c.declares.length === 0) {
      keep.add(index);
      todo.push(...c.refs);
    }
  });
  while (todo.length > 0) {
    const name = todo.pop();
    const index = name === undefined ? undefined : shape.byName.get(name);
    if (index === undefined || keep.has(index)) continue;
    keep.add(index);
    todo.push(...(shape.chunks[index]?.refs ?? []));
  }
  const parts: string[] = [];
  shape.chunks.forEach((c, index) => {
    if (!keep.has(index)) return;
    if (index === shape.rtIndex) {
      const body = rtMembers.map((k) => shape.members.get(k)?.text ?? "").join(",\n  ");
      parts.push(`${shape.rtPrefix}\n  ${body}\n${shape.rtSuffix}`);
    } else parts.push(c.text);
  });
  return `${shape.head}\n${parts.join("\n")}\n${shape.foot}`;
}

let shape: Shape | undefined | false;
const cache = new Map<string, string>();
const CACHE_SIZE = 128;

/** The runtime members a compiled program names (`$.name`); may include a few it does not use. */
export function membersUsed(code: string): ReadonlySet<string> {
  const used = new Set<string>();
  for (const m of code.matchAll(/\$\.([A-Za-z_$][\w$]*)/g)) if (m[1] !== undefined) used.add(m[1]);
  return used;
}

/**
 * The prelude for one compiled program (see `codegen.ts`): the full
 * `PRELUDE` with every top-level helper the program cannot reach left out.
 * Cached per set of runtime members.
 */
export function preludeFor(code: string): string {
  if (shape === undefined) {
    try {
      shape = analyzePrelude(PRELUDE);
    } catch {
      shape = false;
    }
  }
  if (shape === false) return PRELUDE;
  const members = [...membersUsed(code)].filter((m) => (shape as Shape).members.has(m)).sort();
  const key = members.join(",");
  let text = cache.get(key);
  if (text === undefined) {
    text = shakePrelude(shape, new Set(members));
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(key, text);
  }
  return text;
}
