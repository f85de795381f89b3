// lockdep findings replay to themselves: a cycle's signature does not depend on which execution
// first made each of its edges, and its token brings back the executions a fresh lockdep needs.

import { describe, expect, it } from 'vitest';
import {
  type Cell,
  call,
  check,
  choose,
  defineModel,
  type FindingSpec,
  read,
  replay,
  signatureOf,
  tokenParts,
  write,
} from '../../src/engine/index.js';
import {
  type CircularDependencyDetails,
  init_waitqueue_head,
  kernelMonitors,
  type Mutex,
  mutex_init,
  mutex_lock,
  mutex_unlock,
  type WaitQueueHead,
  wait_event,
  wake_up_all,
} from '../../src/kernel/index.js';
import { formatFinding } from '../../src/report/index.js';
import { ofKind } from './helpers.js';

interface Locks {
  a: Mutex;
  b: Mutex;
}
const locks = (w: Parameters<typeof mutex_init>[0]): Locks => ({
  a: mutex_init(w, 'a', '&A'),
  b: mutex_init(w, 'b', '&B'),
});

/** `fn` takes x then y. */
function* nested(fn: string, x: Mutex, y: Mutex) {
  yield* call(
    fn,
    (function* () {
      yield* mutex_lock(x);
      yield* mutex_lock(y);
      yield* mutex_unlock(y);
      yield* mutex_unlock(x);
    })(),
  );
}

const cycles = <F extends FindingSpec>(findings: F[]): F[] =>
  findings.filter((f) => f.kind === 'circular-dependency');

describe('a cycle whose edge two functions make, in different executions', () => {
  // Execution 0 (choice 0): first_ab takes A -> B and stops. Execution 1 (choice 1): second_ab
  // takes A -> B again, then ba takes B -> A and closes the cycle. The whole run first saw A -> B
  // in first_ab; a replay of execution 1 alone would see it first in second_ab.
  const model = defineModel({
    name: 'one edge, two functions',
    setup: locks,
    threads: [
      {
        name: 'T0',
        body: function* (s) {
          if ((yield* choose(2, 'path')) === 0) yield* nested('first_ab', s.a, s.b);
          else {
            yield* nested('second_ab', s.a, s.b);
            yield* nested('ba', s.b, s.a);
          }
        },
      },
    ],
    monitors: () => kernelMonitors(),
  });

  it('the run saw A -> B first in first_ab, in another execution than the one that closed the cycle', () => {
    const [c] = ofKind(check(model), 'circular-dependency');
    const d = c.details as CircularDependencyDetails;
    const ab = d.cycle.find((e) => e.from === '&A')!;
    expect(ab.first.fn).toBe('first_ab');
    expect(new Set(d.cycle.map((e) => e.first.execution))).toEqual(new Set([0, 1]));
  });

  it('its signature names the lock classes only, so no exploration order changes it', () => {
    const [c] = ofKind(check(model), 'circular-dependency');
    expect(c.signature).toBe('circular-dependency|&A,&B|');
  });

  it('its token replays the execution that first made A -> B, then the one that closed the cycle', () => {
    const [c] = ofKind(check(model), 'circular-dependency');
    const d = c.details as CircularDependencyDetails;
    const parts = tokenParts(c.token);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(d.cycle.find((e) => e.from === '&A')!.first.token);
    const r = replay(model, c.token);
    const again = cycles(r.findings);
    expect(again.map((f) => signatureOf(f))).toEqual([c.signature]);
    // The same cycle, with the same places: first_ab for A -> B, ba for B -> A.
    const rd = again[0].details as CircularDependencyDetails;
    expect(rd.cycle.map((e) => `${e.from}->${e.to} ${e.first.fn}`).sort()).toEqual([
      '&A->&B first_ab',
      '&B->&A ba',
    ]);
    // The report says what the replay runs.
    expect(formatFinding(c)).toContain(
      "replay runs 2 executions with one lockdep: the first made an edge of the cycle (lockdep's graph spans executions), the last closes it",
    );
    // The trace is that of the execution that closed the cycle, up to the closing acquisition.
    expect(c.trace.at(-1)?.op).toBe('mutex_lock(&A)');
    expect(c.trace.at(-1)?.fn).toBe('ba');
  });

  it('the last part alone (the closing execution) makes the cycle from second_ab: same signature', () => {
    const [c] = ofKind(check(model), 'circular-dependency');
    const alone = cycles(replay(model, tokenParts(c.token).at(-1)!).findings);
    expect(alone.map((f) => signatureOf(f))).toEqual([c.signature]);
    const ad = alone[0].details as CircularDependencyDetails;
    expect(ad.cycle.find((e) => e.from === '&A')!.first.fn).toBe('second_ab');
  });
});

describe('a cycle whose edges no single execution has', () => {
  // One task takes A -> B in one execution and B -> A in the other: it never deadlocks, and no
  // single execution shows the cycle, so its token must name both.
  const model = defineModel({
    name: 'one task, two orders',
    setup: locks,
    threads: [
      {
        name: 'T0',
        body: function* (s) {
          if ((yield* choose(2, 'order')) === 0) yield* nested('path_ab', s.a, s.b);
          else yield* nested('path_ba', s.b, s.a);
        },
      },
    ],
    monitors: () => kernelMonitors(),
  });

  it('is predicted with a token of both executions that replays to it', () => {
    const r = check(model);
    const [c] = ofKind(r, 'circular-dependency');
    expect(c.confirmed).toBeUndefined();
    expect(tokenParts(c.token)).toHaveLength(2);
    for (const part of tokenParts(c.token)) expect(cycles(replay(model, part).findings)).toEqual([]);
    const again = replay(model, c.token);
    expect(again.outcome).toBe('done');
    expect(cycles(again.findings).map((f) => signatureOf(f))).toEqual([c.signature]);
  });
});

describe('a deadlock that confirms a cycle without making all its edges', () => {
  // T0 takes the gate, A, then B. T1 either takes the gate, B, then A (B -> A, serialised by the
  // gate: no deadlock), or takes B and sleeps until T0 sets `ready`, which T0 does only after
  // taking B. The sleeping execution deadlocks (T0 holds A and waits for B, T1 holds B and sleeps)
  // and confirms A <-> B, but it makes A -> B only: B -> A comes from another execution, which the
  // confirmed token replays first.
  interface S extends Locks {
    gate: Mutex;
    ready: Cell<boolean>;
    wq: WaitQueueHead;
  }
  const model = defineModel({
    name: 'sleeping holder',
    setup: (w): S => ({
      ...locks(w),
      gate: mutex_init(w, 'gate', '&gate'),
      ready: w.cell('ready', false),
      wq: init_waitqueue_head(w, 'wq'),
    }),
    threads: [
      {
        name: 'T0',
        body: (s: S) =>
          call(
            'take_ab',
            (function* () {
              yield* mutex_lock(s.gate);
              yield* mutex_lock(s.a);
              yield* mutex_lock(s.b);
              yield* write(s.ready, true);
              yield* wake_up_all(s.wq);
              yield* mutex_unlock(s.b);
              yield* mutex_unlock(s.a);
              yield* mutex_unlock(s.gate);
            })(),
          ),
      },
      {
        name: 'T1',
        body: function* (s: S) {
          if ((yield* choose(2, 'path')) === 0) {
            yield* mutex_lock(s.gate);
            yield* nested('take_ba', s.b, s.a);
            yield* mutex_unlock(s.gate);
            return;
          }
          yield* call(
            'hold_b_and_sleep',
            (function* () {
              yield* mutex_lock(s.b);
              yield* wait_event(s.wq, [s.ready], (peek) => peek(s.ready));
              yield* read(s.ready);
              yield* mutex_unlock(s.b);
            })(),
          );
        },
      },
    ],
    monitors: () => kernelMonitors(),
  });

  it('is confirmed, and its token replays the edge-making execution, then the deadlock', () => {
    const r = check(model);
    const [c] = cycles(r.findings).filter((f) => f.signature === 'circular-dependency|&A,&B|');
    expect(c.confirmed).toBe(true);
    const parts = tokenParts(c.token);
    const again = replay(model, c.token);
    expect(again.outcome).toBe('deadlock');
    expect(cycles(again.findings).map((f) => signatureOf(f))).toContain(c.signature);
    // The deadlock alone does not show the cycle; with the execution that made B -> A first it does.
    expect(parts).toHaveLength(2);
    expect(replay(model, parts[1]).outcome).toBe('deadlock');
    expect(cycles(replay(model, parts[1]).findings)).toEqual([]);
    // The finding's trace is the deadlock's.
    expect(c.trace.length).toBe(replay(model, parts[1]).trace.length);
  });
});
