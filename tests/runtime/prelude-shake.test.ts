/**
 * The prelude cut to a program (`prelude-shake.ts`): every top-level name a
 * kept statement refers to is kept too, checked against TypeScript's own
 * parse of the result, for every runtime member on its own (the closure of a
 * set of members is the union of their closures).
 */
import vm from "node:vm";
import { ts } from "ts-morph";
import { describe, expect, it } from "vitest";
import { PRELUDE } from "../../src/runtime/prelude.js";
import { analyzePrelude, membersUsed, preludeFor, shakePrelude, tokenize } from "../../src/runtime/prelude-shake.js";

/** The statements of the prelude's IIFE body, parsed by TypeScript. */
function iifeBody(src: string): ts.Block {
  const sf = ts.createSourceFile("prelude.js", src, ts.ScriptTarget.ES2020, true, ts.ScriptKind.JS);
  const first = sf.statements[0];
  if (first === undefined || !ts.isExpressionStatement(first) || !ts.isCallExpression(first.expression)) {
    throw new Error("the prelude is not an IIFE");
  }
  const callee = first.expression.expression;
  const fn = ts.isParenthesizedExpression(callee) ? callee.expression : callee;
  if (!ts.isFunctionExpression(fn)) throw new Error("the prelude is not an IIFE");
  return fn.body;
}

/** Names declared at the top of the IIFE. */
function topNames(body: ts.Block): Set<string> {
  const names = new Set<string>();
  for (const s of body.statements) {
    if (ts.isFunctionDeclaration(s) && s.name !== undefined) names.add(s.name.text);
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
    }
  }
  return names;
}

/** Identifiers used as values (not property names, not declarations' own names). */
function referenced(body: ts.Block): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n);
      if (!isPropertyName) out.add(n.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  return out;
}

const shape = analyzePrelude(PRELUDE);
const allTop = topNames(iifeBody(PRELUDE));

describe("prelude shaking", () => {
  it("splits the prelude into exactly the statements TypeScript sees", () => {
    const body = iifeBody(PRELUDE);
    expect(shape.chunks.length).toBe(body.statements.length);
    expect(new Set(shape.chunks.flatMap((c) => c.declares))).toEqual(allTop);
  });

  it("keeps every top-level name each runtime member can reach", () => {
    expect(shape.members.size).toBeGreaterThan(50);
    for (const member of [...shape.members.keys(), undefined]) {
      const text = shakePrelude(shape, member === undefined ? new Set() : new Set([member]));
      const body = iifeBody(text);
      const kept = topNames(body);
      const missing = [...referenced(body)].filter((n) => allTop.has(n) && !kept.has(n));
      expect({ member, missing }).toEqual({ member, missing: [] });
    }
  });

  it("keeps all members and every statement when asked for everything", () => {
    const text = shakePrelude(shape, undefined);
    const kept = topNames(iifeBody(text));
    // Only helpers nothing reaches may go.
    const dropped = [...allTop].filter((n) => !kept.has(n));
    expect(dropped).toEqual([]);
  });

  it("cuts the dinner composition's prelude to a fraction, which still runs", async () => {
    const code = `"use strict";
__pw_run(async ($) => {
  const $call = $.call, $mkdict = $.mkdict, $set = $.set, $ret = $.ret;
  const d = $mkdict([], 1);
  $set(d, "a", await $call("f", [1], 2, false), 2);
  return $ret(d, 3);
});`;
    expect([...membersUsed(code)].sort()).toEqual(["call", "mkdict", "ret", "set"]);
    const lean = preludeFor(code);
    expect(lean.length).toBeLessThan(PRELUDE.length / 2);
    expect(preludeFor(code)).toBe(lean);
    const ctx = vm.createContext({
      __pw_host: {
        call: (_fn: string, argsJson: string) =>
          Promise.resolve(JSON.stringify({ ok: JSON.parse(argsJson) as unknown })),
        print: () => undefined,
      },
      __pw_inputs: "{}",
      __pw_max_steps: 0,
    });
    vm.runInContext(lean, ctx);
    expect(await (vm.runInContext(code, ctx) as Promise<string>)).toBe('{"ok":{"a":[1]}}');
  });

  it("tokenizes strings, comments, regular expressions and spreads without inventing identifiers", () => {
    const ids = (src: string): string[] => tokenize(src).flatMap((t) => (t.kind === "id" ? [t.value] : []));
    expect(ids(`var a = "b c" + 'd\\'e'; // f g`)).toEqual(["var", "a"]);
    expect(ids(`x = /h[/i]j\\/k/g.test(y) / z; /* w */`)).toEqual(["x", "test", "y", "z"]);
    expect(ids(`return /q/.test(r) ? s(...t) : 1.5e-3;`)).toEqual(["return", "test", "r", "s", "t"]);
    const spread = tokenize("f(...args)").find((t) => t.value === "...");
    expect(spread?.kind).toBe("punct");
  });
});
