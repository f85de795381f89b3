// Known answers: the example models find the bug they show, and their fixed variants pass.

import { describe, expect, it } from 'vitest';
import { check, replay } from '../../src/engine/index.js';
import {
  abbaDeadlock,
  choosePath,
  diningPhilosophers,
  exampleInfo,
  examples,
  lockedCounter,
  peterson,
  producerConsumer,
  racyCounter,
  readersWriter,
} from '../../src/examples/index.js';

describe('ABBA deadlock', () => {
  const result = check(abbaDeadlock());

  it('is found, once, and the exploration is complete', () => {
    expect(result.complete).toBe(true);
    expect(result.findings.map((f) => f.kind)).toEqual(['deadlock']);
  });

  it('names both threads, what each waits for, and who holds it', () => {
    const [f] = result.findings;
    expect(f.message).toContain('T0 in lock_a_then_b waits for B (exclusive), held by T1');
    expect(f.message).toContain('T1 in lock_b_then_a waits for A (exclusive), held by T0');
    expect(f.message).toMatch(/T0 .*holds A/);
    expect(f.message).toMatch(/T1 .*holds B/);
    expect(f.signature).toBe('deadlock|A,B|lock_a_then_b,lock_b_then_a');
  });

  it('replays from its token to the same deadlock', () => {
    const [f] = result.findings;
    const r = replay(abbaDeadlock(), f.token);
    expect(r.outcome).toBe('deadlock');
    expect(r.findings.map((x) => x.message)).toEqual([f.message]);
    // The witness needs one preemption: T0 takes A, T1 takes B.
    expect(f.preemptions).toBe(1);
  });
});

describe('shared counter', () => {
  it('without a lock loses an update, with a token that replays to it', () => {
    const model = racyCounter();
    const result = check(model);
    expect(result.complete).toBe(true);
    expect(result.findings).toHaveLength(1);
    const [f] = result.findings;
    expect(f.kind).toBe('lost-write');
    expect(f.title).toBe('counter is 1 after 2 increments: 1 lost');
    const r = replay(model, f.token);
    expect(r.outcome).toBe('failed');
    expect(r.findings).toEqual([expect.objectContaining({ kind: 'lost-write', title: f.title })]);
  });

  it('without a lock loses updates with three threads too', () => {
    const result = check(racyCounter({ threads: 3 }));
    expect(result.findings.map((f) => f.kind)).toEqual(['lost-write']);
  });

  it.each([
    [2, 1],
    [3, 1],
    [2, 2],
  ])('with a lock passes (%i threads, %i increments each)', (threads, increments) => {
    const result = check(lockedCounter({ threads, increments }));
    expect(result.complete).toBe(true);
    expect(result.findings).toEqual([]);
    // Several traces: who goes first, and whether the other queues on the lock before the release.
    expect(result.stats.outcomes.done).toBe(result.stats.executions);
    expect(result.stats.executions).toBeGreaterThan(1);
  });
});

describe('dining philosophers', () => {
  it.each([3, 4, 5])('%i philosophers taking the left fork first deadlock', (n) => {
    const result = check(diningPhilosophers({ n }));
    expect(result.complete).toBe(true);
    expect(result.findings).toHaveLength(1);
    const [f] = result.findings;
    expect(f.kind).toBe('deadlock');
    for (let i = 0; i < n; i++) {
      expect(f.message).toContain(`P${i} in eat waits for fork${(i + 1) % n}`);
      expect(f.locks).toContain(`fork${i}`);
    }
    expect(replay(diningPhilosophers({ n }), f.token).outcome).toBe('deadlock');
  });

  it.each([3, 4, 5])('%i philosophers taking the lower fork first never deadlock', (n) => {
    const result = check(diningPhilosophers({ n, ordered: true }));
    expect(result.complete).toBe(true);
    expect(result.findings).toEqual([]);
  });
});

describe("Peterson's algorithm", () => {
  it.each([
    ['waiting on a queue', {}],
    ['spinning at most once more', { spin: 1 }],
    ['spinning at most twice more', { spin: 2 }],
  ])('keeps mutual exclusion %s', (_how, opts) => {
    const result = check(peterson(opts));
    expect(result.complete).toBe(true);
    expect(result.findings).toEqual([]);
  });

  it.each([
    ['waiting on a queue', {}],
    ['spinning', { spin: 2 }],
  ])('with the entry writes swapped, two threads get in (%s)', (_how, opts) => {
    const model = peterson({ ...opts, swapEntryWrites: true });
    const result = check(model);
    expect(result.findings.length).toBeGreaterThan(0);
    for (const f of result.findings) {
      expect(f.kind).toBe('assertion');
      expect(f.title).toMatch(/^mutual exclusion violated/);
      expect(replay(model, f.token).outcome).toBe('failed');
    }
  });
});

describe('readers and a writer', () => {
  it('with the writer locking, readers never see a torn pair', () => {
    const result = check(readersWriter({ readers: 2 }));
    expect(result.complete).toBe(true);
    expect(result.findings).toEqual([]);
  });

  it('without the writer locking, a reader sees a torn pair', () => {
    const result = check(readersWriter({ readers: 1, writerLocks: false }));
    expect(result.findings.map((f) => f.title)).toEqual(['torn read: x=0 but y=1']);
  });
});

describe('producer and consumer on wait queues', () => {
  it('delivers every item in order', () => {
    const result = check(producerConsumer({ items: 3, capacity: 2 }));
    expect(result.complete).toBe(true);
    expect(result.findings).toEqual([]);
  });

  it('without the wake-up of the producer, deadlocks once the buffer is full', () => {
    const result = check(producerConsumer({ items: 3, capacity: 1, forgetWake: true }));
    expect(result.findings).toHaveLength(1);
    const [f] = result.findings;
    expect(f.kind).toBe('deadlock');
    expect(f.message).toContain('producer in produce waits for wait queue not_full');
    expect(f.message).toContain('consumer in consume waits for wait queue not_empty');
  });
});

describe('choose()', () => {
  it('explores both paths and finds the deadlock only on the slow one', () => {
    const model = choosePath();
    const result = check(model);
    expect(result.findings).toHaveLength(1);
    const [f] = result.findings;
    expect(f.kind).toBe('deadlock');
    // The token carries the choice: 0 = miss (slow path).
    expect(f.token.split(':')[2]).toBe('0');
    expect(replay(model, f.token).outcome).toBe('deadlock');
    // A token forcing the fast path (choice 1) runs to the end.
    const fast = replay(model, 'fl1:0x5,1x3:1');
    expect(fast.outcome).toBe('done');
  });
});

describe('the examples table', () => {
  it('lists every example with what it is expected to report', () => {
    expect(Object.keys(exampleInfo).sort()).toEqual(Object.keys(examples).sort());
  });

  it.each(Object.keys(examples))('%s reports what exampleInfo says', (name) => {
    const result = check(examples[name]);
    expect(result.complete).toBe(true);
    expect([...new Set(result.findings.map((f) => f.kind))].sort()).toEqual(exampleInfo[name].expect);
  });
});
