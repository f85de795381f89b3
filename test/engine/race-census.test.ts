import { describe, expect, it } from 'vitest';
import { type Cell, check, defineModel, type Model, write } from '../../src/engine/index.js';
import { examples, producerConsumer } from '../../src/examples/index.js';
import { handwritten } from './programs.js';

describe('race census (check with raceCensus)', () => {
  it('names the objects whose races branched the executions; every execution but the first has one cause', () => {
    const r = check(examples.abba, { raceCensus: true, minimize: false });
    expect(r.races).toBeDefined();
    const c = r.races!;
    expect(c.byObject.map((x) => x.object).sort()).toEqual(['A', 'B']);
    expect(c.byObject.reduce((n, x) => n + x.executions, 0) + c.choices).toBe(r.stats.executions - 1);
  });

  it('lists the largest first, and counts choice branches apart', () => {
    const pc = check(producerConsumer({ items: 2, capacity: 1 }), { raceCensus: true, minimize: false });
    const counts = pc.races!.byObject.map((x) => x.executions);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(pc.races!.byObject.length).toBeGreaterThan(1);
    const cp = check(examples['choose-path'], { raceCensus: true, minimize: false });
    expect(cp.races!.choices).toBeGreaterThan(0);
    expect(cp.races!.byObject.reduce((n, x) => n + x.executions, 0) + cp.races!.choices).toBe(
      cp.stats.executions - 1,
    );
  });

  it('is not computed unless asked for, nor outside DPOR', () => {
    expect(check(examples.abba, { minimize: false }).races).toBeUndefined();
    expect(check(examples.abba, { raceCensus: true, mode: 'pct', runs: 10 }).races).toBeUndefined();
  });
});

/** Two threads that each write l, then x, then y: three independent orders, l's at the top. */
const threeCells: Model = defineModel({
  name: 'three-cells',
  setup: (w) => ({ l: w.cell('l', 0), x: w.cell('x', 0), y: w.cell('y', 0) }),
  threads: [0, 1].map((i) => ({
    name: `T${i}`,
    body: function* (s: { l: Cell<number>; x: Cell<number>; y: Cell<number> }) {
      yield* write(s.l, i);
      yield* write(s.x, i);
      yield* write(s.y, i);
    },
  })),
});

describe('race census: branches anywhere on the path', () => {
  it('counts a race near the root for every execution below its branch', () => {
    const r = check(threeCells, { raceCensus: true, minimize: false });
    // Two orders of l, each with two orders of x, each with two of y: 8 traces.
    expect(r.stats.executions).toBe(8);
    const by = Object.fromEntries(r.races!.byObject.map((x) => [x.object, x]));
    // One execution leaves the one before at l's branch, but the four of the other order of l
    // all take it; x's branch is taken by two in each half, y's by one in each quarter.
    expect(by.l).toEqual({ object: 'l', executions: 1, onPath: 4 });
    expect(by.x).toEqual({ object: 'x', executions: 2, onPath: 4 });
    expect(by.y).toEqual({ object: 'y', executions: 4, onPath: 4 });
  });

  it.each(handwritten.map((m) => [m.name, m] as const))(
    '%s: an execution takes the branch it starts at, and the census changes nothing',
    (_n, model) => {
      const r = check(model, { raceCensus: true, minimize: false });
      expect(r.stats.executions).toBe(check(model, { minimize: false }).stats.executions);
      for (const x of r.races!.byObject) {
        expect(x.onPath).toBeGreaterThanOrEqual(x.executions);
        expect(x.onPath).toBeLessThanOrEqual(r.stats.executions - 1);
      }
    },
  );
});
