/**
 * Where a JSON text first goes wrong. `JSON.parse` on Node 20 does not
 * always say where (for some errors it quotes the text instead of giving a
 * position), and a usage error must name the line; this scanner finds the
 * offset of the first error without recursion, so deep nesting is safe.
 */

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** The first syntax error in `text` as a 0-based offset and a reason, or undefined when it is valid JSON. */
export function findJsonError(text: string): { readonly offset: number; readonly reason: string } | undefined {
  let i = 0;
  const n = text.length;
  // The open containers; the loop below alternates between "a value is due" and "after a value".
  const stack: ("array" | "object")[] = [];
  const ws = (): void => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const fail = (reason: string): { offset: number; reason: string } => ({ offset: Math.min(i, n), reason });
  const scanString = (): string | undefined => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c < 0x20) return "a control character inside a string";
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return "a bad \\u escape";
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return "a bad escape";
        i += 2;
        continue;
      }
      i++;
    }
    return "an unterminated string";
  };
  const scanScalar = (): string | undefined => {
    const c = text[i];
    if (c === '"') return scanString();
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m !== null && m[0] !== "" && m[0] !== "-") {
      i += m[0].length;
      return undefined;
    }
    for (const lit of ["true", "false", "null"]) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return undefined;
      }
    }
    return c === undefined ? "the text ends where a value should be" : `unexpected \`${c}\` where a value should be`;
  };

  ws();
  for (;;) {
    // Expecting a value.
    if (i >= n) return fail("the text ends where a value should be");
    const c = text[i];
    if (c === "[" || c === "{") {
      stack.push(c === "[" ? "array" : "object");
      i++;
      ws();
      if (text[i] === (c === "[" ? "]" : "}")) {
        stack.pop();
        i++;
      } else if (c === "{") {
        if (text[i] !== '"') return fail("expected a string key or `}`");
        const e = scanString();
        if (e !== undefined) return fail(e);
        ws();
        if (text[i] !== ":") return fail("expected `:` after the key");
        i++;
        ws();
        continue;
      } else continue;
    } else {
      const e = scanScalar();
      if (e !== undefined) return fail(e);
    }
    // After a value: close containers or take the next element.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? fail("unexpected text after the value") : undefined;
      const close = top === "array" ? "]" : "}";
      if (text[i] === close) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ",") return fail(`expected \`,\` or \`${close}\``);
      i++;
      ws();
      if (text[i] === close) return fail("a trailing comma");
      if (top === "object") {
        if (text[i] !== '"') return fail("expected a string key");
        const e = scanString();
        if (e !== undefined) return fail(e);
        ws();
        if (text[i] !== ":") return fail("expected `:` after the key");
        i++;
        ws();
      }
      break;
    }
  }
}
