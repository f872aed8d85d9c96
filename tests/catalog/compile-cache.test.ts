/**
 * `enableNodeCompileCache` (called at the top of the CLI): on a Node with
 * `module.enableCompileCache` (22.1+) it passes `<cache root>/node-compile`;
 * with `PARTWISE_NO_CACHE=1`, or on Node 20 where the function is missing, it
 * does nothing and never throws. `node:module` is mocked to stand for either Node.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test, vi } from "vitest";

const calls: unknown[][] = [];
let present = true;
let saved: { dir: string | undefined; off: string | undefined };

vi.mock("node:module", async (importOriginal) => {
  const original = await importOriginal<Record<string, unknown>>();
  return {
    ...original,
    get enableCompileCache(): unknown {
      return present
        ? (...args: unknown[]): void => {
            calls.push(args);
          }
        : undefined;
    },
  };
});

beforeEach(() => {
  calls.length = 0;
  present = true;
  saved = { dir: process.env.PARTWISE_CACHE_DIR, off: process.env.PARTWISE_NO_CACHE };
  delete process.env.PARTWISE_NO_CACHE;
});

afterEach(() => {
  if (saved.dir === undefined) delete process.env.PARTWISE_CACHE_DIR;
  else process.env.PARTWISE_CACHE_DIR = saved.dir;
  if (saved.off === undefined) delete process.env.PARTWISE_NO_CACHE;
  else process.env.PARTWISE_NO_CACHE = saved.off;
});

test("Node 22+: the compile cache goes under the cache root", async () => {
  const root = mkdtempSync(join(tmpdir(), "pw-compile-cache-"));
  process.env.PARTWISE_CACHE_DIR = root;
  const { enableNodeCompileCache } = await import("../../src/catalog/cache-dir.js");
  enableNodeCompileCache();
  expect(calls).toEqual([[join(root, "node-compile")]]);
});

test("PARTWISE_NO_CACHE=1: not enabled", async () => {
  process.env.PARTWISE_NO_CACHE = "1";
  const { enableNodeCompileCache } = await import("../../src/catalog/cache-dir.js");
  enableNodeCompileCache();
  expect(calls).toEqual([]);
});

test("Node 20 (no enableCompileCache): nothing happens", async () => {
  present = false;
  const { enableNodeCompileCache } = await import("../../src/catalog/cache-dir.js");
  expect(() => enableNodeCompileCache()).not.toThrow();
  expect(calls).toEqual([]);
});
