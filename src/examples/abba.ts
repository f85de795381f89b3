// ABBA deadlock: two threads take the same two locks in opposite orders. Each can get its first
// lock and then wait forever for the other's.

import { acquire, call, defineModel, type Lock, type Model, type Op, release } from '../engine/index.js';

interface State {
  a: Lock;
  b: Lock;
}

function* lockBoth(first: Lock, second: Lock): Generator<Op, void, any> {
  yield* acquire(first);
  yield* acquire(second);
  yield* release(second);
  yield* release(first);
}

export function abbaDeadlock(): Model<State> {
  return defineModel({
    name: 'abba',
    setup: (world) => ({ a: world.lock('A'), b: world.lock('B') }),
    threads: [
      { name: 'T0', body: (s) => call('lock_a_then_b', lockBoth(s.a, s.b)) },
      { name: 'T1', body: (s) => call('lock_b_then_a', lockBoth(s.b, s.a)) },
    ],
  });
}
