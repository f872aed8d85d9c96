/**
 * The terminal approval prompt of `partwise run`, driven through injected
 * streams by a scripted person who answers each time the question appears:
 * yes, no, an empty answer, end of input, Ctrl-C, an answer it does not
 * take (asked again), and `run` itself, where a refusal stops the run with
 * `not-approved` before the call.
 */
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { REASK, approvalQuestion, askApproval, type PromptStreams } from "../../src/cli/approval-prompt.js";
import type { Output } from "../../src/cli/output.js";
import { runCommand, type RunCommandOptions } from "../../src/cli/run-command.js";
import { shutdownSandbox } from "../../src/runtime/pool.js";
import type { PendingCall } from "../../src/runtime/types.js";
import { FX } from "./helpers.js";

afterAll(async () => {
  await shutdownSandbox();
});

const CALL: PendingCall = { fn: "book_table", args: ["Olive"], line: 5, seq: 4 };
const QUESTION = 'approve call 4: book_table("Olive") at line 5? [y/N] ';

/**
 * Streams with a person at the other end: each time a question appears
 * they type the next answer (`null`: end of input, as Ctrl-D on a closed
 * terminal). `transcript()` is everything the prompt wrote.
 */
function person(answers: readonly (string | null)[]): { streams: PromptStreams; transcript: () => string } {
  const input = new PassThrough();
  const output = new PassThrough();
  let transcript = "";
  let next = 0;
  output.on("data", (chunk: Buffer) => {
    transcript += chunk.toString("utf8");
    if (!transcript.endsWith("[y/N] ")) return;
    const answer = answers[next++];
    setImmediate(() => (answer === null || answer === undefined ? input.end() : input.write(answer)));
  });
  return { streams: { input, output, terminal: false }, transcript: () => transcript };
}

describe("askApproval", () => {
  it("writes the question with the call's number, function, short JSON arguments and line", () => {
    expect(approvalQuestion(CALL)).toBe(QUESTION);
    expect(approvalQuestion({ fn: "f", args: [1, { a: [true, null] }, "x".repeat(70)], line: 9, seq: 0 })).toBe(
      `approve call 0: f(1, {"a":[true,null]}, "${"x".repeat(58)}…) at line 9? [y/N] `,
    );
  });

  it.each([
    ["y", true],
    ["yes", true],
    ["  YES ", true],
    ["Y", true],
    ["n", false],
    ["no", false],
    ["No", false],
    ["", false],
  ])("takes %j as %s, asking once", async (answer, yes) => {
    const p = person([`${answer}\n`]);
    expect(await askApproval(CALL, p.streams)).toBe(yes);
    expect(p.transcript()).toBe(QUESTION);
  });

  it("refuses at the end of input, and ends the line the question left open", async () => {
    const p = person([null]);
    expect(await askApproval(CALL, p.streams)).toBe(false);
    expect(p.transcript()).toBe(`${QUESTION}\n`);
    // The next question on the ended input refuses at once instead of waiting for an end that came already.
    expect(await askApproval(CALL, p.streams)).toBe(false);
    expect(p.transcript()).toBe(`${QUESTION}\n`);
  });

  it("asks again after an answer it does not take, then takes yes", async () => {
    const p = person(["maybe\n", "yse\n", "yes\n"]);
    expect(await askApproval(CALL, p.streams)).toBe(true);
    expect(p.transcript()).toBe(`${QUESTION}${REASK}${QUESTION}${REASK}${QUESTION}`);
    expect(REASK).toBe("please answer y (approve) or n (refuse)\n");
  });

  it("asks again after an answer it does not take, then takes end of input as no", async () => {
    const p = person(["ok\n", null]);
    expect(await askApproval(CALL, p.streams)).toBe(false);
    expect(p.transcript()).toBe(`${QUESTION}${REASK}${QUESTION}\n`);
  });

  it("refuses on Ctrl-C and on Ctrl-D at an empty line on a terminal", async () => {
    for (const key of ["\x03", "\x04"]) {
      const input = new PassThrough();
      const output = new PassThrough();
      const answer = askApproval(CALL, { input, output, terminal: true });
      input.write(key);
      expect(await answer).toBe(false);
      expect(input.isPaused()).toBe(true); // the terminal is handed back
    }
  });

  it("takes only the first answer when one chunk holds several lines", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    input.end("n\ny\n");
    expect(await askApproval(CALL, { input, output, terminal: false })).toBe(false);
  });
});

describe("partwise run, asking on a terminal", () => {
  const opts: RunCommandOptions = {
    catalog: `${FX}/catalog.ts`,
    policy: `${FX}/approve.policy.yaml`,
    input: `${FX}/input.json`,
    format: "json",
    trace: undefined,
    journal: undefined,
    concurrency: undefined,
    timeoutMs: undefined,
    memoryMb: undefined,
    approve: undefined,
  };

  async function runAsking(
    answers: readonly (string | null)[],
    approve?: "all" | "none",
  ): Promise<{ code: number; json: RunJson; stderr: string; transcript: string }> {
    const p = person(answers);
    let stdout = "";
    let stderr = "";
    const out: Output = {
      color: false,
      width: 120,
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
    };
    const code = await runCommand(`${FX}/aligned.pw`, { ...opts, approve }, out, p.streams);
    return { code, json: JSON.parse(stdout) as RunJson, stderr, transcript: p.transcript() };
  }

  interface RunJson {
    status: string;
    error?: { kind: string; message: string; line?: number };
    calls: { fn: string }[];
  }

  it("stops with not-approved before the call when the person says no (exit 3)", async () => {
    const r = await runAsking(["n\n"]);
    expect(r.transcript).toBe(QUESTION);
    expect(r.code).toBe(3);
    expect(r.json.status).toBe("error");
    expect(r.json.error).toEqual({
      kind: "not-approved",
      message: "call 4 `book_table` was not approved: the approver refused it",
      line: 5,
    });
    expect(r.json.calls.map((c) => c.fn)).toEqual([
      "ask_preference",
      "ask_preference",
      "ask_preference",
      "identify_overlap",
    ]);
    expect(r.stderr).toBe("");
  });

  it("stops the same way at the end of input", async () => {
    const r = await runAsking([null]);
    expect(r.transcript).toBe(`${QUESTION}\n`);
    expect(r.code).toBe(3);
    expect(r.json.error?.kind).toBe("not-approved");
    expect(r.json.calls.some((c) => c.fn === "book_table")).toBe(false);
  });

  it("makes the call when the person says yes after an answer it did not take (exit 0)", async () => {
    const r = await runAsking(["sure\n", "y\n"]);
    expect(r.transcript).toBe(`${QUESTION}${REASK}${QUESTION}`);
    expect(r.code).toBe(0);
    expect(r.json.status).toBe("ok");
    expect(r.json.calls.map((c) => c.fn).at(-1)).toBe("book_table");
  });

  it("does not ask when --approve answers", async () => {
    const all = await runAsking([], "all");
    expect([all.transcript, all.code, all.json.status]).toEqual(["", 0, "ok"]);
    const none = await runAsking([], "none");
    expect([none.transcript, none.code, none.json.error?.kind]).toEqual(["", 3, "not-approved"]);
  });
});
