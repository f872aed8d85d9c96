import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";

/**
 * The official SARIF 2.1.0 schema, as shipped by @microsoft/jest-sarif (a
 * devDependency used only for this file). It is draft-04; Ajv 8 reads it
 * once `id` is renamed `$id` (its draft-04 keywords otherwise match), and
 * with `unicodeRegExp: false`: one of its patterns is not a valid /u regex.
 */
export function sarifValidator(): ReturnType<Ajv["compile"]> {
  const require = createRequire(import.meta.url);
  const path = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  const schema = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat("uri-reference", /^[^\s]*$/);
  ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  return ajv.compile(schema);
}
