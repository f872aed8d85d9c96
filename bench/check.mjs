// Checker benchmark: checks per second for a 20-line composition with a
// loaded catalog and policy, time for 1,000 / 2,500 / 5,000-line
// compositions (it must grow linearly), and the ratio to TypeScript's
// parse-only `createSourceFile` on equivalent JavaScript.
//
//   npm run build && node bench/check.mjs [--json]
//
// Record the figures in bench/RESULTS.md.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// PARTWISE_DIST overrides the library entry (e.g. a bundle of src/index.ts).
const entry = process.env.PARTWISE_DIST ?? new URL("../dist/index.js", import.meta.url).pathname;
if (!existsSync(entry)) {
  console.error(`bench/check.mjs: ${entry} is missing; run \`npm run build\` first`);
  process.exit(2);
}
const pw = await import(entry);
const asJson = process.argv.includes("--json");

// The dinner catalog, loaded the way a pipeline loads it (falls back to an
// object catalog when the loader is not exported).
let catalog;
if (typeof pw.loadCatalog === "function") {
  catalog = await pw.loadCatalog(new URL("../tests/fixtures/catalogs/dinner.ts", import.meta.url).pathname);
} else {
  const S = { kind: "string" };
  const fn = (name, params, returns, extra = {}) => ({
    name,
    params: params.map(([n, t]) => ({ name: n, type: t, optional: false })),
    returns,
    effect: undefined,
    irreversible: false,
    maxItems: undefined,
    minItems: undefined,
    cost: 1,
    doc: "",
    hasHandler: false,
    location: undefined,
    ...extra,
  });
  catalog = {
    path: "<bench>",
    format: "object",
    hash: "bench",
    functions: new Map([
      ["ask_preference", fn("ask_preference", [["user", S]], { kind: "list", element: S }, { maxItems: 5 })],
      [
        "identify_overlap",
        fn("identify_overlap", [["preferences", { kind: "dict", value: { kind: "list", element: S } }]], S),
      ],
      [
        "book_table",
        fn(
          "book_table",
          [["restaurant", S]],
          {
            kind: "record",
            name: "Booking",
            fields: { restaurant: { type: S, optional: false }, code: { type: S, optional: false } },
          },
          { effect: "reservation", irreversible: true },
        ),
      ],
    ]),
    inputs: new Map([
      [
        "users",
        {
          name: "users",
          type: { kind: "list", element: S },
          maxItems: 20,
          minItems: undefined,
          doc: "",
          location: undefined,
        },
      ],
    ]),
  };
}
const base = pw.defaultPolicy(catalog);
const policy =
  typeof pw.loadPolicy === "function"
    ? await pw.loadPolicy(new URL("../tests/fixtures/catalogs/dinner.policy.yaml", import.meta.url).pathname, catalog)
    : {
        ...base,
        budgets: { ...base.budgets, functions: new Map([["book_table", { min: undefined, max: 1, explicit: true }]]) },
        flows: [{ to: { fn: "book_table", param: "restaurant" }, from: ["identify_overlap"], notFrom: undefined }],
        order: [{ before: "identify_overlap", then: "book_table" }],
      };

// ---------------------------------------------------------------- inputs

const SMALL = `# Plan a dinner everyone likes.
prefs = {}
counts = {}
for u in users:
    p = ask_preference(u)
    prefs[u] = p
    counts[u] = len(p)
total = sum([counts[k] for k in counts])
if total == 0:
    print("nobody has a preference")
    return None
r = identify_overlap(prefs)
if r == "":
    print("no overlap")
    return None
label = f"{r} for {len(users)}"
print(label)
booking = book_table(r)
print(booking.code)
return {"restaurant": r, "code": booking.code, "label": label}
`;

/** A composition of about `lines` lines: blocks with distinct names, one effect at the end. */
function bigPw(lines) {
  const out = [];
  for (let i = 0; out.length < lines - 2; i++) {
    out.push(
      `p${i} = {}`,
      `for u${i} in users:`,
      `    p${i}[u${i}] = ask_preference(u${i})`,
      `r${i} = identify_overlap(p${i})`,
      `if r${i}:`,
      `    s${i} = r${i} + "!"`,
      `else:`,
      `    s${i} = "none"`,
      `print(s${i}, len(p${i}))`,
    );
  }
  out.push(`b = book_table(r0)`, `print(b.code)`);
  return out.join("\n") + "\n";
}

/** The same program in JavaScript, for TypeScript's parser. */
function bigJs(lines) {
  const out = [];
  for (let i = 0; out.length < lines - 2; i++) {
    out.push(
      `const p${i} = {};`,
      `for (const u${i} of users) {`,
      `  p${i}[u${i}] = ask_preference(u${i}); }`,
      `const r${i} = identify_overlap(p${i});`,
      `let s${i};`,
      `if (r${i}) {`,
      `  s${i} = r${i} + "!"; } else {`,
      `  s${i} = "none"; }`,
      `print(s${i}, len(p${i}));`,
    );
  }
  out.push(`const b = book_table(r0);`, `print(b.code);`);
  return out.join("\n") + "\n";
}

function time(fn, minMs = 400) {
  for (let i = 0; i < 20; i++) fn(); // warm up
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs * 1e6) {
    fn();
    n++;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  return elapsed / n / 1e6; // ms per call
}

/** Times one large composition of `lines` lines (check, parse alone, TypeScript). */
function large(lines) {
  const src = bigPw(lines);
  const js = bigJs(lines);
  const r = pw.check(src, { catalog, policy, file: "big.pw" });
  const checkMs = time(() => pw.check(src, { catalog, policy, file: "big.pw" }), 1500);
  const parseMs = time(() => pw.parse(src, "big.pw"), 800);
  const tsMs = time(() => ts.createSourceFile("big.js", js, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS), 800);
  return {
    lines,
    checkMs: +checkMs.toFixed(2),
    parseMs: +parseMs.toFixed(2),
    analysisAndRulesMs: +(checkMs - parseMs).toFixed(2),
    tsCreateSourceFileMs: +tsMs.toFixed(2),
    ratioToTypeScript: +(checkMs / tsMs).toFixed(2),
    microsPerLine: +((checkMs * 1000) / lines).toFixed(2),
    diagnostics: r.diagnostics.length,
  };
}

// `--large N`: time one size and print its row as JSON (used per size below).
const li = process.argv.indexOf("--large");
if (li >= 0) {
  console.log(JSON.stringify(large(Number(process.argv[li + 1]))));
  process.exit(0);
}

const report = {};
const first = pw.check(SMALL, { catalog, policy, file: "small.pw" });
if (first.diagnostics.some((d) => d.rule === "internal" || d.rule === "syntax")) {
  console.error(JSON.stringify(first.diagnostics, null, 2));
  process.exit(1);
}
const smallMs = time(() => pw.check(SMALL, { catalog, policy, file: "small.pw" }), 1500);
const smallTsMs = time(
  () => ts.createSourceFile("small.js", SMALL.replace(/#.*\n/, ""), ts.ScriptTarget.Latest, false, ts.ScriptKind.JS),
  500,
);
report.small = {
  lines: SMALL.split("\n").length - 1,
  checksPerSecond: Math.round(1000 / smallMs),
  microsPerCheck: +(smallMs * 1000).toFixed(1),
  diagnostics: first.diagnostics.length,
};
// Each size is timed in a fresh process: in one process a size inherits the
// heap the earlier sizes grew and their old-generation garbage, which made
// the later (larger) sizes look slower than they are.
report.large = [];
const self = fileURLToPath(import.meta.url);
for (const lines of [1000, 2500, 5000]) {
  const out = execFileSync(process.execPath, [...process.execArgv, self, "--large", String(lines)], {
    env: process.env,
    encoding: "utf8",
  });
  report.large.push(JSON.parse(out));
}
report.smallTsCreateSourceFileMicros = +(smallTsMs * 1000).toFixed(1);
report.node = process.version;
report.cpu = cpus()[0]?.model ?? "unknown";

if (asJson) console.log(JSON.stringify(report, null, 2));
else {
  console.log(
    `check, ${report.small.lines}-line composition: ${report.small.checksPerSecond} checks/s (${report.small.microsPerCheck} µs each; TypeScript parse of the same text ${report.smallTsCreateSourceFileMicros} µs)`,
  );
  for (const l of report.large) {
    console.log(
      `check, ${l.lines} lines: ${l.checkMs} ms (parse ${l.parseMs} ms, analysis+rules ${l.analysisAndRulesMs} ms; ${l.microsPerLine} µs/line); TypeScript createSourceFile ${l.tsCreateSourceFileMs} ms; ratio ${l.ratioToTypeScript}×`,
    );
  }
  console.log(`node ${report.node}, ${report.cpu}`);
}
