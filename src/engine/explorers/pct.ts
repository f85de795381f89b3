// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// ASPLOS 2010). Each run gives the threads random distinct priorities d..d+n-1 and picks d-1
// random change points among the k steps; the highest-priority runnable thread always runs, and
// at the i-th change point the running thread drops to priority i. A bug of depth d is found
// in each run with probability at least 1/(n k^(d-1)).
//
// k is not known before the first run: it starts as the length of one run with the default
// schedule and then follows the longest run seen.

import { Rng } from '../rng.js';
import type { Run } from '../run.js';

export function explorePct(run: Run, seed: number, runs: number, depth: number): boolean {
  if (!Number.isInteger(depth) || depth < 1)
    throw new RangeError(`PCT depth must be a positive integer (got ${depth})`);
  let k = 0;
  {
    // Probe run to estimate k (not counted as a PCT run, but its findings count).
    if (run.exhausted()) return false;
    const ex = run.execution(() => 0);
    while (!ex.finished) ex.stepThread(ex.runnable()[0]);
    k = Math.max(1, ex.schedule.length);
    run.finish(ex);
  }
  for (let r = 0; r < runs; r++) {
    if (run.exhausted()) return false;
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
    if (ex.schedule.length > k) k = ex.schedule.length;
    run.finish(ex);
  }
  return false;
}
