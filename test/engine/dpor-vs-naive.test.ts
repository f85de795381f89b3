// Soundness and optimality of DPOR against the naive explorer (design.md, soundness rule): on
// every program small enough to run all its interleavings, DPOR must report exactly the finding
// signatures the naive search reports, and run one execution per Mazurkiewicz trace (at most
// 10% more is tolerated; fewer would mean a trace, and maybe a bug, was missed).

import { describe, expect, it } from 'vitest';
import { check, exploreNaive, type Model } from '../../src/engine/index.js';
import {
  abbaDeadlock,
  choosePath,
  diningPhilosophers,
  lockedCounter,
  peterson,
  producerConsumer,
  racyCounter,
  readersWriter,
} from '../../src/examples/index.js';
import { handwritten } from './programs.js';

function compare(model: Model, mergePrefixes = false) {
  const naive = exploreNaive(model, { mergePrefixes, maxExecutions: 400_000 });
  const dpor = check(model, { minimize: false });
  return {
    naive,
    dpor,
    naiveSignatures: [...naive.findings.keys()].sort(),
    dporSignatures: dpor.findings.map((f) => f.signature).sort(),
  };
}

function expectSameAsNaive(model: Model, mergePrefixes = false): void {
  const c = compare(model, mergePrefixes);
  expect(c.naive.complete).toBe(true);
  expect(c.dpor.complete).toBe(true);
  expect(c.dporSignatures).toEqual(c.naiveSignatures);
  // Every trace explored at least once, and (nearly) only once.
  expect(c.dpor.stats.executions).toBeGreaterThanOrEqual(c.naive.traces);
  expect(c.dpor.stats.executions).toBeLessThanOrEqual(1.1 * c.naive.traces);
  // No thread's step disables another's, so the wakeup trees never lead into a sleep-set block.
  expect(c.dpor.stats.sleepBlocked).toBe(0);
}

describe('DPOR equals the naive search on hand-written programs', () => {
  it.each(handwritten.map((m) => [m.name, m] as const))('%s', (_name, model) => {
    expectSameAsNaive(model);
  });
});

describe('DPOR equals the naive search on the examples', () => {
  const small: Model[] = [
    abbaDeadlock(),
    racyCounter(),
    racyCounter({ threads: 3 }),
    lockedCounter(),
    lockedCounter({ threads: 2, increments: 2 }),
    peterson(),
    peterson({ spin: 1 }),
    peterson({ swapEntryWrites: true }),
    readersWriter({ readers: 1 }),
    readersWriter({ readers: 1, writerLocks: false }),
    producerConsumer({ items: 2 }),
    producerConsumer({ items: 3, forgetWake: true }),
    choosePath(),
  ];
  it.each(small.map((m, i) => [`${m.name} #${i}`, m] as const))('%s', (_name, model) => {
    expectSameAsNaive(model);
  });

  // Too many interleavings for the plain search: traces and findings from the prefix-merging one.
  const larger: Model[] = [
    diningPhilosophers({ n: 3 }),
    diningPhilosophers({ n: 3, ordered: true }),
    diningPhilosophers({ n: 4 }),
    readersWriter({ readers: 2 }),
  ];
  it.each(larger.map((m) => [m.name, m] as const))('%s (naive with merged prefixes)', (_name, model) => {
    expectSameAsNaive(model, true);
  });
});
