// Small models to read and copy: each shows one classic concurrency bug (or its fix) and how to
// write it for the checker. `examples` holds ready-made instances by name; the factories take
// parameters.

import type { Model } from '../engine/index.js';
import { abbaDeadlock } from './abba.js';
import { choosePath } from './choose-path.js';
import { lockedCounter, racyCounter } from './counter.js';
import { peterson } from './peterson.js';
import { diningPhilosophers } from './philosophers.js';
import { producerConsumer } from './producer-consumer.js';
import { readersWriter } from './readers-writer.js';

export { abbaDeadlock } from './abba.js';
export { choosePath } from './choose-path.js';
export { type CounterOptions, lockedCounter, racyCounter } from './counter.js';
export { type PetersonOptions, peterson } from './peterson.js';
export { diningPhilosophers, type PhilosophersOptions } from './philosophers.js';
export { type ProducerConsumerOptions, producerConsumer } from './producer-consumer.js';
export { type ReadersWriterOptions, readersWriter } from './readers-writer.js';

export const examples: Record<string, Model> = {
  abba: abbaDeadlock(),
  'abba-bystander': abbaDeadlock({ bystander: true }),
  'counter-racy': racyCounter(),
  'counter-locked': lockedCounter(),
  'philosophers-3': diningPhilosophers({ n: 3 }),
  'philosophers-4': diningPhilosophers({ n: 4 }),
  'philosophers-5': diningPhilosophers({ n: 5 }),
  'philosophers-ordered-3': diningPhilosophers({ n: 3, ordered: true }),
  'philosophers-ordered-5': diningPhilosophers({ n: 5, ordered: true }),
  peterson: peterson(),
  'peterson-spin': peterson({ spin: 2 }),
  'peterson-broken': peterson({ swapEntryWrites: true }),
  'readers-writer': readersWriter(),
  'readers-writer-unlocked': readersWriter({ writerLocks: false }),
  'producer-consumer': producerConsumer(),
  'producer-consumer-lost-wakeup': producerConsumer({ forgetWake: true }),
  'choose-path': choosePath(),
};

/** What each example shows, and the finding kinds a full check reports (empty: it passes). */
export const exampleInfo: Record<string, { summary: string; expect: string[] }> = {
  abba: { summary: 'two threads take two locks in opposite orders', expect: ['deadlock'] },
  'abba-bystander': {
    summary: 'the same, and a third thread that takes A alone: one cycle, two signatures',
    expect: ['deadlock'],
  },
  'counter-racy': { summary: 'unlocked read-then-write increments lose updates', expect: ['lost-write'] },
  'counter-locked': { summary: 'the same increments under a lock', expect: [] },
  'philosophers-3': { summary: 'three philosophers, left fork first', expect: ['deadlock'] },
  'philosophers-4': { summary: 'four philosophers, left fork first', expect: ['deadlock'] },
  'philosophers-5': { summary: 'five philosophers, left fork first', expect: ['deadlock'] },
  'philosophers-ordered-3': { summary: 'three philosophers, lower fork first', expect: [] },
  'philosophers-ordered-5': { summary: 'five philosophers, lower fork first', expect: [] },
  peterson: { summary: "Peterson's algorithm, waiting on a wait queue", expect: [] },
  'peterson-spin': { summary: "Peterson's algorithm with a bounded busy-wait", expect: [] },
  'peterson-broken': { summary: 'Peterson with turn written before flag', expect: ['assertion'] },
  'readers-writer': { summary: 'readers share a rwlock with a downgrading writer', expect: [] },
  'readers-writer-unlocked': { summary: 'the writer forgets the lock: torn reads', expect: ['assertion'] },
  'producer-consumer': { summary: 'bounded buffer with two wait queues', expect: [] },
  'producer-consumer-lost-wakeup': {
    summary: 'the consumer never wakes the producer',
    expect: ['deadlock'],
  },
  'choose-path': { summary: 'only one choice of path takes locks in the wrong order', expect: ['deadlock'] },
};
