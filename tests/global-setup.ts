/**
 * Vitest global setup: the CLI tests spawn the built `dist/cli.js`, so build
 * it (bundles only) when it is missing or older than any file under src/.
 * A lock folder keeps two test processes from building at once. A failed
 * build does not stop the run: only the CLI tests need it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function isStale(): boolean {
  try {
    return statSync(join(ROOT, "dist/cli.js")).mtimeMs < newestMtime(join(ROOT, "src"));
  } catch {
    return true;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds dist/ when stale. */
export default function setup(): void {
  if (!isStale()) return;
  const lock = join(ROOT, "node_modules/.partwise-build.lock");
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 600) rmdirSync(lock); // a build never takes a minute: the lock is stale
      sleep(100);
    }
  }
  try {
    if (isStale())
      execFileSync(process.execPath, ["scripts/build.mjs", "--bundle-only"], { cwd: ROOT, stdio: "inherit" });
  } catch (err) {
    // Only the CLI tests need the build; they fail on their own, the others go on.
    console.warn(`global setup: the build failed, CLI tests will fail: ${String(err)}`);
  } finally {
    rmdirSync(lock);
  }
}
