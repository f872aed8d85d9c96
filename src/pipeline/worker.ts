/**
 * Worker thread entry of `partwise batch` (bundled as
 * `dist/pipeline-worker.js`): loads the engine and its context once, then
 * answers each request (raw input lines) with its finished result lines as
 * one UTF-8 buffer, transferred to the reading thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { processBatch, workerContext, type WorkerInit, type WorkRequest, type WorkResponse } from "./batch.js";

const port = parentPort;
if (port === null) throw new Error("pipeline-worker.js must run in a worker thread");
const ready = workerContext(workerData as WorkerInit);

port.on("message", (req: WorkRequest) => {
  void (async (): Promise<void> => {
    const ctx = await ready;
    const r = await processBatch(req.bytes, req.firstLine, ctx);
    const res: WorkResponse = { seq: req.seq, out: r.out, lines: r.lines, counts: r.counts };
    port.postMessage(res, [r.out.buffer]);
  })();
});
