/**
 * `partwise resolve JOURNAL SEQ RESULT.json`: a person supplies the outcome
 * of an effect whose result the journal lacks (the process died while it
 * was in flight), so that the run can resume without repeating it. Like a
 * run, it holds the journal's lock while it writes: a journal a live run
 * holds is refused (exit 2), a stale lock is taken over with a note on
 * standard error.
 */
import { UsageError } from "../errors.js";
import type { JsonValue } from "../runtime/types.js";
import { assertReadableFile, readJsonFile } from "./io.js";
import type { Output } from "./output.js";

/** Runs `resolve`; returns the exit code. */
export async function resolveCommand(
  journal: string,
  seqText: string,
  resultFile: string,
  out: Output,
): Promise<number> {
  if (!/^\d+$/.test(seqText)) {
    throw new UsageError(
      `SEQ must be a call's sequence number (a whole number), not \`${seqText}\``,
      undefined,
      undefined,
      "take it from the `unknown-outcome` error or the journal's `intent` record",
    );
  }
  const seq = Number(seqText);
  assertReadableFile(journal, "journal");
  const result = readJsonFile(resultFile, "result") as JsonValue;
  const { resolveJournal } = await import("../runtime/journal.js");
  const { lockNote } = await resolveJournal(journal, seq, result);
  if (lockNote !== undefined) out.stderr(`partwise: note: ${lockNote}\n`);
  out.stdout(`resolved call ${seq} in ${journal}; run again with --journal ${journal} to resume\n`);
  return 0;
}
