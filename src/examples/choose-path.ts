// A thread whose path depends on a value the model leaves open: `choose(2)` makes the checker
// explore both. Here a lookup either hits (fast path) or misses (slow path); only the slow path
// takes the two locks in the wrong order, so only it can deadlock with the other thread.

import {
  acquire,
  call,
  choose,
  defineModel,
  type Lock,
  type Model,
  type Op,
  release,
} from '../engine/index.js';

interface State {
  table: Lock;
  entry: Lock;
}

/** Takes table, then entry: the documented order. */
function* update(s: State): Generator<Op, void, any> {
  yield* acquire(s.table);
  yield* acquire(s.entry);
  yield* release(s.entry);
  yield* release(s.table);
}

function* lookup(s: State): Generator<Op, void, any> {
  const hit = (yield* choose(2, 'entry cached?')) === 1;
  if (hit) {
    yield* acquire(s.entry);
    yield* release(s.entry);
    return;
  }
  // Slow path: holds the entry while it takes the table to insert it. Wrong order.
  yield* acquire(s.entry);
  yield* acquire(s.table);
  yield* release(s.table);
  yield* release(s.entry);
}

export function choosePath(): Model<State> {
  return defineModel({
    name: 'choose-path',
    setup: (world) => ({ table: world.lock('table'), entry: world.lock('entry') }),
    threads: [
      { name: 'updater', body: (s) => call('update', update(s)) },
      { name: 'reader', body: (s) => call('lookup', lookup(s)) },
    ],
  });
}
