// `check --workers N` in mode random or pct: batches of one check's executions run by the main
// thread and N-1 worker threads, taken back in order by the main thread
// (engine/explorers/sample-split.ts), so the result is the same for every N. Each worker loads
// the provider, builds the model and warms up (check-worker.ts), which takes a few seconds; a
// check still going after START_AFTER_MS starts them, and until they are up the main thread runs
// the batches itself, so a short check costs about what it costs on one thread.

import { type MessagePort, Worker } from 'node:worker_threads';
import { type CheckOptions, type CheckResult, checkOnWorkers, sampleSpecOf } from '../engine/check.js';
import type {
  SampleBatch,
  SampleBatchResult,
  SamplePool,
  SampleSpec,
} from '../engine/explorers/sample-split.js';
import type { Provider } from './provider.js';
import { type Budget, buildTargetModel, checkOptions, type RunHooks, type Target } from './target.js';
import { workerUrl } from './worker-url.js';

/** A check that has run this long starts its workers. */
const START_AFTER_MS = 1000;
/**
 * FAULTLINE_CHECK_POOL=eager (for tests): start the workers at once, without warming up, wait
 * for them before the first batch, and say on stderr how many batches they ran; a short check
 * then runs on them too.
 */
const eager = () => process.env.FAULTLINE_CHECK_POOL === 'eager';
/** Batches out per worker: the second waits in the worker's port while it runs the first. */
const BATCHES_PER_WORKER = 2;

/** What a check worker starts with. */
export interface CheckWorkerData {
  spec: string | undefined;
  target: Target;
  sample: SampleSpec;
  maxStepsPerThread?: number;
  warmUp: boolean;
  /**
   * A DPOR check's worker (dpor-pool.ts): the port it replies on, and the shared array where the
   * check marks the jobs to stop (`CANCEL_SLOTS`).
   */
  dpor?: { port: MessagePort; cancel: SharedArrayBuffer };
}

export type CheckWorkerReply =
  | { ready: true }
  | { result: SampleBatchResult }
  | { batch: number; error: string };

function startWorker(data: CheckWorkerData): Worker {
  return new Worker(workerUrl('check-worker'), { workerData: data });
}

/**
 * N check workers behind the engine's `SamplePool`; `stop` ends them. `start` makes one worker
 * (tests pass workers that fail in each way a worker can).
 */
export function checkPool(
  data: CheckWorkerData,
  workers: number,
  start: (data: CheckWorkerData) => Worker = startWorker,
): SamplePool & { stop(): Promise<number> } {
  const created = performance.now();
  let batches = 0;
  let stopping = false;
  const pool: Worker[] = [];
  /** A worker per batch it can take now (each up worker BATCHES_PER_WORKER times). */
  const slots: Worker[] = [];
  const waiting = new Map<number, { resolve: (r: SampleBatchResult) => void; reject: (e: Error) => void }>();
  let failure: Error | undefined;
  let wake = () => {};
  let up = 0;
  let allUp = () => {};
  const ready = new Promise<void>((resolve) => {
    allUp = resolve;
  });
  const fail = (e: Error) => {
    failure ??= e;
    allUp();
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
    wake();
  };
  const startAll = () => {
    for (let i = 0; i < workers; i++) {
      const w = start(data);
      pool.push(w);
      w.on('message', (m: CheckWorkerReply) => {
        if ('ready' in m) {
          for (let j = 0; j < BATCHES_PER_WORKER; j++) slots.push(w);
          if (++up === workers) allUp();
          wake();
          return;
        }
        slots.push(w);
        batches++;
        if ('error' in m) fail(new Error(`check worker, batch ${m.batch}: ${m.error}`));
        else {
          waiting.get(m.result.batch)?.resolve(m.result);
          waiting.delete(m.result.batch);
        }
      });
      w.on('error', (e) => fail(e));
      // A worker gone without an error (killed, out of memory) would leave its batches waiting.
      w.on('exit', (code) => {
        if (!stopping) fail(new Error(`check worker exited (code ${code}) before the check ended`));
      });
    }
  };
  if (!data.warmUp) startAll();
  return {
    ...(data.warmUp ? {} : { ready }),
    free() {
      if (failure) throw failure;
      if (!pool.length && performance.now() - created >= START_AFTER_MS) startAll();
      return slots.length;
    },
    run(batch: SampleBatch) {
      if (failure) return Promise.reject(failure);
      const w = slots.pop();
      if (!w) return Promise.reject(new Error('check pool: no free worker (the caller asks free() first)'));
      return new Promise<SampleBatchResult>((resolve, reject) => {
        waiting.set(batch.batch, { resolve, reject });
        w.postMessage(batch);
      });
    },
    onFree(w) {
      wake = w;
    },
    /** Ends the workers; resolves with how many batches they ran. */
    async stop() {
      stopping = true;
      await Promise.all(pool.map((w) => w.terminate()));
      return batches;
    },
  };
}

export async function runTargetOnWorkers(
  p: Provider,
  target: Target,
  budget: Budget,
  workers: number,
  hooks: RunHooks = {},
  extra: Pick<CheckOptions, 'minimize'> = {},
  /** Where FAULTLINE_CHECK_POOL=eager says how many batches the workers ran. */
  note: (line: string) => void = () => {},
): Promise<CheckResult> {
  const opts: CheckOptions = { ...checkOptions(budget, hooks), ...extra };
  const pool = checkPool(
    {
      spec: p.spec,
      target,
      sample: sampleSpecOf(opts),
      ...(budget.maxStepsPerThread !== undefined ? { maxStepsPerThread: budget.maxStepsPerThread } : {}),
      warmUp: !eager(),
    },
    workers - 1,
  );
  try {
    return await checkOnWorkers(buildTargetModel(p, target), opts, pool);
  } finally {
    const batches = await pool.stop();
    if (eager()) note(`check pool: ${batches} batches run on ${workers - 1} worker threads`);
  }
}
