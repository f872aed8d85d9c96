/**
 * `check --format sarif`: SARIF 2.1.0 for code-scanning services. One run,
 * tool `partwise` with every rule of the registry (id = rule name, in
 * registry order, so `ruleIndex` is stable), one result per diagnostic.
 * Notes with a span become related locations, fixes become SARIF fixes.
 * Columns are UTF-16 code units, as in our spans; `endColumn` is exclusive
 * in both.
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Sarif from "sarif";
import type { Span } from "../syntax/span.js";
import { VERSION } from "../version.js";
import { RULES, RULE_NAMES } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import type { CheckedFile } from "./render-json.js";

/** Where the tool is described (SARIF `informationUri`). */
export const INFORMATION_URI = "https://www.npmjs.com/package/partwise";

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** A file name as a SARIF artifact URI: relative paths stay relative (forward slashes), absolute ones become `file:` URLs. */
export function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join("/");
}

function region(span: Span): Sarif.Region {
  return {
    startLine: span.start.line,
    startColumn: span.start.column,
    endLine: span.end.line,
    endColumn: span.end.column,
  };
}

function physical(span: Span): Sarif.PhysicalLocation {
  return { artifactLocation: { uri: artifactUri(span.file) }, region: region(span) };
}

/** The driver's rule descriptors, one per registry rule, in registry order. */
export function sarifRules(): Sarif.ReportingDescriptor[] {
  return RULE_NAMES.map((name) => {
    const r = RULES[name];
    return {
      id: name,
      name,
      shortDescription: { text: r.description },
      fullDescription: { text: `${r.code}: ${r.description}` },
      help: {
        text: `${r.description}. Default severity: ${r.defaultSeverity}. See docs/rules/${name}.md in the partwise package.`,
        markdown: `${r.description}. Default severity: \`${r.defaultSeverity}\`. See \`docs/rules/${name}.md\` in the partwise package.`,
      },
      defaultConfiguration: { level: r.defaultSeverity === "warn" ? "warning" : "error" },
      properties: { code: r.code },
    };
  });
}

function result(d: Diagnostic): Sarif.Result {
  const related = d.notes.flatMap((n, i): Sarif.Location[] =>
    n.span === undefined ? [] : [{ id: i + 1, physicalLocation: physical(n.span), message: { text: n.message } }],
  );
  const unlocated = d.notes.filter((n) => n.span === undefined).map((n) => n.message);
  const text = [d.message, ...unlocated.map((m) => `note: ${m}`), ...(d.help === undefined ? [] : [`help: ${d.help}`])];
  return {
    ruleId: d.rule,
    ruleIndex: RULE_NAMES.indexOf(d.rule),
    level: d.severity === "error" ? "error" : "warning",
    message: { text: text.join("\n") },
    locations: [{ physicalLocation: physical(d.span) }],
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    ...(d.fixes !== undefined && d.fixes.length > 0
      ? {
          fixes: d.fixes.map((f): Sarif.Fix => ({
            description: { text: f.message },
            artifactChanges: [
              {
                artifactLocation: { uri: artifactUri(f.span.file) },
                replacements: [{ deletedRegion: region(f.span), insertedContent: { text: f.text } }],
              },
            ],
          })),
        }
      : {}),
    properties: { code: d.code },
  };
}

/** The SARIF 2.1.0 log for the given files. */
export function checkOutputToSarif(files: readonly CheckedFile[]): Sarif.Log {
  return {
    version: "2.1.0",
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: {
          driver: {
            name: "partwise",
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: INFORMATION_URI,
            rules: sarifRules(),
          },
        },
        columnKind: "utf16CodeUnits",
        artifacts: files.map((f) => ({ location: { uri: artifactUri(f.file) } })),
        results: files.flatMap((f) => f.report.diagnostics.map(result)),
      },
    ],
  };
}

/** `check --format sarif` as text (two-space indented, ending with a newline). */
export function renderSarif(files: readonly CheckedFile[]): string {
  return JSON.stringify(checkOutputToSarif(files), null, 2) + "\n";
}
