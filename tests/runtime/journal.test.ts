/**
 * The journal: replay, divergence, lost outcomes of irreversible and
 * reversible effects, `resolveJournal`, and repair of a torn last line.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { catalogTypes } from "../../src/catalog/build.js";
import { UsageError } from "../../src/errors.js";
import { resolveJournal } from "../../src/runtime/journal.js";
import { shutdownSandbox } from "../../src/runtime/pool.js";
import { run } from "../../src/runtime/run.js";
import type { TraceEvent } from "../../src/runtime/types.js";
import { ALIGNED, dinnerCatalog, instantHandlers } from "./helpers.js";

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
