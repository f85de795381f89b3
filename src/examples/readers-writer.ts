// Readers and a writer sharing a read-write lock. The writer updates two cells that must stay
// equal, under the lock taken exclusive, then downgrades to shared to read its work back. Readers
// take the lock shared, so they run together, and must never see the pair half-updated.
// `writerLocks: false` drops the writer's lock: a reader can then see a torn pair.

import {
  acquire,
  assert,
  type Cell,
  call,
  defineModel,
  downgrade,
  type Lock,
  type Model,
  type Op,
  read,
  release,
  write,
} from '../engine/index.js';

export interface ReadersWriterOptions {
  /** Reader threads (default 2). */
  readers?: number;
  /** The writer takes the lock (default true; false shows the torn read). */
  writerLocks?: boolean;
}

interface State {
  rw: Lock;
  x: Cell<number>;
  y: Cell<number>;
}

function* writer(s: State, locks: boolean): Generator<Op, void, any> {
  if (locks) yield* acquire(s.rw, 'exclusive');
  yield* write(s.x, 1);
  yield* write(s.y, 1);
  if (!locks) return;
  yield* downgrade(s.rw); // readers queued behind us may now run, the pair is consistent
  const y = yield* read(s.y);
  assert(y === 1, 'writer lost its own update');
  yield* release(s.rw, 'shared');
}

function* reader(s: State): Generator<Op, number, any> {
  yield* acquire(s.rw, 'shared');
  const x = yield* read(s.x);
  const y = yield* read(s.y);
  yield* release(s.rw, 'shared');
  assert(x === y, `torn read: x=${x} but y=${y}`);
  return x;
}

export function readersWriter(opts: ReadersWriterOptions = {}): Model<State> {
  const readers = opts.readers ?? 2;
  const locks = opts.writerLocks ?? true;
  return defineModel({
    name: `readers-writer${locks ? '' : '-unlocked'}`,
    setup: (world) => ({
      rw: world.lock('rw', { cls: 'pair_rwsem' }),
      x: world.cell('x', 0),
      y: world.cell('y', 0),
    }),
    threads: [
      { name: 'writer', body: (s: State) => call('update_pair', writer(s, locks)) },
      ...Array.from({ length: readers }, (_, i) => ({
        name: `reader${i}`,
        body: (s: State) => call('read_pair', reader(s)),
      })),
    ],
  });
}
