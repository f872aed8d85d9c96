/**
 * The approval prompt of `partwise run`: before each call named in the
 * policy's `approve`, the person at the terminal is asked
 * `approve call SEQ: FN(ARGS) at line N? [y/N] ` (arguments as short JSON).
 *
 * `y` or `yes` (any case, spaces around ignored) approves; `n`, `no` or an
 * empty answer refuses (the default, as `[y/N]` says); the end of input
 * (Ctrl-D) and Ctrl-C refuse too, so a closed terminal never leaves the run
 * waiting; anything else is not taken as an answer: the prompt says what it
 * takes and asks again. The streams are parameters, so tests drive the
 * prompt without a terminal.
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { PendingCall } from "../runtime/types.js";
import { shortJson } from "./run-output.js";

/** Where the prompt reads answers and writes questions (the CLI: standard input and standard error). */
export interface PromptStreams {
  readonly input: Readable;
  readonly output: Writable;
  /** Line editing and echo as on a terminal; default: when `output` is a terminal. */
  readonly terminal?: boolean;
}

/** What the prompt says after an answer it does not take. */
export const REASK = "please answer y (approve) or n (refuse)\n";

/** The question for `call`, as written before the answer. */
export function approvalQuestion(call: PendingCall): string {
  const args = call.args.map((a) => shortJson(a, 60)).join(", ");
  return `approve call ${call.seq}: ${call.fn}(${args}) at line ${call.line}? [y/N] `;
}

/** Asks whether `call` may go ahead; resolves true only on `y` or `yes`. */
export async function askApproval(call: PendingCall, streams: PromptStreams): Promise<boolean> {
  // A new interface on an input that has ended would wait for an end that has come already.
  if (streams.input.readableEnded) return false;
  const rl = createInterface({
    input: streams.input,
    output: streams.output,
    ...(streams.terminal !== undefined ? { terminal: streams.terminal } : {}),
  });
  try {
    return await new Promise<boolean>((resolve) => {
      let answered = false;
      const answer = (yes: boolean): void => {
        answered = true;
        resolve(yes);
      };
      // Ctrl-D, Ctrl-C (readline closes on both when there is no SIGINT listener) and end of input:
      // refused, and the line the prompt left open is ended.
      rl.once("close", () => {
        if (answered) return;
        streams.output.write("\n");
        answer(false);
      });
      rl.on("line", (line) => {
        if (answered) return;
        const text = line.trim().toLowerCase();
        if (text === "y" || text === "yes") answer(true);
        else if (text === "" || text === "n" || text === "no") answer(false);
        else {
          streams.output.write(REASK);
          rl.prompt();
        }
      });
      rl.setPrompt(approvalQuestion(call));
      rl.prompt();
    });
  } finally {
    rl.close();
  }
}
