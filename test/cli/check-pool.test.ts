// The check pool (`check --workers N`, random and pct) when a worker thread fails: whether it
// reports an error for a batch, throws, or exits without a word (killed, out of memory), the
// check fails with what happened instead of waiting for the batches the worker had, and the pool
// still stops. The workers here are real threads that say they are ready and then fail.

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { type CheckWorkerData, checkPool } from '../../src/cli/check-pool.js';
import { type Cell, checkOnWorkers, defineModel, read, sampleSpecOf, write } from '../../src/engine/index.js';

/** Two unlocked increments: enough steps that a check of many runs outlasts a failing worker. */
const model = defineModel<{ count: Cell<number> }>({
  name: 'two-increments',
  setup: (w) => ({ count: w.cell('count', 0) }),
  threads: [0, 1].map((i) => ({
    name: `task${i}`,
    *body(s) {
      const n: number = yield* read(s.count);
      yield* write(s.count, n + 1);
    },
  })),
  check: (s, v) => (v.peek(s.count) === 2 ? [] : [{ kind: 'lost-update', title: 'an increment was lost' }]),
});

/** A worker thread that says it is ready, then does `onBatch` with the first batch it is sent. */
const failingWorker = (onBatch: string) => () =>
  new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.postMessage({ ready: true });
     parentPort.on('message', (task) => { ${onBatch} });`,
    { eval: true },
  );

const opts = { mode: 'random' as const, seed: 7, runs: 20_000, minimize: false };
// The fake workers read nothing of what a real one starts with.
const data = { sample: sampleSpecOf(opts), warmUp: false } as unknown as CheckWorkerData;

describe('check pool: a worker that fails', () => {
  it.each([
    ['exits without an error', 'process.exit(3)', /check worker exited \(code 3\) before the check ended/],
    ['exits with status 0', 'process.exit(0)', /check worker exited \(code 0\) before the check ended/],
    ['throws', "throw new Error('worker broke')", /worker broke/],
    [
      'reports an error for its batch',
      "parentPort.postMessage({ batch: task.batch, error: 'model threw' })",
      /check worker, batch \d+: model threw/,
    ],
  ])(
    '%s: the check fails with that, and the pool stops',
    async (_how, onBatch, message) => {
      const pool = checkPool(data, 1, failingWorker(onBatch));
      await expect(checkOnWorkers(model, opts, pool)).rejects.toThrow(message);
      // the worker had batches the check needs, so it could not have ended without them
      await expect(pool.stop()).resolves.toBeTypeOf('number');
    },
    15_000,
  );
});
