// Peterson's mutual exclusion for two threads, with plain reads and writes of shared cells (no
// fences: the engine runs under sequential consistency, where the algorithm is correct).
//
// Entry: raise my flag, give the turn away, then wait while the other's flag is up and it is the
// other's turn. Inside the critical section each thread writes a cell both use and reads it back:
// if the other thread were inside too, it could overwrite it in between.
//
// The busy-wait must end for exhaustive exploration to end. By default it sleeps on a wait queue
// (`waitUntil`), and each write that may let the other thread in is followed by a wake-up. With
// `spin: k` it spins instead, reading the two cells at most k+1 times, then gives up (that
// execution skips the critical section: a cut-off, not a bug).

import {
  assert,
  type Cell,
  call,
  defineModel,
  type Model,
  type Op,
  read,
  type WaitQueue,
  waitUntil,
  wake,
  write,
} from '../engine/index.js';

export interface PetersonOptions {
  /** Spin at most this many extra rounds instead of sleeping on a wait queue. */
  spin?: number;
  /** Broken variant: give the turn away before raising the flag (mutual exclusion fails). */
  swapEntryWrites?: boolean;
}

interface State {
  flag: [Cell<boolean>, Cell<boolean>];
  turn: Cell<number>;
  occupant: Cell<number>;
  changed: WaitQueue;
}

/** Returns false when a bounded spin gave up. */
function* lock(s: State, me: number, opts: PetersonOptions): Generator<Op, boolean, any> {
  const other = 1 - me;
  if (opts.swapEntryWrites) {
    yield* write(s.turn, other);
    yield* write(s.flag[me], true);
  } else {
    yield* write(s.flag[me], true);
    yield* write(s.turn, other);
  }
  if (opts.spin === undefined) {
    yield* wake(s.changed); // the new turn may let the other thread in
    yield* waitUntil(
      s.changed,
      [s.flag[other], s.turn],
      (peek) => !peek(s.flag[other]) || peek(s.turn) === me,
    );
    return true;
  }
  for (let round = 0; round <= opts.spin; round++) {
    if (!(yield* read(s.flag[other]))) return true;
    if ((yield* read(s.turn)) === me) return true;
  }
  return false;
}

function* unlock(s: State, me: number, opts: PetersonOptions): Generator<Op, void, any> {
  yield* write(s.flag[me], false);
  if (opts.spin === undefined) yield* wake(s.changed);
}

function* criticalSection(s: State, me: number): Generator<Op, void, any> {
  yield* write(s.occupant, me);
  const seen = yield* read(s.occupant);
  assert(
    seen === me,
    `mutual exclusion violated: T${1 - me} entered the critical section while T${me} was in it`,
  );
}

export function peterson(opts: PetersonOptions = {}): Model<State> {
  const variant = opts.swapEntryWrites ? '-broken' : '';
  const spin = opts.spin === undefined ? '' : `-spin${opts.spin}`;
  return defineModel({
    name: `peterson${variant}${spin}`,
    setup: (world) => ({
      flag: [world.cell('flag0', false), world.cell('flag1', false)],
      turn: world.cell('turn', 0),
      occupant: world.cell('occupant', -1),
      changed: world.queue('changed'),
    }),
    threads: [0, 1].map((me) => ({
      name: `T${me}`,
      body: function* (s: State) {
        if (!(yield* call('peterson_lock', lock(s, me, opts)))) return;
        yield* call('critical_section', criticalSection(s, me));
        yield* call('peterson_unlock', unlock(s, me, opts));
      },
    })),
  });
}
