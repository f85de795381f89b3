// ABBA deadlock: two threads take the same two locks in opposite orders. Each can get its first
// lock and then wait forever for the other's. With a bystander, a third thread that only takes A
// can queue behind the pair: its deadlocks have two signatures (with and without the bystander)
// but one wait-for cycle, which the matrix report says.

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

function* lockOne(l: Lock): Generator<Op, void, any> {
  yield* acquire(l);
  yield* release(l);
}

export function abbaDeadlock(opts: { bystander?: boolean } = {}): Model<State> {
  const threads = [
    { name: 'T0', body: (s: State) => call('lock_a_then_b', lockBoth(s.a, s.b)) },
    { name: 'T1', body: (s: State) => call('lock_b_then_a', lockBoth(s.b, s.a)) },
  ];
  if (opts.bystander) threads.push({ name: 'T2', body: (s: State) => call('lock_a', lockOne(s.a)) });
  return defineModel({
    name: opts.bystander ? 'abba-bystander' : 'abba',
    setup: (world) => ({ a: world.lock('A'), b: world.lock('B') }),
    threads,
  });
}
