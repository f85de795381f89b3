// Property: on random small programs (2-3 threads, 1-4 statements each over 2-3 cells and 1-2
// locks, balanced lock use, reads, writes, atomic adds, commuting adds, commuting adds guarded by
// a read of another cell in the same step (adding 0 when the guard fails), plain writes guarded
// the same way (a store through a TLB entry that a zap may have flushed), atomic reads of two
// cells (`snapshot`), waits until a cell
// reaches a value (`waitVar`, woken by the update that gets it there; `waitUntil`, woken by a
// `wake` statement waking all or one, so wake-ups can be lost), choices, trylocks, nested
// critical sections), DPOR reports exactly the findings of the naive search and runs one
// execution per Mazurkiewicz trace (10% slack). Every distinct end state that hashes to 1 or 2
// mod 3 is a finding of its own, so "same findings" also means "same reachable end states".

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acquire,
  type Cell,
  check,
  choose,
  commutingUpdate,
  defineModel,
  exploreNaive,
  type Lock,
  type LockMode,
  type Model,
  type Op,
  type RunCheckpoint,
  read,
  release,
  snapshot,
  tryAcquire,
  update,
  type WaitQueue,
  waitUntil,
  waitVar,
  wake,
  write,
} from '../../src/engine/index.js';

type Stmt =
  | { k: 'read'; cell: number }
  | { k: 'write'; cell: number; value: number }
  | { k: 'add'; cell: number; value: number }
  | { k: 'cadd'; cell: number; value: number }
  | { k: 'gadd'; cell: number; value: number }
  | { k: 'gset'; cell: number; value: number }
  | { k: 'snap'; cell: number }
  | { k: 'choose'; cell: number }
  | { k: 'await'; cell: number; value: number }
  | { k: 'wait'; cell: number; value: number }
  | { k: 'wake'; all: boolean }
  | { k: 'lock'; lock: number; mode: LockMode; try: boolean; body: Stmt[] };

interface Program {
  cells: number;
  locks: number;
  threads: Stmt[][];
}

const simple: fc.Arbitrary<Stmt>[] = [
  fc.record({ k: fc.constant('read' as const), cell: fc.nat(2) }),
  fc.record({ k: fc.constant('read' as const), cell: fc.nat(2) }),
  fc.record({ k: fc.constant('write' as const), cell: fc.nat(2), value: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ k: fc.constant('write' as const), cell: fc.nat(2), value: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ k: fc.constant('add' as const), cell: fc.nat(2), value: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ k: fc.constant('cadd' as const), cell: fc.nat(2), value: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ k: fc.constant('gadd' as const), cell: fc.nat(2), value: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ k: fc.constant('gset' as const), cell: fc.nat(2), value: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ k: fc.constant('snap' as const), cell: fc.nat(2) }),
  fc.record({ k: fc.constant('await' as const), cell: fc.nat(2), value: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ k: fc.constant('wait' as const), cell: fc.nat(2), value: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ k: fc.constant('wake' as const), all: fc.boolean() }),
];
const chosen: fc.Arbitrary<Stmt> = fc.record({ k: fc.constant('choose' as const), cell: fc.nat(2) });

const block = (body: fc.Arbitrary<Stmt>): fc.Arbitrary<Stmt> =>
  fc.record({
    k: fc.constant('lock' as const),
    lock: fc.nat(1),
    mode: fc.constantFrom<LockMode>('exclusive', 'exclusive', 'shared'),
    try: fc.boolean(),
    body: fc.array(body, { minLength: 0, maxLength: 2 }),
  });

/** A statement: a leaf, or a critical section holding leaves and at most one nested section. */
function stmtWith(choices: boolean): fc.Arbitrary<Stmt> {
  const leaf = fc.oneof(...simple, ...(choices ? [chosen] : []));
  const inner = fc.oneof(leaf, leaf, leaf, block(leaf));
  return fc.oneof(leaf, leaf, leaf, block(inner), block(inner));
}

function steps(s: Stmt): number {
  if (s.k === 'await' || s.k === 'wait') return 3; // the check, a resume, the check again
  return s.k === 'lock' ? 3 + s.body.reduce((n, b) => n + steps(b), 0) : 1; // +1 for a resume
}

/** Upper bound on the interleavings: the multinomial of the threads' step counts. */
function interleavings(p: Program): number {
  let total = 0;
  let count = 1;
  for (const t of p.threads) {
    const n = 1 + t.reduce((a, s) => a + steps(s), 0);
    for (let i = 1; i <= n; i++) count = (count * (total + i)) / i;
    total += n;
  }
  return count;
}

const programWith = (choices: boolean): fc.Arbitrary<Program> =>
  fc
    .record({
      cells: fc.integer({ min: 2, max: 3 }),
      locks: fc.integer({ min: 1, max: 2 }),
      threads: fc.array(fc.array(stmtWith(choices), { minLength: 1, maxLength: 4 }), {
        minLength: 2,
        maxLength: 3,
      }),
    })
    .filter((p) => interleavings(p) <= 20_000);

interface State {
  cells: Cell<number>[];
  locks: Lock[];
  queue: WaitQueue;
  explicit: WaitQueue;
}

function* run(s: State, stmts: Stmt[], log: number[]): Generator<Op, void, any> {
  for (const st of stmts) {
    switch (st.k) {
      case 'read':
        log.push(yield* read(s.cells[st.cell % s.cells.length]));
        break;
      case 'write':
        yield* write(s.cells[st.cell % s.cells.length], st.value);
        break;
      case 'add':
        yield* update(s.cells[st.cell % s.cells.length], (v: number) => v + st.value);
        break;
      case 'cadd':
        // an atomic_add whose result the thread ignores: commutes with the other cadds
        yield* commutingUpdate(s.cells[st.cell % s.cells.length], (v: number) => v + st.value);
        break;
      case 'gadd': {
        // a start_this_handle: if the guard (the next cell) is clear, a commuting add; otherwise
        // it adds 0. The thread logs what it saw of the guard only.
        const c = s.cells[st.cell % s.cells.length];
        const g = s.cells[(st.cell + 1) % s.cells.length];
        let clear = false;
        yield* commutingUpdate(
          c,
          (v: number, peek) => {
            clear = peek(g) < 2;
            return clear ? v + st.value : v;
          },
          undefined,
          [g],
        );
        log.push(clear ? 1 : 0);
        break;
      }
      case 'gset': {
        // a store through a TLB entry: written only while the guard (the next cell) is still 0
        const c = s.cells[st.cell % s.cells.length];
        const g = s.cells[(st.cell + 1) % s.cells.length];
        let stored = false;
        yield* update(
          c,
          (v: number, peek) => {
            stored = peek(g) === 0;
            return stored ? st.value : v;
          },
          undefined,
          [g],
        );
        log.push(stored ? 1 : 0);
        break;
      }
      case 'snap': {
        const [a, b] = yield* snapshot<[number, number]>([
          s.cells[st.cell % s.cells.length],
          s.cells[(st.cell + 1) % s.cells.length],
        ]);
        log.push(100 + 10 * a + b);
        break;
      }
      case 'choose':
        yield* write(s.cells[st.cell % s.cells.length], 10 + (yield* choose(2, 'random value')));
        break;
      case 'await': {
        const c = s.cells[st.cell % s.cells.length];
        yield* waitVar(s.queue, [c], (peek) => peek(c) >= st.value);
        break;
      }
      case 'wait': {
        // wait_event: sleeps until a wake_up finds the condition true (a wake-up can be lost)
        const c = s.cells[st.cell % s.cells.length];
        yield* waitUntil(s.explicit, [c], (peek) => peek(c) >= st.value);
        break;
      }
      case 'wake':
        yield* wake(s.explicit, st.all);
        break;
      case 'lock': {
        const lock = s.locks[st.lock % s.locks.length];
        if (st.try) {
          if (!(yield* tryAcquire(lock, st.mode))) {
            log.push(-1);
            break;
          }
        } else yield* acquire(lock, st.mode);
        yield* run(s, st.body, log);
        yield* release(lock, st.mode);
        break;
      }
    }
  }
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function toModel(p: Program): Model<State> {
  return defineModel({
    name: 'random-program',
    setup: (w) => ({
      cells: Array.from({ length: p.cells }, (_, i) => w.cell(`c${i}`, 0)),
      locks: Array.from({ length: p.locks }, (_, i) => w.lock(`L${i}`)),
      queue: w.queue('q'),
      explicit: w.queue('wq'),
    }),
    threads: p.threads.map((stmts, i) => ({
      name: `T${i}`,
      body: function* (s: State) {
        const log: number[] = [];
        yield* run(s, stmts, log);
        return log;
      },
    })),
    check: (s, v) => {
      const end = JSON.stringify({ cells: s.cells.map((c) => v.peek(c)), logs: v.results });
      return hash(end) % 3 === 0 ? [] : [{ kind: 'outcome', title: end, functions: [end] }];
    },
  });
}

function usesAwait(p: Program): boolean {
  const has = (st: Stmt): boolean => st.k === 'await' || (st.k === 'lock' && st.body.some(has));
  return p.threads.some((t) => t.some(has));
}

function sameAsNaive(p: Program): void {
  const model = toModel(p);
  const naive = exploreNaive(model, { maxExecutions: 200_000 });
  // A program too large for the brute-force oracle decides nothing: discard it (fast-check
  // counts discarded inputs and fails the property if too many are).
  fc.pre(naive.complete);
  const dpor = check(model, { minimize: false });
  expect(dpor.complete).toBe(true);
  expect(dpor.findings.map((f) => f.signature).sort()).toEqual([...naive.findings.keys()].sort());
  // With a waitVar sleeper, which of several updates woke it is no difference to DPOR (a wake-up
  // is causal, never reversed), but it is one to the naive search's traces: DPOR may then run
  // fewer executions than there are traces, with the same findings (the check above).
  if (!usesAwait(p)) expect(dpor.stats.executions).toBeGreaterThanOrEqual(naive.traces);
  expect(dpor.stats.executions).toBeLessThanOrEqual(1.1 * naive.traces);
}

const seed = Number(process.env.FC_SEED ?? 20151019);
const numRuns = Number(process.env.FC_RUNS ?? 100);

describe('DPOR against the naive search on random programs', () => {
  it('without choices: same findings, one execution per trace', () => {
    fc.assert(fc.property(programWith(false), sameAsNaive), { numRuns, seed });
  }, 60_000);

  it('with choices: same findings, one execution per trace', () => {
    fc.assert(fc.property(programWith(true), sameAsNaive), { numRuns, seed });
  }, 60_000);
});

/** Stopped at `at` (a fraction of its executions) and resumed from its checkpoint, a run ends as the whole one. */
function resumesAsWhole(p: Program, at: number): void {
  const model = toModel(p);
  const whole = check(model, { maxExecutions: 20_000 });
  fc.pre(whole.complete && whole.stats.executions > 1);
  const stop = 1 + Math.floor(at * (whole.stats.executions - 1));
  let saved: RunCheckpoint | undefined;
  check(model, { maxExecutions: stop, checkpoint: { save: (c) => (saved = JSON.parse(JSON.stringify(c))) } });
  const resumed = check(model, { checkpoint: { resume: saved, save: () => {} } });
  const { elapsedMs: _a, ...wholeStats } = whole.stats;
  const { elapsedMs: _b, ...resumedStats } = resumed.stats;
  expect(resumedStats).toEqual(wholeStats);
  expect(resumed.findings).toEqual(whole.findings);
}

describe('DPOR checkpoints on random programs', () => {
  it('a run stopped anywhere and resumed ends as the uninterrupted one', () => {
    fc.assert(fc.property(programWith(true), fc.double({ min: 0, max: 1, noNaN: true }), resumesAsWhole), {
      numRuns,
      seed,
    });
  }, 60_000);
});

// Programs kept as fixed cases. The first two were written by hand: a wake-up before the
// waiter's check, which goes to sleep and is never woken (DPOR missed it while a wait whose
// condition held did not touch its queue), and two sleepers with a wake-one (DPOR misses one of
// them staying asleep if wake-one takes the first to sleep, since the checks commute). The
// others are counterexamples the property found (FC_SEED=1 and 3, 500 runs).
describe('programs the property found', () => {
  const found: Program[] = [
    {
      cells: 2,
      locks: 1,
      threads: [
        [{ k: 'wait', cell: 0, value: 1 }],
        [{ k: 'write', cell: 0, value: 1 }],
        [{ k: 'wake', all: true }],
      ],
    },
    {
      // Two sleepers and a wake-one: their checks commute only if which one wakes does not
      // depend on the order they went to sleep in (it is the lowest thread id, not FIFO).
      cells: 2,
      locks: 1,
      threads: [
        [{ k: 'wait', cell: 0, value: 1 }],
        [{ k: 'wait', cell: 0, value: 1 }],
        [
          { k: 'write', cell: 0, value: 1 },
          { k: 'wake', all: false },
        ],
      ],
    },
    {
      cells: 2,
      locks: 1,
      threads: [
        [{ k: 'read', cell: 0 }],
        [{ k: 'add', cell: 1, value: 1 }],
        [
          { k: 'write', cell: 0, value: 1 },
          { k: 'choose', cell: 0 },
          { k: 'read', cell: 1 },
        ],
      ],
    },
    {
      cells: 2,
      locks: 1,
      threads: [
        [{ k: 'choose', cell: 1 }],
        [{ k: 'read', cell: 0 }],
        [
          {
            k: 'lock',
            lock: 0,
            mode: 'exclusive',
            try: false,
            body: [
              { k: 'add', cell: 0, value: 1 },
              { k: 'choose', cell: 0 },
            ],
          },
          { k: 'read', cell: 1 },
          { k: 'read', cell: 0 },
        ],
      ],
    },
  ];
  it.each(found.map((p, i) => [i, p] as const))('#%i: same findings, one execution per trace', (_i, p) => {
    sameAsNaive(p);
  });
});
