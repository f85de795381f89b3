// A worker of `matrix --workers N` (see matrix-pool.ts): loads the provider, then runs the cells
// it is sent, one at a time, and replies with their records.

import { parentPort, workerData } from 'node:worker_threads';
import { runCell } from './matrix.js';
import type { CellReply, CellTask } from './matrix-pool.js';
import { loadProvider } from './provider.js';
import { settingsOf } from './target.js';

const { spec, flag } = workerData as { spec: string | undefined; flag: SharedArrayBuffer };
const stop = new Int32Array(flag);
const p = await loadProvider(spec);

parentPort!.on('message', (task: CellTask) => {
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
    const record = runCell(
      p,
      cell,
      task.budget,
      {
        shouldStop: () => Atomics.load(stop, 0) !== 0,
        ...(task.reportProgress
          ? {
              onProgress: (progress) =>
                parentPort!.postMessage({ index: task.index, progress } satisfies CellReply),
            }
          : {}),
      },
      task.progress,
    );
    reply = { index: task.index, ...(record ? { record } : {}) };
  } catch (e) {
    reply = { index: task.index, error: (e as Error).message };
  }
  parentPort!.postMessage(reply);
});
