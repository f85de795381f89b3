// waitVar: a sleeper woken by the step that makes its condition true, so that the updates that
// may wake it can commute (a jbd2 commit waiting for t_updates to drop to zero, say).

import { describe, expect, it } from 'vitest';
import {
  type Cell,
  check,
  commutingUpdate,
  defineModel,
  exploreNaive,
  type Model,
  replay,
  type WaitQueue,
  waitUntil,
  waitVar,
  wake,
  write,
} from '../../src/engine/index.js';
import { encodeToken } from '../../src/engine/token.js';

interface S {
  count: Cell<number>;
  flag: Cell<number>;
  q: WaitQueue;
}

/**
 * Two "handles" drop a counter from 2; a "committer" sets a flag, then waits for the counter to
 * reach 0. With `explicit`, each drop is followed by a wake_up of the queue (what a model has to
 * write without waitVar); otherwise the drop that reaches 0 wakes the committer by itself.
 */
function drops(explicit: boolean): Model<S> {
  const drop = function* (s: S) {
    yield* commutingUpdate(s.count, (n: number) => n - 1);
    if (explicit) yield* wake(s.q);
  };
  return defineModel({
    name: `drops-${explicit ? 'explicit' : 'waitVar'}`,
    setup: (w) => ({ count: w.cell('count', 2), flag: w.cell('flag', 0), q: w.queue('q') }),
    threads: [
      { name: 'A', body: drop },
      { name: 'B', body: drop },
      {
        name: 'commit',
        body: function* (s: S) {
          yield* write(s.flag, 1);
          const zero = (peek: <T>(c: Cell<T>) => T) => peek(s.count) === 0;
          if (explicit) yield* waitUntil(s.q, [s.count], zero);
          else yield* waitVar(s.q, [s.count], zero);
        },
      },
    ],
  });
}

describe('waitVar', () => {
  it('the drop that reaches zero wakes the sleeper: never a deadlock, one execution per trace', () => {
    const m = drops(false);
    const r = check(m, { minimize: false });
    expect(r.complete).toBe(true);
    expect(r.findings).toEqual([]);
    expect(r.stats.outcomes).toEqual({ done: r.stats.executions });
    expect(r.stats.executions).toBe(exploreNaive(m).traces);
  });

  it('needs fewer executions than an explicit wake after every drop, with the same outcome', () => {
    const implicit = check(drops(false), { minimize: false });
    const explicit = check(drops(true), { minimize: false });
    expect(explicit.findings).toEqual([]);
    // The flag write is independent of the drops in both; what differs is that every explicit
    // wake is ordered against the sleeper's wait.
    expect(implicit.stats.executions).toBeLessThan(explicit.stats.executions);
  });

  it('shows the wake-up in the trace, in the step that made the condition true', () => {
    // commit sets the flag and sleeps; A drops; B drops to zero and wakes it; commit re-checks.
    // Thread ids: A 0, B 1, commit 2. Steps: commit writes and sleeps; A drops and exits; B drops
    // and exits; commit wakes up, re-checks and exits.
    const token = encodeToken([2, 2, 0, 0, 1, 1, 2, 2, 2], []);
    const rep = replay(drops(false), token);
    expect(rep.outcome).toBe('done');
    const woke = rep.trace.filter((s) => s.note?.startsWith('woke'));
    expect(woke.map((s) => [s.threadName, s.note])).toEqual([['B', 'woke commit']]);
    expect(rep.trace.find((s) => s.threadName === 'commit' && s.note?.startsWith('sleeps'))?.op).toBe(
      'wait_var_event q',
    );
  });
});
