// A worker of `check --workers N` (see check-pool.ts and dpor-pool.ts): loads the provider, builds
// the target's model once, and runs what it is sent: in mode random or pct, batches of executions
// on a run of its own, replying with what the main thread needs to take them in order; in DPOR,
// the subtrees of branches waiting in the main thread's exploration, each from the snapshot of
// the main run it names.

import { parentPort, workerData } from 'node:worker_threads';
import { exploreSubtree } from '../engine/explorers/dpor.js';
import { chunkBuffers, type SpecJob, SpeculationWorker } from '../engine/explorers/dpor-speculation.js';
import { runSampleBatch, type SampleBatch } from '../engine/explorers/sample-split.js';
import { Run } from '../engine/run.js';
import type { CheckWorkerData, CheckWorkerReply } from './check-pool.js';
import { CANCEL_SLOTS, type DporWorkerReply } from './dpor-pool.js';
import { loadProvider } from './provider.js';
import { buildTargetModel } from './target.js';

const { spec, target, sample, maxStepsPerThread, warmUp: warm, dpor } = workerData as CheckWorkerData;
/** Warm-up: this many executions, or this long, whichever comes first. */
const WARM_UP_EXECUTIONS = 1500;
const WARM_UP_MS = 2000;
const p = await loadProvider(spec);
// The named version by identity, as the main thread has it.
const kernel = p.versions.find((v) => v.name === target.kernel.name) ?? target.kernel;
const model = buildTargetModel(p, { ...target, kernel });
const runOptions = maxStepsPerThread !== undefined ? { maxStepsPerThread } : {};
if (warm) warmUp();

/**
 * A fresh thread runs the model several times slower until V8 has compiled it (measured: a
 * batch takes 38 ms at first, 7 ms after some 1,500 executions). The main thread, warm, runs the
 * batches meanwhile; so the worker runs executions past the end of the check, on a run of its
 * own that it then drops, before it says it is ready.
 */
function warmUp(): void {
  const scratch = new Run(model, runOptions);
  const started = performance.now();
  // One execution at a time, so a model with long executions stops warming up on time.
  for (let i = 0; i < WARM_UP_EXECUTIONS && performance.now() - started < WARM_UP_MS; i++) {
    const r = sample.runs + i;
    runSampleBatch(scratch, sample, { batch: i, from: r, to: r + 1, k: 1 + (i % 64) * 4 });
  }
}
if (dpor) {
  // A DPOR check's worker: jobs come on the parent port, chunks of results go back on the check's
  // own port (read without the event loop there); the check cancels a job by writing its id into
  // the job's slot of `cancel`.
  const cancel = new Int32Array(dpor.cancel);
  const speculation = new SpeculationWorker(model, runOptions, exploreSubtree);
  const reply = (m: DporWorkerReply) => {
    dpor.port.postMessage(m, 'chunk' in m ? chunkBuffers(m.chunk) : []);
  };
  parentPort!.on('message', (job: SpecJob) =>
    speculation.run(
      job,
      (chunk) => reply({ chunk }),
      () => Atomics.load(cancel, job.id % CANCEL_SLOTS) === job.id,
    ),
  );
  reply({ ready: true });
} else {
  const run = new Run(model, runOptions);
  parentPort!.on('message', (task: SampleBatch) => {
    let reply: CheckWorkerReply;
    try {
      reply = { result: runSampleBatch(run, sample, task) };
    } catch (e) {
      reply = { batch: task.batch, error: (e as Error).stack ?? String(e) };
    }
    parentPort!.postMessage(reply);
  });
  parentPort!.postMessage({ ready: true } satisfies CheckWorkerReply);
}
