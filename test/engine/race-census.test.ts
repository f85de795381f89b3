import { describe, expect, it } from 'vitest';
import { check } from '../../src/engine/index.js';
import { examples, producerConsumer } from '../../src/examples/index.js';

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
