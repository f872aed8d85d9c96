/**
 * Start-up hygiene of the bundle: what `dist/cli.js` loads before a command
 * runs (its static imports, followed through the chunks) holds none of
 * chevrotain, ts-morph, TypeScript or QuickJS. Those come in by dynamic
 * import() when a command needs them. (Timings are in bench/cli.mjs.)
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, ROOT } from "./helpers.js";

/** Files reached from `entry` through static `import … from "./x.js"` (not `import()`). */
function staticClosure(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const text = readFileSync(file, "utf8");
    seen.set(file, text);
    for (const m of text.matchAll(
      /^\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm,
    )) {
      const spec = m[1] ?? m[2] ?? "";
      if (spec.startsWith(".")) todo.push(join(dirname(file), spec));
      else seen.set(`package:${spec}`, "");
    }
  }
  return seen;
}

describe("dist/cli.js start-up", () => {
  const closure = staticClosure(resolve(ROOT, CLI));

  it("imports no heavy package statically", () => {
    const packages = [...closure.keys()].filter((k) => k.startsWith("package:")).sort();
    for (const p of packages) expect(p).toMatch(/^package:node:/);
  });

  it("bundles none of chevrotain, ts-morph, typescript or quickjs into what it loads first", () => {
    for (const [file, text] of closure) {
      expect([file, /EmbeddedActionsParser|CstParser|createToken\(/.test(text)]).toEqual([file, false]);
      expect([file, /ts-morph|quickjs-emscripten/.test(text)]).toEqual([file, false]);
    }
  });

  it("still reaches the commands through dynamic import()", () => {
    const entry = readFileSync(resolve(ROOT, CLI), "utf8");
    expect(entry).toMatch(/import\(["']\.\/(chunks\/)?check-command-[\w-]+\.js["']\)/);
  });
});
