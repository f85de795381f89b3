// `matrix --workers N`: the runs of a matrix spread over N worker threads. Each worker loads
// the provider itself and runs whole cells; the results are put back in cell order, so the
// matrix (text, JSON, checkpoint) is the same for every N. Ctrl-C reaches the workers through a
// shared flag; a run cut short is not recorded and is run again on resume.

import { Worker } from 'node:worker_threads';
import type { Progress } from '../engine/run.js';
import {
  type MatrixCell,
  type MatrixHooks,
  type MatrixPlan,
  type MatrixResult,
  matrixResult,
  pendingCells,
  type RunInProgress,
  type RunRecord,
  runInProgress,
  writeCheckpoint,
} from './matrix.js';
import type { Provider } from './provider.js';
import { type Budget, settingsOf } from './target.js';
import { workerUrl } from './worker-url.js';

/** What a pool worker is sent for one run. */
export interface CellTask {
  index: number;
  kernel: Provider['versions'][number];
  fs: string;
  scenario: MatrixCell['target']['scenario'];
  scenarioRef: string;
  /** The target's `--max-faults` (already in the scenario's limits), for its replay commands. */
  maxFaults?: number;
  /** The target's `--mmu-walk` (already in the scenario's `mmu`), for its replay commands. */
  mmuWalk?: string;
  budget: Budget;
  /** With a checkpoint: where the run saves its state as it goes. */
  progress?: RunInProgress;
  /** Send the run's progress reports (for the progress line). */
  reportProgress?: boolean;
}

export interface CellReply {
  index: number;
  record?: RunRecord;
  error?: string;
  /** A progress report of the run in progress (not its end). */
  progress?: Progress;
}

export interface MatrixWorkerData {
  spec: string | undefined;
  /** Set to 1 to stop (Ctrl-C). */
  flag: SharedArrayBuffer;
  /** Cores no pool worker has a run for: a DPOR run's own workers may take them (matrix-worker.ts). */
  idle: SharedArrayBuffer;
  /** The pool's --workers. */
  workers: number;
}

function startWorker(data: MatrixWorkerData): Worker {
  return new Worker(workerUrl('matrix-worker'), { workerData: data });
}

export async function runMatrixPool(
  p: Provider,
  plan: MatrixPlan,
  budget: Budget,
  workers: number,
  hooks: MatrixHooks = {},
): Promise<MatrixResult> {
  const { cells, identity, savedByKey } = pendingCells(p, plan, budget, hooks.checkpoint);
  const done: (RunRecord | undefined)[] = cells.map((c) => savedByKey.get(c.key));
  const resumed = done.filter((r) => r !== undefined).length;
  const todo = cells.map((_, i) => i).filter((i) => done[i] === undefined);
  const flag = new SharedArrayBuffer(4);
  const stop = new Int32Array(flag);
  let interrupted = false;
  let failure: Error | undefined;
  let next = 0;
  let started = 0;
  // The progress line follows the run started first among those running, the one waited for
  // longest; it moves on to the next when that run ends.
  const running = new Map<number, { ordinal: number; at: number }>();
  let shown: number | undefined;
  const follow = () => {
    let first: number | undefined;
    for (const [index, r] of running)
      if (first === undefined || r.ordinal < running.get(first)!.ordinal) first = index;
    if (first === undefined || first === shown) return;
    shown = first;
    const r = running.get(first)!;
    hooks.onRun?.(r.ordinal, todo.length, cells[first], r.at);
  };

  const poll = setInterval(() => {
    if (hooks.shouldStop?.()) {
      interrupted = true;
      Atomics.store(stop, 0, 1);
    }
  }, 50);

  // A core is idle when no pool worker runs on it (fewer runs than workers) or when its worker has
  // no run left to take: the runs still going may then explore their subtrees on it.
  const poolSize = Math.max(1, Math.min(workers, todo.length));
  const idle = new Int32Array(new SharedArrayBuffer(4));
  idle[0] = workers - poolSize;
  const pool = Array.from({ length: poolSize }, () =>
    startWorker({ spec: p.spec, flag, idle: idle.buffer as SharedArrayBuffer, workers }),
  );
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve) => {
            const give = () => {
              if (interrupted || failure || next >= todo.length) {
                Atomics.add(idle, 0, 1);
                resolve();
                return;
              }
              const index = todo[next++];
              const t = cells[index].target;
              running.set(index, { ordinal: started++, at: performance.now() });
              follow();
              const task: CellTask = {
                index,
                kernel: t.kernel,
                fs: t.fs,
                scenario: t.scenario,
                scenarioRef: t.scenarioRef,
                ...settingsOf({ maxFaults: t.maxFaults, mmuWalk: t.mmuWalk }),
                budget,
                progress: runInProgress(hooks, identity, cells[index].key),
                ...(hooks.onProgress ? { reportProgress: true } : {}),
              };
              w.postMessage(task);
            };
            w.on('message', (m: CellReply) => {
              if (m.progress) {
                if (m.index === shown) hooks.onProgress?.(m.progress);
                return;
              }
              running.delete(m.index);
              follow();
              if (m.error) failure ??= new Error(m.error);
              else if (m.record) {
                done[m.index] = m.record;
                if (hooks.checkpoint)
                  writeCheckpoint(
                    hooks.checkpoint,
                    identity,
                    done.filter((r): r is RunRecord => r !== undefined),
                  );
              } else interrupted = true;
              give();
            });
            w.on('error', (e) => {
              failure ??= e;
              resolve();
            });
            give();
          }),
      ),
    );
  } finally {
    clearInterval(poll);
    await Promise.all(pool.map((w) => w.terminate()));
  }
  if (failure) throw failure;
  const records = done.filter((r): r is RunRecord => r !== undefined);
  return matrixResult(plan, cells, records, interrupted || records.length < cells.length, resumed);
}
