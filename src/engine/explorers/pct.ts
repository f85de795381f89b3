// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// ASPLOS 2010). Each run gives the threads random distinct priorities d..d+n-1 and picks d-1
// random change points among the k steps; the highest-priority runnable thread always runs, and
// at the i-th change point the running thread drops to priority i. A bug of depth d is found
// in each run with probability at least 1/(n k^(d-1)).
//
// k is not known before the first run: it starts as the length of one run with the default
// schedule and then follows the longest run seen, with a lag: the runs go in batches of
// SAMPLE_BATCH, and a batch takes the longest of the batches at least PCT_LENGTH_LAG before it.
// So run r depends only on the seed, r and runs well before it, and PCT_LENGTH_LAG batches can
// run at once on worker threads with the same result as one after the other (sample-split.ts).

import type { Execution } from '../execution.js';
import { Rng } from '../rng.js';
import type { Run } from '../run.js';

/** Runs per batch of a sampling run (random or PCT), the unit handed to a worker thread. */
export const SAMPLE_BATCH = 32;
/** A PCT batch's k follows the longest run of the batches at least this many batches before it. */
export const PCT_LENGTH_LAG = 16;

export function checkPctDepth(depth: number): void {
  if (!Number.isInteger(depth) || depth < 1)
    throw new RangeError(`PCT depth must be a positive integer (got ${depth})`);
}

/**
 * The probe run that sets the first k: the default schedule, run and finished on `run` (not a PCT
 * run; its findings count). Returns its length.
 */
export function pctProbe<S>(run: Run<S>): number {
  const ex = run.execution(() => 0);
  while (!ex.finished) ex.stepThread(ex.runnable()[0]);
  run.finish(ex);
  return ex.schedule.length;
}

/**
 * k for batch `batch`: the probe's length, or the longest run of batches 0 .. batch-LAG if longer.
 * `longest[b]` is batch b's longest run; batches not yet known must not be needed (see `pctReady`).
 */
export function pctLength(probe: number, longest: readonly number[], batch: number): number {
  let k = Math.max(1, probe);
  for (let b = 0; b <= batch - PCT_LENGTH_LAG; b++) k = Math.max(k, longest[b]);
  return k;
}

/** Execution r of a PCT run with `seed`, given k, run to its end (not yet finished by the run). */
export function pctExecution<S>(
  run: Run<S>,
  seed: number,
  r: number,
  k: number,
  depth: number,
): Execution<S> {
  const rng = new Rng((seed ^ Math.imul(r + 1, 0x85ebca6b)) >>> 0);
  const prio: number[] = [];
  const changeAt: number[] = [];
  for (let i = 1; i < depth; i++) changeAt.push(1 + rng.below(k));
  const ex = run.execution((_t, _k, n) => rng.below(n));
  let step = 0;
  const priorityOf = (t: number): number => {
    if (prio[t] === undefined) {
      // Distinct random priority above every change-point priority, for threads as they appear.
      prio[t] = depth + rng.below(1 << 20) * 64 + t;
    }
    return prio[t];
  };
  while (!ex.finished) {
    let best = -1;
    for (const t of ex.runnable()) if (best < 0 || priorityOf(t) > priorityOf(best)) best = t;
    step++;
    const ci = changeAt.indexOf(step);
    if (ci >= 0) {
      prio[best] = ci + 1;
      // Re-pick: the dropped thread may no longer be the highest.
      for (const t of ex.runnable()) if (priorityOf(t) > priorityOf(best)) best = t;
    }
    ex.stepThread(best);
  }
  return ex;
}

export function explorePct(run: Run, seed: number, runs: number, depth: number): boolean {
  checkPctDepth(depth);
  if (run.exhausted()) return false;
  const probe = pctProbe(run);
  const longest: number[] = [];
  for (let r = 0; r < runs; r++) {
    if (run.exhausted()) return false;
    const batch = Math.floor(r / SAMPLE_BATCH);
    const ex = pctExecution(run, seed, r, pctLength(probe, longest, batch), depth);
    longest[batch] = Math.max(longest[batch] ?? 0, ex.schedule.length);
    run.finish(ex);
  }
  return false;
}
