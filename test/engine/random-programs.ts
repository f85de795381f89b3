// Random small programs for property tests of the explorers: 2-3 threads, 1-4 statements each
// over 2-3 cells and 1-2 locks (see dpor-property.test.ts for what they contain), and the model
// that runs one. Every distinct end state that hashes to 1 or 2 mod 3 is a finding of its own.

import fc from 'fast-check';
import {
  acquire,
  type Cell,
  choose,
  commutingUpdate,
  defineModel,
  type Lock,
  type LockMode,
  type Model,
  type Op,
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

export type Stmt =
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

export interface Program {
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

export const programWith = (choices: boolean): fc.Arbitrary<Program> =>
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

export function toModel(p: Program): Model<State> {
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

export function usesAwait(p: Program): boolean {
  const has = (st: Stmt): boolean => st.k === 'await' || (st.k === 'lock' && st.body.some(has));
  return p.threads.some((t) => t.some(has));
}
