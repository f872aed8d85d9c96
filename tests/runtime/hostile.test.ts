/**
 * Hostile compositions through `run`: each ends with the right error kind,
 * the host survives, nothing outside changes, and the next run works.
 * Limits are tested at n and n + 1 where the limit is a number (steps).
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/load.js";
import { shutdownSandbox } from "../../src/runtime/pool.js";
import { run, type RunOptions } from "../../src/runtime/run.js";
import { ALIGNED, dinnerCatalog, instantHandlers } from "./helpers.js";

const catalog = dinnerCatalog();
const deep = await loadPolicy({ maxLoopDepth: 3 }, catalog);
const base: RunOptions = { catalog, policy: deep, handlers: instantHandlers(), input: { users: ["ana"] } };

afterAll(async () => {
  await shutdownSandbox();
});

async function nextRunWorks(): Promise<void> {
  const r = await run(ALIGNED, { catalog, handlers: instantHandlers(), input: { users: ["ana"] } });
  expect(r.status).toBe("ok");
  expect(r.result).toBe("Sakura");
}

describe("hostile compositions", () => {
  it("memory bomb: a string doubled 60 times ends with kind memory", async () => {
    const r = await run(`s = "x"\nfor i in range(60):\n    s = s + s\nreturn len(s)\n`, { ...base, memoryMb: 32 });
    expect(r.status).toBe("error");
    expect(r.error?.kind).toBe("memory");
    await nextRunWorks();
  });

  it("list bomb: a list doubled 60 times ends with kind memory", async () => {
    const r = await run(`a = [1]\nfor i in range(60):\n    a = a + a\nreturn len(a)\n`, { ...base, memoryMb: 32 });
    expect(r.error?.kind).toBe("memory");
    await nextRunWorks();
  });

  it("huge strings: repetition beyond the heap ends with kind memory", async () => {
    const r = await run(`s = "abc" * 1000000000\nreturn len(s)\n`, { ...base, memoryMb: 32 });
    expect(r.error?.kind).toBe("memory");
    await nextRunWorks();
  });

  it("CPU loop: nested loops over range(1000000) end at the deadline with kind timeout", async () => {
    const src = `n = 0\nfor i in range(1000000):\n    for j in range(1000000):\n        n += 1\nreturn n\n`;
    const r = await run(src, { ...base, timeoutMs: 400 });
    expect(r.error?.kind).toBe("timeout");
    await nextRunWorks();
  });

  it("CPU loop in a comprehension ends with kind timeout", async () => {
    const r = await run(`return len([i * j for i in range(1000000) for j in range(1000000)])\n`, {
      ...base,
      timeoutMs: 400,
    });
    expect(r.error?.kind).toBe("timeout");
    await nextRunWorks();
  });

  it("steps: a program that needs n steps runs with n and stops with n - 1", async () => {
    const src = `t = 0\nfor i in range(50):\n    t += i\nreturn t\n`;
    const at = async (n: number) => run(src, { ...base, maxSteps: n });
    // Find n: the smallest budget that lets it finish (the count is deterministic).
    let lo = 1;
    let hi = 100_000;
    expect((await at(hi)).result).toBe(1225);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await at(mid)).status === "ok") hi = mid;
      else lo = mid + 1;
    }
    const n = lo;
    expect(n).toBeGreaterThan(50);
    expect((await at(n)).result).toBe(1225);
    const over = await at(n - 1);
    expect(over.status).toBe("error");
    expect(over.error?.kind).toBe("steps");
    await nextRunWorks();
  });

  it("deep data: nesting a list 100000 levels deep fails cleanly", async () => {
    const r = await run(`a = []\nfor i in range(100000):\n    a = [a]\nreturn a\n`, { ...base, timeoutMs: 10_000 });
    expect(r.error).toEqual({
      kind: "runtime",
      message: "value is nested more than 1000 levels deep (or contains itself)",
      line: 4,
    });
    await nextRunWorks();
  });

  it("hostile strings in code positions stay data", async () => {
    const src = `x = "\\"); globalThis.__pw_host = null; (\\""\ny = f"{x}\\u2028\\u2029"\nreturn [x, y, {"__proto__": 1, "constructor": 2}]\n`;
    const r = await run(src, base);
    expect(r.status).toBe("ok");
    expect(JSON.stringify(r.result)).toBe(
      JSON.stringify([
        '"); globalThis.__pw_host = null; ("',
        '"); globalThis.__pw_host = null; ("\u2028\u2029',
        JSON.parse('{"__proto__": 1, "constructor": 2}') as object,
      ]),
    );
  });

  it("a limit in one run leaves concurrent runs unaffected", async () => {
    const bomb = run(`s = "x"\nfor i in range(60):\n    s = s + s\nreturn len(s)\n`, { ...base, memoryMb: 32 });
    const good = run(ALIGNED, { catalog, handlers: instantHandlers(), input: { users: ["ana", "bo"] } });
    const [b, g] = await Promise.all([bomb, good]);
    expect(b.error?.kind).toBe("memory");
    expect(g.status).toBe("ok");
  });
});
