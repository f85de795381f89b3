// Guarded shared locations and happens-before data races.

import { describe, expect, it } from 'vitest';
import {
  type Cell,
  call,
  check,
  commutingUpdate,
  defineModel,
  Execution,
  encodeToken,
  join,
  type Op,
  read,
  replay,
  spawn,
  update,
  type World,
  waitUntil,
  wake,
} from '../../src/engine/index.js';
import { ObjectRegistry } from '../../src/engine/objects.js';
import {
  type AssertHeldDetails,
  type DataRaceDetails,
  down_read,
  down_write,
  downgrade_write,
  init_rwsem,
  kernelMonitors,
  load,
  modify,
  mutex_init,
  mutex_lock,
  mutex_unlock,
  READ_ONCE,
  type Shared,
  type SharedOptions,
  shared,
  store,
  up_read,
  up_write,
  WRITE_ONCE,
} from '../../src/kernel/index.js';
import { kinds, ofKind } from './helpers.js';

type Body<S> = (s: S) => Generator<Op, void, any>;

function raceModel<S>(name: string, setup: (w: World) => S, ...bodies: Array<[string, Body<S>]>) {
  return defineModel({
    name,
    setup,
    threads: bodies.map(([fn, body], i) => ({ name: `T${i}`, body: (s: S) => call(fn, body(s)) })),
    monitors: () => kernelMonitors(),
  });
}

const isize =
  (opts: (w: World) => SharedOptions = () => ({})) =>
  (w: World) => {
    const sem = init_rwsem(w, 'inode.i_rwsem', '&inode->i_rwsem');
    const m = mutex_init(w, 'inode.i_mutex', '&inode->i_mutex');
    return { sem, m, size: shared(w, 'inode.i_size', 0, { guard: sem, ...opts(w) }) as Shared<number> };
  };

describe('guarded shared locations', () => {
  it('a guarded write without the lock is an assert-held finding naming the location', () => {
    const m = raceModel('write without guard', isize(), [
      'i_size_write_unlocked',
      function* (s) {
        yield* store(s.size, 4096);
      },
    ]);
    const r = check(m);
    expect(kinds(r)).toEqual(['assert-held']);
    const [f] = r.findings;
    expect(f.locks).toEqual(['&inode->i_rwsem']);
    expect(f.functions).toEqual(['i_size_write_unlocked']);
    const d = f.details as AssertHeldDetails;
    expect(d.access).toEqual({ location: 'inode.i_size', write: true, marked: false });
    expect(d.expected).toBe('held-exclusive');
    expect(d.actual).toBeUndefined();
    expect(replay(m, f.token).findings.map((x) => x.kind)).toEqual(['assert-held']);
  });

  it('writes need the guard held for write, reads in any mode', () => {
    const m = raceModel('modes', isize(), [
      'reader_then_writer',
      function* (s) {
        yield* down_read(s.sem);
        yield* load(s.size);
        yield* store(s.size, 1);
        yield* up_read(s.sem);
        yield* down_write(s.sem);
        yield* load(s.size);
        yield* store(s.size, 2);
        yield* up_write(s.sem);
      },
    ]);
    const r = check(m);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].details).toMatchObject({ expected: 'held-exclusive', actual: 'shared' });
  });

  it('a location whose writes need only a shared hold (mode: shared)', () => {
    const m = raceModel(
      'shared-mode writes',
      isize(() => ({ mode: 'shared' })),
      [
        'writer_under_read_lock',
        function* (s) {
          yield* down_read(s.sem);
          yield* store(s.size, 1);
          yield* up_read(s.sem);
        },
      ],
    );
    expect(check(m).findings).toEqual([]);
  });

  it('a marked lockless read (READ_ONCE) is not a guard violation; a plain one is', () => {
    const marked = raceModel('READ_ONCE', isize(), [
      'lockless_reader',
      function* (s) {
        yield* READ_ONCE(s.size);
      },
    ]);
    expect(check(marked).findings).toEqual([]);
    const plain = raceModel('plain', isize(), [
      'lockless_reader',
      function* (s) {
        yield* load(s.size);
      },
    ]);
    expect(ofKind(check(plain), 'assert-held')[0].details).toMatchObject({ expected: 'held' });
  });
});

const counter =
  (opts: SharedOptions = {}) =>
  (w: World) => ({
    m: mutex_init(w, 'lock', '&lock'),
    x: shared(w, 'x', 0, opts) as Shared<number>,
  });

describe('data races', () => {
  it('two unordered plain accesses, one a write, are a data race naming both', () => {
    const m = raceModel(
      'plain race',
      counter(),
      [
        'writer_fn',
        function* (s) {
          yield* store(s.x, 1);
        },
      ],
      [
        'reader_fn',
        function* (s) {
          yield* load(s.x);
        },
      ],
    );
    const r = check(m);
    expect(kinds(r)).toEqual(['data-race']);
    const [f] = r.findings;
    expect(f.title).toBe('data-race in reader_fn / writer_fn');
    const d = f.details as DataRaceDetails;
    expect(d.location).toBe('x');
    expect(d.accesses.map((a) => [a.task.name, a.fn, a.write]).sort()).toEqual([
      ['T0', 'writer_fn', true],
      ['T1', 'reader_fn', false],
    ]);
    expect(replay(m, f.token).findings.map((x) => x.kind)).toEqual(['data-race']);
  });

  it('the same accesses under one lock do not race', () => {
    const body = (write: boolean) =>
      function* (s: ReturnType<ReturnType<typeof counter>>) {
        yield* mutex_lock(s.m);
        if (write) yield* store(s.x, 1);
        else yield* load(s.x);
        yield* mutex_unlock(s.m);
      };
    const m = raceModel('locked', counter(), ['writer_fn', body(true)], ['reader_fn', body(false)]);
    expect(check(m).findings).toEqual([]);
  });

  it('two reads never race', () => {
    const rd = function* (s: ReturnType<ReturnType<typeof counter>>) {
      yield* load(s.x);
    };
    expect(check(raceModel('reads', counter(), ['a', rd], ['b', rd])).findings).toEqual([]);
  });

  it('marked accesses on both sides do not race; marked against plain does', () => {
    const w1 = function* (s: ReturnType<ReturnType<typeof counter>>) {
      yield* WRITE_ONCE(s.x, 1);
    };
    const r1 = function* (s: ReturnType<ReturnType<typeof counter>>) {
      yield* READ_ONCE(s.x);
    };
    const r2 = function* (s: ReturnType<ReturnType<typeof counter>>) {
      yield* load(s.x);
    };
    expect(check(raceModel('marked', counter(), ['w', w1], ['r', r1])).findings).toEqual([]);
    const [f] = ofKind(check(raceModel('mixed', counter(), ['w', w1], ['r', r2])), 'data-race');
    expect((f.details as DataRaceDetails).accesses.map((a) => a.marked).sort()).toEqual([false, true]);
  });

  it('an atomic location never races', () => {
    const inc = function* (s: ReturnType<ReturnType<typeof counter>>) {
      yield* modify(s.x, (v) => v + 1);
    };
    expect(check(raceModel('atomic', counter({ atomic: true }), ['a', inc], ['b', inc])).findings).toEqual(
      [],
    );
    expect(kinds(check(raceModel('non-atomic', counter(), ['a', inc], ['b', inc])))).toEqual(['data-race']);
  });

  it('spawn and join order the parent and the child', () => {
    const ordered = raceModel('spawn join', counter(), [
      'parent',
      function* (s) {
        yield* store(s.x, 1);
        const child = yield* spawn('child', () =>
          call(
            'child_fn',
            (function* () {
              yield* store(s.x, (yield* load(s.x)) + 1);
            })(),
          ),
        );
        yield* join(child);
        yield* load(s.x);
      },
    ]);
    expect(check(ordered).findings).toEqual([]);
    const unjoined = raceModel('spawn without join', counter(), [
      'parent',
      function* (s) {
        yield* spawn('child', () => call('child_fn', store(s.x, 2)));
        yield* load(s.x);
      },
    ]);
    expect(ofKind(check(unjoined), 'data-race')[0].functions?.sort()).toEqual(['child_fn', 'parent']);
  });

  it('a wake-up orders the waker before the woken, and so does a wait condition already true', () => {
    const setup = (w: World) => ({
      data: shared(w, 'data', 0) as Shared<number>,
      done: w.cell('done', false),
      q: w.queue('wq'),
    });
    const m = raceModel(
      'wait wake',
      setup,
      [
        'producer',
        function* (s) {
          yield* store(s.data, 42);
          yield* update(s.done, () => true);
          yield* wake(s.q);
        },
      ],
      [
        'consumer',
        function* (s) {
          yield* waitUntil(s.q, [s.done], (peek) => peek(s.done));
          yield* load(s.data);
        },
      ],
    );
    const r = check(m);
    expect(r.complete).toBe(true);
    expect(r.findings).toEqual([]);
    // Both ways were explored: the consumer slept, and found the condition true at once.
    expect(r.stats.executions).toBeGreaterThan(1);
  });

  it('readers under one rwsem are not ordered with each other; a writer orders later readers', () => {
    const setup = (w: World) => {
      const sem = init_rwsem(w, 'sem', '&sem');
      return { sem, x: shared(w, 'x', 0, { guard: sem, mode: 'shared' }) as Shared<number> };
    };
    const readerWriting = function* (s: ReturnType<typeof setup>) {
      yield* down_read(s.sem);
      yield* store(s.x, 1);
      yield* up_read(s.sem);
    };
    expect(
      kinds(check(raceModel('two readers write', setup, ['r1', readerWriting], ['r2', readerWriting]))),
    ).toEqual(['data-race']);
    const writerThenReader = raceModel(
      'writer, downgrade, reader',
      setup,
      [
        'writer',
        function* (s) {
          yield* down_write(s.sem);
          yield* store(s.x, 1);
          yield* downgrade_write(s.sem);
          yield* load(s.x);
          yield* up_read(s.sem);
        },
      ],
      [
        'reader',
        function* (s) {
          yield* down_read(s.sem);
          yield* load(s.x);
          yield* up_read(s.sem);
        },
      ],
    );
    expect(check(writerThenReader).findings).toEqual([]);
  });

  it('in one execution, a read release orders no later reader, a write release does', () => {
    // Each execution is judged on its own (random and PCT runs see one at a time): reader 1
    // runs to the end before reader 2 starts, yet their accesses are not ordered.
    const setup = (w: World) => {
      const sem = init_rwsem(w, 'sem', '&sem');
      return { sem, x: shared(w, 'x', 0, { guard: sem, mode: 'shared' }) as Shared<number> };
    };
    const sequential = (first: 'read' | 'write') => {
      const m = raceModel(
        'sequential',
        setup,
        [
          'first',
          function* (s) {
            if (first === 'read') yield* down_read(s.sem);
            else yield* down_write(s.sem);
            yield* store(s.x, 1);
            if (first === 'read') yield* up_read(s.sem);
            else yield* up_write(s.sem);
          },
        ],
        [
          'second',
          function* (s) {
            yield* down_read(s.sem);
            yield* load(s.x);
            yield* up_read(s.sem);
          },
        ],
      );
      const ex = new Execution(m, {
        registry: new ObjectRegistry(),
        choose: () => 0,
        monitors: m.monitors!(),
      });
      while (ex.isRunnable(0)) ex.stepThread(0);
      while (ex.isRunnable(1)) ex.stepThread(1);
      return ex.raised.map((r) => r.spec.kind);
    };
    expect(sequential('read')).toEqual(['data-race']);
    expect(sequential('write')).toEqual([]);
  });

  it('commuting updates order nothing among themselves: equivalent executions get one verdict', () => {
    // writer: x = 1, then atomic_inc(c); reader: atomic_inc(c), then reads x. The two increments
    // commute, so DPOR counts "writer first" and "reader's increment first" as one execution;
    // an edge from the writer's increment to the reader's would hide the race in the first only.
    type S = { x: Shared<number>; c: Cell<number> };
    const setup = (w: World): S => ({ x: shared(w, 'x', 0) as Shared<number>, c: w.cell('c', 0) });
    const writer: [string, Body<S>] = [
      'writer',
      function* (s) {
        yield* store(s.x, 1);
        yield* commutingUpdate(s.c, (n) => n + 1);
      },
    ];
    const m = raceModel('commuting-increments', setup, writer, [
      'reader',
      function* (s) {
        yield* commutingUpdate(s.c, (n) => n + 1);
        yield* load(s.x);
      },
    ]);
    const verdict = (schedule: number[]) => replay(m, encodeToken(schedule, [])).findings.map((f) => f.kind);
    expect(verdict([0, 0, 0, 1, 1, 1])).toEqual(['data-race']);
    expect(verdict([1, 0, 0, 0, 1, 1])).toEqual(['data-race']);
    // A plain read of the counter acquires what every increment released: a reader that sees
    // the writer's increment is ordered after the writer's store (message passing), no race.
    const messagePassing = raceModel('increment-then-read-counter', setup, writer, [
      'reader',
      function* (s) {
        yield* commutingUpdate(s.c, (n) => n + 1);
        if ((yield* read(s.c)) === 2) yield* load(s.x);
      },
    ]);
    const r = check(messagePassing);
    expect(r.complete).toBe(true);
    expect(r.findings).toEqual([]);
  });
});
