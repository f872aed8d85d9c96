// Parser throughput: Partwise's parse() against TypeScript's own
// ts.createSourceFile on the equivalent JavaScript. Run after `npm run build`:
//   node bench/parse.mjs
// Prints µs per 20-line composition, lines/second on a 5,000-line file, the
// ratio to TypeScript, and µs per line at several sizes (to show linearity).
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const entry = process.env.PARTWISE_ENTRY ?? new URL("../dist/index.js", import.meta.url).href;
const { parse } = await import(entry);

// The aligned dinner composition, varied to 20 lines.
const PW = `# Aligned dinner composition, varied to 20 lines.
prefs = {}
counts = {}
for u in users:
    prefs[u] = ask_preference(u)
    counts[u] = len(prefs[u])
r = identify_overlap(prefs)
names = [p for p in r if p != ""]
if len(names) == 0:
    return None
elif len(names) > 3:
    names = names[:3]
else:
    pass
best = names[0] if names else None
total = sum([counts[u] for u in users]) + 1
summary = f"{len(users)} users, {total} choices"
print(summary, sep=", ")
booking = book_table(best)
return {"booking": booking, "summary": summary}
`;

// The same program in JavaScript, line for line.
const JS = `// Aligned dinner composition, varied to 20 lines.
let prefs = {};
let counts = {};
for (const u of users) {
    prefs[u] = ask_preference(u);
    counts[u] = len(prefs[u]); }
let r = identify_overlap(prefs);
let names = r.filter((p) => p !== "");
if (len(names) === 0) {
    return null;
} else if (len(names) > 3) {
    names = names.slice(0, 3);
} else {
    ; }
let best = names.length ? names[0] : null;
let total = sum(users.map((u) => counts[u])) + 1;
let summary = \`\${len(users)} users, \${total} choices\`;
print(summary, { sep: ", " });
let booking = book_table(best);
return { booking: booking, summary: summary };
`;

function parsePw(text) {
  const r = parse(text, "bench.pw");
  if (r.diagnostics.length > 0) throw new Error(r.diagnostics[0].message);
}
function parseTs(text) {
  ts.createSourceFile("bench.js", text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
}

/** Median time per call in µs over `rounds` rounds of `n` calls, after warm-up. */
function time(fn, text, n, rounds = 7) {
  for (let i = 0; i < Math.max(3, n); i++) fn(text);
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(text);
    samples.push(Number(process.hrtime.bigint() - t) / 1000 / n);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const lines = (s) => s.split("\n").length - 1;

// `--linearity K`: time one file of K copies of the composition and print
// µs/line. Each size runs in its own process (see below).
const li = process.argv.indexOf("--linearity");
if (li >= 0) {
  const k = Number(process.argv[li + 1]);
  const text = PW.repeat(k);
  // About 60,000 lines per round whatever the size, so every size sees
  // several garbage collections per round.
  const n = Math.max(3, Math.round(3000 / k));
  console.log((time(parsePw, text, n, 7) / lines(text)).toFixed(2));
  process.exit(0);
}

const rows = [];
const small = { pw: time(parsePw, PW, 2000), ts: time(parseTs, JS, 2000) };
rows.push(["20-line composition (µs)", small.pw, small.ts]);
const bigPw = PW.repeat(250);
const bigJs = JS.repeat(250).replace(/^let /gm, "var ");
const big = { pw: time(parsePw, bigPw, 5), ts: time(parseTs, bigJs, 5) };
rows.push([`${lines(bigPw)}-line file (ms)`, big.pw / 1000, big.ts / 1000]);
rows.push([`${lines(bigPw)}-line file (lines/s)`, (lines(bigPw) / big.pw) * 1e6, (lines(bigJs) / big.ts) * 1e6]);

const fmt = (x) => (x >= 1e5 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1));
console.log(`Partwise parse() vs TypeScript createSourceFile — node ${process.version}, ${cpus()[0]?.model ?? "?"}`);
console.log("");
console.log("| measure                      | Partwise     | TypeScript   | ratio |");
console.log("|------------------------------|--------------|--------------|-------|");
for (const [name, pw, t] of rows) {
  const ratio = name.includes("lines/s") ? t / pw : pw / t;
  console.log(
    `| ${name.padEnd(28)} | ${fmt(pw).padStart(12)} | ${fmt(t).padStart(12)} | ${ratio.toFixed(2).padStart(5)} |`,
  );
}
console.log("");
// Each size is timed in a fresh process: in one process a size inherits the
// heap the earlier sizes grew and their old-generation garbage, which made
// the later (larger) sizes look slower than they are.
console.log("Linearity (µs per line, each size in a fresh process):");
const self = fileURLToPath(import.meta.url);
for (const k of [50, 250, 1000]) {
  const us = execFileSync(process.execPath, [...process.execArgv, self, "--linearity", String(k)], {
    env: process.env,
    encoding: "utf8",
  }).trim();
  console.log(`  ${String(lines(PW.repeat(k))).padStart(6)} lines: ${us} µs/line`);
}
