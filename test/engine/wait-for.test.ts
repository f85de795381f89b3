// A deadlock report says which blocked tasks form a cycle and which only wait behind it
// (engine/wait-for.ts): on the wait-for graph alone, and on deadlocks a check finds.

import { describe, expect, it } from 'vitest';
import {
  check,
  defineModel,
  describeWaitFor,
  type Finding,
  type WaitForSummary,
  waitForSummary,
} from '../../src/engine/index.js';
import { mutex_init, mutex_lock, mutex_unlock } from '../../src/kernel/index.js';

/** Tasks by id, named by letter (X: a task that is not blocked, so has exited). */
const letter = (id: number) => 'ABCDX'[id];
const A = 0;
const B = 1;
const C = 2;
const D = 3;
const X = 4;

describe('waitForSummary', () => {
  it('an ABBA pair with a task queued behind it', () => {
    const s = waitForSummary(
      [
        { task: A, waitsFor: [B] },
        { task: B, waitsFor: [A] },
        { task: C, waitsFor: [A] },
      ],
      letter,
    );
    expect(s.cycles).toEqual([['A', 'B']]);
    expect(s.behind).toEqual(['C']);
    expect(describeWaitFor(s)).toEqual(['cycle: A -> B -> A', 'waiting behind it: C']);
  });

  it('a task waiting for a lock it holds is a cycle of one; a chain behind it is behind it', () => {
    const s = waitForSummary(
      [
        { task: A, waitsFor: [B] },
        { task: B, waitsFor: [B] },
        { task: C, waitsFor: [A] },
      ],
      letter,
    );
    expect(s.cycles).toEqual([['B']]);
    expect(s.behind).toEqual(['A', 'C']);
    expect(describeWaitFor(s)[0]).toBe('cycle: B waits for a lock it holds itself');
  });

  it('each elementary cycle once, from its earliest task, over shared holders', () => {
    // A waits for a lock B and C hold shared; B and C each wait for A.
    const s = waitForSummary(
      [
        { task: A, waitsFor: [B, C] },
        { task: B, waitsFor: [A] },
        { task: C, waitsFor: [A] },
      ],
      letter,
    );
    expect(s.cycles).toEqual([
      ['A', 'B'],
      ['A', 'C'],
    ]);
    expect(s.behind).toEqual([]);
    expect(describeWaitFor(s)).toEqual(['cycle: A -> B -> A', 'cycle: A -> C -> A']);
  });

  it('tasks are told apart by id, not by name', () => {
    // two tasks both named 'worker', in an ABBA cycle, and a third queued behind
    const s = waitForSummary(
      [
        { task: 0, waitsFor: [1] },
        { task: 1, waitsFor: [0] },
        { task: 2, waitsFor: [0] },
      ],
      (id) => (id < 2 ? 'worker' : 'C'),
    );
    expect(s.cycles).toEqual([['worker', 'worker']]);
    expect(s.behind).toEqual(['C']);
  });

  it('a cycle and, apart from it, a task stranded by an exit: no "no cycle"', () => {
    const s = waitForSummary(
      [
        { task: A, waitsFor: [B] },
        { task: B, waitsFor: [A] },
        { task: C, waitsFor: [X] },
      ],
      letter,
    );
    expect(describeWaitFor(s)).toEqual([
      'cycle: A -> B -> A',
      'X exited holding a lock; C waits for it, directly or behind another task',
    ]);
  });

  it('one task stranded by an exit waits (singular)', () => {
    const s = waitForSummary([{ task: A, waitsFor: [X] }], letter);
    expect(describeWaitFor(s)).toEqual([
      'no cycle: X exited holding a lock; A waits for it, directly or behind another task',
    ]);
  });

  it('no cycle: a lock left held by a task that exited, and a wait nobody will end', () => {
    const s: WaitForSummary = waitForSummary(
      [
        { task: A, waitsFor: [X] },
        { task: C, waitsFor: [A] },
        { task: D, waitsFor: [] },
      ],
      letter,
    );
    expect(s.cycles).toEqual([]);
    expect(s.exited).toEqual(['X']);
    expect(s.strandedByExit).toEqual(['A', 'C']);
    expect(s.wakeUps).toEqual(['D']);
    expect(describeWaitFor(s)).toEqual([
      'no cycle: X exited holding a lock; A, C wait for it, directly or behind another task',
      'waiting for a wake-up no task is left to give: D',
    ]);
  });
});

describe('the core of a deadlock: its cycles by what the tasks wait for, where', () => {
  const abba = (order: number[], bystander: boolean) =>
    waitForSummary(
      [
        ...order.map((i) =>
          i === 0 ? { task: A, waitsFor: [B], wait: '&b in f' } : { task: B, waitsFor: [A], wait: '&a in g' },
        ),
        ...(bystander ? [{ task: C, waitsFor: [A], wait: '&a in h' }] : []),
      ],
      letter,
    ).core;

  it('is the same from whichever task the cycle is found, and with a task behind it', () => {
    expect(abba([0, 1], false)).toBe('[&a in g -> &b in f]');
    expect(abba([1, 0], false)).toBe('[&a in g -> &b in f]');
    expect(abba([0, 1], true)).toBe('[&a in g -> &b in f]');
  });

  it('tells apart cycles on other locks or functions, and a task waiting for itself', () => {
    const self = waitForSummary([{ task: A, waitsFor: [A], wait: '&a in f' }], letter);
    expect(self.core).toBe('[&a in f]');
    const other = waitForSummary(
      [
        { task: A, waitsFor: [B], wait: '&b in f' },
        { task: B, waitsFor: [A], wait: '&a in k' },
      ],
      letter,
    );
    expect(other.core).not.toBe(abba([0, 1], false));
  });

  it('without a cycle: what the tasks waiting on an exit or on a wake-up wait for', () => {
    const s = waitForSummary(
      [
        { task: A, waitsFor: [X], wait: '&a in f' },
        { task: C, waitsFor: [A], wait: '&b in g' },
        { task: D, waitsFor: [], wait: 'wait queue q in h' },
      ],
      letter,
    );
    expect(s.core).toBe('exited holder: &a in f; wake-up: wait queue q in h');
  });
});

/** t0 and t1 take a and b in opposite orders; t2 takes a too, so it can get stuck behind them. */
const abba = defineModel({
  name: 'abba-and-a-bystander',
  setup: (w) => ({ a: mutex_init(w, 'a', '&a'), b: mutex_init(w, 'b', '&b') }),
  threads: [
    { name: 't0', first: 'a', second: 'b' },
    { name: 't1', first: 'b', second: 'a' },
    { name: 't2', first: 'a', second: undefined },
  ].map(({ name, first, second }) => ({
    name,
    *body(s: { a: ReturnType<typeof mutex_init>; b: ReturnType<typeof mutex_init> }) {
      const l1 = first === 'a' ? s.a : s.b;
      yield* mutex_lock(l1);
      if (second) {
        const l2 = second === 'a' ? s.a : s.b;
        yield* mutex_lock(l2);
        yield* mutex_unlock(l2);
      }
      yield* mutex_unlock(l1);
    },
  })),
});

describe('a deadlock found by a check', () => {
  it('names the cycle and the task waiting behind it, in the message and the details', () => {
    const deadlocks = check(abba, { minimize: false }).findings.filter((f: Finding) => f.kind === 'deadlock');
    const withBystander = deadlocks.find((f) => f.title.includes('t2'));
    const alone = deadlocks.find((f) => !f.title.includes('t2'));
    expect(alone?.message).toContain('cycle: t0 -> t1 -> t0');
    expect(alone?.message).not.toContain('waiting behind');
    const d = withBystander?.details as { waitFor: WaitForSummary } | undefined;
    expect(d?.waitFor.cycles).toEqual([['t0', 't1']]);
    expect(d?.waitFor.behind).toEqual(['t2']);
    expect(withBystander?.message).toContain('waiting behind it: t2');
    // two signatures, one deadlock: the same core
    const core = (alone?.details as { waitFor: WaitForSummary } | undefined)?.waitFor.core;
    expect(core).toMatch(/^\[&\w in \S+, held from \S+ -> &\w in \S+, held from \S+\]$/);
    expect(d?.waitFor.core).toBe(core);
  });
});
