/**
 * The README's library example runs as written (against the built package,
 * imported by its own name) and prints what its comments say.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("README", () => {
  it("library example prints what its comments say", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Library"));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    // Written at the repository root so that `import … from "partwise"` resolves to this package.
    const file = `.readme-example-${process.pid}.mjs`;
    writeFileSync(file, code!);
    try {
      const r = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
      expect(r.stderr).toBe("");
      const wanted = [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
      expect(r.stdout.trimEnd().split("\n")).toEqual(wanted);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
