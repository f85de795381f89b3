// lockdep's predictions against what exploration really finds.

import { describe, expect, it } from 'vitest';
import { call, check, choose, defineModel, replay } from '../../src/engine/index.js';
import {
  type CircularDependencyDetails,
  down_read,
  down_write,
  init_rwsem,
  type Journal,
  jbd2_journal_commit_transaction,
  jbd2_journal_start,
  jbd2_journal_stop,
  journal_init,
  kernelMonitors,
  lockdepMonitor,
  type Mutex,
  mutex_init,
  mutex_lock,
  mutex_unlock,
  type RecursiveLockingDetails,
  up_read,
  up_write,
} from '../../src/kernel/index.js';
import { formatFinding } from '../../src/report/index.js';
import { ofKind } from './helpers.js';

describe('a reader re-taking an rwsem while a writer is queued', () => {
  const model = defineModel({
    name: 'rwsem read recursion',
    setup: (w) => ({ sem: init_rwsem(w, 'mapping.i_mmap_rwsem', '&mapping->i_mmap_rwsem') }),
    threads: [
      {
        name: 'fault',
        body: (s) =>
          call(
            'outer_reader',
            (function* () {
              yield* down_read(s.sem);
              yield* call(
                'inner_reader',
                (function* () {
                  yield* down_read(s.sem);
                  yield* up_read(s.sem);
                })(),
              );
              yield* up_read(s.sem);
            })(),
          ),
      },
      {
        name: 'truncate',
        body: (s) =>
          call(
            'writer',
            (function* () {
              yield* down_write(s.sem);
              yield* up_write(s.sem);
            })(),
          ),
      },
    ],
    monitors: () => kernelMonitors(),
  });

  it('exploration finds the real deadlock and lockdep predicts it, confirmed', () => {
    const r = check(model);
    expect(r.complete).toBe(true);
    const [dl] = ofKind(r, 'deadlock');
    expect(dl).toBeDefined();
    expect(replay(model, dl.token).outcome).toBe('deadlock');
    const [rec] = ofKind(r, 'recursive-locking');
    expect(rec.locks).toEqual(['&mapping->i_mmap_rwsem']);
    expect(rec.functions).toEqual(['outer_reader', 'inner_reader']);
    expect(rec.confirmed).toBe(true);
    const d = rec.details as RecursiveLockingDetails;
    expect(d.holding.fn).toBe('outer_reader');
    expect(d.trying.fn).toBe('inner_reader');
    expect(d.trying.api).toBe('down_read');
    expect(d.confirmedBy?.blocked.map((b) => b.task.name).sort()).toEqual(['fault', 'truncate']);
    // The confirmed witness is a deadlocking execution.
    expect(replay(model, rec.token).outcome).toBe('deadlock');
  });

  it('lockdep predicts it even in executions where the writer never queued', () => {
    // Bounded to the execution that runs the reader alone first: no deadlock there.
    const r = check(model, { maxPreemptions: 0 });
    expect(ofKind(r, 'deadlock')).toEqual([]);
    const [rec] = ofKind(r, 'recursive-locking');
    expect(rec).toBeDefined();
    expect(rec.confirmed).toBeUndefined();
  });
});

describe('an AB-BA cycle serialised by a third lock', () => {
  const path = (name: string, first: 'a' | 'b', second: 'a' | 'b') =>
    function* (s: { gate: Mutex; a: Mutex; b: Mutex }) {
      yield* call(
        name,
        (function* () {
          yield* mutex_lock(s.gate);
          yield* mutex_lock(s[first]);
          yield* mutex_lock(s[second]);
          yield* mutex_unlock(s[second]);
          yield* mutex_unlock(s[first]);
          yield* mutex_unlock(s.gate);
        })(),
      );
    };
  const model = defineModel({
    name: 'gated ABBA',
    setup: (w) => ({
      gate: mutex_init(w, 'gate', '&sb->s_gate'),
      a: mutex_init(w, 'a', '&A'),
      b: mutex_init(w, 'b', '&B'),
    }),
    threads: [
      { name: 'T0', body: path('path_ab', 'a', 'b') },
      { name: 'T1', body: path('path_ba', 'b', 'a') },
    ],
    monitors: () => kernelMonitors(),
  });

  it('is reported as predicted, not confirmed, and no execution deadlocks', () => {
    const r = check(model);
    expect(r.complete).toBe(true);
    expect(r.stats.outcomes.deadlock ?? 0).toBe(0);
    expect(ofKind(r, 'deadlock')).toEqual([]);
    const cycles = ofKind(r, 'circular-dependency');
    expect(cycles).toHaveLength(1);
    const [c] = cycles;
    expect([...c.locks!].sort()).toEqual(['&A', '&B']);
    // The signature names the classes; where each edge was first seen is in the details.
    expect(c.signature).toBe('circular-dependency|&A,&B|');
    const d = c.details as CircularDependencyDetails;
    expect(d.cycle.map((e) => e.first.fn).sort()).toEqual(['path_ab', 'path_ba']);
    expect(c.confirmed).toBeUndefined();
    // Its token replays the execution that closed the cycle, up to that acquisition.
    const last = c.trace[c.trace.length - 1];
    expect(last.op).toBe(`mutex_lock(${d.trying.cls})`);
    expect(replay(model, c.token).outcome).not.toBe('deadlock');
    // Each edge carries where it was first seen, with a token that replays to that acquisition.
    for (const e of d.cycle) {
      const t = replay(model, e.first.token).trace;
      expect(t[t.length - 1].op).toBe(`mutex_lock(${e.to})`);
    }
  });

  it('random and PCT runs predict it too, with tokens that replay', () => {
    for (const mode of ['random', 'pct'] as const) {
      const r = check(model, { mode, runs: 30, seed: 7 });
      const [c] = ofKind(r, 'circular-dependency');
      expect([...c.locks!].sort()).toEqual(['&A', '&B']);
      expect(c.confirmed).toBeUndefined();
      expect(replay(model, c.token).trace.length).toBeGreaterThanOrEqual(c.trace.length);
    }
  });

  it('the same threads without the gate deadlock, and the prediction is confirmed', () => {
    const ungated = defineModel({
      ...model,
      name: 'ABBA',
      threads: [
        {
          name: 'T0',
          body: (s) =>
            call(
              'path_ab',
              (function* () {
                yield* mutex_lock(s.a);
                yield* mutex_lock(s.b);
                yield* mutex_unlock(s.b);
                yield* mutex_unlock(s.a);
              })(),
            ),
        },
        {
          name: 'T1',
          body: (s) =>
            call(
              'path_ba',
              (function* () {
                yield* mutex_lock(s.b);
                yield* mutex_lock(s.a);
                yield* mutex_unlock(s.a);
                yield* mutex_unlock(s.b);
              })(),
            ),
        },
      ],
    });
    const r = check(ungated);
    const [c] = ofKind(r, 'circular-dependency');
    expect(c.confirmed).toBe(true);
    expect(replay(ungated, c.token).outcome).toBe('deadlock');
  });

  it('the graph accumulates over executions: edges no single execution has close the cycle', () => {
    // One task that takes A then B in one execution and B then A in another (a choice): it
    // can never deadlock, but lockdep, like the kernel's over its uptime, sees both orders.
    const mon = lockdepMonitor();
    const single = defineModel({
      ...model,
      name: 'one task, two orders',
      threads: [
        {
          name: 'T0',
          body: (s) =>
            call(
              'either_order',
              (function* () {
                const ab = (yield* choose(2, 'order')) === 0;
                const [x, y] = ab ? [s.a, s.b] : [s.b, s.a];
                yield* mutex_lock(x);
                yield* mutex_lock(y);
                yield* mutex_unlock(y);
                yield* mutex_unlock(x);
              })(),
            ),
        },
      ],
      monitors: () => [mon],
    });
    const r = check(single);
    expect(r.stats.executions).toBe(2);
    expect(
      mon
        .dependencies()
        .map((d) => `${d.from}->${d.to}`)
        .sort(),
    ).toEqual(['&A->&B', '&B->&A']);
    const [c] = ofKind(r, 'circular-dependency');
    const d = c.details as CircularDependencyDetails;
    expect(new Set(d.cycle.map((e) => e.first.execution))).toEqual(new Set([0, 1]));
    expect(c.confirmed).toBeUndefined();
  });
});

describe('a jbd2 handle / lock cycle closed through a commit', () => {
  interface S {
    journal: Journal;
    lock: Mutex;
  }
  const writer = function* (s: S) {
    yield* call(
      'ext4_setattr_like',
      (function* () {
        yield* mutex_lock(s.lock);
        const h = yield* jbd2_journal_start(s.journal);
        yield* jbd2_journal_stop(h);
        yield* mutex_unlock(s.lock);
      })(),
    );
  };
  const handleHolder = function* (s: S) {
    yield* call(
      'ext4_page_mkwrite_like',
      (function* () {
        const h = yield* jbd2_journal_start(s.journal);
        yield* mutex_lock(s.lock);
        yield* mutex_unlock(s.lock);
        yield* jbd2_journal_stop(h);
      })(),
    );
  };
  const commit = function* (s: S) {
    yield* call('kjournald2', jbd2_journal_commit_transaction(s.journal));
  };
  const model = (withCommit: boolean) =>
    defineModel<S>({
      name: `jbd2 cycle${withCommit ? ' with commit' : ''}`,
      setup: (w) => ({
        journal: journal_init(w, 'journal'),
        lock: mutex_init(w, 'ei.i_mmap_sem', '&ei->i_mmap_sem'),
      }),
      threads: [
        { name: 'setattr', body: writer },
        { name: 'mkwrite', body: handleHolder },
        ...(withCommit ? [{ name: 'commit', body: commit }] : []),
      ],
      monitors: () => kernelMonitors(),
    });

  it('lockdep sees &ei->i_mmap_sem -> jbd2_handle -> &ei->i_mmap_sem; a commit makes it a real deadlock', () => {
    const m = model(true);
    const r = check(m);
    expect(r.complete).toBe(true);
    const [c] = ofKind(r, 'circular-dependency');
    expect([...c.locks!].sort()).toEqual(['&ei->i_mmap_sem', 'jbd2_handle']);
    expect(c.confirmed).toBe(true);
    const d = c.details as CircularDependencyDetails;
    const waits = d.confirmedBy!.blocked.find((b) => b.task.name === 'mkwrite');
    expect(waits).toMatchObject({ holds: ['jbd2_handle'], waitsFor: '&ei->i_mmap_sem' });
    // The other two sleep on the journal: the start on T_LOCKED, the commit on t_updates.
    const sleepers = d.confirmedBy!.blocked.filter((b) => b.task.name !== 'mkwrite');
    expect(sleepers.map((b) => [b.task.name, b.holds, b.sleepsOn])).toEqual([
      ['setattr', ['&ei->i_mmap_sem'], ['journal.j_running_transaction']],
      ['commit', [], ['journal.j_running_transaction->t_updates']],
    ]);
    expect(formatFinding(c)).toContain(
      'setattr/0 holds &ei->i_mmap_sem; sleeps until a condition on journal.j_running_transaction holds',
    );
    expect(replay(m, c.token).outcome).toBe('deadlock');
    expect(ofKind(r, 'deadlock')).toHaveLength(1);
  });

  it('without a commit the handles do not exclude each other: predicted only', () => {
    const r = check(model(false));
    expect(r.complete).toBe(true);
    expect(ofKind(r, 'deadlock')).toEqual([]);
    const [c] = ofKind(r, 'circular-dependency');
    expect([...c.locks!].sort()).toEqual(['&ei->i_mmap_sem', 'jbd2_handle']);
    expect(c.confirmed).toBeUndefined();
  });
});

describe('one new dependency that closes two cycles', () => {
  // One task takes B then A, B then C, C then A, and last A then B: that last dependency closes
  // A -> B -> A and A -> B -> C -> A at once.
  const model = (allCycles?: boolean) =>
    defineModel({
      name: 'two cycles at once',
      setup: (w) => ({
        a: mutex_init(w, 'a', 'A'),
        b: mutex_init(w, 'b', 'B'),
        c: mutex_init(w, 'c', 'C'),
      }),
      threads: [
        {
          name: 'T0',
          body: (s) =>
            call(
              'in_four_orders',
              (function* () {
                for (const [x, y] of [
                  [s.b, s.a],
                  [s.b, s.c],
                  [s.c, s.a],
                  [s.a, s.b],
                ]) {
                  yield* mutex_lock(x);
                  yield* mutex_lock(y);
                  yield* mutex_unlock(y);
                  yield* mutex_unlock(x);
                }
              })(),
            ),
        },
      ],
      monitors: () => kernelMonitors(allCycles === undefined ? {} : { allCycles }),
    });
  const cycles = (allCycles?: boolean) =>
    ofKind(check(model(allCycles)), 'circular-dependency').map((f) => f.locks?.join(','));

  it('with allCycles: false, like lockdep, the shortest one only', () => {
    expect(cycles(false)).toEqual(['A,B']);
  });

  it('by default (allCycles), both', () => {
    expect(cycles()).toEqual(['A,B', 'A,B,C']);
    expect(cycles(true)).toEqual(['A,B', 'A,B,C']);
  });
});
