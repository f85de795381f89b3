// lockdep's recursive-read test matrix (lib/locking-selftest.c after the 2020 rework) as models:
// each case's lockdep verdict, and what exhaustive exploration of the same threads finds.

import { describe, expect, it } from 'vitest';
import { call, check, defineModel, type Lock, type Op, tokenParts } from '../../src/engine/index.js';
import {
  down_read,
  down_read_trylock,
  down_write,
  kernelMonitors,
  mutex_lock,
  mutex_unlock,
  spin_lock,
  spin_unlock,
  up_read,
  up_write,
} from '../../src/kernel/index.js';
import { ofKind, read_lock, read_unlock, write_lock, write_unlock } from './helpers.js';

/** WL/RL: rwlock write and recursive read; L: spin_lock; ML: mutex_lock; WSL/RSL: down_write/down_read. */
type LockOp = 'WL' | 'RL' | 'L' | 'ML' | 'WSL' | 'RSL';
type Step = [LockOp, string];

const take: Record<LockOp, (l: Lock) => Generator<Op, void, any>> = {
  WL: write_lock,
  RL: read_lock,
  L: spin_lock,
  ML: mutex_lock,
  WSL: down_write,
  RSL: down_read,
};
const drop: Record<LockOp, (l: Lock) => Generator<Op, void, any>> = {
  WL: write_unlock,
  RL: read_unlock,
  L: spin_unlock,
  ML: mutex_unlock,
  WSL: up_write,
  RSL: up_read,
};

/** Threads that each take their locks in order and release them in reverse, as E1()..E3(). */
function lockModel(name: string, threads: Step[][]) {
  return defineModel({
    name,
    setup: (w) => {
      const locks: Record<string, Lock> = {};
      for (const steps of threads)
        for (const [, key] of steps) locks[key] ??= w.lock(key, { cls: `&${key.replace(/\d+$/, '')}` });
      return locks;
    },
    threads: threads.map((steps, i) => ({
      name: `E${i + 1}`,
      body: (locks: Record<string, Lock>) =>
        call(
          `e${i + 1}`,
          (function* () {
            for (const [op, key] of steps) yield* take[op](locks[key]);
            for (const [op, key] of [...steps].reverse()) yield* drop[op](locks[key]);
          })(),
        ),
    })),
    monitors: () => kernelMonitors(),
  });
}

interface Case {
  name: string;
  threads: Step[][];
  /** lockdep's verdict: a strong cycle, i.e. a possible deadlock. */
  lockdep: boolean;
  /** Whether these very threads can deadlock (exploration finds it). */
  explored: boolean;
  classes: string[];
}

const cases: Case[] = [
  {
    name: 'X -(ER)-> Y -(ER)-> Z -(ER)-> X is a deadlock',
    threads: [
      [
        ['WL', 'X'],
        ['RL', 'Y'],
      ],
      [
        ['WL', 'Y'],
        ['RL', 'Z'],
      ],
      [
        ['WL', 'Z'],
        ['RL', 'X'],
      ],
    ],
    lockdep: true,
    explored: true,
    classes: ['&X', '&Y', '&Z'],
  },
  {
    name: 'X -(EN)-> Y -(SR)-> Z -(ER)-> X is a deadlock',
    threads: [
      [
        ['WL', 'X'],
        ['WL', 'Y'],
      ],
      [
        ['RL', 'Y'],
        ['RL', 'Z'],
      ],
      [
        ['WL', 'Z'],
        ['RL', 'X'],
      ],
    ],
    lockdep: true,
    explored: true,
    classes: ['&X', '&Y', '&Z'],
  },
  {
    name: 'X -(EN)-> Y -(SR)-> Z -(SN)-> X is not a deadlock',
    threads: [
      [
        ['WL', 'X'],
        ['WL', 'Y'],
      ],
      [
        ['RL', 'Y'],
        ['RL', 'Z'],
      ],
      [
        ['RL', 'Z'],
        ['WL', 'X'],
      ],
    ],
    lockdep: false,
    explored: false,
    classes: [],
  },
  {
    name: 'X -(ER)-> Y -(SR)-> Z -(EN)-> X is not a deadlock',
    threads: [
      [
        ['WL', 'X'],
        ['RL', 'Y'],
      ],
      [
        ['RL', 'Y'],
        ['RL', 'Z'],
      ],
      [
        ['WL', 'Z'],
        ['WL', 'X'],
      ],
    ],
    lockdep: false,
    explored: false,
    classes: [],
  },
  {
    name: 'read_lock(X); spin_lock(Y) / spin_lock(Y); write_lock(X): X -(SN)-> Y -(EN)-> X fails',
    threads: [
      [
        ['RL', 'X'],
        ['L', 'Y'],
      ],
      [
        ['L', 'Y'],
        ['WL', 'X'],
      ],
    ],
    lockdep: true,
    explored: true,
    classes: ['&X', '&Y'],
  },
  {
    name: 'read_lock(X); spin_lock(Y) / spin_lock(Y); read_lock(X): X -(SN)-> Y -(ER)-> X is fine',
    threads: [
      [
        ['RL', 'X'],
        ['L', 'Y'],
      ],
      [
        ['L', 'Y'],
        ['RL', 'X'],
      ],
    ],
    lockdep: false,
    explored: false,
    classes: [],
  },
  {
    name: 'write_lock(X); spin_lock(Y) / spin_lock(Y); write_lock(X) fails',
    threads: [
      [
        ['WL', 'X'],
        ['L', 'Y'],
      ],
      [
        ['L', 'Y'],
        ['WL', 'X'],
      ],
    ],
    lockdep: true,
    explored: true,
    classes: ['&X', '&Y'],
  },
  {
    name: 'down_read(X); mutex_lock(Y) / mutex_lock(Y); down_write(X) fails',
    threads: [
      [
        ['RSL', 'X'],
        ['ML', 'Y'],
      ],
      [
        ['ML', 'Y'],
        ['WSL', 'X'],
      ],
    ],
    lockdep: true,
    explored: true,
    classes: ['&X', '&Y'],
  },
  {
    // down_read is not recursive (read = 1, an N acquirer): lockdep flags it, though these two
    // threads alone cannot deadlock; a queued writer makes it real (next describe block).
    name: 'down_read(X); mutex_lock(Y) / mutex_lock(Y); down_read(X): X -(SN)-> Y -(EN)-> X fails',
    threads: [
      [
        ['RSL', 'X'],
        ['ML', 'Y'],
      ],
      [
        ['ML', 'Y'],
        ['RSL', 'X'],
      ],
    ],
    lockdep: true,
    explored: false,
    classes: ['&X', '&Y'],
  },
];

describe('recursive-read deadlock matrix', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = check(lockModel(c.name, c.threads));
      expect(r.complete).toBe(true);
      const cycles = ofKind(r, 'circular-dependency');
      const deadlocks = ofKind(r, 'deadlock');
      expect(cycles.length > 0).toBe(c.lockdep);
      expect(deadlocks.length > 0).toBe(c.explored);
      for (const f of cycles) {
        expect([...new Set(f.locks)].sort()).toEqual(c.classes);
        // Confirmed exactly when an explored execution really deadlocked.
        expect(f.confirmed === true).toBe(c.explored);
        expect(f.token).toMatch(/^fl1:/);
        expect(f.trace.length).toBeGreaterThan(0);
        // The deadlock that confirms a cycle made every dependency of it: its token replays alone.
        if (f.confirmed) expect(tokenParts(f.token)).toHaveLength(1);
      }
      // Every real deadlock was predicted: lockdep is never less than exploration here.
      if (c.explored) expect(c.lockdep).toBe(true);
      expect(ofKind(r, 'recursive-locking')).toEqual([]);
    });
  }

  it('down_read(X); mutex(Y) / mutex(Y); down_read(X) deadlocks for real once a writer queues on X', () => {
    const m = lockModel('rwsem ABBA with a writer', [
      [
        ['RSL', 'X'],
        ['ML', 'Y'],
      ],
      [
        ['ML', 'Y'],
        ['RSL', 'X'],
      ],
      [['WSL', 'X']],
    ]);
    const r = check(m);
    expect(r.complete).toBe(true);
    const [cycle] = ofKind(r, 'circular-dependency');
    expect(cycle.confirmed).toBe(true);
    const [dl] = ofKind(r, 'deadlock');
    expect(dl.title).toContain('E3');
    // The confirmed finding carries the deadlocking execution.
    expect(cycle.trace.some((s) => s.note?.startsWith('blocked'))).toBe(true);
  });
});

/** One task taking two locks of one class (lockdep's AA tests): X1, X2 are instances of &X. */
function aaModel(name: string, steps: Step[] | 'trylock') {
  return defineModel({
    name,
    setup: (w) => ({ X1: w.lock('X1', { cls: '&X' }), X2: w.lock('X2', { cls: '&X' }) }),
    threads: [
      {
        name: 'T',
        body: (s: Record<string, Lock>) =>
          call(
            'aa',
            (function* () {
              if (steps === 'trylock') {
                yield* down_write(s.X1);
                const got = yield* down_read_trylock(s.X2);
                if (got) yield* up_read(s.X2);
                yield* up_write(s.X1);
                return;
              }
              for (const [op, key] of steps) yield* take[op](s[key]);
              for (const [op, key] of [...steps].reverse()) yield* drop[op](s[key]);
            })(),
          ),
      },
    ],
    monitors: () => kernelMonitors(),
  });
}

describe('recursive locking of one class (AA)', () => {
  const aa: Array<[string, Step[] | 'trylock', boolean]> = [
    [
      'read_lock(X1); read_lock(X1) is allowed (recursive read)',
      [
        ['RL', 'X1'],
        ['RL', 'X1'],
      ],
      false,
    ],
    [
      'read_lock(X1); read_lock(X2) is allowed (same class)',
      [
        ['RL', 'X1'],
        ['RL', 'X2'],
      ],
      false,
    ],
    [
      'down_read(X1); down_read(X1) fails (rwsem read is not recursive)',
      [
        ['RSL', 'X1'],
        ['RSL', 'X1'],
      ],
      true,
    ],
    [
      'down_read(X1); down_read(X2) fails (same class)',
      [
        ['RSL', 'X1'],
        ['RSL', 'X2'],
      ],
      true,
    ],
    [
      'read_lock(X1); write_lock(X2) fails',
      [
        ['RL', 'X1'],
        ['WL', 'X2'],
      ],
      true,
    ],
    [
      'write_lock(X1); read_lock(X2) fails',
      [
        ['WL', 'X1'],
        ['RL', 'X2'],
      ],
      true,
    ],
    ['down_write(X1); down_read_trylock(X2) is no recursion (a trylock cannot deadlock)', 'trylock', false],
  ];
  for (const [name, steps, fails] of aa) {
    it(name, () => {
      const r = check(aaModel(name, steps));
      const rec = ofKind(r, 'recursive-locking');
      expect(rec.length > 0).toBe(fails);
      if (fails) {
        expect(rec[0].locks).toEqual(['&X']);
        expect(rec[0].functions).toEqual(['aa', 'aa']);
      }
      expect(ofKind(r, 'circular-dependency')).toEqual([]);
    });
  }
});
