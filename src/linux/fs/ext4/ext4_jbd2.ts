// fs/ext4/ext4_jbd2.c and ext4_jbd2.h (v4.2-v4.4): starting and stopping a journal handle.
// A task that already runs a handle (current->journal_info) gets a nested reference and never
// waits; otherwise the start waits while a commit has locked the running transaction.
// Simplifications: no credits, no reserved handles, no sb read-only or journal-abort checks
// (ext4_journal_check_start), handle types are trace labels.

import { at, call, modelled } from '../../../engine/index.js';
import { current } from '../../../kernel/index.js';
import type { G, Sys } from '../../types.js';
import { type JournalHandle, jbd2__journal_start, jbd2_journal_stop_handle } from '../jbd2/journal.js';

export type { JournalHandle as Handle };

export type Ext4HandleType =
  | 'EXT4_HT_MAP_BLOCKS'
  | 'EXT4_HT_WRITE_PAGE'
  | 'EXT4_HT_INODE'
  | 'EXT4_HT_TRUNCATE'
  | 'EXT4_HT_EXT_CONVERT';

// Models __ext4_journal_start_sb() -> jbd2__journal_start() (v4.2-v4.4), for both
// ext4_journal_start(inode, ...) and ext4_journal_start_sb(sb, ...).
export const ext4_journal_start = modelled(
  'ext4_journal_start',
  function* ext4_journal_start(sys: Sys, type: Ext4HandleType): G<JournalHandle> {
    yield* at(type);
    return yield* call('jbd2__journal_start', jbd2__journal_start(sys));
  },
);

// Models ext4_journal_stop() -> __ext4_journal_stop() -> jbd2_journal_stop() (v4.2-v4.4).
export function* ext4_journal_stop(h: JournalHandle): G {
  yield* call('ext4_journal_stop', jbd2_journal_stop_handle(h));
}

/** ext4_journal_current_handle(): current->journal_info. */
export function* ext4_journal_current_handle(): G<JournalHandle | null> {
  return ((yield* current()).journalInfo as JournalHandle | null) ?? null;
}
