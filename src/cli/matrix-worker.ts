// A worker of `matrix --workers N` (see matrix-pool.ts): loads the provider, then runs the cells
// it is sent, one at a time, and replies with their records. A DPOR run takes cores the pool
// has no run left for, for workers of its own exploring its subtrees ahead (dpor-pool.ts): the
// record is the same either way.

import { parentPort, workerData } from 'node:worker_threads';
import type { Progress } from '../engine/run.js';
import { type CoreShare, runTargetOnDporWorkers } from './dpor-pool.js';
import { runCell, runCellWith } from './matrix.js';
import type { CellReply, CellTask, MatrixWorkerData } from './matrix-pool.js';
import { loadProvider } from './provider.js';
import { exploresWithDpor, settingsOf } from './target.js';

const { spec, flag, idle, workers } = workerData as MatrixWorkerData;
const stop = new Int32Array(flag);
const idleCores = new Int32Array(idle);
const p = await loadProvider(spec);

/** The pool's idle cores, taken with compare-and-swap: runs on other workers take them too. */
const cores: CoreShare = {
  claim(max) {
    for (;;) {
      const n = Atomics.load(idleCores, 0);
      const take = Math.min(n, max);
      if (take <= 0) return 0;
      if (Atomics.compareExchange(idleCores, 0, n, n - take) === n) return take;
    }
  },
  release(n) {
    if (n > 0) Atomics.add(idleCores, 0, n);
  },
};

parentPort!.on('message', async (task: CellTask) => {
  let reply: CellReply;
  try {
    // Named versions by identity, so replay commands name them as the main thread would.
    const kernel = p.versions.find((v) => v.name === task.kernel.name) ?? task.kernel;
    const cell = {
      target: {
        kernel,
        fs: task.fs,
        scenario: task.scenario,
        scenarioRef: task.scenarioRef,
        ...settingsOf({ maxFaults: task.maxFaults, mmuWalk: task.mmuWalk }),
      },
      key: `${kernel.name}|${task.fs}|${task.scenario.name}`,
    };
    const hooks = {
      shouldStop: () => Atomics.load(stop, 0) !== 0,
      ...(task.reportProgress
        ? {
            onProgress: (progress: Progress) =>
              parentPort!.postMessage({ index: task.index, progress } satisfies CellReply),
          }
        : {}),
    };
    const record =
      workers > 1 && exploresWithDpor(task.budget)
        ? await runCellWith(
            p,
            cell,
            task.budget,
            (t, extra) =>
              runTargetOnDporWorkers(
                p,
                t,
                task.budget,
                workers,
                hooks,
                extra,
                (line) => console.error(line),
                cores,
              ),
            task.progress,
          )
        : runCell(p, cell, task.budget, hooks, task.progress);
    reply = { index: task.index, ...(record ? { record } : {}) };
  } catch (e) {
    reply = { index: task.index, error: (e as Error).message };
  }
  parentPort!.postMessage(reply);
});
