// Small hand-written programs for the DPOR-versus-naive comparisons: each mixes a few of the
// engine's features (reads and writes, three threads, locks incl. shared mode and trylock, wait
// queues, choices, spawn/join, downgrade, ownerless locks). Not a test file: imported by tests.

import {
  acquire,
  assert,
  type Cell,
  call,
  choose,
  defineModel,
  downgrade,
  join,
  type Model,
  read,
  release,
  spawn,
  tryAcquire,
  update,
  waitUntil,
  wake,
  write,
} from '../../src/engine/index.js';

/** Every distinct end state becomes a finding of its own, so signature sets compare outcomes. */
function outcomeFinding(values: unknown): { kind: string; title: string; functions: string[] }[] {
  const text = JSON.stringify(values);
  return [{ kind: 'outcome', title: `end state ${text}`, functions: [text] }];
}

/** Store buffering with a third observer: reads and writes of two cells by three threads. */
export const storeBuffering: Model = defineModel({
  name: 'store-buffering-3',
  setup: (w) => ({ x: w.cell('x', 0), y: w.cell('y', 0) }),
  threads: [
    {
      name: 'T0',
      body: function* (s) {
        yield* write(s.x, 1);
        return yield* read(s.y);
      },
    },
    {
      name: 'T1',
      body: function* (s) {
        yield* write(s.y, 1);
        return yield* read(s.x);
      },
    },
    {
      name: 'T2',
      body: function* (s) {
        const a = yield* read(s.x);
        const b = yield* read(s.y);
        return [a, b];
      },
    },
  ],
  check: (_s, v) => outcomeFinding(v.results),
});

/** Two writers and two reads of one cell, plus an independent cell. */
export const writersAndReader: Model = defineModel({
  name: 'writers-and-reader',
  setup: (w) => ({ x: w.cell('x', 0), z: w.cell('z', 0) }),
  threads: [
    {
      name: 'W1',
      body: function* (s) {
        yield* write(s.x, 1);
        yield* write(s.z, 1);
      },
    },
    { name: 'W2', body: (s) => write(s.x, 2) },
    {
      name: 'R',
      body: function* (s) {
        return [yield* read(s.x), yield* read(s.x)];
      },
    },
  ],
  check: (s, v) => outcomeFinding([v.peek(s.x), v.results[2]]),
});

/** A rwsem taken shared by two readers and exclusive by a writer; readers log what they saw. */
export const sharedLock: Model = defineModel({
  name: 'shared-lock',
  setup: (w) => ({ rw: w.lock('rw'), x: w.cell('x', 0) }),
  threads: [
    {
      name: 'writer',
      body: function* (s) {
        yield* acquire(s.rw);
        yield* write(s.x, 1);
        yield* downgrade(s.rw);
        yield* release(s.rw, 'shared');
      },
    },
    ...['R1', 'R2'].map((name) => ({
      name,
      body: function* (s: { rw: any; x: Cell<number> }) {
        yield* acquire(s.rw, 'shared');
        const v = yield* read(s.x);
        yield* release(s.rw, 'shared');
        return v;
      },
    })),
  ],
  check: (_s, v) => outcomeFinding(v.results),
});

/** A flag handed over through a wait queue, with a wake-up that can come before the sleep. */
export const waitQueue: Model = defineModel({
  name: 'wait-queue',
  setup: (w) => ({ ready: w.cell('ready', false), data: w.cell('data', 0), q: w.queue('q') }),
  threads: [
    {
      name: 'setter',
      body: function* (s) {
        yield* write(s.data, 42);
        yield* write(s.ready, true);
        yield* wake(s.q);
      },
    },
    ...['waiter1', 'waiter2'].map((name) => ({
      name,
      body: function* (s: any) {
        yield* waitUntil(s.q, [s.ready], (peek) => peek(s.ready));
        const d = yield* read(s.data);
        assert(d === 42, 'woken before the data was written');
        return d;
      },
    })),
  ],
});

/** Choices, including one whose arity depends on the interleaving. */
export const choices: Model = defineModel({
  name: 'choices',
  setup: (w) => ({ x: w.cell('x', 0), y: w.cell('y', 0) }),
  threads: [
    {
      name: 'T0',
      body: function* (s) {
        const c = yield* choose(2, 'which value');
        yield* write(s.x, c + 1);
      },
    },
    {
      name: 'T1',
      body: function* (s) {
        const x = yield* read(s.x);
        const c = yield* choose(x + 1, 'arity from x');
        yield* write(s.y, c);
      },
    },
  ],
  check: (s, v) => outcomeFinding([v.peek(s.x), v.peek(s.y)]),
});

/** A choice made after a write, raced by a reader of that cell and by a writer of another. */
export const choiceRace: Model = defineModel({
  name: 'choice-race',
  setup: (w) => ({ x: w.cell('x', 0), y: w.cell('y', 0) }),
  threads: [
    { name: 'R', body: (s) => read(s.x) },
    { name: 'W', body: (s) => write(s.y, 1) },
    {
      name: 'C',
      body: function* (s) {
        yield* write(s.x, 1);
        const c = yield* choose(2, 'second value');
        yield* write(s.x, 10 + c);
        return yield* read(s.y);
      },
    },
  ],
  check: (s, v) => outcomeFinding([v.peek(s.x), v.results]),
});

/** A parent spawns a child that races with another thread on a cell, joins it, and reads the cell. */
export const spawnJoin: Model = defineModel({
  name: 'spawn-join',
  setup: (w) => ({ x: w.cell('x', 0) }),
  threads: [
    {
      name: 'parent',
      body: function* (s) {
        const child = yield* spawn('child', () => update(s.x, (v: number) => v * 10 + 1));
        yield* join(child);
        return yield* read(s.x);
      },
    },
    { name: 'other', body: (s) => write(s.x, 2) },
  ],
  check: (s, v) => outcomeFinding([v.results[0], v.peek(s.x)]),
});

/** trylock that may fail, and a blocking lock, on two locks: a possible ABBA through trylock. */
export const trylock: Model = defineModel({
  name: 'trylock',
  setup: (w) => ({ a: w.lock('A'), b: w.lock('B'), x: w.cell('x', 0) }),
  threads: [
    {
      name: 'T0',
      body: function* (s) {
        yield* acquire(s.a);
        if (yield* tryAcquire(s.b)) {
          yield* write(s.x, 1);
          yield* release(s.b);
        }
        yield* release(s.a);
      },
    },
    {
      name: 'T1',
      body: function* (s) {
        yield* acquire(s.b);
        yield* acquire(s.a);
        yield* update(s.x, (v: number) => v + 2);
        yield* release(s.a);
        yield* release(s.b);
      },
    },
  ],
  check: (s, v) => outcomeFinding(v.peek(s.x)),
});

/** An ownerless lock (like PG_locked) taken by one thread and released by another. */
export const ownerless: Model = defineModel({
  name: 'ownerless',
  setup: (w) => ({ pg: w.lock('page', { cls: 'PG_locked', ownerless: true }), x: w.cell('x', 0) }),
  threads: [
    {
      name: 'locker',
      body: function* (s) {
        yield* acquire(s.pg);
        yield* write(s.x, 1);
      },
    },
    {
      name: 'unlocker',
      body: function* (s) {
        const x = yield* read(s.x);
        if (x === 1) yield* release(s.pg);
        return x;
      },
    },
    {
      name: 'waiter',
      body: function* (s) {
        yield* acquire(s.pg);
        yield* release(s.pg);
      },
    },
  ],
  check: (_s, v) => outcomeFinding(v.results[1]),
});

/** A bug inside a named function, raised by an assertion; the function owning the step matters. */
export const functionsNamed: Model = defineModel({
  name: 'functions-named',
  setup: (w) => ({ x: w.cell('x', 0) }),
  threads: [
    { name: 'T0', body: (s) => call('set_one', write(s.x, 1)) },
    {
      name: 'T1',
      body: (s) =>
        call(
          'check_zero',
          (function* () {
            const x = yield* read(s.x);
            assert(x === 0, 'x changed under us');
          })(),
        ),
    },
  ],
});

export const handwritten: Model[] = [
  storeBuffering,
  writersAndReader,
  sharedLock,
  waitQueue,
  choices,
  choiceRace,
  spawnJoin,
  trylock,
  ownerless,
];
