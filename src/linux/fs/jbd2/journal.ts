// fs/jbd2 as the model's ext4 uses it (v4.2-v4.4): the filesystem's one journal
// (EXT4_SB(sb)->s_journal, built on the kernel layer's jbd2 resource) and kjournald2, the
// thread that commits the running transaction. A commit can start at any point: it locks the
// running transaction (new handles wait), waits until every handle of it has stopped, and
// opens the next one, so a cycle that closes through a commit is explorable.
// Simplifications: one commit per actor run; no commit timer, no checkpointing, no
// jbd2_log_wait_commit callers; the commit takes no other lock.

import { at, call, type World } from '../../../engine/index.js';
import { type Journal, jbd2_journal_commit_transaction, journal_init } from '../../../kernel/index.js';
import type { G, Sys } from '../../types.js';

/** The journal of the filesystem (created with the superblock; ext4 only). */
export function jbd2_journal_init(w: World): Journal {
  return journal_init(w, 'sb->s_journal');
}

/** EXT4_SB(sb)->s_journal. */
export function journalOf(sys: Sys): Journal {
  const j = sys.st.journal;
  if (!j) throw new Error('no jbd2 journal: the model was built for a filesystem without one');
  return j;
}

// Models kjournald2() -> jbd2_journal_commit_transaction() (v4.2-v4.4): one commit of the
// running transaction, woken by a timer or a jbd2_log_start_commit at any time.
export function* kjournald2_commit(sys: Sys): G {
  yield* call(
    'kjournald2',
    (function* () {
      yield* at('commit the running transaction');
      yield* call('jbd2_journal_commit_transaction', jbd2_journal_commit_transaction(journalOf(sys)));
    })(),
  );
}
