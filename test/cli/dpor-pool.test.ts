// The DPOR pool (`check --workers N` in DPOR) when a worker thread fails: whether it throws on
// its first job or exits without a word, the check goes on without it and ends with the
// sequential result, and the pool says afterwards what happened. The workers here are real
// threads that say they are ready on the check's port and then fail.

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { CheckWorkerData } from '../../src/cli/check-pool.js';
import { dporPool } from '../../src/cli/dpor-pool.js';
import { type Cell, type CheckResult, check, defineModel, read, write } from '../../src/engine/index.js';

/** Three tasks, three unlocked increments each: some thousands of executions. */
const model = defineModel<{ count: Cell<number> }>({
  name: 'increments',
  setup: (w) => ({ count: w.cell('count', 0) }),
  threads: [0, 1, 2].map((i) => ({
    name: `task${i}`,
    *body(s) {
      for (let k = 0; k < 2; k++) {
        const n: number = yield* read(s.count);
        yield* write(s.count, n + 1);
      }
    },
  })),
  check: (s, v) => (v.peek(s.count) === 6 ? [] : [{ kind: 'lost-update', title: 'an increment was lost' }]),
});

/** A worker thread that says it is ready on the check's port, then does `onJob` with its first job. */
const failingWorker = (onJob: string) => (data: CheckWorkerData) =>
  new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     workerData.dpor.port.postMessage({ ready: true });
     parentPort.on('message', (job) => { ${onJob} });`,
    { eval: true, workerData: data, transferList: data.dpor ? [data.dpor.port] : [] },
  );

// The fake workers read nothing of what a real one starts with.
const data = { warmUp: false } as unknown as CheckWorkerData;

const essence = (r: CheckResult) => {
  const { elapsedMs: _e, ...stats } = r.stats;
  const { speculation: _s, ...rest } = r;
  return { ...rest, stats };
};

describe('DPOR pool: a worker that fails', () => {
  const sequential = essence(check(model, { minimize: false }));
  it.each([
    ['throws', "throw new Error('worker broke')", /worker broke/],
    ['exits without an error', 'process.exit(3)', /exited with code 3/],
  ])(
    '%s: the check ends with the sequential result, and the pool says what happened',
    async (_how, onJob, message) => {
      const pool = dporPool(data, 1, { eager: true, start: failingWorker(onJob) });
      // Run until the worker is up and has had a job (it is a thread of its own: give it time).
      const started = performance.now();
      while (pool.free() === 0 && performance.now() - started < 10_000);
      const result = check(model, { minimize: false }, pool);
      await pool.stop();
      expect(result.speculation!.sent).toBeGreaterThan(0);
      expect(result.speculation!.used).toBe(0);
      expect(essence(result)).toEqual(sequential);
      expect(pool.failures.join('; ')).toMatch(message);
    },
    30_000,
  );
});
