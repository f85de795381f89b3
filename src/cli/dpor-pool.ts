// `check --workers N` for DPOR: N-1 worker threads explore subtrees ahead
// (engine/explorers/dpor-speculation.ts) while this thread keeps the exploration, so the result
// is the sequential one for every N. The exploration runs synchronously, so this side talks to
// the workers without the event loop: results come back on a MessagePort per worker, read with
// receiveMessageOnPort between executions (this thread never waits for them: what has not come
// back it runs itself), and a job is cancelled through shared memory, which the worker reads
// between executions.
// The workers start once DPOR's progress estimate gives the check at least START_IF_LEFT_MS
// more, and warm up before they take jobs: starting and warming a worker costs a few seconds of
// CPU, which a short check does not win back (BENCHMARKS.md).

import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { type CheckOptions, type CheckResult, check } from '../engine/check.js';
import { CheckpointMismatch } from '../engine/checkpoint.js';
import type { SpecChunk, SpecJob, SpecPool } from '../engine/explorers/dpor-speculation.js';
import type { Progress } from '../engine/run.js';
import type { CheckWorkerData } from './check-pool.js';
import { UsageError } from './errors.js';
import type { Provider } from './provider.js';
import { type Budget, buildTargetModel, checkOptions, type RunHooks, type Target } from './target.js';
import { workerUrl } from './worker-url.js';

/** A check starts its workers once it has run this long, and DPOR's estimate leaves it this much more. */
const START_AFTER_MS = 1000;
const START_IF_LEFT_MS = 5000;
/** Jobs out per worker: the next waits in the worker's port while it runs one. */
const JOBS_PER_WORKER = 2;
/**
 * Job `id` is cancelled when slot `id % CANCEL_SLOTS` of the shared array holds `id` (jobs out at
 * once are far fewer, so two never share a slot).
 */
export const CANCEL_SLOTS = 1024;

/** What a DPOR worker replies on its port. */
export type DporWorkerReply = { ready: true } | { chunk: SpecChunk };

interface Slot {
  worker: Worker;
  port: MessagePort;
  up: boolean;
  out: number;
  /** The snapshot version this worker has. */
  version: number;
}

function startWorker(data: CheckWorkerData): Worker {
  return new Worker(workerUrl('check-worker'), {
    workerData: data,
    transferList: data.dpor ? [data.dpor.port] : [],
  });
}

/**
 * Cores a run may take for its workers when they would otherwise idle: the matrix pool's share
 * (matrix-pool.ts) once it has no run left to give a core. `claim(max)` takes up to `max` and
 * says how many it took; `release(n)` gives them back.
 */
export interface CoreShare {
  claim(max: number): number;
  release(n: number): void;
}

const ALL_CORES: CoreShare = { claim: (max) => max, release: () => {} };

/** Up to N DPOR workers behind the engine's `SpecPool`; `stop` ends them and says how many jobs they ran. */
export function dporPool(
  data: Omit<CheckWorkerData, 'dpor'>,
  workers: number,
  {
    eager = false,
    worthStarting = () => true,
    start = startWorker,
    cores = ALL_CORES,
  }: {
    eager?: boolean;
    /** Start the workers now? Polled between executions until they are started. */
    worthStarting?: () => boolean;
    /** Makes one worker (tests pass workers that fail). */
    start?: (data: CheckWorkerData) => Worker;
    /** Where the cores for the workers come from (default: all N are this check's). */
    cores?: CoreShare;
  } = {},
): SpecPool & { stop(): Promise<number>; failures: readonly string[]; readonly started: number } {
  const cancel = new Int32Array(new SharedArrayBuffer(4 * CANCEL_SLOTS));
  const slots: Slot[] = [];
  const results: SpecChunk[] = [];
  let ran = 0;
  const failures: string[] = [];
  let stopping = false;
  /** Start as many workers as there are cores to claim (none yet: asked again later). */
  const startAll = () => {
    const n = cores.claim(workers);
    for (let i = 0; i < n; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = start({
        ...data,
        dpor: {
          port: port2,
          cancel: cancel.buffer as SharedArrayBuffer,
        },
      });
      // A worker's errors reach this thread only through the event loop, which the exploration
      // does not turn: the executions of a job that never comes back this thread runs itself,
      // and the check says afterwards that a worker failed.
      worker.on('error', (e) => failures.push(e.message));
      worker.on('exit', (code) => {
        if (!stopping) failures.push(`exited with code ${code}`);
      });
      slots.push({ worker, port: port1, up: false, out: 0, version: -1 });
    }
  };
  if (eager) startAll();
  /** Take in every message waiting on the ports. */
  const poll = () => {
    for (const s of slots)
      for (let m = receiveMessageOnPort(s.port); m; m = receiveMessageOnPort(s.port)) {
        const reply = m.message as DporWorkerReply;
        if ('ready' in reply) s.up = true;
        else {
          if (reply.chunk.done) {
            s.out--;
            ran++;
          }
          results.push(reply.chunk);
        }
      }
  };
  return {
    free() {
      if (!slots.length && worthStarting()) startAll();
      poll();
      let n = 0;
      for (const s of slots) if (s.up) n += JOBS_PER_WORKER - s.out;
      return n;
    },
    send(job: SpecJob) {
      let best: Slot | undefined;
      for (const s of slots) if (s.up && s.out < JOBS_PER_WORKER && (!best || s.out < best.out)) best = s;
      if (!best) throw new Error('dpor pool: no free worker (the caller asks free() first)');
      best.out++;
      // A worker keeps the last snapshot it was sent.
      const msg = best.version === job.snapshotVersion ? { ...job, snapshot: undefined } : job;
      best.version = job.snapshotVersion;
      best.worker.postMessage(msg);
    },
    receive() {
      poll();
      return results.shift();
    },
    cancel(id: number) {
      Atomics.store(cancel, id % CANCEL_SLOTS, id);
    },
    async stop() {
      // Let a failure that happened during the check reach its handler first.
      await new Promise((resolve) => setImmediate(resolve));
      stopping = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
      cores.release(slots.length);
      return ran;
    },
    failures,
    /** Workers started (fewer than N when fewer cores could be claimed). */
    get started() {
      return slots.length;
    },
  };
}

/** A DPOR check of `target` with N-1 workers exploring subtrees ahead. */
export async function runTargetOnDporWorkers(
  p: Provider,
  target: Target,
  budget: Budget,
  workers: number,
  hooks: RunHooks = {},
  extra: Pick<CheckOptions, 'raceCensus' | 'minimize' | 'checkpoint'> = {},
  /** FAULTLINE_CHECK_POOL=eager (tests): start the workers at once and say how many jobs they ran. */
  note: (line: string) => void = () => {},
  /** Where the workers' cores come from (default: workers - 1 of them are this check's). */
  cores?: CoreShare,
): Promise<CheckResult> {
  const eager = process.env.FAULTLINE_CHECK_POOL === 'eager';
  // The run's progress reports (every 200 ms) say how far it has come and how far its estimate
  // says it has to go.
  let last: Progress | undefined;
  const tracked: RunHooks = {
    ...hooks,
    onProgress: (p) => {
      last = p;
      hooks.onProgress?.(p);
    },
  };
  const worthStarting = () => {
    if (!last || last.elapsedMs < START_AFTER_MS) return false;
    const e = last.explored ?? 0;
    return e <= 0 || (last.elapsedMs * (1 - e)) / e >= START_IF_LEFT_MS;
  };
  const pool = dporPool(
    {
      spec: p.spec,
      target,
      sample: { mode: 'random', seed: 1, runs: 0, depth: 3 },
      ...(budget.maxStepsPerThread !== undefined ? { maxStepsPerThread: budget.maxStepsPerThread } : {}),
      warmUp: !eager,
    },
    workers - 1,
    // Eager (tests): as soon as a core can be claimed, not only at the start.
    { eager, worthStarting: eager ? () => true : worthStarting, ...(cores ? { cores } : {}) },
  );
  let result: CheckResult | undefined;
  try {
    try {
      result = check(buildTargetModel(p, target), { ...checkOptions(budget, tracked), ...extra }, pool);
    } catch (e) {
      if (e instanceof CheckpointMismatch) throw new UsageError(`--checkpoint: ${e.message}`);
      throw e;
    }
    return result;
  } finally {
    const jobs = await pool.stop();
    for (const f of new Set(pool.failures))
      note(
        `faultline: a DPOR worker thread failed (${f}); the check went on without it, with the same result`,
      );
    if (eager)
      note(
        `dpor pool: ${jobs} jobs run on ${pool.started} worker threads; ${JSON.stringify(result?.speculation ?? {})}`,
      );
  }
}
