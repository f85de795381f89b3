// Random exploration: each execution picks a uniformly random runnable thread at every step and
// uniformly random choice values. Seeded: the same seed gives the same executions, and execution
// r depends on nothing but the seed and r, so any worker can run it (sample-split.ts).

import type { Execution } from '../execution.js';
import { Rng } from '../rng.js';
import type { Run } from '../run.js';

/** Execution r of a random run with `seed`, run to its end (not yet finished by the run). */
export function randomExecution<S>(run: Run<S>, seed: number, r: number): Execution<S> {
  const rng = new Rng((seed ^ Math.imul(r + 1, 0x9e3779b1)) >>> 0);
  const ex = run.execution((_t, _k, n) => rng.below(n));
  while (!ex.finished) {
    const rs = ex.runnable();
    ex.stepThread(rs[rng.below(rs.length)]);
  }
  return ex;
}

export function exploreRandom(run: Run, seed: number, runs: number): boolean {
  for (let r = 0; r < runs; r++) {
    if (run.exhausted()) return false;
    run.finish(randomExecution(run, seed, r));
  }
  return false; // random exploration never proves absence
}
