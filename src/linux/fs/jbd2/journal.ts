// fs/jbd2 as the model's ext4 uses it (v4.2-v4.4): the filesystem's one journal
// (EXT4_SB(sb)->s_journal, built on the kernel layer's jbd2 resource) and kjournald2, the
// thread that commits the running transaction. A commit can start at any point: it locks the
// running transaction (new handles wait), waits until every handle of it has stopped, and
// opens the next one, so a cycle that closes through a commit is explorable.
//
// The transaction state (T_LOCKED, t_updates) is modelled only when the execution has a
// commit actor. Without one nothing ever locks the transaction, so a handle start never waits
// and nobody reads t_updates: a start or stop is then a step on the task's own
// current->journal_info (independent of other tasks, so DPOR does not order handle starts of
// different tasks against each other) plus lockdep's jbd2_handle acquisition.
// Simplifications: one commit per actor run; no commit timer, no checkpointing, no
// jbd2_log_wait_commit callers; the commit takes no other lock.

import {
  at,
  type Cell,
  call,
  cellObject,
  modelled,
  note,
  self,
  update,
  type World,
} from '../../../engine/index.js';
import {
  current,
  type Handle,
  JBD2_HANDLE_CLASS,
  type Journal,
  jbd2_journal_commit_transaction,
  jbd2_journal_start,
  jbd2_journal_stop,
  journal_init,
  type LockdepNote,
  might_sleep,
} from '../../../kernel/index.js';
import type { G, Sys } from '../../types.js';

/** The journal of the filesystem (created with the superblock; ext4 only). */
export function jbd2_journal_init(w: World): Journal {
  return journal_init(w, 'sb->s_journal');
}

/** EXT4_SB(sb)->s_journal, when the execution models the transaction state. */
export function journalOf(sys: Sys): Journal {
  const j = sys.st.journal;
  if (!j)
    throw new Error(
      'no jbd2 journal state: the model was built without a commit actor or for another filesystem',
    );
  return j;
}

/** A handle started while no commit can run: its reference count and the task's own cell. */
export interface UncontendedHandle {
  ref: number;
  info: Cell<number>;
}

export type JournalHandle = Handle | UncontendedHandle;

const START_NOTE: LockdepNote = {
  lockdep: 'map-acquire',
  cls: JBD2_HANDLE_CLASS,
  read: 0,
  api: 'jbd2__journal_start',
};
const STOP_NOTE: LockdepNote = { lockdep: 'map-release', cls: JBD2_HANDLE_CLASS, api: 'jbd2_journal_stop' };

// Models jbd2__journal_start() (v4.2-v4.4): with the transaction state modelled, the kernel
// layer's start (waits while a commit has locked the transaction); else a start that never
// waits. Either way a task that runs a handle gets a nested reference.
export function* jbd2__journal_start(sys: Sys): G<JournalHandle> {
  if (sys.st.journal) return yield* jbd2_journal_start(sys.st.journal);
  const task = yield* current();
  const running = task.journalInfo as UncontendedHandle | null;
  if (running) {
    running.ref++;
    return running;
  }
  yield* might_sleep('jbd2__journal_start');
  const me = yield* self();
  const info = yield* cellObject(`${me.name}: current->journal_info`, 0);
  yield* update(info, (n: number) => n + 1, { api: 'start_this_handle (no commit can run: never waits)' });
  const h: UncontendedHandle = { ref: 1, info };
  task.journalInfo = h;
  yield* note(START_NOTE);
  return h;
}

// Models jbd2_journal_stop() (v4.2-v4.4), for either kind of handle.
export function* jbd2_journal_stop_handle(h: JournalHandle): G {
  if ('journal' in h) {
    yield* jbd2_journal_stop(h);
    return;
  }
  const task = yield* current();
  if (--h.ref > 0) return;
  task.journalInfo = null;
  yield* update(h.info, (n: number) => n - 1, { api: 'jbd2_journal_stop' });
  yield* note(STOP_NOTE);
}

// Models kjournald2() -> jbd2_journal_commit_transaction() (v4.2-v4.4): one commit of the
// running transaction, woken by a timer or a jbd2_log_start_commit at any time.
export const kjournald2_commit = modelled('kjournald2', function* kjournald2_commit(sys: Sys): G {
  yield* at('commit the running transaction');
  yield* call('jbd2_journal_commit_transaction', jbd2_journal_commit_transaction(journalOf(sys)));
});
