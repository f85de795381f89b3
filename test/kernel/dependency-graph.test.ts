import { describe, expect, it } from 'vitest';
import { DependencyGraph, type DepKind, depKind, type FirstSeen } from '../../src/kernel/index.js';

const KINDS: DepKind[] = ['ER', 'EN', 'SR', 'SN'];

const first = (fn: string): FirstSeen => ({
  place: {
    task: { name: 'T', id: 0 },
    fn,
    stack: [fn],
    api: 'lock',
    heldFn: 'x',
    heldApi: 'lock',
    token: 'fl1:',
    execution: 0,
    step: 0,
  },
  fromRead: 0,
  toRead: 0,
});

/** The definition: a cycle is strong when no -(*R)-> edge is followed by an -(S*)-> edge. */
function strongByDefinition(cycle: DepKind[]): boolean {
  for (let i = 0; i < cycle.length; i++) {
    const a = cycle[i];
    const b = cycle[(i + 1) % cycle.length];
    if (a[1] === 'R' && b[0] === 'S') return false;
  }
  return true;
}

function* tuples(n: number): Generator<DepKind[]> {
  if (n === 0) {
    yield [];
    return;
  }
  for (const rest of tuples(n - 1)) for (const k of KINDS) yield [...rest, k];
}

/** Build the cycle c0 -> c1 -> ... -> c0 minus its first edge, then ask about closing it. */
function closes(cycle: DepKind[]): boolean {
  const n = cycle.length;
  const cls = (i: number) => `L${i % n}`;
  const g = new DependencyGraph();
  for (let i = 1; i < n; i++) g.add(cls(i), cls(i + 1), cycle[i], first(`f${i}`));
  return g.strongPath(cls(0), cls(1), cycle[0]) !== undefined;
}

describe('dependency kinds', () => {
  it('holder read 0 is E, 1 and 2 are S; acquirer read 2 is R, 0 and 1 are N', () => {
    expect(depKind(0, 0)).toBe('EN');
    expect(depKind(0, 1)).toBe('EN');
    expect(depKind(0, 2)).toBe('ER');
    expect(depKind(1, 0)).toBe('SN');
    expect(depKind(2, 1)).toBe('SN');
    expect(depKind(1, 2)).toBe('SR');
  });
});

describe('strong cycles (lockdep-design.rst, recursive read locks)', () => {
  it('every 2-cycle of kinds: closing it finds a strong path exactly when the cycle is strong', () => {
    for (const c of tuples(2)) expect([c.join(','), closes(c)]).toEqual([c.join(','), strongByDefinition(c)]);
  });

  it('every 3-cycle of kinds agrees with the definition', () => {
    let strong = 0;
    for (const c of tuples(3)) {
      expect([c.join(','), closes(c)]).toEqual([c.join(','), strongByDefinition(c)]);
      if (strongByDefinition(c)) strong++;
    }
    // Both verdicts occur: the check is not trivially true or false.
    expect(strong).toBeGreaterThan(0);
    expect(strong).toBeLessThan(64);
  });

  it('the four cases of the 2020 selftests', () => {
    expect(closes(['ER', 'ER', 'ER'])).toBe(true);
    expect(closes(['EN', 'SR', 'ER'])).toBe(true);
    expect(closes(['EN', 'SR', 'SN'])).toBe(false);
    expect(closes(['ER', 'SR', 'EN'])).toBe(false);
  });

  it('an edge with several kinds is strong if some choice of kinds is', () => {
    const g = new DependencyGraph();
    // B -> A seen both as -(SR)-> and -(EN)->; the new A -(SN)-> B closes a strong cycle only with EN.
    g.add('B', 'A', 'SR', first('f1'));
    expect(g.strongPath('A', 'B', 'SN')).toBeUndefined();
    g.add('B', 'A', 'EN', first('f2'));
    const path = g.strongPath('A', 'B', 'SN');
    expect(path?.map((s) => `${s.from}-(${s.kind})->${s.to}`)).toEqual(['B-(EN)->A']);
    expect(path?.[0].first.place.fn).toBe('f2');
  });

  it('after a recursive read of B, the path must leave B through an exclusive hold of B', () => {
    // New A -(SR)-> B; B -> C seen as -(SN)-> and later as -(EN)->: only EN may follow SR.
    const g = new DependencyGraph();
    g.add('B', 'C', 'SN', first('sn'));
    g.add('C', 'A', 'EN', first('ca'));
    expect(g.strongPath('A', 'B', 'SR')).toBeUndefined();
    g.add('B', 'C', 'EN', first('en'));
    expect(g.strongPath('A', 'B', 'SR')?.map((s) => s.kind)).toEqual(['EN', 'EN']);
  });

  it('returns the shortest path and each edge with where it was first seen', () => {
    const g = new DependencyGraph();
    g.add('B', 'C', 'EN', first('bc'));
    g.add('C', 'D', 'EN', first('cd'));
    g.add('D', 'A', 'EN', first('da'));
    g.add('B', 'A', 'EN', first('ba'));
    expect(g.strongPath('A', 'B', 'EN')?.map((s) => s.first.place.fn)).toEqual(['ba']);
    expect(g.add('B', 'A', 'EN', first('again'))).toBe(false);
    expect(g.size).toBe(4);
  });
});
