/**
 * Where Partwise keeps its on-disk caches, and whether it may.
 *
 * The cache root is `$PARTWISE_CACHE_DIR` when set, else
 * `os.tmpdir()/partwise-<uid>` (`<uid>` the numeric user id, or the user
 * name where there is none). Under it:
 * - `catalogs/`: loaded TypeScript catalogs (see `catalog-disk-cache.ts`);
 * - `node-compile/`: Node's compile cache (Node 22+, `module.enableCompileCache`).
 *
 * Why the temporary folder: a catalog may live anywhere (not only inside an
 * npm package with a `node_modules/.cache`), every user has one, and losing
 * it costs one slow load. Because `/tmp` is shared, the default root is
 * created with mode 0700 and used only when it is a real directory owned by
 * this user and writable by nobody else; otherwise caching is off (a folder
 * planted by another user could otherwise feed us a forged catalog). An
 * explicit `$PARTWISE_CACHE_DIR` is trusted as given.
 *
 * `PARTWISE_NO_CACHE=1` turns every on-disk cache off.
 */
import { lstatSync, mkdirSync } from "node:fs";
import * as nodeModule from "node:module";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/** True when `PARTWISE_NO_CACHE` asks for no on-disk caching (`1`, `true`, `yes`). */
export function isDiskCacheDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.PARTWISE_NO_CACHE;
  return v !== undefined && /^(1|true|yes)$/i.test(v.trim());
}

function userTag(): string {
  if (typeof process.getuid === "function") return String(process.getuid());
  try {
    return userInfo().username.replace(/[^\w.-]/g, "_");
  } catch {
    return "user";
  }
}

/** True when the default (shared-folder) root at `dir` is safe to use: our own directory, not a link, writable only by us. */
function isPrivateDirectory(dir: string): boolean {
  const st = lstatSync(dir);
  if (!st.isDirectory()) return false;
  if (typeof process.getuid === "function" && st.uid !== process.getuid()) return false;
  return process.platform === "win32" || (st.mode & 0o022) === 0;
}

/**
 * The cache root, created if needed, or undefined when on-disk caching is
 * off or the folder cannot be used. Reads the environment on every call
 * (cheap: one `mkdir` and one `lstat`).
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (isDiskCacheDisabled(env)) return undefined;
  const explicit = env.PARTWISE_CACHE_DIR;
  try {
    if (explicit !== undefined && explicit !== "") {
      mkdirSync(explicit, { recursive: true });
      return explicit;
    }
    const dir = join(tmpdir(), `partwise-${userTag()}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return isPrivateDirectory(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The folder for one kind of cache (`catalogs`, `node-compile`) under the root, created; undefined when caching is off. */
export function cacheDir(kind: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const root = cacheRoot(env);
  if (root === undefined) return undefined;
  const dir = join(root, kind);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Turns on Node's on-disk compile cache (Node 22.1+) for the modules loaded
 * after this call (the lazily imported commands, the TypeScript compiler on
 * a catalog cache miss), under `<cache root>/node-compile`. Does nothing on
 * Node 20, with `PARTWISE_NO_CACHE=1`, or when the root is unusable; never throws.
 */
export function enableNodeCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  if (typeof enable !== "function") return;
  const dir = cacheDir("node-compile");
  if (dir === undefined) return;
  try {
    enable(dir);
  } catch {
    // A compile cache is an optimisation only.
  }
}
