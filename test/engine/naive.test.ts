// The naive explorer: it must run every interleaving and every choice, count Mazurkiewicz traces
// right, and report findings with tokens that replay.

import { describe, expect, it } from 'vitest';
import {
  type Cell,
  choose,
  defineModel,
  exploreNaive,
  type Model,
  read,
  replay,
  traceKey,
  write,
} from '../../src/engine/index.js';
import { diningPhilosophers, peterson, racyCounter } from '../../src/examples/index.js';
import { handwritten } from './programs.js';

/** Two threads, each running `ops` on cells x and y, then exiting. */
function twoThreads(
  a: (s: { x: Cell<number>; y: Cell<number> }) => Generator<any, unknown, any>,
  b: (s: { x: Cell<number>; y: Cell<number> }) => Generator<any, unknown, any>,
): Model {
  return defineModel({
    name: 'two-threads',
    setup: (w) => ({ x: w.cell('x', 0), y: w.cell('y', 0) }),
    threads: [
      { name: 'A', body: a },
      { name: 'B', body: b },
    ],
  });
}

describe('exploreNaive', () => {
  it('runs every interleaving: two steps per thread give C(4,2) = 6 executions', () => {
    const r = exploreNaive(
      twoThreads(
        (s) => write(s.x, 1),
        (s) => write(s.y, 1),
      ),
    );
    expect(r.complete).toBe(true);
    expect(r.executions).toBe(6);
    // Independent writes: all six are one trace.
    expect(r.traces).toBe(1);
  });

  it('counts two traces for two writes of one cell, one for two reads', () => {
    const writes = exploreNaive(
      twoThreads(
        (s) => write(s.x, 1),
        (s) => write(s.x, 2),
      ),
    );
    expect(writes.traces).toBe(2);
    const reads = exploreNaive(
      twoThreads(
        (s) => read(s.x),
        (s) => read(s.x),
      ),
    );
    expect(reads.executions).toBe(6);
    expect(reads.traces).toBe(1);
  });

  it('counts a read against a write: the read sees the write or not', () => {
    const r = exploreNaive(
      twoThreads(
        function* (s) {
          yield* read(s.x);
          yield* read(s.x);
        },
        (s) => write(s.x, 1),
      ),
    );
    // The write goes before, between or after the two reads; exits are independent.
    expect(r.traces).toBe(3);
    expect(r.executions).toBe(10); // C(5,2): three steps and two
  });

  it('enumerates every choice value', () => {
    const r = exploreNaive(
      defineModel({
        name: 'choices',
        setup: (w) => ({ x: w.cell('x', 0) }),
        threads: [
          {
            name: 'T',
            body: function* (s) {
              const a = yield* choose(3);
              const b = yield* choose(2);
              yield* write(s.x, a * 2 + b);
            },
          },
        ],
        check: (s, v) => [{ kind: 'value', title: 'x', functions: [String(v.peek(s.x))] }],
      }),
    );
    expect(r.executions).toBe(6);
    expect(r.traces).toBe(6);
    expect([...r.findings.keys()].sort()).toEqual(['0', '1', '2', '3', '4', '5'].map((v) => `value||${v}`));
  });

  it('reports findings with tokens that replay to them, and the fewest preemptions', () => {
    const model = racyCounter();
    const r = exploreNaive(model);
    expect([...r.findings.keys()]).toEqual(['lost-write||increment']);
    const token = r.findings.get('lost-write||increment')!;
    const rep = replay(model, token);
    expect(rep.findings.map((f) => f.kind)).toEqual(['lost-write']);
    expect(rep.preemptions).toBe(1);
  });

  it('finds nothing where there is nothing', () => {
    const r = exploreNaive(peterson({ spin: 1 }));
    expect(r.complete).toBe(true);
    expect(r.findings.size).toBe(0);
  });

  it('stops at maxExecutions with an incomplete result', () => {
    const r = exploreNaive(diningPhilosophers({ n: 4 }), { maxExecutions: 50 });
    expect(r.complete).toBe(false);
    expect(r.stopReason).toBe('max-executions');
    expect(r.executions).toBe(50);
  });

  it('keeps the trace keys when asked, one per trace', () => {
    const r = exploreNaive(
      twoThreads(
        (s) => write(s.x, 1),
        (s) => write(s.x, 2),
      ),
      { keepKeys: true },
    );
    expect(r.keys?.size).toBe(2);
    expect(exploreNaive(racyCounter()).keys).toBeUndefined();
  });

  it.each([...handwritten, racyCounter(), peterson(), diningPhilosophers({ n: 3 })])(
    'merging equivalent prefixes keeps traces and findings ($name)',
    (model) => {
      const plain = exploreNaive(model);
      const merged = exploreNaive(model, { mergePrefixes: true });
      expect(plain.complete && merged.complete).toBe(true);
      expect(merged.traces).toBe(plain.traces);
      expect([...merged.findings.keys()].sort()).toEqual([...plain.findings.keys()].sort());
      expect(merged.executions).toBeLessThanOrEqual(plain.executions);
    },
  );
});

describe('traceKey', () => {
  const R = (o: number) => o << 2;
  const W = (o: number) => (o << 2) | 1;

  it('ignores the order of consecutive reads by different threads', () => {
    const k1 = traceKey([0, 1, 2], [[W(5)], [R(5)], [R(5)]]);
    const k2 = traceKey([0, 2, 1], [[W(5)], [R(5)], [R(5)]]);
    expect(k1).toBe(k2);
  });

  it('keeps the order of a read and a write, and of two writes', () => {
    expect(traceKey([0, 1], [[W(5)], [R(5)]])).not.toBe(traceKey([1, 0], [[R(5)], [W(5)]]));
    expect(traceKey([0, 1], [[W(5)], [W(5)]])).not.toBe(traceKey([1, 0], [[W(5)], [W(5)]]));
  });

  it('ignores the order of steps on different objects', () => {
    expect(traceKey([0, 1], [[W(5)], [W(6)]])).toBe(traceKey([1, 0], [[W(6)], [W(5)]]));
  });

  it('does not sort reads across a write', () => {
    // r0 w r1 versus r1 w r0: different traces.
    const a = traceKey([0, 2, 1], [[R(5)], [W(5)], [R(5)]]);
    const b = traceKey([1, 2, 0], [[R(5)], [W(5)], [R(5)]]);
    expect(a).not.toBe(b);
  });

  it('tells choice values apart', () => {
    expect(traceKey([0], [[W(5)]], [[0]])).not.toBe(traceKey([0], [[W(5)]], [[1]]));
  });
});
