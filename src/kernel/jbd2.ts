// A jbd2 journal (fs/jbd2/transaction.c, commit.c, v4.2-v4.4), reduced to what locking needs:
// one running transaction that handles join; a commit locks it (T_LOCKED) so that new handle
// starts wait, waits until every handle of it has stopped (t_updates == 0), then a new
// transaction opens and the waiters are woken.
//
// The transaction's state (t_tid, T_LOCKED) and its t_updates counter are two cells, as they are
// two fields in the kernel: a start checks the state and increments the counter in one step (under
// j_state_lock for read, then atomic_inc), a stop only decrements the counter
// (atomic_dec_and_test, no j_state_lock). Increments and decrements are commuting updates, so the
// explorer orders neither two tasks' handles against each other nor a stop against the commit's
// setting T_LOCKED (which a stop does not read): only a start against the commit's writes of
// the state, and starts and stops against the commit's checks of t_updates. jbd2_journal_stop
// wakes j_wait_updates when its decrement reaches zero; the commit sleeps there with `waitVar`,
// so the stop that brings t_updates to zero wakes it in the same step. A start that finds the
// transaction locked still touches t_updates (it adds 0): a step's objects must not depend on
// what it reads (see `update` in src/engine/ops.ts). It then sleeps on j_wait_transaction_locked
// with `waitVar` too: jbd2_journal_commit_transaction sets T_FLUSH, clears
// j_running_transaction and wakes that queue all under j_state_lock for write, so no start
// checks between the new state and the wake-up; the step that opens the next transaction wakes
// the sleepers. (A separate wake step, as before 2026-11-27, only added interleavings in which a
// start passes before the wake, which the kernel's lock rules out and whose outcome is the same.)
//
// lockdep of that era saw a handle start as lock_map_acquire(&handle->h_lockdep_map), class
// `jbd2_handle`, released at jbd2_journal_stop; the commit side was not annotated. Both are
// modelled that way. A task that already has a handle (current->journal_info) gets a nested
// reference instead of blocking.
// Simplifications: no credits or reservations, no checkpointing, a commit takes no other locks;
// j_state_lock is not modelled (a start's T_LOCKED check and increment are one atomic step, which
// is what holding it for read gives them against the commit, which sets T_LOCKED and checks
// t_updates under it for write). The transaction that replaces the committed one is the same two
// cells with the next tid (its t_updates starts at 0, where the old one's ended).

import {
  type Cell,
  commutingUpdate,
  note,
  type Op,
  update,
  type WaitQueue,
  type World,
  waitVar,
} from '../engine/index.js';
import type { LockdepNote } from './lock-info.js';
import { current, might_sleep } from './task.js';

export interface TransactionState {
  tid: number;
  /** T_LOCKED: a commit has started; new handles wait. */
  locked: boolean;
}

export interface Journal {
  name: string;
  /** j_running_transaction's t_tid and t_state. */
  state: Cell<TransactionState>;
  /** j_running_transaction->t_updates: handles running in it. */
  updates: Cell<number>;
  /** j_wait_transaction_locked */
  waitLocked: WaitQueue;
  /** j_wait_updates */
  waitUpdates: WaitQueue;
}

export interface Handle {
  journal: Journal;
  tid: number;
  /** h_ref: nested starts by the same task. */
  ref: number;
}

export const JBD2_HANDLE_CLASS = 'jbd2_handle';

export function journal_init(w: World, name: string): Journal {
  return {
    name,
    state: w.cell<TransactionState>(`${name}.j_running_transaction`, { tid: 1, locked: false }),
    updates: w.cell(`${name}.j_running_transaction->t_updates`, 0),
    waitLocked: w.queue(`${name}.j_wait_transaction_locked`),
    waitUpdates: w.queue(`${name}.j_wait_updates`),
  };
}

const START_NOTE: LockdepNote = {
  lockdep: 'map-acquire',
  cls: JBD2_HANDLE_CLASS,
  read: 0,
  api: 'jbd2__journal_start',
};
// How traces name the two waits: start_this_handle's helper, and the commit's open-coded
// prepare_to_wait/schedule loop on j_wait_updates.
const WAIT_TRANSACTION_LOCKED = { api: 'wait_transaction_locked' };
const PREPARE_TO_WAIT = { api: 'prepare_to_wait' };
const STOP_NOTE: LockdepNote = { lockdep: 'map-release', cls: JBD2_HANDLE_CLASS, api: 'jbd2_journal_stop' };

/** jbd2__journal_start() / start_this_handle(). */
export function* jbd2_journal_start(j: Journal): Generator<Op, Handle, any> {
  const task = yield* current();
  const running = task.journalInfo as Handle | null;
  if (running && running.journal === j) {
    running.ref++;
    return running;
  }
  yield* might_sleep('jbd2__journal_start');
  let tid: number;
  for (;;) {
    let st: TransactionState = { tid: 0, locked: true };
    yield* commutingUpdate(
      j.updates,
      (n, peek) => {
        st = peek(j.state);
        return st.locked ? n : n + 1;
      },
      { api: 'start_this_handle' },
      [j.state],
    );
    if (!st.locked) {
      tid = st.tid;
      break;
    }
    // wait_transaction_locked(): prepare_to_wait, drop j_state_lock, schedule; woken by the
    // commit's opening the next transaction (see the file comment)
    yield* waitVar(j.waitLocked, [j.state], (peek) => !peek(j.state).locked, WAIT_TRANSACTION_LOCKED);
  }
  const h: Handle = { journal: j, tid, ref: 1 };
  task.journalInfo = h;
  yield* note(START_NOTE);
  return h;
}

/** jbd2_journal_stop(). */
export function* jbd2_journal_stop(h: Handle): Generator<Op, void, any> {
  const task = yield* current();
  if (--h.ref > 0) return;
  task.journalInfo = null;
  // atomic_dec_and_test(&t_updates), and wake_up(&j_wait_updates) at zero: waitVar's wake-up.
  yield* commutingUpdate(h.journal.updates, (n) => n - 1, { api: 'jbd2_journal_stop' });
  yield* note(STOP_NOTE);
}

/** jbd2_journal_commit_transaction(), the locking skeleton of a commit by kjournald2. */
export function* jbd2_journal_commit_transaction(j: Journal): Generator<Op, void, any> {
  yield* update(j.state, (s) => ({ ...s, locked: true }), { api: 'jbd2_journal_commit_transaction' });
  yield* waitVar(j.waitUpdates, [j.updates], (peek) => peek(j.updates) === 0, PREPARE_TO_WAIT);
  // T_FLUSH and a new running transaction; the same step wakes j_wait_transaction_locked's
  // sleepers (their waitVar reads the state), as wake_up does under j_state_lock in the kernel
  yield* update(j.state, (s) => ({ tid: s.tid + 1, locked: false }), {
    api: 'jbd2_journal_commit_transaction',
  });
}
