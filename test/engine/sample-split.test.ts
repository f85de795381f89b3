// A random or PCT check split over workers (explorers/sample-split.ts) gives the sequential
// check's result for every number of workers, with lockdep's cross-execution graph (cycles made
// of edges from different executions, with their histories and execution numbers) and findings
// whose witness improves; threads also make objects as they run (whose ids no output shows).
// The workers here are runs of their own in this thread, answering in a shuffled order, as
// worker threads may.

import { describe, expect, it } from 'vitest';
import {
  type CheckOptions,
  type CheckResult,
  check,
  checkOnWorkers,
  type Model,
  Run,
  runSampleBatch,
  type SampleBatch,
  type SampleBatchResult,
  type SamplePool,
  sampleSpecOf,
} from '../../src/engine/index.js';
import { chosenOrders } from './chosen-orders.js';

/** Mostly a -> b -> c -> a, rarely another order; every task may make an object late. */
const model = chosenOrders({ orders: 40, lateObjects: [0, 1, 2], lateChoices: 4 });
type State = typeof model extends Model<infer S> ? S : never;

/**
 * `workers` runs of the model in this thread, answering after shuffled delays; none is up for the
 * first `startup` calls of free() (the main thread runs batches itself meanwhile); `withhold`
 * drops the re-runs the main thread is asked for; `slowFirst` ms delays the first answer.
 */
function poolOf(
  m: Model,
  opts: CheckOptions,
  workers: number,
  { startup = 0, withhold = false, slowFirst = 0 } = {},
): SamplePool {
  const runs = Array.from({ length: workers }, () => new Run(m, {}));
  let turn = 0;
  let seed = 7;
  let out = 0;
  let asked = 0;
  return {
    free: () => (++asked > startup ? 2 * workers - out : 0),
    run: (batch: SampleBatch) =>
      new Promise<SampleBatchResult>((resolve) => {
        out++;
        const result = runSampleBatch(runs[turn++ % workers], sampleSpecOf(opts), batch);
        seed = (seed * 1103515245 + 12345) >>> 0;
        setTimeout(
          () => {
            out--;
            resolve(withhold ? { ...result, again: [] } : result);
          },
          turn === 1 && slowFirst ? slowFirst : seed % 4,
        );
      }),
    onFree: () => {},
  };
}

const essence = (r: CheckResult) => {
  const { elapsedMs: _e, ...stats } = r.stats;
  return { ...r, stats };
};

describe('a sampling check split over workers', () => {
  const cases: [string, CheckOptions][] = [
    ['random', { mode: 'random', runs: 700, seed: 3 }],
    // more than PCT_LENGTH_LAG batches, so later batches take k from earlier ones
    ['pct', { mode: 'pct', runs: 900, seed: 5, depth: 2 }],
    ['pct, stopped by max-executions inside a batch', { mode: 'pct', runs: 900, maxExecutions: 250 }],
    ['random, stopped at the first finding', { mode: 'random', runs: 700, stopAtFirstFinding: true }],
  ];
  for (const [name, opts] of cases)
    it(`${name}: the sequential result for 1, 2 and 3 workers, up at once or late or never`, async () => {
      const sequential = essence(check(model, opts));
      // n workers, up after `startup` asks (the main thread runs the batches before that itself)
      for (const [n, startup] of [
        [1, 0],
        [2, 0],
        [3, 0],
        [2, 5],
        [2, Number.POSITIVE_INFINITY],
      ])
        expect(
          essence(await checkOnWorkers(model, opts, poolOf(model, opts, n, { startup }))),
          `${n} workers, up after ${startup}`,
        ).toEqual(sequential);
    }, 60_000);

  it('a worker slow with the batch due: the main thread runs ahead up to its bound, then waits, same result', async () => {
    // 4,000 runs are 125 batches, more than the 64 the main thread may run ahead of the one due
    const opts: CheckOptions = { mode: 'random', runs: 4000, seed: 11, minimize: false };
    const slow = await checkOnWorkers(model, opts, poolOf(model, opts, 1, { slowFirst: 1500 }));
    expect(essence(slow)).toEqual(essence(check(model, opts)));
  }, 60_000);

  it('the runs cover what the comparison needs: cycles across executions, lost updates', () => {
    const r = check(model, { mode: 'pct', runs: 900, seed: 5, depth: 2, minimize: false });
    const kinds = new Set(r.findings.map((f) => f.kind));
    expect(kinds).toContain('circular-dependency');
    expect(kinds).toContain('lost-update');
    // a cycle whose edges came from more than one execution carries their tokens
    expect(r.findings.some((f) => f.kind === 'circular-dependency' && f.token.includes('+'))).toBe(true);
  });

  it('without the main thread running the executions that changed something, the result differs', async () => {
    const opts: CheckOptions = { mode: 'pct', runs: 900, seed: 5, depth: 2 };
    const withheld = await checkOnWorkers(model, opts, poolOf(model, opts, 2, { withhold: true }));
    expect(essence(withheld)).not.toEqual(essence(check(model, opts)));
  }, 60_000);

  it('without lockdep counting the executions it did not see, the result differs (its execution numbers)', async () => {
    const opts: CheckOptions = { mode: 'pct', runs: 900, seed: 5, depth: 2 };
    const forgetful: Model<State> = {
      ...model,
      monitors: () =>
        (model.monitors?.() ?? []).map((m) => {
          if (m.skipExecution) m.skipExecution = () => {};
          return m;
        }),
    };
    const split = await checkOnWorkers(forgetful, opts, poolOf(forgetful, opts, 2));
    expect(essence(split)).not.toEqual(essence(check(model, opts)));
  }, 60_000);

  it('refuses a monitor that keeps state across executions without saying when it changes', async () => {
    const keeper = { ...model, monitors: () => [{ saveRun: () => ({ seen: 1 }), restoreRun: () => {} }] };
    await expect(
      checkOnWorkers(keeper, { mode: 'random' }, poolOf(keeper, { mode: 'random' }, 2)),
    ).rejects.toThrow(/monitor #0 .* keeps state across executions but has no runVersion/);
    await expect(
      checkOnWorkers(model, { mode: 'dpor' }, poolOf(model, { mode: 'random' }, 2)),
    ).rejects.toThrow(/only random and pct/);
  });

  it('a pool that fails (a worker that cannot start) fails the check with its error', async () => {
    const opts: CheckOptions = { mode: 'random', runs: 700 };
    const pool = poolOf(model, opts, 2);
    let asked = 0;
    const failing = {
      ...pool,
      free: () => {
        if (++asked > 3) throw new Error('worker could not start');
        return pool.free();
      },
    };
    await expect(checkOnWorkers(model, opts, failing)).rejects.toThrow('worker could not start');
  });
});
