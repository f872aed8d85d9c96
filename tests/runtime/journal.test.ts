/**
 * The journal: replay, divergence, lost outcomes of irreversible and
 * reversible effects, `resolveJournal`, repair of a torn last line, and the
 * lock that keeps a second writer out.
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { catalogTypes } from "../../src/catalog/build.js";
import { UsageError } from "../../src/errors.js";
import { resolveJournal } from "../../src/runtime/journal.js";
import { shutdownSandbox } from "../../src/runtime/pool.js";
import { run } from "../../src/runtime/run.js";
import type { TraceEvent } from "../../src/runtime/types.js";
import { ALIGNED, deferred, dinnerCatalog, instantHandlers, untimedEvents, until } from "./helpers.js";

const catalog = dinnerCatalog({
  send_note: { params: { text: "string" }, returns: catalogTypes.string, effect: "email" },
});
const dir = mkdtempSync(join(tmpdir(), "partwise-journal-"));
let n = 0;
const fresh = (): string => join(dir, `j${n++}.jsonl`);
const records = (path: string): Record<string, unknown>[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

afterAll(async () => {
  await shutdownSandbox();
});

describe("journal", () => {
  it("writes intent before and result after an effect, result only for pure calls", async () => {
    const journal = fresh();
    const r = await run(ALIGNED, { catalog, handlers: instantHandlers(), input: { users: ["ana"] }, journal });
    expect(r.status).toBe("ok");
    const recs = records(journal);
    const runId = recs[0]!.runId as string;
    expect(recs).toEqual([
      { type: "run", version: 1, runId },
      { type: "result", seq: 0, fn: "ask_preference", args: ["ana"], result: ["Sakura", "Roma"] },
      { type: "result", seq: 1, fn: "identify_overlap", args: [{ ana: ["Sakura", "Roma"] }], result: "Sakura" },
      { type: "intent", seq: 2, fn: "book_table", args: ["Sakura"], idempotencyKey: `${runId}:2` },
      { type: "result", seq: 2, fn: "book_table", args: ["Sakura"], result: { restaurant: "Sakura", confirmed: true } },
    ]);
  });

  it("replays recorded results on a rerun instead of calling handlers", async () => {
    const journal = fresh();
    await run(ALIGNED, { catalog, handlers: instantHandlers(), input: { users: ["ana", "bo"] }, journal });
    const log: { fn: string }[] = [];
    const events: TraceEvent[] = [];
    const r = await run(ALIGNED, {
      catalog,
      handlers: instantHandlers(log as never),
      input: { users: ["ana", "bo"] },
      journal,
      onEvent: (e) => events.push(e),
    });
    expect(r.status).toBe("ok");
    expect(r.result).toBe("Sakura");
    expect(log).toEqual([]);
    expect(r.calls.map((c) => c.replayed)).toEqual([true, true, true, true]);
    expect(events.filter((e) => e.type === "call-end").map((e) => (e as { replayed?: boolean }).replayed)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it("continues live after the recorded prefix, with the same run id", async () => {
    const journal = fresh();
    const first = await run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      journal,
      handlers: {
        ...instantHandlers(),
        identify_overlap: () => {
          throw new Error("down");
        },
      },
    });
    expect(first.error?.kind).toBe("handler");
    const log: { fn: string; ctx: { idempotencyKey: string } }[] = [];
    const r = await run(ALIGNED, {
      catalog,
      handlers: instantHandlers(log as never),
      input: { users: ["ana"] },
      journal,
    });
    expect(r.status).toBe("ok");
    expect(log.map((l) => l.fn)).toEqual(["identify_overlap", "book_table"]);
    const runId = records(journal)[0]!.runId as string;
    expect(log.map((l) => l.ctx.idempotencyKey)).toEqual([`${runId}:1`, `${runId}:2`]);
  });

  it("stops with journal-mismatch before calling anything when the calls diverge", async () => {
    const journal = fresh();
    await run(ALIGNED, { catalog, handlers: instantHandlers(), input: { users: ["ana"] }, journal });
    const log: { fn: string }[] = [];
    const r = await run(ALIGNED, {
      catalog,
      handlers: instantHandlers(log as never),
      input: { users: ["zed"] },
      journal,
    });
    expect(r.error).toEqual({
      kind: "journal-mismatch",
      message: 'call 0 is `ask_preference("zed")` but the journal recorded `ask_preference("ana")`',
      line: 3,
    });
    expect(log).toEqual([]);
    expect(r.calls).toEqual([]);
  });

  it("stops with unknown-outcome for a lost irreversible effect, never calls it, and resumes after resolve", async () => {
    const journal = fresh();
    await run(ALIGNED, { catalog, handlers: instantHandlers(), input: { users: ["ana"] }, journal });
    // Drop the last line (book_table's result): the process "died" while the effect was in flight.
    const lines = readFileSync(journal, "utf8")
      .split("\n")
      .filter((l) => l !== "");
    writeFileSync(journal, lines.slice(0, -1).join("\n") + "\n");
    const log: { fn: string }[] = [];
    const r = await run(ALIGNED, {
      catalog,
      handlers: instantHandlers(log as never),
      input: { users: ["ana"] },
      journal,
    });
    expect(r.error?.kind).toBe("unknown-outcome");
    expect(r.error?.line).toBe(5);
    expect(r.error?.message).toContain(`partwise resolve ${journal} 2 RESULT.json`);
    expect(log).toEqual([]);
    // Again: still never called.
    expect(
      (await run(ALIGNED, { catalog, handlers: instantHandlers(log as never), input: { users: ["ana"] }, journal }))
        .error?.kind,
    ).toBe("unknown-outcome");
    expect(log).toEqual([]);

    await resolveJournal(journal, 2, { restaurant: "Sakura", confirmed: true });
    const resumed = await run(ALIGNED, {
      catalog,
      handlers: instantHandlers(log as never),
      input: { users: ["ana"] },
      journal,
    });
    expect(resumed.status).toBe("ok");
    expect(log).toEqual([]);
    expect(resumed.calls.at(-1)).toMatchObject({
      fn: "book_table",
      result: { restaurant: "Sakura", confirmed: true },
      replayed: true,
    });
    expect(records(journal).at(-1)).toMatchObject({ type: "result", seq: 2, resolved: true });
  });

  it("resolveJournal refuses a sequence number without a pending intent", async () => {
    const journal = fresh();
    await run(ALIGNED, { catalog, handlers: instantHandlers(), input: { users: ["ana"] }, journal });
    await expect(resolveJournal(journal, 0, ["x"])).rejects.toThrow(UsageError);
    await expect(resolveJournal(journal, 2, {})).rejects.toThrow("call 2 already has a result");
    await expect(resolveJournal(journal, 9, {})).rejects.toThrow("call 9 has no pending intent");
    await expect(resolveJournal(join(dir, "missing.jsonl"), 0, {})).rejects.toThrow(UsageError);
  });

  it("retries a lost reversible effect with the same idempotency key", async () => {
    const journal = fresh();
    const src = `r = identify_overlap({"a": ask_preference("ana")})\nreturn send_note(r)\n`;
    const h = { ...instantHandlers(), send_note: (t: unknown) => `sent ${String(t)}` };
    await run(src, { catalog, handlers: h, input: { users: [] }, journal });
    const lines = readFileSync(journal, "utf8")
      .split("\n")
      .filter((l) => l !== "");
    const intent = JSON.parse(lines.at(-2)!) as { type: string; idempotencyKey: string };
    expect(intent.type).toBe("intent");
    writeFileSync(journal, lines.slice(0, -1).join("\n") + "\n");
    const keys: string[] = [];
    const r = await run(src, {
      catalog,
      input: { users: [] },
      journal,
      handlers: {
        ...h,
        send_note: (t: unknown, ctx: unknown) => {
          keys.push((ctx as { idempotencyKey: string }).idempotencyKey);
          return `sent ${String(t)}`;
        },
      },
    });
    expect(r.status).toBe("ok");
    expect(r.result).toBe("sent Sakura");
    expect(keys).toEqual([intent.idempotencyKey]);
  });

  it("cuts off a torn last line before appending", async () => {
    const journal = fresh();
    await run(ALIGNED, { catalog, handlers: instantHandlers(), input: { users: ["ana"] }, journal });
    const lines = readFileSync(journal, "utf8")
      .split("\n")
      .filter((l) => l !== "");
    writeFileSync(journal, lines.slice(0, 2).join("\n") + "\n");
    appendFileSync(journal, '{"type":"result","seq":1,"fn":"identi');
    const r = await run(ALIGNED, { catalog, handlers: instantHandlers(), input: { users: ["ana"] }, journal });
    expect(r.status).toBe("ok");
    expect(r.calls.map((c) => c.replayed === true)).toEqual([true, false, false]);
    expect(records(journal).map((x) => x.type)).toEqual(["run", "result", "result", "intent", "result"]);
  });
});

describe("journal lock", () => {
  const busy = (journal: string, who: string): string =>
    `the journal \`${journal}\` is in use by another run (${who}); wait for that run to end, or remove \`${journal}.lock\` if no run is live`;
  /** The pid of a process that has exited (and been reaped). */
  const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid;
  const writeLock = (journal: string, holder: object): void =>
    writeFileSync(`${journal}.lock`, JSON.stringify(holder) + "\n");

  it("refuses a second run while the first holds the journal: exact message, no handler call, nothing written", async () => {
    const journal = fresh();
    const gate = deferred<string[]>();
    const events: TraceEvent[] = [];
    const first = run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      journal,
      onEvent: (e) => events.push(e),
      handlers: { ...instantHandlers(), ask_preference: () => gate.promise },
    });
    await until(() => events.some((e) => e.type === "call-start"));
    const lock = JSON.parse(readFileSync(`${journal}.lock`, "utf8")) as Record<string, unknown>;
    expect(lock).toEqual({
      pid: process.pid,
      host: hostname(),
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      ...(existsSync("/proc/self/stat") ? { procStart: expect.stringMatching(/^\d+$/) as unknown } : {}),
      token: expect.any(String) as unknown,
    });
    const before = readFileSync(journal, "utf8");

    const log: { fn: string }[] = [];
    const second: TraceEvent[] = [];
    const r = await run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      journal,
      handlers: instantHandlers(log as never),
      onEvent: (e) => second.push(e),
    });
    const error = {
      kind: "journal-locked",
      message: busy(journal, `process ${process.pid}, since ${String(lock.since)}`),
    } as const;
    expect(r).toEqual({ status: "error", calls: [], stats: { calls: 0, wallMs: r.stats.wallMs }, error });
    expect(untimedEvents(second)).toEqual([
      { type: "run-start" },
      { type: "error", ...error },
      { type: "run-end", status: "error" },
    ]);
    expect(log).toEqual([]);
    expect(readFileSync(journal, "utf8")).toBe(before);
    // resolve is refused too.
    await expect(resolveJournal(journal, 0, ["x"])).rejects.toThrow(new UsageError(error.message));

    gate.resolve(["Sakura"]);
    expect((await first).status).toBe("ok");
    expect(existsSync(`${journal}.lock`)).toBe(false);
  });

  it("refuses while another process lives, takes over once it is gone, and says so in the trace", async () => {
    const journal = fresh();
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    const exited = new Promise((r) => child.on("exit", r));
    const since = "2026-01-02T03:04:05.678Z";
    writeLock(journal, { pid: child.pid, host: hostname(), since, token: "t" });
    try {
      const log: { fn: string }[] = [];
      const refused = await run(ALIGNED, {
        catalog,
        input: { users: ["ana"] },
        journal,
        handlers: instantHandlers(log as never),
      });
      expect(refused.error).toEqual({
        kind: "journal-locked",
        message: busy(journal, `process ${child.pid}, since ${since}`),
      });
      expect(log).toEqual([]);
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
    const events: TraceEvent[] = [];
    const r = await run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      journal,
      handlers: instantHandlers(),
      onEvent: (e) => events.push(e),
    });
    expect(r.status).toBe("ok");
    expect(untimedEvents(events).slice(0, 2)).toEqual([
      { type: "run-start" },
      {
        type: "note",
        message: `took over the journal lock \`${journal}.lock\` of process ${child.pid} (since ${since}), which is no longer running`,
      },
    ]);
    expect(existsSync(`${journal}.lock`)).toBe(false);
  });

  it("takes over a lock whose pid now belongs to a process that started later (Linux)", async () => {
    if (!existsSync("/proc/self/stat")) return;
    const journal = fresh();
    writeLock(journal, { pid: process.pid, host: hostname(), since: "x", procStart: "1", token: "t" });
    const events: TraceEvent[] = [];
    const r = await run(ALIGNED, {
      catalog,
      input: { users: ["ana"] },
      journal,
      handlers: instantHandlers(),
      onEvent: (e) => events.push(e),
    });
    expect(r.status).toBe("ok");
    expect(events.filter((e) => e.type === "note")).toHaveLength(1);
  });

  it("counts a lock from another host, or one it cannot read, as live", async () => {
    const journal = fresh();
    const pid = deadPid();
    writeLock(journal, { pid, host: `not-${hostname()}`, since: "S", token: "t" });
    const r = await run(ALIGNED, { catalog, input: { users: ["ana"] }, journal, handlers: instantHandlers() });
    expect(r.error?.message).toBe(busy(journal, `process ${pid} on host not-${hostname()}, since S`));
    writeFileSync(`${journal}.lock`, "");
    const e = await run(ALIGNED, { catalog, input: { users: ["ana"] }, journal, handlers: instantHandlers() });
    expect(e.error?.message).toBe(busy(journal, `\`${journal}.lock\` cannot be read`));
    expect(existsSync(`${journal}.lock`)).toBe(true);
  });

  it("releases the lock however the run ends: ok, handler failure, abort, bad input", async () => {
    const ends: Record<string, string> = {};
    const ac = new AbortController();
    ac.abort();
    const cases = {
      ok: { handlers: instantHandlers(), input: { users: ["ana"] } },
      handler: {
        handlers: {
          ...instantHandlers(),
          book_table: () => {
            throw new Error("no table");
          },
        },
        input: { users: ["ana"] },
      },
      aborted: { handlers: instantHandlers(), input: { users: ["ana"] }, signal: ac.signal },
      input: { handlers: instantHandlers(), input: {} },
    };
    for (const [name, opts] of Object.entries(cases)) {
      const journal = fresh();
      const r = await run(ALIGNED, { catalog, journal, ...opts });
      ends[name] = r.status === "ok" ? "ok" : (r.error?.kind ?? "?");
      expect([name, existsSync(`${journal}.lock`)]).toEqual([name, false]);
    }
    expect(ends).toEqual({ ok: "ok", handler: "handler", aborted: "aborted", input: "input" });
  });

  it("resolveJournal takes over a stale lock and releases it", async () => {
    const journal = fresh();
    await run(ALIGNED, { catalog, handlers: instantHandlers(), input: { users: ["ana"] }, journal });
    const lines = readFileSync(journal, "utf8")
      .split("\n")
      .filter((l) => l !== "");
    writeFileSync(journal, lines.slice(0, -1).join("\n") + "\n");
    const pid = deadPid();
    writeLock(journal, { pid, host: hostname(), since: "S", token: "t" });
    await expect(resolveJournal(journal, 2, { restaurant: "Sakura", confirmed: true })).resolves.toEqual({
      lockNote: `took over the journal lock \`${journal}.lock\` of process ${pid} (since S), which is no longer running`,
    });
    expect(existsSync(`${journal}.lock`)).toBe(false);
    await expect(resolveJournal(journal, 9, {})).rejects.toThrow("call 9 has no pending intent");
    expect(existsSync(`${journal}.lock`)).toBe(false);
  });
});
