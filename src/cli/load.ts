/**
 * Loads the catalog and policy a command names. The loaders are imported
 * lazily so that `--version`, `--help` and usage errors never pay for them;
 * a TypeScript catalog pulls in ts-morph inside its loader, not here.
 */
import { extname } from "node:path";
import type { Catalog } from "../catalog/types.js";
import { UsageError } from "../errors.js";
import type { Policy } from "../policy/types.js";
import { assertReadableFile, readError } from "./io.js";

/** A loaded catalog and the policy that applies to it. */
export interface Context {
  readonly catalog: Catalog;
  readonly policy: Policy;
}

const CATALOG_EXTENSIONS = [".ts", ".mts", ".d.ts", ".json"];
const POLICY_EXTENSIONS = [".yaml", ".yml", ".json"];

/** Turns a filesystem error escaping a loader into a `UsageError` naming the file; rethrows anything else. */
function asUsageError(err: unknown, file: string, what: string): unknown {
  if (err instanceof UsageError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return readError(file, what, err);
  return err;
}

/** Loads `--catalog FILE`. */
export async function loadCatalogFile(file: string): Promise<Catalog> {
  assertReadableFile(file, "catalog");
  if (!CATALOG_EXTENSIONS.some((e) => file.endsWith(e))) {
    throw new UsageError(
      `the catalog has an unknown extension \`${extname(file)}\``,
      file,
      undefined,
      "a catalog is a TypeScript module (.ts, .mts, .d.ts) or an MCP tool list (.json)",
    );
  }
  const { loadCatalog } = await import("../catalog/load.js");
  try {
    return await loadCatalog(file);
  } catch (err) {
    throw asUsageError(err, file, "catalog");
  }
}

/** Loads `--policy FILE`, or the built-in `recommended` policy when there is none. */
export async function loadPolicyFile(file: string | undefined, catalog: Catalog): Promise<Policy> {
  if (file === undefined) {
    const { recommendedPolicy } = await import("../policy/presets.js");
    return recommendedPolicy(catalog);
  }
  assertReadableFile(file, "policy");
  if (!POLICY_EXTENSIONS.some((e) => file.endsWith(e))) {
    throw new UsageError(
      `the policy has an unknown extension \`${extname(file)}\``,
      file,
      undefined,
      "a policy is YAML (.yaml, .yml) or JSON (.json)",
    );
  }
  const { loadPolicy } = await import("../policy/load.js");
  try {
    return await loadPolicy(file, catalog);
  } catch (err) {
    throw asUsageError(err, file, "policy");
  }
}

/** Loads the catalog, then the policy against it. */
export async function loadContext(catalogFile: string, policyFile: string | undefined): Promise<Context> {
  const catalog = await loadCatalogFile(catalogFile);
  const policy = await loadPolicyFile(policyFile, catalog);
  return { catalog, policy };
}
