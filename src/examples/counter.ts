// A shared counter incremented by several threads. Without a lock, `read` then `write` is not
// atomic: two threads can read the same value and one increment is lost. The final check
// compares the counter with the number of increments.

import {
  acquire,
  type Cell,
  call,
  defineModel,
  type Lock,
  type Model,
  type Op,
  read,
  release,
  write,
} from '../engine/index.js';

export interface CounterOptions {
  /** Threads incrementing the counter (default 2). */
  threads?: number;
  /** Increments per thread (default 1). */
  increments?: number;
}

interface State {
  count: Cell<number>;
  lock: Lock;
}

function* increment(s: State, locked: boolean): Generator<Op, void, any> {
  if (locked) yield* acquire(s.lock);
  const v = yield* read(s.count);
  yield* write(s.count, v + 1);
  if (locked) yield* release(s.lock);
}

function counter(name: string, locked: boolean, opts: CounterOptions): Model<State> {
  const threads = opts.threads ?? 2;
  const increments = opts.increments ?? 1;
  const expected = threads * increments;
  return defineModel({
    name,
    setup: (world) => ({ count: world.cell('count', 0), lock: world.lock('counter_lock') }),
    threads: Array.from({ length: threads }, (_, i) => ({
      name: `T${i}`,
      body: function* (s: State) {
        for (let k = 0; k < increments; k++) yield* call('increment', increment(s, locked));
      },
    })),
    check: (s, view) => {
      const final = view.peek(s.count);
      if (final === expected) return [];
      return [
        {
          kind: 'lost-write',
          title: `counter is ${final} after ${expected} increments: ${expected - final} lost`,
          functions: ['increment'],
        },
      ];
    },
  });
}

/** Increments without a lock: an increment can be lost (a `lost-write` finding). */
export function racyCounter(opts: CounterOptions = {}): Model<State> {
  return counter('counter-racy', false, opts);
}

/** The same with every increment under a lock: always correct. */
export function lockedCounter(opts: CounterOptions = {}): Model<State> {
  return counter('counter-locked', true, opts);
}
