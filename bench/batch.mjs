// Batch benchmark: check-only throughput of `runBatch` (compositions per
// second) on a generated 100,000-line episodes file with 1 and 2 worker
// threads (and in this thread, for reference), the 2-worker scaling ratio
// (target ≥ 1.8× on 2 cores) and peak memory (RSS of the whole process,
// workers included, sampled every 20 ms). 1 and 2 workers are measured in
// alternation `--rounds` times (default 3), so a burst of other load on a
// shared machine hits both; each round's ratio is printed, and the median.
// "cores" is the process CPU time (all threads) over wall time; "other" is
// the share of the machine's busy CPU time during the measurement that was
// not this process (other jobs; Linux /proc/stat only). With --wait-quiet
// every measurement first waits (up to 60 s) for a second with < 5 % CPU busy.
//
//   npm run build && node bench/batch.mjs [--lines N] [--rounds R] [--wait-quiet] [--json]
//
// Each round also measures the machine's ceiling (see `processes`).
// Record the figures in bench/RESULTS.md.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

// PARTWISE_DIST overrides the library entry (e.g. a bundle of src/index.ts).
const entry = process.env.PARTWISE_DIST ?? new URL("../dist/index.js", import.meta.url).pathname;
if (!existsSync(entry)) {
  console.error(`bench/batch.mjs: ${entry} is missing; run \`npm run build\` first`);
  process.exit(2);
}
const pw = await import(entry);
const asJson = process.argv.includes("--json");
const linesArg = process.argv.indexOf("--lines");
const N = linesArg > 0 ? Number(process.argv[linesArg + 1]) : 100_000;
const roundsArg = process.argv.indexOf("--rounds");
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
const waitQuiet = process.argv.includes("--wait-quiet");

/** Busy and idle CPU ticks of the whole machine, or undefined off Linux. */
function machineTicks() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return { busy: f[0] + f[1] + f[2] + f[5] + f[6] + f[7], idle: f[3] + f[4] };
  } catch {
    return undefined;
  }
}

async function quiet() {
  for (let k = 0; k < 60; k++) {
    const a = machineTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const b = machineTicks();
    if (a === undefined || b === undefined) return;
    const busy = b.busy - a.busy;
    if (busy / (busy + b.idle - a.idle) < 0.05) return;
  }
}

const root = new URL("..", import.meta.url).pathname;
const catalog = await pw.loadCatalog(join(root, "examples/p2c/catalog.ts"));
const policy = await pw.loadPolicy(join(root, "examples/p2c/policy.yaml"), catalog);

// The benchmark's 18 compositions, cycled, each with a fresh id.
const programs = readFileSync(join(root, "examples/p2c/episodes.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l).program);
const dir = mkdtempSync(join(tmpdir(), "pw-bench-batch-"));
const input = join(dir, "episodes.jsonl");
{
  const parts = [];
  for (let i = 0; i < N; i++) parts.push(JSON.stringify({ id: `e${i}`, program: programs[i % programs.length] }));
  writeFileSync(input, parts.join("\n") + "\n");
}

async function measure(workers) {
  const out = join(dir, `out-${workers}.jsonl`);
  rmSync(out, { force: true });
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  if (waitQuiet) await quiet();
  const ticks0 = machineTicks();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const s = await pw.runBatch({ input, out, catalog, policy, workers });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const ticks1 = machineTicks();
  // Ticks are 10 ms (USER_HZ 100).
  const machineMs = ticks0 && ticks1 ? (ticks1.busy - ticks0.busy) * 10 : undefined;
  const ownMs = (cpu.user + cpu.system) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (s.written !== N) throw new Error(`expected ${N} results, got ${s.written}`);
  return {
    workers,
    ms,
    perSecond: (N / ms) * 1000,
    cores: ownMs / ms,
    otherShare: machineMs ? Math.max(0, (machineMs - ownMs) / machineMs) : undefined,
    peakRssMb: peak / 2 ** 20,
    outMb: statSync(out).size / 2 ** 20,
  };
}

// The machine's own ceiling for 2 workers, with no batch machinery: the
// same checks (check + JSON of the result, as a worker does per line) in
// fresh processes, one doing all N lines, then two at once doing N/2 each,
// each timing only its loop (started together after loading). Two cores of
// a virtual machine need not be two cores' worth of this work: the ratio
// says how much faster two independent processes can be at all.
const CHILD = `
const pw = await import(process.env.PW_ENTRY);
const { readFileSync } = await import("node:fs");
const root = process.env.PW_ROOT;
const catalog = await pw.loadCatalog(root + "examples/p2c/catalog.ts");
const policy = await pw.loadPolicy(root + "examples/p2c/policy.yaml", catalog);
const programs = readFileSync(root + "examples/p2c/episodes.jsonl", "utf8").trim().split("\\n").map((l) => JSON.parse(l).program);
const n = Number(process.env.PW_LINES);
process.stdout.write("ready\\n");
await new Promise((r) => process.stdin.once("data", r));
const t0 = performance.now();
let bytes = 0;
for (let i = 0; i < n; i++) {
  const r = pw.check(programs[i % programs.length], { catalog, policy, file: "e" + i });
  bytes += JSON.stringify({ id: "e" + i, ok: r.ok, diagnostics: r.diagnostics, bounds: r.bounds }).length;
}
process.stdout.write(JSON.stringify({ ms: performance.now() - t0, bytes }) + "\\n");
process.exit(0);
`;
async function processes(k) {
  const { spawn } = await import("node:child_process");
  const kids = Array.from({ length: k }, () =>
    spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
      env: { ...process.env, PW_ENTRY: entry, PW_ROOT: root, PW_LINES: String(Math.round(N / k)) },
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  const lines = kids.map((c) => {
    let buf = "";
    const waiters = [];
    c.stdout.on("data", (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const l = buf.slice(0, i);
        buf = buf.slice(i + 1);
        waiters.shift()?.(l);
      }
    });
    return () => new Promise((r) => waiters.push(r));
  });
  await Promise.all(lines.map((next) => next()));
  if (waitQuiet) await quiet();
  const outs = lines.map((next) => next());
  for (const c of kids) c.stdin.write("go\n");
  const res = (await Promise.all(outs)).map((l) => JSON.parse(l));
  const ms = Math.max(...res.map((r) => r.ms));
  return { processes: k, ms, perSecond: (N / ms) * 1000 };
}

// A short warm-up (JIT, catalog caches), then the measured runs.
await pw.runBatch({
  input,
  out: join(dir, "warm.jsonl"),
  catalog,
  policy,
  workers: 0,
  signal: AbortSignal.timeout(1500),
});
const load0 = loadavg();
const inProcess = await measure(0);
const rounds = [];
for (let r = 0; r < ROUNDS; r++) {
  const one = await measure(1);
  const two = await measure(2);
  const p1 = await processes(1);
  const p2 = await processes(2);
  rounds.push({ one, two, ratio: two.perSecond / one.perSecond, ceiling: p2.perSecond / p1.perSecond, p1, p2 });
}
const load1 = loadavg();
rmSync(dir, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ratio = median(rounds.map((r) => r.ratio));
const ceiling = median(rounds.map((r) => r.ceiling));
const result = {
  lines: N,
  cpus: `${availableParallelism()} × ${cpus()[0]?.model ?? "?"}`,
  node: process.version,
  loadavg: { start: load0, end: load1 },
  inProcess,
  rounds,
  scaling: ratio,
  ceiling,
};
const fmt = (name, r) =>
  `  ${name.padEnd(11)} ${Math.round(r.perSecond).toLocaleString("en-US").padStart(8)} compositions/s  ` +
  `${(r.ms / 1000).toFixed(2)} s  ${r.cores.toFixed(2)} cores  peak RSS ${r.peakRssMb.toFixed(0)} MiB` +
  (r.otherShare !== undefined ? `  other ${(r.otherShare * 100).toFixed(0)} %` : "");
if (asJson) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const la = (l) => l.map((x) => x.toFixed(2)).join(" ");
  console.log(`batch, check only: ${N.toLocaleString("en-US")} lines, ${result.cpus}, Node ${process.version}`);
  console.log(`  load average ${la(load0)} at start, ${la(load1)} at end`);
  console.log(fmt("in-process", inProcess));
  rounds.forEach((r, i) => {
    console.log(`  round ${i + 1}:`);
    console.log(fmt("1 worker", r.one));
    console.log(fmt("2 workers", r.two));
    console.log(`    scaling 2 workers / 1 worker: ${r.ratio.toFixed(2)}×`);
    console.log(
      `    ceiling, the same checks in separate processes: 1 process ${Math.round(r.p1.perSecond).toLocaleString("en-US")}/s, ` +
        `2 processes ${Math.round(r.p2.perSecond).toLocaleString("en-US")}/s: ${r.ceiling.toFixed(2)}×`,
    );
  });
  console.log(`  median scaling over ${ROUNDS} rounds: ${ratio.toFixed(2)}× (target ≥ 1.8× on 2 cores)`);
  console.log(`  median ceiling of this machine (2 independent processes / 1): ${ceiling.toFixed(2)}×`);
}
