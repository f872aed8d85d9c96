/**
 * Worker thread entry: runs guests on this thread's QuickJS module (see
 * `sandbox.ts`) for the host in the main thread (see `pool.ts`). One run at a
 * time; messages are handled in order. The host can stop a running guest
 * through a shared cancel word polled by the interrupt handler, and kills
 * the whole thread when even that does not help.
 */
import { parentPort, workerData } from "node:worker_threads";
import {
  errorMessage,
  newGuestModule,
  type GuestEvent,
  type GuestJob,
  type GuestModule,
  type GuestOutcome,
  type GuestRun,
} from "./sandbox.js";
import type { HostMessage, WorkerMessage } from "./pool.js";

const port = parentPort;
const control = (workerData as { control: Int32Array }).control;

let module: Promise<GuestModule> | undefined;
let current: { readonly id: number; readonly run: GuestRun } | undefined;

function post(m: WorkerMessage): void {
  port?.postMessage(m);
}

let lastPrelude: string | undefined;

async function moduleFor(memoryMb: number): Promise<GuestModule> {
  const m = module === undefined ? undefined : await module;
  if (m !== undefined && m.healthy && m.memoryMb >= memoryMb) return m;
  m?.dispose();
  module = newGuestModule(Math.max(memoryMb, m?.memoryMb ?? 0));
  return module;
}

/** Makes the image ready for the next run while this thread is idle, and tells the host when it is. */
function prewarmSoon(memoryMb = 0): void {
  setImmediate(() => {
    if (current !== undefined || lastPrelude === undefined) return;
    const prelude = lastPrelude;
    void moduleFor(memoryMb)
      .then((m) => {
        if (current === undefined && m.prewarm(prelude)) post({ type: "warm" });
      })
      .catch(() => undefined);
  });
}

async function handle(m: HostMessage): Promise<void> {
  switch (m.type) {
    case "run": {
      const id = m.id;
      let guest: GuestModule;
      try {
        guest = await moduleFor(m.job.memoryMb);
      } catch (e) {
        post({ type: "done", id, outcome: { type: "crash", message: `cannot start QuickJS: ${errorMessage(e)}` } });
        return;
      }
      if (Atomics.load(control, 0) === id) {
        post({ type: "done", id, outcome: { type: "cancelled" } });
        return;
      }
      const sink = {
        events: (events: readonly GuestEvent[]) => post({ type: "events", id, events }),
        done: (outcome: GuestOutcome) => {
          current = undefined;
          post({ type: "done", id, outcome });
          // Replace a retired module and build its image now, off the next run's path.
          prewarmSoon();
        },
      };
      const job: GuestJob = { ...m.job, prelude: m.job.prelude ?? lastPrelude ?? "" };
      lastPrelude = job.prelude;
      const run = guest.start(job, sink, () => Atomics.load(control, 0) === id);
      if (!run.ended) current = { id, run };
      return;
    }
    case "results":
      if (current?.id === m.id) current.run.deliver(m.results);
      return;
    case "cancel":
      if (current?.id === m.id) current.run.cancel();
      return;
    case "prewarm":
      lastPrelude = m.prelude;
      prewarmSoon(m.memoryMb);
      return;
  }
}

let chain: Promise<void> = Promise.resolve();
port?.on("message", (m: HostMessage) => {
  chain = chain
    .then(() => handle(m))
    .catch((e: unknown) => {
      post({ type: "fatal", message: errorMessage(e) });
    });
});
