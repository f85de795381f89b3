// Dining philosophers: n philosophers around a table, one fork between each pair. Each takes its
// left fork, then its right. If all take their left fork at once, nobody gets a right one: a
// deadlock. The ordered variant takes the lower-numbered fork first, which breaks the cycle.

import { acquire, call, defineModel, type Lock, type Model, type Op, release } from '../engine/index.js';

export interface PhilosophersOptions {
  /** Philosophers (and forks), at least 2 (default 3). */
  n?: number;
  /** Take the lower-numbered fork first (no deadlock). */
  ordered?: boolean;
}

function* eat(first: Lock, second: Lock): Generator<Op, void, any> {
  yield* acquire(first);
  yield* acquire(second);
  // eating
  yield* release(second);
  yield* release(first);
}

export function diningPhilosophers(opts: PhilosophersOptions = {}): Model<{ forks: Lock[] }> {
  const n = opts.n ?? 3;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`dining philosophers: n must be >= 2 (got ${n})`);
  const ordered = opts.ordered ?? false;
  return defineModel({
    name: `philosophers${ordered ? '-ordered' : ''}-${n}`,
    setup: (world) => ({ forks: Array.from({ length: n }, (_, i) => world.lock(`fork${i}`)) }),
    threads: Array.from({ length: n }, (_, i) => ({
      name: `P${i}`,
      body: ({ forks }: { forks: Lock[] }) => {
        const left = i;
        const right = (i + 1) % n;
        const [first, second] = ordered ? [Math.min(left, right), Math.max(left, right)] : [left, right];
        return call('eat', eat(forks[first], forks[second]));
      },
    })),
  });
}
