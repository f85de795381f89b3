// The kernel primitives' blocking semantics, driven step by step on one execution.

import { describe, expect, it } from 'vitest';
import { call, defineModel, Execution, type Model, type Op, type World } from '../../src/engine/index.js';
import { ObjectRegistry } from '../../src/engine/objects.js';
import { traceOf } from '../../src/engine/trace.js';
import {
  down_read,
  down_read_trylock,
  down_write,
  downgrade_write,
  init_rwsem,
  init_waitqueue_head,
  jbd2_journal_commit_transaction,
  jbd2_journal_start,
  jbd2_journal_stop,
  journal_init,
  up_read,
  up_write,
  wait_event,
  wake_up,
  wake_up_all,
} from '../../src/kernel/index.js';

function script<S>(model: Model<S>) {
  const ex = new Execution(model, { registry: new ObjectRegistry(), choose: () => 0, keepTrace: true });
  return {
    ex,
    status: (t: number) => ex.threads[t].status,
    step(t: number, n = 1) {
      for (let i = 0; i < n; i++) ex.stepThread(t);
    },
    /** Run thread t until it blocks or ends. */
    run(t: number) {
      for (let i = 0; i < 100 && ex.isRunnable(t); i++) ex.stepThread(t);
    },
  };
}

function model<S>(setup: (w: World) => S, ...bodies: Array<(s: S) => Generator<Op, unknown, any>>) {
  return defineModel({ name: 'script', setup, threads: bodies.map((body, i) => ({ name: `T${i}`, body })) });
}

const sem = (w: World) => init_rwsem(w, 'sem', '&sem');

describe('rw_semaphore', () => {
  it('down_read waits behind a queued writer even while only readers hold it', () => {
    const s = script(
      model(
        sem,
        function* (l) {
          yield* down_read(l);
          yield* up_read(l);
        },
        function* (l) {
          yield* down_write(l);
          yield* up_write(l);
        },
        function* (l) {
          yield* down_read(l);
          yield* up_read(l);
        },
      ),
    );
    s.step(0); // T0 holds it for read
    s.step(1); // T1's down_write queues
    expect(s.status(1)).toBe('blocked');
    s.step(2); // T2's down_read queues behind T1 though only a reader holds the lock
    expect(s.status(2)).toBe('blocked');
    s.step(0); // up_read hands the lock to the writer, not to the reader
    expect(s.status(1)).toBe('runnable');
    expect(s.status(2)).toBe('blocked');
    s.run(1);
    expect(s.status(2)).toBe('runnable');
    // taken outside any model function: the thread's name stands for where
    expect(s.ex.held(2)).toEqual([
      { lock: expect.objectContaining({ cls: '&sem' }), mode: 'shared', fn: 'T2' },
    ]);
  });

  it('down_read_trylock fails while a writer is queued, succeeds otherwise', () => {
    const trying = (queueWriter: boolean) => {
      const s = script(
        model(
          sem,
          function* (l) {
            yield* down_read(l);
            yield* up_read(l);
          },
          function* (l) {
            yield* down_write(l);
            yield* up_write(l);
          },
          (l) => down_read_trylock(l),
        ),
      );
      s.step(0);
      if (queueWriter) s.step(1);
      s.run(2);
      return s.ex.threads[2].result;
    };
    expect(trying(true)).toBe(0);
    expect(trying(false)).toBe(1);
  });

  it('downgrade_write wakes the readers queued at the head, and keeps a later writer waiting', () => {
    const s = script(
      model(
        sem,
        function* (l) {
          yield* down_write(l);
          yield* downgrade_write(l);
          yield* up_read(l);
        },
        function* (l) {
          yield* down_read(l);
          yield* up_read(l);
        },
        function* (l) {
          yield* down_read(l);
          yield* up_read(l);
        },
        function* (l) {
          yield* down_write(l);
          yield* up_write(l);
        },
      ),
    );
    s.step(0);
    s.step(1);
    s.step(2);
    s.step(3);
    expect([1, 2, 3].map(s.status)).toEqual(['blocked', 'blocked', 'blocked']);
    s.step(0); // downgrade_write
    expect([1, 2, 3].map(s.status)).toEqual(['runnable', 'runnable', 'blocked']);
    expect(s.ex.held(0).map((h) => h.mode)).toEqual(['shared']);
    s.run(0);
    s.run(1);
    expect(s.status(3)).toBe('blocked');
    s.run(2);
    expect(s.status(3)).toBe('runnable');
  });
});

describe('jbd2', () => {
  it('a commit waits for running handles and blocks new handle starts until it is done', () => {
    const s = script(
      model(
        (w) => journal_init(w, 'journal'),
        function* (j) {
          const h = yield* jbd2_journal_start(j);
          yield* jbd2_journal_stop(h);
        },
        (j) => call('kjournald2', jbd2_journal_commit_transaction(j)),
        function* (j) {
          const h = yield* jbd2_journal_start(j);
          yield* jbd2_journal_stop(h);
          return h.tid;
        },
      ),
    );
    s.step(0); // T0 has a handle in transaction 1
    s.run(1); // the commit locks the transaction and waits for T0's handle
    expect(s.status(1)).toBe('blocked');
    s.run(2); // a new start waits for the locked transaction
    expect(s.status(2)).toBe('blocked');
    s.run(0); // T0's stop wakes the commit, not the new start
    expect(s.status(1)).toBe('runnable');
    expect(s.status(2)).toBe('blocked');
    s.run(1); // the commit ends, a new transaction opens, the start is woken
    expect(s.status(1)).toBe('done');
    s.run(2);
    expect(s.ex.threads[2].result).toBe(2);
    // Traces name the waits after the kernel code: start_this_handle's helper, the commit's loop.
    const sleeps = traceOf(s.ex).filter((t) => t.note?.startsWith('sleeps'));
    expect(sleeps.map((t) => [t.threadName, t.op])).toEqual([
      ['T1', 'prepare_to_wait journal.j_wait_updates'],
      ['T2', 'wait_transaction_locked journal.j_wait_transaction_locked'],
    ]);
  });
});

describe('wait queues', () => {
  it('traces say wait_event, wake_up and wake_up_all, whichever the model called', () => {
    const s = script(
      model(
        (w) => ({ wq: init_waitqueue_head(w, 'wq'), flag: w.cell('flag', 0) }),
        (st) => wait_event(st.wq, [st.flag], (peek) => peek(st.flag) > 0),
        function* (st) {
          yield* wake_up(st.wq);
          yield* wake_up_all(st.wq);
        },
      ),
    );
    s.run(0);
    s.run(1);
    expect(traceOf(s.ex).map((t) => t.op)).toContain('wait_event wq');
    expect(
      traceOf(s.ex)
        .filter((t) => t.thread === 1)
        .map((t) => t.op),
    ).toEqual(['wake_up wq', 'wake_up_all wq', 'exits']);
  });
});
