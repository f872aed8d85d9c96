/**
 * Worker thread entry of `partwise batch` (bundled as
 * `dist/pipeline-worker.js`): loads the engine and its context once, then
 * answers each request with its result lines in request order.
 */
import { parentPort, workerData } from "node:worker_threads";
import { processLine } from "./batch-line.js";
import {
  countResult,
  workerContext,
  type ResultCounts,
  type WorkerInit,
  type WorkRequest,
  type WorkResponse,
} from "./batch.js";

const port = parentPort;
if (port === null) throw new Error("pipeline-worker.js must run in a worker thread");
const ready = workerContext(workerData as WorkerInit);

port.on("message", (req: WorkRequest) => {
  void (async (): Promise<void> => {
    const ctx = await ready;
    const outs: string[] = [];
    const counts: ResultCounts = { ok: 0, rejected: 0, errors: 0 };
    for (const it of req.items) {
      const r = await processLine(it.text, it.line, ctx);
      countResult(r, counts);
      outs.push(JSON.stringify(r));
    }
    const res: WorkResponse = { seq: req.seq, outs, counts };
    port.postMessage(res);
  })();
});
