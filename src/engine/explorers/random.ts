// Random exploration: each execution picks a uniformly random runnable thread at every step and
// uniformly random choice values. Seeded: the same seed gives the same executions.

import { Rng } from '../rng.js';
import type { Run } from '../run.js';

export function exploreRandom(run: Run, seed: number, runs: number): boolean {
  for (let r = 0; r < runs; r++) {
    if (run.exhausted()) return false;
    const rng = new Rng((seed ^ Math.imul(r + 1, 0x9e3779b1)) >>> 0);
    const ex = run.execution((_t, _k, n) => rng.below(n));
    while (!ex.finished) {
      const rs = ex.runnable();
      ex.stepThread(rs[rng.below(rs.length)]);
    }
    run.finish(ex);
  }
  return false; // random exploration never proves absence
}
